// The results rules on plain data: exact ratios, the fast ranking (checked against rankUnits), a round's results from
// the 2020 field points, the year-over-year change, the historical CSV checks and the demo leaf scores.
import t from 'tap'
import { type CatalogNode, leaves as catalogLeaves } from '../../server/domain/catalog.js'
import { type Milli, milliToString, parseMilli, roundHalfUp } from '../../server/domain/decimal.js'
import { rankUnits } from '../helpers/ranking-oracle.js'
import { computeResults, previousFrom, type FieldSums, type ResultUnitInput } from '../../server/domain/results.js'
import { distributePoints, leafValues } from '../../server/domain/demo-scores.js'
import { csvLine, detectDialect, parseCsv } from '../../server/domain/csv.js'
import { fieldStep, validateHistoricalCsv, type HistoricalUnit } from '../../server/domain/historical.js'
import { compareNames, nameOrder, rankPositions, rerankPositions } from '../../server/domain/ranking.js'
import { pointsDisplay, ratioDisplay, ratioText } from '../../server/domain/ratio.js'
import { scoreLeaf } from '../../server/domain/scoring.js'
import { vietnameseSortKey } from '../../server/domain/text.js'
import { DEPARTMENT_CATALOG, DISTRICT_CATALOG, loadCatalog, loadUnits, parseCsv as fixtureCsv, readFixture } from './fixtures.js'

const milli = (text: string | undefined): Milli => {
  const value = text === undefined ? null : parseMilli(text)
  if (value === null) throw new Error(`not a decimal: ${String(text)}`)
  return value
}

const catalog = loadCatalog(DEPARTMENT_CATALOG)
const units = loadUnits()
const csvText = readFixture('results/thanh-hoa-2020-so-nganh.csv')
const rows = fixtureCsv(csvText)
const FIELDS = catalog.nodes.map((field) => field.code)
const fieldDefinitions = catalog.nodes.map((field) => ({
  code: field.code,
  title: field.title,
  maxPoints: milli(String(field.maxPoints)),
  leaves: catalogLeaves({ nodes: [field] }).length
}))

function sums (self: Milli, appraised: Milli, extra: Partial<FieldSums> = {}): FieldSums {
  return { selfPoints: self, selfNotApplicable: 0, appraisedPoints: appraised, appraisedNotApplicable: 0, selfAnswered: 1, appraised: 1, ...extra }
}

/** The 2020 departments as the database would sum them: field points per unit from the report's CSV. */
function departments (): ResultUnitInput[] {
  return rows.map((row) => {
    const unit = units.find((candidate) => candidate.code === row.unit_code)
    if (unit === undefined) throw new Error(`no unit ${row.unit_code}`)
    return {
      id: `id-${unit.code}`,
      code: unit.code,
      name: unit.name,
      sortKey: vietnameseSortKey(unit.name),
      fields: new Map(FIELDS.map((code) => [code, sums(milli(row[`f${code}_self`]), milli(row[`f${code}_appraised`]))]))
    }
  })
}

t.test('ratios are shown exactly when they end, otherwise to 6 places, and displays round half up like roundHalfUp', async (t) => {
  t.equal(ratioText(98_500 * 100, 100_000), '98.5')
  t.equal(ratioText(89_000 * 100, 100_000), '89')
  t.equal(ratioText(85_025, 20 * 1000), '4.25125')
  t.equal(ratioText(1, 3), '0.333333')
  t.equal(ratioText(-1, 8), '-0.125')
  t.equal(pointsDisplay(9_125), '9.13')
  t.equal(pointsDisplay(19_325), '19.33')
  t.equal(pointsDisplay(-500), '-0.50')
  t.equal(pointsDisplay(-4), '0.00', 'a value that rounds to zero has no sign')
  for (let i = 0; i < 2000; i++) {
    const numerator = Math.floor(Math.random() * 2e9) - 1e9
    const denominator = 1 + Math.floor(Math.random() * 1e6)
    t.equal(ratioDisplay(numerator, denominator), roundHalfUp(BigInt(numerator), BigInt(denominator), 2), `${numerator}/${denominator}`)
  }
  t.equal(ratioDisplay(2n ** 70n, 3n), roundHalfUp(2n ** 70n, 3n, 2), 'numbers beyond safe integers fall back to BigInt')
})

