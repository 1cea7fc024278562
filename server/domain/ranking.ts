// Index, rank, classification, averages and targets of units, all compared exactly as ratios of thousandths.
import type { ClassificationBand, RankingMethod } from './catalog.js'
import { type Fraction, type Milli, MILLI_PER_POINT, parseMilli, roundHalfUp, sumMilli } from './decimal.js'

/** A unit's points and its applicable maximum (not-applicable leaves count in neither), in thousandths. */
export interface IndexedScore {
  points: Milli
  maximum: Milli
}

/** What the reference ranking (test/helpers/ranking-oracle.ts) orders; the service ranks with results.rankPositions. */
export interface RankableUnit extends IndexedScore {
  name: string
}

export type Ranked<T> = T & { rank: number }

export interface NextTargets {
  band: ClassificationBand
  /** The next better band; null when the unit is already in the top band. */
  nextBand: ClassificationBand | null
  /** Points the unit must add to enter nextBand; null when there is no better band or nothing can be added. */
  pointsToNextBand: Milli | null
  /** Points to tie with the nearest unit ranked above, which gives its rank; 0 when first; null when unreachable. */
  pointsToNextRank: Milli | null
}

// Vietnamese collation puts Đ after D and orders the tone marks as the report does; Node's ICU does this natively.
const collator = new Intl.Collator('vi', { sensitivity: 'variant' })

/** Vietnamese alphabetical order; falls back to code points so that names equal to the collator still order stably. */
export function compareNames (a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
}

// A unit with nothing applicable has index 0 rather than an undefined one, so it still ranks and classifies.
function indexFraction ({ points, maximum }: IndexedScore): Fraction {
  if (!Number.isSafeInteger(points) || !Number.isSafeInteger(maximum) || maximum < 0) {
    throw new RangeError(`An index needs integer thousandths and a non-negative maximum, got ${points}/${maximum}`)
  }
  return maximum === 0 ? { numerator: 0n, denominator: 1n } : { numerator: BigInt(points), denominator: BigInt(maximum) }
}

/** Negative when a's index is below b's, 0 when equal, positive when above: points/maximum compared by cross-multiplication. */
export function compareIndex (a: IndexedScore, b: IndexedScore): number {
  const x = indexFraction(a)
  const y = indexFraction(b)
  const left = x.numerator * y.denominator
  const right = y.numerator * x.denominator
  return left < right ? -1 : left > right ? 1 : 0
}

/** The index (points / maximum × 100) as an exact fraction. */
export function indexOf (score: IndexedScore): Fraction {
  const { numerator, denominator } = indexFraction(score)
  return { numerator: numerator * 100n, denominator }
}

/** The index rounded half up to 2 places, as the report prints it ("92.00"). */
export function indexDisplay (points: Milli, maximum: Milli): string {
  const { numerator, denominator } = indexOf({ points, maximum })
  return roundHalfUp(numerator, denominator, 2)
}

/** Band minimums in thousandths of an index point, highest first; throws on a band no validated catalog has. */
function sortedBands (bands: readonly ClassificationBand[]): { band: ClassificationBand, min: Milli }[] {
  return bands.map((band) => {
    const min = parseMilli(band.min)
    if (min === null) throw new RangeError(`Classification band ${band.code} has an unusable minimum ${String(band.min)}`)
    return { band, min }
  }).sort((a, b) => b.min - a.min)
}

// index ≥ min  ⇔  points/maximum × 100 ≥ minMilli/1000  ⇔  points × 100 × 1000 ≥ minMilli × maximum.
function reaches (score: IndexedScore, minMilli: Milli): boolean {
  const { numerator, denominator } = indexOf(score)
  return numerator * BigInt(MILLI_PER_POINT) >= BigInt(minMilli) * denominator
}

/** The band whose minimum the index reaches, lower bounds inclusive (an index of exactly 90.00 is in the 90 band). */
export function classify (points: Milli, maximum: Milli, bands: readonly ClassificationBand[]): ClassificationBand {
  const found = sortedBands(bands).find(({ min }) => reaches({ points, maximum }, min))
  if (found === undefined) {
    throw new RangeError('No classification band covers this index; a valid catalog has a band starting at 0')
  }
  return found.band
}

/** The exact mean, in points (not thousandths); null for an empty list, where there is no mean to show. */
export function average (values: readonly Milli[]): Fraction | null {
  if (values.length === 0) return null
  return { numerator: BigInt(sumMilli(values)), denominator: BigInt(values.length * MILLI_PER_POINT) }
}

/** The mean rounded half up, e.g. 19.325 → "19.33"; null for an empty list. */
export function averageDisplay (values: readonly Milli[], places = 2): string | null {
  const mean = average(values)
  return mean === null ? null : roundHalfUp(mean.numerator, mean.denominator, places)
}

/** An exact amount of points as a percentage of a maximum in thousandths (a field's average against its maximum). */
export function percentOfMaximum (amount: Fraction, maximum: Milli): Fraction {
  if (maximum <= 0) throw new RangeError('A percentage of a maximum needs a maximum above 0')
  return {
    numerator: amount.numerator * 100n * BigInt(MILLI_PER_POINT),
    denominator: amount.denominator * BigInt(maximum)
  }
}

