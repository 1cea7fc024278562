// The reads of a self-assessment write, each one statement: the participation locked with the version bumped, the
// saved leaves' rows before the write, and the totals after it from the per-field sums the triggers keep.
import { sql, type SQL } from 'drizzle-orm'
import type { Milli } from '../../domain/decimal.js'
import type { EnteredInput } from '../../domain/scoring.js'
import type { Executor } from '../client.js'
import { preparedRows, toDate } from '../rows.js'
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

/**
 * In one statement: the unit's participation, locking the round and its participation row for share (a status move
 * or an extension waits), and the self-assessment's version bumped when `versionMatches` holds, which also locks its
 * row until the transaction ends: of two writes based on the same version, the second waits for the first and then
 * finds the version moved on. `createAtVersionOne`: when If-Match names version 0 and the unit has no row yet, the
 * row is created (a concurrent first write makes this one write nothing, as a moved version would). `written` is
 * null when nothing matched; the caller checks the round's status and deadline and throws, which undoes the bump.
 */
export async function lockAndBumpSelfAssessment (tx: Executor, roundId: string, unitId: string, versionMatches: SQL, createAtVersionOne: boolean): Promise<{ participation: Participation, written: WrittenSelfAssessment | null } | null> {
  const [row] = await preparedRows<Record<string, unknown>>(tx, sql`
    with p as (${participationSql(roundId, unitId, { lock: true })}),
    bumped as (
      update self_assessments set version = self_assessments.version + 1, updated_at = now()
      where self_assessments.round_id = ${roundId} and self_assessments.unit_id = ${unitId} and ${versionMatches}
      returning id, catalog_id, status, version, updated_at
    )${createAtVersionOne
      ? sql`, created as (
      insert into self_assessments (round_id, unit_id, catalog_id, version)
      select ${roundId}, ${unitId}, p.catalog_id, 1 from p where p.self_assessment_id is null and p.catalog_id is not null
      on conflict (round_id, unit_id) do nothing
      returning id, catalog_id, status, version, updated_at
    )`
      : sql``}
    select p.*, w.id as written_id, w.catalog_id as written_catalog_id, w.status as written_status, w.version as written_version,
      w.updated_at as written_updated_at
    from p left join (select * from bumped ${createAtVersionOne ? sql`union all select * from created` : sql``}) w on true`)
  if (!row) return null
  return {
    participation: parseParticipation(row),
    written: row.written_id === null
      ? null
      : {
          id: String(row.written_id),
          catalogId: String(row.written_catalog_id),
          status: row.written_status as 'draft' | 'submitted',
          version: Number(row.written_version),
          updatedAt: toDate(row.written_updated_at) as Date
        }
  }
}

/** A saved entry as the database holds it. */
export interface EntryRow {
  input: EnteredInput | null
  /** In thousandths. */
  points: Milli | null
  notApplicable: boolean
  explanation: string | null
}

/** The rows of these leaves (absent: nothing saved) and how many evidence files each has, in one statement. */
export async function leafRows (tx: Executor, selfAssessmentId: string, leafCodes: readonly string[]): Promise<{ entries: Map<string, EntryRow>, files: Map<string, number> }> {
  const rows = await preparedRows<Record<string, unknown>>(tx, sql`
    select false as file_count, leaf_code, input, points_milli, not_applicable, explanation, null::int as files
    from self_assessment_entries where self_assessment_id = ${selfAssessmentId} and leaf_code in ${leafCodes}
    union all
    select true, leaf_code, null, null, null, null, count(*)::int
    from evidence_links where self_assessment_id = ${selfAssessmentId} and leaf_code in ${leafCodes} group by leaf_code`)
  const entries = new Map<string, EntryRow>()
  const files = new Map<string, number>()
  for (const row of rows) {
    const leafCode = String(row.leaf_code)
    if (row.file_count === true) files.set(leafCode, Number(row.files))
    else {
      entries.set(leafCode, {
        input: (row.input ?? null) as EnteredInput | null,
        points: row.points_milli === null ? null : Number(row.points_milli) as Milli,
        notApplicable: row.not_applicable === true,
        explanation: row.explanation === null ? null : String(row.explanation)
      })
    }
  }
  return { entries, files }
}

/** Per field or overall: the points in exact thousandths, the answered leaves and the leaves marked not applicable. */
export interface Figures { points: Milli, answered: number, notApplicable: string[] }

/**
 * A self-assessment's figures per field: points and answered counts from the sums the entry triggers keep (migration
 * 0008), and the leaves it marks not applicable through the partial index, in one statement.
 */
export async function fieldSums (tx: Executor, selfAssessmentId: string): Promise<Map<string, Figures>> {
  const rows = await preparedRows<Record<string, unknown>>(tx, sql`
    select field_code, points_milli::text as points_milli, answered, null as leaf_code
    from self_assessment_field_sums where self_assessment_id = ${selfAssessmentId}
    union all
    select field_code, null, null, leaf_code from self_assessment_entries where self_assessment_id = ${selfAssessmentId} and not_applicable`)
  const fields = new Map<string, Figures>()
  const of = (fieldCode: string) => {
    let figures = fields.get(fieldCode)
    if (figures === undefined) fields.set(fieldCode, figures = { points: 0, answered: 0, notApplicable: [] })
    return figures
  }
  for (const row of rows) {
    const figures = of(String(row.field_code))
    if (row.leaf_code !== null) {
      figures.notApplicable.push(String(row.leaf_code))
      continue
    }
    const points = Number(row.points_milli)
    if (!Number.isSafeInteger(points)) throw new Error(`not whole thousandths in the field sums: ${String(row.points_milli)}`)
    figures.points = points
    figures.answered = Number(row.answered)
  }
  return fields
}
