// The figures the annual report quotes, read from one unit type's published results: per field the counts at the
// maximum and from 80 %, the highest and lowest units; the classification groups; the spread of the index; the moves
// in rank and class on the previous year; the gap between self and appraised scores. Exact: points are compared as
// integer thousandths and ratios by cross-multiplication, never as rounded decimals.
import type { ClassificationBand } from './catalog.js'
import { parseMilli, type Milli } from './decimal.js'
import { ratioDisplay } from './ratio.js'
import type { ComputedResults, UnitResult } from './results.js'

/** The threshold of the report's "đạt từ 80% số điểm" sentences, in percent of the applicable maximum. */
export const HIGH_SHARE_PERCENT = 80

/** How many units the report names at most where it lists the extremes (ties at the boundary are all named). */
export const EXTREMES_LISTED = 5

export function milliOf (points: number): Milli {
  const milli = parseMilli(points)
  if (milli === null) throw new RangeError(`Published points are exact thousandths, got ${points}`)
  return milli
}

/** Whether a/b is above (> 0), equal to (0) or below (< 0) c/d, for non-negative thousandths and positive maxima. */
function compareRatio (a: Milli, b: Milli, c: Milli, d: Milli): number {
  return Math.sign(Number(BigInt(a) * BigInt(d) - BigInt(c) * BigInt(b)))
}

