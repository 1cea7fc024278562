// What results are computed from: the round and unit type, the catalog's fields and bands, and each unit's summed
// points read from the trigger-kept sums tables (or historical points).
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { leavesOf } from '../../db/queries/catalog-leaves.js'
import { concurrently, queryRows } from '../../db/rows.js'
import type { ClassificationBand, RankingMethod } from '../../domain/catalog.js'
import { parseMilli, type Milli } from '../../domain/decimal.js'
import type { RoundStatus } from '../../domain/lifecycle.js'
import type { ComputedResults, FieldSums, ResultField, ResultUnitInput } from '../../domain/results.js'
import { Errors } from '../../errors.js'
import { noSuch } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'

export type ResultSource = 'entries' | 'historical'

export interface ResultVersionInfo {
  id: string
  number: number
  publishedAt: string
  reason: string | null
  inputHash: string
}

/** Computed results with what they are about; a published snapshot is exactly this object, frozen. */
export interface ResultSet extends ComputedResults {
  status: 'provisional' | 'published'
  source: ResultSource
  round: { id: string, code: string, title: string, year: number }
  unitType: { code: string, name: string }
  catalog: { id: string, code: string, title: string, ranking: RankingMethod, classification: ClassificationBand[] }
  version: ResultVersionInfo | null
  publishedBy: { id: string, name: string } | null
  computedAt: string
}

export interface ResultVersionSummary {
  id: string
  roundId: string
  unitType: string
  version: number
  publishedAt: string
  publishedBy: { id: string, name: string } | null
  reason: string | null
  catalogId: string
  inputHash: string
  latest: boolean
}

/** A published version as stored: its snapshot never changes, so it is cached by id for as long as it is used. */
export interface PublishedVersion {
  id: string
  roundId: string
  unitType: string
  version: number
  latest: boolean
  inputHash: string
  publishedAt: string
  snapshot: ResultSet
}

export interface ResultContext {
  round: { id: string, code: string, title: string, year: number, status: RoundStatus }
  unitType: { code: string, name: string }
  catalog: ResultSet['catalog']
  source: ResultSource
}

export const toIso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString()

export function milli (text: unknown): Milli {
  const value = parseMilli(String(text))
  if (value === null) throw new Error(`not exact thousandths from the database: ${String(text)}`)
  return value
}

