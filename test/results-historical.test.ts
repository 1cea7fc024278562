// Historical results: the report's CSV loads into a round (or a broken one lists every problem and stores nothing),
// the round's results come from it, and a later round compares with it field by field through the catalogs' lineage.
import t from 'tap'
import ExcelJS from 'exceljs'
import { buildTestApp } from './helpers/app.js'
import { contentTypesXml, zip } from './storage/samples.js'
import { loginAs } from './helpers/auth.js'
import { RESULTS_CSV, reportRows } from './helpers/results.js'
import { deadlinesFromNow, historicalRound, loadReferenceData, openRound } from './helpers/rounds.js'

t.test('historical results: import, validation, results from them and year-over-year change', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const createRound = (code: string, year: number, catalogId: string) => historicalRound(app, admin, { code, year, catalogId })
  const round2020 = await createRound('2020-report', 2020, data.catalogs.department)
  const importUrl = (roundId: string) => `/rounds/${roundId}/historical-results?unitType=department`
  const stored = async (roundId: string) => (await app.inject({ method: 'GET', url: importUrl(roundId), headers: admin.headers })).json()

  t.test('a broken file lists every problem and stores nothing', async (t) => {
    const lines = RESULTS_CSV.trim().split('\n')
    const broken = [lines[0], lines[1]?.replace('SO-TTTT,Sở Thông tin & TT', ',Sở Không Có'), lines[2]?.replace(',98.50,91.75,', ',98.50,91.50,'), ...lines.slice(3)].join('\n')
    const refused = await app.inject({ method: 'POST', url: importUrl(round2020), headers: admin.headers, payload: { csv: broken } })
    t.equal(refused.statusCode, 422)
    t.equal(refused.json().code, 'HISTORICAL_RESULTS_INVALID')
    t.same(refused.json().errors.map((problem: { line: number, code: string }) => [problem.line, problem.code]), [[2, 'unknown_unit'], [3, 'total_mismatch']])
    t.same(await stored(round2020), [])
  })

  t.test('the report\'s CSV loads as text/csv; the round\'s results are the report\'s', async (t) => {
    const imported = await app.inject({ method: 'POST', url: importUrl(round2020), headers: { ...admin.headers, 'content-type': 'text/csv; charset=utf-8' }, payload: RESULTS_CSV })
    t.equal(imported.statusCode, 200, imported.body)
    t.same(imported.json(), { roundId: round2020, unitType: 'department', units: 20, replaced: 0 })
    const units = await stored(round2020)
    t.equal(units.length, 20)
    const tp = units.find((unit: { unit: { code: string } }) => unit.unit.code === 'SO-TP')
    t.same(tp.fields.map((field: { appraised: number }) => field.appraised), [13, 10, 18.5, 10, 14, 10, 13.5])
    t.match(tp.source, { nameInReport: 'Sở Tư Pháp', rankReported: 7, classReported: 'Tốt', totalAppraisedReported: 89 })

    const again = await app.inject({ method: 'POST', url: importUrl(round2020), headers: admin.headers, payload: { csv: RESULTS_CSV.replace(',99.50,89.00,', ',99.50,89.25,') } })
    t.equal(again.statusCode, 422, 'a broken re-import changes nothing')
    t.equal((await stored(round2020)).length, 20)

    const results = await app.inject({ method: 'GET', url: `/rounds/${round2020}/results?unitType=department`, headers: admin.headers })
    t.equal(results.statusCode, 200)
    const body = results.json()
    t.equal(body.source, 'historical')
    for (const row of reportRows) {
      const unit = body.units.find((candidate: { unit: { code: string } }) => candidate.unit.code === row.unit_code)
      t.same([unit?.self.display, unit?.appraised.display, unit?.rank, unit?.classification.label], [row.total_self_reported, row.total_appraised_reported, Number(row.rank_reported), row.class_reported], String(row.unit_code))
    }
    t.equal(body.average.appraised.total.display, '85.03')
    t.equal(body.comparison, null, 'no round of 2019')
  })

  t.test('the next year compares by field lineage, even where a field was renamed', async (t) => {
    const cloned = await app.inject({ method: 'POST', url: `/catalogs/${data.catalogs.department}/clone`, headers: admin.headers, payload: { code: 'TH-2021-SO', year: 2021 } })
    t.equal(cloned.statusCode, 201, cloned.body)
    const catalog2021: string = cloned.json().id
    t.equal((await app.inject({ method: 'PATCH', url: `/catalogs/${catalog2021}/nodes/7`, headers: admin.headers, payload: { code: '7A' } })).statusCode, 200)
    t.equal((await app.inject({ method: 'POST', url: `/catalogs/${catalog2021}/publish`, headers: admin.headers })).statusCode, 200)
    const round2021 = await createRound('2021-report', 2021, catalog2021)
    // Every department gains 0.25 appraised points in field 1; field 7 is now called 7A.
    const csv2021 = ['unit_code,name_in_report,' + [1, 2, 3, 4, 5, 6, '7A'].map((f) => `f${f}_self,f${f}_appraised`).join(','),
      ...reportRows.map((row) => [row.unit_code, '', ...[1, 2, 3, 4, 5, 6, 7].flatMap((f) => [row[`f${f}_self`], f === 1 ? String(Number(row.f1_appraised) + 0.25) : row[`f${f}_appraised`]])].join(','))].join('\n')
    const imported = await app.inject({ method: 'POST', url: `/rounds/${round2021}/historical-results?unitType=department`, headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: csv2021 })
    t.equal(imported.statusCode, 200, imported.body)

    const results = await app.inject({ method: 'GET', url: `/rounds/${round2021}/results?unitType=department`, headers: admin.headers })
    const body = results.json()
    t.match(body.comparison, { round: { id: round2020, code: '2020-report', year: 2020 }, source: 'historical', version: null })
    t.same(body.comparison.fields.map((field: { code: string, previousCode: string }) => `${field.code}←${field.previousCode}`), ['1←1', '2←2', '3←3', '4←4', '5←5', '6←6', '7A←7'])
    t.same(body.comparison.average.appraised.fields.map((field: { change: string }) => field.change), ['0.25', '0', '0', '0', '0', '0', '0'])
    t.equal(body.comparison.average.appraised.total.change, '0.25')
    t.equal(body.comparison.average.self.total.change, '0')
    const tp = body.units.find((unit: { unit: { code: string } }) => unit.unit.code === 'SO-TP')
    t.match(tp.change, { previousRank: 7, previousIndex: '89', indexChange: '0.25', indexChangeDisplay: '0.25', previousClassification: { label: 'Tốt' } })
    t.same(tp.change.fields[0], { code: '1', previousCode: '1', previousPoints: 13, pointsChange: 0.25, display: '0.25' })
    t.equal(tp.change.fields[6].code, '7A')

    const explicit = await app.inject({ method: 'GET', url: `/rounds/${round2021}/results?unitType=department&compareTo=${round2020}`, headers: admin.headers })
    t.same(explicit.json().comparison, body.comparison)
    const itself = await app.inject({ method: 'GET', url: `/rounds/${round2021}/results?unitType=department&compareTo=${round2021}`, headers: admin.headers })
    t.equal(itself.statusCode, 400)
  })
})

