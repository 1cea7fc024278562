// Notifications: the kinds there are, the reminder rule, and the Vietnamese text of each (pure: no I/O).
import { ROUND_TIME_ZONE } from './lifecycle.js'
import type { Role } from './roles.js'

/** Every kind of notification, listed once; the API's enum, the opt-outs and the texts take them from here. */
export const notificationKinds = [
  'round_opened',
  'deadline_reminder',
  'self_assessment_deadline_changed',
  'self_assessment_extension',
  'self_assessment_submitted',
  'self_assessment_withdrawn',
  'supplement_requested',
  'supplement_answered',
  'supplement_closed',
  'supplement_expired',
  'supplement_due_soon',
  'supplement_deadline_changed',
  'appraisal_deadline_reminder',
  'appraisal_deadline_changed',
  'appraisal_finalized',
  'appraisal_reopened',
  'results_published',
  'webhook_disabled'
] as const
export type NotificationKind = typeof notificationKinds[number]

/**
 * The roles that receive each kind (as the services address them: a unit's officers, the appraisers of its fields,
 * the appraiser who asked for a supplement). A user's settings list only the kinds of their role.
 */
export const notificationRoles: Readonly<Record<NotificationKind, readonly Role[]>> = {
  round_opened: ['unit_officer'],
  deadline_reminder: ['unit_officer'],
  self_assessment_deadline_changed: ['unit_officer'],
  self_assessment_extension: ['unit_officer'],
  self_assessment_submitted: ['appraiser'],
  self_assessment_withdrawn: ['appraiser'],
  supplement_requested: ['unit_officer'],
  supplement_answered: ['appraiser'],
  supplement_closed: ['unit_officer'],
  supplement_expired: ['unit_officer', 'appraiser'],
  supplement_due_soon: ['unit_officer'],
  supplement_deadline_changed: ['unit_officer'],
  appraisal_deadline_reminder: ['appraiser'],
  appraisal_deadline_changed: ['appraiser'],
  appraisal_finalized: ['unit_officer'],
  appraisal_reopened: ['unit_officer'],
  results_published: ['unit_officer', 'appraiser'],
  webhook_disabled: ['admin']
}

/** The kinds a user of the role can receive, in the order of `notificationKinds`. */
export function notificationKindsOf (role: Role): NotificationKind[] {
  return notificationKinds.filter((kind) => notificationRoles[kind].includes(role))
}

/** Days before a deadline at which a reminder goes out. */
export const REMINDER_DAYS = [7, 3, 1] as const

/**
 * The reminder due now for a deadline `msLeft` milliseconds away: the fewest days still ahead of it among
 * REMINDER_DAYS (2.5 days left → the 3-day one), or null when more than 7 days are left or it has passed. A job that
 * did not run for a while sends the nearest reminder only, never the ones it missed.
 */
export function reminderDue (msLeft: number): number | null {
  if (msLeft <= 0) return null
  const days = [...REMINDER_DAYS].sort((a, b) => a - b).find((d) => msLeft <= d * 86_400_000)
  return days ?? null
}

const MOMENT = new Intl.DateTimeFormat('vi-VN', {
  timeZone: ROUND_TIME_ZONE, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hourCycle: 'h23'
})

/** A moment as Vietnamese users read it, in Vietnam's time: "17:00 ngày 15/12/2026 (giờ Việt Nam)". */
export function viMoment (moment: Date | string): string {
  const parts = Object.fromEntries(MOMENT.formatToParts(new Date(moment)).map((part) => [part.type, part.value]))
  return `${parts.hour}:${parts.minute} ngày ${parts.day}/${parts.month}/${parts.year} (giờ Việt Nam)`
}

/** What a notification's text is built from. */
export interface NotificationFacts {
  /** The round it is about; absent for a notice of the service itself (a webhook disabled). */
  round?: { title: string } | undefined
  unit?: { name: string } | undefined
  deadline?: Date | string | null | undefined
  /** The deadline a change replaced, so the notice says what it supersedes (an earlier notice still names it). */
  previousDeadline?: Date | string | null | undefined
  /** When the unit's open supplement requests are due (the earliest), beside the round's supplement deadline. */
  dueAt?: Date | string | null | undefined
  days?: number | undefined
  reason?: string | null | undefined
  leafCodes?: readonly string[] | undefined
  unitType?: string | undefined
  count?: number | undefined
  version?: number | undefined
  url?: string | undefined
  /** An extension taken back (self_assessment_extension). */
  revoked?: boolean | undefined
}

