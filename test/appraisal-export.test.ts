// A unit's appraisal as the sheet the appraisal team keeps and signs: read back with exceljs, per leaf the self and
// appraised scores, their exact difference, the reason and who appraised; the fields' and total's figures the server's;
// an appraiser's sheet only their fields; who may export it.
import t from 'tap'
import ExcelJS from 'exceljs'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { publishedDemoRound, rawSql } from './helpers/results.js'
import { type Leaf as ScoredLeaf, loadReferenceData, maxInput, openRound } from './helpers/rounds.js'

type Leaf = ScoredLeaf & { fieldCode: string, evidence: string }
type Cells = ExcelJS.CellValue[]

async function sheetOf (bytes: Buffer): Promise<{ headings: string[], headers: string[], rows: Map<string, Cells>, total: Cells | undefined, codes: string[] }> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const sheet = workbook.getWorksheet('Thẩm định') as ExcelJS.Worksheet
  const headings = [1, 2, 3, 4].map((row) => String(sheet.getCell(row, 1).value))
  const headers = (sheet.getRow(6).values as ExcelJS.CellValue[]).slice(1).map(String)
  const rows = new Map<string, Cells>()
  const codes: string[] = []
  let total: Cells | undefined
  sheet.eachRow((row, number) => {
    if (number <= 6) return
    const cells = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((column) => row.getCell(column).value)
    if (cells[1] === 'Tổng cộng') total = cells
    else if (typeof cells[0] === 'string' && /^\d/.test(cells[0])) {
      rows.set(cells[0], cells)
      codes.push(cells[0])
    }
  })
  return { headings, headers, rows, total, codes }
}

/** What the unit's officer reads while a published round is being corrected. */
const CORRECTING = 'Kết quả đã công bố của kỳ đánh giá đang được điều chỉnh; bảng kết quả thẩm định chi tiết sẽ có lại khi phiên bản kết quả mới được công bố.'

