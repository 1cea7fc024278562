// Scoring a leaf by range, options or bands: every accepted value and every way an entry is refused.
import t from 'tap'
import { type BandsScoring, type CatalogNode, type OptionsScoring, leaves } from '../../server/domain/catalog.js'
import { type LeafInput, type LeafScore, type ScoringErrorCode, lowestInput, scoreLeaf } from '../../server/domain/scoring.js'
import { DEPARTMENT_CATALOG, DISTRICT_CATALOG, loadCatalog, readFixture } from './fixtures.js'

// The fixtures hold short decimals, for which the float product rounds to the exact thousandths; checked below.
function toMilli (value: number): number {
  const milli = Math.round(value * 1000)
  if (milli / 1000 !== value) throw new Error(`${value} is not a whole number of thousandths`)
  return milli
}

// Non-negative thousandths as a decimal string, written with integer arithmetic only.
function decimalText (milli: number): string {
  return `${Math.trunc(milli / 1000)}.${String(milli % 1000).padStart(3, '0')}`
}

function errorCode (score: LeafScore): ScoringErrorCode | 'ok' {
  return score.ok ? 'ok' : score.error.code
}

function errorMessage (score: LeafScore): string {
  return score.ok ? '' : score.error.message.en
}

const rangeLeaf: CatalogNode = { code: '1.1.2', kind: 'subcriterion', title: 'range', maxPoints: 1, scoring: { method: 'range', step: 0.25 } }

const optionsLeaf: CatalogNode = {
  code: '6.3.3',
  kind: 'subcriterion',
  title: 'options',
  maxPoints: 1,
  scoring: {
    method: 'options',
    options: [
      { code: 'a', label: 'Đã xử lý đầy đủ', points: 1 },
      { code: 'b', label: 'Xử lý chưa đầy đủ', points: 0.5 },
      { code: 'c', label: 'Không xử lý', points: 0 },
      { code: 'na', label: 'Không áp dụng', notApplicable: true }
    ]
  }
}

const bandsLeaf: CatalogNode = {
  code: '3.5.1',
  kind: 'subcriterion',
  title: 'bands',
  maxPoints: 3,
  scoring: {
    method: 'bands',
    input: { label: 'Tỷ lệ hồ sơ giải quyết đúng hạn', unit: '%', min: 0, max: 100 },
    bands: [{ min: 98, points: 3 }, { min: 95, points: 2 }, { min: 90, points: 1 }, { min: 0, points: 0 }]
  }
}

const fixtureLeaves = [DEPARTMENT_CATALOG, DISTRICT_CATALOG].flatMap((file) =>
  leaves(loadCatalog(file)).map((leaf) => ({ file, node: leaf.node })))

t.test('a range leaf accepts every multiple of its step from 0 to its maximum, as numbers and as strings', async (t) => {
  t.same(scoreLeaf(rangeLeaf, { value: 0 }), { ok: true, notApplicable: false, points: 0 })
  t.same(scoreLeaf(rangeLeaf, { value: 0.75 }), { ok: true, notApplicable: false, points: 750 })
  t.same(scoreLeaf(rangeLeaf, { value: '0.75' }), { ok: true, notApplicable: false, points: 750 })
  t.same(scoreLeaf(rangeLeaf, { value: 1 }), { ok: true, notApplicable: false, points: 1000 })
})

