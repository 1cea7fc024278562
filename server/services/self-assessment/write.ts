// Writing a self-assessment: answers scored by the domain with optimistic concurrency by version, submission and
// withdrawal, all within the round's status and the unit's deadline.
import { eq, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { type BeforeWrite, type EntryRow, type EntryWrite, lockAndBumpSelfAssessment, readBeforeWrite, writeEntries } from '../../db/queries/self-assessment-save.js'
import { selfAssessmentsTable } from '../../db/schema/index.js'
import type { CatalogNode } from '../../domain/catalog.js'
import { milliToNumber, type Milli } from '../../domain/decimal.js'
import { leafValueOf, sameLeafValue } from '../../domain/appraisal.js'
import { completenessProblems, effectiveDeadline, formatVietnamDateTime } from '../../domain/lifecycle.js'
import { type Figures, type FigureChange, figuresAfter, scoreLeaf, normalizeInput } from '../../domain/scoring.js'
import { Errors } from '../../errors.js'
import { audit, auditRow } from '../audit.js'
import { selfAssessmentSubmitted, selfAssessmentWithdrawn } from '../notifications/events.js'
import { emitWebhook } from '../webhooks/events.js'
import { type CatalogShape, catalogShape } from '../catalog-shape.js'
import type { Actor } from '../context.js'
import { showInstant } from '../rounds.js'
import { supplementReopens } from '../supplements.js'
import { lapseAcceptances } from '../appraisal/lapse.js'
import { namesVersion, requireIfMatch, versionsMatched, type IfMatch } from '../versions.js'
import { leafProblem, noSuch, statusName } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'
import { type Context, type EntryInput, type EntryProblem, type SavedSelfAssessment, type SelfAssessment, assertCanSee, catalogOf, contextOf, loadContext } from './context.js'
import { leafState, stateOf, totalsOf, unitRows } from './read.js'

/** Only while the round is in self-assessment and before the unit's deadline (and extension) by the database clock. */
export function assertUnitMayWrite (context: Context): void {
  if (context.roundStatus !== 'self_assessment') {
    throw Errors.selfAssessmentClosed(t(`Round ${context.roundCode} is in status ${context.roundStatus}; units can change their self-assessment only while it is in self_assessment.`,
      `Kỳ đánh giá ${context.roundCode} đang ở trạng thái “${statusName(context.roundStatus)}”; đơn vị chỉ thay đổi bản tự đánh giá trong giai đoạn tự đánh giá.`))
  }
  if (!context.beforeDeadline) {
    const deadline = effectiveDeadline(context.closesAt, context.extensionUntil)
    throw Errors.deadlinePassed(t(`The self-assessment deadline of round ${context.roundCode} for ${context.unit.code} passed at ${showInstant(deadline) ?? 'an unset time'}; ask the Department of Home Affairs for an extension.`,
      `Hạn tự đánh giá của kỳ ${context.roundCode} đối với đơn vị ${context.unit.code} đã hết${deadline ? ` lúc ${formatVietnamDateTime(deadline)}` : ''}; đề nghị Sở Nội vụ gia hạn nếu cần thay đổi.`), {
      extra: { closesAt: showInstant(context.closesAt), extensionUntil: showInstant(context.extensionUntil) }
    })
  }
}

/** The open supplement requests a write outside the self-assessment window relies on, and every leaf they reopen. */
export interface Reopening { requestIds: string[], reopened: Map<string, string[]> }

/**
 * Outside the self-assessment window, an open supplement request (yêu cầu bổ sung) reopens exactly its leaves: the
 * requests that reopen all of these leaves, null when none reopens anything (the usual refusal applies), or
 * LEAF_LOCKED naming the leaves that stay locked.
 */
export async function reopenedBySupplement (tx: Executor, actor: Actor, context: Context, leafCodes: readonly string[]): Promise<Reopening | null> {
  if (leafCodes.length === 0 || (context.roundStatus === 'self_assessment' && context.beforeDeadline)) return null
  return supplementReopens(tx, actor, context.roundId, context.unit.id, leafCodes)
}

interface Locked {
  /** The participation as the write found it, with the self-assessment as the write left it (version bumped). */
  context: Context
  selfAssessmentId: string
  catalogId: string
  version: number
  status: 'draft' | 'submitted'
  updatedAt: Date
  /** The open supplement requests this write relies on, when it happens outside the self-assessment window. */
  reopening: Reopening | null
  /** The leaves a save names and the figures, as they stood before it (null when not read with the lock). */
  before: BeforeWrite | null
}

/**
 * Locks the participation and bumps the version in one statement (lockAndBumpSelfAssessment: UPDATE ... WHERE
 * version = ANY(...), or the row created on the first write), then checks the round's status and the deadline; a
 * refusal undoes the bump with the transaction. Of two writes based on the same version, the second waits for the
 * first's row lock, finds the version moved on, and updates nothing, so it is refused with 412 and the current state.
 */
async function lockForWrite (tx: Executor, actor: Actor, roundId: string, unitId: string, ifMatch: IfMatch, leafCodes?: readonly string[]): Promise<Locked> {
  assertCanSee(actor, unitId)
  const locked = await lockAndBumpSelfAssessment(tx, roundId, unitId, versionsMatched(ifMatch), namesVersion(ifMatch, 0), leafCodes)
  if (!locked) throw Errors.notFound(noSuch.participant)
  const found = contextOf(locked.participation)
  const reopening = leafCodes === undefined ? null : await reopenedBySupplement(tx, actor, found, leafCodes)
  if (reopening === null) assertUnitMayWrite(found)
  catalogOf(found)
  const written = locked.written
  if (!written) {
    const current = await stateOf(tx, await loadContext(tx, roundId, unitId, false))
    throw Errors.preconditionFailed(t(`The self-assessment is at version ${current.version}, not the version you sent in If-Match; reload it and apply your change again.`,
      `Bản tự đánh giá đã ở phiên bản ${current.version}, khác phiên bản bạn gửi trong If-Match; hãy tải lại và thực hiện lại thay đổi.`), {
      extra: { currentVersion: current.version, current }
    })
  }
  const context: Context = { ...found, selfAssessmentId: written.id, status: written.status, version: written.version, updatedAt: written.updatedAt }
  return { context, selfAssessmentId: written.id, catalogId: written.catalogId, version: written.version, status: written.status, updatedAt: written.updatedAt, reopening, before: locked.before }
}

async function reload (tx: Executor, roundId: string, unitId: string): Promise<SelfAssessment> {
  return stateOf(tx, await loadContext(tx, roundId, unitId, false))
}

interface LeafDefinition {
  node: CatalogNode
  fieldCode: string
  leaf: boolean
}

/** The definitions of a cached catalog shape, made once per shape. */
const definitionsOf = new WeakMap<object, Map<string, LeafDefinition>>()

export async function catalogNodes (tx: Executor, catalogId: string): Promise<Map<string, LeafDefinition>> {
  const shape = await catalogShape(tx, catalogId)
  let definitions = definitionsOf.get(shape)
  if (definitions === undefined) definitionsOf.set(shape, definitions = definitionsFrom(shape))
  return definitions
}

function definitionsFrom (shape: CatalogShape): Map<string, LeafDefinition> {
  return new Map(shape.nodes.map((node) => [node.code, {
    node: {
      code: node.code,
      kind: 'subcriterion',
      title: node.title,
      maxPoints: milliToNumber(node.maxPoints),
      ...(node.scoring === null ? {} : { scoring: node.scoring }),
      ...(node.evidence === null ? {} : { evidence: node.evidence })
    },
    fieldCode: node.fieldCode,
    leaf: node.leaf
  }]))
}

const blankToNull = (text: string | null | undefined): string | null | undefined =>
  text === undefined ? undefined : text === null || text.trim() === '' ? null : text

const showEntry = (entry: EntryRow | undefined) => entry === undefined
  ? null
  : { input: entry.input, points: entry.points === null ? null : milliToNumber(entry.points), notApplicable: entry.notApplicable, explanation: entry.explanation }

/**
 * Saves one or many leaves at once: every entry is scored first, and if any is refused nothing is saved and
 * every refusal is listed with its leaf code. Per leaf, an absent input or explanation keeps what was saved.
 */
export async function saveSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined, entries: EntryInput[] }): Promise<SavedSelfAssessment> {
  assertCanSee(actor, unitId)
  const ifMatch = request.ifMatch
  requireIfMatch(ifMatch, 'selfAssessment')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch, request.entries.map((entry) => entry.leafCode))
    // A submitted self-assessment stays submitted while the unit answers a supplement request on some of its leaves.
    if (locked.status === 'submitted' && locked.reopening === null) {
      throw Errors.selfAssessmentSubmitted(t('The self-assessment has been submitted and is read-only; withdraw it first to change it.', 'Bản tự đánh giá đã nộp nên chỉ xem được; hãy rút lại để chỉnh sửa.'))
    }
    const definitions = await catalogNodes(tx, locked.catalogId)
    const problems: EntryProblem[] = []
    const scored = new Map<string, { definition: LeafDefinition, entry: EntryInput, points: Milli | null, notApplicable: boolean }>()
    for (const entry of request.entries) {
      const { leafCode } = entry
      if (scored.has(leafCode) || problems.some((p) => p.leafCode === leafCode && p.code !== 'duplicate_leaf')) {
        problems.push({ leafCode, code: 'duplicate_leaf', message: leafProblem.duplicate(leafCode) })
        continue
      }
      const definition = definitions.get(leafCode)
      if (definition === undefined) {
        problems.push({ leafCode, code: 'unknown_leaf', message: leafProblem.unknown(leafCode) })
        continue
      }
      if (!definition.leaf) {
        problems.push({ leafCode, code: 'not_a_leaf', message: leafProblem.notALeaf(leafCode) })
        continue
      }
      if (entry.input === undefined && entry.explanation === undefined) {
        problems.push({ leafCode, code: 'empty_entry', message: t(`The entry for leaf ${leafCode} has neither an input nor an explanation.`, `Tiêu chí ${leafCode}: chưa có giá trị hay giải trình để lưu.`) })
        continue
      }
      let points: Milli | null = null
      let notApplicable = false
      if (entry.input !== undefined && entry.input !== null) {
        const score = scoreLeaf(definition.node, entry.input)
        if (!score.ok) {
          problems.push({ leafCode, code: score.error.code, message: leafProblem.refused(leafCode, score.error.message) })
          continue
        }
        notApplicable = score.notApplicable
        points = score.notApplicable ? null : score.points
      }
      scored.set(leafCode, { definition, entry, points, notApplicable })
    }
    if (problems.length > 0) {
      throw Errors.selfAssessmentInvalid(t(`${problems.length} entr${problems.length === 1 ? 'y was' : 'ies were'} refused: ${problems.map((p) => `${p.leafCode}: ${p.message.en}`).join(' ')}`,
        `${problems.length} giá trị chưa hợp lệ, chưa lưu gì.`), { errors: problems })
    }

    const codes = [...scored.keys()]
    // As the lock's statement read them, or else read now: the version bump holds the self-assessment's row lock, so no
    // other write of its entries comes in between.
    const before = locked.before ?? await readBeforeWrite(tx, locked.selfAssessmentId, codes)
    const existing = before.entries
    const audited: { before: Record<string, unknown>, after: Record<string, unknown> } = { before: {}, after: {} }
    const saved = new Map<string, EntryRow>()
    const changes: FigureChange[] = []
    const upserts: EntryWrite[] = []
    const removed: string[] = []
    for (const [leafCode, { definition, entry, points, notApplicable }] of scored) {
      const old = existing.get(leafCode)
      const next: EntryRow = entry.input === undefined
        ? { input: old?.input ?? null, points: old?.points ?? null, notApplicable: old?.notApplicable ?? false, explanation: old?.explanation ?? null }
        : { input: entry.input === null ? null : normalizeInput(entry.input), points, notApplicable, explanation: old?.explanation ?? null }
      const explanation = blankToNull(entry.explanation)
      if (explanation !== undefined) next.explanation = explanation
      audited.before[leafCode] = showEntry(old)
      if (next.input === null && next.explanation === null) {
        if (old) removed.push(leafCode)
        audited.after[leafCode] = null
        changes.push({ fieldCode: definition.fieldCode, leafCode, old, next: undefined })
        continue
      }
      upserts.push({ leafCode, fieldCode: definition.fieldCode, ...next })
      saved.set(leafCode, next)
      audited.after[leafCode] = showEntry(next)
      changes.push({ fieldCode: definition.fieldCode, leafCode, old, next })
    }
    await writeEntries(tx, locked.selfAssessmentId, removed, upserts, auditRow(actor, {
      action: 'self_assessment.save',
      entityType: 'self_assessment',
      entityId: locked.selfAssessmentId,
      before: { version: locked.version - 1, entries: audited.before },
      after: { version: locked.version, entries: audited.after, ...(locked.reopening === null ? {} : { supplementRequestIds: locked.reopening.requestIds }) }
    }))
    const appraisalId = locked.context.appraisalInProgress
    if (appraisalId !== null) {
      const moved = changes.filter((change) => !sameLeafValue(leafValueOf(change.old), leafValueOf(change.next)))
      await lapseAcceptances(tx, actor, appraisalId, unitId, moved.map((change) => ({ leafCode: change.leafCode, value: leafValueOf(change.next) })))
    }
    return savedAnswer(tx, locked, new Set(codes), saved, before.files, figuresAfter(before.fields, changes))
  })
}