t.test('the appraisal sheet: self beside appraised per leaf, the exact difference, reasons and appraisers; the server\'s totals', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const unitId = data.units.get('SO-TP') as string
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const legal = await loginAs(app, 'appraiser', { username: 'tham-dinh-tu-phap' })
  const others = await loginAs(app, 'appraiser', { username: 'tham-dinh-noi-vu' })
  const viewer = await loginAs(app, 'viewer')
  const inject = (who: LoggedIn, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { ...who.headers, ...headers }, ...(payload === undefined ? {} : { payload }) })

  // The unit answers every leaf at its maximum but 1.1.2 (0.5) and 4.3.2 (not applicable), and submits.
  const selfUrl = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const leaves: Leaf[] = (await inject(officer, 'GET', selfUrl)).json().leaves
  const entries = leaves.map((leaf) => ({
    leafCode: leaf.code,
    input: leaf.code === '1.1.2' ? { value: 0.5 } : leaf.code === '4.3.2' ? { option: 'na' } : maxInput(leaf),
    ...(leaf.evidence === 'required' ? { explanation: `Minh chứng cho tiêu chí ${leaf.code}` } : {})
  }))
  t.equal((await inject(officer, 'PATCH', selfUrl, { entries }, { 'if-match': '"0"' })).statusCode, 200)
  t.equal((await inject(officer, 'POST', `${selfUrl}/submit`, undefined, { 'if-match': '*' })).statusCode, 200)
  t.equal((await inject(admin, 'PATCH', `/rounds/${round.id}`, { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() })).statusCode, 200)
  t.equal((await inject(admin, 'POST', `/rounds/${round.id}/transition`, { to: 'appraisal' })).statusCode, 200)
  const fieldCodes = [...new Set(leaves.map((leaf) => leaf.fieldCode))]
  t.equal((await inject(admin, 'PUT', `/rounds/${round.id}/assignments`, {
    assignments: fieldCodes.map((fieldCode) => ({ unitType: 'department', fieldCode, userId: fieldCode === '1' ? legal.user.id : others.user.id }))
  })).statusCode, 200)

  // The legal appraiser scores 1.1.1 below the unit (1 → 0.5) and 1.1.2 above it (0.5 → 0.75), with reasons, and
  // takes the unit's score for 1.1.3; the rest of field 1 waits.
  const url = `/rounds/${round.id}/units/${unitId}/appraisal`
  const saved = await inject(legal, 'PATCH', url, {
    entries: [
      { leafCode: '1.1.1', input: { option: 'b' }, reason: 'Kế hoạch ban hành chậm 5 ngày' },
      { leafCode: '1.1.2', input: { value: 0.75 }, reason: 'Kế hoạch có đủ sản phẩm cụ thể' },
      { leafCode: '1.1.3', input: { value: 1 } }
    ]
  }, { 'if-match': '"0"' })
  t.equal(saved.statusCode, 200)
  const state = (await inject(legal, 'GET', url)).json()

  const file = await inject(legal, 'GET', `${url}/export`)
  t.equal(file.statusCode, 200)
  t.equal(file.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.equal(file.headers['content-disposition'], `attachment; filename="tham-dinh-${round.code}-SO-TP.xlsx"`)
  const sheet = await sheetOf(file.rawPayload)
  t.equal(sheet.headings[0], 'KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH')
  t.match(sheet.headings[2], / · lĩnh vực 1$/)
  t.match(sheet.headings[3], /^Đang thẩm định, chưa chốt; xuất lúc \d\d\/\d\d\/\d{4} \d\d:\d\d/)
  t.same(sheet.codes, ['1', ...leaves.filter((leaf) => leaf.fieldCode === '1').map((leaf) => leaf.code)], 'the appraiser\'s field only, in catalog order')
  const row = (code: string) => sheet.rows.get(code) as Cells
  const appraiser = state.leaves.find((leaf: { code: string }) => leaf.code === '1.1.1').appraised.appraisedBy.displayName
  t.ok(appraiser, 'the appraisal names who appraised')
  t.equal(sheet.headers[6], 'Nội dung tự đánh giá / thẩm định')
  t.same(row('1.1.1').slice(2), [1, 1, 0.5, 0.5, 'TĐG: Ban hành kịp thời\nTĐ: Ban hành không kịp thời', 'Kế hoạch ban hành chậm 5 ngày', appraiser], 'what each side chose, when they differ')
  t.same(row('1.1.2').slice(2), [1, 0.5, 0.75, -0.25, null, 'Kế hoạch có đủ sản phẩm cụ thể', appraiser], 'a range leaf\'s answer is its points')
  t.same(row('1.1.3').slice(2), [1, 1, 1, 0, null, null, appraiser], 'the same score needs no reason')
  t.same(row('1.1.4').slice(3, 8), [3, null, null, 'Tỷ lệ nhiệm vụ hoàn thành so với kế hoạch: 100 %', null], 'not appraised yet: empty but what the unit measured')
  const field = state.fields[0]
  t.same(row('1').slice(2, 6), [field.maxPoints, field.selfPoints, field.appraisedPoints, field.gap])
  t.same(sheet.total?.slice(2, 7), [state.totals.maxPoints, state.totals.selfPoints, state.totals.appraisedPoints, state.totals.gap, `Đã thẩm định 3/${state.totals.leaves} tiêu chí`])

  // The other appraiser takes the unit's "not applicable" on 4.3.2 (1.5 points): the total says the applicable maximum.
  t.equal((await inject(others, 'POST', `${url}/accept-self`, { leafCodes: ['4.3.2'] }, { 'if-match': '*' })).statusCode, 200)
  // An admin's sheet holds every field, a not-applicable self score said as such; a viewer may read it too.
  const all = await sheetOf((await inject(admin, 'GET', `${url}/export`)).rawPayload)
  t.match(all.total?.[6], /^Đã thẩm định 4\/\d+ tiêu chí; tối đa áp dụng sau thẩm định 98,5$/, 'the applicable maximum; no index while leaves wait')
  t.same(all.codes.filter((code) => !code.includes('.')), fieldCodes)
  t.equal(all.rows.get('4.3.2')?.[3], 'Không áp dụng')
  t.equal((await inject(viewer, 'GET', `${url}/export`)).statusCode, 200)
  // The unit's own officer reads it only once the results are published; an appraisal under way is not theirs yet.
  const early = await inject(officer, 'GET', `${url}/export`, undefined, { 'accept-language': 'vi' })
  t.equal(early.statusCode, 404)
  t.equal(early.json().code, 'RESULTS_NOT_PUBLISHED')
  t.equal(early.json().detail, 'Đơn vị xem được kết quả thẩm định chi tiết sau khi kỳ đánh giá công bố kết quả của loại đơn vị mình.')
  t.equal((await app.inject({ method: 'GET', url: `${url}/export` })).statusCode, 401)
})

