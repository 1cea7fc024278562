// Vietnamese labels of the API's codes (roles, scopes, node kinds, statuses, rules, audit actions).
import type {
  AppraisalStatus, CatalogStatus, EvidenceRule, NodeKind, NotificationKind, Role, RoundStatus, Scope, SelfAssessmentStatus, SupplementStatus, WebhookEventType
} from './api/types'

export const roleLabels: Record<Role, string> = {
  admin: 'Quản trị (Sở Nội vụ)',
  appraiser: 'Thành viên Tổ thẩm định',
  unit_officer: 'Cán bộ đầu mối của đơn vị',
  viewer: 'Chỉ xem'
}

/** Role names short enough for a table column. */
export const roleShortLabels: Record<Role, string> = {
  admin: 'Quản trị',
  appraiser: 'Tổ thẩm định',
  unit_officer: 'Cán bộ đầu mối',
  viewer: 'Chỉ xem'
}

export const scopeLabels: Record<Scope, string> = {
  'results:read': 'Đọc kết quả',
  'catalogs:read': 'Đọc bộ tiêu chí',
  'units:read': 'Đọc danh sách đơn vị'
}

/** The events other systems can be told of by webhook. */
export const webhookEventLabels: Record<WebhookEventType, string> = {
  'results.published': 'Công bố kết quả',
  'round.status_changed': 'Kỳ đánh giá chuyển bước',
  'self_assessment.submitted': 'Đơn vị nộp bản tự đánh giá',
  'appraisal.finalized': 'Chốt kết quả thẩm định một đơn vị'
}

export const kindLabels: Record<NodeKind, string> = {
  field: 'Lĩnh vực',
  criterion: 'Tiêu chí',
  subcriterion: 'Tiêu chí thành phần'
}

export const evidenceLabels: Record<EvidenceRule, string> = {
  required: 'Bắt buộc có tài liệu kiểm chứng',
  optional: 'Tài liệu kiểm chứng không bắt buộc',
  none: 'Không cần tài liệu kiểm chứng'
}

export const statusLabels: Record<CatalogStatus, string> = {
  draft: 'Bản nháp',
  published: 'Đã công bố'
}

export const rankingLabels: Record<'dense' | 'competition', string> = {
  dense: 'Xếp hạng liền (5, 5, 6)',
  competition: 'Xếp hạng cách (5, 5, 7)'
}

export const ruleLabels: Record<string, string> = {
  duplicate_code: 'Trùng mã',
  parent_sum_mismatch: 'Tổng điểm các nút con khác điểm tối đa',
  total_not_100: 'Tổng điểm không bằng 100',
  leaf_without_scoring: 'Chưa có phương pháp chấm',
  parent_with_scoring: 'Nút cha không được có phương pháp chấm',
  options_max_mismatch: 'Lựa chọn cao nhất khác điểm tối đa',
  options_min_not_zero: 'Thiếu lựa chọn 0 điểm',
  options_duplicate_code: 'Trùng mã lựa chọn',
  option_points_invalid: 'Điểm lựa chọn không hợp lệ',
  bands_unsorted: 'Các ngưỡng chưa sắp xếp giảm dần',
  bands_overlap: 'Các ngưỡng trùng nhau',
  bands_top_mismatch: 'Ngưỡng cao nhất khác điểm tối đa',
  bands_points_invalid: 'Điểm của ngưỡng không hợp lệ',
  bands_input_range: 'Khoảng giá trị nhập không hợp lệ',
  step_not_dividing: 'Bước điểm không chia hết điểm tối đa',
  invalid_points: 'Điểm không hợp lệ',
  classification_invalid: 'Thang xếp loại không hợp lệ',
  invalid_shape: 'Cấu trúc tệp không hợp lệ',
  invalid_kind: 'Loại nút không đúng cấp',
  unknown_unit_type: 'Loại đơn vị không tồn tại'
}

