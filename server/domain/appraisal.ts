// The rules of appraisal (thẩm định): when an appraised score needs a reason, which leaves a unit may change while
// a supplement request is open, and what keeps a unit's appraisal from being finalized.
import { formatMilli, type Milli } from './decimal.js'
import { Text } from '../messages/text.js'

/** A scored leaf: points, or not applicable (then no points). */
export interface LeafValue {
  points: Milli | null
  notApplicable: boolean
}

/** A saved entry's value (points, or not applicable); null when it holds no score (nothing saved, or an explanation alone). */
export function leafValueOf (row: { input: unknown, points: Milli | null, notApplicable: boolean } | undefined): LeafValue | null {
  return row === undefined || row.input === null ? null : { points: row.points, notApplicable: row.notApplicable }
}

/** Whether two leaf values are the same score (both none, or the same points or not-applicable). */
export function sameLeafValue (a: LeafValue | null, b: LeafValue | null): boolean {
  return a === null || b === null ? a === b : !differsFromSelf(a, b)
}

/**
 * Whether an appraised score differs from the self score: in points, or in whether the leaf applies.
 * A leaf the unit left unanswered has no self score, so any appraised score differs from it.
 */
export function differsFromSelf (self: LeafValue | null, appraised: LeafValue): boolean {
  if (self === null) return true
  if (self.notApplicable !== appraised.notApplicable) return true
  return !self.notApplicable && self.points !== appraised.points
}

const blank = (text: string | null | undefined): boolean => text === null || text === undefined || text.trim() === ''

/** A differing appraised score needs a written reason (DOMAIN.md §2.4); an equal one does not. */
export function reasonMissing (self: LeafValue | null, appraised: LeafValue, reason: string | null | undefined): boolean {
  return differsFromSelf(self, appraised) && blank(reason)
}

function describe (value: LeafValue | null): string {
  if (value === null) return 'no self score'
  return value.notApplicable ? 'not applicable' : formatMilli(value.points ?? 0)
}

function describeVi (value: LeafValue | null): string {
  if (value === null) return 'chưa tự chấm'
  return value.notApplicable ? 'không áp dụng' : formatMilli(value.points ?? 0).replace('.', ',')
}

export function reasonRequiredMessage (leafCode: string, self: LeafValue | null, appraised: LeafValue): Text {
  return new Text(`The appraised score of leaf ${leafCode} (${describe(appraised)}) differs from the self score (${describe(self)}); write the reason.`,
    `Tiêu chí ${leafCode}: điểm thẩm định (${describeVi(appraised)}) khác điểm tự đánh giá (${describeVi(self)}) nhưng chưa ghi lý do.`)
}

/**
 * The leaves of a unit's save that are locked while the normal self-assessment window is closed: every leaf
 * not reopened by one of the unit's open supplement requests. Order and duplicates of the request are kept out.
 */
export function lockedLeaves (requested: readonly string[], reopened: ReadonlySet<string>): string[] {
  return [...new Set(requested)].filter((code) => !reopened.has(code))
}

export type SupplementStatus = 'open' | 'answered' | 'closed' | 'expired'

/** Open (waiting for the unit) and answered (waiting for the appraiser's review) requests both hold finalization. */
export function isPending (status: SupplementStatus): boolean {
  return status === 'open' || status === 'answered'
}

export interface FinalizationLeaf {
  code: string
  fieldCode: string
  self: LeafValue | null
  /** Null when not yet appraised. */
  appraised: (LeafValue & { reason: string | null }) | null
}

export interface FinalizationRequest {
  id: string
  status: SupplementStatus
  leafCodes: string[]
}

export interface FinalizationProblem {
  code: 'unappraised' | 'reason_missing' | 'request_open' | 'request_answered'
  message: Text
  leafCode?: string
  fieldCode?: string
  requestId?: string
  leafCodes?: string[]
}

/**
 * Everything that keeps a unit's appraisal from being finalized, all at once: leaves without an appraised score,
 * appraised scores that differ from the self score without a reason (the unit may have changed its self score in
 * a supplement since), and supplement requests still waiting for the unit or for the appraiser's review.
 */
export function finalizationProblems (leaves: readonly FinalizationLeaf[], requests: readonly FinalizationRequest[]): FinalizationProblem[] {
  const problems: FinalizationProblem[] = []
  for (const leaf of leaves) {
    if (leaf.appraised === null) {
      problems.push({ code: 'unappraised', leafCode: leaf.code, fieldCode: leaf.fieldCode, message: new Text(`Leaf ${leaf.code} has no appraised score.`, `Tiêu chí ${leaf.code}: chưa có điểm thẩm định.`) })
    } else if (reasonMissing(leaf.self, leaf.appraised, leaf.appraised.reason)) {
      problems.push({ code: 'reason_missing', leafCode: leaf.code, fieldCode: leaf.fieldCode, message: reasonRequiredMessage(leaf.code, leaf.self, leaf.appraised) })
    }
  }
  for (const request of requests) {
    const leaves = request.leafCodes.join(', ')
    if (request.status === 'open') {
      problems.push({
        code: 'request_open',
        requestId: request.id,
        leafCodes: request.leafCodes,
        message: new Text(`The supplement request on ${leaves} is waiting for the unit's answer.`, `Yêu cầu bổ sung (${leaves}) đang chờ đơn vị trả lời.`)
      })
    } else if (request.status === 'answered') {
      problems.push({
        code: 'request_answered',
        requestId: request.id,
        leafCodes: request.leafCodes,
        message: new Text(`The supplement request on ${leaves} was answered and waits for the appraiser to review and close it.`,
          `Yêu cầu bổ sung (${leaves}) đã được trả lời, chờ thẩm định lại và đóng.`)
      })
    }
  }
  return problems
}
