// Finalization of a unit's appraisal, and reopening it.
import { and, eq, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { appraisalsTable } from '../../db/schema/index.js'
import { concurrently, queryRows } from '../../db/rows.js'
import { finalizationProblems } from '../../domain/appraisal.js'
import { milliToNumber, sumMilli } from '../../domain/decimal.js'
import { AppError, Errors } from '../../errors.js'
import { audit } from '../audit.js'
import { appraisalChanged } from '../notifications/events.js'
import { emitWebhook } from '../webhooks/events.js'
import { frozenCatalog } from '../catalog-shape.js'
import type { Actor } from '../context.js'
import { statusName } from '../../messages/problems.js'
import { joinTexts, text as t, type Text } from '../../messages/text.js'
import { fieldProblem } from '../../messages/validation.js'
import { type UnitRef, assertRoundExists, catalogOf, loadAppraisalContext } from './context.js'
import { type AppraisalState, appraisedEntries, pendingRequests, selfEntries, selfValue, stateOf } from './read.js'

async function lockAppraisalRow (tx: Executor, roundId: string, unitId: string) {
  await tx.insert(appraisalsTable).values({ roundId, unitId }).onConflictDoNothing()
  const [row] = await tx.select().from(appraisalsTable).where(and(eq(appraisalsTable.roundId, roundId), eq(appraisalsTable.unitId, unitId))).for('update')
  return row as typeof appraisalsTable.$inferSelect
}

/**
 * Finalizes a unit's appraisal when every leaf has an appraised score (with a reason where it differs from the current
 * self score) and no supplement request waits for the unit or the appraiser; otherwise lists everything missing (409).
 * A finalized unit is locked for appraisers and for the unit.
 */
export async function finalizeAppraisal (db: Db, actor: Actor, roundId: string, unitId: string): Promise<AppraisalState> {
  return db.transaction(async (tx) => {
    const context = await loadAppraisalContext(tx, actor, roundId, unitId, { lock: true })
    if (context.roundStatus !== 'appraisal') {
      throw Errors.appraisalClosed(t(`Round ${context.roundCode} is in status ${context.roundStatus}; units are finalized while it is in appraisal.`,
        `Kỳ đánh giá ${context.roundCode} đang ở trạng thái “${statusName(context.roundStatus)}”; chỉ chốt kết quả thẩm định đơn vị trong giai đoạn thẩm định.`))
    }
    const catalog = await frozenCatalog(tx, catalogOf(context))
    const row = await lockAppraisalRow(tx, roundId, unitId)
    if (row.status === 'finalized') throw Errors.appraisalFinalized(t(`The appraisal of ${context.unit.code} is already finalized.`, `Kết quả thẩm định của ${context.unit.code} đã được chốt rồi.`))
    const [self, appraised, requests] = await concurrently(tx, [
      () => selfEntries(tx, context.selfAssessment.id),
      () => appraisedEntries(tx, row.id),
      () => pendingRequests(tx, roundId, unitId)
    ])
    const problems = finalizationProblems(catalog.leaves.map((leaf) => {
      const entry = appraised.get(leaf.code)
      return { code: leaf.code, fieldCode: leaf.fieldCode, self: selfValue(self.get(leaf.code)), appraised: entry === undefined ? null : { points: entry.points, notApplicable: entry.notApplicable, reason: entry.reason } }
    }), requests)
    if (problems.length > 0) {
      const count = (code: string) => problems.filter((p) => p.code === code).length
      const requests = count('request_open') + count('request_answered')
      const unit = `${context.unit.name} (${context.unit.code})`
      // Only what is in the way is named: "0 leaves without a score" is no reason.
      // Leaves the unit never scored are the team's to score; saying so points to the way through (score-unanswered).
      const unanswered = problems.filter((p) => p.code === 'unappraised' && (self.get(p.leafCode ?? '')?.input ?? null) === null).length
      const neverSubmitted = context.selfAssessment.status !== 'submitted'
      const unansweredNote = unanswered === 0
        ? t('', '')
        : t(` (${unanswered} of them the unit never scored${neverSubmitted ? ': it did not submit' : ''}; the appraisers can give those their lowest score with one reason)`,
          ` (trong đó ${unanswered} tiêu chí đơn vị không tự chấm${neverSubmitted ? ' vì chưa nộp bản tự đánh giá' : ''}; Tổ thẩm định có thể chấm điểm thấp nhất cho các tiêu chí đó với một lý do chung)`)
      const reasons = ([
        [count('unappraised'), (n: number) => joinTexts([t(`${n} leaf(s) without an appraised score`, `${n} tiêu chí chưa có điểm thẩm định`), unansweredNote], '')],
        [count('reason_missing'), (n: number) => t(`${n} differing score(s) without a reason`, `${n} điểm khác tự đánh giá chưa ghi lý do`)],
        [requests, (n: number) => t(`${n} supplement request(s) not closed`, `${n} yêu cầu bổ sung chưa đóng`)]
      ] as const).filter(([n]) => n > 0).map(([n, say]) => say(n))
      throw Errors.appraisalIncomplete(joinTexts([t(`The appraisal of ${unit} cannot be finalized: `, `Chưa thể chốt kết quả thẩm định của ${unit}: `), joinTexts(reasons, ', '), t('.', '.')], ''), { errors: problems })
    }
    await tx.update(appraisalsTable)
      .set({ status: 'finalized', finalizedAt: sql`now()`, finalizedBy: actor.principal?.kind === 'user' ? actor.principal.id : null, version: sql`${appraisalsTable.version} + 1`, updatedAt: sql`now()` })
      .where(eq(appraisalsTable.id, row.id))
    const state = await stateOf(tx, await loadAppraisalContext(tx, actor, roundId, unitId), { all: true })
    await audit(tx, actor, {
      action: 'appraisal.finalize',
      entityType: 'appraisal',
      entityId: row.id,
      before: { status: 'in_progress', version: row.version, unitId },
      after: {
        status: 'finalized',
        version: state.version,
        unitId,
        selfPoints: milliToNumber(sumMilli([...self.values()].map((e) => e.points ?? 0))),
        appraisedPoints: milliToNumber(sumMilli([...appraised.values()].map((e) => e.points ?? 0)))
      }
    })
    await appraisalChanged(tx, roundId, unitId, { finalized: true })
    await emitWebhook(tx, 'appraisal.finalized', { roundId, roundCode: state.roundCode, unitId, unitCode: state.unit.code, version: state.version, finalizedAt: state.finalizedAt })
    return state
  })
}

/** Reopens a finalized unit for appraisers (an admin, with a reason); the round must be in appraisal. */
export async function reopenAppraisal (db: Db, actor: Actor, roundId: string, unitId: string, reason: string): Promise<AppraisalState> {
  if (reason.trim() === '') throw Errors.validation(t('Reopening a finalized appraisal needs a reason.', 'Mở lại kết quả thẩm định đã chốt cần có lý do.'), { errors: [fieldProblem('body', '/reason', 'blank')] })
  return db.transaction(async (tx) => {
    const context = await loadAppraisalContext(tx, actor, roundId, unitId, { lock: true })
    if (context.roundStatus !== 'appraisal') {
      throw Errors.appraisalClosed(t(`Round ${context.roundCode} is in status ${context.roundStatus}; move it back to appraisal before reopening a unit.`,
        `Kỳ đánh giá ${context.roundCode} đang ở trạng thái “${statusName(context.roundStatus)}”; hãy chuyển kỳ về giai đoạn thẩm định trước khi mở lại một đơn vị.`))
    }
    const row = await lockAppraisalRow(tx, roundId, unitId)
    if (row.status !== 'finalized') throw Errors.appraisalNotFinalized(t(`The appraisal of ${context.unit.code} is not finalized, so there is nothing to reopen.`, `Kết quả thẩm định của ${context.unit.code} chưa được chốt nên không có gì để mở lại.`))
    await tx.update(appraisalsTable)
      .set({ status: 'in_progress', finalizedAt: null, finalizedBy: null, version: sql`${appraisalsTable.version} + 1`, updatedAt: sql`now()` })
      .where(eq(appraisalsTable.id, row.id))
    await audit(tx, actor, {
      action: 'appraisal.reopen',
      entityType: 'appraisal',
      entityId: row.id,
      before: { status: 'finalized', version: row.version, unitId, finalizedAt: row.finalizedAt?.toISOString() ?? null },
      after: { status: 'in_progress', version: row.version + 1, unitId },
      reason
    })
    await appraisalChanged(tx, roundId, unitId, { finalized: false, reason })
    return stateOf(tx, await loadAppraisalContext(tx, actor, roundId, unitId), { all: true })
  })
}

/** What a finalization of many units did: the units finalized, and each one refused with why. */
export interface BulkFinalization {
  finalized: UnitRef[]
  refused: Array<{ unitId: string, unit: UnitRef | null, code: string, detail: Text }>
}

/**
 * Finalizes each listed unit as finalizeAppraisal does, one transaction per unit, so a unit still incomplete (or
 * already finalized, or not taking part) is refused on its own with its reason and the others are finalized: the
 * admin's "finalize every unit appraised" at the end of appraisal instead of one click per unit.
 */
export async function finalizeAppraisals (db: Db, actor: Actor, roundId: string, unitIds: readonly string[]): Promise<BulkFinalization> {
  const round = await assertRoundExists(db, roundId)
  if (round.status !== 'appraisal') {
    throw Errors.appraisalClosed(t(`Round ${round.code} is in status ${round.status}; units are finalized while it is in appraisal.`,
      `Kỳ đánh giá ${round.code} đang ở trạng thái “${statusName(round.status)}”; chỉ chốt kết quả thẩm định đơn vị trong giai đoạn thẩm định.`))
  }
  const units = new Map((await queryRows<{ id: string, code: string, name: string, unit_type_code: string }>(db, sql`
    select u.id, u.code, u.name, u.unit_type_code from round_units ru join units u on u.id = ru.unit_id
    where ru.round_id = ${roundId} and ru.unit_id = any(${sql.param([...unitIds])}::uuid[])`))
    .map((row) => [row.id, { id: row.id, code: row.code, name: row.name, unitType: row.unit_type_code }]))
  const outcome: BulkFinalization = { finalized: [], refused: [] }
  for (const unitId of new Set(unitIds)) {
    const unit = units.get(unitId) ?? null
    if (unit === null) {
      outcome.refused.push({ unitId, unit, code: Errors.notFound.code, detail: t('The unit does not take part in this round.', 'Đơn vị không tham gia kỳ đánh giá này.') })
      continue
    }
    try {
      await finalizeAppraisal(db, actor, roundId, unitId)
      outcome.finalized.push(unit)
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error
      outcome.refused.push({ unitId, unit, code: error.code, detail: error.detail })
    }
  }
  return outcome
}