export interface NotificationText { title: string, body: string }

function deadlineLine (facts: NotificationFacts): string {
  return facts.deadline ? ` Hạn: ${viMoment(facts.deadline)}.` : ''
}

/** A deadline inside a sentence (a round past draft always has its deadlines; the text never breaks all the same). */
function momentOf (moment: Date | string | null | undefined): string {
  return moment ? viMoment(moment) : '(chưa đặt)'
}

/** " Hạn mới: …; hạn trước đây: …." of a deadline changed (each its own clause: the moments end in brackets of their own). */
function changeLine (facts: NotificationFacts): string {
  return ` Hạn mới: ${momentOf(facts.deadline)}${facts.previousDeadline ? `; hạn trước đây: ${viMoment(facts.previousDeadline)}` : ''}.`
}

function unitName (facts: NotificationFacts): string {
  return facts.unit?.name ?? ''
}

/** The title and body of a notification in Vietnamese, the same in the app and in its e-mail. */
export function notificationText (kind: NotificationKind, facts: NotificationFacts): NotificationText {
  const round = facts.round?.title ?? ''
  const leaves = facts.leafCodes && facts.leafCodes.length > 0 ? ` (tiêu chí ${facts.leafCodes.join(', ')})` : ''
  // In a sentence the leaves come before the round, whose title may end in brackets of its own ("… (dữ liệu minh họa)").
  const forLeaves = facts.leafCodes && facts.leafCodes.length > 0 ? ` cho tiêu chí ${facts.leafCodes.join(', ')}` : ''
  // A reason is typed freely: it ends as a sentence before whatever line follows it (" Hạn: …").
  const reason = facts.reason ? ` Lý do: ${facts.reason.trim()}${/[.!?…:;]$/.test(facts.reason.trim()) ? '' : '.'}` : ''
  switch (kind) {
    case 'round_opened':
      return { title: `Mở kỳ tự đánh giá: ${round}`, body: `${round} đã mở để ${unitName(facts)} tự đánh giá.${deadlineLine(facts)}` }
    case 'deadline_reminder':
      return {
        title: `Còn ${facts.days ?? ''} ngày đến hạn tự đánh giá`,
        body: `${unitName(facts)} chưa nộp bản tự đánh giá của ${round}.${deadlineLine(facts)}`
      }
    case 'self_assessment_deadline_changed':
      return {
        title: `Đổi hạn tự đánh giá: ${round}`,
        body: `Sở Nội vụ đã đổi hạn tự đánh giá của ${unitName(facts)} trong ${round}.${changeLine(facts)}`
      }
    case 'self_assessment_extension':
      // Granted (or changed), the unit's own deadline is its extension; taken back, it is the round's again.
      return facts.revoked === true
        ? {
            title: `Hủy gia hạn tự đánh giá: ${round}`,
            body: `Sở Nội vụ đã hủy gia hạn tự đánh giá của ${unitName(facts)} trong ${round}; hạn của đơn vị trở lại hạn chung của kỳ.${changeLine(facts)}${reason}`
          }
        : {
            title: `Gia hạn tự đánh giá đến ${momentOf(facts.deadline)}`,
            body: `Sở Nội vụ đã gia hạn tự đánh giá cho ${unitName(facts)} trong ${round}.${changeLine(facts)}${reason}`
          }
    case 'self_assessment_submitted':
      return { title: `${unitName(facts)} đã nộp bản tự đánh giá`, body: `${unitName(facts)} đã nộp bản tự đánh giá của ${round}. Tổ thẩm định xem được bản đã nộp từ bây giờ; việc chấm điểm thẩm định mở khi kỳ chuyển sang giai đoạn thẩm định.` }
    case 'self_assessment_withdrawn':
      return {
        title: `${unitName(facts)} đã rút bản tự đánh giá để sửa`,
        body: `${unitName(facts)} đã rút bản tự đánh giá của ${round} để sửa; Tổ thẩm định xem lại được khi đơn vị nộp lại.`
      }
    case 'supplement_requested':
      return {
        title: `Yêu cầu bổ sung tài liệu${leaves}`,
        body: `Tổ thẩm định yêu cầu ${unitName(facts)} bổ sung tài liệu kiểm chứng${forLeaves} trong ${round}.${reason}${deadlineLine(facts)}`
      }
    case 'supplement_answered':
      return { title: `${unitName(facts)} đã trả lời yêu cầu bổ sung`, body: `${unitName(facts)} đã trả lời yêu cầu bổ sung${leaves} trong ${round}; hãy thẩm định lại.` }
    case 'supplement_closed':
      return { title: `Yêu cầu bổ sung đã đóng${leaves}`, body: `Tổ thẩm định đã đóng yêu cầu bổ sung${leaves} của ${unitName(facts)} trong ${round}.${reason}` }
    case 'supplement_expired':
      return { title: `Yêu cầu bổ sung đã hết hạn${leaves}`, body: `Yêu cầu bổ sung${leaves} của ${unitName(facts)} trong ${round} đã hết hạn mà chưa được trả lời; các tiêu chí đã khóa lại.` }
    case 'supplement_due_soon':
      return { title: `Sắp hết hạn bổ sung tài liệu${leaves}`, body: `Yêu cầu bổ sung${leaves} của ${unitName(facts)} trong ${round} chưa được trả lời.${deadlineLine(facts)}` }
    case 'supplement_deadline_changed':
      return {
        title: `Đổi hạn trả lời yêu cầu bổ sung: ${round}`,
        body: `Sở Nội vụ đã đổi hạn trả lời yêu cầu bổ sung của ${round}.${changeLine(facts)}` +
          (facts.dueAt ? ` Yêu cầu bổ sung đang mở của ${unitName(facts)} cần được trả lời trước ${viMoment(facts.dueAt)}.` : '')
      }
    case 'appraisal_deadline_changed':
      return { title: `Đổi hạn thẩm định: ${round}`, body: `Sở Nội vụ đã đổi hạn thẩm định của ${round}.${changeLine(facts)}` }
    case 'appraisal_deadline_reminder':
      return {
        title: `Còn ${facts.days ?? ''} ngày đến hạn thẩm định`,
        body: `Trong ${round} còn ${facts.count ?? 0} đơn vị có tiêu chí thuộc lĩnh vực bạn phụ trách chưa được thẩm định.${deadlineLine(facts)}`
      }
    case 'appraisal_finalized':
      return { title: `Đã chốt kết quả thẩm định của ${unitName(facts)}`, body: `Kết quả thẩm định của ${unitName(facts)} trong ${round} đã được chốt.` }
    case 'appraisal_reopened':
      return { title: `Mở lại thẩm định của ${unitName(facts)}`, body: `Kết quả thẩm định của ${unitName(facts)} trong ${round} đã được mở lại.${reason}` }
    case 'results_published':
      return {
        title: `Công bố kết quả: ${round}`,
        body: `Kết quả Chỉ số CCHC (${facts.unitType ?? ''}) của ${round} đã được công bố${facts.version && facts.version > 1 ? ` (phiên bản ${facts.version})` : ''}.${reason}`
      }
    case 'webhook_disabled':
      return {
        title: 'Đã tắt một điểm nhận webhook',
        body: `Điểm nhận webhook ${facts.url ?? ''} đã bị tắt sau ${facts.count ?? ''} lần gửi không thành công liên tiếp. Hãy kiểm tra hệ thống nhận rồi bật lại (PATCH /webhooks/{id} với "active": true).`
      }
  }
}

/** The e-mail of a notification: its title as the subject, its body, the link into the app, and how to opt out. */
export function mailText (notification: { title: string, body: string, link: string }, appUrl: string): { subject: string, text: string } {
  const base = appUrl.replace(/\/+$/, '')
  return {
    subject: notification.title,
    text: `${notification.body}\n\nXem trong hệ thống: ${base}/admin${notification.link}\n\n` +
      '—\nThư này được gửi tự động từ hệ thống chấm điểm Chỉ số CCHC; vui lòng không trả lời. ' +
      `Để không nhận thư loại này, chọn biểu tượng chuông trong hệ thống, mục “Cài đặt thông báo”: ${base}/admin/`
  }
}
