// Results of one round and unit type from summed scores: ranks, classification, averages, what-if, and change on a
// previous round.
import type { ClassificationBand, RankingMethod } from './catalog.js'
import { type Milli, MILLI_PER_POINT, addMilli, milliToNumber } from './decimal.js'
import { pointsDisplay, ratioDisplay, ratioText } from './ratio.js'
import { type MatchedField, comparisonOf, matchedFields, unitChange } from './results-comparison.js'
import { nameOrder, nextTargets, rankPositions, rerankPositions } from './ranking.js'

export { previousFrom } from './results-comparison.js'

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

/** A formatter of (points, maximum) pairs that formats each distinct pair once. */
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

/** A unit's sums per field in the catalog's order, with its totals in thousandths. */
export interface UnitRow {
  unit: ResultUnitInput
  perField: { sums: FieldSums, selfMaximum: Milli, appraisedMaximum: Milli }[]
  selfPoints: Milli
  selfMaximum: Milli
  appraisedPoints: Milli
  appraisedMaximum: Milli
  selfAnswered: number
  appraised: number
}

function rowOf (unit: ResultUnitInput, fields: readonly ResultField[]): UnitRow {
  const perField = fields.map((field) => {
    const sums = unit.fields.get(field.code) ?? NO_SUMS
    return { sums, selfMaximum: field.maxPoints - sums.selfNotApplicable, appraisedMaximum: field.maxPoints - sums.appraisedNotApplicable }
  })
  let selfPoints = 0
  let selfMaximum = 0
  let appraisedPoints = 0
  let appraisedMaximum = 0
  let selfAnswered = 0
  let appraised = 0
  for (const item of perField) {
    selfPoints = addMilli(selfPoints, item.sums.selfPoints)
    selfMaximum = addMilli(selfMaximum, item.selfMaximum)
    appraisedPoints = addMilli(appraisedPoints, item.sums.appraisedPoints)
    appraisedMaximum = addMilli(appraisedMaximum, item.appraisedMaximum)
    selfAnswered += item.sums.selfAnswered
    appraised += item.sums.appraised
  }
  return { unit, perField, selfPoints, selfMaximum, appraisedPoints, appraisedMaximum, selfAnswered, appraised }
}

/** A ranking: positions in rank order, and the rank of each position. */
interface Ranking { readonly order: readonly number[], readonly ranks: readonly number[] }

/**
 * A computation of results kept so that the next one can start from it (resultsState): its inputs, and per unit (by
 * its position in input.units) its row, its ranks, the unit above it and its result object.
 */
export interface ResultsState {
  readonly input: ResultInput
  readonly computed: ComputedResults
  readonly rows: readonly UnitRow[]
  readonly names: Int32Array
  readonly overall: Ranking
  readonly fieldRankings: readonly Ranking[]
  readonly results: readonly UnitResult[]
  /** The row of the nearest unit ranked above each unit (its targets are computed from it), by position. */
  readonly aboveOf: readonly (UnitRow | undefined)[]
  readonly memo: Memo
  readonly totals: ResultTotals
}

/** The sums over every unit of each field's points and of the totals, self and appraised, in thousandths. */
export interface ResultTotals {
  self: { fields: readonly number[], total: number }
  appraised: { fields: readonly number[], total: number }
}

/** `totals` with the figures of `rows` added (sign 1) or taken out (sign -1), as new totals. */
function withRows (totals: ResultTotals, rows: readonly UnitRow[], sign: 1 | -1): ResultTotals {
  const self = [...totals.self.fields]
  const appraised = [...totals.appraised.fields]
  let selfTotal = totals.self.total
  let appraisedTotal = totals.appraised.total
  for (const row of rows) {
    for (let f = 0; f < self.length; f++) {
      const sums = (row.perField[f] as UnitRow['perField'][number]).sums
      self[f] = addMilli(self[f] as number, sign * sums.selfPoints)
      appraised[f] = addMilli(appraised[f] as number, sign * sums.appraisedPoints)
    }
    selfTotal = addMilli(selfTotal, sign * row.selfPoints)
    appraisedTotal = addMilli(appraisedTotal, sign * row.appraisedPoints)
  }
  return { self: { fields: self, total: selfTotal }, appraised: { fields: appraised, total: appraisedTotal } }
}

