// Turns an RFC 9457 problem document from the API, which the client asks for in Vietnamese, into one readable message.

export interface FieldProblem {
  in?: string
  pointer?: string
  /** The rule a field's value breaks (a JSON Schema keyword or one of the service's own); absent on rule and leaf problems. */
  keyword?: string
  params?: Record<string, unknown>
  /** What is wrong, in the language the client asked for (Vietnamese). */
  message?: string
}

export interface CatalogProblemItem {
  nodeCode?: string | null
  rule?: string
  message?: string
  pointer?: string
}

/** A problem of a round (ROUND_NOT_READY, deadline order) or of a unit's appraisal (APPRAISAL_INCOMPLETE), by its code. */
export interface CodedProblemItem {
  code?: string
  deadline?: string
  unitType?: string
  leafCode?: string
  fieldCode?: string
  leafCodes?: string[]
  unitCode?: string | null
  /** Historical results: the CSV line and column of the problem. */
  line?: number | null
  column?: string | null
}

export interface ProblemDocument {
  type?: string
  title?: string
  status?: number
  detail?: string
  instance?: string
  code?: string
  requestId?: string
  errors?: Array<FieldProblem & CatalogProblemItem & CodedProblemItem>
  /**
   * ROUND_NOT_READY: the units whose appraisal is not finalized (codes), or those that may still submit before appraisal
   * begins (each with its deadline); or the unit types whose results are not published.
   */
  units?: Array<string | { code: string, name: string, closesAt: string }>
  unitTypes?: string[]
  /** ROUND_NOT_READY: how many units have started, so the round cannot go back to draft. */
  startedUnits?: number
  /** RESULTS_UNCHANGED: the version the results would repeat. */
  latestVersion?: number
  /** RESULTS_NOT_PUBLISHABLE: the round's status. */
  roundStatus?: string
}

/** An API failure: `message` is what the user reads, `problem` keeps the server's details. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly problem: ProblemDocument

  constructor (message: string, status: number, problem: ProblemDocument) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = problem.code ?? 'UNKNOWN'
    this.problem = problem
  }
}

/**
 * What a self-assessment still lacks, by the code the API gives each leaf (`missing`): labels of the screen, not
 * translations of the server's messages.
 */
const missingLabels: Record<string, string> = {
  unanswered: 'chưa chấm điểm',
  evidence_missing: 'chưa có tài liệu kiểm chứng hoặc giải trình'
}

/** One leaf's refusal as the server says it (in Vietnamese: the client asks for it), or what the leaf lacks, by its code. */
export function entryProblemMessage (item: { code?: string, message?: string }): string {
  return item.message ?? (item.code ? missingLabels[item.code] : undefined) ?? 'không hợp lệ'
}

/** Vietnamese names of the request fields users fill in, keyed by the last segment of a JSON pointer. */
const fieldNames: Record<string, string> = {
  username: 'Tên đăng nhập',
  password: 'Mật khẩu',
  oldPassword: 'Mật khẩu hiện tại',
  newPassword: 'Mật khẩu mới',
  displayName: 'Họ và tên',
  email: 'Email',
  role: 'Vai trò',
  unitId: 'Đơn vị',
  name: 'Tên',
  shortName: 'Tên viết tắt',
  code: 'Mã',
  unitType: 'Loại đơn vị',
  aliases: 'Tên gọi khác',
  scopes: 'Phạm vi quyền',
  title: 'Tên',
  year: 'Năm',
  legalBasis: 'Căn cứ pháp lý',
  classification: 'Thang xếp loại',
  maxPoints: 'Điểm tối đa',
  step: 'Bước điểm',
  options: 'Các lựa chọn',
  bands: 'Các ngưỡng',
  points: 'Điểm',
  min: 'Giá trị nhỏ nhất',
  max: 'Giá trị lớn nhất',
  label: 'Nhãn',
  position: 'Vị trí',
  parentCode: 'Nút cha',
  guidance: 'Hướng dẫn',
  evidence: 'Tài liệu kiểm chứng',
  from: 'Từ ngày',
  to: 'Đến ngày',
  q: 'Từ khóa',
  limit: 'Số dòng',
  offset: 'Vị trí trang',
  selfAssessmentClosesAt: 'Hạn tự đánh giá',
  supplementClosesAt: 'Hạn trả lời yêu cầu bổ sung',
  appraisalClosesAt: 'Hạn thẩm định',
  until: 'Gia hạn đến',
  reason: 'Lý do',
  unitIds: 'Đơn vị',
  unitTypes: 'Loại đơn vị',
  catalogs: 'Bộ tiêu chí',
  catalogId: 'Bộ tiêu chí',
  assignments: 'Phân công',
  fieldCode: 'Lĩnh vực',
  userId: 'Người thẩm định',
  dueAt: 'Hạn trả lời',
  leafCodes: 'Tiêu chí',
  answer: 'Nội dung trả lời',
  url: 'Địa chỉ nhận',
  eventTypes: 'Sự kiện'
}