t.test('the fast ranking gives the order and ranks of rankUnits: ties, not-applicable maxima, both methods', async (t) => {
  const names = [...units.map((unit) => unit.name), 'Sở Tư pháp', 'Sở Tư Pháp', 'Ban Dân tộc', 'Ban Dân Tộc', 'Đông Sơn', 'Dong Son']
  for (let round = 0; round < 40; round++) {
    const items = Array.from({ length: 5 + Math.floor(Math.random() * 60) }, (_, i) => {
      const maximum = [100_000, 99_000, 98_500, 0][Math.floor(Math.random() * 4)] as number
      const points = maximum === 0 ? 0 : Math.floor(Math.random() * 8) * 250 + 80_000 - (100_000 - maximum)
      return { name: names[(i * 7 + round) % names.length] as string, points: Math.max(0, points), maximum }
    })
    for (const method of ['dense', 'competition'] as const) {
      const expected = rankUnits(items, method)
      const { order, ranks } = rankPositions(items, method)
      t.same(order.map((i) => items[i]?.name), expected.map((unit) => unit.name), `order, round ${round} ${method}`)
      t.same(order.map((i) => ranks[i]), expected.map((unit) => unit.rank), `ranks, round ${round} ${method}`)
    }
  }
})

t.test('a ranking with some items changed and put back in place is the ranking a new sort gives', async (t) => {
  const names = ['Sở Tư pháp', 'Sở Tư Pháp', 'Ban Dân tộc', 'Đông Sơn', 'Dong Son', 'Sở Y tế']
  const item = (i: number) => {
    const maximum = [100_000, 99_000, 0][Math.floor(Math.random() * 3)] as number
    return { name: names[i % names.length] as string, points: maximum === 0 ? 0 : Math.floor(Math.random() * 6) * 250 + 80_000 - (100_000 - maximum), maximum }
  }
  for (let round = 0; round < 40; round++) {
    let items = Array.from({ length: 3 + Math.floor(Math.random() * 60) }, (_, i) => item(i))
    const order = nameOrder(items)
    for (const method of ['dense', 'competition'] as const) {
      let ranked = rankPositions(items, method, order)
      for (let step = 0; step < 5; step++) {
        const changed = [...new Set(Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => Math.floor(Math.random() * items.length)))]
        items = items.map((old, i) => changed.includes(i) ? { ...item(i), name: old.name } : old)
        ranked = rerankPositions(items, method, order, ranked, changed)
        t.same(ranked, rankPositions(items, method, order), `round ${round}, ${method}, step ${step}`)
      }
    }
  }
})

t.test('the collation keys stored for units order every unit name as the collator does', async (t) => {
  const withKeys = units.map((unit) => ({ name: unit.name, sortKey: vietnameseSortKey(unit.name) }))
  const byKey = nameOrder(withKeys)
  const byCollator = nameOrder(units.map((unit) => ({ name: unit.name })))
  t.same([...byKey], [...byCollator])
  t.ok(compareNames('Sở Tư pháp', 'Văn phòng UBND tỉnh') < 0)
})

t.test('the 2020 departments: totals, ranks, classifications and the 89.00 tie as the report has them', async (t) => {
  const results = computeResults({ fields: fieldDefinitions, units: departments(), bands: catalog.classification, ranking: catalog.ranking })
  t.equal(results.units.length, 20)
  for (const unit of results.units) {
    const row = rows.find((candidate) => candidate.unit_code === unit.unit.code)
    t.equal(unit.self.display, row?.total_self_reported, `${unit.unit.code} self total`)
    t.equal(unit.appraised.display, row?.total_appraised_reported, `${unit.unit.code} appraised total`)
    t.equal(unit.appraised.indexDisplay, row?.total_appraised_reported, `${unit.unit.code} index`)
    t.equal(unit.rank, Number(row?.rank_reported), `${unit.unit.code} rank`)
    t.equal(unit.classification.label, row?.class_reported, `${unit.unit.code} classification`)
  }
  const seventh = results.units.filter((unit) => unit.rank === 7).map((unit) => unit.unit.code)
  t.same(seventh, ['SO-TP', 'VP-UBND'], 'Sở Tư pháp before Văn phòng UBND tỉnh')
  t.same(results.classificationCounts.map((band) => [band.label, band.count]), [['Xuất sắc', 7], ['Tốt', 9], ['Khá', 3], ['Trung bình', 1], ['Yếu', 0]])
})

