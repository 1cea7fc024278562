// Writing appraised scores: each leaf scored by the domain, with optimistic concurrency by version.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { appraisalEntriesTable, appraisalsTable } from '../../db/schema/index.js'
import { reasonMissing, reasonRequiredMessage, type LeafValue } from '../../domain/appraisal.js'
import { milliToNumber, type Milli } from '../../domain/decimal.js'
import { lowestInput, scoreLeaf, type ScoringErrorCode, type EnteredInput, normalizeInput } from '../../domain/scoring.js'
import { Errors } from '../../errors.js'
import { audit } from '../audit.js'
import type { LoadedCatalog, LoadedNode } from '../catalogs.js'
import { frozenCatalog } from '../catalog-shape.js'
import type { Actor } from '../context.js'
import { requireIfMatch, versionMatches, type IfMatch } from '../versions.js'
import { leafProblem } from '../../messages/problems.js'
import { text as t, type Text } from '../../messages/text.js'
import { fieldProblem } from '../../messages/validation.js'
import { type AppraisalContext, type FieldScope, blankToNull, catalogOf, fieldScope, inScope, loadAppraisalContext, notAssignedText, assertAppraisalWritable } from './context.js'
import { type AppraisalState, type SelfRow, appraisedEntries, pendingRequests, selfEntries, selfValue, stateOf } from './read.js'

interface Locked {
  context: AppraisalContext
  scope: FieldScope
  catalog: LoadedCatalog
  appraisalId: string
  version: number
}

/**
 * Creates the appraisal row on first write, then checks and bumps its version in one UPDATE ... WHERE version = ANY(...)
 * AND status = 'in_progress': of two writes based on one version, the second finds the version moved on (412), and a
 * write racing a finalization finds the unit finalized (409).
 */
