// Every error code the API can answer with, declared once with its title in both languages; the problem plugin renders
// them as RFC 9457 documents in the client's language.
import { Text, text } from './messages/text.js'

export interface FieldProblem {
  /** Where the value was: body, querystring, params or headers. */
  in: string
  /** JSON pointer to the failing value inside that part of the request. */
  pointer: string
  /** Which rule the value breaks (a JSON Schema keyword such as `required`, or one of the service's own), for clients to branch on. */
  keyword?: string
  params?: Record<string, unknown>
  message: Text
}

/** An error that carries its own stable code, status and optional details for the problem document. */
export class AppError extends Error {
  readonly statusCode: number
  readonly code: string
  readonly title: Text
  readonly detail: Text
  readonly errors?: unknown[]
  readonly extra?: Record<string, unknown>

  constructor (code: string, statusCode: number, title: Text, detail?: Text, options: { errors?: unknown[], extra?: Record<string, unknown> } = {}) {
    super((detail ?? title).en)
    this.name = 'AppError'
    this.code = code
    this.statusCode = statusCode
    this.title = title
    this.detail = detail ?? title
    if (options.errors) this.errors = options.errors
    if (options.extra) this.extra = options.extra
  }
}

type Details = { errors?: unknown[], extra?: Record<string, unknown> }
const define = (code: string, statusCode: number, title: Text) =>
  Object.assign((detail?: Text, details: Details = {}) => new AppError(code, statusCode, title, detail, details), { code, statusCode, title })

/** Every error code, in the order declared (README's table and the contract's enum are made from it). */
export const errorCodes = (): Array<{ code: string, status: number, title: Text }> =>
  Object.values(Errors).map(({ code, statusCode, title }) => ({ code, status: statusCode, title }))

