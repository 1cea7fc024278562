// The annual report's figures and sentences on plain data: Vietnamese number forms, the 2020 departments' figures as
// the report should have written them (its own prose has errors the table does not), and the edge cases of counts,
// not-applicable fields, ties and the change on a previous year.
import t from 'tap'
import { catalogStats, leaves as catalogLeaves } from '../../server/domain/catalog.js'
import { parseMilli, type Milli } from '../../server/domain/decimal.js'
import {
  bandGroups, fieldAverages, fieldFigures, fieldShareChange, gapFigures, indexSpread, movesOnPreviousYear, topWithTies
} from '../../server/domain/report-figures.js'
import {
  capitalize, changeWords, countOf, itemLetter, joinAnd, lowerFirst, roman, twoDigits, upper, viDate, viDecimal, viMilli, viPoints, viYear
} from '../../server/domain/report-format.js'
import {
  averagesSentence, bandItem, bandRange, bandsSentence, fieldParagraph, gapSentences, movesSentences, overallLead, spreadSentence, structureItem,
  structureLead, unitsPhrase
} from '../../server/domain/report-sentences.js'
import { computeResults, previousFrom, type FieldSums, type ResultUnitInput } from '../../server/domain/results.js'
import { DEPARTMENT_CATALOG, loadCatalog, loadUnits, parseCsv, readFixture } from './fixtures.js'

const milli = (text: string | undefined): Milli => {
  const value = text === undefined ? null : parseMilli(text)
  if (value === null) throw new Error(`not a decimal: ${String(text)}`)
  return value
}

const sums = (self: Milli, appraised: Milli, extra: Partial<FieldSums> = {}): FieldSums =>
  ({ selfPoints: self, selfNotApplicable: 0, appraisedPoints: appraised, appraisedNotApplicable: 0, selfAnswered: 1, appraised: 1, ...extra })

const BANDS = [
  { code: 'XUAT_SAC', label: 'Xuất sắc', min: 90 },
  { code: 'TOT', label: 'Tốt', min: 80 },
  { code: 'KHA', label: 'Khá', min: 70 },
  { code: 'TRUNG_BINH', label: 'Trung bình', min: 50 },
  { code: 'YEU', label: 'Yếu', min: 0 }
]

// The 2020 departments computed from the report's field points (Bảng 2), with their official names.
const catalog = loadCatalog(DEPARTMENT_CATALOG)
const names = new Map(loadUnits().map((unit) => [unit.code, unit.name]))
const csv = parseCsv(readFixture('results/thanh-hoa-2020-so-nganh.csv'))
const fields2020 = catalog.nodes.map((field) => ({ code: field.code, title: field.title, maxPoints: milli(String(field.maxPoints)), leaves: catalogLeaves({ nodes: [field] }).length }))
const units2020: ResultUnitInput[] = csv.map((row) => ({
  id: row.unit_code as string,
  code: row.unit_code as string,
  name: names.get(row.unit_code as string) as string,
  fields: new Map(fields2020.map((field) => [field.code, sums(milli(row[`f${field.code}_self`]), milli(row[`f${field.code}_appraised`]))]))
}))
const results2020 = computeResults({ fields: fields2020, units: units2020, bands: catalog.classification, ranking: catalog.ranking })