const noTotals = (fieldCount: number): ResultTotals => ({
  self: { fields: new Array<number>(fieldCount).fill(0), total: 0 },
  appraised: { fields: new Array<number>(fieldCount).fill(0), total: 0 }
})

/**
 * Scores repeat: points are multiples of a step and maxima take few values, so across thousands of units most
 * (points, maximum) pairs recur. Each distinct pair is formatted once and its (never modified) object shared; so are
 * the targets of units tied with each other and below the same unit. Kept from one computation to the next.
 */
interface Memo {
  score: (points: Milli, maximum: Milli) => Score
  fieldScore: (points: Milli, maximum: Milli) => FieldScore
  targets: Map<string, ReturnType<typeof nextTargets>>
}

const newMemo = (): Memo => ({ score: memoize(score), fieldScore: memoize(fieldScore), targets: new Map() })
/** Past this many targets kept, a computation starts a new memo (a long day of changes must not grow it forever). */
const MAX_MEMO_TARGETS = 100_000

/**
 * Whether `before` was computed from the same fields, bands, ranking method and units (ids, codes, names and sort keys
 * in the same order): then only the units' sums can differ.
 */
function sameShape (before: ResultInput, input: ResultInput): boolean {
  if (before.ranking !== input.ranking || before.fields.length !== input.fields.length || before.bands.length !== input.bands.length || before.units.length !== input.units.length) return false
  for (let f = 0; f < input.fields.length; f++) {
    const a = before.fields[f] as ResultField
    const b = input.fields[f] as ResultField
    if (a.code !== b.code || a.title !== b.title || a.maxPoints !== b.maxPoints || a.leaves !== b.leaves) return false
  }
  for (let i = 0; i < input.bands.length; i++) {
    const a = before.bands[i] as ClassificationBand
    const b = input.bands[i] as ClassificationBand
    if (a.code !== b.code || a.label !== b.label || a.min !== b.min) return false
  }
  for (let i = 0; i < input.units.length; i++) {
    const a = before.units[i] as ResultUnitInput
    const b = input.units[i] as ResultUnitInput
    if (a.id !== b.id || a.code !== b.code || a.name !== b.name || a.sortKey !== b.sortKey) return false
  }
  return true
}

function sameSums (a: FieldSums, b: FieldSums): boolean {
  return a.selfPoints === b.selfPoints && a.selfNotApplicable === b.selfNotApplicable && a.selfAnswered === b.selfAnswered &&
    a.appraisedPoints === b.appraisedPoints && a.appraisedNotApplicable === b.appraisedNotApplicable && a.appraised === b.appraised
}

/**
 * Everything the results of a round show for one unit type, from the sums per unit and field: per unit and field the
 * self and appraised points, applicable maxima and percentages; per unit the totals, index, gap, classification (by
 * the appraised index, lower bounds inclusive), rank (by the appraised index, the catalog's method, ties in Vietnamese
 * name order), rank per field and the what-if targets; per round the average row and the count per classification;
 * and, given a previous round, the change per unit, per field and of the average row.
 */
export function computeResults (input: ResultInput, previous: PreviousResults | null = null): ComputedResults {
  return resultsState(input, previous).computed
}

/**
 * computeResults, as a state the next computation can start from. Given `before`, an earlier state computed with
 * previous results equal to `previous` (the caller's to know), and the same fields, bands, ranking and units, only
 * the units whose sums changed are worked out again: a ranking is sorted again only when an appraised figure it ranks
 * by changed, and a unit whose sums, rank, field ranks and targets are all as before keeps its result object (so what
 * was built from it, its JSON, can be kept too). The answer is the one a new computation gives; when nothing changed,
 * `before` itself. Without `before`, or with one of another shape, everything is computed anew.
 */
