// Turns an RFC 9457 problem document from the API into one readable Vietnamese message.
import { formatDateTime } from '../format'

export interface FieldProblem {
  in?: string
  pointer?: string
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
  /** ROUND_NOT_READY: the units whose appraisal is not finalized, or the unit types whose results are not published. */
  units?: string[]
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

/** The message of each code: a text, or built from the problem's extra members. */
const messages: Record<string, string | ((problem: ProblemDocument) => string)> = {
  UNAUTHENTICATED: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
  INVALID_CREDENTIALS: 'Tên đăng nhập hoặc mật khẩu không đúng',
  LOGIN_LOCKED: 'Tài khoản tạm bị khóa do đăng nhập sai nhiều lần, vui lòng thử lại sau ít phút',
  // The server says why in Vietnamese (too short, the username inside, too easy to guess…).
  WEAK_PASSWORD: (problem) => problem.detail ?? 'Mật khẩu quá dễ đoán, vui lòng chọn mật khẩu khác',
  DATABASE_UNAVAILABLE: 'Cơ sở dữ liệu tạm thời không truy cập được; thao tác chưa được thực hiện, vui lòng thử lại sau ít giây',
  URI_TOO_LONG: 'Địa chỉ yêu cầu quá dài',
  HEADERS_TOO_LARGE: 'Yêu cầu quá lớn, vui lòng tải lại trang',
  FORBIDDEN: 'Bạn không có quyền thực hiện thao tác này',
  NOT_FOUND: 'Không tìm thấy dữ liệu yêu cầu (có thể đã bị xóa)',
  ROUTE_NOT_FOUND: 'Máy chủ chưa hỗ trợ chức năng này',
  CONFLICT: 'Dữ liệu bị trùng hoặc xung đột với dữ liệu hiện có',
  CATALOG_PUBLISHED: 'Bộ tiêu chí đã công bố, không thể chỉnh sửa; hãy nhân bản để tạo phiên bản mới',
  CATALOG_INVALID: 'Bộ tiêu chí chưa hợp lệ',
  IMPORT_INVALID: 'Tệp nhập không hợp lệ',
  HISTORICAL_RESULTS_INVALID: 'Tệp kết quả chưa hợp lệ, chưa lưu gì',
  VALIDATION_FAILED: 'Dữ liệu nhập chưa hợp lệ',
  MALFORMED_JSON: 'Nội dung gửi lên không phải JSON hợp lệ',
  BAD_REQUEST: 'Yêu cầu không hợp lệ',
  PRECONDITION_FAILED: 'Dữ liệu đã bị người khác thay đổi, vui lòng tải lại trang',
  PAYLOAD_TOO_LARGE: 'Tệp hoặc nội dung gửi lên quá lớn',
  UNSUPPORTED_MEDIA_TYPE: 'Định dạng nội dung không được hỗ trợ',
  TOO_MANY_REQUESTS: 'Quá nhiều yêu cầu, vui lòng thử lại sau ít phút',
  METHOD_NOT_ALLOWED: 'Thao tác không được hỗ trợ',
  INTERNAL: 'Lỗi máy chủ, vui lòng thử lại hoặc báo cho quản trị hệ thống',
  NOT_READY: 'Hệ thống đang khởi động, vui lòng thử lại sau',
  SERVICE_UNAVAILABLE: 'Hệ thống tạm thời không phục vụ được, vui lòng thử lại sau',
  ROUND_NOT_EDITABLE: 'Kỳ đánh giá ở trạng thái hiện tại không cho phép thay đổi này',
  ROUND_TRANSITION_INVALID: 'Không thể chuyển kỳ đánh giá sang trạng thái này',
  ROUND_NOT_READY: 'Kỳ đánh giá chưa đủ điều kiện để chuyển trạng thái',
  APPRAISAL_CLOSED: 'Kỳ đánh giá không ở giai đoạn thẩm định',
  APPRAISAL_FINALIZED: 'Kết quả thẩm định của đơn vị đã được chốt',
  APPRAISAL_NOT_FINALIZED: 'Kết quả thẩm định của đơn vị chưa được chốt',
  APPRAISAL_INCOMPLETE: 'Chưa thể chốt kết quả thẩm định của đơn vị',
  NOT_ASSIGNED: 'Nội dung này không thuộc lĩnh vực được phân công cho bạn',
  RESULTS_UNCHANGED: (problem) => `Không có gì thay đổi so với phiên bản ${problem.latestVersion ?? 'mới nhất'}: ` +
    'điểm, bộ tiêu chí và danh sách đơn vị giống hệt, nên không cần công bố lại',
  RESULTS_REASON_REQUIRED: 'Kết quả đã được công bố; cần nhập lý do để công bố phiên bản mới',
  RESULTS_NOT_PUBLISHABLE: (problem) => problem.roundStatus === 'finalized' || problem.roundStatus === 'published'
    ? 'Kỳ đánh giá chưa có đơn vị nào thuộc loại này để công bố kết quả'
    : 'Chỉ công bố được kết quả khi kỳ đánh giá đã chốt kết quả thẩm định',
  RESULTS_NOT_PUBLISHED: 'Chưa có kết quả nào được công bố cho kỳ đánh giá và loại đơn vị này',
  PRECONDITION_REQUIRED: 'Thiếu phiên bản dữ liệu khi lưu, vui lòng tải lại trang',
  SELF_ASSESSMENT_CLOSED: 'Kỳ đánh giá không ở giai đoạn tự đánh giá, nên không thể thay đổi bản tự đánh giá',
  DEADLINE_PASSED: 'Đã hết hạn tự đánh giá; đề nghị Sở Nội vụ gia hạn nếu cần thay đổi',
  SELF_ASSESSMENT_SUBMITTED: 'Bản tự đánh giá đã nộp; hãy rút lại để chỉnh sửa',
  SELF_ASSESSMENT_NOT_SUBMITTED: 'Bản tự đánh giá chưa nộp nên không có gì để rút lại',
  SELF_ASSESSMENT_INVALID: 'Một số giá trị chưa hợp lệ, chưa lưu gì',
  SELF_ASSESSMENT_INCOMPLETE: 'Chưa thể nộp bản tự đánh giá',
  LEAF_LOCKED: 'Chỉ các tiêu chí trong yêu cầu bổ sung đang mở mới được thay đổi',
  SUPPLEMENT_NOT_OPEN: 'Yêu cầu bổ sung không còn mở (đã trả lời, đã đóng hoặc quá hạn)',
  SUPPLEMENT_CLOSED: 'Yêu cầu bổ sung đã đóng'
}

/** Why the server refused one leaf of a self-assessment (the `code` of an EntryProblem), in Vietnamese. */
const entryProblems: Record<string, string> = {
  not_a_number: 'không phải là số hợp lệ (tối đa 3 chữ số thập phân)',
  negative: 'điểm không được âm',
  above_maximum: 'vượt quá điểm tối đa của tiêu chí',
  off_step: 'không đúng bước điểm của tiêu chí',
  unknown_option: 'lựa chọn không có trong tiêu chí',
  measurement_out_of_range: 'số liệu nằm ngoài khoảng cho phép',
  wrong_input: 'không đúng cách nhập của tiêu chí',
  no_scoring_method: 'tiêu chí chưa có cách chấm điểm',
  unknown_leaf: 'bộ tiêu chí không có tiêu chí này',
  not_a_leaf: 'tiêu chí có tiêu chí thành phần; hãy chấm từng tiêu chí thành phần',
  duplicate_leaf: 'tiêu chí bị gửi trùng',
  empty_entry: 'chưa có giá trị để lưu',
  unanswered: 'chưa chấm điểm',
  evidence_missing: 'chưa có tài liệu kiểm chứng hoặc giải trình',
  leaf_locked: 'không thuộc yêu cầu bổ sung đang mở'
}

/** One leaf's refusal: by its code, or the validator's message of a value of the wrong type. */
export function entryProblemMessage (item: { code?: string, message?: string }): string {
  return (item.code ? entryProblems[item.code] : undefined) ?? translateFieldMessage(item.message)
}

/** Codes whose detail names what is in the way (a unit, a status), shown when there is no list of problems. */
const detailedCodes = new Set(['CONFLICT', 'NOT_FOUND', 'BAD_REQUEST', 'ROUND_NOT_EDITABLE', 'ROUND_TRANSITION_INVALID', 'ROUND_NOT_READY',
  'APPRAISAL_CLOSED', 'APPRAISAL_FINALIZED', 'APPRAISAL_NOT_FINALIZED'])

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
  userId: 'Người thẩm định'
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

/** The usual JSON-schema messages of the API's validator, in Vietnamese; others are shown as they come. */
const fieldMessages: [RegExp, (match: RegExpExecArray) => string][] = [
  [/^must NOT have fewer than (\d+) characters$/, (m) => `phải có ít nhất ${m[1]} ký tự`],
  [/^must NOT have more than (\d+) characters$/, (m) => `không được dài quá ${m[1]} ký tự`],
  [/^must NOT have fewer than (\d+) items$/, (m) => `cần ít nhất ${m[1]} mục`],
  [/^must NOT have more than (\d+) items$/, (m) => `không được quá ${m[1]} mục`],
  [/^must match format "email"$/, () => 'không đúng định dạng email'],
  [/^must match format "uuid"$/, () => 'không phải mã định danh hợp lệ'],
  [/^must match format "date-time"$/, () => 'không phải thời điểm hợp lệ'],
  [/^must match pattern/, () => 'có ký tự không được phép'],
  [/^must have required property/, () => 'bắt buộc nhập'],
  [/^must be equal to one of the allowed values$/, () => 'không nằm trong các giá trị cho phép'],
  [/^must be equal to constant$/, () => 'không đúng giá trị quy định'],
  [/^must be integer$/, () => 'phải là số nguyên'],
  [/^must be number$/, () => 'phải là số'],
  [/^must be string$/, () => 'phải là chuỗi ký tự'],
  [/^must be boolean$/, () => 'phải là đúng/sai'],
  [/^must be >= (\S+)$/, (m) => `phải lớn hơn hoặc bằng ${m[1]}`],
  [/^must be <= (\S+)$/, (m) => `phải nhỏ hơn hoặc bằng ${m[1]}`],
  [/^must NOT have additional properties$/, () => 'không được phép có'],
  [/^must NOT have duplicate items/, () => 'không được trùng nhau'],
  [/^is wrong$/, () => 'không đúng'],
  [/^must be after (\S+)$/, (m) => `phải sau ${formatDateTime(m[1])}`],
  [/^must not be blank$/, () => 'không được để trống'],
  [/^must be in the future$/, () => 'phải là thời điểm trong tương lai']
]

export function translateFieldMessage (message: string | undefined): string {
  if (!message) return 'không hợp lệ'
  for (const [pattern, translate] of fieldMessages) {
    const match = pattern.exec(message)
    if (match) return translate(match)
  }
  return message
}

/** Round and appraisal problems carry a code; each is said in Vietnamese from its code and the names it carries. */
function codedItem (item: FieldProblem & CodedProblemItem): string | undefined {
  const deadline = describePointer(item.deadline ? `/${item.deadline}` : item.pointer)
  const leaves = (item.leafCodes ?? []).join(', ')
  switch (item.code) {
    case 'deadline_missing': return `${deadline}: chưa đặt`
    case 'deadlines_out_of_order':
      return item.deadline === 'supplementClosesAt' || item.pointer === '/supplementClosesAt'
        ? `${deadline}: phải sau hạn tự đánh giá`
        : `${deadline}: phải sau hạn tự đánh giá và không trước hạn trả lời yêu cầu bổ sung`
    case 'no_participants': return 'Kỳ đánh giá chưa có đơn vị tham gia'
    case 'no_catalog_for_unit_type': return `Chưa chọn bộ tiêu chí cho loại đơn vị “${item.unitType ?? ''}” của các đơn vị tham gia`
    case 'unit_inactive': return `Đơn vị ${item.unitCode ?? ''} đã ngừng hoạt động; hãy bỏ khỏi kỳ hoặc kích hoạt lại`
    case 'catalog_not_published': return `Bộ tiêu chí của loại đơn vị “${item.unitType ?? ''}” chưa được công bố`
    case 'unappraised': return `Tiêu chí ${item.leafCode ?? ''}: chưa có điểm thẩm định`
    case 'reason_missing': return `Tiêu chí ${item.leafCode ?? ''}: điểm thẩm định khác điểm tự đánh giá nhưng chưa ghi lý do`
    case 'request_open': return `Yêu cầu bổ sung (${leaves}) đang chờ đơn vị trả lời`
    case 'request_answered': return `Yêu cầu bổ sung (${leaves}) đã được trả lời, chờ thẩm định lại và đóng`
    default: return item.leafCode && item.code && entryProblems[item.code] ? `Tiêu chí ${item.leafCode}: ${entryProblems[item.code]}` : undefined
  }
}

/** A problem of a historical results CSV, by its code, at its line and column. */
function historicalItem (item: CodedProblemItem & FieldProblem): string {
  const unit = item.unitCode ?? ''
  const text: Record<string, string> = {
    csv_malformed: 'tệp CSV không đúng định dạng',
    missing_column: 'thiếu cột này',
    duplicate_column: 'cột bị lặp',
    no_rows: 'tệp không có dòng dữ liệu nào',
    wrong_cell_count: 'số ô của dòng không khớp với dòng tiêu đề',
    unknown_unit: `không tìm thấy đơn vị ${unit}`.trim(),
    ambiguous_unit: 'tên đơn vị khớp với nhiều đơn vị',
    wrong_unit_type: `đơn vị ${unit} không thuộc loại đơn vị này`,
    duplicate_unit: `đơn vị ${unit} xuất hiện nhiều lần`,
    missing_value: 'thiếu giá trị',
    not_a_number: 'không phải là số',
    negative: 'không được âm',
    above_maximum: 'vượt điểm tối đa của lĩnh vực',
    off_step: 'không đúng bước điểm của lĩnh vực',
    total_mismatch: 'tổng điểm không khớp với tổng các lĩnh vực',
    invalid_rank: 'thứ hạng không hợp lệ'
  }
  const where = [item.line ? `Dòng ${item.line}` : 'Tệp', item.column ? `cột ${item.column}` : null].filter(Boolean).join(', ')
  return `${where}: ${text[item.code ?? ''] ?? item.message ?? 'không hợp lệ'}`
}

function listItems (problem: ProblemDocument): string[] {
  if (problem.code === 'HISTORICAL_RESULTS_INVALID') return (problem.errors ?? []).map(historicalItem)
  if (problem.code === 'ROUND_NOT_READY' && problem.units) {
    return problem.units.map((unit) => `Đơn vị ${unit}: chưa chốt kết quả thẩm định`)
  }
  if (problem.code === 'ROUND_NOT_READY' && problem.startedUnits) {
    return [`${problem.startedUnits} đơn vị đã bắt đầu tự đánh giá, nên kỳ không thể trở về bản nháp (nơi bộ tiêu chí có thể bị thay đổi)`]
  }
  if (problem.code === 'ROUND_NOT_READY' && problem.unitTypes) {
    return problem.unitTypes.map((unitType) => `Loại đơn vị “${unitType}”: chưa công bố kết quả (công bố tại màn hình Kết quả)`)
  }
  const items = problem.errors ?? []
  if (problem.code === 'CATALOG_INVALID' || problem.code === 'IMPORT_INVALID') {
    return items.map((item) => {
      const where = item.nodeCode ? `Nút ${item.nodeCode}` : item.pointer ? describePointer(item.pointer) : 'Toàn bộ'
      return `${where}: ${translateFieldMessage(item.message ?? item.rule)}`
    })
  }
  // Two rules broken by the same value read the same once translated; each is said once.
  return [...new Set(items.map((item) => codedItem(item) ?? `${describePointer(item.pointer)}: ${translateFieldMessage(item.message)}`))]
}

/** The message shown to the user for a failed response. */
export function problemMessage (status: number, problem: ProblemDocument): string {
  const code = problem.code ?? ''
  const message = messages[code]
  const base = (typeof message === 'function' ? message(problem) : message) ?? problem.detail ?? problem.title ?? `Lỗi ${status}`
  const items = listItems(problem)
  // A long import report would fill the screen; the first problems show what to fix.
  const shown = items.length > 15 ? [...items.slice(0, 15), `… và ${items.length - 15} vấn đề khác`] : items
  if (items.length > 0) return `${base}:\n• ${shown.join('\n• ')}`
  // A conflict's detail usually names the duplicate value, which helps the user more than the generic text.
  if (detailedCodes.has(code) && problem.detail) return `${base}.\nChi tiết: ${problem.detail}`
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
 * The message of anything caught, for an error banner. A fault of the app itself (a TypeError in its own code, say) is
 * never passed off as a network failure: it is said to be unexpected, and logged for whoever investigates.
 */
export function errorMessage (error: unknown): string {
  if (error instanceof ApiError || error instanceof NetworkError) return error.message
  console.error('Unexpected error in the web app:', error)
  return 'Đã có lỗi không mong muốn trong ứng dụng. Vui lòng tải lại trang và thử lại; nếu lỗi vẫn còn, hãy báo cho quản trị hệ thống.'
}