t.test('numbers, counts and letters are written the way Vietnamese administrative reports write them', async (t) => {
  t.equal(viDecimal('92.75'), '92,75')
  t.equal(viDecimal('-1.20'), '-1,20')
  t.equal(twoDigits(7), '07')
  t.equal(twoDigits(0), '00')
  t.equal(twoDigits(27), '27')
  t.equal(twoDigits(120), '120')
  t.throws(() => twoDigits(-1))
  t.equal(countOf(4, 20), '04/20')
  t.equal(countOf(14, 20), '14/20')
  t.equal(viMilli(10_000), '10')
  t.equal(viMilli(20_500), '20,5')
  t.equal(viMilli(250), '0,25')
  t.equal(viMilli(-1_125), '-1,125')
  t.equal(viPoints(15.5), '15,5')
  t.equal(viPoints(19), '19')
  t.same([0, 3, 4, 5, 6, 9, 22, 23].map(itemLetter), ['a', 'd', 'đ', 'e', 'g', 'k', 'y', 'aa'], 'a, b, c, d, đ, e, g… with no f or j')
  t.same([1, 2, 3, 4, 9, 14, 40].map(roman), ['I', 'II', 'III', 'IV', 'IX', 'XIV', 'XL'])
  t.equal(joinAnd(['A']), 'A')
  t.equal(joinAnd(['A', 'B']), 'A và B')
  t.equal(joinAnd(['A', 'B', 'C']), 'A, B và C')
  t.equal(upper('UBND tỉnh Thanh Hóa'), 'UBND TỈNH THANH HÓA')
  t.equal(upper('Sở Nội vụ'), 'SỞ NỘI VỤ')
  t.equal(lowerFirst('Sở, ban, ngành cấp tỉnh'), 'sở, ban, ngành cấp tỉnh')
  t.equal(lowerFirst('UBND huyện, thị xã, thành phố'), 'UBND huyện, thị xã, thành phố', 'an abbreviation keeps its capitals')
  t.equal(capitalize('không có đơn vị nào'), 'Không có đơn vị nào')
  t.equal(unitsPhrase('Sở, ban, ngành cấp tỉnh'), 'các sở, ban, ngành cấp tỉnh')
})

t.test('a change reads as tăng, giảm or không thay đổi from its rounded display', async (t) => {
  t.equal(changeWords('1.20', 'điểm'), 'tăng 1,20 điểm')
  t.equal(changeWords('-12.51', 'điểm phần trăm'), 'giảm 12,51 điểm phần trăm')
  t.equal(changeWords('0.00', 'điểm'), 'không thay đổi')
  t.equal(changeWords('-0.00', 'điểm'), 'không thay đổi')
})

t.test('dates are Vietnam\'s: a UTC evening is the next day in Hà Nội', async (t) => {
  t.equal(viDate('2021-02-14T18:30:00Z'), '15/02/2021')
  t.equal(viYear(new Date('2021-12-31T18:00:00Z')), 2022)
})

t.test('Phần 1 states the 2020 department index as the report does: 07 fields, 36 criteria, 66 sub-criteria', async (t) => {
  const stats = catalogStats(catalog)
  t.equal(structureLead('Sở, ban, ngành cấp tỉnh', stats),
    'Chỉ số CCHC của các sở, ban, ngành cấp tỉnh được xác định trên 07 lĩnh vực, 36 tiêu chí và 66 tiêu chí thành phần, với tổng điểm tối đa 100 điểm. Cụ thể:')
  t.equal(structureItem(0, stats[0]!), 'a) Công tác chỉ đạo, điều hành CCHC: 05 tiêu chí và 11 tiêu chí thành phần; tối đa 19 điểm.')
  t.match(structureItem(4, stats[4]!), /^đ\) Xây dựng và nâng cao chất lượng đội ngũ/)
  t.match(structureItem(6, stats[6]!), /^g\) Hiện đại hóa hành chính: 05 tiêu chí và 14 tiêu chí thành phần; tối đa 15,5 điểm\.$/)
  t.equal(structureItem(0, { ...stats[0]!, subcriteria: 0 }), 'a) Công tác chỉ đạo, điều hành CCHC: 05 tiêu chí; tối đa 19 điểm.', 'no sub-criteria, no "00 tiêu chí thành phần"')
  t.equal(bandsSentence(BANDS), 'Kết quả được xếp thành 05 loại theo Chỉ số CCHC: Xuất sắc (từ 90 điểm trở lên); Tốt (từ 80 đến dưới 90 điểm); ' +
    'Khá (từ 70 đến dưới 80 điểm); Trung bình (từ 50 đến dưới 70 điểm); Yếu (dưới 50 điểm).')
  t.equal(bandRange(72.5, 85), 'từ 72,5 đến dưới 85 điểm')
})