t.test('once the results are published, a unit\'s officer reads its own appraisal sheet, every field, without the appraisers\' names', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const units = new Map<string, string>((await app.inject({ method: 'GET', url: '/units?limit=100', headers: admin.headers })).json().items
    .map((unit: { code: string, id: string }) => [unit.code, unit.id]))
  const unitId = units.get('SO-TP') as string
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const url = `/rounds/${roundId}/units/${unitId}/appraisal/export`
  const own = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal(own.statusCode, 200)
  const unitSheet = await sheetOf(own.rawPayload)
  const adminSheet = await sheetOf((await app.inject({ method: 'GET', url, headers: admin.headers })).rawPayload)
  t.same(unitSheet.codes, adminSheet.codes, 'every field and leaf, as the admin\'s')
  t.same(unitSheet.headers, adminSheet.headers.slice(0, -1), 'the same columns but who appraised')
  for (const code of unitSheet.codes) t.same(unitSheet.rows.get(code)?.slice(0, 8), adminSheet.rows.get(code)?.slice(0, 8), code)
  t.ok(unitSheet.codes.every((code) => unitSheet.rows.get(code)?.[8] === null), 'no name in the last column')
  // The fields' appraised points are the published ones (Bảng 2 of the report).
  const published = (await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department/units/SO-TP` })).json()
  const fields = published.result.fields as { code: string, appraised: { points: string } }[]
  t.equal(fields.length, 7)
  for (const field of fields) t.equal(unitSheet.rows.get(field.code)?.[4], Number(field.appraised.points), `field ${field.code} as published`)
  const other = await app.inject({ method: 'GET', url: url.replace(unitId, units.get('SO-TC') as string), headers: officer.headers })
  t.equal(other.statusCode, 404, 'another unit\'s sheet is not theirs')
})

/** The demo's published 2020 department round, and Sở Tư pháp's officer with the address of its appraisal sheet. */
async function sotpOfPublishedDemo (t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const unitId = (await app.inject({ method: 'GET', url: '/units?q=SO-TP&limit=5', headers: admin.headers })).json().items
    .find((unit: { code: string }) => unit.code === 'SO-TP').id as string
  const officer = await loginAs(app, 'unit_officer', { unitId })
  return { app, roundId, admin, unitId, officer, url: `/rounds/${roundId}/units/${unitId}/appraisal/export` }
}

t.test('a score changed since the latest published version stays out of the unit\'s sheet, even in a round marked published', async (t) => {
  const { app, roundId, admin, unitId, officer, url } = await sotpOfPublishedDemo(t)
  t.equal((await app.inject({ method: 'GET', url, headers: officer.headers })).statusCode, 200, 'as published')
  // A correction no published version holds, written here by a statement of its own: the API refuses to bring a
  // corrected round back to published without a new version, but publishing another unit type's correction (which
  // moves the round to published) leaves this very state.
  await rawSql(app, `update appraisal_entries set points_milli = 0, reason = 'Chưa công bố' where leaf_code = '1.1.1'
    and appraisal_id = (select id from appraisals where round_id = '${roundId}' and unit_id = '${unitId}')`)
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${roundId}`, headers: admin.headers })).json().status, 'published')
  const refused = await app.inject({ method: 'GET', url, headers: { ...officer.headers, 'accept-language': 'vi' } })
  t.equal(refused.statusCode, 404)
  t.equal(refused.json().code, 'RESULTS_NOT_PUBLISHED', 'the unpublished correction is not the unit\'s to read yet')
  t.equal(refused.json().detail, CORRECTING, 'said as a correction under way, not as results never published')
  t.equal((await app.inject({ method: 'GET', url, headers: admin.headers })).statusCode, 200, 'the admin still reads the appraisal as it stands')
})

t.test('while an admin has moved the published round back to correct it, the unit is told its results are being corrected', async (t) => {
  const { app, roundId, admin, officer, url } = await sotpOfPublishedDemo(t)
  const back = await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: admin.headers, payload: { to: 'finalized', reason: 'Sửa điểm thẩm định' } })
  t.equal(back.statusCode, 200)
  const refused = await app.inject({ method: 'GET', url, headers: { ...officer.headers, 'accept-language': 'vi' } })
  t.equal(refused.statusCode, 404)
  t.equal(refused.json().code, 'RESULTS_NOT_PUBLISHED')
  t.equal(refused.json().detail, CORRECTING)
  const english = await app.inject({ method: 'GET', url, headers: { ...officer.headers, 'accept-language': 'en' } })
  t.equal(english.json().detail, 'The round\'s published results are being corrected; the detailed appraisal comes back with the new published version.')
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: admin.headers, payload: { to: 'published' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url, headers: officer.headers })).statusCode, 200, 'back to published unchanged: the sheet is there again')
})
