// Appraisal (thẩm định) of a round: appraisers' assignments to fields, appraised scores per leaf scored by the domain
// with optimistic concurrency by version, finalization of a unit, progress, and the self − appraised gap summed by the database.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { appraisalAssignmentsTable, appraisalEntriesTable, appraisalsTable, roundsTable, usersTable } from '../db/schema/index.js'
import { queryRows, concurrently } from '../db/rows.js'
import {
  differsFromSelf, finalizationProblems, reasonMissing, reasonRequiredMessage, type LeafValue, type SupplementStatus
} from '../domain/appraisal.js'
import type { EvidenceRule, ScoringMethod } from '../domain/catalog.js'
import { milliToNumber, milliToString, parseDecimal, sumMilli, type Milli } from '../domain/decimal.js'
import type { RoundStatus } from '../domain/lifecycle.js'
import { matchedBand, scoreLeaf, type ScoringErrorCode } from '../domain/scoring.js'
import { Errors } from '../errors.js'
import { audit, lastChangeOf, type LastChange } from './audit.js'
import { loadCatalog, type LoadedCatalog, type LoadedNode } from './catalogs.js'
import type { Actor } from './context.js'
import { showInstant } from './rounds.js'
import { storedInput, type EnteredInput } from './self-assessment.js'
import { requireIfMatch, versionMatches, type IfMatch } from './versions.js'
import { formatVietnamDateTime } from '../domain/lifecycle.js'
import { leafProblem, noCatalogForUnit, noSuch, onlyUsers, statusName } from '../messages/problems.js'
import { text as t, type Text } from '../messages/text.js'
import { fieldProblem, fieldProblemsText } from '../messages/validation.js'

export interface UnitRef { id: string, code: string, name: string, unitType: string }
export interface UserRef { id: string, username: string, displayName: string }

// ---------------------------------------------------------------------------------------------------------------
// Conversions

const toDate = (value: unknown): Date | null => value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value))
export const toIso = (value: unknown): string | null => toDate(value)?.toISOString() ?? null

/** Exact thousandths of a numeric the database returned as text. */
export function toMilli (text: unknown): Milli {
  const parsed = parseDecimal(String(text))
  if (!parsed.ok) throw new Error(`not an exact decimal from the database: ${String(text)}`)
  return parsed.milli
}

function userRef (id: unknown, username: unknown, displayName: unknown): UserRef | null {
  return id === null || id === undefined ? null : { id: String(id), username: String(username), displayName: String(displayName) }
}

const blankToNull = (text: string | null | undefined): string | null => text === null || text === undefined || text.trim() === '' ? null : text