/**
 * A save's answer: its leaves as the full read shows them (an entry's time stamp is the transaction's now(), as the
 * version's) and the totals from the figures after the write.
 */
async function savedAnswer (tx: Executor, locked: Locked, codes: Set<string>, saved: Map<string, EntryRow>, files: Map<string, number>, figures: Map<string, Figures>): Promise<SavedSelfAssessment> {
  const shape = await catalogShape(tx, locked.catalogId)
  const { context, reopening } = locked
  const access = { windowOpen: context.roundStatus === 'self_assessment' && context.beforeDeadline && locked.status === 'draft', reopened: reopening?.reopened ?? new Map<string, string[]>() }
  return {
    id: locked.selfAssessmentId,
    status: locked.status,
    version: locked.version,
    updatedAt: locked.updatedAt.toISOString(),
    totals: totalsOf(shape, figures),
    leaves: shape.leaves.filter((node) => codes.has(node.code))
      .map((node) => {
        const entry = saved.get(node.code)
        return leafState(node, entry === undefined ? undefined : { ...entry, updatedAt: locked.updatedAt }, files.get(node.code) ?? 0, access)
      })
  }
}

/**
 * Submits the self-assessment when every leaf is answered and every required-evidence leaf has a file or an
 * explanation; otherwise lists every problem at once and changes nothing.
 */