t.test('every range leaf of both fixture catalogs accepts exactly the multiples of its step', async (t) => {
  let accepted = 0
  let refused = 0
  const rangeLeaves = fixtureLeaves.filter(({ node }) => node.scoring?.method === 'range')
  // Counted in the raw JSON text, so a bug in leaves() cannot shrink the set under test unnoticed.
  const rawCount = [DEPARTMENT_CATALOG, DISTRICT_CATALOG]
    .map((file) => readFixture(`catalogs/${file}`).split('"method": "range"').length - 1)
    .reduce((a, b) => a + b, 0)
  t.equal(rangeLeaves.length, rawCount, `all ${rawCount} range leaves are exercised`)
  for (const { file, node } of rangeLeaves) {
    if (node.scoring?.method !== 'range') continue
    const step = toMilli(node.scoring.step)
    const max = toMilli(node.maxPoints)
    const label = `${file} ${node.code}`
    for (let k = 0; k * step <= max; k++) {
      const points = k * step
      for (const value of [decimalText(points), Number(decimalText(points))]) {
        const score = scoreLeaf(node, { value })
        if (!score.ok || score.notApplicable || score.points !== points) t.fail(`${label}: ${value} should score ${points} thousandths`, { score })
        else accepted++
      }
    }
    for (let k = 0; (k + 1) * step <= max; k++) {
      const between = [k * step + 1]
      if (step % 2 === 0) between.push(k * step + step / 2)
      for (const points of between) {
        for (const value of [decimalText(points), Number(decimalText(points))]) {
          const score = scoreLeaf(node, { value })
          if (errorCode(score) !== 'off_step') t.fail(`${label}: ${value} should be off the step`, { score })
          else refused++
        }
      }
    }
    t.equal(errorCode(scoreLeaf(node, { value: decimalText(max + step) })), 'above_maximum', `${label}: one step above the maximum`)
    t.equal(errorCode(scoreLeaf(node, { value: decimalText(max + 1) })), 'above_maximum', `${label}: 0.001 above the maximum`)
    t.equal(errorCode(scoreLeaf(node, { value: -node.scoring.step })), 'negative', `${label}: one step below 0`)
  }
  t.ok(accepted > 0 && refused > 0, `${accepted} values accepted and ${refused} refused across the fixtures`)
})

t.test('a value between two steps is refused with a message naming the value and the step', async (t) => {
  const score = scoreLeaf(rangeLeaf, { value: 0.3 })
  t.equal(errorCode(score), 'off_step')
  t.equal(errorMessage(score), '0.3 is not a multiple of the step 0.25.')
  t.equal(errorMessage(scoreLeaf(rangeLeaf, { value: '0.125' })), '0.125 is not a multiple of the step 0.25.')
  // In Vietnamese the officer is told the step and the nearest values to type instead (within 0 and the maximum).
  const vietnamese = (value: number) => { const refused = scoreLeaf(rangeLeaf, { value }); return refused.ok ? '' : refused.error.message.vi }
  t.equal(vietnamese(0.3), 'không đúng bước điểm 0,25 của tiêu chí (gần nhất: 0,25 hoặc 0,5)')
  t.equal(vietnamese(0.1), 'không đúng bước điểm 0,25 của tiêu chí (gần nhất: 0 hoặc 0,25)')
  t.equal(vietnamese(0.9), 'không đúng bước điểm 0,25 của tiêu chí (gần nhất: 0,75 hoặc 1)')
})

t.test('a value above the maximum is refused, not clamped', async (t) => {
  const score = scoreLeaf(rangeLeaf, { value: 1.25 })
  t.equal(errorCode(score), 'above_maximum')
  t.equal(errorMessage(score), '1.25 is above the maximum 1 of leaf 1.1.2.')
  t.equal(score.ok ? '' : score.error.message.vi, 'vượt quá điểm tối đa 1 của tiêu chí')
  t.equal(errorCode(scoreLeaf(rangeLeaf, { value: 1e300 })), 'above_maximum')
  t.equal(errorCode(scoreLeaf(rangeLeaf, { value: '99999999999999999999' })), 'above_maximum')
})

t.test('a negative value is refused', async (t) => {
  const score = scoreLeaf(rangeLeaf, { value: -0.25 })
  t.equal(errorCode(score), 'negative')
  t.equal(errorMessage(score), '-0.25 is negative; points cannot be below 0.')
  t.equal(errorCode(scoreLeaf(rangeLeaf, { value: '-99999999999999999999' })), 'negative')
})

t.test('more than 3 decimals is refused as not a number instead of being rounded', async (t) => {
  const score = scoreLeaf(rangeLeaf, { value: 0.2501 })
  t.equal(errorCode(score), 'not_a_number')
  t.match(errorMessage(score), /^0\.2501 has more than 3 decimal places/)
  t.match(errorMessage(score), /at most 3 decimal places/)
  t.equal(errorCode(scoreLeaf(rangeLeaf, { value: '0.2500001' })), 'not_a_number')
})

t.test('text, NaN and infinities are not numbers', async (t) => {
  for (const value of ['abc', '', '0,25', Number.NaN, Number.POSITIVE_INFINITY]) {
    const score = scoreLeaf(rangeLeaf, { value })
    t.equal(errorCode(score), 'not_a_number', `${String(value)} is refused`)
  }
  t.equal(errorMessage(scoreLeaf(rangeLeaf, { value: 'abc' })), '"abc" is not a number.')
})