t.test('the 2020 classification counts and lists follow Bảng 1, with the empty Yếu band said as such', async (t) => {
  const groups = bandGroups(results2020, catalog.classification)
  t.same(groups.map((group) => group.units.length), [7, 9, 3, 1, 0])
  t.equal(overallLead('Sở, ban, ngành cấp tỉnh', results2020.average!.appraised.total.display, null, groups),
    'Điểm thẩm định trung bình của các sở, ban, ngành cấp tỉnh là 85,03 điểm. Về xếp loại: 07 đơn vị xếp loại Xuất sắc (từ 90 điểm trở lên); ' +
    '09 đơn vị xếp loại Tốt (từ 80 đến dưới 90 điểm); 03 đơn vị xếp loại Khá (từ 70 đến dưới 80 điểm); 01 đơn vị xếp loại Trung bình ' +
    '(từ 50 đến dưới 70 điểm); không có đơn vị xếp loại Yếu (dưới 50 điểm). Cụ thể:')
  t.equal(overallLead('Sở, ban, ngành cấp tỉnh', '85.03', { previousYear: 2019, display: '-1.20' }, groups).split('. Về')[0],
    'Điểm thẩm định trung bình của các sở, ban, ngành cấp tỉnh là 85,03 điểm, giảm 1,20 điểm so với năm 2019')
  t.equal(bandItem(groups[3]!), '- Xếp loại Trung bình có 01 đơn vị: Thanh tra tỉnh (58,75 điểm).')
  t.match(bandItem(groups[0]!), /^- Xếp loại Xuất sắc có 07 đơn vị: Sở Thông tin và Truyền thông \(92,00 điểm\), Sở Giao thông vận tải \(91,75 điểm\), /)
  t.equal(bandItem(groups[4]!), null)
  t.equal(spreadSentence(indexSpread(results2020)!),
    'Đơn vị có Chỉ số CCHC cao nhất là Sở Thông tin và Truyền thông (92,00 điểm); đơn vị thấp nhất là Thanh tra tỉnh (58,75 điểm); ' +
    'chênh lệch giữa mức cao nhất và thấp nhất là 33,25 điểm.')
})

t.test('the 2020 field paragraphs carry the table\'s counts and extremes, not the prose\'s errors', async (t) => {
  const organisation = fieldFigures(results2020, '4')
  t.same([organisation.atMaximum.length, organisation.fromHighShare, organisation.belowHighShare], [14, 4, 2], 'as the report: 14/20, 04/20 and 02')
  t.equal(fieldParagraph(organisation, 6, null),
    'Biểu đồ 6 cho thấy giá trị trung bình của lĩnh vực này đạt 9,13/10 điểm, bằng 91,25% số điểm tối đa. ' +
    'Có 14/20 đơn vị đạt điểm tối đa (10/10 điểm); 04/20 đơn vị đạt từ 80% đến dưới 100% số điểm; 02/20 đơn vị đạt dưới 80%. ' +
    'Đơn vị đạt tỷ lệ thấp nhất là Sở Xây dựng (4,50/10 điểm, 45,00%).')

  const legal = fieldFigures(results2020, '2')
  t.same([legal.atMaximum.length, legal.fromHighShare, legal.belowHighShare], [9, 7, 4], 'the report\'s 09 at the maximum and 07 from 80 %')
  t.same(legal.lowest.map((share) => [share.name, share.display, share.percentDisplay]), [['Văn phòng UBND tỉnh', '3.00', '30.00']],
    'the lowest is Văn phòng UBND tỉnh with 3,00 (the prose swapped it with Thanh tra tỉnh\'s 3,50)')

  const leadership = fieldFigures(results2020, '1')
  t.equal(leadership.average.percentDisplay, '75.26', 'the leadership average is 75,26 %, not the prose\'s 75,38 %')
  t.equal(leadership.atMaximum.length, 0)
  t.same(leadership.highest.map((share) => share.name), ['Ban Quản lý Khu kinh tế Nghi Sơn và các Khu công nghiệp'])
  t.same(leadership.lowest.map((share) => [share.name, share.percentDisplay]), [['Sở Văn hóa, Thể thao và Du lịch', '35.53'], ['Thanh tra tỉnh', '35.53']],
    'two units tie at 6,75/19 = 35,53 % (half up; the prose truncates to 35,52 %)')
  const text = fieldParagraph(leadership, 3, { previousYear: 2019, previousPercentDisplay: '87.77', changeDisplay: '-12.51' })
  t.match(text, /^Biểu đồ 3 cho thấy giá trị trung bình của lĩnh vực này đạt 14,30\/19 điểm, bằng 75,26% số điểm tối đa, giảm 12,51 điểm phần trăm so với năm 2019 \(87,77%\)\. /)
  t.match(text, /Không có đơn vị nào đạt điểm tối đa; 08\/20 đơn vị đạt từ 80% đến dưới 100% số điểm; 12\/20 đơn vị đạt dưới 80%\. /)
  t.match(text, /Đơn vị đạt tỷ lệ cao nhất là Ban Quản lý Khu kinh tế Nghi Sơn và các Khu công nghiệp \(18,25\/19 điểm, 96,05%\)\. /)
  t.match(text, /Các đơn vị đạt tỷ lệ thấp nhất là Sở Văn hóa, Thể thao và Du lịch \(6,75\/19 điểm, 35,53%\) và Thanh tra tỉnh \(6,75\/19 điểm, 35,53%\)\.$/)

  for (const field of fields2020) {
    const figures = fieldFigures(results2020, field.code)
    t.equal(figures.atMaximum.length + figures.fromHighShare + figures.belowHighShare, 20, `field ${field.code}: the three counts cover every unit`)
  }
})

