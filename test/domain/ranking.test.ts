// Ranking, classification, index display, averages and next targets, compared exactly.
import t from 'tap'
import type { ClassificationBand } from '../../server/domain/catalog.js'
import { fractionToString } from '../../server/domain/decimal.js'
import {
  average,
  averageDisplay,
  classify,
  compareIndex,
  compareNames,
  indexDisplay,
  nextTargets,
  percentOfMaximum
} from '../../server/domain/ranking.js'
import { rankUnits } from '../helpers/ranking-oracle.js'

const bands2020: ClassificationBand[] = [
  { code: 'XUAT_SAC', label: 'Xuất sắc', min: 90 },
  { code: 'TOT', label: 'Tốt', min: 80 },
  { code: 'KHA', label: 'Khá', min: 70 },
  { code: 'TRUNG_BINH', label: 'Trung bình', min: 50 },
  { code: 'YEU', label: 'Yếu', min: 0 }
]

// Units out of 100 points, given in thousandths.
function unit (name: string, points: number): { name: string, points: number, maximum: number } {
  return { name, points, maximum: 100_000 }
}

function ranksOf (units: { name: string, rank: number }[]): string[] {
  return units.map((entry) => `${entry.rank} ${entry.name}`)
}

t.test('ties share a rank and the next score gets the next integer', async (t) => {
  const units = [
    unit('G', 90_500), unit('F', 90_750), unit('E', 90_750), unit('D', 92_000), unit('C', 93_000), unit('B', 94_000), unit('A', 95_000)
  ]
  t.same(ranksOf(rankUnits(units, 'dense')), ['1 A', '2 B', '3 C', '4 D', '5 E', '5 F', '6 G'])
})

t.test('competition ranking skips the places taken by a tie', async (t) => {
  const units = [
    unit('G', 90_500), unit('F', 90_750), unit('E', 90_750), unit('D', 92_000), unit('C', 93_000), unit('B', 94_000), unit('A', 95_000)
  ]
  t.same(ranksOf(rankUnits(units, 'competition')), ['1 A', '2 B', '3 C', '4 D', '5 E', '5 F', '7 G'])
})

t.test('dense ranking is the default', async (t) => {
  t.same(ranksOf(rankUnits([unit('A', 1), unit('B', 1), unit('C', 0)])), ['1 A', '1 B', '2 C'])
})

t.test('a tie at the top shares rank 1', async (t) => {
  const units = [unit('C', 91_000), unit('B', 92_000), unit('A', 92_000), unit('D', 80_000)]
  t.same(ranksOf(rankUnits(units, 'dense')), ['1 A', '1 B', '2 C', '3 D'])
  t.same(ranksOf(rankUnits(units, 'competition')), ['1 A', '1 B', '3 C', '4 D'])
})

t.test('a tie at the bottom shares the last rank', async (t) => {
  const units = [unit('C', 91_000), unit('A', 92_000), unit('B', 91_000), unit('D', 91_000)]
  t.same(ranksOf(rankUnits(units, 'dense')), ['1 A', '2 B', '2 C', '2 D'])
  t.same(ranksOf(rankUnits(units, 'competition')), ['1 A', '2 B', '2 C', '2 D'])
})

t.test('when all units are equal they all rank first, in name order', async (t) => {
  const units = [unit('Ca', 85_000), unit('Ba', 85_000), unit('Aa', 85_000)]
  t.same(ranksOf(rankUnits(units, 'dense')), ['1 Aa', '1 Ba', '1 Ca'])
  t.same(ranksOf(rankUnits(units, 'competition')), ['1 Aa', '1 Ba', '1 Ca'])
})

t.test('a single unit ranks first and no units give no ranking', async (t) => {
  t.same(ranksOf(rankUnits([unit('Sở Nội vụ', 86_750)], 'competition')), ['1 Sở Nội vụ'])
  t.same(rankUnits([], 'dense'), [])
})

t.test('units with equal index are listed in Vietnamese order: Đ after D, Sở Tư pháp before Văn phòng UBND tỉnh', async (t) => {
  const names = ['Văn phòng UBND tỉnh', 'Đông Sơn', 'Sở Tư pháp', 'Ea Súp', 'Dương Kinh', 'Dzũng', 'Đa Phúc', 'Sở Tài chính']
  const ranked = rankUnits(names.map((name) => unit(name, 89_000)), 'dense')
  t.same(ranked.map((entry) => entry.name), [
    'Dương Kinh', 'Dzũng', 'Đa Phúc', 'Đông Sơn', 'Ea Súp', 'Sở Tài chính', 'Sở Tư pháp', 'Văn phòng UBND tỉnh'
  ])
  t.ok(ranked.every((entry) => entry.rank === 1))
})

