// Results of one round and unit type from summed scores (ranks, classification, averages, what-if, change on a previous
// round), and the pure parts of historical imports (CSV, a field's finest step) and of demo leaf scores.
import { type CatalogNode, type ClassificationBand, type RankingMethod, hasChildren } from './catalog.js'
import { type Milli, MILLI_PER_POINT, formatMilli, milliToNumber, parseDecimal, roundHalfUp } from './decimal.js'
import { compareIndex, compareNames, nextTargets, type IndexedScore } from './ranking.js'
import { searchNormalize } from './text.js'
import { Text } from '../messages/text.js'

// ---------------------------------------------------------------------------------------------------------------
// Exact ratios as text

const MAX_SAFE = Number.MAX_SAFE_INTEGER
/** A ratio whose decimal expansion ends within this many places is shown exactly; others are rounded to INEXACT_PLACES. */
const EXACT_PLACES_LIMIT = 9
export const INEXACT_PLACES = 6

function gcdNumber (a: number, b: number): number {
  a = Math.abs(a)
  b = Math.abs(b)
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

function gcdBig (a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a
  b = b < 0n ? -b : b
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

/**
 * numerator / denominator (denominator > 0) rounded half up (away from zero) to `places`, like decimal.roundHalfUp,
 * but in safe-integer arithmetic whenever the numbers allow: a large round formats hundreds of thousands of values.
 */
export function ratioDisplay (numerator: number | bigint, denominator: number | bigint, places = 2): string {
  if (typeof numerator === 'number' && typeof denominator === 'number' && Number.isSafeInteger(numerator) &&
    Number.isSafeInteger(denominator) && denominator > 0 && places <= 6) {
    const scaled = Math.abs(numerator) * 10 ** places
    if (scaled <= MAX_SAFE / 2 && denominator <= MAX_SAFE / 2) {
      let quotient = Math.floor(scaled / denominator)
      let remainder = scaled - quotient * denominator
      // The float division can be one off near an integer; the remainder says which way.
      while (remainder < 0) { quotient--; remainder += denominator }
      while (remainder >= denominator) { quotient++; remainder -= denominator }
      if (remainder * 2 >= denominator) quotient++
      const digits = String(quotient).padStart(places + 1, '0')
      const text = places === 0 ? digits : `${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`
      return numerator < 0 && quotient !== 0 ? `-${text}` : text
    }
  }
  return roundHalfUp(BigInt(numerator), BigInt(denominator), places)
}

/**
 * The exact decimal of a ratio when it ends within 9 places ("98.5", "89", "-0.125"), otherwise rounded half up to 6 places.
 * Ranks and classifications never use this text: they compare the exact ratios.
 */
export function ratioText (numerator: number | bigint, denominator: number | bigint): string {
  let places: number | null
  if (typeof numerator === 'number' && typeof denominator === 'number' && Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator)) {
    places = terminatingPlaces(denominator / gcdNumber(numerator, denominator))
  } else {
    const n = BigInt(numerator)
    const d = BigInt(denominator)
    const reduced = d / gcdBig(n, d)
    places = reduced <= BigInt(MAX_SAFE) ? terminatingPlaces(Number(reduced)) : null
  }
  if (places === null) return ratioDisplay(numerator, denominator, INEXACT_PLACES)
  const text = ratioDisplay(numerator, denominator, places)
  return places === 0 ? text : text.replace(/\.?0+$/, '')
}

// Decimal places of 1/d when d = 2^a·5^b within the limit, else null.
function terminatingPlaces (denominator: number): number | null {
  let d = Math.abs(denominator)
  let twos = 0
  let fives = 0
  while (d % 2 === 0) { d /= 2; twos++ }
  while (d % 5 === 0) { d /= 5; fives++ }
  const places = Math.max(twos, fives)
  return d === 1 && places <= EXACT_PLACES_LIMIT ? places : null
}

/** Points (thousandths) rounded half up to 2 places, as the report prints them: 9.125 → "9.13". */
export function pointsDisplay (points: Milli): string {
  return ratioDisplay(points, MILLI_PER_POINT, 2)
}

// ---------------------------------------------------------------------------------------------------------------
// Ranking

export interface RankItem extends IndexedScore {
  name: string
  /** The unit's Vietnamese collation key (units.sortKey); without it names are compared with the collator. */
  sortKey?: string | undefined
}

/** Positions of the items in Vietnamese name order (by sortKey when every item has one, else by the collator). */
export function nameOrder (items: readonly Pick<RankItem, 'name' | 'sortKey'>[]): Int32Array {
  const keyed = items.every((item) => item.sortKey !== undefined)
  const positions = Array.from({ length: items.length }, (_, i) => i)
  positions.sort((a, b) => {
    const x = items[a] as RankItem
    const y = items[b] as RankItem
    const byName = keyed ? ((x.sortKey as string) < (y.sortKey as string) ? -1 : (x.sortKey as string) > (y.sortKey as string) ? 1 : 0) : compareNames(x.name, y.name)
    return byName || a - b
  })
  const order = new Int32Array(items.length)
  positions.forEach((position, place) => { order[position] = place })
  return order
}

/**
 * The ranking of the index (DOMAIN.md): highest index first; equal indices share a rank, dense (5, 5, 6) or competition
 * (5, 5, 7); within a tie, Vietnamese name order. This is the one the service uses. The rule written plainly, rankUnits
 * in test/helpers/ranking-oracle.ts, compares every pair with BigInt
 * cross-multiplication and the collator, which for 10,000 units and 8 rankings takes most of a second. Here each
 * index is first compared as a double (p / m is correctly rounded, and rounding is monotone, so two different doubles
 * order their exact ratios the same way); only equal doubles of different maxima fall back to compareIndex, and ties
 * follow the name order, computed once (nameOrder) and shared by every ranking of the same units.
 * The tests check that the result equals rankUnits. Returns the item positions in rank order and the rank of each
 * item by its position in the input.
 */
export function rankPositions (items: readonly RankItem[], method: RankingMethod = 'dense', names: Int32Array = nameOrder(items)): { order: number[], ranks: number[] } {
  const count = items.length
  const values = new Float64Array(count)
  items.forEach((item, i) => {
    if (!Number.isSafeInteger(item.points) || !Number.isSafeInteger(item.maximum) || item.maximum < 0) {
      throw new RangeError(`An index needs integer thousandths and a non-negative maximum, got ${item.points}/${item.maximum}`)
    }
    values[i] = item.maximum === 0 ? 0 : item.points / item.maximum
  })
  // Negative when a's index is above b's (higher first).
  const byIndex = (a: number, b: number): number => {
    const va = values[a] as number
    const vb = values[b] as number
    if (va !== vb) return va > vb ? -1 : 1
    const x = items[a] as RankItem
    const y = items[b] as RankItem
    if (x.maximum === y.maximum) return x.points === y.points || x.maximum === 0 ? 0 : x.points > y.points ? -1 : 1
    return compareIndex(y, x)
  }
  const order = Array.from({ length: count }, (_, i) => i)
  order.sort((a, b) => byIndex(a, b) || (names[a] as number) - (names[b] as number))
  const ranks = new Array<number>(count).fill(0)
  let rank = 0
  order.forEach((position, place) => {
    const previous = order[place - 1]
    if (previous === undefined || byIndex(previous, position) !== 0) rank = method === 'dense' ? rank + 1 : place + 1
    ranks[position] = rank
  })
  return { order, ranks }
}

// ---------------------------------------------------------------------------------------------------------------
// Results of a round

export interface ResultField {
  code: string
  title: string
  /** The field's maximum in the catalog, in thousandths. */
  maxPoints: Milli
  /** Number of scored leaves in the field. */
  leaves: number
}

/** What the database summed for one unit and one field, in thousandths. */
export interface FieldSums {
  selfPoints: Milli
  /** Sum of the maxima of the leaves the self-assessment marks not applicable. */
  selfNotApplicable: Milli
  appraisedPoints: Milli
  /** Sum of the maxima of the leaves the appraisal marks not applicable. */
  appraisedNotApplicable: Milli
  selfAnswered: number
  appraised: number
}

export interface ResultUnitInput {
  id: string
  code: string
  name: string
  sortKey?: string | undefined
  /** Sums per field code; a field without a row has no entries yet (0 points, full maximum). */
  fields: ReadonlyMap<string, FieldSums>
}

export interface ResultInput {
  fields: readonly ResultField[]
  units: readonly ResultUnitInput[]
  bands: readonly ClassificationBand[]
  ranking: RankingMethod
}

export interface Score {
  /** Exact points (thousandths as a JSON number). */
  points: number
  display: string
  /** Applicable maximum: not-applicable leaves count in neither points nor maximum. */
  maximum: number
  /** points / maximum × 100: exact when the decimal ends within 9 places, else 6 places. */
  index: string
  indexDisplay: string
}

export interface FieldScore {
  points: number
  display: string
  maximum: number
  /** points / applicable maximum × 100. */
  percent: string
  percentDisplay: string
}

export interface FieldResult {
  code: string
  self: FieldScore
  appraised: FieldScore
  /** Rank among the round's units by the appraised percentage of the field (same method as the overall rank). */
  rank: number
}

export interface BandRef { code: string, label: string }

export interface Targets {
  nextBand: BandRef | null
  /** Points to add to reach the next band's minimum; null in the top band. */
  pointsToNextBand: number | null
  /** Points to add to tie with the nearest unit ranked above (0 when first; null when nothing can be added). */
  pointsToNextRank: number | null
}

export interface FieldChange {
  code: string
  previousCode: string
  previousPoints: number
  /** Appraised points now minus then. */
  pointsChange: number
  display: string
}

export interface UnitChange {
  previousRank: number
  /** previousRank − rank: positive when the unit moved up. */
  rankChange: number
  previousIndex: string
  /** Appraised index now minus then, in index points. */
  indexChange: string
  indexChangeDisplay: string
  previousClassification: BandRef | null
  fields: FieldChange[]
}

export interface UnitResult {
  rank: number
  unit: { id: string, code: string, name: string }
  self: Score
  appraised: Score
  /** Self total − appraised total. */
  gap: { points: number, display: string }
  classification: BandRef
  fields: FieldResult[]
  progress: { leaves: number, selfAnswered: number, appraised: number }
  targets: Targets
  change: UnitChange | null
}

export interface AverageValue {
  /** The exact mean (exact when the decimal ends within 9 places). */
  points: string
  display: string
}

export interface AverageField extends AverageValue {
  code: string
  /** The mean as a percentage of the field's catalog maximum. */
  percentOfMaximum: string
  percentDisplay: string
}

export interface AverageRow {
  fields: AverageField[]
  total: AverageValue
}

export interface AverageChange {
  code: string
  change: string
  display: string
}

export interface Comparison {
  round: { id: string, code: string, year: number }
  /** Where the previous results came from: its latest published version, imported historical results, or a live computation. */
  source: 'published' | 'historical' | 'provisional'
  version: number | null
  /** Current field code → previous field code (clone lineage); fields without a match are absent. */
  fields: { code: string, previousCode: string }[]
  average: {
    self: { fields: AverageChange[], total: AverageChange }
    appraised: { fields: AverageChange[], total: AverageChange }
  } | null
}

export interface ComputedResults {
  fields: { code: string, title: string, maxPoints: number, leaves: number }[]
  /** In rank order; ties in Vietnamese order of name. */
  units: UnitResult[]
  /** The report's "Trung bình" row; null without units. */
  average: { units: number, self: AverageRow, appraised: AverageRow } | null
  classificationCounts: { code: string, label: string, min: number, count: number }[]
  comparison: Comparison | null
}

/** A previous round's results in exact thousandths, for year-over-year change. */
export interface PreviousResults {
  round: { id: string, code: string, year: number }
  source: Comparison['source']
  version: number | null
  /** Current field code → previous field code. */
  fieldMap: ReadonlyMap<string, string>
  units: ReadonlyMap<string, PreviousUnit>
}

export interface PreviousUnit {
  rank: number
  classification: BandRef | null
  self: { points: Milli, maximum: Milli }
  appraised: { points: Milli, maximum: Milli }
  fields: ReadonlyMap<string, { self: Milli, appraised: Milli }>
}

const NO_SUMS: FieldSums = { selfPoints: 0, selfNotApplicable: 0, appraisedPoints: 0, appraisedNotApplicable: 0, selfAnswered: 0, appraised: 0 }

function safeSum (a: number, b: number): number {
  const sum = a + b
  if (!Number.isSafeInteger(sum)) throw new RangeError('A sum of thousandths is too large to be exact')
  return sum
}

function score (points: Milli, maximum: Milli): Score {
  return {
    points: milliToNumber(points),
    display: pointsDisplay(points),
    maximum: milliToNumber(maximum),
    index: maximum === 0 ? '0' : ratioText(points * 100, maximum),
    indexDisplay: maximum === 0 ? '0.00' : ratioDisplay(points * 100, maximum)
  }
}

function fieldScore (points: Milli, maximum: Milli): FieldScore {
  return {
    points: milliToNumber(points),
    display: pointsDisplay(points),
    maximum: milliToNumber(maximum),
    percent: maximum === 0 ? '0' : ratioText(points * 100, maximum),
    percentDisplay: maximum === 0 ? '0.00' : ratioDisplay(points * 100, maximum)
  }
}

/**
 * Scores repeat: points are multiples of a step and maxima take few values, so across thousands of units most
 * (points, maximum) pairs recur. Each distinct pair is formatted once and its (never modified) object shared.
 */
function memoize<T> (make: (points: Milli, maximum: Milli) => T): (points: Milli, maximum: Milli) => T {
  const made = new Map<number, Map<number, T>>()
  return (points, maximum) => {
    let byMaximum = made.get(points)
    if (byMaximum === undefined) made.set(points, byMaximum = new Map())
    let value = byMaximum.get(maximum)
    if (value === undefined) byMaximum.set(maximum, value = make(points, maximum))
    return value
  }
}

const bandRef = (band: ClassificationBand): BandRef => ({ code: band.code, label: band.label })

// a/b − c/d as an exact ratio (a, c in thousandths): (a·d − c·b) / (b·d).
function differenceText (a: Milli, b: number, c: Milli, d: number, scale: number): { text: string, display: string } {
  const numerator = BigInt(a) * BigInt(d) * BigInt(scale) - BigInt(c) * BigInt(b) * BigInt(scale)
  const denominator = BigInt(b) * BigInt(d)
  const small = numerator >= BigInt(-MAX_SAFE) && numerator <= BigInt(MAX_SAFE) && denominator <= BigInt(MAX_SAFE)
  const n = small ? Number(numerator) : numerator
  const m = small ? Number(denominator) : denominator
  return { text: ratioText(n, m), display: ratioDisplay(n, m) }
}

/**
 * Everything the results of a round show for one unit type, from the sums per unit and field: per unit and field the
 * self and appraised points, applicable maxima and percentages; per unit the totals, index, gap, classification (by
 * the appraised index, lower bounds inclusive), rank (by the appraised index, the catalog's method, ties in Vietnamese
 * name order), rank per field and the what-if targets; per round the average row and the count per classification;
 * and, given a previous round, the change per unit, per field and of the average row.
 */
export function computeResults (input: ResultInput, previous: PreviousResults | null = null): ComputedResults {
  const { fields, units, bands, ranking } = input
  const leafTotal = fields.reduce((total, field) => total + field.leaves, 0)

  // Totals per unit, in thousandths.
  const rows = units.map((unit) => {
    const perField = fields.map((field) => {
      const sums = unit.fields.get(field.code) ?? NO_SUMS
      return {
        sums,
        selfMaximum: field.maxPoints - sums.selfNotApplicable,
        appraisedMaximum: field.maxPoints - sums.appraisedNotApplicable
      }
    })
    let selfPoints = 0
    let selfMaximum = 0
    let appraisedPoints = 0
    let appraisedMaximum = 0
    let selfAnswered = 0
    let appraised = 0
    for (const item of perField) {
      selfPoints = safeSum(selfPoints, item.sums.selfPoints)
      selfMaximum = safeSum(selfMaximum, item.selfMaximum)
      appraisedPoints = safeSum(appraisedPoints, item.sums.appraisedPoints)
      appraisedMaximum = safeSum(appraisedMaximum, item.appraisedMaximum)
      selfAnswered += item.sums.selfAnswered
      appraised += item.sums.appraised
    }
    return { unit, perField, selfPoints, selfMaximum, appraisedPoints, appraisedMaximum, selfAnswered, appraised }
  })

  const names = nameOrder(units)
  const overall = rankPositions(rows.map((row) => ({ points: row.appraisedPoints, maximum: row.appraisedMaximum, name: row.unit.name })), ranking, names)
  const fieldRanks = fields.map((_, f) => rankPositions(rows.map((row) => {
    const item = row.perField[f] as typeof row.perField[number]
    return { points: item.sums.appraisedPoints, maximum: item.appraisedMaximum, name: row.unit.name }
  }), ranking, names).ranks)

  const scoreOf = memoize(score)
  const fieldScoreOf = memoize(fieldScore)
  // Units tied with each other and below the same unit need the same targets.
  const targetsMemo = new Map<string, ReturnType<typeof nextTargets>>()
  const sortedBands = [...bands].sort((a, b) => b.min - a.min)
  const counts = new Map<string, number>(sortedBands.map((band) => [band.code, 0]))
  const results: UnitResult[] = []
  let groupStart = 0
  overall.order.forEach((position, place) => {
    const row = rows[position] as typeof rows[number]
    const rank = overall.ranks[position] as number
    if (place > 0 && rank !== overall.ranks[overall.order[place - 1] as number]) groupStart = place
    // The nearest unit strictly above is the last of the rank group just above; nextTargets needs no other.
    const above = groupStart > 0 ? rows[overall.order[groupStart - 1] as number] : undefined
    const appraisedScore = { points: row.appraisedPoints, maximum: row.appraisedMaximum }
    const targetsKey = `${row.appraisedPoints}/${row.appraisedMaximum}/${above?.appraisedPoints}/${above?.appraisedMaximum}`
    let targets = targetsMemo.get(targetsKey)
    if (targets === undefined) {
      targets = nextTargets(appraisedScore, above ? [{ points: above.appraisedPoints, maximum: above.appraisedMaximum }] : [], bands)
      targetsMemo.set(targetsKey, targets)
    }
    counts.set(targets.band.code, (counts.get(targets.band.code) ?? 0) + 1)
    const gap = row.selfPoints - row.appraisedPoints
    results.push({
      rank,
      unit: { id: row.unit.id, code: row.unit.code, name: row.unit.name },
      self: scoreOf(row.selfPoints, row.selfMaximum),
      appraised: scoreOf(row.appraisedPoints, row.appraisedMaximum),
      gap: { points: milliToNumber(gap), display: pointsDisplay(gap) },
      classification: bandRef(targets.band),
      fields: fields.map((field, f) => {
        const item = row.perField[f] as typeof row.perField[number]
        return {
          code: field.code,
          self: fieldScoreOf(item.sums.selfPoints, item.selfMaximum),
          appraised: fieldScoreOf(item.sums.appraisedPoints, item.appraisedMaximum),
          rank: (fieldRanks[f] as number[])[position] as number
        }
      }),
      progress: { leaves: leafTotal, selfAnswered: row.selfAnswered, appraised: row.appraised },
      targets: {
        nextBand: targets.nextBand === null ? null : bandRef(targets.nextBand),
        pointsToNextBand: targets.pointsToNextBand === null ? null : milliToNumber(targets.pointsToNextBand),
        pointsToNextRank: targets.pointsToNextRank === null ? null : milliToNumber(targets.pointsToNextRank)
      },
      change: null
    })
  })

  const count = rows.length
  const sumOf = (pick: (row: typeof rows[number]) => Milli) => rows.reduce((total, row) => safeSum(total, pick(row)), 0)
  const averageRow = (side: 'self' | 'appraised'): AverageRow => ({
    fields: fields.map((field, f) => {
      const total = sumOf((row) => (row.perField[f] as typeof row.perField[number]).sums[side === 'self' ? 'selfPoints' : 'appraisedPoints'])
      return {
        code: field.code,
        points: ratioText(total, count * MILLI_PER_POINT),
        display: ratioDisplay(total, count * MILLI_PER_POINT),
        percentOfMaximum: field.maxPoints === 0 ? '0' : ratioText(total * 100, count * field.maxPoints),
        percentDisplay: field.maxPoints === 0 ? '0.00' : ratioDisplay(total * 100, count * field.maxPoints)
      }
    }),
    total: (() => {
      const total = sumOf((row) => side === 'self' ? row.selfPoints : row.appraisedPoints)
      return { points: ratioText(total, count * MILLI_PER_POINT), display: ratioDisplay(total, count * MILLI_PER_POINT) }
    })()
  })

  const computed: ComputedResults = {
    fields: fields.map((field) => ({ code: field.code, title: field.title, maxPoints: milliToNumber(field.maxPoints), leaves: field.leaves })),
    units: results,
    average: count === 0 ? null : { units: count, self: averageRow('self'), appraised: averageRow('appraised') },
    classificationCounts: sortedBands.map((band) => ({ code: band.code, label: band.label, min: band.min, count: counts.get(band.code) ?? 0 })),
    comparison: null
  }
  if (previous !== null) applyComparison(computed, rows.map((row) => ({ id: row.unit.id, perField: row.perField.map((item) => item.sums), selfPoints: row.selfPoints, appraisedPoints: row.appraisedPoints, appraisedMaximum: row.appraisedMaximum })), fields, previous)
  return computed
}

interface CurrentSums { id: string, perField: FieldSums[], selfPoints: Milli, appraisedPoints: Milli, appraisedMaximum: Milli }

function applyComparison (computed: ComputedResults, current: CurrentSums[], fields: readonly ResultField[], previous: PreviousResults): void {
  const matched = fields.flatMap((field) => {
    const previousCode = previous.fieldMap.get(field.code)
    return previousCode === undefined ? [] : [{ code: field.code, previousCode }]
  })
  const byUnit = new Map(current.map((row) => [row.id, row]))
  for (const unit of computed.units) {
    const before = previous.units.get(unit.unit.id)
    const now = byUnit.get(unit.unit.id)
    if (before === undefined || now === undefined) continue
    const indexChange = before.appraised.maximum === 0 || now.appraisedMaximum === 0
      ? { text: '0', display: '0.00' }
      : differenceText(now.appraisedPoints, now.appraisedMaximum, before.appraised.points, before.appraised.maximum, 100)
    unit.change = {
      previousRank: before.rank,
      rankChange: before.rank - unit.rank,
      previousIndex: before.appraised.maximum === 0 ? '0' : ratioText(before.appraised.points * 100, before.appraised.maximum),
      indexChange: indexChange.text,
      indexChangeDisplay: indexChange.display,
      previousClassification: before.classification,
      fields: matched.flatMap(({ code, previousCode }) => {
        const then = before.fields.get(previousCode)
        const index = fields.findIndex((field) => field.code === code)
        const sums = now.perField[index]
        if (then === undefined || sums === undefined) return []
        const change = sums.appraisedPoints - then.appraised
        return [{ code, previousCode, previousPoints: milliToNumber(then.appraised), pointsChange: milliToNumber(change), display: pointsDisplay(change) }]
      })
    }
  }
  // The average row's change: both means are exact, so their difference is too.
  const previousUnits = [...previous.units.values()]
  let average: Comparison['average'] = null
  if (current.length > 0 && previousUnits.length > 0) {
    const n = current.length
    const m = previousUnits.length
    const change = (code: string, nowTotal: Milli, thenTotal: Milli): AverageChange => {
      const difference = differenceText(nowTotal, n * MILLI_PER_POINT, thenTotal, m * MILLI_PER_POINT, 1)
      return { code, change: difference.text, display: difference.display }
    }
    const side = (which: 'self' | 'appraised') => ({
      fields: matched.map(({ code, previousCode }) => {
        const index = fields.findIndex((field) => field.code === code)
        const nowTotal = current.reduce((total, row) => safeSum(total, (row.perField[index] as FieldSums)[which === 'self' ? 'selfPoints' : 'appraisedPoints']), 0)
        const thenTotal = previousUnits.reduce((total, unit) => safeSum(total, unit.fields.get(previousCode)?.[which] ?? 0), 0)
        return change(code, nowTotal, thenTotal)
      }),
      total: change('total',
        current.reduce((total, row) => safeSum(total, which === 'self' ? row.selfPoints : row.appraisedPoints), 0),
        previousUnits.reduce((total, unit) => safeSum(total, unit[which].points), 0))
    })
    average = { self: side('self'), appraised: side('appraised') }
  }
  computed.comparison = { round: previous.round, source: previous.source, version: previous.version, fields: matched, average }
}

/** Reads exact thousandths back from computed (or published) results, to compare a later round with them. */
export function previousFrom (results: Pick<ComputedResults, 'units'>, meta: Omit<PreviousResults, 'units'>): PreviousResults {
  const milli = (value: number): Milli => {
    const parsed = parseDecimal(value)
    if (!parsed.ok) throw new RangeError(`Stored points ${value} are not exact thousandths`)
    return parsed.milli
  }
  const units = new Map<string, PreviousUnit>()
  for (const unit of results.units) {
    units.set(unit.unit.id, {
      rank: unit.rank,
      classification: unit.classification ?? null,
      self: { points: milli(unit.self.points), maximum: milli(unit.self.maximum) },
      appraised: { points: milli(unit.appraised.points), maximum: milli(unit.appraised.maximum) },
      fields: new Map(unit.fields.map((field) => [field.code, { self: milli(field.self.points), appraised: milli(field.appraised.points) }]))
    })
  }
  return { ...meta, units }
}

// ---------------------------------------------------------------------------------------------------------------
// Historical results (rounds run before the service existed), loaded from a CSV of field points

export interface CsvRow {
  /** 1-based line of the row's first character in the file. */
  line: number
  cells: string[]
}

/** RFC 4180 CSV: comma-separated, double quotes around cells that hold commas, quotes ("") or line breaks; a BOM is skipped. */
export function parseCsv (text: string): { rows: CsvRow[], problem: { line: number, message: string } | null } {
  const rows: CsvRow[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endRow = () => {
    cells.push(cell)
    // A blank line is no row.
    if (!(cells.length === 1 && cells[0]?.trim() === '')) rows.push({ line: rowLine, cells })
    cells = []
    cell = ''
  }
  for (; i < text.length; i++) {
    const char = text[i] as string
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++ } else quoted = false
      } else {
        if (char === '\n') line++
        cell += char
      }
    } else if (char === '"' && cell.trim() === '') {
      cell = ''
      quoted = true
    } else if (char === ',') {
      cells.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else {
      cell += char
    }
  }
  if (quoted) return { rows, problem: { line: rowLine, message: `A quoted cell that starts on line ${rowLine} is never closed.` } }
  if (cell !== '' || cells.length > 0) endRow()
  return { rows, problem: null }
}