t.test('the average row is exact and rounded half up, with each field as a percentage of its maximum', async (t) => {
  const results = computeResults({ fields: fieldDefinitions, units: departments(), bands: catalog.classification, ranking: catalog.ranking })
  const average = results.average
  t.ok(average)
  t.same(average?.self.fields.map((field) => field.display), ['18.30', '9.98', '20.23', '9.98', '13.83', '9.90', '14.15'])
  t.equal(average?.self.total.display, '96.35')
  t.same(average?.appraised.fields.map((field) => field.display), ['14.30', '8.70', '19.33', '9.13', '11.90', '9.50', '12.18'])
  t.equal(average?.appraised.total.display, '85.03')
  t.equal(average?.appraised.fields[2]?.points, '19.325', 'the exact mean the report printed as 19.32')
  t.equal(average?.appraised.fields[0]?.percentDisplay, '75.26', 'the leadership field, which the prose gives as 75.38 %')
})

t.test('per field: the rank of each unit by the field\'s appraised percentage, and the gap', async (t) => {
  const results = computeResults({ fields: fieldDefinitions, units: departments(), bands: catalog.classification, ranking: 'dense' })
  const bql = results.units.find((unit) => unit.unit.code === 'BQL-KKT')
  t.equal(bql?.fields[0]?.appraised.display, '18.25')
  t.equal(bql?.fields[0]?.rank, 1, 'BQL-KKT has the best appraised leadership field (18.25)')
  const vp = results.units.find((unit) => unit.unit.code === 'VP-UBND')
  t.equal(vp?.fields[1]?.appraised.points, 3, 'the legal-framework score of Văn phòng UBND tỉnh is 3.0 (the table is right)')
  t.equal(vp?.gap.display, '9.50')
  const thanhTra = results.units.find((unit) => unit.unit.code === 'THANH-TRA')
  t.equal(thanhTra?.fields[1]?.appraised.points, 3.5)
})

t.test('not-applicable leaves leave the maximum: the index is points / applicable maximum', async (t) => {
  const fields = [{ code: 'A', title: 'A', maxPoints: 60_000, leaves: 3 }, { code: 'B', title: 'B', maxPoints: 40_000, leaves: 2 }]
  const unit = (id: string, name: string, a: FieldSums, b: FieldSums): ResultUnitInput => ({ id, code: id, name, fields: new Map([['A', a], ['B', b]]) })
  const results = computeResults({
    fields,
    units: [
      unit('x', 'Xã X', sums(54_000, 54_000), sums(36_000, 36_000)),
      // 10 points not applicable: 81 / 90 = 90 %, the same index as 90 / 100.
      unit('y', 'Xã Y', sums(45_000, 45_000, { appraisedNotApplicable: 10_000, selfNotApplicable: 10_000 }), sums(36_000, 36_000)),
      unit('z', 'Xã Z', sums(50_000, 50_000), sums(30_000, 30_000))
    ],
    bands: catalog.classification,
    ranking: 'dense'
  })
  const [first, second, third] = results.units
  t.same([first?.unit.code, second?.unit.code, third?.unit.code], ['x', 'y', 'z'])
  t.equal(second?.appraised.maximum, 90)
  t.equal(second?.appraised.index, '90')
  t.same([first?.rank, second?.rank, third?.rank], [1, 1, 2], 'equal indices share a rank, the next gets the next integer')
  t.equal(second?.fields[0]?.appraised.percent, '90')
  t.equal(second?.classification.label, 'Xuất sắc', '90.00 is Xuất sắc: lower bounds are inclusive')
  t.equal(third?.classification.label, 'Tốt')
})