/** Every kind of record the audit log names (the server's entity types). */
export const entityTypeLabels: Record<string, string> = {
  user: 'Người dùng',
  api_key: 'Khóa API',
  unit: 'Đơn vị',
  unit_type: 'Loại đơn vị',
  catalog: 'Bộ tiêu chí',
  round: 'Kỳ đánh giá',
  self_assessment: 'Bản tự đánh giá',
  appraisal: 'Kết quả thẩm định',
  evidence_file: 'Tài liệu kiểm chứng',
  supplement_request: 'Yêu cầu bổ sung',
  result_version: 'Phiên bản kết quả'
}

export const actionLabels: Record<string, string> = {
  'user.create': 'Tạo người dùng',
  'user.update': 'Sửa người dùng',
  'user.deactivate': 'Ngừng người dùng',
  'user.reset_password': 'Đặt lại mật khẩu',
  'user.change_password': 'Đổi mật khẩu',
  'api_key.create': 'Tạo khóa API',
  'api_key.revoke': 'Thu hồi khóa API',
  'unit_type.create': 'Tạo loại đơn vị',
  'unit_type.update': 'Đổi tên loại đơn vị',
  'unit_type.delete': 'Xóa loại đơn vị',
  'unit.create': 'Tạo đơn vị',
  'unit.update': 'Sửa đơn vị',
  'unit.activate': 'Kích hoạt đơn vị',
  'unit.deactivate': 'Ngừng hoạt động đơn vị',
  'catalog.create': 'Tạo bộ tiêu chí',
  'catalog.update': 'Sửa bộ tiêu chí',
  'catalog.delete': 'Xóa bộ tiêu chí',
  'catalog.import': 'Nhập bộ tiêu chí',
  'catalog.publish': 'Công bố bộ tiêu chí',
  'catalog.clone': 'Nhân bản bộ tiêu chí',
  'catalog.node.add': 'Thêm nút',
  'catalog.node.update': 'Sửa nút',
  'catalog.node.move': 'Di chuyển nút',
  'catalog.node.delete': 'Xóa nút',
  'round.create': 'Tạo kỳ đánh giá',
  'round.update': 'Sửa kỳ đánh giá',
  'round.transition': 'Chuyển trạng thái kỳ đánh giá',
  'round.set_catalogs': 'Chọn bộ tiêu chí cho kỳ',
  'round.set_participants': 'Thay đổi đơn vị tham gia',
  'round.extension': 'Gia hạn tự đánh giá',
  'round.extension_revoke': 'Thu hồi gia hạn tự đánh giá',
  'self_assessment.save': 'Lưu tự đánh giá',
  'self_assessment.submit': 'Nộp bản tự đánh giá',
  'self_assessment.withdraw': 'Rút lại bản tự đánh giá',
  'evidence.upload': 'Tải lên tài liệu kiểm chứng',
  'evidence.attach': 'Gắn tài liệu vào tiêu chí',
  'evidence.detach': 'Gỡ tài liệu khỏi tiêu chí',
  'evidence.delete': 'Xóa tài liệu kiểm chứng',
  'appraisal.save': 'Lưu điểm thẩm định',
  'appraisal.finalize': 'Chốt kết quả thẩm định',
  'appraisal.reopen': 'Mở lại kết quả thẩm định',
  'appraisal.set_assignments': 'Phân công thẩm định',
  'supplement.create': 'Yêu cầu bổ sung tài liệu',
  'supplement.answer': 'Trả lời yêu cầu bổ sung',
  'supplement.close': 'Đóng yêu cầu bổ sung',
  'supplement.expire': 'Yêu cầu bổ sung quá hạn',
  'results.publish': 'Công bố kết quả',
  'results.settings': 'Đổi cách chia sẻ kết quả',
  'historical_results.import': 'Nhập kết quả các năm trước',
  'demo.accounts': 'Tạo tài khoản dùng thử',
  'demo.round': 'Tạo kỳ đánh giá mẫu'
}