/**
 * The finest step of a field: its points are a sum of its leaves' values, so they are a multiple of the greatest
 * common divisor of every range step, option's points and band's points of its leaves (0.25 for every field of the
 * 2020 catalogs). A field none of whose leaves can score above 0 has step 0.
 */
export function fieldStep (leaves: readonly CatalogNode[]): Milli {
  let step = 0
  const add = (value: number | string | undefined) => {
    if (value === undefined) return
    const parsed = parseDecimal(value)
    if (parsed.ok && parsed.milli > 0) step = gcdNumber(step, parsed.milli)
  }
  for (const leaf of leaves) {
    const scoring = leaf.scoring
    if (scoring === undefined) continue
    if (scoring.method === 'range') add(scoring.step)
    else if (scoring.method === 'options') for (const option of scoring.options) add(option.points)
    else for (const band of scoring.bands) add(band.points)
  }
  return step
}

export interface HistoricalUnit {
  id: string
  code: string
  name: string
  shortName: string | null
  unitType: string
  aliases: readonly string[]
}

export interface HistoricalField {
  code: string
  maxPoints: Milli
  /** The field's finest step (fieldStep); 0 allows only 0. */
  step: Milli
}

export type HistoricalProblemCode =
  | 'csv_malformed' | 'missing_column' | 'duplicate_column' | 'no_rows' | 'wrong_cell_count'
  | 'unknown_unit' | 'ambiguous_unit' | 'wrong_unit_type' | 'duplicate_unit'
  | 'missing_value' | 'not_a_number' | 'negative' | 'above_maximum' | 'off_step' | 'total_mismatch' | 'invalid_rank'