t.test('the field averages name the highest and lowest field by their exact share', async (t) => {
  const averages = fieldAverages(results2020)
  t.same(averages.highest.map((field) => [field.code, field.percentDisplay]), [['6', '95.00']])
  t.same(averages.lowest.map((field) => [field.code, field.percentDisplay]), [['1', '75.26']])
  t.match(averagesSentence(averages, 2), /^Giá trị trung bình của các lĩnh vực so với điểm tối đa \(Biểu đồ 2\): Công tác chỉ đạo, điều hành CCHC đạt 75,26%; .* Cao nhất là lĩnh vực Cải cách tài chính công \(95,00%\); thấp nhất là lĩnh vực Công tác chỉ đạo, điều hành CCHC \(75,26%\)\.$/)
})

t.test('the 2020 gap between self and appraised: mean 11,33 exactly (96,35 − 85,025), the five largest', async (t) => {
  const gap = gapFigures(results2020)!
  t.equal(gap.meanGapDisplay, '11.33')
  t.same([gap.above, gap.equal, gap.below], [20, 0, 0])
  t.same(gap.largest.map((unit) => [unit.name, unit.gapDisplay]), [
    ['Thanh tra tỉnh', '29.75'], ['Ban Dân tộc', '17.50'], ['Sở Văn hóa, Thể thao và Du lịch', '17.25'], ['Sở Xây dựng', '17.00'], ['Sở Giáo dục và Đào tạo', '15.25']
  ])
  const [summary, largest] = gapSentences('Sở, ban, ngành cấp tỉnh', gap)
  t.equal(summary, 'Ở các sở, ban, ngành cấp tỉnh, điểm tự đánh giá trung bình là 96,35 điểm, điểm thẩm định trung bình là 85,03 điểm, ' +
    'chênh lệch trung bình 11,33 điểm; 20/20 đơn vị có điểm tự đánh giá cao hơn điểm thẩm định.')
  t.match(largest, /^Các đơn vị có điểm tự đánh giá cao hơn điểm thẩm định nhiều nhất: Thanh tra tỉnh \(tự đánh giá 88,50 điểm, thẩm định 58,75 điểm, chênh lệch 29,75 điểm\); Ban Dân tộc/)
})

t.test('when no unit scored itself above the appraisal, the sentence says so in words, not "00/27"', async (t) => {
  const gap = { units: 27, selfAverageDisplay: '80.00', appraisedAverageDisplay: '80.50', meanGapDisplay: '-0.50', above: 0, equal: 20, below: 7, largest: [] }
  const sentences = gapSentences('Sở, ban, ngành cấp tỉnh', gap)
  t.same(sentences, ['Ở các sở, ban, ngành cấp tỉnh, điểm tự đánh giá trung bình là 80,00 điểm, điểm thẩm định trung bình là 80,50 điểm, ' +
    'chênh lệch trung bình -0,50 điểm; không có đơn vị nào có điểm tự đánh giá cao hơn điểm thẩm định, 20/27 đơn vị có hai điểm bằng nhau, ' +
    '07/27 đơn vị tự đánh giá thấp hơn điểm thẩm định.'])
  t.notMatch(sentences[0], /00\/27/)
})