export async function loadContext (db: Executor, roundId: string, unitType: string, options: { lock?: boolean } = {}): Promise<ResultContext> {
  const [round] = await queryRows<Record<string, unknown>>(db, sql`
    select id, code, title, year, status from rounds where id = ${roundId} ${options.lock ? sql`for update` : sql``}`)
  if (!round) throw Errors.notFound(noSuch.round)
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    select ut.code as unit_type, ut.name as unit_type_name, c.id, c.code, c.title, c.ranking, c.classification,
      exists (select 1 from historical_results h join units u on u.id = h.unit_id
        where h.round_id = ${roundId} and u.unit_type_code = ut.code) as historical
    from unit_types ut
    left join round_catalogs rc on rc.round_id = ${roundId} and rc.unit_type_code = ut.code
    left join catalogs c on c.id = rc.catalog_id
    where ut.code = ${unitType}`)
  if (!row) throw Errors.notFound(noSuch.unitType(unitType))
  if (row.id === null) throw Errors.notFound(t(`Round ${String(round.code)} has no catalog for unit type ${unitType}, so it has no results for it.`, `Kỳ đánh giá ${String(round.code)} không có bộ tiêu chí cho loại đơn vị ${unitType}, nên không có kết quả của loại này.`))
  return {
    round: { id: String(round.id), code: String(round.code), title: String(round.title), year: Number(round.year), status: round.status as RoundStatus },
    unitType: { code: String(row.unit_type), name: String(row.unit_type_name) },
    catalog: {
      id: String(row.id),
      code: String(row.code),
      title: String(row.title),
      ranking: row.ranking as RankingMethod,
      classification: row.classification as ClassificationBand[]
    },
    source: row.historical === true ? 'historical' : 'entries'
  }
}

/** The catalog's leaves with their field, as the `leaf` common table of the queries below. */
export function leafSql (catalogId: string) {
  return sql`leaf as (${leavesOf(sql`${catalogId}::uuid`)})`
}

/** The unit type's participants in the round; for historical results, the units imported. */
export function unitSetSql (context: ResultContext) {
  return context.source === 'historical'
    ? sql`unit_set as (select distinct h.unit_id as id from historical_results h join units u on u.id = h.unit_id
        where h.round_id = ${context.round.id} and u.unit_type_code = ${context.unitType.code})`
    : sql`unit_set as (select ru.unit_id as id from round_units ru join units u on u.id = ru.unit_id
        where ru.round_id = ${context.round.id} and u.unit_type_code = ${context.unitType.code})`
}

interface CatalogShape {
  fields: ResultField[]
  /** Maximum of every leaf, by leaf code, as exact decimal text. */
  leafMaxima: Record<string, string>
}

export async function loadCatalogShape (db: Executor, catalogId: string): Promise<CatalogShape> {
  const [fieldRows, leafRows] = await concurrently(db, [
    () => queryRows<Record<string, unknown>>(db, sql`
      with ${leafSql(catalogId)}
      select f.code, f.title, f.max_points::text as max_points, (select count(*) from leaf l where l.field_code = f.code)::int as leaves
      from catalog_nodes f where f.catalog_id = ${catalogId} and f.parent_id is null
      order by f.position, f.code`),
    () => queryRows<{ code: string, max_points: string }>(db, sql`
      with ${leafSql(catalogId)}
      select code, max_points::text as max_points from leaf`)
  ])
  return {
    fields: fieldRows.map((row) => ({ code: String(row.code), title: String(row.title), maxPoints: milli(row.max_points), leaves: Number(row.leaves) })),
    leafMaxima: Object.fromEntries(leafRows.map((row) => [String(row.code), String(row.max_points)]))
  }
}

/** The tables of one side of the scores; self-assessments on another catalog than the round's are left out. */
function sideOf (context: ResultContext, side: 'self' | 'appraised') {
  return side === 'self'
    ? { owners: sql.raw('self_assessments'), sums: sql.raw('self_assessment_field_sums'), entries: sql.raw('self_assessment_entries'), column: sql.raw('self_assessment_id'), filter: sql`and o.catalog_id = ${context.catalog.id}` }
    : { owners: sql.raw('appraisals'), sums: sql.raw('appraisal_field_sums'), entries: sql.raw('appraisal_entries'), column: sql.raw('appraisal_id'), filter: sql`` }
}

/**
 * Per unit and field, the self or appraised points in thousandths and how many leaves are answered, from the per-field
 * sums the entry tables' triggers keep (migration 0008: 7 rows per unit and side instead of one per leaf), packed into
 * one JSON array per unit, so 10,000 units come back as 10,000 rows.
 */
function fieldSumsSql (context: ResultContext, side: 'self' | 'appraised'): SQL {
  const { owners, sums, column, filter } = sideOf(context, side)
  return sql`
    select o.unit_id, json_agg(json_build_array(s.field_code, s.points_milli, s.answered)) as sums
    from ${owners} o join ${sums} s on s.${column} = o.id
    where o.round_id = ${context.round.id} ${filter} and o.unit_id in (${participantsSql(context)})
    group by o.unit_id`
}

/** The leaves each unit marks not applicable on one side, found through the partial not-applicable indexes. */
function notApplicableSql (context: ResultContext, side: 'self' | 'appraised'): SQL {
  const { owners, entries, column, filter } = sideOf(context, side)
  return sql`
    select o.unit_id, e.field_code, e.leaf_code
    from ${owners} o join ${entries} e on e.${column} = o.id and e.not_applicable
    where o.round_id = ${context.round.id} ${filter} and o.unit_id in (${participantsSql(context)})`
}

function participantsSql (context: ResultContext): SQL {
  return sql`select ru.unit_id from round_units ru join units u on u.id = ru.unit_id
    where ru.round_id = ${context.round.id} and u.unit_type_code = ${context.unitType.code}`
}

export async function loadUnits (db: Executor, context: ResultContext, shape: CatalogShape): Promise<ResultUnitInput[]> {
  const { fields } = shape
  const units = await queryRows<Record<string, unknown>>(db, sql`
    with ${unitSetSql(context)}
    select u.id, u.code, u.name, u.sort_key from unit_set s join units u on u.id = s.id`)
  const byUnit = new Map<string, Map<string, FieldSums>>()
  const sumsOf = (unitId: string, fieldCode: string): FieldSums => {
    let perField = byUnit.get(unitId)
    if (perField === undefined) byUnit.set(unitId, perField = new Map())
    let sums = perField.get(fieldCode)
    if (sums === undefined) {
      perField.set(fieldCode, sums = { selfPoints: 0, selfNotApplicable: 0, selfAnswered: 0, appraisedPoints: 0, appraisedNotApplicable: 0, appraised: 0 })
    }
    return sums
  }
  if (context.source === 'historical') {
    // Historical results have no leaves: every leaf counts as answered and appraised, none as not applicable.
    const rows = await queryRows<Record<string, unknown>>(db, sql`
      with ${unitSetSql(context)}
      select h.unit_id, h.field_code, (h.self_points * 1000)::int as self_points, (h.appraised_points * 1000)::int as appraised_points
      from historical_results h where h.round_id = ${context.round.id} and h.unit_id in (select id from unit_set)`)
    const leavesOf = new Map(fields.map((field) => [field.code, field.leaves]))
    for (const row of rows) {
      const sums = sumsOf(String(row.unit_id), String(row.field_code))
      sums.selfPoints = Number(row.self_points)
      sums.appraisedPoints = Number(row.appraised_points)
      sums.selfAnswered = sums.appraised = leavesOf.get(String(row.field_code)) ?? 0
    }
  } else if (fields.length > 0) {
    // Settings for these statements only (SET LOCAL ends with the transaction), measured with bench:results: no JIT
    // (compiling took longer than the queries) and enough memory for the hash aggregates not to spill.
    const [selfSums, appraisedSums, selfNotApplicable, appraisedNotApplicable] = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`)
      return concurrently(tx, [
        () => queryRows<{ unit_id: string, sums: [string, number, number][] }>(tx, fieldSumsSql(context, 'self')),
        () => queryRows<{ unit_id: string, sums: [string, number, number][] }>(tx, fieldSumsSql(context, 'appraised')),
        () => queryRows<{ unit_id: string, field_code: string, leaf_code: string }>(tx, notApplicableSql(context, 'self')),
        () => queryRows<{ unit_id: string, field_code: string, leaf_code: string }>(tx, notApplicableSql(context, 'appraised'))
      ])
    })
    for (const row of selfSums) {
      for (const [fieldCode, points, answered] of row.sums) {
        const sums = sumsOf(row.unit_id, fieldCode)
        sums.selfPoints = Number(points)
        sums.selfAnswered = Number(answered)
      }
    }
    for (const row of appraisedSums) {
      for (const [fieldCode, points, appraised] of row.sums) {
        const sums = sumsOf(row.unit_id, fieldCode)
        sums.appraisedPoints = Number(points)
        sums.appraised = Number(appraised)
      }
    }
    // A not-applicable leaf counts in neither points nor maximum: its maximum, from the catalog, is taken off later.
    const leafMaximum = new Map(Object.entries(shape.leafMaxima).map(([code, maximum]) => [code, milli(maximum)]))
    for (const row of selfNotApplicable) sumsOf(row.unit_id, row.field_code).selfNotApplicable += leafMaximum.get(row.leaf_code) ?? 0
    for (const row of appraisedNotApplicable) sumsOf(row.unit_id, row.field_code).appraisedNotApplicable += leafMaximum.get(row.leaf_code) ?? 0
  }
  return units.map((unit) => ({
    id: String(unit.id),
    code: String(unit.code),
    name: String(unit.name),
    sortKey: String(unit.sort_key),
    fields: byUnit.get(String(unit.id)) ?? new Map()
  }))
}
