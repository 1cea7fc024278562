// The statements of a self-assessment write: the participation locked with the version bumped, read in the same
// statement with the saved leaves' rows and the per-field sums as they stood; then the entries and the audit row
// written in one statement.
import { getTableColumns, sql, type SQL } from 'drizzle-orm'
import type { Milli } from '../../domain/decimal.js'
import type { EnteredInput, Figures } from '../../domain/scoring.js'
import type { Executor } from '../client.js'
import { compiledStatement, preparedRows, toDate } from '../rows.js'
import { auditLogTable } from '../schema/index.js'
import { parseParticipation, participationSql, type Participation } from './participation.js'

/** The self-assessment row as the write left it: its version bumped, or created at version 1. */
export interface WrittenSelfAssessment {
  id: string
  catalogId: string
  status: 'draft' | 'submitted'
  version: number
  /** The transaction's now(): also the time stamp of every entry the write saves. */
  updatedAt: Date
}

/** The versions a write may bump: any (If-Match: *) or those listed. */
export interface VersionsMatched { any: boolean, versions: number[] }

/**
 * In one statement: the unit's participation, locking the round and its participation row for share (a status move
 * or an extension waits), and the self-assessment's version bumped when it is one of `matched`, which also locks its
 * row until the transaction ends: of two writes based on the same version, the second waits for the first and then
 * finds the version moved on. `createAtVersionOne`: when If-Match names version 0 and the unit has no row yet, the
 * row is created (a concurrent first write makes this one write nothing, as a moved version would). `written` is
 * null when nothing matched; the caller checks the round's status and deadline and throws, which undoes the bump.
 * With `leafCodes` (a save), the same statement reads those leaves' rows and the figures as they stood (`before`).
 * Its texts (with the creation or without, with the reads or without) are built and compiled once each.
 */
type LockValues = { roundId: string, unitId: string, anyVersion: boolean, versions: number[], codes: readonly string[] }
const lockStatement = (create: boolean, reads: boolean) => compiledStatement<LockValues>(`self_assessment_lock${create ? '_or_create' : ''}${reads ? '_read' : ''}`, (p) => sql`
  with p as (${participationSql(p.roundId, p.unitId, { lock: true })}),
  bumped as (
    update self_assessments set version = self_assessments.version + 1, updated_at = now()
    where self_assessments.round_id = ${p.roundId} and self_assessments.unit_id = ${p.unitId}
      and (${p.anyVersion}::boolean or self_assessments.version = any(${p.versions}::int[]))
    returning id, catalog_id, status, version, updated_at
  )${create
    ? sql`, created as (
    insert into self_assessments (round_id, unit_id, catalog_id, version)
    select ${p.roundId}, ${p.unitId}, p.catalog_id, 1 from p where p.self_assessment_id is null and p.catalog_id is not null
    on conflict (round_id, unit_id) do nothing
    returning id, catalog_id, status, version, updated_at
  )`
    : sql``}
  select p.*, w.id as written_id, w.catalog_id as written_catalog_id, w.status as written_status, w.version as written_version,
    w.updated_at as written_updated_at${reads ? sql`, ${beforeWriteColumns(sql`w.id`, sql`${p.codes}::text[]`)}` : sql``}
  from p left join (select * from bumped ${create ? sql`union all select * from created` : sql``}) w on true`)
/** By [creates][reads]: a save reads, a status move does not; only a write If-Match "0" names may create the row. */
const lockStatements = [[lockStatement(false, false), lockStatement(false, true)], [lockStatement(true, false), lockStatement(true, true)]] as const

export async function lockAndBumpSelfAssessment (tx: Executor, roundId: string, unitId: string, matched: VersionsMatched, createAtVersionOne: boolean,
  leafCodes?: readonly string[]): Promise<{ participation: Participation, written: WrittenSelfAssessment | null, before: BeforeWrite | null } | null> {
  const [row] = await lockStatements[createAtVersionOne ? 1 : 0][leafCodes === undefined ? 0 : 1]<Record<string, unknown>>(tx, { roundId, unitId, anyVersion: matched.any, versions: matched.versions, codes: leafCodes ?? [] })
  if (!row) return null
  const written: WrittenSelfAssessment | null = row.written_id === null
    ? null
    : {
        id: String(row.written_id),
        catalogId: String(row.written_catalog_id),
        status: row.written_status as 'draft' | 'submitted',
        version: Number(row.written_version),
        updatedAt: toDate(row.written_updated_at) as Date
      }
  // The statement's reads see the rows as they stood when it began. A bump that waited for another write's row lock
  // and still matched (If-Match: * or a list of versions) bumps a version the statement never saw: its reads are then
  // not the state of version n - 1 and are not taken (readBeforeWrite reads again).
  const current = row.self_assessment_id === null ? 0 : Number(row.self_version)
  const before = leafCodes !== undefined && written !== null && current === written.version - 1 ? parseBeforeWrite(row) : null
  return { participation: parseParticipation(row), written, before }
}

