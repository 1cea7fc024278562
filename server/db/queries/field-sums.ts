// Per unit and field, the self and appraised points (integer thousandths), the answered leaves and the maxima of the
// leaves marked not applicable: read from the per-field sums the entry tables' triggers keep (migration 0008: 7 rows
// per unit and side instead of one per leaf), one line of text per unit, so 10,000 units come back as 10,000 rows. The
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

/**
 * A unit's sums as one text: per field, the length of its code, the code, the points and the answered leaves, all
 * separated by spaces (with its length, a code may hold spaces; a code beyond the Basic Multilingual Plane, which the
 * API's code pattern refuses anyway, would fail to read rather than read wrong). At 10,000 units PostgreSQL wrote and
 * node-postgres read it in 68–107 ms against 88–164 ms for the same as JSON arrays (json_agg of json_build_array).
 */
function sumsSql (roundId: string, side: Side, where: SQL): SQL {
  const { owners, sums, column } = TABLES[side]
  return sql`
    select o.unit_id, string_agg(length(s.field_code) || ' ' || s.field_code || ' ' || s.points_milli || ' ' || s.answered, ' ') as sums
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

const noFigures = (): FieldSums => ({ selfPoints: 0, selfNotApplicable: 0, selfAnswered: 0, appraisedPoints: 0, appraisedNotApplicable: 0, appraised: 0 })

type SumsRow = { unit_id: string, sums: string }
type NotApplicableRow = { unit_id: string, field_code: string, leaf_code: string }

/** The rows of the sums tables for a round, before they are put together with the catalogs' maxima. */
export interface FieldSumsRows { sides: { side: Side, sums: SumsRow[], notApplicable: NotApplicableRow[] }[] }

/** Up to this many units named, their sums are read in one statement, without the memory of withWorkMem. */
const FEW_UNITS = 1000

/**
 * One statement with enough memory for its hash aggregate not to spill at 10,000 units (measured with bench:results);
 * the setting ends with its own transaction, so on a pool the statements run side by side, each on its connection.
 */
function withWorkMem<T> (db: Executor, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('work_mem', '64MB', true)`)
    return queryRows<T>(tx, query)
  })
}

/**
 * Reads the sums tables (and the not-applicable leaves) of the sides the filter keeps; it needs no catalog, so it can
 * start with the other reads. `units`: how many units the filter names, when it names them; up to FEW_UNITS, their
 * rows need no more memory than usual and are read in one statement. `notApplicable: false`: the sums alone (for
 * readers that show no maxima), the leaves not read.
 */
export async function fetchFieldSums (db: Executor, roundId: string, filter: SideFilter, options: { units?: number, notApplicable?: boolean } = {}): Promise<FieldSumsRows> {
  const sides = (['self', 'appraised'] as const).flatMap((side) => filter[side] === null ? [] : [{ side, where: filter[side] }])
  const withLeaves = options.notApplicable !== false
  if (options.units !== undefined && options.units <= FEW_UNITS && sides.length > 0) {
    // A few units: all in one statement (the embedded database runs one at a time, each with a cost of its own).
    const rows = await queryRows<{ side: Side, unit_id: string, sums: string | null, field_code: string | null, leaf_code: string | null }>(db, sql.join(sides.flatMap(({ side, where }) => [
      sql`select ${side}::text as side, unit_id, sums, null::text as field_code, null::text as leaf_code from (${sumsSql(roundId, side, where)}) s`,
      ...(withLeaves ? [sql`select ${side}::text as side, unit_id, null::text as sums, field_code, leaf_code from (${notApplicableSql(roundId, side, where)}) n`] : [])
    ]), sql` union all `))
    return {
      sides: sides.map(({ side }) => ({
        side,
        sums: rows.flatMap((row) => row.side === side && row.sums !== null ? [{ unit_id: row.unit_id, sums: row.sums }] : []),
        notApplicable: rows.flatMap((row) => row.side === side && row.sums === null ? [{ unit_id: row.unit_id, field_code: row.field_code as string, leaf_code: row.leaf_code as string }] : [])
      }))
    }
  }
  const read = await concurrently(db, sides.flatMap(({ side, where }) => [
    () => withWorkMem<SumsRow | NotApplicableRow>(db, sumsSql(roundId, side, where)),
    () => withLeaves ? withWorkMem<SumsRow | NotApplicableRow>(db, notApplicableSql(roundId, side, where)) : Promise.resolve([])
  ]))
  return { sides: sides.map(({ side }, i) => ({ side, sums: read[2 * i] as SumsRow[], notApplicable: read[2 * i + 1] as NotApplicableRow[] })) }
}

/**
 * The units of a round whose sums (either side) a transaction that `snapshot` (text of a pg_snapshot) could not see
 * has written: every write to an entry rewrites its field's sums row with the writer's id (written_xid, migration
 * 0017), and a sums row is never deleted but with its owner. Rows below the snapshot's horizon were all visible to it.
 * With `owners`, also those whose self-assessment or appraisal row such a transaction wrote (its status, version or
 * times; migration 0020).
 */