/** "/nodes/0/maxPoints" → "Điểm tối đa (nodes/0/maxPoints)". */
export function describePointer (pointer: string | undefined): string {
  const path = (pointer ?? '').replace(/^\//, '')
  if (!path) return 'Nội dung'
  const segments = path.split('/')
  const last = [...segments].reverse().find((segment) => !/^\d+$/.test(segment)) ?? path
  const name = fieldNames[last]
  return name ? (segments.length > 1 ? `${name} (${path})` : name) : path
}

/**
 * The problem's list, each item as the server says it in Vietnamese: a field's problem after the field's name on the
 * form, a rule's or a leaf's problem as it stands (it names its node, leaf, line or deadline itself).
 */
function listItems (problem: ProblemDocument): string[] {
  const items = (problem.errors ?? []).map((item) => {
    const message = item.message ?? 'không hợp lệ'
    return item.keyword !== undefined ? `${describePointer(item.pointer)}: ${message}` : message
  })
  // Two rules broken by the same value can read the same; each is said once.
  return [...new Set(items)]
}

/** What keeps a unit's appraisal from being finalized, by field: "Lĩnh vực 7: chưa có điểm thẩm định 7.1.1, 7.1.2 (2 tiêu chí)". */
function finalizationItems (problem: ProblemDocument): string[] {
  const what: Record<string, string> = { unappraised: 'chưa có điểm thẩm định', reason_missing: 'điểm khác tự đánh giá chưa ghi lý do' }
  const groups = new Map<string, string[]>()
  const others: string[] = []
  for (const item of problem.errors ?? []) {
    const label = item.code === undefined ? undefined : what[item.code]
    if (label === undefined || item.leafCode === undefined) {
      others.push(item.message ?? 'không hợp lệ')
      continue
    }
    const key = `Lĩnh vực ${item.fieldCode ?? '?'}: ${label}`
    groups.set(key, [...groups.get(key) ?? [], item.leafCode])
  }
  const shownCodes = (codes: string[]) => codes.length > 8 ? `${codes.slice(0, 8).join(', ')}, …` : codes.join(', ')
  return [...[...groups].map(([key, codes]) => `${key} ${shownCodes(codes)} (${codes.length} tiêu chí)`), ...new Set(others)]
}

/** The message shown to the user for a failed response. */
export function problemMessage (status: number, problem: ProblemDocument): string {
  // The session ended while working: said for a person, not as the API's header names, and what becomes of the work.
  if (problem.code === 'UNAUTHENTICATED') return 'Phiên đăng nhập đã hết hạn: hãy đăng nhập lại. Những gì đã nhập mà chưa lưu vẫn được giữ trên máy này và được lưu sau khi đăng nhập lại.'
  // A finalization refused: the detail names the unit and counts; the list says where, field by field.
  if (problem.code === 'APPRAISAL_INCOMPLETE' && problem.detail) return `${problem.detail}\n• ${finalizationItems(problem).join('\n• ')}`
  const items = listItems(problem)
  // With a list, the title heads it (the detail repeats the list); without one, the detail says what is in the way.
  const base = (items.length > 0 ? problem.title : problem.detail ?? problem.title) ?? `Lỗi ${status}`
  // A long import report would fill the screen; the first problems show what to fix.
  const shown = items.length > 15 ? [...items.slice(0, 15), `… và ${items.length - 15} vấn đề khác`] : items
  if (items.length > 0) return `${base.replace(/[.:]$/, '')}:\n• ${shown.join('\n• ')}`
  // A fault of the server is investigated by its request id, which the user quotes.
  if (status >= 500 && problem.requestId) return `${base}\nMã yêu cầu: ${problem.requestId}`
  return base
}

/** Reads a failed response; a body that is not a problem document still gives a message. */
export async function toApiError (response: Response): Promise<ApiError> {
  let problem: ProblemDocument = {}
  try {
    const text = await response.text()
    const parsed: unknown = text ? JSON.parse(text) : {}
    if (parsed && typeof parsed === 'object') problem = parsed as ProblemDocument
  } catch {
    problem = {}
  }
  problem.status ??= response.status
  return new ApiError(problemMessage(response.status, problem), response.status, problem)
}

/** A request that got no answer at all (the network, or the server unreachable): the only failure said to be one. */
export class NetworkError extends Error {
  constructor () {
    super('Không kết nối được tới máy chủ, vui lòng kiểm tra mạng và thử lại')
    this.name = 'NetworkError'
  }
}

/**
 * A refusal the app itself says to the user (something typed is not saved yet, a leaf changed meanwhile): its message
 * is written for them and shown as it is, unlike a fault of the app's own code.
 */
export class UserMessage extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'UserMessage'
  }
}

/**
 * Why typed values are not saved yet. Without a connection they are not lost: the page keeps them on the device
 * (keptDrafts.ts) and sends them again, which an officer afraid of losing their work needs to read.
 */
export function unsavedMessage (error: unknown, then = 'sẽ được lưu khi có mạng trở lại'): string {
  return error instanceof NetworkError
    ? `Mất kết nối tới máy chủ: những gì đã nhập vẫn được giữ trên máy này và ${then}.`
    : errorMessage(error)
}

/**
 * The message of anything caught, for an error banner. A fault of the app itself (a TypeError in its own code, say) is
 * never passed off as a network failure: it is said to be unexpected, and logged for whoever investigates.
 */
export function errorMessage (error: unknown): string {
  if (error instanceof ApiError || error instanceof NetworkError || error instanceof UserMessage) return error.message
  console.error('Unexpected error in the web app:', error)
  return 'Đã có lỗi không mong muốn trong ứng dụng. Vui lòng tải lại trang và thử lại; nếu lỗi vẫn còn, hãy báo cho quản trị hệ thống.'
}