/** A saved entry as the database holds it. */
export interface EntryRow {
  input: EnteredInput | null
  /** In thousandths. */
  points: Milli | null
  notApplicable: boolean
  explanation: string | null
}

/** The self-assessment as a save's write finds it: the saved leaves' rows (absent: nothing saved), their evidence counts, and its figures per field. */
export interface BeforeWrite {
  entries: Map<string, EntryRow>
  files: Map<string, number>
  fields: Map<string, Figures>
}

/** The columns of BeforeWrite (as JSON) for the self-assessment `id`, an SQL expression: to select beside other columns. */
function beforeWriteColumns (id: SQL, codes: SQL): SQL {
  return sql`
    (select json_agg(json_build_array(e.leaf_code, e.input, e.points_milli, e.not_applicable, e.explanation))
      from self_assessment_entries e where e.self_assessment_id = ${id} and e.leaf_code = any(${codes})) as before_entries,
    (select json_agg(json_build_array(f.leaf_code, f.files)) from (
      select leaf_code, count(*)::int as files from evidence_links where self_assessment_id = ${id} and leaf_code = any(${codes}) group by leaf_code) f) as before_files,
    ${figuresColumns(id)}`
}

/** A self-assessment's entries (`id`, an SQL expression), every column a reader shows: for its own read and the appraisal's. */
export function selfEntriesSql (id: SQL): SQL {
  return sql`
    select leaf_code, input, points_milli, not_applicable, explanation, updated_at
    from self_assessment_entries where self_assessment_id = ${id}`
}

/** A self-assessment's figures per field as two JSON columns, read by parseFigures. */
export function figuresColumns (id: SQL): SQL {
  return sql`
    (select json_agg(json_build_array(field_code, points_milli::text, answered)) from self_assessment_field_sums where self_assessment_id = ${id}) as field_sums,
    (select json_agg(json_build_array(field_code, leaf_code)) from self_assessment_entries where self_assessment_id = ${id} and not_applicable) as not_applicable_leaves`
}

type JsonRows = unknown[][] | null

function parseBeforeWrite (row: Record<string, unknown>): BeforeWrite {
  const entries = new Map<string, EntryRow>()
  for (const [leafCode, input, points, notApplicable, explanation] of (row.before_entries as JsonRows) ?? []) {
    entries.set(String(leafCode), {
      input: (input ?? null) as EnteredInput | null,
      points: points === null ? null : Number(points) as Milli,
      notApplicable: notApplicable === true,
      explanation: explanation === null ? null : String(explanation)
    })
  }
  const files = new Map(((row.before_files as JsonRows) ?? []).map(([leafCode, count]) => [String(leafCode), Number(count)]))
  return { entries, files, fields: parseFigures(row) }
}

/** The rows of these leaves and the figures before a write, when the write's own statement could not read them. */
export async function readBeforeWrite (tx: Executor, selfAssessmentId: string, leafCodes: readonly string[]): Promise<BeforeWrite> {
  const [row] = await preparedRows<Record<string, unknown>>(tx, sql`select ${beforeWriteColumns(sql`${selfAssessmentId}::uuid`, sql`${sql.param(leafCodes)}::text[]`)}`)
  return parseBeforeWrite(row as Record<string, unknown>)
}

/** An entry as a save writes it: every column given (a leaf the save clears is deleted instead). */
export interface EntryWrite extends EntryRow { leafCode: string, fieldCode: string }

type AuditRow = typeof auditLogTable.$inferInsert
type WriteValues = {
  selfAssessmentId: string
  removed: readonly string[]
  codes: string[],
  fields: string[],
  inputs: Array<string | null>,
  points: Array<number | null>,
  notApplicable: boolean[],
  explanations: Array<string | null>
} & { [K in keyof AuditRow as `audit_${K & string}`]-?: AuditRow[K] }

