// Results computed on from a kept state (resultsState in server/domain/results.ts) are the results a new computation
// gives, after any change of the sums; what is kept is only what the change left as it was.
import t from 'tap'
import { computeResults, previousFrom, resultsState, type FieldSums, type PreviousResults, type ResultInput, type ResultUnitInput, type ResultsState } from '../../server/domain/results.js'
import type { ClassificationBand, RankingMethod } from '../../server/domain/catalog.js'

const fields = [
  { code: 'I', title: 'Công tác chỉ đạo', maxPoints: 4_000, leaves: 2 },
  { code: 'II', title: 'Cải cách thể chế', maxPoints: 3_000, leaves: 2 },
  { code: 'III', title: 'Cải cách thủ tục hành chính', maxPoints: 3_000, leaves: 1 }
]
const bands: ClassificationBand[] = [
  { code: 'xuat_sac', label: 'Xuất sắc', min: 90 }, { code: 'tot', label: 'Tốt', min: 70 },
  { code: 'kha', label: 'Khá', min: 50 }, { code: 'trung_binh', label: 'Trung bình', min: 0 }
]

/** A small generator with a seed, so that a failure can be run again. */
function random (seed: number): (below: number) => number {
  let state = seed >>> 0
  return (below) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state % below
  }
}

// Points in steps of 0.25 (250 thousandths), few values so that ties are common; a leaf's maximum of 1,000 may be marked not applicable.
function sumsOf (next: (below: number) => number, maximum: number): FieldSums {
  const steps = maximum / 250
  const points = () => next(3) * 250 * Math.floor(steps / 3)
  const notApplicable = () => next(4) === 0 ? 1_000 : 0
  return { selfPoints: points(), selfNotApplicable: notApplicable(), selfAnswered: next(3), appraisedPoints: points(), appraisedNotApplicable: notApplicable(), appraised: next(3) }
}

function unitsOf (next: (below: number) => number, count: number): ResultUnitInput[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `u${String(i).padStart(3, '0')}`,
    code: `U${i}`,
    // Some names repeat: ties of equal index and equal name follow the units' order.
    name: `Sở số ${i % 7}`,
    fields: new Map(fields.filter(() => next(5) > 0).map((field) => [field.code, sumsOf(next, field.maxPoints)]))
  }))
}

/** One unit's sums changed in one of the ways a save, an appraisal or a not-applicable mark changes them. */
function changeOne (next: (below: number) => number, units: readonly ResultUnitInput[]): ResultUnitInput[] {
  const at = next(units.length)
  return units.map((unit, i) => {
    if (i !== at) return unit
    const field = fields[next(fields.length)]!
    const sums = { ...(unit.fields.get(field.code) ?? sumsOf(next, field.maxPoints)) }
    switch (next(5)) {
      case 0: sums.appraisedPoints = next(13) * 250; break
      case 1: sums.selfPoints = next(13) * 250; break
      case 2: sums.appraisedNotApplicable = sums.appraisedNotApplicable === 0 ? 1_000 : 0; break
      case 3: sums.appraised = next(3); break
      default: sums.appraisedPoints = 0; sums.appraisedNotApplicable = 0
    }
    return { ...unit, fields: new Map([...unit.fields, [field.code, sums]]) }
  })
}

const inputOf = (units: ResultUnitInput[], ranking: RankingMethod): ResultInput => ({ fields, units, bands, ranking })

