// Appraisal context: the round, unit, catalog and appraiser a request concerns, who sees what, and the conversions shared by the appraisal services.
import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { appraisalAssignmentsTable, roundsTable } from '../../db/schema/index.js'
import { appraisersSeeSelfAssessment, formatVietnamDateTime, type RoundStatus } from '../../domain/lifecycle.js'
import { Errors } from '../../errors.js'
import type { Actor } from '../context.js'
import { showInstant } from '../rounds.js'
import { noCatalogForUnit, noSuch, onlyUsers, statusName } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'
import { expireDueRequests } from '../supplement-expiry.js'
import { readParticipation, type UnitRef, type UserRef } from '../../db/queries/participation.js'

export type { UnitRef, UserRef } from '../../db/queries/participation.js'

export const blankToNull = (text: string | null | undefined): string | null => text === null || text === undefined || text.trim() === '' ? null : text

export interface AppraisalContext {
  roundId: string
  roundCode: string
  roundStatus: RoundStatus
  appraisalClosesAt: Date | null
  supplementClosesAt: Date | null
  /** now() < the appraisal deadline, evaluated by the database. */
  beforeDeadline: boolean
  unit: UnitRef
  catalogId: string | null
  selfAssessment: { id: string | null, status: 'not_started' | 'draft' | 'submitted', submittedAt: Date | null }
  appraisalId: string | null
  status: 'in_progress' | 'finalized'
  version: number
  finalizedAt: Date | null
  finalizedBy: UserRef | null
}

/**
 * The round, the unit, its catalog, its self-assessment and its appraisal; expires the unit's due supplement requests.
 * `lock` takes the round and the unit's participation row for share, so a status move waits for the write.
 */
export async function loadAppraisalContext (db: Executor, actor: Actor, roundId: string, unitId: string, options: { lock?: boolean } = {}): Promise<AppraisalContext> {
  const participation = await readParticipation(db, roundId, unitId, options)
  if (!participation) throw Errors.notFound(noSuch.participant)
  // After the round lock, in the order every write takes them: round, then requests.
  await expireDueRequests(db, actor, { roundId, unitId })
  const { round, selfAssessment, appraisal } = participation
  return {
    roundId: round.id,
    roundCode: round.code,
    roundStatus: round.status,
    appraisalClosesAt: round.appraisalClosesAt,
    supplementClosesAt: round.supplementClosesAt,
    beforeDeadline: participation.beforeAppraisalDeadline,
    unit: participation.unit,
    catalogId: participation.catalogId,
    selfAssessment: { id: selfAssessment?.id ?? null, status: selfAssessment?.status ?? 'not_started', submittedAt: selfAssessment?.submittedAt ?? null },
    appraisalId: appraisal?.id ?? null,
    status: appraisal?.status ?? 'in_progress',
    version: appraisal?.version ?? 0,
    finalizedAt: appraisal?.finalizedAt ?? null,
    finalizedBy: appraisal?.finalizedBy ?? null
  }
}

export function catalogOf (context: AppraisalContext): string {
  if (context.catalogId === null) {
    throw Errors.conflict(noCatalogForUnit(context.roundCode, context.unit.unitType))
  }
  return context.catalogId
}

/** The fields a caller sees of one unit type's catalog: all of them (admins, viewers), or an appraiser's assigned fields. */
export type FieldScope = { all: true } | { all: false, fields: ReadonlySet<string> }

export const inScope = (scope: FieldScope, fieldCode: string): boolean => scope.all || scope.fields.has(fieldCode)

/** The user id whose assignments filter a listing, or null when the caller sees everything. */
export function appraiserOf (actor: Actor): string | null {
  const principal = actor.principal
  return principal?.kind === 'user' && principal.role === 'appraiser' ? principal.id : null
}

/** An appraiser sees a unit only through the fields assigned to them for its unit type; with none, not at all. */
export async function fieldScope (db: Executor, actor: Actor, roundId: string, unitType: string): Promise<FieldScope> {
  const principal = actor.principal
  if (principal?.kind !== 'user') throw Errors.forbidden(onlyUsers)
  if (principal.role === 'admin' || principal.role === 'viewer') return { all: true }
  if (principal.role !== 'appraiser') throw Errors.forbidden(t(`The role ${principal.role} may not see appraisals.`, 'Vai trò của bạn không được xem kết quả thẩm định.'))
  const rows = await db.select({ fieldCode: appraisalAssignmentsTable.fieldCode }).from(appraisalAssignmentsTable)
    .where(and(eq(appraisalAssignmentsTable.roundId, roundId), eq(appraisalAssignmentsTable.unitTypeCode, unitType), eq(appraisalAssignmentsTable.userId, principal.id)))
  if (rows.length === 0) throw Errors.notAssigned(t(`You are not assigned to any field of unit type ${unitType} in this round.`, `Bạn chưa được phân công lĩnh vực nào của loại đơn vị ${unitType} trong kỳ này.`))
  return { all: false, fields: new Set(rows.map((row) => row.fieldCode)) }
}

