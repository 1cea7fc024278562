// The annual report through the API: the demo 2020 department round's DOCX read back (tables, paragraphs, charts)
// against the published version and the 2020 report's own figures; who may ask; the refusals; the public charts.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { loadImage } from '@napi-rs/canvas'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { publishedChart } from '../server/services/report/charts.js'
import { buildReport, reportFilename, sharedReport } from '../server/services/report/index.js'
import { getPublishedResults } from '../server/services/results.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { assertProblem } from './helpers/catalogs.js'
import { orientationAt, pngInfo, readDocx, tableStartingWith } from './helpers/docx.js'
import { FIELD_CODES, departmentCatalog, publishedDemoRound, rawSql, reportRows } from './helpers/results.js'

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
/** "92.75" or 92.75 → "92,75", as the report prints points. */
const vi = (value: string | number) => Number(value).toFixed(2).replace('.', ',')
const maxOf = new Map(departmentCatalog.nodes.map((field) => [field.code, field.maxPoints]))

t.test('the report of the demo 2020 department round', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const response = await app.inject({ method: 'GET', url: `/rounds/${roundId}/report?format=docx`, headers: admin.headers })
  t.equal(response.statusCode, 200, response.statusCode === 200 ? '' : response.body)
  t.equal(response.headers['content-type'], DOCX)
  t.match(response.headers['content-disposition'], /^attachment; filename="Bao cao Chi so CCHC nam 2020\.docx"; filename\*=UTF-8''B%C3%A1o%20c%C3%A1o/)
  t.equal(response.headers['x-report-versions'], 'department:1')
  const snapshot = (await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/versions/1?unitType=department`, headers: admin.headers })).json()
  const docx = await readDocx(response.rawPayload)

  t.test('Bảng 1: rank, unit, self and appraised points, index and class of every unit, as published and as the 2020 report', async (t) => {
    const table = tableStartingWith(docx, 'Xếp hạng')
    t.same(table.rows[0]?.cells, ['Xếp hạng', 'Tên đơn vị', 'Điểm tự đánh giá', 'Điểm thẩm định', 'Chỉ số CCHC', 'Xếp loại'])
    t.same(table.rows.map((row) => row.header), [true, ...Array(20).fill(false)], 'one header row, repeated on every page')
    const body = table.rows.slice(1).map((row) => row.cells)
    t.same(body, snapshot.units.map((unit: any) => [String(unit.rank), unit.unit.name, vi(unit.self.display), vi(unit.appraised.display), vi(unit.appraised.indexDisplay), unit.classification.label]),
      'every cell is the published version\'s value')
    for (const row of reportRows) {
      const line = body.find((cells) => cells[1] === snapshot.units.find((unit: any) => unit.unit.code === row.unit_code)?.unit.name)
      t.same(line && [line[0], line[2], line[3], line[5]], [row.rank_reported, vi(row.total_self_reported as string), vi(row.total_appraised_reported as string), row.class_reported], `${row.unit_code} as in the 2020 report`)
    }
    t.same(body.filter((cells) => cells[0] === '7').map((cells) => cells[1]), ['Sở Tư pháp', 'Văn phòng UBND tỉnh'], 'the tie at 89,00 in Vietnamese order')
  })

  t.test('Bảng 2 on landscape pages: both sides of every field, the average row 85,03 and the maxima', async (t) => {
    const table = tableStartingWith(docx, 'STT')
    t.equal(orientationAt(docx, table.at), 'landscape')
    t.same(table.rows.slice(0, 3).map((row) => row.header), [true, true, false], 'two header rows, repeated')
    t.same(table.rows[0]?.cells, ['STT', 'Tên đơn vị', ...FIELD_CODES.map((code) => `Lĩnh vực ${code}\n(${String(maxOf.get(code)).replace('.', ',')} điểm)`), 'Tổng điểm', 'Xếp loại'])
    // The second header row continues the cells merged down from the first (STT, name, class): empty in the XML.
    t.same(table.rows[1]?.cells, ['', '', ...Array(8).fill(['TĐG', 'TĐ']).flat(), ''])
    const units = table.rows.slice(2, 22)
    units.forEach((row, i) => {
      const unit = snapshot.units[i]
      const report = reportRows.find((candidate) => candidate.unit_code === unit.unit.code) as Record<string, string>
      t.same(row.cells, [
        String(i + 1), unit.unit.name,
        ...FIELD_CODES.flatMap((code) => [vi(report[`f${code}_self`] as string), vi(report[`f${code}_appraised`] as string)]),
        vi(report.total_self_reported as string), vi(report.total_appraised_reported as string), report.class_reported
      ], `${unit.unit.code}: the 2020 report's Bảng 2 line`)
    })
    t.same(table.rows[22]?.cells, ['', 'Trung bình',
      '18,30', '14,30', '9,98', '8,70', '20,23', '19,33', '9,98', '9,13', '13,83', '11,90', '9,90', '9,50', '14,15', '12,18', '96,35', '85,03', ''],
    'the exact averages rounded half up (19,33 and 12,18, not the report\'s 19,32 and 12,17)')
    t.same(table.rows[23]?.cells, ['', 'Điểm tối đa', '19', '10', '20,5', '10', '15', '10', '15,5', '100', ''])
  })

  t.test('the paragraphs carry the classification counts and each field\'s counts and extremes', async (t) => {
    const text = docx.paragraphs.join('\n')
    t.match(text, /Điểm thẩm định trung bình của các sở, ban, ngành cấp tỉnh là 85,03 điểm\. Về xếp loại: 07 đơn vị xếp loại Xuất sắc \(từ 90 điểm trở lên\); 09 đơn vị xếp loại Tốt/)
    t.match(text, /- Xếp loại Trung bình có 01 đơn vị: Thanh tra tỉnh \(58,75 điểm\)\./)
    t.match(text, /chênh lệch giữa mức cao nhất và thấp nhất là 33,25 điểm/)
    // Each field's counts, from the report's CSV by plain arithmetic.
    FIELD_CODES.forEach((code, f) => {
      const maximum = maxOf.get(code) as number
      const values = reportRows.map((row) => Number(row[`f${code}_appraised`]))
      const atMaximum = values.filter((value) => value === maximum).length
      const fromEighty = values.filter((value) => value !== maximum && value * 100 >= 80 * maximum).length
      const paragraph = docx.paragraphs.find((candidate) => candidate.startsWith(`Biểu đồ ${f + 3} cho thấy`))
      t.ok(paragraph, `field ${code} has its paragraph after Biểu đồ ${f + 3}`)
      const counts = (n: number) => `${String(n).padStart(2, '0')}/20`
      t.match(paragraph, atMaximum === 0 ? /Không có đơn vị nào đạt điểm tối đa/ : `Có ${counts(atMaximum)} đơn vị đạt điểm tối đa`, `field ${code}: ${atMaximum} at the maximum`)
      t.match(paragraph, fromEighty === 0 ? 'không có đơn vị nào đạt từ 80%' : `${counts(fromEighty)} đơn vị đạt từ 80% đến dưới 100% số điểm`)
      t.match(paragraph, `đạt ${vi(snapshot.average.appraised.fields[f].display)}/${String(maximum).replace('.', ',')} điểm, bằng ${vi(snapshot.average.appraised.fields[f].percentDisplay)}% số điểm tối đa`)
    })
    const organisation = docx.paragraphs.find((candidate) => candidate.startsWith('Biểu đồ 6 cho thấy'))
    t.match(organisation, 'Có 14/20 đơn vị đạt điểm tối đa (10/10 điểm); 04/20 đơn vị đạt từ 80% đến dưới 100% số điểm; 02/20 đơn vị đạt dưới 80%.')
    t.match(organisation, 'Đơn vị đạt tỷ lệ thấp nhất là Sở Xây dựng (4,50/10 điểm, 45,00%).')
    t.match(docx.paragraphs.find((candidate) => candidate.startsWith('Biểu đồ 4 cho thấy')), 'Đơn vị đạt tỷ lệ thấp nhất là Văn phòng UBND tỉnh (3,00/10 điểm, 30,00%).')
    t.match(docx.paragraphs.find((candidate) => candidate.startsWith('Biểu đồ 3 cho thấy')), 'Thanh tra tỉnh (6,75/19 điểm, 35,53%)')
    t.match(text, /chênh lệch trung bình 11,33 điểm; 20\/20 đơn vị có điểm tự đánh giá cao hơn điểm thẩm định/)
    t.notMatch(text, /so với năm 2019/, 'no previous year, no change')
  })

  t.test('nine charts, each a valid PNG of sensible size, captioned Biểu đồ 1 to 9 in order', async (t) => {
    t.equal(docx.media.length, 9)
    t.equal((docx.xml.match(/<w:drawing>/g) ?? []).length, 9)
    for (const file of docx.media) {
      const info = pngInfo(file.bytes)
      t.ok(info, `${file.name} is a PNG`)
      t.equal(info?.width, 1210, `${file.name} is 1210 px wide`)
      t.ok(info !== null && info.height >= 300 && info.height <= 2000, `${file.name} is ${info?.height} px high`)
      t.ok(file.bytes.length > 20_000 && file.bytes.length < 400_000, `${file.name} weighs ${file.bytes.length} bytes`)
      const decoded = await loadImage(file.bytes)
      t.same([decoded.width, decoded.height], [info?.width, info?.height], `${file.name} decodes`)
    }
    const captions = docx.paragraphs.filter((text) => /^Biểu đồ \d+\. /.test(text)).map((text) => Number(/^Biểu đồ (\d+)/.exec(text)?.[1]))
    t.same(captions, [1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  t.test('heading block, legal basis, the staff\'s placeholders, Nơi nhận and signature', async (t) => {
    const heading = docx.tables[0]?.rows[0]?.cells ?? []
    t.match(heading[0], /^UBND TỈNH THANH HÓA\nSỞ NỘI VỤ\n[\s\S]*Số: +\/BC-SNV$/)
    t.match(heading[1], /^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n[\s\S]*Thanh Hóa, ngày +tháng +năm \d{4}$/)
    t.ok(docx.paragraphs.includes('Kết quả xác định Chỉ số cải cách hành chính năm 2020 của các sở, ban, ngành cấp tỉnh'))
    t.ok(docx.paragraphs.some((text) => text.startsWith('Thực hiện Quyết định số 4606/QĐ-UBND ngày 06/11/2019 của Chủ tịch UBND tỉnh Thanh Hóa về bộ tiêu chí')))
    t.ok(docx.paragraphs.some((text) => text.startsWith('Chỉ số CCHC của các sở, ban, ngành cấp tỉnh được xác định trên 07 lĩnh vực, 36 tiêu chí và 66 tiêu chí thành phần')))
    t.ok(docx.paragraphs.filter((text) => text.startsWith('[Nội dung do cán bộ soạn thảo:')).length >= 14, 'judgement is left to the staff, marked')
    const signature = docx.tables[docx.tables.length - 1]?.rows[0]?.cells ?? []
    t.match(signature[0], /^Nơi nhận:\n- Bộ Nội vụ \(để b\/c\);\n- Chủ tịch UBND tỉnh \(để b\/c\);\n- Các sở, ban, ngành cấp tỉnh;\n- Lưu: VT, CCHC\.$/)
    t.match(signature[1], /^GIÁM ĐỐC\n/)
    const defaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(docx.styles)?.[0] ?? ''
    t.ok(/w:ascii="Times New Roman"/.test(defaults) && /<w:sz w:val="28"\/>/.test(defaults), 'Times New Roman 14 by default')
    t.ok(/<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"\/>/.test(docx.xml), 'A4 portrait')
  })

  t.test('the issuer comes from the settings', async (t) => {
    const file = await buildReport(app.db, roundId, {}, { province: 'Nghệ An', agency: 'Sở Nội vụ', symbol: 'BC-SNV', signerTitle: 'Phó Giám đốc' })
    const other = await readDocx(file.body)
    t.match(other.tables[0]?.rows[0]?.cells[0], /^UBND TỈNH NGHỆ AN\n/)
    t.match(other.tables[0]?.rows[0]?.cells[1], /Nghệ An, ngày/)
    t.match(other.tables[other.tables.length - 1]?.rows[0]?.cells[1], /^PHÓ GIÁM ĐỐC\n/)
  })

  t.test('requests for the same report arriving together share one build; another request, or a later one, builds its own', async (t) => {
    const settings = { province: 'Thanh Hóa', agency: 'Sở Nội vụ', symbol: 'BC-SNV', signerTitle: 'Giám đốc' }
    const [first, second, other] = await Promise.all([
      sharedReport(app.db, roundId, {}, settings),
      sharedReport(app.db, roundId, {}, settings),
      sharedReport(app.db, roundId, { unitTypes: ['department'] }, settings)
    ])
    t.equal(first, second, 'the same file, built once')
    t.not(other, first, 'another request is built on its own')
    t.same(first.parts, [{ unitType: 'department', version: 1 }])
    t.ok((await readDocx(first.body)).paragraphs.includes('BÁO CÁO'), 'a report')
    t.not(await sharedReport(app.db, roundId, {}, settings), first, 'once built, nothing is kept: the next request builds anew')
  })

  t.test('the same charts are public, by version, cacheable', async (t) => {
    const url = `/public/rounds/${roundId}/results/department/charts`
    const index = await app.inject({ method: 'GET', url: `${url}/index.png` })
    t.equal(index.statusCode, 200)
    t.equal(index.headers['content-type'], 'image/png')
    t.ok(index.rawPayload.equals(docx.media[0]?.bytes as Buffer), 'the report\'s Biểu đồ 1, byte for byte')
    // 20 departments fit one part of 30 units (report-chart-parts.test.ts draws more).
    t.equal(index.headers['x-chart-parts'], '1', 'one part')
    const first = await app.inject({ method: 'GET', url: `${url}/index.png?part=1` })
    t.ok(first.rawPayload.equals(index.rawPayload) && first.headers.etag === index.headers.etag, 'part 1 is the chart')
    const beyond = assertProblem(t, await app.inject({ method: 'GET', url: `${url}/index.png?part=2` }), 404, 'NOT_FOUND')
    t.match(beyond.detail, 'has 1 part; ask for part 1 to 1')
    const zero = assertProblem(t, await app.inject({ method: 'GET', url: `${url}/index.png?part=0` }), 400, 'VALIDATION_FAILED')
    t.match(zero.errors, [{ in: 'querystring', pointer: '/part' }])
    // For a phone's screen: 360 CSS px drawn 720 px wide, each name above its bar, so the image is taller.
    const narrow = await app.inject({ method: 'GET', url: `${url}/index.png?layout=narrow` })
    t.equal(narrow.statusCode, 200)
    const [wideSize, narrowSize] = [pngInfo(index.rawPayload), pngInfo(narrow.rawPayload)]
    t.equal(narrowSize?.width, 720, 'the narrow layout is 720 px wide')
    t.ok((narrowSize?.height ?? 0) > (wideSize?.height ?? 0), `and taller (${narrowSize?.height} against ${wideSize?.height} px)`)
    t.same(await loadImage(narrow.rawPayload).then((image) => [image.width, image.height]), [narrowSize?.width, narrowSize?.height], 'it decodes')
    t.not(narrow.headers.etag, index.headers.etag, 'its own ETag')
    t.equal(narrow.headers['x-chart-parts'], '1')
    const layout = assertProblem(t, await app.inject({ method: 'GET', url: `${url}/index.png?layout=square` }), 400, 'VALIDATION_FAILED')
    t.match(layout.errors, [{ in: 'querystring', pointer: '/layout' }])
    const field = await app.inject({ method: 'GET', url: `${url}/field-4.png?version=1` })
    t.ok(field.rawPayload.equals(docx.media[5]?.bytes as Buffer), 'field 4 is the report\'s Biểu đồ 6')
    t.equal(field.headers['cache-control'], 'public, max-age=31536000, immutable')
    const again = await app.inject({ method: 'GET', url: `${url}/index.png`, headers: { 'if-none-match': String(index.headers.etag) } })
    t.equal(again.statusCode, 304)
    assertProblem(t, await app.inject({ method: 'GET', url: `${url}/field-9.png` }), 404, 'NOT_FOUND')
    assertProblem(t, await app.inject({ method: 'GET', url: `${url}/index.svg` }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/district/charts/index.png` }), 404, 'RESULTS_NOT_PUBLISHED')
    assertProblem(t, await app.inject({ method: 'GET', url: `${url}/index.png?version=2` }), 404, 'RESULTS_NOT_PUBLISHED')
  })

  t.test('requests for a chart not drawn yet, arriving together, share one drawing', async (t) => {
    const published = await getPublishedResults(app.db, roundId, 'department')
    // A version id no chart was drawn for (the report above drew this version's): the first requests after a publication.
    const versionId = randomUUID()
    const charts = await Promise.all(Array.from({ length: 5 }, () => publishedChart(versionId, published.snapshot, 'field-2')))
    t.ok(charts[0] !== null && (pngInfo(charts[0] as Buffer)?.width ?? 0) > 0, 'a PNG')
    t.ok(charts.every((png) => png === charts[0]), 'the same bytes, drawn once')
    t.equal(await publishedChart(versionId, published.snapshot, 'field-2'), charts[0], 'and kept')
  })

  t.test('only admins get the report; every refusal is a problem document', async (t) => {
    const viewer = await loginAs(app, 'viewer')
    assertProblem(t, await app.inject({ method: 'GET', url: `/rounds/${roundId}/report`, headers: viewer.headers }), 403, 'FORBIDDEN')
    assertProblem(t, await app.inject({ method: 'GET', url: `/rounds/${roundId}/report` }), 401, 'UNAUTHENTICATED')
    const get = (query: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `/rounds/${roundId}/report${query}`, headers: { ...admin.headers, ...headers } })
    const format = assertProblem(t, await get('?format=pdf'), 400, 'VALIDATION_FAILED')
    t.match(format.errors, [{ in: 'querystring', pointer: '/format' }])
    const noDistricts = assertProblem(t, await get('?unitTypes=district', { 'accept-language': 'vi' }), 404, 'RESULTS_NOT_PUBLISHED')
    t.equal(noDistricts.detail, 'Kỳ đánh giá chưa công bố kết quả của UBND huyện, thị xã, thành phố.', 'the unit type by its name')
    assertProblem(t, await get('?versions=department:2'), 404, 'RESULTS_NOT_PUBLISHED')
    const stray = assertProblem(t, await get('?versions=district:1'), 400, 'VALIDATION_FAILED')
    t.match(stray.errors, [{ in: 'querystring', pointer: '/versions' }])
    const unknown = assertProblem(t, await get('?unitTypes=commune'), 400, 'VALIDATION_FAILED')
    t.match(unknown.errors, [{ in: 'querystring', pointer: '/unitTypes' }])
    t.equal((await get('?unitTypes=department&versions=department:1')).statusCode, 200)
    assertProblem(t, await app.inject({ method: 'GET', url: '/rounds/00000000-0000-4000-8000-000000000000/report', headers: admin.headers }), 404, 'NOT_FOUND')

    // Districts take part too (their appraisal still open): by default the report waits for them, or is asked without them.
    const [district] = await queryRows<{ id: string }>(app.db, sql`select id from units where unit_type_code = 'district' order by code limit 1`)
    await rawSql(app, `insert into round_units (round_id, unit_id) values ('${roundId}', '${district?.id}')`)
    const incomplete = assertProblem(t, await get('', { 'accept-language': 'vi' }), 409, 'REPORT_INCOMPLETE')
    t.same(incomplete.unitTypes, ['district'])
    t.equal(incomplete.detail, 'Kết quả của UBND huyện, thị xã, thành phố chưa được công bố: hãy công bố, hoặc chỉ lập báo cáo cho Sở, ban, ngành cấp tỉnh.', 'the unit types by their names')
    t.equal((await get('?unitTypes=department')).statusCode, 200)
  })
})

t.test('a round with nothing published has no report', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '2021', title: 'Kỳ đánh giá năm 2021', year: 2021 } })
  assertProblem(t, await app.inject({ method: 'GET', url: `/rounds/${created.json().id}/report`, headers: admin.headers }), 404, 'RESULTS_NOT_PUBLISHED')
})

t.test('once a second version is published, the report\'s file name says which version it holds', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const units = (await app.inject({ method: 'GET', url: '/units?unitType=department&limit=100', headers: admin.headers })).json().items as { id: string, code: string }[]
  const unit = units.find((candidate) => candidate.code === 'SO-TTTT') as { id: string }
  t.equal((await app.inject({ method: 'PATCH', url: `/units/${unit.id}`, headers: admin.headers, payload: { name: 'Sở Thông tin và Truyền thông tỉnh' } })).statusCode, 200)
  const published = await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: admin.headers, payload: { unitType: 'department', reason: 'Sửa tên đơn vị' } })
  t.equal(published.statusCode, 201)
  /** The file name as a browser reads it: the UTF-8 one (filename*), and the ASCII fallback. */
  const names = async (query: string) => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${roundId}/report${query}`, headers: admin.headers })
    t.equal(response.statusCode, 200)
    const header = String(response.headers['content-disposition'])
    return { utf8: decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(header)?.[1] ?? ''), ascii: /filename="([^"]*)"/.exec(header)?.[1] }
  }
  t.same(await names(''), { utf8: 'Báo cáo Chỉ số CCHC năm 2020 (phiên bản 2).docx', ascii: 'Bao cao Chi so CCHC nam 2020 (phien ban 2).docx' }, 'the latest version, named')
  t.same(await names('?versions=department:1'), { utf8: 'Báo cáo Chỉ số CCHC năm 2020 (phiên bản 1).docx', ascii: 'Bao cao Chi so CCHC nam 2020 (phien ban 1).docx' }, 'the first version asked for, named apart from the second')
})

t.test('a report of unit types at different versions names each one\'s version; one published once names none', async (t) => {
  const department = { name: 'Sở, ban, ngành cấp tỉnh', latest: 2 }
  const district = { name: 'UBND huyện, thị xã, thành phố', latest: 1 }
  t.equal(reportFilename(2026, [{ unitType: { ...department, latest: 1 }, version: 1 }]), 'Báo cáo Chỉ số CCHC năm 2026.docx')
  t.equal(reportFilename(2026, [{ unitType: department, version: 2 }, { unitType: district, version: 1 }]),
    'Báo cáo Chỉ số CCHC năm 2026 (Sở, ban, ngành cấp tỉnh phiên bản 2; UBND huyện, thị xã, thành phố phiên bản 1).docx')
  t.equal(reportFilename(2026, [{ unitType: department, version: 2 }, { unitType: { ...district, latest: 2 }, version: 2 }]), 'Báo cáo Chỉ số CCHC năm 2026 (phiên bản 2).docx')
})
