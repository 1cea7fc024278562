// Reading a unit's self-assessment: every leaf with its answer and evidence, the totals summed by the database, and the
// round's list of self-assessments with their lateness.
import { and, eq, sql, type Placeholder, type SQL } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { leavesOf } from '../../db/queries/catalog-leaves.js'
import { evidenceLinksTable } from '../../db/schema/index.js'
import { compiledStatement, queryRows, concurrently, jsonRows, toDate } from '../../db/rows.js'
import { type EntryRow, figuresColumns, parseFigures, selfEntriesSql } from '../../db/queries/self-assessment-save.js'
import { parseParticipation, participationSql } from '../../db/queries/participation.js'
import type { ScoringMethod } from '../../domain/catalog.js'
import { type Milli, milliToNumber, sumMilli } from '../../domain/decimal.js'
import { completenessProblems, effectiveDeadline, selfAssessmentOverdue, type RoundStatus } from '../../domain/lifecycle.js'
import { matchedBand, storedInput, type EnteredInput, type Figures } from '../../domain/scoring.js'
import { Errors } from '../../errors.js'
import { lastChangeColumn, parseLastChange } from '../audit.js'
import { catalogShape, type CatalogShape, type ShapeNode } from '../catalog-shape.js'
import type { Actor } from '../context.js'
import { assertRoundShown, officerUnitOf, showInstant, shownRoundStatus } from '../rounds.js'
import { openRequestsSql, requestLeaves } from '../supplements.js'
import { noSuch } from '../../messages/problems.js'
import { type Context, type SelfAssessment, type SelfAssessmentLeaf, type SelfAssessmentTotals, assertCanSee, catalogOf, contextOf, percentOf, toNumber } from './context.js'

const noFigures: Figures = { points: 0, answered: 0, notApplicable: [] }

/**
 * Points, maxima and answered counts per field and for the whole self-assessment, exact, from the catalog's shape and
 * the figures per field (figuresColumns: the sums the entry triggers keep); a not-applicable leaf counts in neither the
 * points nor the applicable maximum. One rule for the full read and a save's answer.
 */
export function totalsOf (shape: CatalogShape, byField: ReadonlyMap<string, Figures>): SelfAssessmentTotals {
  const maximumOf = (codes: readonly string[]) => sumMilli(codes.map((code) => shape.byCode.get(code)?.maxPoints ?? 0))
  const totalOf = (figures: Figures, leafCodes: string[]) => {
    const maxPoints = maximumOf(leafCodes)
    const applicableMaximum = maxPoints - maximumOf(figures.notApplicable)
    return {
      maxPoints: milliToNumber(maxPoints),
      points: milliToNumber(figures.points),
      applicableMaximum: milliToNumber(applicableMaximum),
      answered: figures.answered,
      leaves: leafCodes.length,
      percentDisplay: percentOf(figures.points, applicableMaximum)
    }
  }
  const fields = shape.fields.map((field) => ({
    code: field.code,
    title: field.title,
    ...totalOf(byField.get(field.code) ?? noFigures, shape.leaves.filter((leaf) => leaf.fieldCode === field.code).map((leaf) => leaf.code))
  }))
  const figures = [...byField.values()]
  const overall = { points: sumMilli(figures.map((field) => field.points)), answered: figures.reduce((sum, field) => sum + field.answered, 0), notApplicable: figures.flatMap((field) => field.notApplicable) }
  return { ...totalOf(overall, shape.leaves.map((leaf) => leaf.code)), fields }
}

/** A saved entry with the time it was saved. */
export type StoredEntry = EntryRow & { updatedAt: Date }

/** The unit's own rows: its entries by leaf, and how many evidence files each leaf has. */
export async function unitRows (db: Executor, selfAssessmentId: string | null): Promise<{ entries: Map<string, StoredEntry>, files: Map<string, number> }> {
  if (selfAssessmentId === null) return { entries: new Map(), files: new Map() }
  const [entries, files] = await concurrently(db, [
    () => queryRows<Record<string, unknown>>(db, selfEntriesSql(sql`${selfAssessmentId}`)),
    () => queryRows<Record<string, unknown>>(db, filesSql(sql`${selfAssessmentId}`))
  ])
  return parseUnitRows(entries, files)
}

const filesSql = (selfAssessmentId: SQL) => sql`
  select leaf_code, count(*)::int as files from evidence_links where self_assessment_id = ${selfAssessmentId} group by leaf_code`

/** The rows of selfEntriesSql and filesSql, as rows or as JSON objects (the same names and values). */
function parseUnitRows (entries: ReadonlyArray<Record<string, unknown>>, files: ReadonlyArray<Record<string, unknown>>): { entries: Map<string, StoredEntry>, files: Map<string, number> } {
  return {
    entries: new Map(entries.map((row) => [String(row.leaf_code), {
      input: (row.input ?? null) as EnteredInput | null,
      points: row.points_milli === null ? null : Number(row.points_milli) as Milli,
      notApplicable: row.not_applicable === true,
      explanation: row.explanation === null ? null : String(row.explanation),
      updatedAt: toDate(row.updated_at) as Date
    }])),
    files: new Map(files.map((row) => [String(row.leaf_code), Number(row.files)]))
  }
}

