// A unit's self-assessment as the workbook it prints, signs and sends: read back with exceljs, the tree in catalog order,
// the sums of each field and criterion exact, the answers in words, the evidence files' names, the total; and who may
// export it (whoever may read the self-assessment, and no one else).
import { randomBytes } from 'node:crypto'
import t from 'tap'
import ExcelJS from 'exceljs'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { openRoundForOfficer } from './helpers/rounds.js'
import { samples, temporaryDirectory } from './storage/samples.js'

type Row = { code: string, title: string, max: unknown, points: unknown, answer: unknown, explanation: unknown, files: unknown }

async function rowsOf (bytes: Buffer): Promise<{ sheet: ExcelJS.Worksheet, rows: Row[] }> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const sheet = workbook.getWorksheet('Tự đánh giá') as ExcelJS.Worksheet
  const rows: Row[] = []
  sheet.eachRow((row, number) => {
    if (number <= 6) return
    const [code, title, max, points, answer, explanation, files] = [1, 2, 3, 4, 5, 6, 7].map((column) => row.getCell(column).value)
    rows.push({ code: String(code ?? ''), title: String(title ?? ''), max, points, answer, explanation, files })
  })
  return { sheet, rows }
}

t.test('the workbook holds the tree in catalog order with exact sums, the answers in words, the files and the total', async (t) => {
  const app = await buildTestApp(t, { config: { DATA_DIR: temporaryDirectory(t) } })
  const { round, officer, url } = await openRoundForOfficer(app)
  const saved = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...officer.headers, 'if-match': '"0"' },
    payload: {
      entries: [
        { leafCode: '1.1.1', input: { option: 'b' }, explanation: 'Kế hoạch ban hành chậm 5 ngày' },
        { leafCode: '1.1.2', input: { value: 0.75 } },
        { leafCode: '1.1.4', input: { measurement: 92.5 } },
        { leafCode: '4.3.2', input: { option: 'na' }, explanation: 'Sở không có đơn vị trực thuộc' }
      ]
    }
  })
  t.equal(saved.statusCode, 200)
  const boundary = `par-${randomBytes(8).toString('hex')}`
  const upload = await app.inject({
    method: 'POST',
    url: `${url}/files?leafCode=1.1.1`,
    headers: { ...officer.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Quyết định kế hoạch.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      samples.pdf(),
      Buffer.from(`\r\n--${boundary}--\r\n`)
    ])
  })
  t.equal(upload.statusCode, 201)
  const state = (await app.inject({ method: 'GET', url, headers: officer.headers })).json()

  const file = await app.inject({ method: 'GET', url: `${url}/export`, headers: officer.headers })
  t.equal(file.statusCode, 200)
  t.equal(file.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.equal(file.headers['content-disposition'], `attachment; filename="tu-danh-gia-${round.code}-SO-TP.xlsx"`)
  const { sheet, rows } = await rowsOf(file.rawPayload)
  t.equal(sheet.getCell(1, 1).value, 'BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH')
  t.match(String(sheet.getCell(2, 1).value), /^Sở Tư pháp · kỳ đánh giá /)
  t.match(String(sheet.getCell(4, 1).value), /^Bản nháp, chưa nộp; xuất lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/)

  // Every field, criterion and leaf once, each after its parent; the leaves in the screen's order.
  const leafCodes = new Set<string>(state.leaves.map((leaf: { code: string }) => leaf.code))
  const table = rows.filter((row) => row.code !== '' && !row.code.startsWith('NGƯỜI') && row.title !== '(Ký, ghi rõ họ tên)')
  t.same(table.filter((row) => leafCodes.has(row.code)).map((row) => row.code), [...leafCodes])
  t.same(table.filter((row) => !leafCodes.has(row.code)).map((row) => row.code), state.sections.map((section: { code: string }) => section.code))
  const place = new Map(table.map((row, i) => [row.code, i]))
  for (const section of state.sections as { code: string, childCodes: string[] }[]) {
    for (const child of section.childCodes) t.ok((place.get(child) as number) > (place.get(section.code) as number), `${child} after ${section.code}`)
  }

  const row = (code: string) => table.find((candidate) => candidate.code === code) as Row
  t.match(row('1.1.1'), { max: 1, points: 0.5, answer: 'Ban hành không kịp thời', explanation: 'Kế hoạch ban hành chậm 5 ngày', files: 'Quyết định kế hoạch.pdf' })
  t.match(row('1.1.2'), { points: 0.75, answer: null, explanation: null, files: null })
  t.match(row('1.1.4'), { points: 2, answer: 'Tỷ lệ nhiệm vụ hoàn thành so với kế hoạch: 92,5 %' })
  t.match(row('4.3.2'), { points: 'Không áp dụng', answer: 'Không áp dụng', explanation: 'Sở không có đơn vị trực thuộc' })
  t.match(row('1.1.3'), { points: null, answer: null })
  // A criterion and a field add up their leaves; each field's points are the server's field total.
  t.match(row('1.1'), { points: 3.25 })
  for (const field of state.totals.fields as { code: string, points: number, maxPoints: number }[]) {
    t.match(row(field.code), { points: field.points, max: field.maxPoints }, `field ${field.code}`)
  }
  const total = rows.find((candidate) => candidate.title === 'Tổng điểm tự đánh giá') as Row
  t.match(total, { max: 100, points: state.totals.points, answer: `Đã chấm 4/74 tiêu chí; ${state.totals.percentDisplay.replace('.', ',')} % điểm tối đa áp dụng` })
  t.equal(state.totals.points, 3.25)
  t.ok(rows.some((candidate) => candidate.code === 'NGƯỜI LẬP BIỂU'), 'the signature block')
})

t.test('who may export a self-assessment is who may read it: its officer, admins and viewers; not another unit or an appraiser', async (t) => {
  const app = await buildTestApp(t)
  const { data, unitId, officer, admin, url } = await openRoundForOfficer(app)
  const other = await loginAs(app, 'unit_officer', { unitId: data.units.get('SO-TC') as string })
  const viewer = await loginAs(app, 'viewer')
  const appraiser = await loginAs(app, 'appraiser')
  const exportOf = (headers: Record<string, string>, target = url) => app.inject({ method: 'GET', url: `${target}/export`, headers })
  t.equal((await exportOf(officer.headers)).statusCode, 200)
  t.equal((await exportOf(admin.headers)).statusCode, 200)
  t.equal((await exportOf(viewer.headers)).statusCode, 200)
  const stranger = await exportOf(other.headers)
  t.equal(stranger.statusCode, 404, 'another unit\'s officer learns nothing, as on the read')
  t.match(stranger.headers['content-type'], /application\/problem\+json/)
  t.equal((await exportOf(appraiser.headers)).statusCode, 403)
  t.equal((await exportOf({})).statusCode, 401)
  // Their own unit's export is still theirs.
  t.equal((await exportOf(other.headers, url.replace(unitId, data.units.get('SO-TC') as string))).statusCode, 200)
})
