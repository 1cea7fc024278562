// A round's status moves: the step rule's moves checked against the round's state (deadlines, participants, units
// still able to submit, finalized appraisals, published results), made with their audit, notices and webhook, or only
// checked, for a screen to say what is in the way before anyone confirms.
import { count, eq, sql } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { roundsTable, selfAssessmentsTable } from '../db/schema/index.js'
import { allowedMoves, checkTransition, formatVietnamDateTime, openingProblems, transitionConditions, type RoundMove, type RoundStatus, type TransitionCondition } from '../domain/lifecycle.js'
import { AppError, Errors } from '../errors.js'
import { databaseNow, queryRows } from '../db/rows.js'
import { noSuch } from '../messages/problems.js'
import { joinTexts, text as t } from '../messages/text.js'
import { audit } from './audit.js'
import type { Actor } from './context.js'
import { roundOpened } from './notifications/events.js'
import { changedSincePublication } from './results/current.js'
import { deadlinesOf, getRound, lockRound, problemsText, showInstant, type Round } from './rounds.js'
import { emitWebhook } from './webhooks/events.js'

/**
 * Moves the round one step forward, or one step back with a reason. Opening checks everything a unit needs
 * to start at once. The round row is locked, so a unit's write in flight finishes under the old status.
 */
export async function transitionRound (db: Db, actor: Actor, id: string, to: RoundStatus, reason?: string | null): Promise<Round> {
  return db.transaction(async (tx) => {
    const row = await lockRound(tx, id)
    const check = checkTransition(row.status, to, reason)
    if (!check.ok) throw Errors.roundTransitionInvalid(check.message, { extra: { reasonCode: check.code, from: row.status, to } })
    for (const condition of transitionConditions(row.status, to)) await assertCondition(tx, row, condition)
    await moveRound(tx, actor, row, to, reason?.trim() === '' ? null : reason)
    return getRound(tx, id)
  })
}

/** A move the step rule allows now, with what would refuse it if it were made now (null: nothing known to). */
export interface RoundMoveCheck extends RoundMove {
  refusal: AppError | null
}

/**
 * Each move the round could make now, checked the way POST /rounds/{id}/transition checks it (the same conditions, by
 * the database clock) without making it, so that a screen can say what is in the way before anyone confirms.
 */
export async function checkRoundMoves (db: Db, id: string): Promise<RoundMoveCheck[]> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(roundsTable).where(eq(roundsTable.id, id))
    if (!row) throw Errors.notFound(noSuch.round)
    const checks: RoundMoveCheck[] = []
    for (const move of allowedMoves(row.status)) {
      let refusal: AppError | null = null
      try {
        for (const condition of transitionConditions(row.status, move.to)) await assertCondition(tx, row, condition)
      } catch (error) {
        // The conditions refuse after their queries have answered, so the transaction is still usable for the next move.
        if (!(error instanceof AppError)) throw error
        refusal = error
      }
      checks.push({ ...move, refusal })
    }
    return checks
  })
}

/**
 * A round's move to another status, checked by the caller, in its transaction: the status written and audited, the
 * units told when it opens, and the integrators' webhook. A first publication of results moves a round this way too.
 */
export async function moveRound (tx: Executor, actor: Actor, round: { id: string, code: string, status: RoundStatus }, to: RoundStatus, reason: string | null | undefined): Promise<void> {
  await tx.update(roundsTable).set({ status: to, updatedAt: sql`now()` }).where(eq(roundsTable.id, round.id))
  await audit(tx, actor, { action: 'round.transition', entityType: 'round', entityId: round.id, before: { status: round.status }, after: { status: to }, reason })
  if (round.status === 'draft' && to === 'self_assessment') await roundOpened(tx, round.id)
  await emitWebhook(tx, 'round.status_changed', { roundId: round.id, roundCode: round.code, from: round.status, to })
}