t.test('historical results load from the excel-vi CSV and from XLSX as from the standard CSV; a wrong separator is named', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const roundId = await historicalRound(app, admin, { code: '2020-excel', year: 2020, catalogId: data.catalogs.department })
  const url = `/rounds/${roundId}/historical-results?unitType=department`
  const stored = async () => (await app.inject({ method: 'GET', url, headers: admin.headers })).json().map(({ importedAt: _importedAt, ...unit }: { importedAt: string }) => unit)
  const post = (payload: string | Buffer | object, contentType: string, query = '', language = 'en') =>
    app.inject({ method: 'POST', url: `${url}${query}`, headers: { ...admin.headers, 'content-type': contentType, 'accept-language': language }, payload })

  t.equal((await post(RESULTS_CSV, 'text/csv')).statusCode, 200)
  const expected = await stored()
  t.equal(expected.length, 20)

  const header = Object.keys(reportRows[0] as Record<string, string>)
  const isDecimal = (cell: string) => /^\d+(\.\d+)?$/.test(cell)
  // As Excel on a Vietnamese Windows saves it: BOM, ";" between cells, a comma in every decimal, CRLF.
  const excelVi = '\uFEFF' + [header.join(';'), ...reportRows.map((row) => header.map((column) => (row[column] as string).replace('.', ',')).join(';'))].join('\r\n') + '\r\n'
  t.match(excelVi, /\r\nSO-TTTT;Sở Thông tin & TT;19,00;16,75;/)

  t.test('the excel-vi CSV, detected by its header line or named', async (t) => {
    for (const query of ['', '&dialect=excel-vi']) {
      const imported = await post(excelVi, 'text/csv; charset=utf-8', query)
      t.equal(imported.statusCode, 200, imported.body)
      t.same(imported.json(), { roundId, unitType: 'department', units: 20, replaced: 20 })
      t.same(await stored(), expected, `stored as from the standard CSV (${query || 'detected'})`)
    }
    const json = await post({ csv: excelVi }, 'application/json')
    t.equal(json.statusCode, 200, 'in JSON too')
  })

  t.test('an XLSX workbook, as the body or in JSON as base64', async (t) => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Kết quả')
    sheet.addRow(header)
    for (const row of reportRows) sheet.addRow(header.map((column) => isDecimal(row[column] as string) ? Number(row[column]) : row[column]))
    workbook.addWorksheet('Ghi chú').addRow(['not read'])
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer())
    const imported = await post(bytes, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    t.equal(imported.statusCode, 200, imported.body)
    t.same(await stored(), expected, 'stored as from the CSV')
    const json = await post({ xlsx: bytes.toString('base64') }, 'application/json')
    t.equal(json.statusCode, 200, json.body)
    t.same(await stored(), expected)

    // A decimal typed as text with a comma is ambiguous; the problem points at the sheet's row and column.
    sheet.getCell(5, 3).value = '19,25'
    const refused = await post(Buffer.from(await workbook.xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    t.equal(refused.statusCode, 422)
    t.match(refused.json().errors, [{ line: 5, column: 'f1_self', code: 'ambiguous_decimal' }])
    const notWorkbook = await post(Buffer.from('not a workbook'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    t.equal(notWorkbook.statusCode, 422)
    t.equal(notWorkbook.json().code, 'HISTORICAL_RESULTS_INVALID')
    t.match(notWorkbook.json().detail, /not an XLSX workbook/)
    t.same(await stored(), expected, 'nothing changed')
  })

  t.test('a zip bomb posing as a workbook is refused before it is inflated, in JSON too, and nothing changes', async (t) => {
    const MiB = 1024 * 1024
    const sheet = Buffer.concat([Buffer.from('<worksheet><sheetData>'), Buffer.alloc(40 * MiB, 0x20), Buffer.from('</sheetData></worksheet>')])
    const bomb = zip([
      { name: '[Content_Types].xml', data: contentTypesXml([{ part: 'xl/workbook.xml', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml' }]), deflate: true },
      { name: 'xl/workbook.xml', data: '<workbook><sheets><sheet name="Kết quả" sheetId="1" r:id="rId1"/></sheets></workbook>', deflate: true },
      { name: 'xl/worksheets/sheet1.xml', data: sheet, deflate: true }
    ])
    t.ok(bomb.length < MiB / 2, `the file is small (${bomb.length} bytes), its sheet is not`)
    const before = await stored()
    for (const [payload, type] of [[bomb, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], [{ xlsx: bomb.toString('base64') }, 'application/json']] as const) {
      const refused = await post(payload, type)
      t.equal(refused.statusCode, 422, `${type}: ${refused.body.slice(0, 200)}`)
      t.match(refused.json(), { code: 'HISTORICAL_RESULTS_INVALID', detail: /refused before it was opened: it looks like a zip bomb/ })
    }
    const vietnamese = await post(bomb, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '', 'vi')
    t.match(vietnamese.json().detail, /^Bảng tính bị từ chối trước khi mở: tệp có vẻ là bom giải nén/)
    t.same(await stored(), before, 'nothing changed')
  })

  t.test('a file read with another separator than its own: one problem naming the separator found and the one expected', async (t) => {
    const refused = await post(excelVi, 'text/csv', '&dialect=standard')
    t.equal(refused.statusCode, 422)
    const problem = refused.json()
    t.equal(problem.code, 'HISTORICAL_RESULTS_INVALID')
    t.match(problem.errors, [{ line: 1, column: null, code: 'wrong_separator', separator: { found: ';', expected: ',' } }])
    t.equal(problem.errors.length, 1)
    t.match(problem.detail, /Line 1 reads as a single column: its cells are separated by ";" \(semicolon\), but the standard CSV dialect separates them with "," \(comma\)/)
    const vietnamese = (await post(excelVi, 'text/csv', '&dialect=standard', 'vi')).json()
    t.match(vietnamese.detail, /Dòng 1: chỉ đọc được một cột vì các ô được phân cách bằng ";" \(dấu chấm phẩy\), nhưng định dạng CSV chuẩn \(dấu ,\) cần dấu phân cách "," \(dấu phẩy\)/)
    t.match(vietnamese.errors[0].message, /Excel tiếng Việt/)
    const reverse = (await post({ csv: RESULTS_CSV }, 'application/json', '&dialect=excel-vi')).json()
    t.match(reverse.errors, [{ code: 'wrong_separator', separator: { found: ',', expected: ';' } }])
    t.same(await stored(), expected, 'nothing changed')
  })
})

t.test('a round of the year before that is still under way is no comparison, unless an admin names it', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const underWay = await openRound(app, admin, data)
  const next = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '2021', title: 'Kỳ đánh giá năm 2021', year: 2021, ...deadlinesFromNow() } })
  t.equal(next.statusCode, 201)
  const nextId: string = next.json().id
  t.equal((await app.inject({ method: 'PUT', url: `/rounds/${nextId}/catalogs`, headers: admin.headers, payload: { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }] } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${nextId}/participants`, headers: admin.headers, payload: { unitTypes: ['department'] } })).statusCode, 200)

  const results = await app.inject({ method: 'GET', url: `/rounds/${nextId}/results?unitType=department`, headers: admin.headers })
  t.equal(results.statusCode, 200)
  t.equal(results.json().comparison, null, 'the 2020 round has neither published nor imported results: nothing to compare with')
  const named = await app.inject({ method: 'GET', url: `/rounds/${nextId}/results?unitType=department&compareTo=${String(underWay.id)}`, headers: admin.headers })
  t.match(named.json().comparison, { round: { id: underWay.id }, source: 'provisional' }, 'named, it is computed now and says so')
})