export async function submitSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined }): Promise<SelfAssessment> {
  return moveStatus(db, actor, roundId, unitId, request.ifMatch, async (tx, locked) => {
    if (locked.status === 'submitted') throw Errors.selfAssessmentSubmitted(t('The self-assessment is already submitted.', 'Bản tự đánh giá đã được nộp rồi.'))
    const shape = await catalogShape(tx, locked.catalogId)
    const { entries, files } = await unitRows(tx, locked.selfAssessmentId)
    const problems = completenessProblems(shape.leaves.map((leaf) => {
      const entry = entries.get(leaf.code)
      return {
        code: leaf.code,
        evidence: leaf.evidence ?? 'optional',
        answered: entry !== undefined && entry.input !== null,
        hasExplanation: String(entry?.explanation ?? '').trim() !== '',
        hasEvidenceFile: (files.get(leaf.code) ?? 0) > 0
      }
    }))
    if (problems.length > 0) {
      const unanswered = problems.filter((p) => p.code === 'unanswered').length
      const undocumented = problems.length - unanswered
      throw Errors.selfAssessmentIncomplete(t(`The self-assessment cannot be submitted: ${unanswered} leaf(s) unanswered, ${undocumented} required-evidence leaf(s) with neither a file nor an explanation.`,
        `Chưa thể nộp bản tự đánh giá: ${unanswered} tiêu chí chưa chấm điểm, ${undocumented} tiêu chí bắt buộc có tài liệu kiểm chứng nhưng chưa có tệp hay giải trình.`), { errors: problems })
    }
    await tx.update(selfAssessmentsTable).set({ status: 'submitted', submittedAt: sql`now()` }).where(eq(selfAssessmentsTable.id, locked.selfAssessmentId))
    const state = await reload(tx, roundId, unitId)
    await selfAssessmentSubmitted(tx, roundId, unitId)
    await emitWebhook(tx, 'self_assessment.submitted', {
      roundId, roundCode: state.roundCode, unitId, unitCode: state.unit.code, version: state.version, submittedAt: state.submittedAt
    })
    return { state, audit: { action: 'self_assessment.submit', to: 'submitted', totals: { points: state.totals.points, applicableMaximum: state.totals.applicableMaximum } } }
  })
}

