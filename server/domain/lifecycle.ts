// The rules of an assessment round's life: its statuses and moves, its deadlines, and when a self-assessment is complete.
import { Text } from '../messages/text.js'

export const roundStatuses = ['draft', 'self_assessment', 'appraisal', 'finalized', 'published'] as const
export type RoundStatus = typeof roundStatuses[number]

/** The statuses as the Sở Nội vụ names them. */
export const roundStatusNames: Record<RoundStatus, string> = {
  draft: 'Bản nháp',
  self_assessment: 'Tự đánh giá',
  appraisal: 'Thẩm định',
  finalized: 'Đã chốt kết quả',
  published: 'Đã công bố'
}
const vi = (status: string): string => `“${roundStatusNames[status as RoundStatus] ?? status}”`

/** Deadlines are shown in Vietnam's time (UTC+7 all year, no daylight saving). */
export const ROUND_TIME_ZONE = 'Asia/Ho_Chi_Minh'
const VIETNAM_OFFSET_MINUTES = 7 * 60

export type TransitionCheck =
  | { ok: true, direction: 'forward' | 'back' }
  | { ok: false, code: 'same_status' | 'skips_a_step' | 'reason_required', message: Text }

/**
 * Whether a round may move from one status to another: one step forward, or one step back with a reason
 * (an admin reopening a stage must say why, because units and appraisers see their work reopen).
 */
export function checkTransition (from: RoundStatus, to: RoundStatus, reason?: string | null): TransitionCheck {
  const fromIndex = roundStatuses.indexOf(from)
  const toIndex = roundStatuses.indexOf(to)
  if (fromIndex === toIndex) return { ok: false, code: 'same_status', message: new Text(`The round is already in status ${to}.`, `Kỳ đánh giá đã ở trạng thái ${vi(to)}.`) }
  if (Math.abs(toIndex - fromIndex) !== 1) {
    const next = roundStatuses[fromIndex + 1]
    const previous = roundStatuses[fromIndex - 1]
    const options = [next && `forward to ${next}`, previous && `back to ${previous} (with a reason)`].filter(Boolean).join(' or ')
    const choices = [next && `tiến sang ${vi(next)}`, previous && `lùi về ${vi(previous)} (kèm lý do)`].filter(Boolean).join(' hoặc ')
    return {
      ok: false,
      code: 'skips_a_step',
      message: new Text(`A round moves one step at a time; from ${from} it can go ${options}, not to ${to}.`,
        `Kỳ đánh giá chuyển từng bước một; từ ${vi(from)} chỉ có thể ${choices}, không sang ${vi(to)}.`)
    }
  }
  if (toIndex < fromIndex) {
    if (reason === undefined || reason === null || reason.trim() === '') {
      return { ok: false, code: 'reason_required', message: new Text(`Moving the round back from ${from} to ${to} needs a reason.`, `Chuyển kỳ đánh giá lùi từ ${vi(from)} về ${vi(to)} cần có lý do.`) }
    }
    return { ok: true, direction: 'back' }
  }
  return { ok: true, direction: 'forward' }
}

export interface RoundMove {
  to: RoundStatus
  direction: 'forward' | 'back'
  /** A move back must say why (units and appraisers see their work reopen). */
  reasonRequired: boolean
}

/** The moves the step rule allows from a status (conditions such as deadlines and participants are checked on the move). */
export function allowedMoves (from: RoundStatus): RoundMove[] {
  const index = roundStatuses.indexOf(from)
  const next = roundStatuses[index + 1]
  const previous = index > 0 ? roundStatuses[index - 1] : undefined
  return [
    ...(next ? [{ to: next, direction: 'forward' as const, reasonRequired: false }] : []),
    ...(previous ? [{ to: previous, direction: 'back' as const, reasonRequired: true }] : [])
  ]
}

/** What must hold, beyond the step itself, for a round to make a move. */
export type TransitionCondition =
  /** Opening: deadlines set and in order, participants, a published catalog for each of their unit types. */
  | 'ready_to_open'
  /** Back to draft, where catalogs can change: no unit has started its self-assessment. */
  | 'nothing_started'
  /** Closing self-assessment: no unit can still submit (each has submitted, or its deadline and extension have passed). */
  | 'self_assessment_over'
  /** Closing appraisal for good: every participant's appraisal is finalized. */
  | 'appraisals_finalized'
  /** Published means the results are out: every unit type taking part has a published version. */
  | 'results_published'

/** The conditions of a move (one step, already allowed by checkTransition), in the order they are checked. */
export function transitionConditions (from: RoundStatus, to: RoundStatus): TransitionCondition[] {
  if (from === 'draft' && to === 'self_assessment') return ['ready_to_open']
  if (to === 'draft') return ['nothing_started']
  if (from === 'self_assessment' && to === 'appraisal') return ['self_assessment_over']
  if (from === 'appraisal' && to === 'finalized') return ['appraisals_finalized']
  if (to === 'published') return ['results_published']
  return []
}

