// Turns an RFC 9457 problem document from the API into one readable Vietnamese message.

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

export interface ProblemDocument {
  type?: string
  title?: string
  status?: number
  detail?: string
  instance?: string
  code?: string
  requestId?: string
  errors?: Array<FieldProblem & CatalogProblemItem>
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

const messages: Record<string, string> = {
  UNAUTHENTICATED: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại',
  INVALID_CREDENTIALS: 'Tên đăng nhập hoặc mật khẩu không đúng',
  LOGIN_LOCKED: 'Tài khoản tạm bị khóa do đăng nhập sai nhiều lần, vui lòng thử lại sau ít phút',
  FORBIDDEN: 'Bạn không có quyền thực hiện thao tác này',
  NOT_FOUND: 'Không tìm thấy dữ liệu yêu cầu (có thể đã bị xóa)',
  ROUTE_NOT_FOUND: 'Máy chủ chưa hỗ trợ chức năng này',
  CONFLICT: 'Dữ liệu bị trùng hoặc xung đột với dữ liệu hiện có',
  CATALOG_PUBLISHED: 'Bộ tiêu chí đã công bố, không thể chỉnh sửa; hãy nhân bản để tạo phiên bản mới',
  CATALOG_INVALID: 'Bộ tiêu chí chưa hợp lệ',
  IMPORT_INVALID: 'Tệp nhập không hợp lệ',
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
  SERVICE_UNAVAILABLE: 'Hệ thống tạm thời không phục vụ được, vui lòng thử lại sau'
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
  offset: 'Vị trí trang'
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
  [/^is wrong$/, () => 'không đúng']
]

export function translateFieldMessage (message: string | undefined): string {
  if (!message) return 'không hợp lệ'
  for (const [pattern, translate] of fieldMessages) {
    const match = pattern.exec(message)
    if (match) return translate(match)
  }
  return message
}

function listItems (problem: ProblemDocument): string[] {
  const items = problem.errors ?? []
  if (problem.code === 'CATALOG_INVALID' || problem.code === 'IMPORT_INVALID') {
    return items.map((item) => {
      const where = item.nodeCode ? `Nút ${item.nodeCode}` : item.pointer ? describePointer(item.pointer) : 'Toàn bộ'
      return `${where}: ${translateFieldMessage(item.message ?? item.rule)}`
    })
  }
  return items.map((item) => `${describePointer(item.pointer)}: ${translateFieldMessage(item.message)}`)
}

/** The message shown to the user for a failed response. */
export function problemMessage (status: number, problem: ProblemDocument): string {
  const code = problem.code ?? ''
  const base = messages[code] ?? problem.detail ?? problem.title ?? `Lỗi ${status}`
  const items = listItems(problem)
  // A long import report would fill the screen; the first problems show what to fix.
  const shown = items.length > 15 ? [...items.slice(0, 15), `… và ${items.length - 15} vấn đề khác`] : items
  if (items.length > 0) return `${base}:\n• ${shown.join('\n• ')}`
  // A conflict's detail usually names the duplicate value, which helps the user more than the generic text.
  if ((code === 'CONFLICT' || code === 'NOT_FOUND' || code === 'BAD_REQUEST') && problem.detail) return `${base}.\nChi tiết: ${problem.detail}`
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

/** The message of anything caught, for an error banner. */
export function errorMessage (error: unknown): string {
  if (error instanceof ApiError) return error.message
  if (error instanceof TypeError) return 'Không kết nối được tới máy chủ, vui lòng kiểm tra mạng và thử lại'
  if (error instanceof Error) return error.message
  return 'Đã có lỗi xảy ra'
}
