// The framework's and the HTTP layer's refusals, said in both languages (the services say theirs where they refuse).
import { Text } from './text.js'

export const problemText = {
  databaseUnavailable: new Text('The database cannot be reached at the moment; nothing was changed by this request. Try again shortly.',
    'Cơ sở dữ liệu tạm thời không truy cập được; yêu cầu chưa làm thay đổi gì. Vui lòng thử lại sau ít giây.'),
  internal: new Text('An unexpected error occurred. Quote the request id when you report it.',
    'Đã xảy ra lỗi không mong muốn. Khi báo lỗi, vui lòng gửi kèm mã yêu cầu (requestId).'),
  addressTooLong: new Text('A part of the address is longer than this API accepts.', 'Một phần của địa chỉ dài hơn mức API chấp nhận.'),
  addressInvalid: new Text('The address is not a valid URL.', 'Địa chỉ không phải URL hợp lệ.'),
  headersTooLarge: new Text('The request headers (or the address) are larger than this server accepts.', 'Phần đầu yêu cầu (hoặc địa chỉ) lớn hơn mức máy chủ chấp nhận.'),
  requestTimeout: new Text('The request took too long to arrive', 'Yêu cầu gửi đến quá chậm'),
  unreadableHttp: new Text('The request could not be read as HTTP.', 'Không đọc được yêu cầu HTTP.'),
  noRoute: (method: string, path: string) => new Text(`There is no route ${method} ${path}`, `Không có địa chỉ ${method} ${path}`),
  /** A refusal of the framework or a plugin: its own English, and the code's title in Vietnamese. */
  frameworkRefusal: (message: string, title: Text) => new Text(message, `${title.vi}.`)
}

/** What is not there, said the same wherever it is looked for. */
export const noSuch = {
  round: new Text('No such round.', 'Không tìm thấy kỳ đánh giá.'),
  unit: new Text('No such unit.', 'Không tìm thấy đơn vị.'),
  user: new Text('No such user.', 'Không tìm thấy người dùng.'),
  catalog: new Text('No such catalog.', 'Không tìm thấy bộ tiêu chí.'),
  selfAssessment: new Text('No such self-assessment.', 'Không tìm thấy bản tự đánh giá.'),
  supplementRequest: new Text('No such supplement request.', 'Không tìm thấy yêu cầu bổ sung.'),
  participant: new Text('No such round, or the unit does not take part in it.', 'Không tìm thấy kỳ đánh giá, hoặc đơn vị không tham gia kỳ này.'),
  roundUnit: new Text('The unit does not take part in this round.', 'Đơn vị không tham gia kỳ đánh giá này.'),
  unitType: (code: string) => new Text(`There is no unit type ${code}.`, `Không có loại đơn vị ${code}.`)
}

export const onlyUsers = new Text('Only a logged-in user can do this.', 'Chỉ người dùng đã đăng nhập mới làm được thao tác này.')

export const noCatalogForUnit = (roundCode: string, unitType: string) =>
  new Text(`Round ${roundCode} has no catalog for unit type ${unitType}; an admin must set one.`,
    `Kỳ đánh giá ${roundCode} chưa có bộ tiêu chí cho loại đơn vị ${unitType}; quản trị viên cần chọn bộ tiêu chí.`)

/** Round statuses in Vietnamese, for messages that name one. */
export const statusVi: Record<string, string> = {
  draft: 'bản nháp',
  self_assessment: 'tự đánh giá',
  appraisal: 'thẩm định',
  finalized: 'đã chốt kết quả',
  published: 'đã công bố'
}
export const statusName = (status: string | undefined | null) => statusVi[status ?? ''] ?? String(status)
