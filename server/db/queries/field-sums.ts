// Per unit and field, the self and appraised points (integer thousandths), the answered leaves and the maxima of the
// leaves marked not applicable: read from the per-field sums the entry tables' triggers keep (migration 0008: 7 rows
// per unit and side instead of one per leaf), one JSON array per unit, so 10,000 units come back as 10,000 rows. The
// one reader of those figures, for results, the gap report and appraisal progress.
import { type SQL, sql } from 'drizzle-orm'
import type { Milli } from '../../domain/decimal.js'
import type { FieldSums } from '../../domain/results.js'
import type { Executor } from '../client.js'
import { concurrently, queryRows } from '../rows.js'

type Side = 'self' | 'appraised'

const TABLES = {
  self: { owners: sql.raw('self_assessments'), sums: sql.raw('self_assessment_field_sums'), entries: sql.raw('self_assessment_entries'), column: sql.raw('self_assessment_id') },
  appraised: { owners: sql.raw('appraisals'), sums: sql.raw('appraisal_field_sums'), entries: sql.raw('appraisal_entries'), column: sql.raw('appraisal_id') }
} as const

/**
 * Which owners (alias `o`: self_assessments or appraisals of the round) each side reads, beyond the round; null
 * leaves a side out (its figures stay 0).
 */
export interface SideFilter { self: SQL | null, appraised: SQL | null }

function sumsSql (roundId: string, side: Side, where: SQL): SQL {
  const { owners, sums, column } = TABLES[side]
  return sql`
    select o.unit_id, json_agg(json_build_array(s.field_code, s.points_milli, s.answered)) as sums
    from ${owners} o join ${sums} s on s.${column} = o.id
    where o.round_id = ${roundId} and ${where}
    group by o.unit_id`
}

/** The leaves each unit marks not applicable on one side, found through the partial not-applicable indexes. */
function notApplicableSql (roundId: string, side: Side, where: SQL): SQL {
  const { owners, entries, column } = TABLES[side]
  return sql`
    select o.unit_id, e.field_code, e.leaf_code
    from ${owners} o join ${entries} e on e.${column} = o.id and e.not_applicable
    where o.round_id = ${roundId} and ${where}`
}

const NO_FIGURES = { selfPoints: 0, selfNotApplicable: 0, selfAnswered: 0, appraisedPoints: 0, appraisedNotApplicable: 0, appraised: 0 }

/**
 * Sums per unit id and field code. `leafMaximum` gives a leaf's maximum for a unit (from its catalog), taken off the
 * applicable maximum when the leaf is marked not applicable. A unit or field without a row has no entries yet.
 */
export async function readFieldSums (db: Executor, roundId: string, filter: SideFilter, leafMaximum: (unitId: string, leafCode: string) => Milli): Promise<Map<string, Map<string, FieldSums>>> {
  const sides = (['self', 'appraised'] as const).flatMap((side) => filter[side] === null ? [] : [{ side, where: filter[side] }])
  // Settings for these statements only (set_config(…, true) ends with the transaction), measured with bench:results:
  // no JIT (compiling took longer than the queries) and enough memory for the hash aggregates not to spill.
  const read = await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`)
    return concurrently(tx, sides.flatMap(({ side, where }) => [
      () => queryRows<{ unit_id: string, sums: [string, number, number][] }>(tx, sumsSql(roundId, side, where)),
      () => queryRows<{ unit_id: string, field_code: string, leaf_code: string }>(tx, notApplicableSql(roundId, side, where))
    ]))
  })
  const byUnit = new Map<string, Map<string, FieldSums>>()
  const figuresOf = (unitId: string, fieldCode: string): FieldSums => {
    let perField = byUnit.get(unitId)
    if (perField === undefined) byUnit.set(unitId, perField = new Map())
    let figures = perField.get(fieldCode)
    if (figures === undefined) perField.set(fieldCode, figures = { ...NO_FIGURES })
    return figures
  }
  sides.forEach(({ side }, i) => {
    const sums = read[2 * i] as { unit_id: string, sums: [string, number, number][] }[]
    const notApplicable = read[2 * i + 1] as { unit_id: string, field_code: string, leaf_code: string }[]
    for (const row of sums) {
      for (const [fieldCode, points, answered] of row.sums) {
        const figures = figuresOf(row.unit_id, fieldCode)
        if (side === 'self') {
          figures.selfPoints = Number(points)
          figures.selfAnswered = Number(answered)
        } else {
          figures.appraisedPoints = Number(points)
          figures.appraised = Number(answered)
        }
      }
    }
    // A not-applicable leaf counts in neither points nor maximum: its maximum, from the catalog, is taken off.
    for (const row of notApplicable) {
      const figures = figuresOf(row.unit_id, row.field_code)
      const maximum = leafMaximum(row.unit_id, row.leaf_code)
      if (side === 'self') figures.selfNotApplicable += maximum
      else figures.appraisedNotApplicable += maximum
    }
  })
  return byUnit
}