t.test('the name comparison treats Đ as its own letter after D, not as an accented D', async (t) => {
  t.ok(compareNames('Dương', 'Đông') < 0, 'Dương before Đông')
  t.ok(compareNames('Dz', 'Đa') < 0, 'every D word before any Đ word')
  t.ok(compareNames('Đz', 'E') < 0, 'Đ before E')
  t.ok(compareNames('Sở Tư pháp', 'Văn phòng UBND tỉnh') < 0)
  t.ok(compareNames('a', 'ă') < 0 && compareNames('ă', 'â') < 0 && compareNames('â', 'b') < 0, 'a, ă, â, b')
  t.ok(compareNames('o', 'ô') < 0 && compareNames('ô', 'ơ') < 0 && compareNames('ơ', 'p') < 0, 'o, ô, ơ, p')
  t.ok(compareNames('u', 'ư') < 0 && compareNames('ư', 'v') < 0, 'u, ư, v')
  t.equal(compareNames('Sở Nội vụ', 'Sở Nội vụ'), 0)
})

t.test('ranking keeps each unit\'s own properties and does not reorder the input', async (t) => {
  const input = [{ code: 'X', name: 'B', points: 1000, maximum: 2000 }, { code: 'Y', name: 'A', points: 2000, maximum: 2000 }]
  const ranked = rankUnits(input, 'dense')
  t.same(ranked, [{ code: 'Y', name: 'A', points: 2000, maximum: 2000, rank: 1 }, { code: 'X', name: 'B', points: 1000, maximum: 2000, rank: 2 }])
  t.same(input.map((entry) => entry.code), ['X', 'Y'])
  t.notOk('rank' in (input[0] as object))
})

t.test('units with different applicable maxima are ranked by index, not by points', async (t) => {
  // 45 of 50 is 90 %, above 89 of 100 and level with 90 of 100.
  const units = [
    { name: 'A', points: 89_000, maximum: 100_000 },
    { name: 'B', points: 45_000, maximum: 50_000 },
    { name: 'C', points: 90_000, maximum: 100_000 }
  ]
  t.same(ranksOf(rankUnits(units, 'dense')), ['1 B', '1 C', '2 A'])
})

t.test('the index comparison is exact where floating point division is not', async (t) => {
  t.equal(compareIndex({ points: 1, maximum: 3 }, { points: 333, maximum: 1000 }), 1, '1/3 is above 0.333')
  t.equal(compareIndex({ points: 2, maximum: 6 }, { points: 1, maximum: 3 }), 0)
  t.equal(compareIndex({ points: 90_000, maximum: 100_000 }, { points: 90_001, maximum: 100_000 }), -1)
  // Both ratios round to the same double, but they differ.
  const big = Number.MAX_SAFE_INTEGER
  t.equal((big - 1) / big === (big - 2) / (big - 1), true, 'the float quotients collide')
  t.equal(compareIndex({ points: big - 1, maximum: big }, { points: big - 2, maximum: big - 1 }), 1)
})

t.test('a unit with nothing applicable has index 0', async (t) => {
  t.equal(compareIndex({ points: 0, maximum: 0 }, { points: 0, maximum: 100_000 }), 0)
  t.equal(compareIndex({ points: 0, maximum: 0 }, { points: 1, maximum: 100_000 }), -1)
  t.equal(indexDisplay(0, 0), '0.00')
  t.equal(classify(0, 0, bands2020).code, 'YEU')
})

t.test('a negative maximum is a programming error', async (t) => {
  t.throws(() => compareIndex({ points: 1, maximum: -1 }, { points: 1, maximum: 1 }), RangeError)
})

t.test('classification lower bounds are inclusive: 90.00 is Xuất sắc and 80.00 is Tốt', async (t) => {
  const cases: [number, string][] = [
    [100_000, 'Xuất sắc'], [90_000, 'Xuất sắc'], [89_999, 'Tốt'], [80_000, 'Tốt'], [79_999, 'Khá'],
    [70_000, 'Khá'], [69_999, 'Trung bình'], [50_000, 'Trung bình'], [49_999, 'Yếu'], [0, 'Yếu']
  ]
  for (const [points, label] of cases) {
    t.equal(classify(points, 100_000, bands2020).label, label, `${points / 1000} is ${label}`)
  }
})

t.test('classification uses the index, so 45 of 50 is Xuất sắc and 44.999 of 50 is not', async (t) => {
  t.equal(classify(45_000, 50_000, bands2020).code, 'XUAT_SAC')
  t.equal(classify(44_999, 50_000, bands2020).code, 'TOT')
})

t.test('classification does not depend on the order bands are listed in', async (t) => {
  const shuffled = [bands2020[4], bands2020[1], bands2020[0], bands2020[3], bands2020[2]] as ClassificationBand[]
  t.equal(classify(85_000, 100_000, shuffled).code, 'TOT')
  t.equal(classify(95_000, 100_000, shuffled).code, 'XUAT_SAC')
  t.equal(classify(10_000, 100_000, shuffled).code, 'YEU')
})