export interface HistoricalProblem {
  /** 1-based line in the file; null for problems of the whole file. */
  line: number | null
  /** The CSV column the problem is in, when it is one cell. */
  column: string | null
  unitCode: string | null
  code: HistoricalProblemCode
  message: Text
}

/** Each problem of a historical results file in Vietnamese, by its code (the English names the values). */
const historicalVi: Record<HistoricalProblemCode, (unitCode: string) => string> = {
  csv_malformed: () => 'tệp CSV không đúng định dạng',
  missing_column: () => 'thiếu cột này',
  duplicate_column: () => 'cột bị lặp',
  no_rows: () => 'tệp không có dòng dữ liệu nào',
  wrong_cell_count: () => 'số ô của dòng không khớp với dòng tiêu đề',
  unknown_unit: (unit) => `không tìm thấy đơn vị ${unit}`.trim(),
  ambiguous_unit: () => 'tên đơn vị khớp với nhiều đơn vị; hãy ghi mã đơn vị (unit_code)',
  wrong_unit_type: (unit) => `đơn vị ${unit} không thuộc loại đơn vị này`,
  duplicate_unit: (unit) => `đơn vị ${unit} xuất hiện nhiều lần`,
  missing_value: () => 'thiếu giá trị',
  not_a_number: () => 'không phải là số (tối đa 3 chữ số thập phân)',
  negative: () => 'không được âm',
  above_maximum: () => 'vượt điểm tối đa của lĩnh vực',
  off_step: () => 'không đúng bước điểm của lĩnh vực',
  total_mismatch: () => 'tổng điểm không khớp với tổng các lĩnh vực',
  invalid_rank: () => 'thứ hạng không hợp lệ'
}