t.test('what-if: points to the next band and to the next rank', async (t) => {
  const results = computeResults({ fields: fieldDefinitions, units: departments(), bands: catalog.classification, ranking: 'dense' })
  const byCode = new Map(results.units.map((unit) => [unit.unit.code, unit]))
  t.same(byCode.get('SO-TTTT')?.targets, { nextBand: null, pointsToNextBand: null, pointsToNextRank: 0 }, 'first and in the top band')
  t.same(byCode.get('VP-UBND')?.targets, { nextBand: { code: 'XUAT_SAC', label: 'Xuất sắc' }, pointsToNextBand: 1, pointsToNextRank: 1.5 }, '89.00 needs 1 point for 90 and 1.5 to tie 90.50')
  t.equal(byCode.get('SO-TC')?.targets.pointsToNextRank, 0.25, 'a tie at 90.75 is 0.25 below 91.00')
  t.equal(byCode.get('THANH-TRA')?.targets.pointsToNextBand, 11.25, '58.75 needs 11.25 for Khá')
})

t.test('competition ranking skips the places of a tie', async (t) => {
  const results = computeResults({ fields: fieldDefinitions, units: departments(), bands: catalog.classification, ranking: 'competition' })
  t.same(results.units.slice(4, 8).map((unit) => unit.rank), [5, 5, 7, 8])
  t.equal(results.units.at(-1)?.rank, 20)
})

t.test('no units: no average row, every band counted as 0', async (t) => {
  const results = computeResults({ fields: fieldDefinitions, units: [], bands: catalog.classification, ranking: 'dense' })
  t.equal(results.average, null)
  t.same(results.units, [])
  t.ok(results.classificationCounts.every((band) => band.count === 0))
})

t.test('year over year: per unit, per matched field and for the average row, exactly', async (t) => {
  const base = departments()
  const before = computeResults({ fields: fieldDefinitions, units: base, bands: catalog.classification, ranking: 'dense' })
  // The next year every department gains 0.25 in field 1 and one department leaves; field 7 has no match.
  const next = base.slice(1).map((unit) => ({
    ...unit,
    fields: new Map([...unit.fields].map(([code, value]) => [code, code === '1' ? { ...value, appraisedPoints: value.appraisedPoints + 250 } : value]))
  }))
  const previous = previousFrom(before, {
    round: { id: 'r2020', code: '2020', year: 2020 },
    source: 'published',
    version: 1,
    fieldMap: new Map(FIELDS.filter((code) => code !== '7').map((code) => [code, code]))
  })
  const after = computeResults({ fields: fieldDefinitions, units: next, bands: catalog.classification, ranking: 'dense' }, previous)
  const gtvt = after.units.find((unit) => unit.unit.code === 'SO-GTVT')
  t.equal(gtvt?.change?.previousRank, 2)
  t.equal(gtvt?.change?.rankChange, 1, 'first now that SO-TTTT is gone')
  t.equal(gtvt?.change?.indexChange, '0.25')
  t.same(gtvt?.change?.fields.map((field) => field.code), ['1', '2', '3', '4', '5', '6'])
  t.equal(gtvt?.change?.fields[0]?.pointsChange, 0.25)
  t.equal(after.comparison?.round.code, '2020')
  t.equal(after.comparison?.fields.length, 6)
  // Field 1: the mean of 19 units' (points + 0.25) against the mean of the 20 units before.
  const sum20 = rows.reduce((total, row) => total + milli(row.f1_appraised), 0)
  const sum19 = sum20 - milli(rows[0]?.f1_appraised) + 19 * 250
  t.equal(after.comparison?.average?.appraised.fields[0]?.change, ratioText(sum19 * 20 - sum20 * 19, 19 * 20 * 1000))
})

t.test('CSV: quoted cells with commas, quotes and line breaks; a BOM; CRLF; an unclosed quote', async (t) => {
  const parsed = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\r\n\r\n')
  t.equal(parsed.problem, null)
  t.same(parsed.rows.map((row) => row.cells), [['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', 'z']])
  t.same(parsed.rows.map((row) => row.line), [1, 2, 3])
  t.match(parseCsv('a,b\n"open,x\n').problem, { line: 2 })
})