export interface RoundDeadlines {
  selfAssessmentClosesAt: Date | null
  appraisalClosesAt: Date | null
  supplementClosesAt: Date | null
}

export type DeadlineName = keyof RoundDeadlines

export interface RoundProblem {
  code: 'deadline_missing' | 'deadlines_out_of_order' | 'deadline_passed' | 'no_participants' | 'no_catalog_for_unit_type' | 'unit_inactive' | 'catalog_not_published'
  message: Text
  /** The deadline, unit type, unit or catalog the problem is about. */
  deadline?: DeadlineName
  unitType?: string
  unitId?: string
  unitCode?: string
  catalogId?: string
}

const DEADLINE_LABELS: Record<DeadlineName, string> = {
  selfAssessmentClosesAt: 'self-assessment closes',
  appraisalClosesAt: 'appraisal closes',
  supplementClosesAt: 'supplement replies close'
}
const DEADLINE_NAMES: Record<DeadlineName, string> = {
  selfAssessmentClosesAt: 'Hạn tự đánh giá',
  appraisalClosesAt: 'Hạn thẩm định',
  supplementClosesAt: 'Hạn trả lời yêu cầu bổ sung'
}

/**
 * Deadlines must follow the cycle: self-assessment closes first; supplement replies close after it, and
 * appraisal closes last, because appraisers review the units' last supplement replies before closing.
 * Unset deadlines are only reported when `requireAll` (opening the round needs all three).
 */
export function deadlineProblems (deadlines: RoundDeadlines, requireAll: boolean): RoundProblem[] {
  const problems: RoundProblem[] = []
  if (requireAll) {
    for (const name of Object.keys(DEADLINE_LABELS) as DeadlineName[]) {
      if (deadlines[name] === null) problems.push({ code: 'deadline_missing', deadline: name, message: new Text(`The deadline "${DEADLINE_LABELS[name]}" (${name}) is not set.`, `${DEADLINE_NAMES[name]}: chưa đặt.`) })
    }
  }
  const order: [DeadlineName, DeadlineName, 'before' | 'not_after'][] = [
    ['selfAssessmentClosesAt', 'supplementClosesAt', 'before'],
    ['selfAssessmentClosesAt', 'appraisalClosesAt', 'before'],
    ['supplementClosesAt', 'appraisalClosesAt', 'not_after']
  ]
  for (const [earlier, later, rule] of order) {
    const a = deadlines[earlier]
    const b = deadlines[later]
    if (a === null || b === null) continue
    const wrong = rule === 'before' ? a.getTime() >= b.getTime() : a.getTime() > b.getTime()
    if (wrong) {
      problems.push({
        code: 'deadlines_out_of_order',
        deadline: later,
        message: new Text(`"${DEADLINE_LABELS[later]}" (${formatVietnamTime(b)}) must be ${rule === 'before' ? 'after' : 'at or after'} "${DEADLINE_LABELS[earlier]}" (${formatVietnamTime(a)}).`,
          `${DEADLINE_NAMES[later]} (${formatVietnamDateTime(b)}) phải ${rule === 'before' ? 'sau' : 'bằng hoặc sau'} ${DEADLINE_NAMES[earlier].toLowerCase()} (${formatVietnamDateTime(a)}).`)
      })
    }
  }
  return problems
}

export interface OpeningState {
  deadlines: RoundDeadlines
  /** The database's clock, which every deadline is checked against. */
  now: Date
  participants: { unitId: string, code: string, unitType: string, active: boolean }[]
  catalogs: { unitType: string, catalogId: string, code: string, status: string }[]
}

/** Everything that stops a draft round from opening for self-assessment, all at once. */
export function openingProblems (state: OpeningState): RoundProblem[] {
  const problems = deadlineProblems(state.deadlines, true)
  // Opened so, no unit could save anything: the self-assessment would be closed from its first moment.
  const closes = state.deadlines.selfAssessmentClosesAt
  if (closes !== null && closes.getTime() <= state.now.getTime()) {
    problems.push({
      code: 'deadline_passed',
      deadline: 'selfAssessmentClosesAt',
      message: new Text(`The deadline "${DEADLINE_LABELS.selfAssessmentClosesAt}" (${formatVietnamTime(closes)}) has already passed; set a later one before opening the round.`,
        `${DEADLINE_NAMES.selfAssessmentClosesAt} (${formatVietnamDateTime(closes)}) đã qua; hãy đặt hạn muộn hơn trước khi mở kỳ.`)
    })
  }
  if (state.participants.length === 0) {
    problems.push({ code: 'no_participants', message: new Text('The round has no participating units.', 'Kỳ đánh giá chưa có đơn vị tham gia.') })
  }
  const catalogTypes = new Set(state.catalogs.map((catalog) => catalog.unitType))
  const missingTypes = new Map<string, string[]>()
  for (const unit of state.participants) {
    if (!unit.active) problems.push({ code: 'unit_inactive', unitId: unit.unitId, unitCode: unit.code, message: new Text(`Unit ${unit.code} takes part but is inactive; remove it or activate it.`, `Đơn vị ${unit.code} tham gia nhưng đã ngừng hoạt động; hãy bỏ khỏi kỳ hoặc kích hoạt lại.`) })
    if (!catalogTypes.has(unit.unitType)) missingTypes.set(unit.unitType, [...(missingTypes.get(unit.unitType) ?? []), unit.code])
  }
  for (const [unitType, codes] of missingTypes) {
    const shown = `${codes.slice(0, 5).join(', ')}${codes.length > 5 ? ', …' : ''}`
    problems.push({
      code: 'no_catalog_for_unit_type',
      unitType,
      message: new Text(`No catalog is set for unit type ${unitType}, which ${codes.length} participating unit(s) have (${shown}).`,
        `Chưa chọn bộ tiêu chí cho loại đơn vị ${unitType} của ${codes.length} đơn vị tham gia (${shown}).`)
    })
  }
  for (const catalog of state.catalogs) {
    if (catalog.status !== 'published') problems.push({ code: 'catalog_not_published', catalogId: catalog.catalogId, unitType: catalog.unitType, message: new Text(`Catalog ${catalog.code} is not published.`, `Bộ tiêu chí ${catalog.code} chưa được công bố.`) })
  }
  return problems
}