export interface HistoricalRecord {
  line: number
  unitId: string
  unitCode: string
  nameInReport: string
  fields: { code: string, self: Milli, appraised: Milli }[]
  reported: { totalSelf: Milli | null, totalAppraised: Milli | null, rank: number | null, classification: string | null }
}

/** The columns of a historical CSV: unit_code, name_in_report, then f<field code>_self and f<field code>_appraised per field. */
export function historicalColumns (fields: readonly Pick<HistoricalField, 'code'>[]): string[] {
  return ['unit_code', 'name_in_report', ...fields.flatMap((field) => [`f${field.code}_self`, `f${field.code}_appraised`])]
}

export const HISTORICAL_OPTIONAL_COLUMNS = ['total_self_reported', 'total_appraised_reported', 'rank_reported', 'class_reported'] as const

/**
 * Checks a historical CSV against the round's catalog and the units, listing every problem at once:
 * unknown units (matched by code, else by the report's name against each unit's name, short name and aliases,
 * ignoring case and diacritics), units of another type or listed twice, missing or non-numeric values, values
 * above the field's maximum or off the field's finest step, and reported totals that are not the sum of the fields.
 * Extra columns are ignored; the four reported columns are optional and kept as the source of each row.
 */
export function validateHistoricalCsv (text: string, context: { unitType: string, fields: readonly HistoricalField[], units: readonly HistoricalUnit[] }): { records: HistoricalRecord[], problems: HistoricalProblem[] } {
  const problems: HistoricalProblem[] = []
  const report = (line: number | null, column: string | null, unitCode: string | null, code: HistoricalProblemCode, message: string) => {
    const where = [line !== null ? `Dòng ${line}` : 'Tệp', column !== null ? `cột ${column}` : null].filter(Boolean).join(', ')
    problems.push({ line, column, unitCode, code, message: new Text(message, `${where}: ${historicalVi[code](unitCode ?? '')}.`) })
  }
  const parsed = parseCsv(text)
  if (parsed.problem !== null) {
    report(parsed.problem.line, null, null, 'csv_malformed', parsed.problem.message)
    return { records: [], problems }
  }
  const [header, ...body] = parsed.rows
  if (header === undefined) {
    report(null, null, null, 'no_rows', 'The file is empty; it needs a header line and one line per unit.')
    return { records: [], problems }
  }
  const names = header.cells.map((name) => name.trim())
  const position = new Map<string, number>()
  names.forEach((name, i) => {
    if (position.has(name)) report(header.line, name, null, 'duplicate_column', `The column ${name} appears more than once in the header.`)
    else position.set(name, i)
  })
  for (const column of historicalColumns(context.fields)) {
    if (!position.has(column)) report(header.line, column, null, 'missing_column', `The header has no column ${column}; the columns are ${historicalColumns(context.fields).join(', ')}, optionally followed by ${HISTORICAL_OPTIONAL_COLUMNS.join(', ')}.`)
  }
  if (problems.length > 0) return { records: [], problems }
  if (body.length === 0) report(null, null, null, 'no_rows', 'The file has a header but no unit lines.')

  const byCode = new Map(context.units.map((unit) => [unit.code.toLowerCase(), unit]))
  const byName = new Map<string, HistoricalUnit[]>()
  for (const unit of context.units) {
    if (unit.unitType !== context.unitType) continue
    for (const name of new Set([unit.name, unit.shortName, ...unit.aliases].filter((n): n is string => Boolean(n)).map(searchNormalize))) {
      byName.set(name, [...(byName.get(name) ?? []), unit])
    }
  }

  const records: HistoricalRecord[] = []
  const seen = new Map<string, number>()
  for (const row of body) {
    const cell = (column: string): string => (row.cells[position.get(column) as number] ?? '').trim()
    if (row.cells.length !== names.length) {
      report(row.line, null, null, 'wrong_cell_count', `Line ${row.line} has ${row.cells.length} cells; the header has ${names.length}.`)
      continue
    }
    const code = cell('unit_code')
    const nameInReport = cell('name_in_report')
    let unit = code === '' ? undefined : byCode.get(code.toLowerCase())
    const label = code !== '' ? code : nameInReport
    if (unit === undefined) {
      const candidates = nameInReport === '' ? [] : byName.get(searchNormalize(nameInReport)) ?? []
      if (candidates.length > 1) {
        report(row.line, 'name_in_report', code || null, 'ambiguous_unit', `"${nameInReport}" matches ${candidates.map((c) => c.code).join(' and ')}; give the unit_code.`)
      } else if (candidates.length === 0) {
        report(row.line, code !== '' ? 'unit_code' : 'name_in_report', code || null, 'unknown_unit',
          `No ${context.unitType} unit has the code "${code}" or the name or alias "${nameInReport}".`)
      }
      unit = candidates.length === 1 ? candidates[0] : undefined
    }
    if (unit !== undefined && unit.unitType !== context.unitType) {
      report(row.line, 'unit_code', unit.code, 'wrong_unit_type', `Unit ${unit.code} (${unit.name}) is of type ${unit.unitType}, not ${context.unitType}.`)
      unit = undefined
    }
    if (unit !== undefined) {
      const firstLine = seen.get(unit.id)
      if (firstLine !== undefined) {
        report(row.line, 'unit_code', unit.code, 'duplicate_unit', `Unit ${unit.code} is on line ${firstLine} already.`)
        unit = undefined
      } else {
        seen.set(unit.id, row.line)
      }
    }

    const unitCode = unit?.code ?? (label || null)
    let rowValid = unit !== undefined
    const readPoints = (column: string, maximum: Milli | null, step: Milli | null, required: boolean): Milli | null => {
      const text = cell(column)
      if (text === '') {
        if (required) {
          report(row.line, column, unitCode, 'missing_value', `Line ${row.line} has no value in ${column}.`)
          rowValid = false
        }
        return null
      }
      const value = parseDecimal(text)
      if (!value.ok) {
        report(row.line, column, unitCode, 'not_a_number', `${column} on line ${row.line} is "${text}", not a number with at most 3 decimal places.`)
        rowValid = false
        return null
      }
      if (value.milli < 0) {
        report(row.line, column, unitCode, 'negative', `${column} on line ${row.line} is ${text}; points cannot be negative.`)
        rowValid = false
        return null
      }
      if (maximum !== null && value.milli > maximum) {
        report(row.line, column, unitCode, 'above_maximum', `${column} on line ${row.line} is ${formatMilli(value.milli)}, above the field's maximum ${formatMilli(maximum)}.`)
        rowValid = false
        return null
      }
      if (step !== null && (step === 0 ? value.milli !== 0 : value.milli % step !== 0)) {
        report(row.line, column, unitCode, 'off_step', `${column} on line ${row.line} is ${formatMilli(value.milli)}, which no scoring of the field's leaves gives: field points are multiples of ${formatMilli(step)}.`)
        rowValid = false
        return null
      }
      return value.milli
    }

    const values = context.fields.map((field) => ({
      code: field.code,
      self: readPoints(`f${field.code}_self`, field.maxPoints, field.step, true),
      appraised: readPoints(`f${field.code}_appraised`, field.maxPoints, field.step, true)
    }))
    const totals = {
      totalSelf: position.has('total_self_reported') ? readPoints('total_self_reported', null, null, false) : null,
      totalAppraised: position.has('total_appraised_reported') ? readPoints('total_appraised_reported', null, null, false) : null
    }
    for (const [side, column, reported] of [['self', 'total_self_reported', totals.totalSelf], ['appraised', 'total_appraised_reported', totals.totalAppraised]] as const) {
      const parts = values.map((value) => value[side])
      if (reported === null || parts.some((part) => part === null)) continue
      const sum = (parts as Milli[]).reduce((total, part) => total + part, 0)
      if (sum !== reported) {
        report(row.line, column, unitCode, 'total_mismatch', `The reported ${side} total on line ${row.line} is ${formatMilli(reported)}, but the fields add up to ${formatMilli(sum)}.`)
        rowValid = false
      }
    }
    let rank: number | null = null
    const rankText = position.has('rank_reported') ? cell('rank_reported') : ''
    if (rankText !== '') {
      if (/^\d{1,6}$/.test(rankText) && Number(rankText) >= 1) {
        rank = Number(rankText)
      } else {
        report(row.line, 'rank_reported', unitCode, 'invalid_rank', `rank_reported on line ${row.line} is "${rankText}", not a whole number from 1.`)
        rowValid = false
      }
    }
    if (!rowValid || unit === undefined) continue
    records.push({
      line: row.line,
      unitId: unit.id,
      unitCode: unit.code,
      nameInReport,
      fields: values.map((value) => ({ code: value.code, self: value.self as Milli, appraised: value.appraised as Milli })),
      reported: { ...totals, rank, classification: position.has('class_reported') ? cell('class_reported') || null : null }
    })
  }
  return { records, problems }
}

