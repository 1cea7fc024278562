// The units taking part in a round: set, added (one by one or every active unit of a type) and removed, while the
// round allows it. Every change is one audit entry listing the codes before and after.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { roundsTable, roundUnitsTable, selfAssessmentsTable, unitsTable, unitTypesTable } from '../db/schema/index.js'
import { Errors } from '../errors.js'
import { noSuch, statusName } from '../messages/problems.js'
import { text as t } from '../messages/text.js'
import { fieldProblem, fieldProblemsText } from '../messages/validation.js'
import { audit } from './audit.js'
import type { Actor } from './context.js'
import { getRound, lockRound, type Round, type RoundRow } from './rounds.js'

type UnitRow = { id: string, code: string, unitTypeCode: string, active: boolean }

/**
 * Participants change freely in a draft. Once self-assessment is open a unit may still be added (its type
 * needs a catalog in the round) or removed while it has not started; later the list is fixed.
 */
async function changeParticipants (db: Db, actor: Actor, id: string, plan: (tx: Executor, row: RoundRow, current: Set<string>) => Promise<{ add: UnitRow[], remove: string[] }>): Promise<Round> {
  return db.transaction(async (tx) => {
    const row = await lockRound(tx, id)
    if (row.status !== 'draft' && row.status !== 'self_assessment') {
      throw Errors.roundNotEditable(t(`The participants of a round are fixed once appraisal starts; this round is in status ${row.status}.`, `Danh sách đơn vị tham gia được cố định khi bắt đầu thẩm định; kỳ này đang ở trạng thái “${statusName(row.status)}”.`))
    }
    const before = await getRound(tx, id)
    const current = new Set(before.participants.map((p) => p.unitId))
    const { add, remove } = await plan(tx, row, current)
    if (row.status === 'self_assessment') {
      const catalogTypes = new Set(before.catalogs.map((c) => c.unitType))
      const uncovered = add.filter((unit) => !catalogTypes.has(unit.unitTypeCode))
      if (uncovered.length > 0) {
        const codes = uncovered.map((u) => u.code).join(', ')
        throw Errors.validation(t(`The round is open and has no catalog for the unit type of ${codes}.`, `Kỳ đánh giá đã mở và chưa có bộ tiêu chí cho loại đơn vị của ${codes}.`), {
          errors: uncovered.map((unit) => ({
            ...fieldProblem('body', '/unitIds', 'noCatalogForUnitType', { unitType: unit.unitTypeCode },
              t(`unit ${unit.code} is of type ${unit.unitTypeCode}, which has no catalog in this round`, `đơn vị ${unit.code} thuộc loại ${unit.unitTypeCode}, chưa có bộ tiêu chí trong kỳ này`)),
            unitId: unit.id
          }))
        })
      }
      if (remove.length > 0) {
        const started = await tx.select({ unitId: selfAssessmentsTable.unitId }).from(selfAssessmentsTable)
          .where(and(eq(selfAssessmentsTable.roundId, id), inArray(selfAssessmentsTable.unitId, remove)))
        if (started.length > 0) {
          const names = before.participants.filter((p) => started.some((s) => s.unitId === p.unitId)).map((p) => `${p.name} (${p.code})`)
          throw Errors.roundNotEditable(names.length === 1
            ? t(`${names[0]} has started its self-assessment and cannot be removed from the open round.`, `${names[0]} đã bắt đầu tự đánh giá nên không thể bỏ khỏi kỳ đang mở.`)
            : t(`${names.length} units have started their self-assessment and cannot be removed from the open round: ${names.join(', ')}.`, `${names.length} đơn vị đã bắt đầu tự đánh giá nên không thể bỏ khỏi kỳ đang mở: ${names.join(', ')}.`))
        }
      }
    }
    if (remove.length > 0) await tx.delete(roundUnitsTable).where(and(eq(roundUnitsTable.roundId, id), inArray(roundUnitsTable.unitId, remove)))
    if (add.length > 0) await tx.insert(roundUnitsTable).values(add.map((unit) => ({ roundId: id, unitId: unit.id }))).onConflictDoNothing()
    if (add.length === 0 && remove.length === 0) return before
    await tx.update(roundsTable).set({ updatedAt: sql`now()` }).where(eq(roundsTable.id, id))
    const after = await getRound(tx, id)
    await audit(tx, actor, {
      action: 'round.set_participants',
      entityType: 'round',
      entityId: id,
      before: { participants: before.participants.map((p) => p.code) },
      after: { participants: after.participants.map((p) => p.code), added: add.map((u) => u.code), removed: before.participants.filter((p) => remove.includes(p.unitId)).map((p) => p.code) }
    })
    return after
  })
}