/** Takes a submitted self-assessment back to draft so the unit can edit it again, until the deadline. */
export async function withdrawSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined }): Promise<SelfAssessment> {
  return moveStatus(db, actor, roundId, unitId, request.ifMatch, async (tx, locked) => {
    if (locked.status !== 'submitted') throw Errors.selfAssessmentNotSubmitted(t('The self-assessment is not submitted, so there is nothing to withdraw.', 'Bản tự đánh giá chưa nộp nên không có gì để rút lại.'))
    await tx.update(selfAssessmentsTable).set({ status: 'draft', submittedAt: null }).where(eq(selfAssessmentsTable.id, locked.selfAssessmentId))
    await selfAssessmentWithdrawn(tx, roundId, unitId)
    return { state: await reload(tx, roundId, unitId), audit: { action: 'self_assessment.withdraw', to: 'draft', totals: {} } }
  })
}

/**
 * The frame of a status move (submit, withdraw): the unit's own, If-Match required, the self-assessment locked with its
 * version bumped; `move` checks, writes and answers the new state, and the move is audited from the old status and
 * version to the new.
 */
async function moveStatus (db: Db, actor: Actor, roundId: string, unitId: string, ifMatch: IfMatch | undefined,
  move: (tx: Executor, locked: Locked) => Promise<{ state: SelfAssessment, audit: { action: 'self_assessment.submit' | 'self_assessment.withdraw', to: 'submitted' | 'draft', totals: Record<string, unknown> } }>): Promise<SelfAssessment> {
  assertCanSee(actor, unitId)
  requireIfMatch(ifMatch, 'selfAssessment')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch)
    const { state, audit: moved } = await move(tx, locked)
    await audit(tx, actor, {
      action: moved.action,
      entityType: 'self_assessment',
      entityId: locked.selfAssessmentId,
      before: { status: locked.status, version: locked.version - 1 },
      after: { status: moved.to, version: locked.version, ...moved.totals }
    })
    return state
  })
}