t.test('classification bands with fractional minimums are compared exactly', async (t) => {
  const bands: ClassificationBand[] = [{ code: 'HIGH', label: 'High', min: 66.667 }, { code: 'LOW', label: 'Low', min: 0 }]
  // 2/3 is 66.6666…, just under 66.667.
  t.equal(classify(2000, 3000, bands).code, 'LOW')
  t.equal(classify(66_667, 100_000, bands).code, 'HIGH')
})

t.test('classification refuses bands that leave an index unclassified', async (t) => {
  t.throws(() => classify(10_000, 100_000, [{ code: 'A', label: 'A', min: 50 }]), RangeError)
})

t.test('the index is displayed rounded half up to 2 places', async (t) => {
  t.equal(indexDisplay(92_000, 100_000), '92.00')
  t.equal(indexDisplay(45_000, 50_000), '90.00')
  t.equal(indexDisplay(1000, 3000), '33.33')
  t.equal(indexDisplay(2000, 3000), '66.67')
  t.equal(indexDisplay(90_125, 100_000), '90.13')
  t.equal(indexDisplay(90_124, 100_000), '90.12')
})

t.test('an average is exact and rounds half up for display', async (t) => {
  t.same(average([19_000, 19_650]), { numerator: 38_650n, denominator: 2000n })
  t.equal(averageDisplay([19_000, 19_650]), '19.33', '19.325 rounds up')
  t.equal(averageDisplay([12_000, 12_350]), '12.18', '12.175 rounds up')
  t.equal(averageDisplay([9_000, 9_250]), '9.13', '9.125 rounds up')
  t.equal(averageDisplay([1000, 1000, 2000], 3), '1.333')
  t.equal(average([]), null)
  t.equal(averageDisplay([]), null)
})

t.test('an amount as a percentage of a maximum is exact', async (t) => {
  const mean = average([14_000, 14_600])
  if (mean === null) throw new Error('expected a mean')
  t.equal(fractionToString(percentOfMaximum(mean, 19_000)), '75.26', '14.30 of 19 is 75.26 %')
  t.throws(() => percentOfMaximum(mean, 0), RangeError)
})

t.test('next targets give the points to the next band and to the unit directly above', async (t) => {
  const field = [unit('A', 92_000), unit('B', 90_750), unit('C', 89_000), unit('D', 88_500), unit('E', 88_500)]
  const targets = nextTargets({ points: 88_500, maximum: 100_000 }, field, bands2020)
  t.equal(targets.band.code, 'TOT')
  t.equal(targets.nextBand?.code, 'XUAT_SAC')
  t.equal(targets.pointsToNextBand, 1500, '88.5 needs 1.5 more for 90')
  t.equal(targets.pointsToNextRank, 500, 'C at 89 is directly above; a unit with an equal index is not above')
})

t.test('the first unit in the top band has no band to reach and no rank to gain', async (t) => {
  const field = [unit('A', 92_000), unit('B', 92_000), unit('C', 80_000)]
  t.same(nextTargets({ points: 92_000, maximum: 100_000 }, field, bands2020), {
    band: bands2020[0],
    nextBand: null,
    pointsToNextBand: null,
    pointsToNextRank: 0
  })
})

t.test('a unit exactly on a band minimum is in that band and aims at the next one', async (t) => {
  const targets = nextTargets({ points: 50_000, maximum: 100_000 }, [unit('A', 70_000)], bands2020)
  t.equal(targets.band.code, 'TRUNG_BINH')
  t.equal(targets.nextBand?.code, 'KHA')
  t.equal(targets.pointsToNextBand, 20_000)
  t.equal(targets.pointsToNextRank, 20_000)
})

t.test('targets for a unit with a smaller applicable maximum are in its own points, rounded up to a thousandth', async (t) => {
  // 40 of 50 is 80 %; 90 % of 50 is 45; the unit above at 80.001 % needs 40.0005 of 50, so 40.001.
  const targets = nextTargets({ points: 40_000, maximum: 50_000 }, [unit('A', 80_001), unit('B', 95_000)], bands2020)
  t.equal(targets.pointsToNextBand, 5000)
  t.equal(targets.pointsToNextRank, 1)
})

t.test('a unit with nothing applicable cannot gain points, so its targets are unreachable', async (t) => {
  const targets = nextTargets({ points: 0, maximum: 0 }, [unit('A', 50_000)], bands2020)
  t.equal(targets.band.code, 'YEU')
  t.equal(targets.pointsToNextBand, null)
  t.equal(targets.pointsToNextRank, null)
})