// Only the input of the leaf's method is stored, in a fixed key order, so audit diffs compare like with like.
function normalizeInput (input: EnteredInput): EnteredInput {
  const out: EnteredInput = {}
  if (input.value !== undefined) out.value = input.value
  if (input.option !== undefined) out.option = input.option
  if (input.measurement !== undefined) out.measurement = input.measurement
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Supplement expiry (here, below both the appraisal and the supplement services, so neither imports the other in a cycle)

/**
 * Closes as `expired` every open supplement request whose due date has passed by the database clock, writing one
 * audit row by the system for each in the same statement. Everything that depends on which requests are open runs
 * this first, so no scheduler is needed and a request is never open past its due date.
 */
export async function expireDueRequests (db: Executor, actor: Actor, where: { roundId?: string | undefined, unitId?: string | undefined, requestId?: string | undefined }): Promise<number> {
  const filters: SQL[] = [sql`status = 'open'`, sql`due_at <= now()`]
  if (where.roundId !== undefined) filters.push(sql`round_id = ${where.roundId}`)
  if (where.unitId !== undefined) filters.push(sql`unit_id = ${where.unitId}`)
  if (where.requestId !== undefined) filters.push(sql`id = ${where.requestId}`)
  // The same row audit() writes, for the system actor; one statement keeps the expiry and its record together.
  const rows = await queryRows<{ id: string }>(db, sql`
    with expired as (
      update supplement_requests set status = 'expired', closed_at = due_at
      where ${sql.join(filters, sql` and `)}
      returning id, round_id, unit_id, leaf_codes, due_at
    )
    insert into audit_log (actor_type, actor_id, actor_name, action, entity_type, entity_id, before, after, reason, request_id)
    select 'system', null, 'system', 'supplement.expire', 'supplement_request', e.id::text,
      jsonb_build_object('status', 'open'),
      jsonb_build_object('status', 'expired', 'roundId', e.round_id, 'unitId', e.unit_id, 'leafCodes', e.leaf_codes, 'dueAt', e.due_at),
      'The due date passed without an answer; the leaves are locked again.', ${actor.requestId ?? null}::text
    from expired e
    returning entity_id as id`)
  return rows.length
}

// ---------------------------------------------------------------------------------------------------------------
// Context and who sees what

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
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    select r.id as round_id, r.code as round_code, r.status as round_status, r.appraisal_closes_at, r.supplement_closes_at,
      coalesce(now() < r.appraisal_closes_at, false) as before_deadline,
      u.id as unit_id, u.code as unit_code, u.name as unit_name, u.unit_type_code,
      coalesce(sa.catalog_id, rc.catalog_id) as catalog_id,
      sa.id as self_assessment_id, coalesce(sa.status, 'not_started') as self_status, sa.submitted_at,
      a.id as appraisal_id, coalesce(a.status, 'in_progress') as status, coalesce(a.version, 0) as version, a.finalized_at,
      fu.id as finalized_by_id, fu.username as finalized_by_username, fu.display_name as finalized_by_name
    from rounds r
    join round_units ru on ru.round_id = r.id and ru.unit_id = ${unitId}
    join units u on u.id = ru.unit_id
    left join self_assessments sa on sa.round_id = r.id and sa.unit_id = u.id
    left join round_catalogs rc on rc.round_id = r.id and rc.unit_type_code = u.unit_type_code
    left join appraisals a on a.round_id = r.id and a.unit_id = u.id
    left join users fu on fu.id = a.finalized_by
    where r.id = ${roundId}
    ${options.lock === true ? sql`for share of r, ru` : sql``}`)
  if (!row) throw Errors.notFound(noSuch.participant)
  // After the round lock, in the order every write takes them: round, then requests.
  await expireDueRequests(db, actor, { roundId, unitId })
  return {
    roundId: String(row.round_id),
    roundCode: String(row.round_code),
    roundStatus: row.round_status as RoundStatus,
    appraisalClosesAt: toDate(row.appraisal_closes_at),
    supplementClosesAt: toDate(row.supplement_closes_at),
    beforeDeadline: row.before_deadline === true,
    unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
    catalogId: row.catalog_id === null ? null : String(row.catalog_id),
    selfAssessment: {
      id: row.self_assessment_id === null ? null : String(row.self_assessment_id),
      status: row.self_status as AppraisalContext['selfAssessment']['status'],
      submittedAt: toDate(row.submitted_at)
    },
    appraisalId: row.appraisal_id === null ? null : String(row.appraisal_id),
    status: row.status as AppraisalContext['status'],
    version: Number(row.version),
    finalizedAt: toDate(row.finalized_at),
    finalizedBy: userRef(row.finalized_by_id, row.finalized_by_username, row.finalized_by_name)
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

/** Every leaf and field of every catalog a round uses, with the unit → catalog map, for queries across units. */
export function roundLeavesSql (roundId: string): SQL {
  return sql`tree as (
    select n.id, n.catalog_id, n.code, n.max_points, n.code as field_code, n.title as field_title, n.position as field_position, array[n.position] as path
    from catalog_nodes n
    where n.parent_id is null and n.catalog_id in (
      select catalog_id from round_catalogs where round_id = ${roundId}
      union select catalog_id from self_assessments where round_id = ${roundId})
    union all
    select c.id, c.catalog_id, c.code, c.max_points, t.field_code, t.field_title, t.field_position, t.path || c.position
    from catalog_nodes c join tree t on c.parent_id = t.id
  ), leaf as (
    select t.* from tree t where not exists (select 1 from catalog_nodes c where c.parent_id = t.id)
  ), unit_catalog as (
    select u.id as unit_id, u.code as unit_code, u.name as unit_name, u.unit_type_code, u.sort_key,
      coalesce(sa.catalog_id, rc.catalog_id) as catalog_id, sa.id as self_assessment_id,
      coalesce(sa.status, 'not_started') as self_status, sa.submitted_at,
      a.id as appraisal_id, coalesce(a.status, 'not_started') as appraisal_status, coalesce(a.version, 0) as version, a.finalized_at
    from round_units ru
    join units u on u.id = ru.unit_id
    left join self_assessments sa on sa.round_id = ru.round_id and sa.unit_id = ru.unit_id
    left join round_catalogs rc on rc.round_id = ru.round_id and rc.unit_type_code = u.unit_type_code
    left join appraisals a on a.round_id = ru.round_id and a.unit_id = ru.unit_id
    where ru.round_id = ${roundId}
  )`
}

/**
 * The fields of the round's catalogs (`field`: maximum, number of leaves, position), for reads that take their per-field
 * figures from the trigger-kept sums tables instead of the 100 entries of each unit. Follows roundLeavesSql.
 */
export const roundFieldsSql = sql`field as (
    select catalog_id, field_code, field_title, field_position, sum(max_points) as max_points, count(*)::int as leaves
    from leaf group by catalog_id, field_code, field_title, field_position
  )`

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

// ---------------------------------------------------------------------------------------------------------------
// Assignments

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

// ---------------------------------------------------------------------------------------------------------------
// Reading a unit's appraisal

export interface EvidenceFileRef { id: string, filename: string | null, mime: string | null, size: number | null }

export interface AppraisalLeaf {
  code: string
  fieldCode: string
  title: string
  maxPoints: number
  scoring: ScoringMethod | null
  evidence: EvidenceRule
  guidance: string | null
  self: {
    input: EnteredInput | null
    points: number | null
    notApplicable: boolean
    explanation: string | null
    evidenceFiles: EvidenceFileRef[]
    updatedAt: string | null
    /** For a bands leaf: the index in scoring.bands the measurement fell into. */
    band: number | null
  }
  appraised: {
    input: EnteredInput
    points: number | null
    notApplicable: boolean
    reason: string | null
    appraisedBy: UserRef | null
    updatedAt: string
    band: number | null
  } | null
  /** Whether the appraised score differs from the self score; null until appraised. */
  differs: boolean | null
  /** Supplement requests on this leaf waiting for the unit (open) or for the appraiser's review (answered). */
  supplementRequests: { id: string, status: SupplementStatus, dueAt: string | null }[]
}

/** Points of the fields a caller sees: one field, or all of them together. */
export interface AppraisalPoints {
  maxPoints: number
  leaves: number
  appraised: number
  selfPoints: number
  appraisedPoints: number
  /** selfPoints − appraisedPoints, exact (as GET /rounds/{id}/gap). */
  gap: number
  /** Self − appraised points over the leaves appraised so far: what the appraisal has changed until now. */
  appraisedGap: number
}

export interface AppraisalField extends AppraisalPoints {
  code: string
  title: string
}

export interface AppraisalState {
  /** Null until something is saved. */
  id: string | null
  roundId: string
  roundCode: string
  unit: UnitRef
  catalog: { id: string, code: string, title: string }
  status: 'in_progress' | 'finalized'
  version: number
  finalizedAt: string | null
  finalizedBy: UserRef | null
  deadline: { roundStatus: RoundStatus, closesAt: string | null, supplementClosesAt: string | null, open: boolean }
  selfAssessment: { id: string | null, status: 'not_started' | 'draft' | 'submitted', submittedAt: string | null }
  fields: AppraisalField[]
  /** The fields above together. */
  totals: AppraisalPoints
  leaves: AppraisalLeaf[]
  /** The newest change of the appraisal (a save, an acceptance, finalization): after a 412 it says who changed what. */
  lastChange: LastChange | null
}

interface SelfRow { input: EnteredInput | null, points: Milli | null, notApplicable: boolean, explanation: string | null, updatedAt: string | null }
interface AppraisedRow { input: EnteredInput, points: Milli | null, notApplicable: boolean, reason: string | null, appraisedBy: UserRef | null, updatedAt: string }

/** What the unit answered per leaf (absent: nothing saved). */
export async function selfEntries (db: Executor, selfAssessmentId: string | null): Promise<Map<string, SelfRow>> {
  if (selfAssessmentId === null) return new Map()
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select leaf_code, input, points::text as points, not_applicable, explanation, updated_at
    from self_assessment_entries where self_assessment_id = ${selfAssessmentId}`)
  return new Map(rows.map((row) => [String(row.leaf_code), {
    input: storedInput(row.input ?? null),
    points: row.points === null ? null : toMilli(row.points),
    notApplicable: row.not_applicable === true,
    explanation: row.explanation === null ? null : String(row.explanation),
    updatedAt: toIso(row.updated_at)
  }]))
}