/**
 * What a full read shows of a self-assessment beyond its participation, as columns of one statement, for the
 * self-assessment `id` and the catalog `catalog` (SQL expressions; a null id reads nothing): the catalog's name, the
 * figures per field, the entries and evidence counts, the last change, and the open supplement requests that reopen
 * leaves (none unless the round is in appraisal). Read one by one, these were six round trips of every page load.
 */
function stateColumns (id: SQL, catalog: SQL, roundId: string | Placeholder, unitId: string | Placeholder): SQL {
  return sql`(select json_build_object('id', c.id, 'code', c.code, 'title', c.title) from catalogs c where c.id = ${catalog}) as catalog,
    ${figuresColumns(id)}, ${jsonRows(selfEntriesSql(id), sql`r.leaf_code`)} as entries, ${jsonRows(filesSql(id), sql`r.leaf_code`)} as files,
    ${lastChangeColumn('self_assessment', id)} as last_change, ${jsonRows(openRequestsSql(roundId, unitId), sql`r.created_at, r.id`)} as requests`
}

/** A row's stateColumns, parsed. */
function parseState (row: Record<string, unknown>) {
  return {
    catalog: row.catalog as { id: string, code: string, title: string },
    figures: parseFigures(row),
    ...parseUnitRows(row.entries as Array<Record<string, unknown>>, row.files as Array<Record<string, unknown>>),
    lastChange: parseLastChange(row.last_change),
    reopened: requestLeaves(row.requests as Array<{ id: string, leaf_codes: string[] }>)
  }
}

/** Whether the unit may change its leaves: the window is open on a draft, or a supplement request reopens a leaf. */
export interface LeafAccess { windowOpen: boolean, reopened: ReadonlyMap<string, string[]> }

/** One leaf as a reader sees it: the catalog's node with the unit's entry, its evidence, what is missing and whether it is editable. */
export function leafState (node: ShapeNode, entry: StoredEntry | undefined, evidenceFiles: number, access: LeafAccess): SelfAssessmentLeaf {
  const code = node.code
  const scoring = node.scoring as ScoringMethod
  const input = storedInput(entry?.input ?? null)
  const explanation = entry?.explanation ?? null
  const evidence = node.evidence ?? 'optional'
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
    points: entry === undefined || entry.points === null ? null : milliToNumber(entry.points),
    notApplicable: entry?.notApplicable === true,
    explanation,
    evidenceFiles,
    updatedAt: entry?.updatedAt.toISOString() ?? null,
    band: matchedBand(scoring, input),
    missing,
    editable: access.windowOpen || supplementRequestIds.length > 0,
    supplementRequestIds
  }
}

export async function stateOf (db: Executor, context: Context): Promise<SelfAssessment> {
  const catalogId = catalogOf(context)
  const [shape, [row]] = await concurrently(db, [
    () => catalogShape(db, catalogId),
    () => queryRows<Record<string, unknown>>(db, sql`select ${stateColumns(sql`${context.selfAssessmentId}::uuid`, sql`${catalogId}::uuid`, context.roundId, context.unit.id)}`)
  ])
  return assemble(context, shape, parseState(row as Record<string, unknown>))
}

/** The full read from the participation, the catalog's shape and the rows of stateColumns. */
function assemble (context: Context, shape: CatalogShape, read: ReturnType<typeof parseState>): SelfAssessment {
  const windowOpen = context.roundStatus === 'self_assessment' && context.beforeDeadline
  const access = { windowOpen: windowOpen && context.status === 'draft', reopened: read.reopened }
  // The fields and criteria above the leaves (to draw the tree), and each leaf with the unit's entry.
  const sections = shape.nodes.filter((node) => !node.leaf)
    .map((node) => ({ code: node.code, parentCode: node.parentCode, title: node.title, maxPoints: milliToNumber(node.maxPoints), childCodes: node.childCodes }))
  const leaves = shape.leaves.map((node) => leafState(node, read.entries.get(node.code), read.files.get(node.code) ?? 0, access))
  return {
    id: context.selfAssessmentId,
    roundId: context.roundId,
    roundCode: context.roundCode,
    unit: context.unit,
    catalog: { id: read.catalog.id, code: read.catalog.code, title: read.catalog.title },
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
    totals: totalsOf(shape, read.figures),
    sections,
    leaves,
    lastChange: read.lastChange,
    now: context.now.toISOString()
  }
}