export const actorTypeLabels: Record<string, string> = {
  user: 'Người dùng',
  api_key: 'Khóa API',
  system: 'Hệ thống'
}

/** Who made a change: the person or key by name; the service's own work (demo data, expiries) as "Hệ thống". */
export function actorName (entry: { actorType: string, actorName: string }): string {
  return entry.actorType === 'system' ? 'Hệ thống' : entry.actorName
}

export const roundStatusLabels: Record<RoundStatus, string> = {
  draft: 'Bản nháp',
  self_assessment: 'Đang tự đánh giá',
  appraisal: 'Đang thẩm định',
  finalized: 'Đã chốt kết quả',
  published: 'Đã công bố'
}

/** Badge colour of each round status. */
export const roundStatusTones: Record<RoundStatus, string> = {
  draft: 'badge-warning',
  self_assessment: 'badge-info',
  appraisal: 'badge-info',
  finalized: 'badge-success',
  published: 'badge-success'
}

export const selfAssessmentStatusLabels: Record<SelfAssessmentStatus, string> = {
  not_started: 'Chưa bắt đầu',
  draft: 'Đang nhập',
  submitted: 'Đã nộp'
}

export const appraisalStatusLabels: Record<AppraisalStatus, string> = {
  not_started: 'Chưa thẩm định',
  in_progress: 'Đang thẩm định',
  finalized: 'Đã chốt'
}

export const supplementStatusLabels: Record<SupplementStatus, string> = {
  open: 'Chờ đơn vị bổ sung',
  answered: 'Chờ thẩm định lại',
  closed: 'Đã đóng',
  expired: 'Quá hạn, không bổ sung'
}

/** Who asked for a supplement: the appraiser's name for staff; to a unit the API names no one, and the team asked. */
export const supplementAuthor = (request: { createdBy: { displayName: string } | null }): string => request.createdBy?.displayName ?? 'Tổ thẩm định'

export const resultStatusLabels: Record<'provisional' | 'published', string> = {
  provisional: 'Tạm tính',
  published: 'Đã công bố'
}

/** Where the previous year's figures of a comparison come from. */
export const comparisonSourceLabels: Record<'published' | 'historical' | 'provisional', string> = {
  published: 'kết quả đã công bố',
  historical: 'số liệu nhập từ báo cáo',
  provisional: 'kết quả tạm tính'
}

/** Why the server refused one leaf's score (the `errors[].code` of APPRAISAL_INVALID and of self-assessment saves). */
export const leafProblemLabels: Record<string, string> = {
  not_a_number: 'Giá trị không phải là số hợp lệ (tối đa 3 chữ số thập phân)',
  negative: 'Điểm không được âm',
  above_maximum: 'Vượt điểm tối đa của tiêu chí',
  off_step: 'Điểm không đúng bước điểm của tiêu chí',
  unknown_option: 'Lựa chọn không có trong tiêu chí',
  measurement_out_of_range: 'Giá trị đo nằm ngoài khoảng cho phép',
  wrong_input: 'Giá trị không đúng phương pháp chấm của tiêu chí',
  no_scoring_method: 'Tiêu chí chưa có phương pháp chấm',
  unknown_leaf: 'Bộ tiêu chí không có tiêu chí này',
  not_a_leaf: 'Tiêu chí có tiêu chí thành phần; hãy chấm từng tiêu chí thành phần',
  duplicate_leaf: 'Tiêu chí bị gửi hai lần',
  reason_required: 'Điểm thẩm định khác điểm tự đánh giá: cần ghi lý do',
  self_unanswered: 'Đơn vị chưa tự chấm tiêu chí này; hãy nhập điểm thẩm định kèm lý do',
  not_assigned: 'Tiêu chí không thuộc lĩnh vực được phân công cho bạn'
}