t.test('an options leaf gives the points of the chosen option', async (t) => {
  t.same(scoreLeaf(optionsLeaf, { option: 'a' }), { ok: true, notApplicable: false, points: 1000 })
  t.same(scoreLeaf(optionsLeaf, { option: 'b' }), { ok: true, notApplicable: false, points: 500 })
  t.same(scoreLeaf(optionsLeaf, { option: 'c' }), { ok: true, notApplicable: false, points: 0 })
})

t.test('every option of every options leaf in both fixtures scores its stated points', async (t) => {
  for (const { file, node } of fixtureLeaves) {
    if (node.scoring?.method !== 'options') continue
    for (const option of (node.scoring as OptionsScoring).options) {
      const expected: LeafScore = option.notApplicable === true
        ? { ok: true, notApplicable: true }
        : { ok: true, notApplicable: false, points: toMilli(option.points as number) }
      t.same(scoreLeaf(node, { option: option.code }), expected, `${file} ${node.code} option ${option.code}`)
    }
  }
})

t.test('a not-applicable option returns not applicable, not zero points', async (t) => {
  const score = scoreLeaf(optionsLeaf, { option: 'na' })
  t.same(score, { ok: true, notApplicable: true })
  t.notOk('points' in score, 'no points are attached')
})

t.test('an unknown option is refused with the list of options', async (t) => {
  const score = scoreLeaf(optionsLeaf, { option: 'd' })
  t.equal(errorCode(score), 'unknown_option')
  t.equal(errorMessage(score), '"d" is not an option of leaf 6.3.3; the options are a, b, c, na.')
  t.equal(errorCode(scoreLeaf(optionsLeaf, { option: 'A' })), 'unknown_option', 'option codes are case-sensitive')
})

t.test('a bands leaf maps a measurement to the first band whose minimum it reaches, lower bounds inclusive', async (t) => {
  const cases: [number | string, number][] = [
    [100, 3000], [98, 3000], ['98.000', 3000], [97.999, 2000], [95, 2000], [94.999, 1000], [90, 1000], [89.999, 0], [0, 0], ['50', 0]
  ]
  for (const [measurement, points] of cases) {
    t.same(scoreLeaf(bandsLeaf, { measurement }), { ok: true, notApplicable: false, points }, `${measurement} % scores ${points} thousandths`)
  }
})

t.test('every band of every bands leaf in both fixtures starts exactly at its minimum', async (t) => {
  for (const { file, node } of fixtureLeaves) {
    if (node.scoring?.method !== 'bands') continue
    const scoring = node.scoring as BandsScoring
    const bands = [...scoring.bands].sort((a, b) => b.min - a.min)
    bands.forEach((band, i) => {
      const label = `${file} ${node.code} band from ${band.min}`
      t.same(scoreLeaf(node, { measurement: band.min }), { ok: true, notApplicable: false, points: toMilli(band.points) }, label)
      const below = bands[i + 1]
      if (below !== undefined) {
        const justUnder = decimalText(toMilli(band.min) - 1)
        t.same(scoreLeaf(node, { measurement: justUnder }), { ok: true, notApplicable: false, points: toMilli(below.points) }, `${label}: ${justUnder} falls to the band below`)
      }
    })
    t.equal(errorCode(scoreLeaf(node, { measurement: decimalText(toMilli(scoring.input.max) + 1) })), 'measurement_out_of_range', `${file} ${node.code} above the input range`)
  }
})

t.test('bands listed out of order are still read from the highest minimum down', async (t) => {
  const leaf: CatalogNode = {
    ...bandsLeaf,
    scoring: { method: 'bands', input: { label: '%', min: 0, max: 100 }, bands: [{ min: 0, points: 0 }, { min: 95, points: 2 }, { min: 98, points: 3 }] }
  }
  t.same(scoreLeaf(leaf, { measurement: 99 }), { ok: true, notApplicable: false, points: 3000 })
  t.same(scoreLeaf(leaf, { measurement: 96 }), { ok: true, notApplicable: false, points: 2000 })
})