async function appraisedEntries (db: Executor, appraisalId: string | null): Promise<Map<string, AppraisedRow>> {
  if (appraisalId === null) return new Map()
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select e.leaf_code, e.input, e.points::text as points, e.not_applicable, e.reason, e.updated_at, u.id as user_id, u.username, u.display_name
    from appraisal_entries e left join users u on u.id = e.appraised_by
    where e.appraisal_id = ${appraisalId}`)
  return new Map(rows.map((row) => [String(row.leaf_code), {
    input: row.input as EnteredInput,
    points: row.points === null ? null : toMilli(row.points),
    notApplicable: row.not_applicable === true,
    reason: row.reason === null ? null : String(row.reason),
    appraisedBy: userRef(row.user_id, row.username, row.display_name),
    updatedAt: toIso(row.updated_at) as string
  }]))
}

interface PendingRequest { id: string, status: SupplementStatus, dueAt: Date | null, leafCodes: string[] }

async function pendingRequests (db: Executor, roundId: string, unitId: string): Promise<PendingRequest[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select id, status, due_at, leaf_codes from supplement_requests
    where round_id = ${roundId} and unit_id = ${unitId} and status in ('open', 'answered')
    order by created_at, id`)
  return rows.map((row) => ({ id: String(row.id), status: row.status as SupplementStatus, dueAt: toDate(row.due_at), leafCodes: row.leaf_codes as string[] }))
}