t.test('a field\'s finest step is the gcd of its leaves\' steps and points: 0.25 in every 2020 field', async (t) => {
  for (const file of [DEPARTMENT_CATALOG, DISTRICT_CATALOG]) {
    for (const field of loadCatalog(file).nodes) {
      t.equal(fieldStep(catalogLeaves({ nodes: [field] }).map((leaf) => leaf.node)), 250, `${file} field ${field.code}`)
    }
  }
  const leaf = (scoring: CatalogNode['scoring']): CatalogNode => ({ code: 'x', kind: 'criterion', title: 'x', maxPoints: 3, scoring })
  t.equal(fieldStep([leaf({ method: 'range', step: 0.5 }), leaf({ method: 'options', options: [{ code: 'a', label: 'a', points: 1.5 }, { code: 'b', label: 'b', points: 0 }] })]), 500)
  t.equal(fieldStep([leaf({ method: 'options', options: [{ code: 'a', label: 'a', points: 0 }] })]), 0)
})

const historicalUnits: HistoricalUnit[] = units.map((unit, i) => ({ id: `u${i}`, code: unit.code, name: unit.name, shortName: null, unitType: unit.unitType, aliases: unit.aliases }))
const historicalFields = catalog.nodes.map((field) => ({ code: field.code, maxPoints: milli(String(field.maxPoints)), step: 250 }))

t.test('the report\'s CSV passes the historical checks: 20 units, matched by code, every field and total', async (t) => {
  const { records, problems } = validateHistoricalCsv(csvText, { unitType: 'department', fields: historicalFields, units: historicalUnits })
  t.same(problems, [])
  t.equal(records.length, 20)
  const tp = records.find((record) => record.unitCode === 'SO-TP')
  t.same(tp?.fields.map((field) => milliToString(field.appraised, 2)), ['13.00', '10.00', '18.50', '10.00', '14.00', '10.00', '13.50'])
  t.same(tp?.reported, { totalSelf: 99_500, totalAppraised: 89_000, rank: 7, classification: 'Tốt' })
})

t.test('units without a code are found by the report\'s name or alias, ignoring case and diacritics', async (t) => {
  const lines = csvText.trim().split('\n')
  const header = lines[0] as string
  const withoutCode = lines.slice(1).map((line) => line.replace(/^[^,]+,/, ','))
  const { records, problems } = validateHistoricalCsv([header, ...withoutCode].join('\n'), { unitType: 'department', fields: historicalFields, units: historicalUnits })
  t.same(problems, [])
  t.same(records.map((record) => record.unitCode), rows.map((row) => row.unit_code))
})

t.test('a broken CSV lists every problem at once, each with its line, column and unit', async (t) => {
  const lines = csvText.trim().split('\n')
  const header = lines[0] as string
  const broken = [
    header,
    lines[1]?.replace('SO-TTTT,Sở Thông tin & TT', 'SO-NOPE,Sở Không Có'), // unknown unit
    lines[2]?.replace(',19.00,17.75,', ',18.10,17.75,'), // off the field's 0.25 step
    lines[3]?.replace(',20.5,20.5,', ',21.5,20.5,'), // above the field maximum 20.5
    lines[4]?.replace(',95.00,91.00,', ',95.00,91.25,'), // reported total ≠ sum
    lines[5]?.replace(',18.50,18.25,', ',,18.25,'), // missing value
    lines[6]?.replace(',15.00,', ',abc,'), // not a number
    lines[7], lines[7], // the same unit twice
    'H-THIEU-HOA,Huyện Thiệu Hóa,' + lines[8]?.split(',').slice(2).join(',') // a district in a department file
  ].join('\n')
  const { records, problems } = validateHistoricalCsv(broken, { unitType: 'department', fields: historicalFields, units: historicalUnits })
  const codes = problems.map((problem) => `${problem.line}:${problem.code}:${problem.column ?? ''}`)
  t.same(codes, [
    '2:unknown_unit:unit_code',
    '3:off_step:f1_self',
    '4:above_maximum:f3_self',
    '5:total_mismatch:total_appraised_reported',
    '6:missing_value:f1_self',
    '7:not_a_number:f1_appraised',
    '9:duplicate_unit:unit_code',
    '10:wrong_unit_type:unit_code'
  ])
  t.ok(problems.every((problem) => problem.message.en.length > 0 && /^(Dòng|Tệp)/.test(problem.message.vi)), 'each problem is said in English and in Vietnamese, by its line')
  t.equal(records.length, 1, 'only the valid rows come back; the service stores nothing when there is any problem')
})

