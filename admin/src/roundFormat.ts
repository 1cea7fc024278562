// Round deadlines typed as dd/MM/yyyy HH:mm in Vietnam time (a day alone means 23:59 of that day), and shown back the same way.
import type { RoundStatus } from './api/types'
import { formatDateTime, parseDateTimeInput } from './format'

/** A deadline's text for an input box; empty when unset. */
export function deadlineInputText (value: string | null | undefined): string {
  return value ? formatDateTime(value) : ''
}

/** Typed text as an ISO instant: undefined when empty, null when it is not a date. */
export function parseDeadlineInput (text: string): string | undefined | null {
  const value = text.trim()
  return parseDateTimeInput(/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(value) ? `${value} 23:59` : value)
}

/** Whether two instants are the same moment (the API answers with +07:00, the form sends UTC). */
export function sameInstant (a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return !a && !b
  return new Date(a).getTime() === new Date(b).getTime()
}

export type DeadlineName = 'selfAssessmentClosesAt' | 'supplementClosesAt' | 'appraisalClosesAt'

/** The three deadlines in the order of the cycle. */
export const deadlineFields: { name: DeadlineName, label: string }[] = [
  { name: 'selfAssessmentClosesAt', label: 'Hạn tự đánh giá' },
  { name: 'supplementClosesAt', label: 'Hạn trả lời yêu cầu bổ sung' },
  { name: 'appraisalClosesAt', label: 'Hạn thẩm định' }
]

export const DEADLINE_HINT = 'Nhập theo dạng 28/11/2025 17:00'

/** The statuses of a round in the order of the cycle, for the stepper (the moves allowed now come from the API). */
export const roundStatusOrder: RoundStatus[] = ['draft', 'self_assessment', 'appraisal', 'finalized', 'published']
