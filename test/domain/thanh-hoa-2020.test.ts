// The 2020 department results computed from field points must reproduce the published report's tables.
import t from 'tap'
import { type Milli, fractionToString, parseMilli, sumMilli } from '../../server/domain/decimal.js'
import { average, averageDisplay, classify, indexDisplay, percentOfMaximum } from '../../server/domain/ranking.js'
import { rankUnits } from '../helpers/ranking-oracle.js'
import { DEPARTMENT_CATALOG, loadCatalog, loadUnits, parseCsv, readFixture } from './fixtures.js'

const FIELDS = [1, 2, 3, 4, 5, 6, 7] as const
const MAXIMUM: Milli = 100_000

function milli (text: string | undefined, what: string): Milli {
  const value = text === undefined ? null : parseMilli(text)
  if (value === null) throw new Error(`${what}: ${String(text)} is not a decimal with at most 3 places`)
  return value
}

const catalog = loadCatalog(DEPARTMENT_CATALOG)
const officialNames = new Map(loadUnits().map((unit) => [unit.code, unit.name]))
const rows = parseCsv(readFixture('results/thanh-hoa-2020-so-nganh.csv'))

const departments = rows.map((row) => {
  const code = row.unit_code ?? ''
  const name = officialNames.get(code)
  if (name === undefined) throw new Error(`unit ${code} is not in the units fixture`)
  const self = FIELDS.map((field) => milli(row[`f${field}_self`], `${code} f${field}_self`))
  const appraised = FIELDS.map((field) => milli(row[`f${field}_appraised`], `${code} f${field}_appraised`))
  return { code, name, row, self, appraised, points: sumMilli(appraised), maximum: MAXIMUM }
})

t.test('the results fixture holds 20 departments, and the quoted name with a comma stays one cell', async (t) => {
  t.equal(departments.length, 20)
  t.equal(rows.find((row) => row.unit_code === 'SO-LDTBXH')?.name_in_report, 'Sở Lao động, TB & XH')
  t.equal(rows.find((row) => row.unit_code === 'SO-VHTTDL')?.name_in_report, 'Sở Văn hóa, TTDL')
})

t.test('each department\'s 7 appraised fields add up exactly to the reported appraised total', async (t) => {
  for (const department of departments) {
    t.equal(department.points, milli(department.row.total_appraised_reported, department.code), department.code)
  }
})

t.test('each department\'s 7 self-assessed fields add up exactly to the reported self total', async (t) => {
  for (const department of departments) {
    t.equal(sumMilli(department.self), milli(department.row.total_self_reported, department.code), department.code)
  }
})

t.test('the index of every department is its total, displayed with 2 decimals as in the report', async (t) => {
  for (const department of departments) {
    t.equal(indexDisplay(department.points, department.maximum), department.row.total_appraised_reported, department.code)
  }
})

t.test('dense ranking of the 20 departments gives every reported rank', async (t) => {
  const ranked = rankUnits(departments, catalog.ranking)
  t.equal(catalog.ranking, 'dense')
  for (const department of ranked) {
    t.equal(department.rank, Number(department.row.rank_reported), `${department.code} ranks ${department.row.rank_reported}`)
  }
})

t.test('the 89.00 tie lists Sở Tư pháp before Văn phòng UBND tỉnh, and the 90.75 tie the Ban before Sở Tài chính', async (t) => {
  const order = rankUnits(departments, 'dense').map((department) => department.code)
  t.same(order.slice(4, 6), ['BQL-KKT', 'SO-TC'])
  t.same(order.slice(7, 9), ['SO-TP', 'VP-UBND'])
})

t.test('classifying with the catalog\'s bands gives every reported classification', async (t) => {
  for (const department of departments) {
    t.equal(classify(department.points, department.maximum, catalog.classification).label, department.row.class_reported, department.code)
  }
})

t.test('the average row of the appraised fields and total is exact and rounded half up: 19.33, 9.13, 12.18', async (t) => {
  const fieldAverages = FIELDS.map((_, i) => averageDisplay(departments.map((department) => department.appraised[i] as Milli)))
  t.same(fieldAverages, ['14.30', '8.70', '19.33', '9.13', '11.90', '9.50', '12.18'])
  t.equal(averageDisplay(departments.map((department) => department.points)), '85.03')
})

t.test('the average row of the self-assessed fields and total matches the report', async (t) => {
  const fieldAverages = FIELDS.map((_, i) => averageDisplay(departments.map((department) => department.self[i] as Milli)))
  t.same(fieldAverages, ['18.30', '9.98', '20.23', '9.98', '13.83', '9.90', '14.15'])
  t.equal(averageDisplay(departments.map((department) => sumMilli(department.self))), '96.35')
})

t.test('the leadership field\'s appraised average is 75.26 % of its maximum, not the 75.38 % of the report\'s prose', async (t) => {
  const leadership = catalog.nodes[0]
  if (leadership === undefined) throw new Error('the catalog has no fields')
  const mean = average(departments.map((department) => department.appraised[0] as Milli))
  if (mean === null) throw new Error('no departments')
  t.equal(fractionToString(percentOfMaximum(mean, milli(String(leadership.maxPoints), 'field 1 maximum'))), '75.26')
})

t.test('no appraised field is above the field maximum in the catalog', async (t) => {
  catalog.nodes.forEach((field, i) => {
    const maximum = milli(String(field.maxPoints), `field ${field.code}`)
    for (const department of departments) {
      t.ok((department.appraised[i] as Milli) <= maximum, `${department.code} field ${field.code}`)
    }
  })
})