const selfValue = (row: SelfRow | undefined): LeafValue | null =>
  row === undefined || row.input === null ? null : { points: row.points, notApplicable: row.notApplicable }

function leafOf (loaded: LoadedNode, self: SelfRow | undefined, appraised: AppraisedRow | undefined, files: EvidenceFileRef[], requests: PendingRequest[]): AppraisalLeaf {
  return {
    code: loaded.code,
    fieldCode: loaded.fieldCode,
    title: loaded.title,
    maxPoints: milliToNumber(loaded.maxPoints),
    scoring: loaded.scoring,
    evidence: loaded.evidence ?? 'optional',
    guidance: loaded.guidance,
    self: {
      input: self?.input ?? null,
      points: self?.points === null || self?.points === undefined ? null : milliToNumber(self.points),
      notApplicable: self?.notApplicable ?? false,
      explanation: self?.explanation ?? null,
      evidenceFiles: files,
      updatedAt: self?.updatedAt ?? null,
      band: matchedBand(loaded.scoring, self?.input)
    },
    appraised: appraised === undefined
      ? null
      : { ...appraised, points: appraised.points === null ? null : milliToNumber(appraised.points), band: matchedBand(loaded.scoring, appraised.input) },
    differs: appraised === undefined ? null : differsFromSelf(selfValue(self), appraised),
    supplementRequests: requests.filter((r) => r.leafCodes.includes(loaded.code)).map((r) => ({ id: r.id, status: r.status, dueAt: showInstant(r.dueAt) }))
  }
}

