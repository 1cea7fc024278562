// The live results' computation, kept for the next request with the same inputs. The inputs are read from the
// database on every request (they are what makes the results right); only the ranking, classification and field
// figures built from them are reused when a digest of every one of those inputs is unchanged. computeResults is a
// pure function of them, so a reused answer is the one a new computation would give. Paging through the results of
// 10,000 units, or reading them again, then costs the reads, not the computation and its serialization.
import { createHash } from 'node:crypto'
import type { Executor } from '../../db/client.js'
import { computeResults, type ComputedResults, type PreviousResults, type ResultInput } from '../../domain/results.js'

/** Views kept (round, unit type and comparison); each holds one unit type's results, tens of MB at 10,000 units. */
const MAX_VIEWS = 2

interface Kept { digest: string, computed: ComputedResults }

const kept = new WeakMap<Executor, Map<string, Kept>>()

/** Map entries in key order: the order a Map was filled in is not an input. */
const entries = <V>(map: ReadonlyMap<string, V>) => [...map].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)

/**
 * SHA-256 of every input of computeResults: the fields, bands and ranking method, then each unit in its order (which
 * breaks ties of equal names) with its sums for each of the catalog's fields (the only ones computeResults reads), and
 * the previous round's figures. Texts go in as JSON strings, figures as one array of numbers: at 10,000 units, JSON
 * or text of every figure took 100 ms.
 */
export function inputDigest (input: ResultInput, previous: PreviousResults | null): string {
  const codes = input.fields.map((field) => field.code)
  const texts: string[] = [JSON.stringify([input.fields, input.bands, input.ranking, input.units.length])]
  // Per unit and field: whether it has sums (1 or 0), then its six figures.
  const figures = records(input.units.length * codes.length, 6)
  for (const unit of input.units) {
    texts.push(JSON.stringify(unit.id) + JSON.stringify(unit.code) + JSON.stringify(unit.name) + JSON.stringify(unit.sortKey ?? null))
    for (const code of codes) {
      const sums = unit.fields.get(code)
      figures.put(sums && [sums.selfPoints, sums.selfNotApplicable, sums.selfAnswered, sums.appraisedPoints, sums.appraisedNotApplicable, sums.appraised])
    }
  }
  const hash = createHash('sha256').update(figures.bytes())
  if (previous === null) {
    texts.push('null')
  } else {
    const fieldMap = entries(previous.fieldMap)
    const previousCodes = fieldMap.map(([, code]) => code)
    const units = entries(previous.units)
    texts.push(JSON.stringify([previous.round, previous.source, previous.version, fieldMap, units.length]))
    // Per unit: its rank and totals, then per field whether it has figures and the two of them.
    const totals = records(units.length, 5)
    const perField = records(units.length * previousCodes.length, 2)
    for (const [id, unit] of units) {
      texts.push(JSON.stringify(id) + JSON.stringify(unit.classification))
      totals.put([unit.rank, unit.self.points, unit.self.maximum, unit.appraised.points, unit.appraised.maximum])
      for (const code of previousCodes) {
        const points = unit.fields.get(code)
        perField.put(points && [points.self, points.appraised])
      }
    }
    hash.update(totals.bytes()).update(perField.bytes())
  }
  return hash.update(texts.join('\n')).digest('hex')
}

/** Records of `width` figures, each after a 1 that says it is there (an absent one is all zeros). */
function records (count: number, width: number) {
  const figures = new Float64Array(count * (width + 1))
  let at = 0
  return {
    put: (values: readonly number[] | undefined) => {
      if (values === undefined) {
        at += width + 1
        return
      }
      figures[at++] = 1
      for (const value of values) figures[at++] = value
    },
    bytes: () => new Uint8Array(figures.buffer)
  }
}

/**
 * computeResults of `view` for these inputs: the kept one when the inputs' digest is the one it was computed from,
 * otherwise a new computation, kept in its place. The answer is shared: callers read it and never change it.
 */
export function computedFor (db: Executor, view: string, input: ResultInput, previous: PreviousResults | null): ComputedResults {
  let views = kept.get(db)
  if (views === undefined) kept.set(db, views = new Map())
  const digest = inputDigest(input, previous)
  const found = views.get(view)
  views.delete(view)
  const entry = found !== undefined && found.digest === digest ? found : { digest, computed: computeResults(input, previous) }
  views.set(view, entry)
  while (views.size > MAX_VIEWS) views.delete(views.keys().next().value as string)
  return entry.computed
}