t.test('a measurement outside the input range is refused with the range in the message', async (t) => {
  const above = scoreLeaf(bandsLeaf, { measurement: 100.5 })
  t.equal(errorCode(above), 'measurement_out_of_range')
  t.equal(errorMessage(above), '100.5 is outside the range 0 to 100 % of "Tỷ lệ hồ sơ giải quyết đúng hạn" for leaf 3.5.1.')
  t.equal(errorCode(scoreLeaf(bandsLeaf, { measurement: -0.001 })), 'measurement_out_of_range')
  t.equal(errorCode(scoreLeaf(bandsLeaf, { measurement: 1e30 })), 'measurement_out_of_range')
})

t.test('a measurement with more than 3 decimals or that is not a number is refused', async (t) => {
  t.equal(errorCode(scoreLeaf(bandsLeaf, { measurement: 97.9999 })), 'not_a_number')
  t.match(errorMessage(scoreLeaf(bandsLeaf, { measurement: 97.9999 })), /at most 3 decimal places/)
  t.equal(errorCode(scoreLeaf(bandsLeaf, { measurement: '95%' })), 'not_a_number')
})

t.test('an input meant for another method, or a missing input, is the wrong input', async (t) => {
  const cases: [CatalogNode, LeafInput][] = [
    [rangeLeaf, { option: 'a' }],
    [rangeLeaf, { measurement: 0.5 }],
    [rangeLeaf, { value: 0.5, option: 'a' }],
    [rangeLeaf, {}],
    [optionsLeaf, { value: 1 }],
    [optionsLeaf, {}],
    [bandsLeaf, { value: 3 }],
    [bandsLeaf, { option: 'a' }],
    [bandsLeaf, {}]
  ]
  for (const [leaf, input] of cases) {
    t.equal(errorCode(scoreLeaf(leaf, input)), 'wrong_input', `${leaf.scoring?.method} leaf with ${JSON.stringify(input)}`)
  }
  t.equal(errorMessage(scoreLeaf(rangeLeaf, { option: 'a' })), 'Leaf 1.1.2 is scored by a value (points), not by an option.')
  t.equal(errorMessage(scoreLeaf(optionsLeaf, {})), 'Leaf 6.3.3 is scored by an option, and none was given.')
})

t.test('a parent node or a leaf without a scoring method cannot be scored', async (t) => {
  const parent: CatalogNode = { code: '1.1', kind: 'criterion', title: 'parent', maxPoints: 1, children: [rangeLeaf] }
  const bare: CatalogNode = { code: '1.2', kind: 'criterion', title: 'bare', maxPoints: 1 }
  t.equal(errorCode(scoreLeaf(parent, { value: 1 })), 'no_scoring_method')
  t.equal(errorCode(scoreLeaf(bare, { value: 1 })), 'no_scoring_method')
  t.match(errorMessage(scoreLeaf(bare, { value: 1 })), /1\.2/)
})

t.test('the lowest input of a leaf scores its fewest points and is never "not applicable"', async (t) => {
  t.same(lowestInput(rangeLeaf), { input: { value: 0 }, points: 0 })
  t.same(lowestInput(optionsLeaf), { input: { option: 'c' }, points: 0 })
  t.same(lowestInput(bandsLeaf), { input: { measurement: 0 }, points: 0 })
  // A lower measurement is better here (late dossiers): the band worth least is the top one.
  const lateShare: CatalogNode = {
    ...bandsLeaf,
    scoring: { method: 'bands', input: { label: 'Tỷ lệ hồ sơ trễ hạn', unit: '%', min: 0, max: 100 }, bands: [{ min: 0, points: 3 }, { min: 2, points: 1 }, { min: 5, points: 0.5 }] }
  }
  t.same(lowestInput(lateShare), { input: { measurement: 5 }, points: 500 })
  const noZero: CatalogNode = { ...optionsLeaf, scoring: { method: 'options', options: [{ code: 'na', label: 'Không áp dụng', notApplicable: true }, { code: 'x', label: 'Có', points: 1 }, { code: 'y', label: 'Một phần', points: 0.25 }] } }
  t.same(lowestInput(noZero), { input: { option: 'y' }, points: 250 })
  t.equal(lowestInput({ code: '1', kind: 'field', title: 'field', maxPoints: 1, children: [rangeLeaf] }), null, 'only leaves are scored')
  for (const { node } of fixtureLeaves) {
    const lowest = lowestInput(node)
    t.ok(lowest, `leaf ${node.code} has a lowest input`)
    t.same(scoreLeaf(node, lowest!.input), { ok: true, notApplicable: false, points: lowest!.points }, `leaf ${node.code}: the input scores what it says`)
  }
})