// ---------------------------------------------------------------------------------------------------------------
// Leaf scores that add up to a field's points (demo and test data built from the report's field-level table)

export interface LeafInputValue { value?: number, option?: string, measurement?: number }

export interface LeafChoice {
  leafCode: string
  points: Milli
  /** The input of the leaf's method that scores exactly these points. */
  input: LeafInputValue
}

const readMilli = (value: number | string | undefined): Milli | null => {
  if (value === undefined) return null
  const parsed = parseDecimal(value)
  return parsed.ok ? parsed.milli : null
}

/** Every score a leaf can take (not applicable excluded), lowest first, each with an input that gives it. */
export function leafValues (leaf: CatalogNode): LeafChoice[] {
  const scoring = leaf.scoring
  const maximum = readMilli(leaf.maxPoints)
  if (hasChildren(leaf) || scoring === undefined || maximum === null) return []
  const choices = new Map<Milli, LeafChoice>()
  const add = (points: Milli | null, input: LeafInputValue) => {
    if (points !== null && points >= 0 && points <= maximum && !choices.has(points)) choices.set(points, { leafCode: leaf.code, points, input })
  }
  if (scoring.method === 'range') {
    const step = readMilli(scoring.step)
    if (step !== null && step > 0) for (let points = 0; points <= maximum; points += step) add(points, { value: milliToNumber(points) })
  } else if (scoring.method === 'options') {
    for (const option of scoring.options) if (option.notApplicable !== true) add(readMilli(option.points), { option: option.code })
  } else {
    const inputMin = readMilli(scoring.input.min)
    const inputMax = readMilli(scoring.input.max)
    const bands = scoring.bands.map((band) => ({ min: readMilli(band.min), points: readMilli(band.points) }))
      .filter((band): band is { min: Milli, points: Milli } => band.min !== null && band.points !== null)
      .sort((a, b) => a.min - b.min)
    bands.forEach((band, i) => {
      // The band's own minimum is inside it (lower bounds are inclusive), unless the input range starts above it.
      const measurement = inputMin === null ? band.min : Math.max(band.min, inputMin)
      const next = bands[i + 1]
      if (inputMax !== null && measurement > inputMax) return
      if (next !== undefined && measurement >= next.min) return
      add(band.points, { measurement: milliToNumber(measurement) })
    })
  }
  return [...choices.values()].sort((a, b) => a.points - b.points)
}