export function resultsState (input: ResultInput, previous: PreviousResults | null, before?: ResultsState): ResultsState {
  const { fields, units, bands, ranking } = input
  const kept = before !== undefined && sameShape(before.input, input) ? before : undefined
  // The units whose sums changed (all of them without a state to start from), by position and as a list.
  const changed = new Uint8Array(units.length)
  const changedPositions: number[] = []
  for (let i = 0; i < units.length; i++) {
    // A unit given as the same object as before (the caller read only others again) is unchanged.
    if (kept !== undefined) {
      if (kept.input.units[i] === units[i]) continue
      const was = (kept.input.units[i] as ResultUnitInput).fields
      const now = (units[i] as ResultUnitInput).fields
      if (fields.every((field) => sameSums(was.get(field.code) ?? NO_SUMS, now.get(field.code) ?? NO_SUMS))) continue
    }
    changed[i] = 1
    changedPositions.push(i)
  }
  if (kept !== undefined && changedPositions.length === 0) return kept

  const rows = units.map((unit, i) => changed[i] === 0 ? (kept as ResultsState).rows[i] as UnitRow : rowOf(unit, fields))
  // Whether some changed unit's appraised figures (those ranked by) moved, overall or in field f.
  const moved = (figures: (row: UnitRow) => readonly [number, number]): boolean => kept === undefined || changedPositions.some((i) => {
    const [points, maximum] = figures(rows[i] as UnitRow)
    const [pointsBefore, maximumBefore] = figures(kept.rows[i] as UnitRow)
    return points !== pointsBefore || maximum !== maximumBefore
  })
  const names = kept?.names ?? nameOrder(units)
  // A ranking by the figures `of` each row: the kept one when no changed unit's figures moved, else the kept one with
  // the changed units put back in their places, else (nothing kept) sorted.
  const rankBy = (of: (row: UnitRow) => readonly [number, number], before: Ranking | undefined): Ranking => {
    if (before !== undefined && !moved(of)) return before
    const items = rows.map((row) => {
      const [points, maximum] = of(row)
      return { points, maximum, name: row.unit.name }
    })
    return before === undefined ? rankPositions(items, ranking, names) : rerankPositions(items, ranking, names, before, changedPositions)
  }
  const overall = rankBy((row) => [row.appraisedPoints, row.appraisedMaximum], kept?.overall)
  const fieldRankings = fields.map((_, f) => rankBy((row) => {
    const item = row.perField[f] as UnitRow['perField'][number]
    return [item.sums.appraisedPoints, item.appraisedMaximum]
  }, kept?.fieldRankings[f]))
  const fieldRanks = fieldRankings.map((ranked) => ranked.ranks)
  // The field rankings sorted again: a unit keeps its object only if its rank in each of them is as before.
  const rerankedFields = kept === undefined ? [] : fieldRankings.flatMap((ranked, f) => ranked === kept.fieldRankings[f] ? [] : [f])

  const memo = kept !== undefined && kept.memo.targets.size < MAX_MEMO_TARGETS ? kept.memo : newMemo()
  const leafTotal = fields.reduce((total, field) => total + field.leaves, 0)
  const matched = previous === null ? [] : matchedFields(fields, previous)
  const sortedBands = [...bands].sort((a, b) => b.min - a.min)
  const counts = new Map<string, number>(sortedBands.map((band) => [band.code, 0]))
  const results: UnitResult[] = []
  const byPosition = new Array<UnitResult>(units.length)
  const aboveOf = new Array<UnitRow | undefined>(units.length)
  let groupStart = 0
  for (let place = 0; place < overall.order.length; place++) {
    const position = overall.order[place] as number
    const row = rows[position] as UnitRow
    const rank = overall.ranks[position] as number
    if (place > 0 && rank !== overall.ranks[overall.order[place - 1] as number]) groupStart = place
    // The nearest unit strictly above is the last of the rank group just above; nextTargets needs no other.
    const above = groupStart > 0 ? rows[overall.order[groupStart - 1] as number] : undefined
    aboveOf[position] = above
    // Kept: the same sums, rank and field ranks, and a unit above with the same appraised figures (the same targets).
    const old = kept !== undefined && changed[position] === 0 ? kept.results[position] : undefined
    const aboveBefore = kept?.aboveOf[position]
    let result: UnitResult
    if (old !== undefined && old.rank === rank && aboveBefore?.appraisedPoints === above?.appraisedPoints && aboveBefore?.appraisedMaximum === above?.appraisedMaximum &&
      rerankedFields.every((f) => (fieldRanks[f] as readonly number[])[position] === kept?.fieldRankings[f]?.ranks[position])) {
      result = old
    } else {
      const targetsKey = `${row.appraisedPoints}/${row.appraisedMaximum}/${above?.appraisedPoints}/${above?.appraisedMaximum}`
      let targets = memo.targets.get(targetsKey)
      if (targets === undefined) {
        targets = nextTargets({ points: row.appraisedPoints, maximum: row.appraisedMaximum }, above ? [{ points: above.appraisedPoints, maximum: above.appraisedMaximum }] : [], bands)
        memo.targets.set(targetsKey, targets)
      }
      result = unitResult(row, rank, position, targets, { fields, fieldRanks, leafTotal, memo, previous, matched })
    }
    counts.set(result.classification.code, (counts.get(result.classification.code) ?? 0) + 1)
    results.push(result)
    byPosition[position] = result
  }

  const count = rows.length
  const changedRows = (of: readonly UnitRow[]) => changedPositions.map((i) => of[i] as UnitRow)
  const totals = kept === undefined ? withRows(noTotals(fields.length), rows, 1) : withRows(withRows(kept.totals, changedRows(kept.rows), -1), changedRows(rows), 1)
  const averageRow = (side: 'self' | 'appraised'): AverageRow => ({
    fields: fields.map((field, f) => {
      const total = totals[side].fields[f] as Milli
      return {
        code: field.code,
        points: ratioText(total, count * MILLI_PER_POINT),
        display: ratioDisplay(total, count * MILLI_PER_POINT),
        percentOfMaximum: field.maxPoints === 0 ? '0' : ratioText(total * 100, count * field.maxPoints),
        percentDisplay: field.maxPoints === 0 ? '0.00' : ratioDisplay(total * 100, count * field.maxPoints)
      }
    }),
    total: { points: ratioText(totals[side].total, count * MILLI_PER_POINT), display: ratioDisplay(totals[side].total, count * MILLI_PER_POINT) }
  })

  const computed: ComputedResults = {
    fields: fields.map((field) => ({ code: field.code, title: field.title, maxPoints: milliToNumber(field.maxPoints), leaves: field.leaves })),
    units: results,
    average: count === 0 ? null : { units: count, self: averageRow('self'), appraised: averageRow('appraised') },
    classificationCounts: sortedBands.map((band) => ({ code: band.code, label: band.label, min: band.min, count: counts.get(band.code) ?? 0 })),
    comparison: previous === null ? null : comparisonOf(totals, count, previous, matched)
  }
  return { input, computed, rows, names, overall, fieldRankings, results: byPosition, aboveOf, memo, totals }
}