export const Errors = {
  validation: define('VALIDATION_FAILED', 400, text('The request is not valid', 'Dữ liệu gửi lên chưa hợp lệ')),
  malformedJson: define('MALFORMED_JSON', 400, text('The request body is not valid JSON', 'Nội dung gửi lên không phải JSON hợp lệ')),
  badRequest: define('BAD_REQUEST', 400, text('Bad request', 'Yêu cầu không hợp lệ')),
  unauthenticated: define('UNAUTHENTICATED', 401, text('Authentication is required', 'Cần đăng nhập')),
  invalidCredentials: define('INVALID_CREDENTIALS', 401, text('Invalid username or password', 'Tên đăng nhập hoặc mật khẩu không đúng')),
  weakPassword: define('WEAK_PASSWORD', 400, text('The password is too weak', 'Mật khẩu quá yếu')),
  forbidden: define('FORBIDDEN', 403, text('You are not allowed to do this', 'Bạn không có quyền thực hiện thao tác này')),
  notFound: define('NOT_FOUND', 404, text('Not found', 'Không tìm thấy')),
  routeNotFound: define('ROUTE_NOT_FOUND', 404, text('No such route', 'Không có địa chỉ này')),
  methodNotAllowed: define('METHOD_NOT_ALLOWED', 405, text('Method not allowed', 'Thao tác không được hỗ trợ')),
  conflict: define('CONFLICT', 409, text('The request conflicts with the current state', 'Yêu cầu xung đột với dữ liệu hiện có')),
  catalogPublished: define('CATALOG_PUBLISHED', 409, text('A published catalog cannot be changed', 'Bộ tiêu chí đã công bố, không thể thay đổi')),
  catalogInvalid: define('CATALOG_INVALID', 422, text('The catalog is not valid', 'Bộ tiêu chí chưa hợp lệ')),
  importInvalid: define('IMPORT_INVALID', 422, text('The import file is not valid', 'Tệp nhập chưa hợp lệ')),
  preconditionFailed: define('PRECONDITION_FAILED', 412, text('The resource has changed since you read it', 'Dữ liệu đã được thay đổi kể từ khi bạn mở')),
  payloadTooLarge: define('PAYLOAD_TOO_LARGE', 413, text('The request body is too large', 'Nội dung gửi lên quá lớn')),
  requestTimeout: define('REQUEST_TIMEOUT', 408, text('The request took too long to arrive', 'Yêu cầu gửi đến quá chậm')),
  uriTooLong: define('URI_TOO_LONG', 414, text('The address is too long', 'Địa chỉ quá dài')),
  headersTooLarge: define('HEADERS_TOO_LARGE', 431, text('The request headers are too large', 'Phần đầu yêu cầu quá lớn')),
  unsupportedMediaType: define('UNSUPPORTED_MEDIA_TYPE', 415, text('Unsupported media type', 'Định dạng nội dung không được hỗ trợ')),
  loginLocked: define('LOGIN_LOCKED', 429, text('Too many failed logins', 'Đăng nhập sai quá nhiều lần')),
  tooManyRequests: define('TOO_MANY_REQUESTS', 429, text('Too many requests', 'Quá nhiều yêu cầu')),
  internal: define('INTERNAL', 500, text('Internal server error', 'Lỗi máy chủ')),
  notReady: define('NOT_READY', 503, text('The service is not ready', 'Hệ thống chưa sẵn sàng')),
  unavailable: define('SERVICE_UNAVAILABLE', 503, text('The service is unavailable', 'Hệ thống tạm thời không phục vụ được')),
  databaseUnavailable: define('DATABASE_UNAVAILABLE', 503, text('The database cannot be reached for the moment', 'Tạm thời không truy cập được cơ sở dữ liệu')),
  preconditionRequired: define('PRECONDITION_REQUIRED', 428, text('This change needs an If-Match header', 'Thay đổi này cần tiêu đề If-Match')),
  unitInOpenRound: define('UNIT_IN_OPEN_ROUND', 409, text('The unit takes part in a round that is under way', 'Đơn vị đang tham gia một kỳ đánh giá chưa kết thúc')),
  roundNotEditable: define('ROUND_NOT_EDITABLE', 409, text('The round cannot be changed this way in its current status', 'Kỳ đánh giá ở trạng thái hiện tại không cho phép thay đổi này')),
  roundTransitionInvalid: define('ROUND_TRANSITION_INVALID', 409, text('The round cannot move to that status', 'Không thể chuyển kỳ đánh giá sang trạng thái này')),
  roundNotReady: define('ROUND_NOT_READY', 409, text('The round is not ready for that status', 'Kỳ đánh giá chưa đủ điều kiện để chuyển trạng thái')),
  selfAssessmentClosed: define('SELF_ASSESSMENT_CLOSED', 409, text('Self-assessment is not open in this round', 'Kỳ đánh giá không ở giai đoạn tự đánh giá')),
  deadlinePassed: define('DEADLINE_PASSED', 409, text('The self-assessment deadline has passed', 'Đã hết hạn tự đánh giá')),
  selfAssessmentSubmitted: define('SELF_ASSESSMENT_SUBMITTED', 409, text('The self-assessment has been submitted; withdraw it to change it', 'Bản tự đánh giá đã nộp; hãy rút lại để chỉnh sửa')),
  selfAssessmentNotSubmitted: define('SELF_ASSESSMENT_NOT_SUBMITTED', 409, text('The self-assessment is not submitted', 'Bản tự đánh giá chưa nộp')),
  selfAssessmentInvalid: define('SELF_ASSESSMENT_INVALID', 422, text('Some entries are not valid; nothing was saved', 'Một số giá trị chưa hợp lệ, chưa lưu gì')),
  selfAssessmentIncomplete: define('SELF_ASSESSMENT_INCOMPLETE', 422, text('The self-assessment is not complete', 'Chưa thể nộp bản tự đánh giá')),
  passwordChangeRequired: define('PASSWORD_CHANGE_REQUIRED', 403, text('Change the password the admin gave you first', 'Cần đổi mật khẩu do quản trị viên cấp trước khi tiếp tục')),
  notAssigned: define('NOT_ASSIGNED', 403, text('This is outside the fields assigned to you', 'Nội dung này không thuộc lĩnh vực được phân công cho bạn')),
  appraisalClosed: define('APPRAISAL_CLOSED', 409, text('Appraisal is not open in this round', 'Kỳ đánh giá không ở giai đoạn thẩm định')),
  appraisalDeadlinePassed: define('APPRAISAL_DEADLINE_PASSED', 409, text('The appraisal deadline has passed', 'Đã hết hạn thẩm định')),
  appraisalFinalized: define('APPRAISAL_FINALIZED', 409, text('The appraisal of this unit is finalized', 'Kết quả thẩm định của đơn vị đã được chốt')),
  appraisalNotFinalized: define('APPRAISAL_NOT_FINALIZED', 409, text('The appraisal of this unit is not finalized', 'Kết quả thẩm định của đơn vị chưa được chốt')),
  appraisalInvalid: define('APPRAISAL_INVALID', 422, text('Some appraised scores are not valid; nothing was saved', 'Một số điểm thẩm định chưa hợp lệ, chưa lưu gì')),
  appraisalIncomplete: define('APPRAISAL_INCOMPLETE', 409, text('The appraisal of this unit is not complete', 'Chưa thể chốt kết quả thẩm định của đơn vị')),
  leafLocked: define('LEAF_LOCKED', 409, text('These leaves are not open for the unit', 'Các tiêu chí này không mở cho đơn vị thay đổi')),
  supplementNotOpen: define('SUPPLEMENT_NOT_OPEN', 409, text('The supplement request is not open', 'Yêu cầu bổ sung không còn mở')),
  supplementAlreadyOpen: define('SUPPLEMENT_ALREADY_OPEN', 409, text('A supplement request is already open on these leaves', 'Tiêu chí đã có yêu cầu bổ sung đang mở')),
  supplementClosed: define('SUPPLEMENT_CLOSED', 409, text('The supplement request is already closed', 'Yêu cầu bổ sung đã đóng')),
  resultsNotPublishable: define('RESULTS_NOT_PUBLISHABLE', 409, text('Results can be published only when the round is finalized or published', 'Chỉ công bố được kết quả khi kỳ đánh giá đã chốt hoặc đã công bố')),
  resultsUnchanged: define('RESULTS_UNCHANGED', 409, text('Nothing changed since the latest published version', 'Không có gì thay đổi so với phiên bản đã công bố mới nhất')),
  resultsReasonRequired: define('RESULTS_REASON_REQUIRED', 400, text('A new version of published results needs a reason', 'Công bố phiên bản mới cần có lý do')),
  resultsNotPublished: define('RESULTS_NOT_PUBLISHED', 404, text('No published results', 'Chưa có kết quả được công bố')),
  resultsProvisionalHidden: define('RESULTS_PROVISIONAL_HIDDEN', 403, text('Provisional results of this round are not shared with API keys', 'Kết quả tạm thời của kỳ này không được chia sẻ cho khóa API')),
  historicalResultsInvalid: define('HISTORICAL_RESULTS_INVALID', 422, text('The historical results are not valid; nothing was stored', 'Tệp kết quả chưa hợp lệ, chưa lưu gì')),
  reportIncomplete: define('REPORT_INCOMPLETE', 409, text('Some unit types of the round have no published results to report', 'Một số loại đơn vị của kỳ chưa có kết quả được công bố để lập báo cáo'))
}