// Smallest whole number of thousandths p with p / maximum ≥ numerator / denominator (both positive denominators).
function ceilingPoints (numerator: bigint, denominator: bigint, maximum: Milli): bigint {
  const scaled = numerator * BigInt(maximum)
  const quotient = scaled / denominator
  return quotient * denominator < scaled ? quotient + 1n : quotient
}

/**
 * What one unit needs for its next step up, for the unit's own dashboard:
 * - the next band: the fewest thousandths to add so the index reaches the next band's minimum;
 * - the next rank: the fewest thousandths to add to tie with the nearest unit whose index is strictly higher,
 *   since a tie shares that unit's rank. Units with another maximum are compared by index, so the gap is
 *   expressed in this unit's own points.
 * `field` is every unit in the same ranking and may include the unit itself. The amounts are exact thousandths;
 * whether a leaf's step allows that exact amount is for the caller to judge.
 */
export function nextTargets (unit: IndexedScore, field: readonly IndexedScore[], bands: readonly ClassificationBand[]): NextTargets {
  const ordered = sortedBands(bands)
  const currentPosition = ordered.findIndex(({ min }) => reaches(unit, min))
  const current = ordered[currentPosition]
  if (current === undefined) {
    throw new RangeError('No classification band covers this index; a valid catalog has a band starting at 0')
  }
  const next = ordered[currentPosition - 1]
  const canGain = unit.maximum > 0

  let pointsToNextBand: Milli | null = null
  if (next !== undefined && canGain) {
    // The band minimum is an index: minMilli / (1000 × 100) of the maximum.
    const needed = ceilingPoints(BigInt(next.min), BigInt(MILLI_PER_POINT) * 100n, unit.maximum)
    pointsToNextBand = Number(needed) - unit.points
  }

  const above = field.filter((other) => compareIndex(other, unit) > 0)
  let pointsToNextRank: Milli | null = 0
  if (above.length > 0) {
    const nearest = above.reduce((lowest, other) => (compareIndex(other, lowest) < 0 ? other : lowest))
    const target = indexFraction(nearest)
    pointsToNextRank = canGain ? Number(ceilingPoints(target.numerator, target.denominator, unit.maximum)) - unit.points : null
  }

  return { band: current.band, nextBand: next?.band ?? null, pointsToNextBand, pointsToNextRank }
}

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
  const { byIndex, compare } = rankComparison(items, names)
  const order = Array.from({ length: items.length }, (_, i) => i)
  order.sort(compare)
  return { order, ranks: ranksOf(order, byIndex, method) }
}

/**
 * rankPositions after the items at `changed` (positions) changed, from the ranking before: the others keep their
 * order, so the changed ones are taken out and each put back where a binary search with the same comparison finds
 * its place. The comparison orders every pair (ties in name order, which no two units share), so the order is the one a new
 * sort gives (the tests compare them); it costs a pass over the order instead of a sort.
 */
export function rerankPositions (items: readonly RankItem[], method: RankingMethod, names: Int32Array, before: { readonly order: readonly number[] }, changed: readonly number[]): { order: number[], ranks: number[] } {
  const { byIndex, compare } = rankComparison(items, names)
  const moved = new Set(changed)
  const order = before.order.filter((position) => !moved.has(position))
  for (const position of moved) {
    let low = 0
    let high = order.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (compare(order[middle] as number, position) < 0) low = middle + 1
      else high = middle
    }
    order.splice(low, 0, position)
  }
  return { order, ranks: ranksOf(order, byIndex, method) }
}

/**
 * The comparison of a ranking: `byIndex` negative when a's index is above b's (higher first), 0 when equal; `compare`
 * breaks ties by name order (`names`, a permutation, so no two positions compare equal).
 */
function rankComparison (items: readonly RankItem[], names: Int32Array) {
  const values = new Float64Array(items.length)
  items.forEach((item, i) => {
    if (!Number.isSafeInteger(item.points) || !Number.isSafeInteger(item.maximum) || item.maximum < 0) {
      throw new RangeError(`An index needs integer thousandths and a non-negative maximum, got ${item.points}/${item.maximum}`)
    }
    values[i] = item.maximum === 0 ? 0 : item.points / item.maximum
  })
  const byIndex = (a: number, b: number): number => {
    const va = values[a] as number
    const vb = values[b] as number
    if (va !== vb) return va > vb ? -1 : 1
    const x = items[a] as RankItem
    const y = items[b] as RankItem
    if (x.maximum === y.maximum) return x.points === y.points || x.maximum === 0 ? 0 : x.points > y.points ? -1 : 1
    return compareIndex(y, x)
  }
  const compare = (a: number, b: number): number => byIndex(a, b) || (names[a] as number) - (names[b] as number)
  return { byIndex, compare }
}

/** The rank of each position, from the order: equal indices share a rank, dense or competition. */
function ranksOf (order: readonly number[], byIndex: (a: number, b: number) => number, method: RankingMethod): number[] {
  const ranks = new Array<number>(order.length).fill(0)
  let rank = 0
  order.forEach((position, place) => {
    const previous = order[place - 1]
    if (previous === undefined || byIndex(previous, position) !== 0) rank = method === 'dense' ? rank + 1 : place + 1
    ranks[position] = rank
  })
  return ranks
}
