// What results are computed from: the round and unit type, the catalog's fields and bands, and each unit's summed
// points read from the trigger-kept sums tables (or historical points).
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { leavesOf } from '../../db/queries/catalog-leaves.js'
import { type FieldSumsRows, type SideFilter, fetchFieldSums, fieldSumsByUnit } from '../../db/queries/field-sums.js'
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

export interface CatalogShape {
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

function participantsSql (context: ResultContext): SQL {
  return sql`select ru.unit_id from round_units ru join units u on u.id = ru.unit_id
    where ru.round_id = ${context.round.id} and u.unit_type_code = ${context.unitType.code}`
}

/** Which self-assessments and appraisals a computation's sums come from: the participants' (of `only`, when given), on the round's catalog. */
function sumsFilter (context: ResultContext, only?: readonly string[]): SideFilter {
  // Self-assessments on another catalog than the round's are left out.
  const participants = sql`o.unit_id in (${participantsSql(context)})${only === undefined ? sql`` : sql` and o.unit_id = any(${sql.param(only)}::uuid[])`}`
  return { self: sql`o.catalog_id = ${context.catalog.id} and ${participants}`, appraised: participants }
}

function sumsByUnit (shape: CatalogShape, rows: FieldSumsRows): Map<string, Map<string, FieldSums>> {
  const leafMaximum = new Map(Object.entries(shape.leafMaxima).map(([code, maximum]) => [code, milli(maximum)]))
  return fieldSumsByUnit(rows, (_unitId, leafCode) => leafMaximum.get(leafCode) ?? 0)
}

/** The sums per field of the units `ids` alone (a unit without any has none yet), as loadUnits reads them for every unit. */
export async function loadUnitSums (db: Executor, context: ResultContext, shape: CatalogShape, ids: readonly string[]): Promise<Map<string, Map<string, FieldSums>>> {
  return sumsByUnit(shape, await fetchFieldSums(db, context.round.id, sumsFilter(context, ids), { units: ids.length }))
}

export async function loadUnits (db: Executor, context: ResultContext, shape: CatalogShape): Promise<ResultUnitInput[]> {
  const { fields } = shape
  const live = context.source !== 'historical' && fields.length > 0
  const [units, sumsRows] = await concurrently(db, [
    () => queryRows<Record<string, unknown>>(db, sql`
      with ${unitSetSql(context)}
      select u.id, u.code, u.name, u.sort_key from unit_set s join units u on u.id = s.id order by u.id`),
    () => live ? fetchFieldSums(db, context.round.id, sumsFilter(context)) : null
  ])
  let byUnit = new Map<string, Map<string, FieldSums>>()
  if (context.source === 'historical') {
    // Historical results have no leaves: every leaf counts as answered and appraised, none as not applicable.
    const rows = await queryRows<Record<string, unknown>>(db, sql`
      with ${unitSetSql(context)}
      select h.unit_id, h.field_code, (h.self_points * 1000)::int as self_points, (h.appraised_points * 1000)::int as appraised_points
      from historical_results h where h.round_id = ${context.round.id} and h.unit_id in (select id from unit_set)`)
    const leavesOf = new Map(fields.map((field) => [field.code, field.leaves]))
    for (const row of rows) {
      const unitId = String(row.unit_id)
      const perField = byUnit.get(unitId) ?? new Map<string, FieldSums>()
      byUnit.set(unitId, perField)
      const leaves = leavesOf.get(String(row.field_code)) ?? 0
      perField.set(String(row.field_code), {
        selfPoints: Number(row.self_points),
        selfNotApplicable: 0,
        selfAnswered: leaves,
        appraisedPoints: Number(row.appraised_points),
        appraisedNotApplicable: 0,
        appraised: leaves
      })
    }
  } else if (sumsRows !== null) {
    byUnit = sumsByUnit(shape, sumsRows)
  }
  return units.map((unit) => ({
    id: String(unit.id),
    code: String(unit.code),
    name: String(unit.name),
    sortKey: String(unit.sort_key),
    fields: byUnit.get(String(unit.id)) ?? new Map()
  }))
}