/**
 * Scores for a field's leaves that add up exactly to `target` thousandths, each a valid value of its leaf's method,
 * or null when no such scores exist. Greedy over the leaves in order: each takes the valid value nearest its share
 * of what is left (share = left × leaf maximum / maximum of the leaves left), among the values that still let the
 * remaining leaves reach the rest exactly (known from the sums each suffix of leaves can make).
 */
export function distributePoints (leaves: readonly CatalogNode[], target: Milli): LeafChoice[] | null {
  const values = leaves.map(leafValues)
  // reachable[i]: every sum leaves i… can make together.
  const reachable: Set<Milli>[] = new Array(leaves.length + 1)
  reachable[leaves.length] = new Set([0])
  for (let i = leaves.length - 1; i >= 0; i--) {
    const next = reachable[i + 1] as Set<Milli>
    const sums = new Set<Milli>()
    for (const choice of values[i] as LeafChoice[]) for (const sum of next) if (choice.points + sum <= target) sums.add(choice.points + sum)
    reachable[i] = sums
  }
  if (!(reachable[0] as Set<Milli>).has(target)) return null
  const maxima = leaves.map((leaf) => readMilli(leaf.maxPoints) ?? 0)
  const out: LeafChoice[] = []
  let left = target
  leaves.forEach((_, i) => {
    const maximumLeft = maxima.slice(i).reduce((total, max) => total + max, 0)
    const share = maximumLeft === 0 ? 0 : left * (maxima[i] as number) / maximumLeft
    const candidates = [...(values[i] as LeafChoice[])].sort((a, b) => Math.abs(a.points - share) - Math.abs(b.points - share) || b.points - a.points)
    const choice = candidates.find((candidate) => (reachable[i + 1] as Set<Milli>).has(left - candidate.points)) as LeafChoice
    out.push(choice)
    left -= choice.points
  })
  return out
}
