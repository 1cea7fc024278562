// Charts of more units than fit a page (a province's communes, a national ranking): the charts of one bar per unit
// are drawn 30 units a part, each part an image of its own at full size in the report with its caption "(phần k/N)";
// the field averages stay one image. The demo 2020 departments (20 units, one part each) repeated four times stand in
// for a unit type of 80 units.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { loadImage } from '@napi-rs/canvas'
import { Packer } from 'docx'
import { catalogStats } from '../server/domain/catalog.js'
import { UNITS_PER_CHART_PART } from '../server/schemas/report.js'
import { loadCatalog } from '../server/services/catalogs.js'
import { chartKind, chartNames, chartParts, publishedCharts, renderChart } from '../server/services/report/charts.js'
import { reportDocument, type ReportPart } from '../server/services/report/content.js'
import { getPublishedResults, type ResultSet } from '../server/services/results.js'
import { buildTestApp } from './helpers/app.js'
import { pngInfo, readDocx } from './helpers/docx.js'
import { publishedDemoRound } from './helpers/results.js'

/** The results with their units repeated `times` times under other names and codes, ranked in that order. */
function repeated (results: ResultSet, times: number): ResultSet {
  const units = Array.from({ length: times }, (_, copy) => results.units.map((unit) => ({
    ...unit,
    unit: { ...unit.unit, code: `${unit.unit.code}-${copy + 1}`, name: `${unit.unit.name} (${copy + 1})` }
  }))).flat().map((unit, position) => ({ ...unit, rank: position + 1 }))
  return { ...results, units }
}

t.test('a unit type of 80 units: its charts of one bar per unit in parts of 30', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const published = await getPublishedResults(app.db, roundId, 'department')
  const many = repeated(published.snapshot, 4)
  t.equal(many.units.length, 80)
  t.equal(UNITS_PER_CHART_PART, 30)

  t.test('three parts for the index and each field, one for the averages; a part beyond them is none', async (t) => {
    const parts = Object.fromEntries(chartNames(many).map((name) => [name, chartParts(many, chartKind(many, name) as NonNullable<ReturnType<typeof chartKind>>)]))
    t.same(parts, Object.fromEntries(chartNames(many).map((name) => [name, name === 'averages' ? 1 : 3])))
    t.same(Object.values(Object.fromEntries(chartNames(published.snapshot).map((name) => [name, chartParts(published.snapshot, chartKind(published.snapshot, name) as NonNullable<ReturnType<typeof chartKind>>)]))),
      Array(chartNames(published.snapshot).length).fill(1), 'the 20 departments: every chart in one part, as before')
    t.equal(await renderChart(many, 'index', 4), null)
    t.equal(await renderChart(many, 'index', 0), null)
    t.equal(await renderChart(many, 'averages', 2), null)
  })

  t.test('each part is drawn at the page\'s width and fits a portrait page unscaled; the last holds the 20 units left', async (t) => {
    const charts = await publishedCharts(randomUUID(), many)
    t.same([...charts.keys()], chartNames(many), 'every chart, in the report\'s order')
    const index = charts.get('index') ?? []
    t.equal(index.length, 3)
    const sizes = index.map((png) => pngInfo(png))
    for (const [k, size] of sizes.entries()) {
      t.equal(size?.width, 1210, `part ${k + 1} is 1210 px wide`)
      // A portrait page has room for 911 CSS px of chart (drawn at twice that) under the caption.
      t.ok(size !== null && size.height <= 2 * 911, `part ${k + 1} is ${size?.height} px high: it fits a page at full size`)
      const decoded = await loadImage(index[k] as Buffer)
      t.same([decoded.width, decoded.height], [size?.width, size?.height], `part ${k + 1} decodes`)
    }
    t.equal(sizes[0]?.height, sizes[1]?.height, 'parts of 30 units are of one height')
    t.ok((sizes[2]?.height ?? 0) < (sizes[0]?.height ?? 0), 'the part of 20 units is shorter')
    t.notOk(index[0]?.equals(index[1] as Buffer), 'each part draws other units')
    t.equal(charts.get('averages')?.length, 1)
    t.ok(many.fields.every((field) => charts.get(`field-${field.code}`)?.length === 3))
  })

  t.test('the report shows every part at full size, each captioned with its chart\'s number and (phần k/N)', async (t) => {
    const catalog = await loadCatalog(app.db, many.catalog.id)
    const part: ReportPart = {
      unitType: { code: 'department', name: 'Sở, ban, ngành cấp tỉnh' },
      version: { id: published.id, number: published.version, publishedAt: published.publishedAt },
      results: many,
      catalog: { title: catalog.catalog.title, legalBasis: catalog.catalog.legalBasis, ranking: many.catalog.ranking, stats: catalogStats(catalog.document) },
      previous: null,
      charts: await publishedCharts(randomUUID(), many)
    }
    const issuer = { parent: 'UBND tỉnh Thanh Hóa', agency: 'Sở Nội vụ', place: 'Thanh Hóa', symbol: 'BC-SNV', signerTitle: 'Giám đốc' }
    const docx = await readDocx(await Packer.toBuffer(reportDocument({ round: { code: 'R', title: 'Kỳ', year: 2020 }, issuer, issuedYear: 2021, parts: [part] })))
    const fields = many.fields.length
    t.equal(docx.media.length, 3 + 1 + 3 * fields, 'three images for the index and each field, one for the averages')
    const captions = docx.paragraphs.filter((text) => /^Biểu đồ \d+\. /.test(text))
    t.same(captions.slice(0, 7), [
      'Biểu đồ 1. Chỉ số cải cách hành chính năm 2020 của các sở, ban, ngành cấp tỉnh (phần 1/3)',
      'Biểu đồ 1. Chỉ số cải cách hành chính năm 2020 của các sở, ban, ngành cấp tỉnh (phần 2/3)',
      'Biểu đồ 1. Chỉ số cải cách hành chính năm 2020 của các sở, ban, ngành cấp tỉnh (phần 3/3)',
      'Biểu đồ 2. Giá trị trung bình của các lĩnh vực so với điểm tối đa',
      `Biểu đồ 3. ${many.fields[0]?.title} (phần 1/3)`,
      `Biểu đồ 3. ${many.fields[0]?.title} (phần 2/3)`,
      `Biểu đồ 3. ${many.fields[0]?.title} (phần 3/3)`
    ])
    t.same(captions.map((text) => Number(/^Biểu đồ (\d+)/.exec(text)?.[1])), [1, 1, 1, 2, ...Array.from({ length: fields }, (_, f) => [f + 3, f + 3, f + 3]).flat()])
    // 605 CSS px (16 cm) at 9,525 EMU per pixel: no part was shrunk to fit a page.
    const widths = [...docx.xml.matchAll(/<wp:extent cx="(\d+)" cy="(\d+)"\/>/g)].map((match) => Number(match[1]))
    t.same(widths, Array(docx.media.length).fill(605 * 9525), 'every image at the full 16 cm')
  })
})
