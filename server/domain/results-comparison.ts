// The change of a round's results on a previous round's (domain/results.ts computes them): per unit its previous rank,
// index and classification and the change of each matched field, and the change of the average row; and the previous
// round's figures read back as exact thousandths from its computed or published results.
import { type Milli, MILLI_PER_POINT, addMilli, milliToNumber, parseDecimal } from './decimal.js'
import { MAX_SAFE, pointsDisplay, ratioDisplay, ratioText } from './ratio.js'
import type { AverageChange, Comparison, ComputedResults, PreviousResults, PreviousUnit, ResultField, ResultTotals, UnitChange, UnitRow } from './results.js'

// a/b − c/d as an exact ratio (a, c in thousandths): (a·d − c·b) / (b·d).
function differenceText (a: Milli, b: number, c: Milli, d: number, scale: number): { text: string, display: string } {
  const numerator = BigInt(a) * BigInt(d) * BigInt(scale) - BigInt(c) * BigInt(b) * BigInt(scale)
  const denominator = BigInt(b) * BigInt(d)
  const small = numerator >= BigInt(-MAX_SAFE) && numerator <= BigInt(MAX_SAFE) && denominator <= BigInt(MAX_SAFE)
  const n = small ? Number(numerator) : numerator
  const m = small ? Number(denominator) : denominator
  return { text: ratioText(n, m), display: ratioDisplay(n, m) }
}

/** A current field matched to the previous round's, with its position among the current fields. */
export interface MatchedField { code: string, previousCode: string, index: number }

export function matchedFields (fields: readonly ResultField[], previous: PreviousResults): MatchedField[] {
  return fields.flatMap((field, index) => {
    const previousCode = previous.fieldMap.get(field.code)
    return previousCode === undefined ? [] : [{ code: field.code, previousCode, index }]
  })
}

export function unitChange (now: UnitRow, rank: number, before: PreviousUnit, matched: readonly MatchedField[]): UnitChange {
  const indexChange = before.appraised.maximum === 0 || now.appraisedMaximum === 0
    ? { text: '0', display: '0.00' }
    : differenceText(now.appraisedPoints, now.appraisedMaximum, before.appraised.points, before.appraised.maximum, 100)
  return {
    previousRank: before.rank,
    rankChange: before.rank - rank,
    previousIndex: before.appraised.maximum === 0 ? '0' : ratioText(before.appraised.points * 100, before.appraised.maximum),
    indexChange: indexChange.text,
    indexChangeDisplay: indexChange.display,
    previousClassification: before.classification,
    fields: matched.flatMap(({ code, previousCode, index }) => {
      const then = before.fields.get(previousCode)
      const sums = now.perField[index]?.sums
      if (then === undefined || sums === undefined) return []
      const change = sums.appraisedPoints - then.appraised
      return [{ code, previousCode, previousPoints: milliToNumber(then.appraised), pointsChange: milliToNumber(change), display: pointsDisplay(change) }]
    })
  }
}

/** The comparison with the previous round: the fields matched and the change of the average row. */
export function comparisonOf (totals: ResultTotals, count: number, previous: PreviousResults, matched: readonly MatchedField[]): Comparison {
  // The average row's change: both means are exact, so their difference is too.
  const previousUnits = [...previous.units.values()]
  let average: Comparison['average'] = null
  if (count > 0 && previousUnits.length > 0) {
    const m = previousUnits.length
    const change = (code: string, nowTotal: Milli, thenTotal: Milli): AverageChange => {
      const difference = differenceText(nowTotal, count * MILLI_PER_POINT, thenTotal, m * MILLI_PER_POINT, 1)
      return { code, change: difference.text, display: difference.display }
    }
    const side = (which: 'self' | 'appraised') => ({
      fields: matched.map(({ code, previousCode, index }) => {
        const thenTotal = previousUnits.reduce((total, unit) => addMilli(total, unit.fields.get(previousCode)?.[which] ?? 0), 0)
        return change(code, totals[which].fields[index] as Milli, thenTotal)
      }),
      total: change('total', totals[which].total, previousUnits.reduce((total, unit) => addMilli(total, unit[which].points), 0))
    })
    average = { self: side('self'), appraised: side('appraised') }
  }
  return { round: previous.round, source: previous.source, version: previous.version, fields: matched.map(({ code, previousCode }) => ({ code, previousCode })), average }
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