/** What one change in a leaf's or unit's history was (the history's `action`). */
export const historyActionLabels: Record<string, string> = {
  'self_assessment.save': 'Đơn vị lưu điểm tự đánh giá',
  'self_assessment.submit': 'Đơn vị nộp tự đánh giá',
  'self_assessment.withdraw': 'Đơn vị rút lại để sửa',
  'appraisal.save': 'Lưu điểm thẩm định',
  'appraisal.accept_self': 'Chấp nhận điểm của đơn vị',
  'appraisal.acceptance_lapsed': 'Điểm đã chấp nhận hết hiệu lực vì đơn vị sửa điểm',
  'appraisal.finalize': 'Chốt kết quả thẩm định',
  'appraisal.reopen': 'Mở lại thẩm định',
  'supplement.create': 'Yêu cầu bổ sung',
  'supplement.answer': 'Đơn vị trả lời yêu cầu bổ sung',
  'supplement.close': 'Đóng yêu cầu bổ sung',
  'supplement.expire': 'Yêu cầu bổ sung quá hạn',
  'round.transition': 'Chuyển trạng thái kỳ đánh giá',
  'round.extension': 'Gia hạn cho đơn vị'
}

/** The fields an audit row's before and after hold, in Vietnamese. */
export const auditFieldLabels: Record<string, string> = {
  status: 'Trạng thái',
  role: 'Vai trò',
  active: 'Hoạt động',
  code: 'Mã',
  name: 'Tên',
  shortName: 'Tên viết tắt',
  aliases: 'Tên gọi khác',
  unitType: 'Loại đơn vị',
  unitId: 'Đơn vị',
  unitIds: 'Đơn vị',
  title: 'Tên',
  year: 'Năm',
  username: 'Tên đăng nhập',
  displayName: 'Họ và tên',
  password: 'Mật khẩu',
  mustChangePassword: 'Mật khẩu tạm (phải đổi)',
  email: 'Email',
  scopes: 'Phạm vi quyền',
  revokedAt: 'Thu hồi lúc',
  selfAssessmentClosesAt: 'Hạn tự đánh giá',
  supplementClosesAt: 'Hạn trả lời yêu cầu bổ sung',
  appraisalClosesAt: 'Hạn thẩm định',
  extensionUntil: 'Gia hạn đến',
  extensionReason: 'Lý do gia hạn',
  catalogs: 'Bộ tiêu chí',
  catalogId: 'Bộ tiêu chí',
  participants: 'Đơn vị tham gia',
  assignments: 'Phân công',
  list: 'Danh sách',
  leafCode: 'Tiêu chí',
  leafCodes: 'Tiêu chí',
  entries: 'Các tiêu chí',
  filename: 'Tên tệp',
  size: 'Dung lượng',
  mime: 'Định dạng',
  sha256: 'Mã băm',
  answer: 'Trả lời',
  dueAt: 'Hạn trả lời',
  reason: 'Lý do',
  comment: 'Ghi chú',
  version: 'Phiên bản',
  submittedAt: 'Nộp lúc',
  finalizedAt: 'Chốt lúc',
  publishedAt: 'Công bố lúc',
  legalBasis: 'Căn cứ pháp lý',
  classification: 'Thang xếp loại',
  ranking: 'Cách xếp hạng',
  maxPoints: 'Điểm tối đa',
  scoring: 'Cách chấm điểm',
  evidence: 'Tài liệu kiểm chứng',
  guidance: 'Hướng dẫn',
  parentCode: 'Nút cha',
  position: 'Vị trí',
  kind: 'Loại nút',
  provenance: 'Nguồn gốc dữ liệu',
  document: 'Nội dung',
  nodes: 'Các nút',
  inputHash: 'Mã dữ liệu đầu vào',
  shareProvisional: 'Chia sẻ kết quả tạm tính',
  selfAssessmentId: 'Bản tự đánh giá',
  leaves: 'Số tiêu chí',
  count: 'Số lượng',
  rows: 'Số dòng',
  units: 'Số đơn vị',
  unitCodes: 'Đơn vị',
  unitTypes: 'Loại đơn vị',
  unitOfficers: 'Tài khoản cán bộ đầu mối',
  roundId: 'Kỳ đánh giá',
  fieldCode: 'Lĩnh vực',
  points: 'Điểm',
  selfPoints: 'Điểm tự đánh giá',
  appraisedPoints: 'Điểm thẩm định',
  notApplicable: 'Không áp dụng',
  explanation: 'Giải trình',
  input: 'Giá trị nhập',
  self: 'Điểm của đơn vị',
  supplementRequestIds: 'Yêu cầu bổ sung',
  supplementRequestsDueAtDeadline: 'Yêu cầu bổ sung theo hạn mới',
  sourceCatalogId: 'Bộ tiêu chí gốc',
  sourceCatalogCode: 'Bộ tiêu chí gốc',
  provisionalForKeys: 'Chia sẻ kết quả tạm tính',
  added: 'Thêm',
  removed: 'Bỏ',
  deduplicated: 'Gộp trùng',
  appraisers: 'Người thẩm định',
  catalog: 'Bộ tiêu chí',
  applicableMaximum: 'Điểm tối đa áp dụng',
  timeZone: 'Múi giờ'
}