/** The first `count` items of an ordered list, and every later item tied with the last one kept. */
export function topWithTies<T> (items: readonly T[], count: number, tied: (a: T, b: T) => boolean): T[] {
  if (items.length <= count) return [...items]
  const out = items.slice(0, count)
  const last = out[out.length - 1]
  for (const item of items.slice(count)) {
    if (last === undefined || !tied(last, item)) break
    out.push(item)
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// One field

/** A unit's score in one field, as the report quotes it: "Thanh tra tỉnh (3,50/10 điểm, 35,00%)". */
export interface FieldShare {
  name: string
  /** Appraised points, display text (2 places, half up). */
  display: string
  /** The unit's applicable maximum of the field (JSON number of exact thousandths). */
  maximum: number
  percentDisplay: string
}

export interface FieldFigures {
  code: string
  title: string
  /** The field's maximum in the catalog. */
  maxPoints: number
  /** Units counted: those whose applicable maximum of the field is above 0 (a field wholly not applicable is left out). */
  units: number
  /** The average row of the published results: mean appraised points and its share of the catalog maximum. */
  average: { display: string, percentDisplay: string }
  /** Units at their applicable maximum, in rank order. */
  atMaximum: FieldShare[]
  /** Whether every counted unit's applicable maximum is the catalog's (so "10/10 điểm" may be written). */
  fullMaximumEverywhere: boolean
  /** Units from HIGH_SHARE_PERCENT % of their applicable maximum up to (not including) the maximum. */
  fromHighShare: number
  /** Units below HIGH_SHARE_PERCENT %. */
  belowHighShare: number
  /** The units with the highest share of their maximum (every tied unit), in rank order. */
  highest: FieldShare[]
  /** The units with the lowest share (every tied unit), in rank order. */
  lowest: FieldShare[]
}

interface Scored { unit: UnitResult, points: Milli, maximum: Milli, share: FieldShare }

function scoredUnits (results: Pick<ComputedResults, 'units'>, code: string): Scored[] {
  return results.units.flatMap((unit) => {
    const field = unit.fields.find((candidate) => candidate.code === code)
    if (field === undefined) return []
    const maximum = milliOf(field.appraised.maximum)
    if (maximum <= 0) return []
    return [{
      unit,
      points: milliOf(field.appraised.points),
      maximum,
      share: { name: unit.unit.name, display: field.appraised.display, maximum: field.appraised.maximum, percentDisplay: field.appraised.percentDisplay }
    }]
  })
}

/** The figures of one field's paragraph, from the published results of a unit type. */
export function fieldFigures (results: Pick<ComputedResults, 'units' | 'fields' | 'average'>, code: string): FieldFigures {
  const field = results.fields.find((candidate) => candidate.code === code)
  if (field === undefined) throw new RangeError(`The results have no field ${code}`)
  const average = results.average?.appraised.fields.find((candidate) => candidate.code === code)
  const scored = scoredUnits(results, code)
  const catalogMaximum = milliOf(field.maxPoints)
  const atMaximum = scored.filter((item) => item.points === item.maximum)
  // From 80 %: points × 100 ≥ 80 × maximum, in integers.
  const fromHigh = scored.filter((item) => item.points !== item.maximum && item.points * 100 >= HIGH_SHARE_PERCENT * item.maximum)
  const byShare = (a: Scored, b: Scored) => compareRatio(a.points, a.maximum, b.points, b.maximum)
  let highest: Scored[] = []
  let lowest: Scored[] = []
  for (const item of scored) {
    const top = highest[0]
    if (top === undefined || byShare(item, top) > 0) highest = [item]
    else if (byShare(item, top) === 0) highest.push(item)
    const bottom = lowest[0]
    if (bottom === undefined || byShare(item, bottom) < 0) lowest = [item]
    else if (byShare(item, bottom) === 0) lowest.push(item)
  }
  return {
    code,
    title: field.title,
    maxPoints: field.maxPoints,
    units: scored.length,
    average: { display: average?.display ?? '0.00', percentDisplay: average?.percentDisplay ?? '0.00' },
    atMaximum: atMaximum.map((item) => item.share),
    fullMaximumEverywhere: scored.every((item) => item.maximum === catalogMaximum),
    fromHighShare: fromHigh.length,
    belowHighShare: scored.length - atMaximum.length - fromHigh.length,
    highest: highest.map((item) => item.share),
    lowest: lowest.map((item) => item.share)
  }
}

/** Sum of the appraised points of a field over the units, in thousandths. */
function fieldTotal (results: Pick<ComputedResults, 'units'>, code: string): Milli {
  let total = 0
  for (const unit of results.units) {
    const field = unit.fields.find((candidate) => candidate.code === code)
    if (field !== undefined) total += milliOf(field.appraised.points)
  }
  return total
}

export interface FieldAverage { code: string, title: string, display: string, percentDisplay: string }

/**
 * Each field's average share of its maximum (the published average row), with the fields of the highest and of the
 * lowest share (every tied field), compared exactly: total / maximum, the unit count being the same for every field.
 */
export function fieldAverages (results: Pick<ComputedResults, 'units' | 'fields' | 'average'>): { fields: FieldAverage[], highest: FieldAverage[], lowest: FieldAverage[] } {
  const items = results.fields.flatMap((field) => {
    const average = results.average?.appraised.fields.find((candidate) => candidate.code === field.code)
    const maximum = milliOf(field.maxPoints)
    if (average === undefined || maximum === 0) return []
    return [{ total: fieldTotal(results, field.code), maximum, average: { code: field.code, title: field.title, display: average.display, percentDisplay: average.percentDisplay } }]
  })
  let highest: typeof items = []
  let lowest: typeof items = []
  for (const item of items) {
    const top = highest[0]
    const order = top === undefined ? 1 : compareRatio(item.total, item.maximum, top.total, top.maximum)
    if (order > 0) highest = [item]
    else if (order === 0) highest.push(item)
    const bottom = lowest[0]
    const reverse = bottom === undefined ? -1 : compareRatio(item.total, item.maximum, bottom.total, bottom.maximum)
    if (reverse < 0) lowest = [item]
    else if (reverse === 0) lowest.push(item)
  }
  return { fields: items.map((item) => item.average), highest: highest.map((item) => item.average), lowest: lowest.map((item) => item.average) }
}

/**
 * The change of a field's average share of its maximum on the previous year, in percentage points, exact: the share
 * is the average row's (total × 100 / (units × catalog maximum)), and the fields are those the published comparison
 * matched by clone lineage. Maxima may differ between years, so shares are compared rather than points.
 */
export function fieldShareChange (current: Pick<ComputedResults, 'units' | 'fields'>, previous: Pick<ComputedResults, 'units' | 'fields' | 'average'>, code: string, previousCode: string): { previousPercentDisplay: string, changeDisplay: string } | null {
  const now = current.fields.find((field) => field.code === code)
  const then = previous.fields.find((field) => field.code === previousCode)
  const thenAverage = previous.average?.appraised.fields.find((field) => field.code === previousCode)
  if (now === undefined || then === undefined || thenAverage === undefined) return null
  const n = BigInt(current.units.length)
  const m = BigInt(previous.units.length)
  const max = BigInt(milliOf(now.maxPoints))
  const previousMax = BigInt(milliOf(then.maxPoints))
  if (n === 0n || m === 0n || max === 0n || previousMax === 0n) return null
  const numerator = BigInt(fieldTotal(current, code)) * 100n * m * previousMax - BigInt(fieldTotal(previous, previousCode)) * 100n * n * max
  return { previousPercentDisplay: thenAverage.percentDisplay, changeDisplay: ratioDisplay(numerator, n * max * m * previousMax) }
}

// ---------------------------------------------------------------------------------------------------------------
// Classification and spread

export interface BandGroup {
  band: ClassificationBand
  /** The next band's minimum (exclusive upper bound), null for the top band. */
  below: number | null
  /** Units of the band in rank order, with their index. */
  units: { name: string, indexDisplay: string }[]
}

/** The catalog's bands, best first, each with its units in rank order (empty bands included). */
export function bandGroups (results: Pick<ComputedResults, 'units'>, bands: readonly ClassificationBand[]): BandGroup[] {
  const sorted = [...bands].sort((a, b) => b.min - a.min)
  return sorted.map((band, i) => ({
    band,
    below: i === 0 ? null : (sorted[i - 1] as ClassificationBand).min,
    units: results.units.filter((unit) => unit.classification.code === band.code).map((unit) => ({ name: unit.unit.name, indexDisplay: unit.appraised.indexDisplay }))
  }))
}

export interface Spread {
  highest: { names: string[], indexDisplay: string }
  lowest: { names: string[], indexDisplay: string }
  /** Highest index minus lowest, exact, rounded half up to 2 places. */
  differenceDisplay: string
}

/** The first and last rank groups and the difference of their indices; null without units. */
export function indexSpread (results: Pick<ComputedResults, 'units'>): Spread | null {
  const first = results.units[0]
  const last = results.units[results.units.length - 1]
  if (first === undefined || last === undefined) return null
  const group = (rank: number) => results.units.filter((unit) => unit.rank === rank).map((unit) => unit.unit.name)
  const [a, b, c, d] = [milliOf(first.appraised.points), milliOf(first.appraised.maximum), milliOf(last.appraised.points), milliOf(last.appraised.maximum)]
  const difference = b === 0 || d === 0 ? '0.00' : ratioDisplay((BigInt(a) * BigInt(d) - BigInt(c) * BigInt(b)) * 100n, BigInt(b) * BigInt(d))
  return {
    highest: { names: group(first.rank), indexDisplay: first.appraised.indexDisplay },
    lowest: { names: group(last.rank), indexDisplay: last.appraised.indexDisplay },
    differenceDisplay: difference
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Year over year

export interface RankMove { name: string, from: number, to: number }
export interface ClassMove { name: string, from: string, to: string, direction: 'up' | 'down' | 'other' }

export interface Moves {
  /** Units with a result in both years. */
  compared: number
  /** Units without a result the previous year. */
  newcomers: number
  up: number
  down: number
  same: number
  /** The units that rose most (every tied unit), and fell most. */
  biggestRise: RankMove[]
  biggestFall: RankMove[]
  /** Every unit whose classification changed, in rank order. */
  classChanges: ClassMove[]
}

/** Rank and class moves on the previous year, from the published per-unit change; null when nothing is compared. */
export function movesOnPreviousYear (results: Pick<ComputedResults, 'units' | 'comparison'>, bands: readonly ClassificationBand[]): Moves | null {
  if (results.comparison === null) return null
  const changed = results.units.filter((unit) => unit.change !== null)
  if (changed.length === 0) return null
  const rankMove = (unit: UnitResult): RankMove => ({ name: unit.unit.name, from: unit.change?.previousRank ?? unit.rank, to: unit.rank })
  const rise = Math.max(...changed.map((unit) => unit.change?.rankChange ?? 0))
  const fall = Math.min(...changed.map((unit) => unit.change?.rankChange ?? 0))
  const minOf = new Map(bands.map((band) => [band.code, band.min]))
  const classChanges: ClassMove[] = changed.flatMap((unit) => {
    const before = unit.change?.previousClassification ?? null
    if (before === null || before.code === unit.classification.code) return []
    const from = minOf.get(before.code)
    const to = minOf.get(unit.classification.code)
    const direction = from === undefined || to === undefined ? 'other' : to > from ? 'up' : 'down'
    return [{ name: unit.unit.name, from: before.label, to: unit.classification.label, direction }]
  })
  return {
    compared: changed.length,
    newcomers: results.units.length - changed.length,
    up: changed.filter((unit) => (unit.change?.rankChange ?? 0) > 0).length,
    down: changed.filter((unit) => (unit.change?.rankChange ?? 0) < 0).length,
    same: changed.filter((unit) => unit.change?.rankChange === 0).length,
    biggestRise: rise > 0 ? changed.filter((unit) => unit.change?.rankChange === rise).map(rankMove) : [],
    biggestFall: fall < 0 ? changed.filter((unit) => unit.change?.rankChange === fall).map(rankMove) : [],
    classChanges
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Self against appraised

export interface GapUnit { name: string, selfDisplay: string, appraisedDisplay: string, gapDisplay: string }

export interface GapFigures {
  units: number
  selfAverageDisplay: string
  appraisedAverageDisplay: string
  /** Mean of (self − appraised) over the units, exact, rounded half up. */
  meanGapDisplay: string
  /** Units whose self total is above, equal to and below the appraised total. */
  above: number
  equal: number
  below: number
  /** The units whose self total exceeded the appraised total by most (EXTREMES_LISTED, ties included), largest first. */
  largest: GapUnit[]
}

export function gapFigures (results: Pick<ComputedResults, 'units' | 'average'>): GapFigures | null {
  const count = results.units.length
  if (count === 0 || results.average === null) return null
  const gaps = results.units.map((unit) => ({ unit, gap: milliOf(unit.gap.points) }))
  const total = gaps.reduce((sum, item) => sum + item.gap, 0)
  // Largest gap first; equal gaps keep the rank order of the results.
  const ordered = gaps.filter((item) => item.gap > 0).sort((a, b) => b.gap - a.gap)
  return {
    units: count,
    selfAverageDisplay: results.average.self.total.display,
    appraisedAverageDisplay: results.average.appraised.total.display,
    meanGapDisplay: ratioDisplay(total, count * 1000),
    above: gaps.filter((item) => item.gap > 0).length,
    equal: gaps.filter((item) => item.gap === 0).length,
    below: gaps.filter((item) => item.gap < 0).length,
    largest: topWithTies(ordered, EXTREMES_LISTED, (a, b) => a.gap === b.gap).map(({ unit }) => ({
      name: unit.unit.name, selfDisplay: unit.self.display, appraisedDisplay: unit.appraised.display, gapDisplay: unit.gap.display
    }))
  }
}
