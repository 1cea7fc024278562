// A unit's self-assessment (tự đánh giá) in a round: per-leaf answers scored by the domain, totals summed by the
// database, optimistic concurrency by version, submission and withdrawal, all within the round's status and deadline.
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { catalogsTable, evidenceLinksTable, selfAssessmentEntriesTable, selfAssessmentsTable } from '../db/schema/index.js'
import { queryRows, concurrently } from '../db/rows.js'
import type { CatalogNode, EvidenceRule, ScoringMethod } from '../domain/catalog.js'
import { milliToNumber, milliToString, parseDecimal, sumMilli, type Milli } from '../domain/decimal.js'
import { completenessProblems, effectiveDeadline, selfAssessmentOverdue, type RoundStatus } from '../domain/lifecycle.js'
import { indexDisplay } from '../domain/ranking.js'
import { matchedBand, scoreLeaf, type ScoringErrorCode } from '../domain/scoring.js'
import { Errors } from '../errors.js'
import { audit, lastChangeOf, type LastChange } from './audit.js'
import { catalogShape, type CatalogShape } from './catalog-shape.js'
import type { Actor } from './context.js'
import { showInstant } from './rounds.js'
import { openRequestLeaves, supplementReopens } from './supplements.js'
import { requireIfMatch, versionMatches, type IfMatch } from './versions.js'
import { formatVietnamDateTime } from '../domain/lifecycle.js'
import { leafProblem, noCatalogForUnit, noSuch, statusName } from '../messages/problems.js'
import { joinTexts, text as t, type Text } from '../messages/text.js'

/** An input as the API takes and stores it: numbers are JSON numbers, never text. */
export interface EnteredInput {
  value?: number | undefined
  option?: string | undefined
  measurement?: number | undefined
}

/**
 * A stored input as the API can say it: one value, option or measurement of the right type. Anything else (a row
 * written outside the API, e.g. {"value": null}) reads as no input rather than failing the whole answer.
 */
export function storedInput (stored: unknown): EnteredInput | null {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return null
  const { value, option, measurement } = stored as Record<string, unknown>
  if (typeof value === 'number' && Number.isFinite(value)) return { value }
  if (typeof option === 'string') return { option }
  if (typeof measurement === 'number' && Number.isFinite(measurement)) return { measurement }
  return null
}

export interface EntryInput {
  leafCode: string
  /** Absent: keep the saved answer; null: clear it. */
  input?: EnteredInput | null | undefined
  /** Absent: keep the saved explanation; null or blank: clear it. */
  explanation?: string | null | undefined
}

export type EntryProblemCode = ScoringErrorCode | 'unknown_leaf' | 'not_a_leaf' | 'duplicate_leaf' | 'empty_entry'

export interface EntryProblem {
  leafCode: string
  code: EntryProblemCode | 'unanswered' | 'evidence_missing'
  message: Text
}

export interface FieldTotal {
  code: string
  title: string
  maxPoints: number
  points: number
  applicableMaximum: number
  answered: number
  leaves: number
  /** points / applicableMaximum × 100, rounded half up to 2 places ("45.25"); null when nothing applies. */
  percentDisplay: string | null
}

export interface SelfAssessmentTotals {
  points: number
  maxPoints: number
  applicableMaximum: number
  answered: number
  leaves: number
  /** The unit's self-assessed index so far: points / applicableMaximum × 100, rounded half up to 2 places. */
  percentDisplay: string | null
  fields: FieldTotal[]
}

/** A field or criterion above the leaves: what the screen needs to draw the tree. */
export interface SelfAssessmentSection {
  code: string
  /** Null for a field. */
  parentCode: string | null
  title: string
  maxPoints: number
  /** Its children (criteria and leaves) in catalog order. */
  childCodes: string[]
}

export interface SelfAssessmentLeaf {
  code: string
  fieldCode: string
  /** The criterion (or field) the leaf belongs to. */
  parentCode: string | null
  title: string
  maxPoints: number
  scoring: ScoringMethod
  evidence: EvidenceRule
  guidance: string | null
  input: EnteredInput | null
  points: number | null
  notApplicable: boolean
  explanation: string | null
  evidenceFiles: number
  updatedAt: string | null
  /** For a bands leaf with a measurement: the index of the band it fell into, in the catalog's list. */
  band: number | null
  /** What keeps this leaf from being submitted: unanswered, required evidence missing (domain completenessProblems). */
  missing: Array<'unanswered' | 'evidence_missing'>
  /** Whether the unit can change this leaf now: the self-assessment window is open and it is a draft, or a supplement request reopens it. */
  editable: boolean
  /** Open supplement requests that reopen this leaf now. */
  supplementRequestIds: string[]
}