async function loadUnits (tx: Executor, unitIds: string[], pointer: string): Promise<UnitRow[]> {
  if (unitIds.length === 0) return []
  const units = await tx.select({ id: unitsTable.id, code: unitsTable.code, unitTypeCode: unitsTable.unitTypeCode, active: unitsTable.active })
    .from(unitsTable).where(inArray(unitsTable.id, unitIds))
  const byId = new Map(units.map((unit) => [unit.id, unit]))
  const errors: ReturnType<typeof fieldProblem>[] = []
  unitIds.forEach((unitId, i) => {
    const unit = byId.get(unitId)
    if (!unit) errors.push(fieldProblem('body', `${pointer}/${i}`, 'unknown', { what: 'unit' }, t('no such unit', 'không có đơn vị này')))
    else if (!unit.active) errors.push(fieldProblem('body', `${pointer}/${i}`, 'inactive', { value: unit.code }, t(`unit ${unit.code} is inactive`, `đơn vị ${unit.code} đã ngừng hoạt động`)))
  })
  if (errors.length > 0) throw Errors.validation(fieldProblemsText(errors), { errors })
  return units
}

/** Replaces the participant list with exactly these (active) units. */
export async function setParticipants (db: Db, actor: Actor, id: string, unitIds: string[]): Promise<Round> {
  return changeParticipants(db, actor, id, async (tx, _row, current) => {
    const units = await loadUnits(tx, unitIds, '/unitIds')
    const wanted = new Set(unitIds)
    return { add: units.filter((unit) => !current.has(unit.id)), remove: [...current].filter((unitId) => !wanted.has(unitId)) }
  })
}

/** Adds units, and every active unit of the given unit types; units already taking part are left as they are. */
export async function addParticipants (db: Db, actor: Actor, id: string, input: { unitIds?: string[] | undefined, unitTypes?: string[] | undefined }): Promise<Round> {
  return changeParticipants(db, actor, id, async (tx, _row, current) => {
    const units = await loadUnits(tx, input.unitIds ?? [], '/unitIds')
    const unitTypes = input.unitTypes ?? []
    if (unitTypes.length > 0) {
      const known = await tx.select({ code: unitTypesTable.code }).from(unitTypesTable).where(inArray(unitTypesTable.code, unitTypes))
      const unknown = unitTypes.filter((type) => !known.some((k) => k.code === type))
      if (unknown.length > 0) {
        throw Errors.validation(noSuch.unitType(unknown.join(', ')), {
          errors: unknown.map((type) => fieldProblem('body', `/unitTypes/${unitTypes.indexOf(type)}`, 'unknown', { what: 'unit type', value: type }, t(`no unit type ${type}`, `không có loại đơn vị ${type}`)))
        })
      }
      const ofTypes = await tx.select({ id: unitsTable.id, code: unitsTable.code, unitTypeCode: unitsTable.unitTypeCode, active: unitsTable.active })
        .from(unitsTable).where(and(inArray(unitsTable.unitTypeCode, unitTypes), eq(unitsTable.active, true)))
      for (const unit of ofTypes) if (!units.some((u) => u.id === unit.id)) units.push(unit)
    }
    return { add: units.filter((unit) => !current.has(unit.id)), remove: [] }
  })
}

export async function removeParticipant (db: Db, actor: Actor, id: string, unitId: string): Promise<Round> {
  return changeParticipants(db, actor, id, async (_tx, _row, current) => {
    if (!current.has(unitId)) throw Errors.notFound(noSuch.roundUnit)
    return { add: [], remove: [unitId] }
  })
}
