// A round's participating units with the catalog that applies to each (`unit_catalog`), and those catalogs' leaves
// (`leaf`) and fields (`field`): the common tables of the queries across a round's units (progress, gap, supplement
// listings). Leaves come from catalog_leaves, recorded at publication; per-unit figures from the sums tables.
import { type SQL, sql } from 'drizzle-orm'
import type { Milli } from '../../domain/decimal.js'
import type { FieldSums } from '../../domain/results.js'
import type { Executor } from '../client.js'
import { concurrently, queryRows, toIso, wideRows } from '../rows.js'
import { leavesOf } from './catalog-leaves.js'
import { fetchFieldSums, fieldSumsByUnit } from './field-sums.js'
import type { UnitRef } from './participation.js'

/** Every leaf (`leaf`) of every catalog a round uses, with the unit → catalog map (`unit_catalog`), for queries across units. */
export function roundLeavesSql (roundId: string): SQL {
  return sql`round_catalog as (
    select catalog_id from round_catalogs where round_id = ${roundId}
    union select catalog_id from self_assessments where round_id = ${roundId}
  ), leaf as (
    ${leavesOf(sql`select catalog_id from round_catalog`)}
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
    select f.catalog_id, f.code as field_code, f.title as field_title, f.position as field_position,
      sum(l.max_points) as max_points, count(*)::int as leaves
    from catalog_nodes f join leaf l on l.catalog_id = f.catalog_id and l.field_code = f.code
    where f.parent_id is null and f.catalog_id in (select catalog_id from round_catalog)
    group by f.id
  )`

/** A field of a catalog the round uses, in catalog order. */
export interface RoundField { code: string, title: string, maxPoints: Milli, leaves: number }

/** The catalogs a round uses: each one's fields in catalog order. */
export interface RoundCatalogs {
  fields: Map<string, RoundField[]>
}

export async function readRoundCatalogs (db: Executor, roundId: string): Promise<RoundCatalogs> {
  const fieldRows = await queryRows<{ catalog_id: string, field_code: string, field_title: string, max_milli: string, leaves: number }>(db, sql`
    with ${roundLeavesSql(roundId)}, ${roundFieldsSql}
    select catalog_id, field_code, field_title, (max_points * 1000)::bigint::text as max_milli, leaves
    from field order by catalog_id, field_position, field_code`)
  const fields = new Map<string, RoundField[]>()
  for (const row of fieldRows) {
    const list = fields.get(row.catalog_id) ?? []
    list.push({ code: row.field_code, title: row.field_title, maxPoints: Number(row.max_milli) as Milli, leaves: Number(row.leaves) })
    fields.set(row.catalog_id, list)
  }
  return { fields }
}

/** The columns readRoundUnits reads of each unit (unit_catalog's, under their own names). */
const UNIT_COLUMN_NAMES = ['unit_id', 'unit_code', 'unit_name', 'unit_type_code', 'catalog_id', 'self_status', 'submitted_at', 'appraisal_status', 'version', 'finalized_at'] as const
const UNIT_COLUMNS = Object.fromEntries(UNIT_COLUMN_NAMES.map((name) => [name, sql.raw(`uc.${name}`)])) as Record<typeof UNIT_COLUMN_NAMES[number], SQL>

/**
 * A unit's figures of one field as progress and the gap report show them: points on both sides, leaves appraised
 * (their read leaves out the leaves marked not applicable, whose maxima neither shows).
 */
export type RoundFieldSums = Pick<FieldSums, 'selfPoints' | 'appraisedPoints' | 'appraised'>

export interface RoundUnit {
  unit: UnitRef
  catalogId: string
  selfAssessment: { status: 'not_started' | 'draft' | 'submitted', submittedAt: string | null }
  appraisal: { status: 'not_started' | 'in_progress' | 'finalized', version: number, finalizedAt: string | null }
  /** The unit's sums per field code; a field without an entry is absent; self points 0 unless read. */
  sums: ReadonlyMap<string, RoundFieldSums>
}

/**
 * Every participating unit that has a catalog, in the order of unit type, Vietnamese name and code, with its per-field
 * sums (the appraised side only unless `self`), and the catalogs the round uses. `only`: those units alone;
 * `catalogs`: the round's catalogs as already read (they change only with a write of more than scores).
 */
export async function readRoundUnits (db: Executor, roundId: string, options: { unitType?: string | undefined, self?: boolean, only?: readonly string[], catalogs?: RoundCatalogs } = {}): Promise<{ catalogs: RoundCatalogs, units: RoundUnit[] }> {
  const { only } = options
  const ofType = sql`${options.unitType === undefined ? sql`true` : sql`uc.unit_type_code = ${options.unitType}`}${only === undefined ? sql`` : sql` and uc.unit_id = any(${sql.param(only)}::uuid[])`}`
  const owners = sql`${options.unitType === undefined ? sql`true` : sql`o.unit_id in (select id from units where unit_type_code = ${options.unitType})`}${only === undefined ? sql`` : sql` and o.unit_id = any(${sql.param(only)}::uuid[])`}`
  const [catalogs, sumsRows, rows] = await concurrently(db, [
    () => options.catalogs ?? readRoundCatalogs(db, roundId),
    () => fetchFieldSums(db, roundId, { self: options.self === true ? owners : null, appraised: owners }, { units: only?.length, notApplicable: false }),
    () => wideRows(db, UNIT_COLUMNS, (select) => sql`
      with ${roundLeavesSql(roundId)}
      select ${select}
      from unit_catalog uc
      where uc.catalog_id is not null and ${ofType}
      order by uc.unit_type_code, uc.sort_key, uc.unit_code`)
  ])
  // No leaf marked not applicable was read, so no maximum is asked for.
  const sums = fieldSumsByUnit(sumsRows, () => 0 as Milli)
  return {
    catalogs,
    units: rows.map((row) => ({
      unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
      catalogId: String(row.catalog_id),
      selfAssessment: { status: row.self_status as RoundUnit['selfAssessment']['status'], submittedAt: toIso(row.submitted_at) },
      appraisal: { status: row.appraisal_status as RoundUnit['appraisal']['status'], version: Number(row.version), finalizedAt: toIso(row.finalized_at) },
      sums: sums.get(String(row.unit_id)) ?? new Map()
    }))
  }
}