/** The last change to a self-assessment: who made it, when, and which leaves a save touched. */
export type SelfAssessmentChange = LastChange

export interface SelfAssessment {
  /** Null until something is saved. */
  id: string | null
  roundId: string
  roundCode: string
  unit: { id: string, code: string, name: string, unitType: string }
  catalog: { id: string, code: string, title: string }
  status: 'draft' | 'submitted'
  version: number
  submittedAt: string | null
  updatedAt: string | null
  deadline: {
    roundStatus: RoundStatus
    closesAt: string | null
    extensionUntil: string | null
    effectiveClosesAt: string | null
    open: boolean
  }
  totals: SelfAssessmentTotals
  /** The fields and criteria above the leaves, in catalog order (each after its parent). */
  sections: SelfAssessmentSection[]
  leaves: SelfAssessmentLeaf[]
  lastChange: SelfAssessmentChange | null
  /** The database clock when this was read, so a screen's countdown does not depend on the reader's own clock. */
  now: string
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** What a request about one (round, unit) needs: the round's status and the unit's deadline by the database clock. */
interface Context {
  roundId: string
  roundCode: string
  roundStatus: RoundStatus
  closesAt: Date | null
  extensionUntil: Date | null
  /** now() < the later of the deadline and the extension, evaluated by the database. */
  beforeDeadline: boolean
  unit: { id: string, code: string, name: string, unitType: string }
  selfAssessmentId: string | null
  catalogId: string | null
  status: 'draft' | 'submitted'
  version: number
  submittedAt: Date | null
  updatedAt: Date | null
  /** The database clock of the read. */
  now: Date
}

const toDate = (value: unknown): Date | null => value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value))

function toMilli (text: unknown): Milli {
  const parsed = parseDecimal(String(text))
  if (!parsed.ok) throw new Error(`not an exact decimal from the database: ${String(text)}`)
  return parsed.milli
}

function toNumber (text: unknown): number {
  return milliToNumber(toMilli(text))
}

/** Points as a percentage of the applicable maximum, exact and rounded half up for display; null when nothing applies. */
function percentOf (points: Milli, applicableMaximum: Milli): string | null {
  return applicableMaximum === 0 ? null : indexDisplay(points, applicableMaximum)
}

/** A unit officer reaches only their own unit; another unit's self-assessment does not exist for them. */
function assertCanSee (actor: Actor, unitId: string): void {
  const principal = actor.principal
  if (principal?.kind === 'user' && principal.role === 'unit_officer' && principal.unitId !== unitId) {
    throw Errors.notFound(noSuch.selfAssessment)
  }
}