async function stateOf (db: Executor, context: AppraisalContext, scope: FieldScope): Promise<AppraisalState> {
  const catalog = await loadCatalog(db, catalogOf(context))
  const [self, appraised, files, requests, lastChange] = await concurrently(db, [
    () => selfEntries(db, context.selfAssessment.id),
    () => appraisedEntries(db, context.appraisalId),
    () => context.selfAssessment.id === null
      ? Promise.resolve([] as Record<string, unknown>[])
      : queryRows<Record<string, () => unknown>>(db, sql`
        select x.leaf_code, x.file_id, f.filename, f.mime, f.size from evidence_links x
        left join evidence_files f on f.id = x.file_id
        where x.self_assessment_id = ${context.selfAssessment.id} order by x.created_at, x.file_id`),
    () => pendingRequests(db, context.roundId, context.unit.id),
    () => lastChangeOf(db, 'appraisal', context.appraisalId)
  ])
  const filesOf = new Map<string, EvidenceFileRef[]>()
  for (const row of files) {
    const list = filesOf.get(String(row.leaf_code)) ?? []
    list.push({ id: String(row.file_id), filename: row.filename === null ? null : String(row.filename), mime: row.mime === null ? null : String(row.mime), size: row.size === null ? null : Number(row.size) })
    filesOf.set(String(row.leaf_code), list)
  }
  const leaves = catalog.leaves.filter((leaf) => inScope(scope, leaf.fieldCode))
  // Exact thousandths throughout; numbers only at the end, so no gap is a float subtraction.
  const pointsOf = (ofLeaves: LoadedNode[], maxPoints: Milli): AppraisalPoints => {
    const selfOf = (leaf: LoadedNode) => self.get(leaf.code)?.points ?? 0
    const appraisedOf = (leaf: LoadedNode) => appraised.get(leaf.code)?.points ?? 0
    const done = ofLeaves.filter((leaf) => appraised.has(leaf.code))
    const selfPoints = sumMilli(ofLeaves.map(selfOf))
    const appraisedPoints = sumMilli(ofLeaves.map(appraisedOf))
    return {
      maxPoints: milliToNumber(maxPoints),
      leaves: ofLeaves.length,
      appraised: done.length,
      selfPoints: milliToNumber(selfPoints),
      appraisedPoints: milliToNumber(appraisedPoints),
      gap: milliToNumber(sumMilli([selfPoints, -appraisedPoints])),
      appraisedGap: milliToNumber(sumMilli([...done.map(selfOf), -appraisedPoints]))
    }
  }
  const visibleFields = catalog.tree.filter((field) => inScope(scope, field.code))
  const fields = visibleFields.map((field) => ({
    code: field.code,
    title: field.title,
    ...pointsOf(leaves.filter((leaf) => leaf.fieldCode === field.code), field.maxPoints)
  }))
  return {
    id: context.appraisalId,
    roundId: context.roundId,
    roundCode: context.roundCode,
    unit: context.unit,
    catalog: { id: catalog.catalog.id, code: catalog.catalog.code, title: catalog.catalog.title },
    status: context.status,
    version: context.version,
    finalizedAt: context.finalizedAt?.toISOString() ?? null,
    finalizedBy: context.finalizedBy,
    deadline: {
      roundStatus: context.roundStatus,
      closesAt: showInstant(context.appraisalClosesAt),
      supplementClosesAt: showInstant(context.supplementClosesAt),
      open: context.roundStatus === 'appraisal' && context.beforeDeadline && context.status === 'in_progress'
    },
    selfAssessment: { id: context.selfAssessment.id, status: context.selfAssessment.status, submittedAt: context.selfAssessment.submittedAt?.toISOString() ?? null },
    fields,
    totals: pointsOf(leaves, sumMilli(visibleFields.map((field) => field.maxPoints))),
    leaves: leaves.map((leaf) => leafOf(leaf, self.get(leaf.code), appraised.get(leaf.code), filesOf.get(leaf.code) ?? [], requests)),
    lastChange
  }
}

/**
 * A unit's appraisal: per leaf the self score, explanation and evidence files beside the appraised score.
 * An appraiser sees only the leaves of the fields assigned to them (none assigned for the unit's type: 403).
 */
export async function getAppraisal (db: Executor, actor: Actor, roundId: string, unitId: string): Promise<AppraisalState> {
  const context = await loadAppraisalContext(db, actor, roundId, unitId)
  const scope = await fieldScope(db, actor, roundId, context.unit.unitType)
  return stateOf(db, context, scope)
}

/**
 * One leaf of a unit's catalog as the actor may see it: unknown leaves are 404, a leaf outside an appraiser's fields
 * 403 NOT_ASSIGNED.
 */