const statusLabelsByEntity: Record<string, Record<string, string>> = {
  round: roundStatusLabels,
  catalog: statusLabels,
  self_assessment: selfAssessmentStatusLabels,
  appraisal: appraisalStatusLabels,
  supplement_request: supplementStatusLabels
}

/**
 * A value of an audit row as a person reads it: statuses, roles, scopes and yes/no in Vietnamese by the record's
 * kind; anything else as it is (the caller shortens it).
 */
export function auditValueLabel (entityType: string, key: string, value: unknown): string | undefined {
  if (typeof value === 'boolean') return value ? 'Có' : 'Không'
  if (key === 'status' && typeof value === 'string') return statusLabelsByEntity[entityType]?.[value]
  if (key === 'role' && typeof value === 'string') return roleShortLabels[value as Role]
  // The log never holds a password, only that it changed.
  if (key === 'password') return value === '[changed]' ? 'đã thay đổi' : '(không lưu)'
  if (key === 'scopes' && Array.isArray(value)) return value.map((scope) => scopeLabels[scope as Scope] ?? String(scope)).join(', ')
  if (key === 'kind' && typeof value === 'string') return kindLabels[value as NodeKind]
  if (key === 'evidence' && typeof value === 'string') return evidenceLabels[value as EvidenceRule]
  return undefined
}

/** The kinds of notification, as the settings list them (whom each goes to is in the README's Integrations). */
export const notificationKindLabels: Record<NotificationKind, string> = {
  round_opened: 'Mở kỳ tự đánh giá',
  deadline_reminder: 'Nhắc hạn tự đánh giá',
  self_assessment_deadline_changed: 'Đổi hạn tự đánh giá của kỳ',
  self_assessment_extension: 'Gia hạn tự đánh giá cho đơn vị',
  self_assessment_submitted: 'Đơn vị nộp bản tự đánh giá',
  self_assessment_withdrawn: 'Đơn vị rút bản tự đánh giá để sửa',
  supplement_requested: 'Yêu cầu bổ sung tài liệu',
  supplement_answered: 'Đơn vị trả lời yêu cầu bổ sung',
  supplement_closed: 'Đóng yêu cầu bổ sung',
  supplement_expired: 'Yêu cầu bổ sung hết hạn',
  supplement_due_soon: 'Nhắc hạn bổ sung tài liệu',
  supplement_deadline_changed: 'Đổi hạn trả lời yêu cầu bổ sung',
  appraisal_deadline_reminder: 'Nhắc hạn thẩm định',
  appraisal_deadline_changed: 'Đổi hạn thẩm định',
  appraisal_finalized: 'Chốt kết quả thẩm định',
  appraisal_reopened: 'Mở lại thẩm định',
  results_published: 'Công bố kết quả',
  webhook_disabled: 'Điểm nhận webhook bị tắt vì gửi lỗi liên tiếp'
}