// A small round: field A (max 10) and field B (max 90), five units.
const small = (fieldA: number[], fieldB: number[], extra: Partial<FieldSums>[] = []) => computeResults({
  fields: [{ code: 'A', title: 'Lĩnh vực A', maxPoints: 10_000, leaves: 2 }, { code: 'B', title: 'Lĩnh vực B', maxPoints: 90_000, leaves: 2 }],
  units: fieldA.map((points, i) => ({
    id: `u${i}`,
    code: `U${i}`,
    name: `Đơn vị ${String.fromCharCode(65 + i)}`,
    fields: new Map([['A', sums(points, points, extra[i] ?? {})], ['B', sums(fieldB[i] as number, fieldB[i] as number)]])
  })),
  bands: BANDS,
  ranking: 'dense'
})

t.test('exactly 80 % counts as from 80 %; 79,75 % does not', async (t) => {
  const figures = fieldFigures(small([10_000, 8_000, 7_975, 10_000, 9_990], [80_000, 80_000, 80_000, 80_000, 80_000]), 'A')
  t.equal(figures.atMaximum.length, 2)
  t.equal(figures.fromHighShare, 2, '8,00/10 and 9,99/10')
  t.equal(figures.belowHighShare, 1, '7,975/10 is below 80 %')
})

t.test('a field wholly not applicable to a unit leaves the unit out; a smaller applicable maximum drops the "10/10 điểm"', async (t) => {
  const results = small([10_000, 0, 4_000, 8_000, 6_000], [80_000, 80_000, 80_000, 80_000, 80_000], [
    {}, { appraisedNotApplicable: 10_000 }, { appraisedNotApplicable: 5_000 }, {}, {}
  ])
  const figures = fieldFigures(results, 'A')
  t.equal(figures.units, 4, 'the unit with nothing applicable is not counted')
  t.same(figures.atMaximum.map((share) => share.name), ['Đơn vị A'])
  t.equal(figures.fullMaximumEverywhere, false)
  t.same(figures.lowest.map((share) => [share.name, share.maximum, share.percentDisplay]), [['Đơn vị E', 10, '60.00']], '4/5 (80 %) of Đơn vị C is above 6/10')
  t.equal(figures.fromHighShare, 2, 'Đơn vị C (4/5) and Đơn vị D (8/10)')
  const text = fieldParagraph(figures, 3, null)
  t.match(text, /Có 01\/4 đơn vị đạt điểm tối đa: Đơn vị A; 02\/4 đơn vị đạt từ 80% đến dưới 100% số điểm; 01\/4 đơn vị đạt dưới 80%\./)
})

t.test('units tied at the extremes are all named, up to five; more are counted', async (t) => {
  const results = small([5_000, 5_000, 5_000, 5_000, 5_000], [90_000, 90_000, 90_000, 90_000, 90_000])
  const figures = fieldFigures(results, 'A')
  t.equal(figures.highest.length, 5)
  t.match(fieldParagraph(figures, 3, null), /Không có đơn vị nào đạt điểm tối đa; không có đơn vị nào đạt từ 80% đến dưới 100% số điểm; 05\/5 đơn vị đạt dưới 80%\. Các đơn vị đạt tỷ lệ cao nhất là Đơn vị A \(5,00\/10 điểm, 50,00%\), Đơn vị B/)
  t.notMatch(fieldParagraph(figures, 3, null), /thấp nhất/, 'when every unit ties, there is no separate lowest')
  t.same(topWithTies([9, 8, 8, 8, 7], 2, (a, b) => a === b), [9, 8, 8, 8])
  t.same(topWithTies([9, 8, 7], 5, (a, b) => a === b), [9, 8, 7])
})