/**
 * The moment a unit's self-assessment closes: the round's deadline, or the unit's extension when it is later.
 * The database compares this with its own clock at each write; this is for display and for tests.
 */
export function effectiveDeadline (closesAt: Date | null, extensionUntil: Date | null): Date | null {
  if (closesAt === null) return extensionUntil
  if (extensionUntil === null) return closesAt
  return extensionUntil.getTime() > closesAt.getTime() ? extensionUntil : closesAt
}

/**
 * Whether a unit is late with its self-assessment at `now` (the database clock): the round is open, the unit has not
 * submitted, and its own deadline (see effectiveDeadline) has passed.
 */
export function selfAssessmentOverdue (state: { roundStatus: RoundStatus, submitted: boolean, deadline: Date | null, now: Date }): boolean {
  return state.roundStatus !== 'draft' && !state.submitted && state.deadline !== null && state.now.getTime() >= state.deadline.getTime()
}

/** dd/MM/yyyy HH:mm in Vietnam's time, as people there write it: 15/12/2020 17:00. */
export function formatVietnamDateTime (instant: Date): string {
  const text = formatVietnamTime(instant)
  return `${text.slice(8, 10)}/${text.slice(5, 7)}/${text.slice(0, 4)} ${text.slice(11, 16)}`
}

/** ISO 8601 with the +07:00 offset, e.g. 2020-12-15T17:00:00+07:00: the same instant, in the time the users live in. */
export function formatVietnamTime (instant: Date): string {
  const shifted = new Date(instant.getTime() + VIETNAM_OFFSET_MINUTES * 60_000)
  const text = shifted.toISOString() // UTC fields of the shifted instant are Vietnam's wall clock
  const millis = shifted.getUTCMilliseconds()
  return `${text.slice(0, 19)}${millis === 0 ? '' : text.slice(19, 23)}+07:00`
}

/**
 * Whether the appraisal team may read a unit's self-assessment (its scores, explanations, files and their history):
 * once the unit has submitted it, or once self-assessment is over for the round. A draft in an open round is the
 * unit's own work in progress.
 */
export function appraisersSeeSelfAssessment (roundStatus: RoundStatus, selfStatus: 'not_started' | 'draft' | 'submitted'): boolean {
  return selfStatus === 'submitted' || (roundStatus !== 'draft' && roundStatus !== 'self_assessment')
}

export interface LeafCompleteness {
  code: string
  evidence: 'required' | 'optional' | 'none'
  answered: boolean
  hasExplanation: boolean
  hasEvidenceFile: boolean
}

export interface CompletenessProblem {
  leafCode: string
  code: 'unanswered' | 'evidence_missing'
  message: Text
}

/**
 * What stops a self-assessment from being submitted, every leaf at once: an unanswered leaf, and a
 * required-evidence leaf with neither a file nor a written explanation (the explanation stands in for the file).
 */
export function completenessProblems (leaves: readonly LeafCompleteness[]): CompletenessProblem[] {
  const problems: CompletenessProblem[] = []
  for (const leaf of leaves) {
    if (!leaf.answered) problems.push({ leafCode: leaf.code, code: 'unanswered', message: new Text(`Leaf ${leaf.code} has no answer.`, `Tiêu chí ${leaf.code}: chưa chấm điểm.`) })
    if (leaf.evidence === 'required' && !leaf.hasEvidenceFile && !leaf.hasExplanation) {
      problems.push({ leafCode: leaf.code, code: 'evidence_missing', message: new Text(`Leaf ${leaf.code} requires evidence: attach a file or write an explanation.`, `Tiêu chí ${leaf.code}: cần tài liệu kiểm chứng; hãy đính kèm tệp hoặc ghi giải trình.`) })
    }
  }
  return problems
}