export async function unitsWrittenSince (db: Executor, roundId: string, snapshot: string, options: { owners?: boolean } = {}): Promise<string[]> {
  const unseen = (column: SQL) => sql`${column} >= pg_snapshot_xmin(w.at) and not pg_visible_in_snapshot(${column}, w.at)`
  const side = (side: Side) => {
    const { owners, sums, column } = TABLES[side]
    const written = sql`select o.unit_id from ${owners} o join ${sums} s on s.${column} = o.id cross join w
      where o.round_id = ${roundId} and ${unseen(sql`s.written_xid`)}`
    return options.owners === true
      ? sql`${written} union select o.unit_id from ${owners} o cross join w where o.round_id = ${roundId} and ${unseen(sql`o.written_xid`)}`
      : written
  }
  const rows = await queryRows<{ unit_id: string }>(db, sql`
    with w as (select ${snapshot}::pg_snapshot as at)
    ${side('self')} union ${side('appraised')}`)
  return rows.map((row) => String(row.unit_id))
}

/**
 * The rows of fetchFieldSums per unit id and field code. `leafMaximum` gives a leaf's maximum for a unit (from its
 * catalog), taken off the applicable maximum when the leaf is marked not applicable. A unit or field without a row has
 * no entries yet.
 */
export function fieldSumsByUnit (rows: FieldSumsRows, leafMaximum: (unitId: string, leafCode: string) => Milli): Map<string, Map<string, FieldSums>> {
  const byUnit = new Map<string, Map<string, FieldSums>>()
  const fieldsOf = (unitId: string): Map<string, FieldSums> => {
    let perField = byUnit.get(unitId)
    if (perField === undefined) byUnit.set(unitId, perField = new Map())
    return perField
  }
  const figuresIn = (perField: Map<string, FieldSums>, fieldCode: string): FieldSums => {
    let figures = perField.get(fieldCode)
    if (figures === undefined) perField.set(fieldCode, figures = noFigures())
    return figures
  }
  for (const { side, sums, notApplicable } of rows.sides) {
    for (const row of sums) {
      const perField = fieldsOf(row.unit_id)
      forEachFieldSum(row.sums, (fieldCode, points, answered) => {
        const figures = figuresIn(perField, fieldCode)
        if (side === 'self') {
          figures.selfPoints = points as Milli
          figures.selfAnswered = answered
        } else {
          figures.appraisedPoints = points as Milli
          figures.appraised = answered
        }
      })
    }
    // A not-applicable leaf counts in neither points nor maximum: its maximum, from the catalog, is taken off.
    for (const row of notApplicable) {
      const figures = figuresIn(fieldsOf(row.unit_id), row.field_code)
      const maximum = leafMaximum(row.unit_id, row.leaf_code)
      if (side === 'self') figures.selfNotApplicable += maximum
      else figures.appraisedNotApplicable += maximum
    }
  }
  return byUnit
}

/** Reads the text of sumsSql: "<length> <code> <points> <answered>" per field, separated by spaces. */
export function forEachFieldSum (text: string, each: (fieldCode: string, points: number, answered: number) => void): void {
  let at = 0
  while (at < text.length) {
    const afterLength = spaceAfter(text, at)
    const length = integerIn(text, at, afterLength)
    const codeEnd = afterLength + 1 + length
    if (codeEnd >= text.length || text.charCodeAt(codeEnd) !== SPACE) throw notAsWritten(text)
    const fieldCode = text.slice(afterLength + 1, codeEnd)
    const afterPoints = spaceAfter(text, codeEnd + 1)
    const afterAnswered = spaceAfter(text, afterPoints + 1)
    each(fieldCode, integerIn(text, codeEnd + 1, afterPoints), integerIn(text, afterPoints + 1, afterAnswered))
    at = afterAnswered + 1
  }
}

const SPACE = 32
const MINUS = 45
const ZERO = 48

/** Where the token starting at `from` ends: at the next space, or the end of the text. */
function spaceAfter (text: string, from: number): number {
  const space = text.indexOf(' ', from)
  return space < 0 ? text.length : space
}

/** The integer written in text[start, end), read digit by digit (no substring for each figure: 140,000 at 10,000 units). */
function integerIn (text: string, start: number, end: number): number {
  let at = start
  const negative = text.charCodeAt(at) === MINUS
  if (negative) at++
  if (at >= end) throw notAsWritten(text)
  let value = 0
  for (; at < end; at++) {
    const digit = text.charCodeAt(at) - ZERO
    if (digit < 0 || digit > 9) throw notAsWritten(text)
    value = value * 10 + digit
  }
  if (!Number.isSafeInteger(value)) throw notAsWritten(text)
  return negative ? -value : value
}

const notAsWritten = (text: string) => new Error(`The field sums are not as written: ${JSON.stringify(text.slice(0, 100))}`)