/** The audit row's columns the write gives (every one but those the table fills in: its id and time). */
const AUDIT_COLUMNS = Object.entries(getTableColumns(auditLogTable)).filter(([, column]) => !column.hasDefault).map(([key]) => key as keyof AuditRow)

/**
 * One statement for a save's whole write: the cleared leaves deleted, the others upserted, and the audit row, so the
 * sums' triggers run once. Its four texts (with deletions or not, with upserts or not) are built and compiled once each.
 */
const writeStatement = (removes: boolean, upserts: boolean) => compiledStatement<WriteValues>(`self_assessment_write_${Number(removes)}${Number(upserts)}`, (p, db) => {
  const writes: SQL[] = []
  if (removes) writes.push(sql`removed as (delete from self_assessment_entries where self_assessment_id = ${p.selfAssessmentId} and leaf_code = any(${p.removed}::text[]))`)
  if (upserts) {
    writes.push(sql`upserted as (
      insert into self_assessment_entries (self_assessment_id, leaf_code, field_code, input, points_milli, not_applicable, explanation)
      select ${p.selfAssessmentId}, t.leaf_code, t.field_code, t.input, t.points_milli, t.not_applicable, t.explanation
      from unnest(${p.codes}::text[], ${p.fields}::text[], ${p.inputs}::jsonb[], ${p.points}::int[], ${p.notApplicable}::boolean[], ${p.explanations}::text[])
        as t(leaf_code, field_code, input, points_milli, not_applicable, explanation)
      on conflict (self_assessment_id, leaf_code) do update set input = excluded.input, points_milli = excluded.points_milli,
        not_applicable = excluded.not_applicable, explanation = excluded.explanation, updated_at = now())`)
  }
  // The audit row through the table's own columns (so its JSON columns are encoded as every other audit row's).
  const audit = db.insert(auditLogTable).values(Object.fromEntries(AUDIT_COLUMNS.map((column) => [column, p[`audit_${column}`]])) as unknown as AuditRow).getSQL()
  return writes.length === 0 ? audit : sql`with ${sql.join(writes, sql`, `)} ${audit}`
})
const writeStatements = [writeStatement(false, false), writeStatement(false, true), writeStatement(true, false), writeStatement(true, true)] as const

export async function writeEntries (tx: Executor, selfAssessmentId: string, removed: readonly string[], upserts: readonly EntryWrite[], audit: AuditRow): Promise<void> {
  const write = writeStatements[(removed.length > 0 ? 2 : 0) + (upserts.length > 0 ? 1 : 0)] as (typeof writeStatements)[number]
  await write(tx, {
    selfAssessmentId,
    removed,
    codes: upserts.map((e) => e.leafCode),
    fields: upserts.map((e) => e.fieldCode),
    inputs: upserts.map((e) => e.input === null ? null : JSON.stringify(e.input)),
    points: upserts.map((e) => e.points),
    notApplicable: upserts.map((e) => e.notApplicable),
    explanations: upserts.map((e) => e.explanation),
    ...Object.fromEntries(AUDIT_COLUMNS.map((column) => [`audit_${column}`, audit[column] ?? null])) as { [K in keyof AuditRow as `audit_${K & string}`]-?: AuditRow[K] }
  })
}

/**
 * The figures of figuresColumns: per field, points and answered counts from the sums the entry triggers keep
 * (migration 0008), and the leaves marked not applicable (read through the partial index).
 */
export function parseFigures (row: Record<string, unknown>): Map<string, Figures> {
  const fields = new Map<string, Figures>()
  const of = (fieldCode: unknown) => {
    let figures = fields.get(String(fieldCode))
    if (figures === undefined) fields.set(String(fieldCode), figures = { points: 0, answered: 0, notApplicable: [] })
    return figures
  }
  for (const [fieldCode, points, answered] of (row.field_sums as JsonRows) ?? []) {
    const figures = of(fieldCode)
    figures.points = Number(points)
    if (!Number.isSafeInteger(figures.points)) throw new Error(`not whole thousandths in the field sums: ${String(points)}`)
    figures.answered = Number(answered)
  }
  for (const [fieldCode, leafCode] of (row.not_applicable_leaves as JsonRows) ?? []) of(fieldCode).notApplicable.push(String(leafCode))
  return fields
}