for (const ranking of ['dense', 'competition'] as const) {
  for (const compared of [false, true]) {
    t.test(`${ranking} ranking${compared ? ', compared with a previous round' : ''}: after each of 60 changes, the same results as a new computation`, async (t) => {
      const next = random(ranking === 'dense' ? 2020 : 2021)
      let units = unitsOf(next, 40)
      const previous: PreviousResults | null = compared
        ? previousFrom(computeResults(inputOf(unitsOf(next, 40), ranking)), { round: { id: 'p', code: 'P', year: 2019 }, source: 'published', version: 1, fieldMap: new Map([['I', 'I'], ['III', 'III']]) })
        : null
      let state: ResultsState = resultsState(inputOf(units, ranking), previous)
      t.same(state.computed, computeResults(inputOf(units, ranking), previous), 'the first computation')
      let kept = 0
      let total = 0
      for (let step = 0; step < 60; step++) {
        units = changeOne(next, units)
        const before = state
        state = resultsState(inputOf(units, ranking), previous, before)
        const fresh = computeResults(inputOf(units, ranking), previous)
        // JSON: the same text, key by key, as a client reads it.
        if (JSON.stringify(state.computed) !== JSON.stringify(fresh)) {
          t.same(state.computed, fresh, `step ${step}: the results computed on equal a new computation`)
          return
        }
        const old = new Set(before.computed.units)
        kept += state.computed.units.filter((unit) => old.has(unit)).length
        total += state.computed.units.length
      }
      t.pass('every step equals a new computation')
      t.ok(kept > total / 2, `most unit objects are kept from one step to the next (${kept} of ${total})`)
    })
  }
}

t.test('nothing changed: the state itself; sums read again as new objects with the same figures change nothing', async (t) => {
  const units = unitsOf(random(7), 30)
  const state = resultsState(inputOf(units, 'dense'), null)
  const copies = units.map((unit) => ({ ...unit, fields: new Map([...unit.fields].map(([code, sums]) => [code, { ...sums }])) }))
  t.equal(resultsState(inputOf(copies, 'dense'), null, state), state)
})

t.test('another shape (a unit renamed, units in another order, another ranking method or bands): all computed anew', async (t) => {
  const units = unitsOf(random(11), 30)
  const state = resultsState(inputOf(units, 'dense'), null)
  const renamed = units.map((unit, i) => i === 3 ? { ...unit, name: 'Sở Nội vụ' } : unit)
  const reordered = [...units].reverse()
  const variants: [string, ResultInput][] = [
    ['a unit renamed', inputOf(renamed, 'dense')],
    ['units in another order', inputOf(reordered, 'dense')],
    ['the competition method', inputOf(units, 'competition')],
    ['another band', { ...inputOf(units, 'dense'), bands: bands.map((band) => band.code === 'tot' ? { ...band, min: 75 } : band) }],
    ['another field maximum', { ...inputOf(units, 'dense'), fields: fields.map((field) => field.code === 'II' ? { ...field, maxPoints: 3_500 } : field) }]
  ]
  for (const [what, input] of variants) {
    const after = resultsState(input, null, state)
    t.same(after.computed, computeResults(input), `${what}: the results of a new computation`)
    const old = new Set(state.computed.units)
    t.equal(after.computed.units.filter((unit) => old.has(unit)).length, 0, `${what}: no unit object kept`)
  }
})

t.test('a self-assessed score changed: the rankings are not sorted again, and only that unit has a new object', async (t) => {
  const units = unitsOf(random(5), 30)
  const state = resultsState(inputOf(units, 'dense'), null)
  const target = units[4]!
  const sums = { ...(target.fields.get('I') ?? sumsOf(random(1), 4_000)), selfPoints: 3_750 }
  const changed = units.map((unit) => unit === target ? { ...unit, fields: new Map([...unit.fields, ['I', sums]]) } : unit)
  const after = resultsState(inputOf(changed, 'dense'), null, state)
  t.equal(after.overall, state.overall, 'the overall ranking is the one before')
  after.fieldRankings.forEach((ranked, f) => { t.equal(ranked, state.fieldRankings[f], `field ${fields[f]!.code}: its ranking is the one before`) })
  const old = new Set(state.computed.units)
  t.same(after.computed.units.filter((unit) => !old.has(unit)).map((unit) => unit.unit.id), [target.id], 'one new unit object')
  t.same(after.computed, computeResults(inputOf(changed, 'dense')), 'the results of a new computation')
})
