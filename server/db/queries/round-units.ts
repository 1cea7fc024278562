// A round's participating units with the catalog that applies to each (`unit_catalog`), and those catalogs' leaves
// (`leaf`) and fields (`field`): the common tables of the queries across a round's units (progress, gap, supplement
// listings). Leaves come from catalog_leaves, recorded at publication; per-unit figures from the sums tables.
import { type SQL, sql } from 'drizzle-orm'
import { leavesOf } from './catalog-leaves.js'

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
