// The live results' computation, kept for the next request. The inputs are read from the database whenever something
// they come from was written (all of them, or after scores alone the units written: compute.ts); the ranking,
// classification and field figures built from them are then
// worked out again only where they changed (domain/results.ts, resultsState): after one appraised score changes, one
// unit's row, the overall ranking and that field's, and the result objects of the units whose rank or next-rank target
// moved; when nothing changed, the kept answer itself. Paging through the results of 10,000 units, or reading them
// again, then costs the reads, not the computation and its serialization.
// Before that, the reads themselves are skipped when no transaction has written to an input table since they were
// made (services/kept-while-unchanged.ts).
import { createHash } from 'node:crypto'
import type { Executor } from '../../db/client.js'
import { resultsState, type ComputedResults, type PreviousResults, type ResultInput, type ResultsState } from '../../domain/results.js'

/** Views kept (round, unit type and comparison); each holds one unit type's results, tens of MB at 10,000 units. */
const MAX_VIEWS = 2

/** A kept state, with the previous figures it compared with (the object, and its digest). */
interface Kept { previous: PreviousResults | null, digest: string, state: ResultsState }

const kept = new WeakMap<Executor, Map<string, Kept>>()

/** Map entries in key order: the order a Map was filled in is not an input. */
const entries = <V>(map: ReadonlyMap<string, V>) => [...map].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)

/**
 * SHA-256 of the previous round's figures a computation compares with ('null' without): the round, source, version and
 * field map, then per unit its rank, classification and totals, and per field its two figures. A kept state is
 * computed on from only with the same previous figures; they are read again for every computation (a new object each
 * time), so they are compared by this digest. Figures go in as one array of numbers written in place.
 */
export function previousDigest (previous: PreviousResults | null): string {
  if (previous === null) return 'null'
  const hash = createHash('sha256')
  const fieldMap = entries(previous.fieldMap)
  const previousCodes = fieldMap.map(([, code]) => code)
  const units = entries(previous.units)
  hash.update(JSON.stringify([previous.round, previous.source, previous.version, fieldMap, units.length]))
  // Per unit: its rank and totals; then per unit and field 1 when it has figures (else zeros), and the two of them.
  const totals = new Float64Array(units.length * 5)
  const perField = new Float64Array(units.length * previousCodes.length * 3)
  let total = 0
  let field = 0
  for (const [id, unit] of units) {
    hash.update(JSON.stringify(id) + JSON.stringify(unit.classification))
    totals[total++] = unit.rank
    totals[total++] = unit.self.points
    totals[total++] = unit.self.maximum
    totals[total++] = unit.appraised.points
    totals[total++] = unit.appraised.maximum
    for (const code of previousCodes) {
      const points = unit.fields.get(code)
      if (points !== undefined) {
        perField[field] = 1
        perField[field + 1] = points.self
        perField[field + 2] = points.appraised
      }
      field += 3
    }
  }
  return hash.update(new Uint8Array(totals.buffer)).update(new Uint8Array(perField.buffer)).digest('hex')
}

/**
 * computeResults of `view` for these inputs, computed on from the one kept for the view when it compared with the same
 * previous figures (resultsState: the kept answer when nothing changed), and kept in its place. The answer is shared:
 * callers read it and never change it.
 */
export function computedFor (db: Executor, view: string, input: ResultInput, previous: PreviousResults | null): ComputedResults {
  let views = kept.get(db)
  if (views === undefined) kept.set(db, views = new Map())
  const found = views.get(view)
  // The same object (the kept inputs brought up to date, compute.ts) needs no digest.
  const digest = found !== undefined && found.previous === previous ? found.digest : previousDigest(previous)
  views.delete(view)
  const state = resultsState(input, previous, found?.digest === digest ? found.state : undefined)
  views.set(view, { previous, digest, state })
  while (views.size > MAX_VIEWS) views.delete(views.keys().next().value as string)
  return state.computed
}