t.test('a header without the columns of the catalog\'s fields is refused before any row', async (t) => {
  const { problems } = validateHistoricalCsv('unit_code,name_in_report,f1_self\nSO-TP,x,1\n', { unitType: 'department', fields: historicalFields, units: historicalUnits })
  t.equal(problems.length, 13)
  t.ok(problems.every((problem) => problem.code === 'missing_column'))
})

/** The report's CSV as Excel saves it on a Vietnamese Windows: ";" between cells, a comma in every decimal. */
const excelViText = (text: string): string => text.trim().split('\n').map((line) =>
  csvLine(parseCsv(line).rows[0]?.cells.map((cell) => /^\d+\.\d+$/.test(cell) ? { decimal: cell } : cell) ?? [], 'excel-vi')).join('\r\n')
const context = { unitType: 'department', fields: historicalFields, units: historicalUnits }

t.test('CSV dialects: ";" separates excel-vi lines, decimals take its comma, the header line tells the dialect', async (t) => {
  t.same(parseCsv('\uFEFFa;b\r\n"x; y";1,5\r\n', ';').rows.map((row) => row.cells), [['a', 'b'], ['x; y', '1,5']])
  t.equal(csvLine(['Sở Lao động, TB & XH', { decimal: '14.25' }, 'a;b', null], 'excel-vi'), 'Sở Lao động, TB & XH;14,25;"a;b";')
  t.equal(csvLine(['Sở Lao động, TB & XH', { decimal: '14.25' }, 'a;b', null], 'standard'), '"Sở Lao động, TB & XH",14.25,a;b,')
  t.equal(csvLine(['=HYPERLINK("http://x.example")', '+1', '-SUM(A1)', '@cmd', '\t=1', 'Sở =', { decimal: '-1.25' }], 'standard'),
    '"\'=HYPERLINK(""http://x.example"")",\'+1,\'-SUM(A1),\'@cmd,\'\t=1,Sở =,-1.25', 'text a spreadsheet would run is written inert; a negative figure keeps its sign')
  t.equal(detectDialect(excelViText(csvText)), 'excel-vi')
  t.equal(detectDialect(csvText), 'standard')
  t.equal(detectDialect('\uFEFF"a;b",c,d\n1;2;3;4;5'), 'standard', 'only the header line counts, quotes aside')
})

t.test('the report\'s CSV in the excel-vi dialect gives the same records as the standard one', async (t) => {
  const excelVi = excelViText(csvText)
  t.match(excelVi.split('\r\n')[1], /^SO-TTTT;Sở Thông tin & TT;19,00;16,75;10,0;9,75;/)
  const standard = validateHistoricalCsv(csvText, context)
  const detected = validateHistoricalCsv(excelVi, context)
  t.same(detected.problems, [])
  t.same(detected.records, standard.records)
  t.same(validateHistoricalCsv(excelVi, context, 'excel-vi').records, standard.records, 'named explicitly')
})

t.test('a decimal with the other dialect\'s mark is ambiguous, with its line and column', async (t) => {
  const lines = excelViText(csvText).split('\r\n')
  const excelVi = [lines[0], lines[1]?.replace(';19,00;16,75;', ';19.00;16,75;'), lines[2]?.replace(';19,00;17,75;', ';1.000;17,75;'), ...lines.slice(3)].join('\r\n')
  const inExcelVi = validateHistoricalCsv(excelVi, context)
  t.same(inExcelVi.problems.map((problem) => `${problem.line}:${problem.code}:${problem.column ?? ''}`), ['2:ambiguous_decimal:f1_self', '3:ambiguous_decimal:f1_self'])
  t.match(inExcelVi.problems[1]?.message.en, /"1\.000".*","/)
  t.match(inExcelVi.problems[1]?.message.vi, /^Dòng 3, cột f1_self: giá trị "1\.000" không rõ nghĩa/)

  const standard = csvText.replace(',19.00,16.75,', ',"19,00",16.75,')
  const inStandard = validateHistoricalCsv(standard, context)
  t.same(inStandard.problems.map((problem) => `${problem.line}:${problem.code}:${problem.column ?? ''}`), ['2:ambiguous_decimal:f1_self'])
  t.match(inStandard.problems[0]?.message.en, /dialect=excel-vi/)
})

