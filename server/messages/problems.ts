// The framework's and the HTTP layer's refusals, said in both languages (the services say theirs where they refuse).
import { formatVietnamDateTime, formatVietnamTime, roundStatusNames, type RoundStatus } from '../domain/lifecycle.js'
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
  wrongMethod: (method: string, path: string, allowed: string[]) => new Text(`${path} does not take ${method}; it takes ${allowed.join(', ')}.`,
    `Địa chỉ ${path} không nhận thao tác ${method}; chỉ nhận ${allowed.join(', ')}.`),
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
  notification: new Text('No such notification.', 'Không tìm thấy thông báo.'),
  webhook: new Text('No such webhook endpoint.', 'Không tìm thấy điểm nhận webhook.'),
  webhookDelivery: new Text('No such delivery of this webhook endpoint.', 'Không tìm thấy lần gửi này của điểm nhận webhook.'),
  participant: new Text('No such round, or the unit does not take part in it.', 'Không tìm thấy kỳ đánh giá, hoặc đơn vị không tham gia kỳ này.'),
  roundUnit: new Text('The unit does not take part in this round.', 'Đơn vị không tham gia kỳ đánh giá này.'),
  unitType: (code: string) => new Text(`There is no unit type ${code}.`, `Không có loại đơn vị ${code}.`)
}

export const onlyUsers = new Text('Only a logged-in user can do this.', 'Chỉ người dùng đã đăng nhập mới làm được thao tác này.')

export const noCatalogForUnit = (roundCode: string, unitType: string) =>
  new Text(`Round ${roundCode} has no catalog for unit type ${unitType}; an admin must set one.`,
    `Kỳ đánh giá ${roundCode} chưa có bộ tiêu chí cho loại đơn vị ${unitType}; quản trị viên cần chọn bộ tiêu chí.`)

/** A round status as the Sở Nội vụ names it, for messages that name one (the domain's one list of names). */
export const statusName = (status: string | undefined | null) => roundStatusNames[status as RoundStatus] ?? String(status)

/** A leaf of a save refused before or by its scoring: the same words for the unit's save and the appraiser's. */
export const leafProblem = {
  duplicate: (leafCode: string) => new Text(`Leaf ${leafCode} appears more than once in the request.`, `Tiêu chí ${leafCode}: bị gửi trùng.`),
  unknown: (leafCode: string) => new Text(`The catalog has no leaf ${leafCode}.`, `Tiêu chí ${leafCode}: bộ tiêu chí không có tiêu chí này.`),
  notALeaf: (leafCode: string) => new Text(`${leafCode} has sub-criteria; only its leaves are scored.`, `Tiêu chí ${leafCode}: có tiêu chí thành phần; hãy chấm từng tiêu chí thành phần.`),
  /** The scoring's refusal of a value, named by its leaf in Vietnamese (the English names the values already). */
  refused: (leafCode: string, message: Text) => new Text(message.en, `Tiêu chí ${leafCode}: ${message.vi}.`)
}

/**
 * A leaf whose supplement request (yêu cầu bổ sung) passed its due date unanswered: said so, with the due time, rather
 * than as the round's status, so the officer knows why the leaf closed and that it will not reopen by itself.
 */
export const expiredRequest = {
  leaf: (leafCode: string, dueAt: Date) => new Text(`The supplement request for leaf ${leafCode} expired unanswered at ${formatVietnamTime(dueAt)}; the leaf can no longer be changed.`,
    `Tiêu chí ${leafCode}: yêu cầu bổ sung đã quá hạn trả lời lúc ${formatVietnamDateTime(dueAt)}; tiêu chí không sửa được nữa.`),
  leaves: (groups: ReadonlyArray<{ leafCodes: string[], dueAt: Date }>) => new Text(
    groups.map(({ leafCodes, dueAt }) => `The supplement request for ${leafCodes.length === 1 ? 'leaf' : 'leaves'} ${leafCodes.join(', ')} expired unanswered at ${formatVietnamTime(dueAt)}`).join('; ') +
      `; ${groups.flatMap((group) => group.leafCodes).length === 1 ? 'it' : 'they'} can no longer be changed.`,
    groups.map(({ leafCodes, dueAt }) => `Yêu cầu bổ sung cho tiêu chí ${leafCodes.join(', ')} đã quá hạn trả lời lúc ${formatVietnamDateTime(dueAt)}`).join('; ') +
      '; tiêu chí không sửa được nữa.')
}