/** Writes lock the round and the unit's participation row for share, so a status move or extension waits for them. */
async function loadContext (db: Executor, roundId: string, unitId: string, lock: boolean): Promise<Context> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    select r.id as round_id, r.code as round_code, r.status as round_status,
      r.self_assessment_closes_at as closes_at, ru.extension_until,
      coalesce(now() < greatest(r.self_assessment_closes_at, ru.extension_until), false) as before_deadline,
      u.id as unit_id, u.code as unit_code, u.name as unit_name, u.unit_type_code,
      sa.id as self_assessment_id, coalesce(sa.catalog_id, rc.catalog_id) as catalog_id,
      coalesce(sa.status, 'draft') as status, coalesce(sa.version, 0) as version, sa.submitted_at, sa.updated_at, now() as now
    from rounds r
    join round_units ru on ru.round_id = r.id and ru.unit_id = ${unitId}
    join units u on u.id = ru.unit_id
    left join self_assessments sa on sa.round_id = r.id and sa.unit_id = u.id
    left join round_catalogs rc on rc.round_id = r.id and rc.unit_type_code = u.unit_type_code
    where r.id = ${roundId}
    ${lock ? sql`for share of r, ru` : sql``}`)
  if (!row) throw Errors.notFound(noSuch.participant)
  return {
    roundId: String(row.round_id),
    roundCode: String(row.round_code),
    roundStatus: row.round_status as RoundStatus,
    closesAt: toDate(row.closes_at),
    extensionUntil: toDate(row.extension_until),
    beforeDeadline: row.before_deadline === true,
    unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
    selfAssessmentId: row.self_assessment_id === null ? null : String(row.self_assessment_id),
    catalogId: row.catalog_id === null ? null : String(row.catalog_id),
    status: row.status as 'draft' | 'submitted',
    version: Number(row.version),
    submittedAt: toDate(row.submitted_at),
    updatedAt: toDate(row.updated_at),
    now: toDate(row.now) as Date
  }
}

function catalogOf (context: Context): string {
  if (context.catalogId === null) {
    throw Errors.conflict(noCatalogForUnit(context.roundCode, context.unit.unitType))
  }
  return context.catalogId
}

/**
 * Points, maxima and answered counts per field and for the whole self-assessment: the points summed by the database
 * (grouping sets give the overall row in the same query), the maxima from the catalog's leaves, in exact thousandths.
 * Exported for appraisal and results.
 */
export async function selfAssessmentTotals (db: Executor, catalogId: string, selfAssessmentId: string | null): Promise<SelfAssessmentTotals> {
  const shape = await catalogShape(db, catalogId)
  const rows = selfAssessmentId === null
    ? []
    : await queryRows<Record<string, unknown>>(db, sql`
    select e.field_code, grouping(e.field_code) = 1 as overall, coalesce(sum(e.points), 0)::text as points, count(e.input)::int as answered,
      coalesce(array_agg(e.leaf_code) filter (where e.not_applicable), '{}') as not_applicable
    from self_assessment_entries e where e.self_assessment_id = ${selfAssessmentId}
    group by grouping sets ((e.field_code), ())`)
  const maximumOf = (codes: readonly string[]) => sumMilli(codes.map((code) => shape.byCode.get(code)?.maxPoints ?? 0))
  const totalOf = (row: Record<string, unknown> | undefined, leafCodes: string[]) => {
    const maxPoints = maximumOf(leafCodes)
    const applicableMaximum = maxPoints - maximumOf((row?.not_applicable ?? []) as string[])
    const points = toMilli(row?.points ?? '0')
    return {
      maxPoints: milliToNumber(maxPoints),
      points: milliToNumber(points),
      applicableMaximum: milliToNumber(applicableMaximum),
      answered: Number(row?.answered ?? 0),
      leaves: leafCodes.length,
      percentDisplay: percentOf(points, applicableMaximum)
    }
  }
  const fields = shape.fields.map((field) => ({
    code: field.code,
    title: field.title,
    ...totalOf(rows.find((row) => row.overall !== true && row.field_code === field.code), shape.leaves.filter((leaf) => leaf.fieldCode === field.code).map((leaf) => leaf.code))
  }))
  return { ...totalOf(rows.find((row) => row.overall === true), shape.leaves.map((leaf) => leaf.code)), fields }
}

/** The unit's own rows: its entries by leaf, and how many evidence files each leaf has. */
async function unitRows (db: Executor, selfAssessmentId: string | null) {
  if (selfAssessmentId === null) return { entries: new Map<string, Record<string, unknown>>(), files: new Map<string, number>() }
  const [entries, files] = await concurrently(db, [
    () => queryRows<Record<string, unknown>>(db, sql`
      select leaf_code, input, points::text as points, not_applicable, explanation, updated_at
      from self_assessment_entries where self_assessment_id = ${selfAssessmentId}`),
    () => queryRows<{ leaf_code: string, files: number }>(db, sql`
      select leaf_code, count(*)::int as files from evidence_links where self_assessment_id = ${selfAssessmentId} group by leaf_code`)
  ])
  return {
    entries: new Map(entries.map((row) => [String(row.leaf_code), row])),
    files: new Map(files.map((row) => [row.leaf_code, Number(row.files)]))
  }
}

type LeafAccess = { windowOpen: boolean, reopened: Map<string, string[]> }

/** The fields and criteria above the leaves (to draw the tree), and each leaf with the unit's entry. */
async function nodeStates (db: Executor, shape: CatalogShape, selfAssessmentId: string | null, access: LeafAccess): Promise<{ sections: SelfAssessmentSection[], leaves: SelfAssessmentLeaf[] }> {
  const { entries, files } = await unitRows(db, selfAssessmentId)
  const sections = shape.nodes.filter((node) => !node.leaf)
    .map((node) => ({ code: node.code, parentCode: node.parentCode, title: node.title, maxPoints: milliToNumber(node.maxPoints), childCodes: node.childCodes }))
  const leaves = shape.leaves.map((node) => {
    const code = node.code
    const row = entries.get(code)
    const scoring = node.scoring as ScoringMethod
    const input = storedInput(row?.input ?? null)
    const explanation = row === undefined || row.explanation === null ? null : String(row.explanation)
    const evidence = node.evidence ?? 'optional'
    const evidenceFiles = files.get(code) ?? 0
    const missing = completenessProblems([{
      code, evidence, answered: input !== null, hasExplanation: (explanation ?? '').trim() !== '', hasEvidenceFile: evidenceFiles > 0
    }]).map((problem) => problem.code)
    const supplementRequestIds = access.reopened.get(code) ?? []
    return {
      code,
      fieldCode: node.fieldCode,
      parentCode: node.parentCode,
      title: node.title,
      maxPoints: milliToNumber(node.maxPoints),
      scoring,
      evidence,
      guidance: node.guidance,
      input,
      points: row === undefined || row.points === null ? null : toNumber(row.points),
      notApplicable: row?.not_applicable === true,
      explanation,
      evidenceFiles,
      updatedAt: row === undefined || row.updated_at === null ? null : (toDate(row.updated_at) as Date).toISOString(),
      band: matchedBand(scoring, input),
      missing,
      editable: access.windowOpen || supplementRequestIds.length > 0,
      supplementRequestIds
    }
  })
  return { sections, leaves }
}

async function stateOf (db: Executor, context: Context): Promise<SelfAssessment> {
  const catalogId = catalogOf(context)
  const windowOpen = context.roundStatus === 'self_assessment' && context.beforeDeadline
  const reopened = windowOpen ? new Map<string, string[]>() : await openRequestLeaves(db, context.roundId, context.unit.id)
  const access = { windowOpen: windowOpen && context.status === 'draft', reopened }
  const shape = await catalogShape(db, catalogId)
  const [[catalog], totals, { sections, leaves }, lastChange] = await concurrently(db, [
    () => db.select({ id: catalogsTable.id, code: catalogsTable.code, title: catalogsTable.title }).from(catalogsTable).where(eq(catalogsTable.id, catalogId)),
    () => selfAssessmentTotals(db, catalogId, context.selfAssessmentId),
    () => nodeStates(db, shape, context.selfAssessmentId, access),
    () => lastChangeOf(db, 'self_assessment', context.selfAssessmentId)
  ])
  return {
    id: context.selfAssessmentId,
    roundId: context.roundId,
    roundCode: context.roundCode,
    unit: context.unit,
    catalog: catalog as { id: string, code: string, title: string },
    status: context.status,
    version: context.version,
    submittedAt: context.submittedAt?.toISOString() ?? null,
    updatedAt: context.updatedAt?.toISOString() ?? null,
    deadline: {
      roundStatus: context.roundStatus,
      closesAt: showInstant(context.closesAt),
      extensionUntil: showInstant(context.extensionUntil),
      effectiveClosesAt: showInstant(effectiveDeadline(context.closesAt, context.extensionUntil)),
      open: windowOpen
    },
    totals,
    sections,
    leaves,
    lastChange,
    now: context.now.toISOString()
  }
}

/** Every leaf with what the unit saved, the totals and the status. Unit officers see only their own unit. */
export async function getSelfAssessment (db: Executor, actor: Actor, roundId: string, unitId: string): Promise<SelfAssessment> {
  assertCanSee(actor, unitId)
  return stateOf(db, await loadContext(db, roundId, unitId, false))
}

export interface SelfAssessmentSummary {
  id: string | null
  unit: { id: string, code: string, name: string, unitType: string }
  catalogId: string | null
  status: 'not_started' | 'draft' | 'submitted'
  version: number
  submittedAt: string | null
  points: number
  applicableMaximum: number | null
  answered: number
  leaves: number
  extensionUntil: string | null
  /** The unit's own deadline: the later of the round's and its extension. */
  deadline: string | null
  /** Past that deadline (database clock) in an open round without having submitted. */
  overdue: boolean
}

/** A listed unit's own deadline and whether it is late, from the round's deadline, its extension and the database clock. */
function lateness (row: Record<string, unknown>): { deadline: string | null, overdue: boolean } {
  const deadline = effectiveDeadline(toDate(row.self_assessment_closes_at), toDate(row.extension_until))
  const now = toDate(row.now) ?? new Date()
  const overdue = selfAssessmentOverdue({ roundStatus: row.round_status as RoundStatus, submitted: row.status === 'submitted', deadline, now })
  return { deadline: showInstant(deadline), overdue }
}

/** One line per participating unit (a unit officer gets only their own), with totals summed by the database. */
export async function listSelfAssessments (db: Executor, actor: Actor, roundId: string): Promise<SelfAssessmentSummary[]> {
  const principal = actor.principal
  const onlyUnit = principal?.kind === 'user' && principal.role === 'unit_officer' ? principal.unitId : null
  const [round] = await queryRows<{ id: string }>(db, sql`select id from rounds where id = ${roundId}`)
  if (!round) throw Errors.notFound(noSuch.round)
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    with recursive tree as (
      select n.id, n.catalog_id, n.code, n.max_points from catalog_nodes n
      where n.parent_id is null and n.catalog_id in (
        select catalog_id from round_catalogs where round_id = ${roundId}
        union select catalog_id from self_assessments where round_id = ${roundId})
      union all
      select c.id, c.catalog_id, c.code, c.max_points from catalog_nodes c join tree t on c.parent_id = t.id
    ), leaf as (
      select t.* from tree t where not exists (select 1 from catalog_nodes c where c.parent_id = t.id)
    ), catalog_totals as (
      select catalog_id, count(*)::int as leaves, sum(max_points) as max_points from leaf group by catalog_id
    ), entry_totals as (
      select e.self_assessment_id, sum(e.points) as points, (count(*) filter (where e.input is not null))::int as answered,
        coalesce(sum(l.max_points) filter (where e.not_applicable), 0) as not_applicable_max
      from self_assessment_entries e
      join self_assessments s on s.id = e.self_assessment_id and s.round_id = ${roundId}
      join leaf l on l.catalog_id = s.catalog_id and l.code = e.leaf_code
      group by e.self_assessment_id
    )
    select u.id as unit_id, u.code as unit_code, u.name as unit_name, u.unit_type_code, ru.extension_until,
      r.self_assessment_closes_at, r.status as round_status, now() as now,
      sa.id, coalesce(sa.catalog_id, rc.catalog_id) as catalog_id, coalesce(sa.status, 'not_started') as status,
      coalesce(sa.version, 0) as version, sa.submitted_at,
      coalesce(et.points, 0)::text as points,
      (ct.max_points - coalesce(et.not_applicable_max, 0))::text as applicable_maximum,
      coalesce(et.answered, 0) as answered, coalesce(ct.leaves, 0) as leaves
    from round_units ru
    join rounds r on r.id = ru.round_id
    join units u on u.id = ru.unit_id
    left join self_assessments sa on sa.round_id = ru.round_id and sa.unit_id = ru.unit_id
    left join round_catalogs rc on rc.round_id = ru.round_id and rc.unit_type_code = u.unit_type_code
    left join catalog_totals ct on ct.catalog_id = coalesce(sa.catalog_id, rc.catalog_id)
    left join entry_totals et on et.self_assessment_id = sa.id
    where ru.round_id = ${roundId} ${onlyUnit === null ? sql`` : sql`and ru.unit_id = ${onlyUnit}`}
    order by u.unit_type_code, u.sort_key, u.code`)
  return rows.map((row) => ({
    id: row.id === null ? null : String(row.id),
    unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
    catalogId: row.catalog_id === null ? null : String(row.catalog_id),
    status: row.status as SelfAssessmentSummary['status'],
    version: Number(row.version),
    submittedAt: toDate(row.submitted_at)?.toISOString() ?? null,
    points: toNumber(row.points),
    applicableMaximum: row.applicable_maximum === null ? null : toNumber(row.applicable_maximum),
    answered: Number(row.answered),
    leaves: Number(row.leaves),
    extensionUntil: showInstant(toDate(row.extension_until)),
    ...lateness(row)
  }))
}