export async function visibleLeaf (db: Executor, actor: Actor, roundId: string, unitId: string, leafCode: string) {
  const context = await loadAppraisalContext(db, actor, roundId, unitId)
  const scope = await fieldScope(db, actor, roundId, context.unit.unitType)
  const catalog = await loadCatalog(db, catalogOf(context))
  const node = catalog.byCode.get(leafCode)
  if (!node || !node.leaf) throw Errors.notFound(t(`The catalog has no leaf ${leafCode}.`, `Bộ tiêu chí không có tiêu chí ${leafCode}.`))
  assertLeafInScope(scope, node)
  return { context, node }
}

/** One leaf of a unit's appraisal; a leaf outside an appraiser's fields is refused with 403 NOT_ASSIGNED. */
export async function getAppraisalLeaf (db: Executor, actor: Actor, roundId: string, unitId: string, leafCode: string): Promise<AppraisalLeaf> {
  const { context, node } = await visibleLeaf(db, actor, roundId, unitId, leafCode)
  const state = await stateOf(db, context, { all: false, fields: new Set([node.fieldCode]) })
  return state.leaves.find((leaf) => leaf.code === leafCode) as AppraisalLeaf
}

export function assertLeafInScope (scope: FieldScope, node: { code: string, fieldCode: string }): void {
  if (!inScope(scope, node.fieldCode)) {
    throw Errors.notAssigned(t(`Leaf ${node.code} belongs to field ${node.fieldCode}, which is not assigned to you.`, `Tiêu chí ${node.code} thuộc lĩnh vực ${node.fieldCode}, không được phân công cho bạn.`), {
      errors: [{ leafCode: node.code, fieldCode: node.fieldCode, code: 'not_assigned', message: notAssignedText(node.fieldCode) }]
    })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing appraised scores

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
  return { context, scope, catalog: await loadCatalog(tx, catalogId), appraisalId: bumped.id, version: bumped.version }
}

export type AppraisalProblemCode = ScoringErrorCode | 'unknown_leaf' | 'not_a_leaf' | 'duplicate_leaf' | 'reason_required' | 'self_unanswered'

export interface AppraisalProblem { leafCode: string, code: AppraisalProblemCode, message: Text }

const notAssignedText = (fieldCode: string) => t(`field ${fieldCode} is not assigned to you`, `lĩnh vực ${fieldCode} không được phân công cho bạn`)

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
      points: next.points === null ? null : milliToString(next.points),
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
        points: sql`excluded.points`,
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
  const ifMatch = request.ifMatch
  requireIfMatch(ifMatch, 'appraisal')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch)
    const problems: AppraisalProblem[] = []
    const nodes = resolveLeaves(locked, request.entries.map((entry) => entry.leafCode), problems)
    const self = await selfEntries(tx, locked.context.selfAssessment.id)
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
    if (problems.length > 0) refuse(problems)
    return applyPlanned(tx, actor, locked, 'appraisal.save', planned, self)
  })
}

/** Takes the self score as the appraised score of each listed leaf (no reason needed); every listed leaf must have a self score. */
export async function acceptSelfScores (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined, leafCodes: string[] }): Promise<AppraisalState> {
  const ifMatch = request.ifMatch
  requireIfMatch(ifMatch, 'appraisal')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch)
    const problems: AppraisalProblem[] = []
    const nodes = resolveLeaves(locked, request.leafCodes, problems)
    const self = await selfEntries(tx, locked.context.selfAssessment.id)
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
    if (problems.length > 0) refuse(problems)
    return applyPlanned(tx, actor, locked, 'appraisal.accept_self', planned, self)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Finalization

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
    const catalog = await loadCatalog(tx, catalogOf(context))
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
      throw Errors.appraisalIncomplete(t(`The appraisal of ${context.unit.code} cannot be finalized: ${count('unappraised')} leaf(s) without an appraised score, ` +
        `${count('reason_missing')} differing score(s) without a reason, ${requests} supplement request(s) not closed.`,
      `Chưa thể chốt kết quả thẩm định của ${context.unit.code}: ${count('unappraised')} tiêu chí chưa có điểm thẩm định, ${count('reason_missing')} điểm khác tự đánh giá chưa ghi lý do, ${requests} yêu cầu bổ sung chưa đóng.`), { errors: problems })
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
    return stateOf(tx, await loadAppraisalContext(tx, actor, roundId, unitId), { all: true })
  })
}