t.test('a file read with another separator than its own is one problem naming both, in both languages', async (t) => {
  const excelVi = excelViText(csvText)
  const asStandard = validateHistoricalCsv(excelVi, context, 'standard')
  t.equal(asStandard.problems.length, 1)
  t.match(asStandard.problems[0], { line: 1, code: 'wrong_separator', separator: { found: ';', expected: ',' } })
  t.match(asStandard.problems[0]?.message.en, /separated by ";" \(semicolon\), but the standard CSV dialect separates them with "," \(comma\).*dialect=excel-vi/)
  t.match(asStandard.problems[0]?.message.vi, /^Dòng 1: .*";" \(dấu chấm phẩy\).*"," \(dấu phẩy\).*Excel tiếng Việt/)
  const asExcelVi = validateHistoricalCsv(csvText, context, 'excel-vi')
  t.match(asExcelVi.problems, [{ line: 1, code: 'wrong_separator', separator: { found: ',', expected: ';' } }])
  t.equal(asExcelVi.problems.length, 1)
  const tabs = validateHistoricalCsv(csvText.replace(/,/g, '\t'), context)
  t.match(tabs.problems, [{ code: 'wrong_separator', separator: { found: '\t', expected: ',' } }])

  const lines = csvText.trim().split('\n')
  const oneLine = [lines[0], lines[1]?.replace(/,/g, ';'), ...lines.slice(2)].join('\n')
  t.same(validateHistoricalCsv(oneLine, context).problems.map((problem) => `${problem.line}:${problem.code}`), ['2:wrong_separator'], 'a single line too')
})

t.test('leaf values: every multiple of the step, every option but not applicable, every band with a measurement inside it', async (t) => {
  const all = catalogLeaves(catalog).map((leaf) => leaf.node)
  for (const leaf of all) {
    for (const choice of leafValues(leaf)) {
      const score = scoreLeaf(leaf, choice.input)
      t.ok(score.ok && !score.notApplicable && score.points === choice.points, `${leaf.code} ${JSON.stringify(choice.input)}`)
    }
  }
})

t.test('every field of every department of 2020 spreads over its leaves: valid scores that add up exactly', async (t) => {
  let spread = 0
  for (const row of rows) {
    for (const field of catalog.nodes) {
      const fieldLeaves = catalogLeaves({ nodes: [field] }).map((leaf) => leaf.node)
      for (const side of ['self', 'appraised'] as const) {
        const target = milli(row[`f${field.code}_${side}`])
        const choices = distributePoints(fieldLeaves, target)
        if (choices === null) {
          t.fail(`${row.unit_code} field ${field.code} ${side}: no spread of ${target}`)
          continue
        }
        t.equal(choices.length, fieldLeaves.length)
        let total = 0
        for (const [i, choice] of choices.entries()) {
          const score = scoreLeaf(fieldLeaves[i] as CatalogNode, choice.input)
          if (!score.ok || score.notApplicable || score.points !== choice.points) t.fail(`${row.unit_code} ${choice.leafCode}: ${JSON.stringify(choice.input)}`)
          total += choice.points
        }
        t.equal(total, target, `${row.unit_code} field ${field.code} ${side}`)
        spread++
      }
    }
  }
  t.equal(spread, 20 * 7 * 2)
  const field = catalog.nodes[0] as CatalogNode
  t.equal(distributePoints(catalogLeaves({ nodes: [field] }).map((leaf) => leaf.node), 19_100), null, '19.1 is off the field\'s step')
})