/**
 * Whether a leaf of a self-assessment has at least one evidence file. The file store links files through
 * evidence_links; submission treats a required-evidence leaf with a file as documented.
 */
export async function leafHasEvidenceFile (db: Executor, selfAssessmentId: string, leafCode: string): Promise<boolean> {
  const [row] = await db.select({ fileId: evidenceLinksTable.fileId }).from(evidenceLinksTable)
    .where(and(eq(evidenceLinksTable.selfAssessmentId, selfAssessmentId), eq(evidenceLinksTable.leafCode, leafCode))).limit(1)
  return row !== undefined
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** Only while the round is in self-assessment and before the unit's deadline (and extension) by the database clock. */
function assertUnitMayWrite (context: Context): void {
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

/**
 * Outside the self-assessment window, an open supplement request (yêu cầu bổ sung) reopens exactly its leaves: the ids
 * of the requests that reopen all of these leaves, null when none reopens anything (the usual refusal applies), or
 * LEAF_LOCKED naming the leaves that stay locked.
 */
async function reopenedBySupplement (tx: Executor, actor: Actor, context: Context, leafCodes: readonly string[]): Promise<string[] | null> {
  if (leafCodes.length === 0 || (context.roundStatus === 'self_assessment' && context.beforeDeadline)) return null
  return supplementReopens(tx, actor, context.roundId, context.unit.id, leafCodes)
}

interface Locked {
  context: Context
  selfAssessmentId: string
  catalogId: string
  version: number
  status: 'draft' | 'submitted'
  /** The open supplement requests this write relies on, when it happens outside the self-assessment window. */
  supplementRequestIds: string[] | null
}

/**
 * Creates the row on first write, then checks and bumps the version in one UPDATE ... WHERE version = ANY(...):
 * of two writes based on the same version, the second waits for the first's row lock, finds the version
 * moved on, and updates nothing, so it is refused with 412 and the current state.
 */
async function lockForWrite (tx: Executor, actor: Actor, roundId: string, unitId: string, ifMatch: IfMatch, leafCodes?: readonly string[]): Promise<Locked> {
  assertCanSee(actor, unitId)
  const context = await loadContext(tx, roundId, unitId, true)
  const supplementRequestIds = leafCodes === undefined ? null : await reopenedBySupplement(tx, actor, context, leafCodes)
  if (supplementRequestIds === null) assertUnitMayWrite(context)
  const catalogId = catalogOf(context)
  await tx.insert(selfAssessmentsTable).values({ roundId, unitId, catalogId }).onConflictDoNothing()
  const [bumped] = await tx.update(selfAssessmentsTable)
    .set({ version: sql`${selfAssessmentsTable.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(selfAssessmentsTable.roundId, roundId), eq(selfAssessmentsTable.unitId, unitId), versionMatches(selfAssessmentsTable.version, ifMatch)))
    .returning()
  if (!bumped) {
    const current = await stateOf(tx, await loadContext(tx, roundId, unitId, false))
    throw Errors.preconditionFailed(t(`The self-assessment is at version ${current.version}, not the version you sent in If-Match; reload it and apply your change again.`,
      `Bản tự đánh giá đã ở phiên bản ${current.version}, khác phiên bản bạn gửi trong If-Match; hãy tải lại và thực hiện lại thay đổi.`), {
      extra: { currentVersion: current.version, current }
    })
  }
  return { context, selfAssessmentId: bumped.id, catalogId: bumped.catalogId, version: bumped.version, status: bumped.status, supplementRequestIds }
}

async function reload (tx: Executor, roundId: string, unitId: string): Promise<SelfAssessment> {
  return stateOf(tx, await loadContext(tx, roundId, unitId, false))
}

interface LeafDefinition {
  node: CatalogNode
  fieldCode: string
  leaf: boolean
}

async function catalogNodes (tx: Executor, catalogId: string): Promise<Map<string, LeafDefinition>> {
  const shape = await catalogShape(tx, catalogId)
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

interface EntryValue { input: EnteredInput | null, points: string | null, notApplicable: boolean, explanation: string | null }

const showEntry = (entry: EntryValue | undefined) => entry === undefined
  ? null
  : { input: entry.input, points: entry.points === null ? null : toNumber(entry.points), notApplicable: entry.notApplicable, explanation: entry.explanation }

/**
 * Saves one or many leaves at once: every entry is scored first, and if any is refused nothing is saved and
 * every refusal is listed with its leaf code. Per leaf, an absent input or explanation keeps what was saved.
 */
export async function saveSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined, entries: EntryInput[] }): Promise<SelfAssessment> {
  assertCanSee(actor, unitId)
  const ifMatch = request.ifMatch
  requireIfMatch(ifMatch, 'selfAssessment')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch, request.entries.map((entry) => entry.leafCode))
    // A submitted self-assessment stays submitted while the unit answers a supplement request on some of its leaves.
    if (locked.status === 'submitted' && locked.supplementRequestIds === null) {
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
    const existingRows = await tx.select().from(selfAssessmentEntriesTable)
      .where(and(eq(selfAssessmentEntriesTable.selfAssessmentId, locked.selfAssessmentId), inArray(selfAssessmentEntriesTable.leafCode, codes)))
    const existing = new Map(existingRows.map((row) => [row.leafCode, row as EntryValue]))
    const before: Record<string, unknown> = {}
    const after: Record<string, unknown> = {}
    const upserts: typeof selfAssessmentEntriesTable.$inferInsert[] = []
    const removed: string[] = []
    for (const [leafCode, { definition, entry, points, notApplicable }] of scored) {
      const old = existing.get(leafCode)
      const next: EntryValue = entry.input === undefined
        ? { input: old?.input ?? null, points: old?.points ?? null, notApplicable: old?.notApplicable ?? false, explanation: old?.explanation ?? null }
        : { input: entry.input === null ? null : normalizeInput(entry.input), points: points === null ? null : milliToString(points), notApplicable, explanation: old?.explanation ?? null }
      const explanation = blankToNull(entry.explanation)
      if (explanation !== undefined) next.explanation = explanation
      before[leafCode] = showEntry(old)
      if (next.input === null && next.explanation === null) {
        if (old) removed.push(leafCode)
        after[leafCode] = null
        continue
      }
      upserts.push({ selfAssessmentId: locked.selfAssessmentId, leafCode, fieldCode: definition.fieldCode, ...next })
      after[leafCode] = showEntry(next)
    }
    // One statement each for the whole batch: fewer round trips, and one pass of the per-field sums' triggers.
    if (removed.length > 0) {
      await tx.delete(selfAssessmentEntriesTable)
        .where(and(eq(selfAssessmentEntriesTable.selfAssessmentId, locked.selfAssessmentId), inArray(selfAssessmentEntriesTable.leafCode, removed)))
    }
    if (upserts.length > 0) {
      await tx.insert(selfAssessmentEntriesTable).values(upserts).onConflictDoUpdate({
        target: [selfAssessmentEntriesTable.selfAssessmentId, selfAssessmentEntriesTable.leafCode],
        set: { input: sql`excluded.input`, points: sql`excluded.points`, notApplicable: sql`excluded.not_applicable`, explanation: sql`excluded.explanation`, updatedAt: sql`now()` }
      })
    }
    await audit(tx, actor, {
      action: 'self_assessment.save',
      entityType: 'self_assessment',
      entityId: locked.selfAssessmentId,
      before: { version: locked.version - 1, entries: before },
      after: { version: locked.version, entries: after, ...(locked.supplementRequestIds === null ? {} : { supplementRequestIds: locked.supplementRequestIds }) }
    })
    return reload(tx, roundId, unitId)
  })
}

// Only the input of the leaf's method is stored, in a fixed key order, so audit diffs compare like with like.
function normalizeInput (input: EnteredInput): EnteredInput {
  const out: EnteredInput = {}
  if (input.value !== undefined) out.value = input.value
  if (input.option !== undefined) out.option = input.option
  if (input.measurement !== undefined) out.measurement = input.measurement
  return out
}

/**
 * Submits the self-assessment when every leaf is answered and every required-evidence leaf has a file or an
 * explanation; otherwise lists every problem at once and changes nothing.
 */
export async function submitSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined }): Promise<SelfAssessment> {
  assertCanSee(actor, unitId)
  const ifMatch = request.ifMatch
  requireIfMatch(ifMatch, 'selfAssessment')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch)
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
    await audit(tx, actor, {
      action: 'self_assessment.submit',
      entityType: 'self_assessment',
      entityId: locked.selfAssessmentId,
      before: { status: 'draft', version: locked.version - 1 },
      after: { status: 'submitted', version: locked.version, points: state.totals.points, applicableMaximum: state.totals.applicableMaximum }
    })
    return state
  })
}

/** Takes a submitted self-assessment back to draft so the unit can edit it again, until the deadline. */
export async function withdrawSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string, request: { ifMatch: IfMatch | undefined }): Promise<SelfAssessment> {
  assertCanSee(actor, unitId)
  const ifMatch = request.ifMatch
  requireIfMatch(ifMatch, 'selfAssessment')
  return db.transaction(async (tx) => {
    const locked = await lockForWrite(tx, actor, roundId, unitId, ifMatch)
    if (locked.status !== 'submitted') throw Errors.selfAssessmentNotSubmitted(t('The self-assessment is not submitted, so there is nothing to withdraw.', 'Bản tự đánh giá chưa nộp nên không có gì để rút lại.'))
    await tx.update(selfAssessmentsTable).set({ status: 'draft', submittedAt: null }).where(eq(selfAssessmentsTable.id, locked.selfAssessmentId))
    await audit(tx, actor, {
      action: 'self_assessment.withdraw',
      entityType: 'self_assessment',
      entityId: locked.selfAssessmentId,
      before: { status: 'submitted', version: locked.version - 1 },
      after: { status: 'draft', version: locked.version }
    })
    return reload(tx, roundId, unitId)
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Which leaves the caller may change now, in one place (evidence files ask it; a leaf reopened by a supplement request belongs here)

export interface EditableLeaves {
  selfAssessmentId: string
  catalogId: string
}

/**
 * Whether the caller may change these leaves of this (round, unit) now; throws the problem that says why not:
 * another unit's officer 404, SELF_ASSESSMENT_CLOSED unless the round is in self_assessment, DEADLINE_PASSED
 * after the deadline or extension by the database clock, SELF_ASSESSMENT_SUBMITTED once submitted, and
 * SELF_ASSESSMENT_INVALID for a code that is not a leaf of the catalog. No codes: the self-assessment as a whole.
 * Call it inside the change's transaction: it creates the self-assessment on first use and locks its row, so a
 * concurrent submission either sees the change or refuses it. It does not bump the version (evidence files are
 * their own resource; the entries' ETag is unaffected).
 */
export async function lockEditableLeaves (tx: Executor, actor: Actor, roundId: string, unitId: string, leafCodes: readonly string[]): Promise<EditableLeaves> {
  assertCanSee(actor, unitId)
  const context = await loadContext(tx, roundId, unitId, true)
  const supplementRequestIds = await reopenedBySupplement(tx, actor, context, leafCodes)
  if (supplementRequestIds === null) assertUnitMayWrite(context)
  await tx.insert(selfAssessmentsTable).values({ roundId, unitId, catalogId: catalogOf(context) }).onConflictDoNothing()
  const [row] = await tx.select({ id: selfAssessmentsTable.id, catalogId: selfAssessmentsTable.catalogId, status: selfAssessmentsTable.status })
    .from(selfAssessmentsTable)
    .where(and(eq(selfAssessmentsTable.roundId, roundId), eq(selfAssessmentsTable.unitId, unitId)))
    .for('no key update')
  if (!row) throw new Error(`self-assessment of unit ${unitId} in round ${roundId} missing after insert`)
  if (row.status === 'submitted' && supplementRequestIds === null) {
    throw Errors.selfAssessmentSubmitted(t('The self-assessment has been submitted and is read-only; withdraw it first to change it.', 'Bản tự đánh giá đã nộp nên chỉ xem được; hãy rút lại để chỉnh sửa.'))
  }
  if (leafCodes.length > 0) {
    const definitions = await catalogNodes(tx, row.catalogId)
    const problems: EntryProblem[] = []
    for (const leafCode of leafCodes) {
      const definition = definitions.get(leafCode)
      if (definition === undefined) problems.push({ leafCode, code: 'unknown_leaf', message: leafProblem.unknown(leafCode) })
      else if (!definition.leaf) problems.push({ leafCode, code: 'not_a_leaf', message: t(`${leafCode} has sub-criteria; only its leaves take evidence.`, `Tiêu chí ${leafCode}: có tiêu chí thành phần; tài liệu kiểm chứng gắn với từng tiêu chí thành phần.`) })
    }
    if (problems.length > 0) {
      throw Errors.selfAssessmentInvalid(joinTexts(problems.map((p) => p.message)), { errors: problems })
    }
  }
  return { selfAssessmentId: row.id, catalogId: row.catalogId }
}