/** Whether a supplement request (alias `sr`) touches a field assigned to the user, for listings filtered to appraisers. */
export function requestVisibleTo (userId: string): SQL {
  return sql`exists (
    select 1 from jsonb_array_elements_text(sr.leaf_codes) as requested(code)
    join unit_catalog uc on uc.unit_id = sr.unit_id
    join leaf l on l.catalog_id = uc.catalog_id and l.code = requested.code
    join appraisal_assignments aa on aa.round_id = sr.round_id and aa.unit_type_code = uc.unit_type_code
      and aa.field_code = l.field_code and aa.user_id = ${userId})`
}

export async function assertRoundExists (db: Executor, roundId: string): Promise<{ status: RoundStatus, code: string }> {
  const [round] = await db.select({ status: roundsTable.status, code: roundsTable.code }).from(roundsTable).where(eq(roundsTable.id, roundId))
  if (!round) throw Errors.notFound(noSuch.round)
  return round
}

/** Why an appraiser may not touch a leaf of a field outside their assignment. */
export const notAssignedText = (fieldCode: string) => t(`field ${fieldCode} is not assigned to you`, `lĩnh vực ${fieldCode} không được phân công cho bạn`)

/** Appraisers write only while the round is in appraisal, before its deadline by the database clock, on a unit not finalized. */
export function assertAppraisalWritable (context: AppraisalContext): void {
  if (context.roundStatus !== 'appraisal') {
    throw Errors.appraisalClosed(t(`Round ${context.roundCode} is in status ${context.roundStatus}; appraisal work is possible only while it is in appraisal.`,
      `Kỳ đánh giá ${context.roundCode} đang ở trạng thái “${statusName(context.roundStatus)}”; chỉ thẩm định được trong giai đoạn thẩm định.`))
  }
  if (!context.beforeDeadline) {
    throw Errors.appraisalDeadlinePassed(t(`The appraisal deadline of round ${context.roundCode} passed at ${showInstant(context.appraisalClosesAt) ?? 'an unset time'}.`,
      `Hạn thẩm định của kỳ ${context.roundCode} đã hết${context.appraisalClosesAt ? ` lúc ${formatVietnamDateTime(context.appraisalClosesAt)}` : ''}.`), {
      extra: { closesAt: showInstant(context.appraisalClosesAt) }
    })
  }
  if (context.status === 'finalized') {
    throw Errors.appraisalFinalized(t(`The appraisal of ${context.unit.code} is finalized and locked; an admin must reopen it first.`, `Kết quả thẩm định của ${context.unit.code} đã được chốt và khóa; quản trị viên cần mở lại trước.`))
  }
}

/**
 * An appraiser reads a unit's self-assessment (through its appraisal, a leaf, its history, its files or a sheet) only
 * once the unit has submitted it or self-assessment is over (appraisersSeeSelfAssessment); admins and viewers always.
 */
export function assertSelfAssessmentShown (actor: Actor, round: { status: RoundStatus, code: string }, unit: { code: string, name: string }, selfStatus: 'not_started' | 'draft' | 'submitted'): void {
  if (appraiserOf(actor) === null || appraisersSeeSelfAssessment(round.status, selfStatus)) return
  throw Errors.selfAssessmentNotSubmitted(t(`${unit.name} (${unit.code}) has not submitted its self-assessment of round ${round.code}; the appraisal team sees it once it is submitted, or once the round moves to appraisal.`,
    `${unit.name} (${unit.code}) chưa nộp bản tự đánh giá của kỳ ${round.code}; Tổ thẩm định xem được khi đơn vị đã nộp, hoặc khi kỳ chuyển sang giai đoạn thẩm định.`), {
    extra: { selfAssessmentStatus: selfStatus }
  })
}

export function assertLeafInScope (scope: FieldScope, node: { code: string, fieldCode: string }): void {
  if (!inScope(scope, node.fieldCode)) {
    throw Errors.notAssigned(t(`Leaf ${node.code} belongs to field ${node.fieldCode}, which is not assigned to you.`, `Tiêu chí ${node.code} thuộc lĩnh vực ${node.fieldCode}, không được phân công cho bạn.`), {
      errors: [{ leafCode: node.code, fieldCode: node.fieldCode, code: 'not_assigned', message: notAssignedText(node.fieldCode) }]
    })
  }
}
