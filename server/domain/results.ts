// Results of one round and unit type from summed scores: ranks, classification, averages, what-if, and change on a
// previous round.
import type { ClassificationBand, RankingMethod } from './catalog.js'
import { type Milli, MILLI_PER_POINT, milliToNumber, parseDecimal } from './decimal.js'
import { MAX_SAFE, pointsDisplay, ratioDisplay, ratioText } from './ratio.js'
import { nameOrder, nextTargets, rankPositions } from './ranking.js'

/** Self-assessed minus appraised points (the gap the report and the appraisers read): positive when a unit scored itself higher. */
export function pointsGap (selfPoints: Milli, appraisedPoints: Milli): Milli {
  return (selfPoints - appraisedPoints) as Milli
}

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

/** Points out of a maximum, with the share of it in percent: exact, and rounded half up for display. */
function scoreOf (points: Milli, maximum: Milli) {
  return {
    points: milliToNumber(points),
    display: pointsDisplay(points),
    maximum: milliToNumber(maximum),
    percent: maximum === 0 ? '0' : ratioText(points * 100, maximum),
    percentDisplay: maximum === 0 ? '0.00' : ratioDisplay(points * 100, maximum)
  }
}

/** A unit's total: the same figures, where the share of the maximum is the index. */
function score (points: Milli, maximum: Milli): Score {
  const { percent, percentDisplay, ...rest } = scoreOf(points, maximum)
  return { ...rest, index: percent, indexDisplay: percentDisplay }
}

const fieldScore = (points: Milli, maximum: Milli): FieldScore => scoreOf(points, maximum)

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
    const gap = pointsGap(row.selfPoints, row.appraisedPoints)
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