/** Refuses a move whose condition (see transitionConditions) does not hold, naming what is in the way. */
async function assertCondition (tx: Executor, row: typeof roundsTable.$inferSelect, condition: TransitionCondition): Promise<void> {
  const id = row.id
  switch (condition) {
    case 'ready_to_open': {
      const round = await getRound(tx, id)
      const problems = openingProblems({
        deadlines: deadlinesOf(row),
        now: await databaseNow(tx),
        participants: round.participants.map((p) => ({ unitId: p.unitId, code: p.code, unitType: p.unitType, active: p.active })),
        catalogs: round.catalogs
      })
      if (problems.length > 0) throw Errors.roundNotReady(joinTexts([t('The round cannot open for self-assessment:', 'Kỳ đánh giá chưa thể mở để tự đánh giá:'), problemsText(problems)]), { errors: problems })
      return
    }
    case 'nothing_started': {
      const [started] = await tx.select({ value: count() }).from(selfAssessmentsTable).where(eq(selfAssessmentsTable.roundId, id))
      const startedUnits = Number(started?.value ?? 0)
      if (startedUnits > 0) {
        throw Errors.roundNotReady(t(`${startedUnits} unit(s) have started their self-assessment; the round cannot go back to draft, where its catalogs could change under them.`,
          `${startedUnits} đơn vị đã bắt đầu tự đánh giá, nên kỳ không thể trở về bản nháp (nơi bộ tiêu chí có thể bị thay đổi).`), {
          extra: { startedUnits }
        })
      }
      return
    }
    case 'self_assessment_over': {
      // Moving on cuts every unit off: not while one that has not submitted may still do so by its own deadline.
      const open = await queryRows<{ code: string, name: string, closes_at: unknown }>(tx, sql`
        select u.code, u.name, greatest(r.self_assessment_closes_at, ru.extension_until) as closes_at
        from round_units ru join units u on u.id = ru.unit_id join rounds r on r.id = ru.round_id
        left join self_assessments sa on sa.round_id = ru.round_id and sa.unit_id = ru.unit_id
        where ru.round_id = ${id} and (sa.status is distinct from 'submitted')
          and coalesce(now() < greatest(r.self_assessment_closes_at, ru.extension_until), false)
        order by u.sort_key`)
      if (open.length > 0) {
        const shown = (format: (at: Date) => string) => `${open.slice(0, 10).map((unit) => `${unit.code} (${format(new Date(String(unit.closes_at)))})`).join(', ')}${open.length > 10 ? ', …' : ''}`
        throw Errors.roundNotReady(t(`${open.length} unit(s) have not submitted and may still do so until their deadline: ${shown((at) => at.toISOString())}. Wait for the deadline, or move it (and any extension) to now to close self-assessment early.`,
          `${open.length} đơn vị chưa nộp và vẫn còn hạn tự đánh giá: ${shown(formatVietnamDateTime)}. Hãy chờ hết hạn, hoặc sửa hạn tự đánh giá (và gia hạn riêng, nếu có) về thời điểm hiện tại để kết thúc sớm.`), {
          extra: { units: open.map((unit) => ({ code: unit.code, name: unit.name, closesAt: showInstant(new Date(String(unit.closes_at))) })) }
        })
      }
      return
    }
    case 'appraisals_finalized': {
      const open = await queryRows<{ code: string }>(tx, sql`
        select u.code from round_units ru join units u on u.id = ru.unit_id
        left join appraisals a on a.round_id = ru.round_id and a.unit_id = ru.unit_id
        where ru.round_id = ${id} and (a.id is null or a.status <> 'finalized')
        order by u.sort_key`)
      const codes = open.map((unit) => unit.code)
      if (codes.length > 0) {
        const shown = `${codes.slice(0, 10).join(', ')}${codes.length > 10 ? ', …' : ''}`
        throw Errors.roundNotReady(t(`${codes.length} unit(s) have an appraisal that is not finalized yet (${shown}); finalize each unit's appraisal first.`,
          `${codes.length} đơn vị chưa được chốt kết quả thẩm định (${shown}); hãy chốt kết quả thẩm định của từng đơn vị trước.`), {
          extra: { units: codes }
        })
      }
      return
    }
    case 'results_published': {
      // Publishing the results moves the round here by itself; this move is for coming back after a correction.
      const unpublished = await queryRows<{ unit_type_code: string, name: string }>(tx, sql`
        select distinct u.unit_type_code, ut.name from round_units ru join units u on u.id = ru.unit_id
        join unit_types ut on ut.code = u.unit_type_code
        where ru.round_id = ${id}
          and not exists (select 1 from result_versions v where v.round_id = ru.round_id and v.unit_type_code = u.unit_type_code)
        order by u.unit_type_code`)
      const unitTypes = unpublished.map((type) => type.unit_type_code)
      if (unitTypes.length > 0) {
        // The codes are for a client's code (and the English text); a person reads the unit types' own names.
        throw Errors.roundNotReady(t(`The results of ${unitTypes.join(', ')} are not published yet; publish them (POST /rounds/{id}/results/publish), which moves the round to published.`,
          `Kết quả của ${unpublished.map((type) => type.name).join('; ')} chưa được công bố; hãy công bố tại màn hình Kết quả, kỳ sẽ chuyển sang “Đã công bố”.`), {
          extra: { unitTypes }
        })
      }
      // Back to published only as it was: a score corrected meanwhile is published as a new version, with its reason.
      const changed = await changedSincePublication(tx, id)
      if (changed.length > 0) {
        const names = await unitTypeNames(tx, changed.map((type) => type.unitType))
        const named = changed.map((type) => `${type.unitType} (v${type.version})`).join(', ')
        const namedVi = changed.map((type) => `${names.get(type.unitType) ?? type.unitType} (phiên bản ${type.version})`).join('; ')
        throw Errors.roundNotReady(t(`The scores of ${named} changed since their latest published version; publish a new version with its reason (POST /rounds/{id}/results/publish), which moves the round to published.`,
          `Điểm của ${namedVi} đã thay đổi so với phiên bản công bố gần nhất; hãy công bố phiên bản mới kèm lý do tại màn hình Kết quả, kỳ sẽ chuyển sang “Đã công bố”.`), {
          extra: { unitTypes: changed.map((type) => type.unitType) }
        })
      }
    }
  }
}

/** The unit types' names (e.g. “Sở, ban, ngành cấp tỉnh”) by code, for messages a person reads. */
async function unitTypeNames (tx: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map()
  const rows = await queryRows<{ code: string, name: string }>(tx, sql`select code, name from unit_types where code = any(${sql.param([...codes])}::text[])`)
  return new Map(rows.map((row) => [row.code, row.name]))
}