/** A unit's result: its scores, classification, field ranks, targets and, given a previous round, its change. */
function unitResult (row: UnitRow, rank: number, position: number, targets: ReturnType<typeof nextTargets>, context: {
  fields: readonly ResultField[], fieldRanks: readonly (readonly number[])[], leafTotal: number, memo: Memo, previous: PreviousResults | null, matched: MatchedField[]
}): UnitResult {
  const { fields, fieldRanks, memo, previous } = context
  const gap = pointsGap(row.selfPoints, row.appraisedPoints)
  const before = previous?.units.get(row.unit.id)
  return {
    rank,
    unit: { id: row.unit.id, code: row.unit.code, name: row.unit.name },
    self: memo.score(row.selfPoints, row.selfMaximum),
    appraised: memo.score(row.appraisedPoints, row.appraisedMaximum),
    gap: { points: milliToNumber(gap), display: pointsDisplay(gap) },
    classification: bandRef(targets.band),
    fields: fields.map((field, f) => {
      const item = row.perField[f] as UnitRow['perField'][number]
      return {
        code: field.code,
        self: memo.fieldScore(item.sums.selfPoints, item.selfMaximum),
        appraised: memo.fieldScore(item.sums.appraisedPoints, item.appraisedMaximum),
        rank: (fieldRanks[f] as readonly number[])[position] as number
      }
    }),
    progress: { leaves: context.leafTotal, selfAnswered: row.selfAnswered, appraised: row.appraised },
    targets: {
      nextBand: targets.nextBand === null ? null : bandRef(targets.nextBand),
      pointsToNextBand: targets.pointsToNextBand === null ? null : milliToNumber(targets.pointsToNextBand),
      pointsToNextRank: targets.pointsToNextRank === null ? null : milliToNumber(targets.pointsToNextRank)
    },
    change: before === undefined ? null : unitChange(row, rank, before, context.matched)
  }
}