/**
 * The statement of getSelfAssessment, built once and prepared: every page load of every officer runs it, and parsing
 * and planning its 3 kB anew took the database longer than running it (0.7–1.1 ms against 0.3 ms).
 */
const fullRead = compiledStatement<{ roundId: string, unitId: string }>('self_assessment_read', (p) => sql`
  with p as (${participationSql(p.roundId, p.unitId)})
  select p.*, ${stateColumns(sql`p.self_assessment_id`, sql`p.catalog_id`, p.roundId, p.unitId)} from p`)

/**
 * Every leaf with what the unit saved, the totals and the status. Unit officers see only their own unit. The
 * participation and everything shown of the self-assessment are read in one statement (the catalog's shape is kept
 * in memory): what each officer's page load costs the database is that one round trip.
 */
export async function getSelfAssessment (db: Executor, actor: Actor, roundId: string, unitId: string): Promise<SelfAssessment> {
  assertCanSee(actor, unitId)
  const [row] = await fullRead<Record<string, unknown>>(db, { roundId, unitId })
  if (!row) throw Errors.notFound(noSuch.participant)
  assertRoundShown(actor, row.round_status as RoundStatus)
  const context = contextOf(parseParticipation(row))
  return assemble(context, await catalogShape(db, catalogOf(context)), parseState(row))
}

export interface SelfAssessmentSummary {
  id: string | null
  unit: { id: string, code: string, name: string, unitType: string }
  catalogId: string | null
  status: 'not_started' | 'draft' | 'submitted'
  version: number
  submittedAt: string | null
  /** When the unit last wrote it (a save, submitting or withdrawing; not a file). */
  updatedAt: string | null
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
  const onlyUnit = officerUnitOf(actor)
  await shownRoundStatus(db, actor, roundId)
  // An officer's line alone: the sums and not-applicable leaves of their own unit, not of the whole round.
  const ofUnit = onlyUnit === null ? sql`` : sql` and s.unit_id = ${onlyUnit}`
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    with leaf as (
      ${leavesOf(sql`select catalog_id from round_catalogs where round_id = ${roundId}
        union select catalog_id from self_assessments where round_id = ${roundId}`)}
    ), catalog_totals as (
      select catalog_id, count(*)::int as leaves, sum(max_points) as max_points from leaf group by catalog_id
    ), entry_totals as (
      select fs.self_assessment_id, sum(fs.points_milli) as points_milli, sum(fs.answered)::int as answered
      from self_assessment_field_sums fs
      join self_assessments s on s.id = fs.self_assessment_id and s.round_id = ${roundId}${ofUnit}
      group by fs.self_assessment_id
    ), not_applicable as (
      select e.self_assessment_id, sum(l.max_points) as max_points
      from self_assessment_entries e
      join self_assessments s on s.id = e.self_assessment_id and s.round_id = ${roundId}${ofUnit}
      join leaf l on l.catalog_id = s.catalog_id and l.code = e.leaf_code
      where e.not_applicable
      group by e.self_assessment_id
    )
    select u.id as unit_id, u.code as unit_code, u.name as unit_name, u.unit_type_code, ru.extension_until,
      r.self_assessment_closes_at, r.status as round_status, now() as now,
      sa.id, coalesce(sa.catalog_id, rc.catalog_id) as catalog_id, coalesce(sa.status, 'not_started') as status,
      coalesce(sa.version, 0) as version, sa.submitted_at, sa.updated_at,
      coalesce(et.points_milli, 0)::text as points_milli,
      (ct.max_points - coalesce(na.max_points, 0))::text as applicable_maximum,
      coalesce(et.answered, 0) as answered, coalesce(ct.leaves, 0) as leaves
    from round_units ru
    join rounds r on r.id = ru.round_id
    join units u on u.id = ru.unit_id
    left join self_assessments sa on sa.round_id = ru.round_id and sa.unit_id = ru.unit_id
    left join round_catalogs rc on rc.round_id = ru.round_id and rc.unit_type_code = u.unit_type_code
    left join catalog_totals ct on ct.catalog_id = coalesce(sa.catalog_id, rc.catalog_id)
    left join entry_totals et on et.self_assessment_id = sa.id
    left join not_applicable na on na.self_assessment_id = sa.id
    where ru.round_id = ${roundId} ${onlyUnit === null ? sql`` : sql`and ru.unit_id = ${onlyUnit}`}
    order by u.unit_type_code, u.sort_key, u.code`)
  return rows.map((row) => ({
    id: row.id === null ? null : String(row.id),
    unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
    catalogId: row.catalog_id === null ? null : String(row.catalog_id),
    status: row.status as SelfAssessmentSummary['status'],
    version: Number(row.version),
    submittedAt: toDate(row.submitted_at)?.toISOString() ?? null,
    updatedAt: toDate(row.updated_at)?.toISOString() ?? null,
    points: milliToNumber(Number(row.points_milli) as Milli),
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