t.test('a field\'s change on the previous year is in percentage points of each year\'s own maximum, exact', async (t) => {
  const now = small([10_000, 8_000, 9_000, 9_500, 9_000], [80_000, 80_000, 80_000, 80_000, 80_000])
  // Last year field A was worth 8 points: 6 + 8 + 7 = 21 of 24 (87,5 %); this year 45.5 of 50 (91 %).
  const before = computeResults({
    fields: [{ code: 'A0', title: 'Lĩnh vực A', maxPoints: 8_000, leaves: 1 }],
    units: [6_000, 8_000, 7_000].map((points, i) => ({ id: `p${i}`, code: `P${i}`, name: `Trước ${i}`, fields: new Map([['A0', sums(points, points)]]) })),
    bands: BANDS,
    ranking: 'dense'
  })
  t.same(fieldShareChange(now, before, 'A', 'A0'), { previousPercentDisplay: '87.50', changeDisplay: '3.50' })
  t.equal(fieldShareChange(now, before, 'A', 'missing'), null)
})

t.test('moves on the previous year: counts up, down and same, the largest moves and every change of class', async (t) => {
  const before = small([10_000, 8_000, 6_000, 4_000, 2_000], [85_000, 80_000, 75_000, 70_000, 40_000])
  // Totals then: A 95, B 88, C 81, D 74, E 42; now: A 83, B 88, C 81, D 74, E 98. Đơn vị E climbs from last to first;
  // Đơn vị A falls from 1st to 3rd and from Xuất sắc to Tốt; C and D each lose one place; B keeps 2nd.
  const after = computeResults({
    fields: [{ code: 'A', title: 'Lĩnh vực A', maxPoints: 10_000, leaves: 2 }, { code: 'B', title: 'Lĩnh vực B', maxPoints: 90_000, leaves: 2 }],
    units: [[5_000, 78_000], [8_000, 80_000], [6_000, 75_000], [4_000, 70_000], [10_000, 88_000]].map(([a, b], i) => ({
      id: `u${i}`, code: `U${i}`, name: `Đơn vị ${String.fromCharCode(65 + i)}`, fields: new Map([['A', sums(a as number, a as number)], ['B', sums(b as number, b as number)]])
    })),
    bands: BANDS,
    ranking: 'dense'
  }, previousFrom(before, { round: { id: 'r2019', code: '2019', year: 2019 }, source: 'published', version: 1, fieldMap: new Map([['A', 'A'], ['B', 'B']]) }))
  const moves = movesOnPreviousYear(after, BANDS)!
  t.same([moves.compared, moves.newcomers, moves.up, moves.down, moves.same], [5, 0, 1, 3, 1])
  t.same(moves.biggestRise, [{ name: 'Đơn vị E', from: 5, to: 1 }])
  t.same(moves.biggestFall, [{ name: 'Đơn vị A', from: 1, to: 3 }])
  t.same(moves.classChanges.map((move) => [move.name, move.from, move.to, move.direction]), [['Đơn vị E', 'Yếu', 'Xuất sắc', 'up'], ['Đơn vị A', 'Xuất sắc', 'Tốt', 'down']])
  t.same(movesSentences(moves, 2019), [
    'So với năm 2019, trong 05 đơn vị có kết quả cả hai năm: 01 đơn vị tăng hạng, 03 đơn vị giảm hạng, 01 đơn vị giữ nguyên thứ hạng.',
    'Tăng nhiều bậc nhất: Đơn vị E (từ hạng 5 lên hạng 1); giảm nhiều bậc nhất: Đơn vị A (từ hạng 1 xuống hạng 3).',
    'Các đơn vị thay đổi xếp loại so với năm 2019: Đơn vị E (từ Yếu lên Xuất sắc), Đơn vị A (từ Xuất sắc xuống Tốt).'
  ])
  t.equal(movesOnPreviousYear(results2020, BANDS), null, 'nothing to say without a comparison')
  const manyFell = { ...moves, up: 1, down: 6, same: 0, biggestFall: ['B', 'C', 'D', 'E', 'F', 'G'].map((letter, i) => ({ name: `Đơn vị ${letter}`, from: i + 1, to: i + 2 })) }
  t.same(movesSentences(manyFell, 2019).slice(0, 2), [
    'So với năm 2019, trong 05 đơn vị có kết quả cả hai năm: 01 đơn vị tăng hạng, 06 đơn vị giảm hạng, không có đơn vị giữ nguyên thứ hạng.',
    'Tăng nhiều bậc nhất: Đơn vị E (từ hạng 5 lên hạng 1); giảm nhiều bậc nhất: 06 đơn vị, cùng giảm 1 bậc.'
  ], 'a zero is said in words, and more than five units tied are counted rather than named')
})
