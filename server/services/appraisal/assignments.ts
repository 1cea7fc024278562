// Appraisers' assignments to the fields of a round, for each unit type.
import { eq, inArray, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { appraisalAssignmentsTable, roundsTable, usersTable } from '../../db/schema/index.js'
import { queryRows } from '../../db/rows.js'
import { Errors } from '../../errors.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'
import { noSuch, statusName } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'
import { fieldProblem, fieldProblemsText } from '../../messages/validation.js'
import { type UserRef, appraiserOf, assertRoundExists } from './context.js'
import { userRef } from '../../db/queries/participation.js'

export interface Assignment {
  unitType: string
  fieldCode: string
  fieldTitle: string | null
  user: UserRef
}

export interface AssignmentInput { unitType: string, fieldCode: string, userId: string }

async function assignmentsOf (db: Executor, roundId: string, userId: string | null): Promise<Assignment[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select aa.unit_type_code, aa.field_code, f.title as field_title, u.id as user_id, u.username, u.display_name
    from appraisal_assignments aa
    join users u on u.id = aa.user_id
    left join round_catalogs rc on rc.round_id = aa.round_id and rc.unit_type_code = aa.unit_type_code
    left join catalog_nodes f on f.catalog_id = rc.catalog_id and f.code = aa.field_code and f.parent_id is null
    where aa.round_id = ${roundId} ${userId === null ? sql`` : sql`and aa.user_id = ${userId}`}
    order by aa.unit_type_code, f.position, aa.field_code, u.username`)
  return rows.map((row) => ({
    unitType: String(row.unit_type_code),
    fieldCode: String(row.field_code),
    fieldTitle: row.field_title === null ? null : String(row.field_title),
    user: userRef(row.user_id, row.username, row.display_name) as UserRef
  }))
}

/** Who appraises which field of which unit type; an appraiser gets only their own assignments. */
export async function listAssignments (db: Executor, actor: Actor, roundId: string): Promise<Assignment[]> {
  await assertRoundExists(db, roundId)
  return assignmentsOf(db, roundId, appraiserOf(actor))
}

/**
 * Replaces the round's assignments with exactly this list. Each names a unit type with a catalog in the round, a
 * field (top-level node) of that catalog and an active appraiser; a field may have several appraisers and an
 * appraiser several fields. Possible until the round is finalized.
 */
export async function setAssignments (db: Db, actor: Actor, roundId: string, assignments: AssignmentInput[]): Promise<Assignment[]> {
  return db.transaction(async (tx) => {
    const [round] = await tx.select().from(roundsTable).where(eq(roundsTable.id, roundId)).for('update')
    if (!round) throw Errors.notFound(noSuch.round)
    if (round.status === 'finalized' || round.status === 'published') {
      throw Errors.roundNotEditable(t(`Appraisers can be assigned until the round is finalized; this round is in status ${round.status}.`, `Chỉ phân công người thẩm định được trước khi chốt kết quả; kỳ này đang ở trạng thái “${statusName(round.status)}”.`))
    }
    const fields = await queryRows<{ unit_type_code: string, code: string }>(tx, sql`
      select rc.unit_type_code, n.code from round_catalogs rc
      join catalog_nodes n on n.catalog_id = rc.catalog_id and n.parent_id is null
      where rc.round_id = ${roundId}`)
    const catalogTypes = new Set(fields.map((field) => field.unit_type_code))
    const fieldKeys = new Set(fields.map((field) => `${field.unit_type_code}\u0000${field.code}`))
    const userIds = [...new Set(assignments.map((assignment) => assignment.userId))]
    const users = userIds.length === 0
      ? []
      : await tx.select({ id: usersTable.id, username: usersTable.username, role: usersTable.role, active: usersTable.active }).from(usersTable).where(inArray(usersTable.id, userIds))
    const userById = new Map(users.map((user) => [user.id, user]))
    const errors: ReturnType<typeof fieldProblem>[] = []
    const seen = new Set<string>()
    assignments.forEach((assignment, i) => {
      const at = `/assignments/${i}`
      const key = `${assignment.unitType}\u0000${assignment.fieldCode}\u0000${assignment.userId}`
      if (seen.has(key)) errors.push(fieldProblem('body', at, 'duplicate', {}, t('is listed more than once', 'bị nêu nhiều lần')))
      seen.add(key)
      if (!catalogTypes.has(assignment.unitType)) {
        errors.push(fieldProblem('body', `${at}/unitType`, 'noCatalogForUnitType', { unitType: assignment.unitType }, t(`the round has no catalog for unit type ${assignment.unitType}`, `kỳ chưa có bộ tiêu chí cho loại đơn vị ${assignment.unitType}`)))
      } else if (!fieldKeys.has(`${assignment.unitType}\u0000${assignment.fieldCode}`)) {
        errors.push(fieldProblem('body', `${at}/fieldCode`, 'unknown', { what: 'field', value: assignment.fieldCode }, t(`${assignment.fieldCode} is not a field of the ${assignment.unitType} catalog of this round`, `${assignment.fieldCode} không phải lĩnh vực của bộ tiêu chí ${assignment.unitType} trong kỳ này`)))
      }
      const user = userById.get(assignment.userId)
      if (!user) errors.push(fieldProblem('body', `${at}/userId`, 'unknown', { what: 'user' }, t('no such user', 'không có người dùng này')))
      else if (user.role !== 'appraiser') errors.push(fieldProblem('body', `${at}/userId`, 'wrongRole', { role: user.role }, t(`${user.username} has the role ${user.role}, not appraiser`, `${user.username} không có vai trò người thẩm định`)))
      else if (!user.active) errors.push(fieldProblem('body', `${at}/userId`, 'inactive', { value: user.username }, t(`${user.username} is deactivated`, `${user.username} đã ngừng hoạt động`)))
    })
    if (errors.length > 0) throw Errors.validation(fieldProblemsText(errors), { errors })
    const before = await assignmentsOf(tx, roundId, null)
    await tx.delete(appraisalAssignmentsTable).where(eq(appraisalAssignmentsTable.roundId, roundId))
    if (assignments.length > 0) {
      await tx.insert(appraisalAssignmentsTable).values(assignments.map((a) => ({ roundId, unitTypeCode: a.unitType, fieldCode: a.fieldCode, userId: a.userId })))
    }
    const after = await assignmentsOf(tx, roundId, null)
    const brief = (list: Assignment[]) => list.map((a) => ({ unitType: a.unitType, fieldCode: a.fieldCode, userId: a.user.id, username: a.user.username }))
    await audit(tx, actor, { action: 'appraisal.set_assignments', entityType: 'round', entityId: roundId, before: brief(before), after: brief(after) })
    return after
  })
}