async function lockForWrite (tx: Executor, actor: Actor, roundId: string, unitId: string, ifMatch: IfMatch): Promise<Locked> {
  const context = await loadAppraisalContext(tx, actor, roundId, unitId, { lock: true })
  const scope = await fieldScope(tx, actor, roundId, context.unit.unitType)
  assertAppraisalWritable(context)
  const catalogId = catalogOf(context)
  await tx.insert(appraisalsTable).values({ roundId, unitId }).onConflictDoNothing()
  const [bumped] = await tx.update(appraisalsTable)
    .set({ version: sql`${appraisalsTable.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(appraisalsTable.roundId, roundId), eq(appraisalsTable.unitId, unitId), eq(appraisalsTable.status, 'in_progress'), versionMatches(appraisalsTable.version, ifMatch)))
    .returning()
  if (!bumped) {
    const current = await loadAppraisalContext(tx, actor, roundId, unitId)
    if (current.status === 'finalized') assertAppraisalWritable(current)
    const state = await stateOf(tx, current, scope)
    throw Errors.preconditionFailed(t(`The appraisal is at version ${state.version}, not the version you sent in If-Match; reload it and apply your change again.`,
      `Kết quả thẩm định đã ở phiên bản ${state.version}, khác phiên bản bạn gửi trong If-Match; hãy tải lại và thực hiện lại thay đổi.`), {
      extra: { currentVersion: state.version, current: state }
    })
  }
  return { context, scope, catalog: await frozenCatalog(tx, catalogId), appraisalId: bumped.id, version: bumped.version }
}

export type AppraisalProblemCode = ScoringErrorCode | 'unknown_leaf' | 'not_a_leaf' | 'duplicate_leaf' | 'reason_required' | 'self_unanswered'

export interface AppraisalProblem { leafCode: string, code: AppraisalProblemCode, message: Text }

export interface AppraisalEntryInput {
  leafCode: string
  /** null removes the appraised score. */
  input: EnteredInput | null
  /** Required when the appraised score differs from the self score. */
  reason?: string | null | undefined
}

interface Planned { node: LoadedNode, next: { input: EnteredInput, points: Milli | null, notApplicable: boolean, reason: string | null } | null }

/** Known leaves of the request, refusing (403) any outside the caller's fields and listing unknown ones and duplicates. */
function resolveLeaves (locked: Locked, leafCodes: readonly string[], problems: AppraisalProblem[]): Map<string, LoadedNode> {
  const resolved = new Map<string, LoadedNode>()
  const outside: LoadedNode[] = []
  for (const leafCode of leafCodes) {
    if (resolved.has(leafCode)) {
      problems.push({ leafCode, code: 'duplicate_leaf', message: leafProblem.duplicate(leafCode) })
      continue
    }
    const node = locked.catalog.byCode.get(leafCode)
    if (!node) {
      problems.push({ leafCode, code: 'unknown_leaf', message: leafProblem.unknown(leafCode) })
      continue
    }
    if (!node.leaf) {
      problems.push({ leafCode, code: 'not_a_leaf', message: leafProblem.notALeaf(leafCode) })
      continue
    }
    if (!inScope(locked.scope, node.fieldCode)) outside.push(node)
    resolved.set(leafCode, node)
  }
  if (outside.length > 0) {
    const codes = outside.map((n) => n.code).join(', ')
    throw Errors.notAssigned(t(`Leaves ${codes} are outside the fields assigned to you.`, `Các tiêu chí ${codes} nằm ngoài lĩnh vực được phân công cho bạn.`), {
      errors: outside.map((node) => ({ leafCode: node.code, fieldCode: node.fieldCode, code: 'not_assigned', message: notAssignedText(node.fieldCode) }))
    })
  }
  return resolved
}

function refuse (problems: AppraisalProblem[]): never {
  throw Errors.appraisalInvalid(t(`${problems.length} entr${problems.length === 1 ? 'y was' : 'ies were'} refused: ${problems.map((p) => `${p.leafCode}: ${p.message.en}`).join(' ')}`,
    `${problems.length} điểm thẩm định chưa hợp lệ, chưa lưu gì.`), { errors: problems })
}

const showAppraised = (value: { input: EnteredInput, points: Milli | null, notApplicable: boolean, reason: string | null } | null | undefined) =>
  value === null || value === undefined
    ? null
    : { input: value.input, points: value.points === null ? null : milliToNumber(value.points), notApplicable: value.notApplicable, reason: value.reason }

/** Writes the planned entries and one audit row with every leaf's old and new value (and the self score it was set against). */
async function applyPlanned (tx: Executor, actor: Actor, locked: Locked, action: 'appraisal.save' | 'appraisal.accept_self', planned: Planned[], self: Map<string, SelfRow>): Promise<AppraisalState> {
  const codes = planned.map((p) => p.node.code)
  const existing = await appraisedEntries(tx, locked.appraisalId)
  const before: Record<string, unknown> = {}
  const after: Record<string, unknown> = {}
  const appraisedBy = actor.principal?.kind === 'user' ? actor.principal.id : null
  const upserts: typeof appraisalEntriesTable.$inferInsert[] = []
  const removed: string[] = []
  for (const { node, next } of planned) {
    const old = existing.get(node.code)
    if (next === null && old === undefined) continue
    before[node.code] = showAppraised(old)
    const selfNow = selfValue(self.get(node.code))
    if (next === null) {
      removed.push(node.code)
      after[node.code] = null
      continue
    }
    upserts.push({
      appraisalId: locked.appraisalId,
      leafCode: node.code,
      fieldCode: node.fieldCode,
      input: next.input,
      pointsMilli: next.points,
      notApplicable: next.notApplicable,
      reason: next.reason,
      appraisedBy
    })
    after[node.code] = {
      ...showAppraised(next),
      self: selfNow === null ? null : { points: selfNow.points === null ? null : milliToNumber(selfNow.points), notApplicable: selfNow.notApplicable }
    }
  }
  // One statement each for the whole batch: fewer round trips, and one pass of the per-field sums' triggers.
  if (removed.length > 0) {
    await tx.delete(appraisalEntriesTable).where(and(eq(appraisalEntriesTable.appraisalId, locked.appraisalId), inArray(appraisalEntriesTable.leafCode, removed)))
  }
  if (upserts.length > 0) {
    await tx.insert(appraisalEntriesTable).values(upserts).onConflictDoUpdate({
      target: [appraisalEntriesTable.appraisalId, appraisalEntriesTable.leafCode],
      set: {
        input: sql`excluded.input`,
        pointsMilli: sql`excluded.points_milli`,
        notApplicable: sql`excluded.not_applicable`,
        reason: sql`excluded.reason`,
        appraisedBy: sql`excluded.appraised_by`,
        updatedAt: sql`now()`
      }
    })
  }
  await audit(tx, actor, {
    action,
    entityType: 'appraisal',
    entityId: locked.appraisalId,
    before: { version: locked.version - 1, unitId: locked.context.unit.id, entries: before },
    after: { version: locked.version, unitId: locked.context.unit.id, entries: after, leafCodes: codes }
  })
  return stateOf(tx, await loadAppraisalContext(tx, actor, locked.context.roundId, locked.context.unit.id), locked.scope)
}

/**
 * Saves appraised scores of one or many leaves, each scored by the same scoreLeaf as self scores: never above the
 * maximum, possibly above the self score; a score that differs from the self score needs a reason. If any entry is
 * refused nothing is saved and every refusal is listed with its leaf code.
 */
export async function saveAppraisal (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined, entries: AppraisalEntryInput[] }): Promise<AppraisalState> {
  return writeLeaves(db, actor, roundId, unitId, request.ifMatch, 'appraisal.save', request.entries.map((entry) => entry.leafCode), (nodes, self, problems) => {
    const planned: Planned[] = []
    for (const entry of request.entries) {
      const node = nodes.get(entry.leafCode)
      if (!node || planned.some((p) => p.node.code === entry.leafCode)) continue
      if (entry.input === null) {
        planned.push({ node, next: null })
        continue
      }
      const score = scoreLeaf(node.node, entry.input)
      if (!score.ok) {
        problems.push({ leafCode: entry.leafCode, code: score.error.code, message: leafProblem.refused(entry.leafCode, score.error.message) })
        continue
      }
      const value: LeafValue = score.notApplicable ? { points: null, notApplicable: true } : { points: score.points, notApplicable: false }
      const selfNow = selfValue(self.get(entry.leafCode))
      const reason = blankToNull(entry.reason)
      if (reasonMissing(selfNow, value, reason)) {
        problems.push({ leafCode: entry.leafCode, code: 'reason_required', message: reasonRequiredMessage(entry.leafCode, selfNow, value) })
        continue
      }
      planned.push({ node, next: { input: normalizeInput(entry.input), ...value, reason } })
    }
    return planned
  })
}

/** Takes the self score as the appraised score of each listed leaf (no reason needed); every listed leaf must have a self score. */
export async function acceptSelfScores (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined, leafCodes: string[] }): Promise<AppraisalState> {
  return writeLeaves(db, actor, roundId, unitId, request.ifMatch, 'appraisal.accept_self', request.leafCodes, (nodes, self, problems) => {
    const planned: Planned[] = []
    for (const node of nodes.values()) {
      const entry = self.get(node.code)
      if (entry === undefined || entry.input === null) {
        problems.push({ leafCode: node.code, code: 'self_unanswered', message: t(`The unit gave no self score for leaf ${node.code}; appraise it with a score and a reason.`, `Tiêu chí ${node.code}: đơn vị chưa tự chấm; hãy thẩm định với điểm và lý do.`) })
        continue
      }
      // Scored again rather than copied, so an appraised score always comes from scoreLeaf.
      const score = scoreLeaf(node.node, entry.input)
      if (!score.ok) {
        problems.push({ leafCode: node.code, code: score.error.code, message: leafProblem.refused(node.code, score.error.message) })
        continue
      }
      planned.push({ node, next: { input: normalizeInput(entry.input), points: score.notApplicable ? null : score.points, notApplicable: score.notApplicable, reason: null } })
    }
    return planned
  })
}

/** The leaves a write is about when they are decided in its transaction, from the locked appraisal and the self scores. */
type LeavesOf = (tx: Executor, locked: Locked, self: Map<string, SelfRow>) => Promise<string[]>

/**
 * Gives every leaf of the caller's fields (of those listed, when given) that the unit left without a self score and
 * that has no appraised score yet its lowest score (lowestInput: 0, the option worth least, the band worth least),
 * all with one reason: how the team closes the appraisal of a unit that never submitted, or left leaves unanswered,
 * without typing each one. Leaves already appraised are left as they are, and so are leaves of a supplement request
 * still open or answered: the unit was asked for them, and its answer is the appraiser's to look at. None left to
 * score is a 409.
 */
export async function scoreUnanswered (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined, reason: string, fieldCodes?: string[] | undefined }): Promise<AppraisalState> {
  const reason = request.reason.trim()
  if (reason === '') throw Errors.validation(t('Say why these leaves get their lowest score.', 'Cần ghi lý do chấm điểm thấp nhất cho các tiêu chí này.'), { errors: [fieldProblem('body', '/reason', 'blank')] })
  const wanted = request.fieldCodes === undefined ? null : new Set(request.fieldCodes)
  const unanswered: LeavesOf = async (tx, locked, self) => {
    const fields = new Set(locked.catalog.leaves.map((leaf) => leaf.fieldCode))
    const unknown = [...wanted ?? []].filter((code) => !fields.has(code))
    if (unknown.length > 0) {
      throw Errors.validation(t(`No field ${unknown.join(', ')} in the unit's catalog.`, `Bộ tiêu chí của đơn vị không có lĩnh vực ${unknown.join(', ')}.`),
        { errors: unknown.map((code) => fieldProblem('body', '/fieldCodes', 'unknownField', { value: code }, t(`no field ${code} in the unit's catalog`, `không có lĩnh vực ${code} trong bộ tiêu chí của đơn vị`))) })
    }
    const outside = [...wanted ?? []].filter((code) => !inScope(locked.scope, code))
    if (outside.length > 0) {
      throw Errors.notAssigned(t(`Field(s) ${outside.join(', ')} are not assigned to you.`, `Lĩnh vực ${outside.join(', ')} không được phân công cho bạn.`),
        { errors: outside.map((code) => ({ fieldCode: code, code: 'not_assigned', message: notAssignedText(code) })) })
    }
    const appraised = await appraisedEntries(tx, locked.appraisalId)
    // Requests past their due date were expired when the appraisal was locked, so these still wait for the unit or for review.
    const asked = new Set((await pendingRequests(tx, locked.context.roundId, locked.context.unit.id)).flatMap((request) => request.leafCodes))
    const unscored = locked.catalog.leaves
      .filter((leaf) => inScope(locked.scope, leaf.fieldCode) && (wanted === null || wanted.has(leaf.fieldCode)))
      .filter((leaf) => (self.get(leaf.code)?.input ?? null) === null && !appraised.has(leaf.code))
      .map((leaf) => leaf.code)
    const codes = unscored.filter((code) => !asked.has(code))
    if (codes.length === 0) {
      const waiting = unscored.length
      throw Errors.conflict(waiting === 0
        ? t('No leaf of these fields is both without a self score and without an appraised score.',
          'Không còn tiêu chí nào (trong các lĩnh vực này) vừa chưa được đơn vị tự chấm vừa chưa có điểm thẩm định.')
        : t(`The ${waiting} leaves left without a score are in supplement requests still open or answered; score them one by one once the unit has answered or the request has expired.`,
          `${waiting} tiêu chí còn chưa có điểm đều nằm trong yêu cầu bổ sung đang chờ đơn vị trả lời hoặc chờ Tổ xem xét; hãy chấm từng tiêu chí khi đơn vị đã trả lời hoặc yêu cầu đã hết hạn.`))
    }
    return codes
  }
  return writeLeaves(db, actor, roundId, unitId, request.ifMatch, 'appraisal.save', unanswered, (nodes, _self, problems) => {
    const planned: Planned[] = []
    for (const node of nodes.values()) {
      const lowest = lowestInput(node.node)
      if (lowest === null) {
        problems.push({ leafCode: node.code, code: 'no_scoring_method', message: leafProblem.refused(node.code, t('the leaf has no usable scoring method', 'tiêu chí chưa có cách chấm điểm dùng được')) })
        continue
      }
      planned.push({ node, next: { input: normalizeInput(lowest.input), points: lowest.points, notApplicable: false, reason } })
    }
    return planned
  })
}

/**
 * The frame of every write of appraised scores: If-Match required, the appraisal locked, the listed leaves resolved
 * and the unit's self scores read; `plan` decides each leaf's new value or adds a problem. Any problem refuses the
 * whole write with every problem listed; otherwise the plan is applied and audited as `action`.
 */
async function writeLeaves (db: Db, actor: Actor, roundId: string, unitId: string, ifMatch: IfMatch | undefined, action: 'appraisal.save' | 'appraisal.accept_self', leafCodes: readonly string[] | LeavesOf,
  plan: (nodes: Map<string, LoadedNode>, self: Map<string, SelfRow>, problems: AppraisalProblem[]) => Planned[]): Promise<AppraisalState> {
  requireIfMatch(ifMatch, 'appraisal')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch)
    const problems: AppraisalProblem[] = []
    const self = await selfEntries(tx, locked.context.selfAssessment.id)
    const codes = typeof leafCodes === 'function' ? await leafCodes(tx, locked, self) : leafCodes
    const nodes = resolveLeaves(locked, codes, problems)
    const planned = plan(nodes, self, problems)
    if (problems.length > 0) refuse(problems)
    return applyPlanned(tx, actor, locked, action, planned, self)
  })
}
