// Published results on the demo 2020 round: the public API's caching, exports (the XLSX read back), API keys and
// provisional results, who may publish when, and the database refusing to change a published version.
import { gunzipSync } from 'node:zlib'
import t from 'tap'
import ExcelJS from 'exceljs'
import { buildTestApp } from './helpers/app.js'
import { apiKeyHeaders, loginAs } from './helpers/auth.js'
import { publishedDemoRound, rawSql, reportRows } from './helpers/results.js'
import { loadReferenceData, openRound } from './helpers/rounds.js'
import { loadDemoRound2020 } from '../server/services/demo-round.js'
import { getPublishedResults } from '../server/services/results.js'

t.test('the demo loader creates the published 2020 round once, with the report\'s results', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  t.equal(await loadDemoRound2020(app.db), false, 'a second start leaves it as it is')
  const admin = await loginAs(app, 'admin')
  const round = await app.inject({ method: 'GET', url: `/rounds/${roundId}`, headers: admin.headers })
  t.equal(round.json().status, 'published')
  t.equal(round.json().participants.length, 20)
  const results = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department` })
  for (const row of reportRows) {
    const item = results.json().items.find((candidate: { unit: { code: string } }) => candidate.unit.code === row.unit_code)
    t.same([item?.self.display, item?.appraised.display, item?.rank, item?.classification.label], [row.total_self_reported, row.total_appraised_reported, Number(row.rank_reported), row.class_reported], String(row.unit_code))
  }
  const progress = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results?unitType=department`, headers: admin.headers })
  t.ok(progress.json().units.every((unit: { progress: { leaves: number, selfAnswered: number, appraised: number } }) =>
    unit.progress.leaves === 74 && unit.progress.selfAnswered === 74 && unit.progress.appraised === 74), 'every leaf self-assessed and appraised')
})

t.test('public results: ETag from the version, Cache-Control, 304 on If-None-Match, gzip, pages, units by id or code', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const url = `/public/rounds/${roundId}/results/department`
  const latest = await app.inject({ method: 'GET', url })
  t.equal(latest.statusCode, 200)
  const etag = String(latest.headers.etag)
  t.match(etag, /^W\/"[0-9a-f-]{36}"$/)
  t.equal(latest.headers['cache-control'], 'public, max-age=60')
  t.match(String(latest.headers.vary), /accept-encoding/)
  t.ok(latest.headers['x-ratelimit-limit'], 'rate-limited')
  const numbered = await app.inject({ method: 'GET', url: `${url}?version=1` })
  t.equal(numbered.headers.etag, etag)
  t.equal(numbered.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.equal(numbered.body, latest.body)

  const notModified = await app.inject({ method: 'GET', url, headers: { 'if-none-match': `"other", ${etag}` } })
  t.equal(notModified.statusCode, 304)
  t.equal(notModified.body, '')
  t.equal(notModified.headers.etag, etag)
  t.equal((await app.inject({ method: 'GET', url, headers: { 'if-none-match': '"stale"' } })).statusCode, 200)

  const gzipped = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate' } })
  t.equal(gzipped.headers['content-encoding'], 'gzip')
  const { gunzipSync } = await import('node:zlib')
  t.equal(gunzipSync(gzipped.rawPayload).toString('utf8'), latest.body)
  t.notOk((await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip;q=0' } })).headers['content-encoding'])

  const page = await app.inject({ method: 'GET', url: `${url}?limit=5&offset=5` })
  t.match(page.json(), { total: 20, limit: 5, offset: 5 })
  t.same(page.json().items.map((item: { rank: number }) => item.rank), [5, 6, 7, 7, 8])

  const byCode = await app.inject({ method: 'GET', url: `${url}/units/so-tp` })
  t.equal(byCode.statusCode, 200)
  const result = byCode.json().result
  t.equal(result.unit.name, 'Sở Tư pháp')
  t.equal(result.fields.length, 7)
  t.match(result.fields[0], { code: '1', self: { points: 19, display: '19.00', maximum: 19, percent: '100' }, appraised: { points: 13, percentDisplay: '68.42' } })
  t.same(result.targets, { nextBand: { code: 'XUAT_SAC', label: 'Xuất sắc' }, pointsToNextBand: 1, pointsToNextRank: 1.5 })
  const byId = await app.inject({ method: 'GET', url: `${url}/units/${result.unit.id}` })
  t.same(byId.json().result, result)
  t.equal((await app.inject({ method: 'GET', url: `${url}/units/NO-SUCH` })).statusCode, 404)

  const missing = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/district` })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().code, 'RESULTS_NOT_PUBLISHED')
  t.equal((await app.inject({ method: 'GET', url: `${url}?version=2` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/district/versions` })).statusCode, 404)
  // A person reads the unit type by its name, not its code.
  for (const path of ['', '/versions']) {
    const inVietnamese = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/district${path}`, headers: { 'accept-language': 'vi' } })
    t.equal(inVietnamese.json().detail, 'Kỳ đánh giá chưa công bố kết quả của UBND huyện, thị xã, thành phố.', `the unit type by its name (${path || 'results'})`)
  }
  t.equal(missing.headers['cache-control'], 'no-store', 'a cache in front does not keep "not published" after publication')
  // What does not exist is not "not published yet".
  const nowhere = '00000000-0000-4000-8000-000000000000'
  for (const path of [`/public/rounds/${nowhere}/results/department`, `/public/rounds/${nowhere}/results/department/versions`,
    `/public/rounds/${roundId}/results/nonsense`, `/public/rounds/${roundId}/results/nonsense/versions`, `/public/rounds/${roundId}/results/nonsense/units/so-tp`]) {
    const answer = await app.inject({ method: 'GET', url: path })
    t.match({ status: answer.statusCode, code: answer.json().code }, { status: 404, code: 'NOT_FOUND' }, path)
  }

  // The list of versions answers 304 to the ETag it gave, until a version is published.
  const versions = await app.inject({ method: 'GET', url: `${url}/versions` })
  t.equal(versions.statusCode, 200)
  t.ok(versions.headers.etag, 'the list of versions has an ETag')
  t.equal((await app.inject({ method: 'GET', url: `${url}/versions`, headers: { 'if-none-match': String(versions.headers.etag) } })).statusCode, 304)
})

t.test('one unit across the years: its line in the latest published version of each round, newest year first', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  // The year before, published twice (a correction moved Sở Tư pháp to rank 3), as publication writes versions.
  const created = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '2019', title: 'Kỳ đánh giá năm 2019', year: 2019 } })
  const earlier: string = created.json().id
  for (const [version, rank] of [[1, 7], [2, 3]] as const) {
    await rawSql(app, `insert into result_versions (round_id, unit_type_code, version, catalog_id, input_hash, snapshot)
      select '${earlier}', unit_type_code, ${version}, catalog_id, 'h${version}',
        jsonb_set(jsonb_set(snapshot, '{round}', '{"id": "${earlier}", "code": "2019", "title": "Kỳ đánh giá năm 2019", "year": 2019}'),
          '{units}', (select jsonb_agg(case when u -> 'unit' ->> 'code' = 'SO-TP' then jsonb_set(u, '{rank}', '${rank}') else u end) from jsonb_array_elements(snapshot -> 'units') u))
      from result_versions where round_id = '${roundId}' and unit_type_code = 'department'`)
  }

  const history = await app.inject({ method: 'GET', url: '/public/units/so-tp/results' })
  t.equal(history.statusCode, 200)
  const body = history.json()
  t.match(body, { unit: { code: 'SO-TP', name: 'Sở Tư pháp' }, unitType: { code: 'department' } })
  t.same(body.items.map((item: { round: { year: number }, version: { number: number }, rank: number }) => [item.round.year, item.version.number, item.rank]), [[2020, 1, 7], [2019, 2, 3]])
  t.match(body.items[0], { ranked: 20, self: { points: 99.5, display: '99.50' }, appraised: { points: 89, index: '89', indexDisplay: '89.00' }, classification: { label: 'Tốt' } })
  t.same((await app.inject({ method: 'GET', url: `/public/units/${String(body.unit.id)}/results` })).json(), body, 'by id as by code')
  t.equal((await app.inject({ method: 'GET', url: '/public/units/so-tp/results', headers: { 'if-none-match': String(history.headers.etag) } })).statusCode, 304)

  const district = await app.inject({ method: 'GET', url: '/public/units/h-dong-son/results' })
  t.match(district.json(), { unitType: { code: 'district' }, items: [] }, 'a unit with nothing published has an empty history')
  const unknown = await app.inject({ method: 'GET', url: '/public/units/no-such-unit/results' })
  t.match({ status: unknown.statusCode, code: unknown.json().code }, { status: 404, code: 'NOT_FOUND' })
})

t.test('the list of published rounds names who publishes them, from the configuration, and its ETag follows it', async (t) => {
  const thanhHoa = await buildTestApp(t)
  const list = await thanhHoa.inject({ method: 'GET', url: '/public/rounds' })
  t.same(list.json(), { publisher: { province: 'Thanh Hóa', agency: 'Sở Nội vụ' }, items: [] })
  const ngheAn = await buildTestApp(t, { config: { REPORT_PROVINCE: 'Nghệ An', REPORT_AGENCY: 'Sở Nội vụ' } })
  const other = await ngheAn.inject({ method: 'GET', url: '/public/rounds' })
  t.same(other.json().publisher, { province: 'Nghệ An', agency: 'Sở Nội vụ' })
  // The same (empty) rounds from another province are another answer: a cache must not keep one for the other.
  t.not(other.headers.etag, list.headers.etag)
  const roundId = await publishedDemoRound(thanhHoa)
  const published = await thanhHoa.inject({ method: 'GET', url: '/public/rounds' })
  t.match(published.json(), { publisher: { province: 'Thanh Hóa' }, items: [{ id: roundId, year: 2020 }] })
})

t.test('exports: the XLSX reads back as Bảng 1 and Bảng 2, the CSV starts with a BOM, the JSON is the snapshot', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const base = `/public/rounds/${roundId}/results/department/export`

  const xlsx = await app.inject({ method: 'GET', url: `${base}?format=xlsx` })
  t.equal(xlsx.statusCode, 200)
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.match(String(xlsx.headers['content-disposition']), /attachment; filename="chi-so-cchc-2020-department-v1\.xlsx"/)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  t.same(workbook.worksheets.map((sheet) => sheet.name), ['Bảng 1', 'Bảng 2'])

  const summary = workbook.getWorksheet('Bảng 1') as ExcelJS.Worksheet
  t.same((summary.getRow(3).values as unknown[]).slice(1), ['STT', 'Đơn vị', 'Điểm tự đánh giá', 'Điểm thẩm định', 'Chỉ số CCHC', 'Xếp hạng', 'Xếp loại'])
  const summaryRows = Array.from({ length: 20 }, (_, i) => (summary.getRow(4 + i).values as unknown[]).slice(1))
  t.same(summaryRows[0], [1, 'Sở Thông tin và Truyền thông', 98, 92, 92, 1, 'Xuất sắc'])
  t.same(summaryRows[7], [8, 'Sở Tư pháp', 99.5, 89, 89, 7, 'Tốt'])
  t.same(summaryRows[8], [9, 'Văn phòng UBND tỉnh', 98.5, 89, 89, 7, 'Tốt'])
  t.equal(summary.getRow(4).getCell(3).numFmt, '#,##0.00')
  for (const row of reportRows) {
    const line = summaryRows.find((cells) => cells[2] === Number(row.total_self_reported) && cells[3] === Number(row.total_appraised_reported) && cells[5] === Number(row.rank_reported))
    t.equal(line?.[6], row.class_reported, `${row.unit_code} in Bảng 1`)
  }

  const detail = workbook.getWorksheet('Bảng 2') as ExcelJS.Worksheet
  t.equal(detail.getCell(3, 3).value, '1. Công tác chỉ đạo, điều hành CCHC (19)')
  t.equal(detail.getCell(3, 7).value, '3. Cải cách thủ tục hành chính (20,5)', 'a maximum with the decimal comma')
  t.equal(detail.getCell(3, 15).value, '7. Hiện đại hóa hành chính (15,5)')
  t.same((detail.getRow(4).values as unknown[]).slice(3, 7), ['TĐG', 'TĐ', 'TĐG', 'TĐ'])
  t.equal(detail.getCell(3, 17).value, 'Tổng điểm')
  t.equal(detail.getCell(3, 19).value, 'Xếp loại', 'Bảng 2 ends with the classification, as the report\'s')
  const tp = (detail.getRow(12).values as unknown[]).slice(1)
  t.same(tp, [8, 'Sở Tư pháp', 19, 13, 10, 10, 20, 18.5, 10, 10, 15, 14, 10, 10, 15.5, 13.5, 99.5, 89, 'Tốt'])
  for (const row of reportRows) {
    const line = Array.from({ length: 20 }, (_, i) => (detail.getRow(5 + i).values as unknown[]).slice(1))
      .find((cells) => cells[16] === Number(row.total_self_reported) && cells[17] === Number(row.total_appraised_reported))
    t.equal(line?.[18], row.class_reported, `${row.unit_code}'s class in Bảng 2`)
  }
  const average = (detail.getRow(25).values as unknown[]).slice(2)
  t.same(average, ['Trung bình', 18.3, 14.3, 9.98, 8.7, 20.23, 19.33, 9.98, 9.13, 13.83, 11.9, 9.9, 9.5, 14.15, 12.18, 96.35, 85.03])
  t.equal(detail.getRow(25).getCell(8).numFmt, '#,##0.00')

  const csv = await app.inject({ method: 'GET', url: `${base}?format=csv` })
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.same([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark')
  const lines = csv.rawPayload.toString('utf8').slice(1).trim().split('\r\n')
  t.equal(lines.length, 22)
  t.equal(lines[0], 'STT,Mã đơn vị,Đơn vị,1 TĐG,1 TĐ,2 TĐG,2 TĐ,3 TĐG,3 TĐ,4 TĐG,4 TĐ,5 TĐG,5 TĐ,6 TĐG,6 TĐ,7 TĐG,7 TĐ,Tổng điểm TĐG,Tổng điểm TĐ,Chỉ số CCHC,Xếp hạng,Xếp loại')
  t.equal(lines[15], '15,SO-LDTBXH,Sở Lao động - Thương binh và Xã hội,19,14.25,9.75,9.75,20.5,18.5,10,10,14,11,10,9,15.5,12.5,98.75,85,85,13,Tốt')
  t.equal(lines[21], ',,Trung bình,18.30,14.30,9.98,8.70,20.23,19.33,9.98,9.13,13.83,11.90,9.90,9.50,14.15,12.18,96.35,85.03,,,')

  const json = await app.inject({ method: 'GET', url: `${base}?format=json` })
  t.match(JSON.parse(json.body), { status: 'published', version: { number: 1 }, round: { code: '2020' } })
  t.equal(JSON.parse(json.body).units.length, 20)
  t.notOk('publishedBy' in JSON.parse(json.body), 'who published is not in the public file')
  const again = await app.inject({ method: 'GET', url: `${base}?format=json`, headers: { 'if-none-match': String(json.headers.etag) } })
  t.equal(again.statusCode, 304)

  const admin = await loginAs(app, 'admin')
  const adminExport = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/export?unitType=department&format=csv`, headers: admin.headers })
  t.equal(adminExport.body, csv.body, 'the admin route exports the same file')
  const keyExport = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/export?unitType=department&format=xlsx`, headers: await apiKeyHeaders(app, ['results:read']) })
  t.equal(keyExport.statusCode, 200)
  const unpublished = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/export?unitType=district&format=csv`, headers: admin.headers })
  t.equal(unpublished.statusCode, 404, 'only published results are exported')
})

t.test('API keys read provisional results only when an admin shares them; versions always', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const key = await apiKeyHeaders(app, ['results:read'])
  const live = `/rounds/${roundId}/results?unitType=department`
  const hidden = await app.inject({ method: 'GET', url: live, headers: key })
  t.equal(hidden.statusCode, 403)
  t.equal(hidden.json().code, 'RESULTS_PROVISIONAL_HIDDEN')
  t.equal((await app.inject({ method: 'GET', url: live, headers: admin.headers })).json().status, 'provisional')
  t.match((await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/settings`, headers: admin.headers })).json(), { provisionalForKeys: false, updatedAt: null })
  const shared = await app.inject({ method: 'PATCH', url: `/rounds/${roundId}/results/settings`, headers: admin.headers, payload: { provisionalForKeys: true } })
  t.match(shared.json(), { roundId, provisionalForKeys: true })
  const visible = await app.inject({ method: 'GET', url: live, headers: key })
  t.equal(visible.statusCode, 200)
  t.equal(visible.json().units.length, 20)
  const versions = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/versions?unitType=department`, headers: key })
  t.match(versions.json(), [{ version: 1, latest: true, publishedBy: null, reason: null }])
  const snapshot = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/versions/1?unitType=department`, headers: key })
  t.equal(snapshot.json().status, 'published')
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/versions/1?unitType=department`, headers: { ...key, 'if-none-match': String(snapshot.headers.etag) } })).statusCode, 304)
  const audit = await app.inject({ method: 'GET', url: `/audit?entityType=round&entityId=${roundId}&action=results.settings`, headers: admin.headers })
  t.equal(audit.json().total, 1, 'the change of setting is audited')
})

t.test('publishing needs a finalized round; a published version cannot be changed or removed, even by SQL', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin).catch(() => null)
  t.equal(data, null, 'the demo units exist already, so the reference import is skipped')

  const open = await openRound(app, admin, { units: new Map(), catalogs: await catalogIds(app, admin) }, { code: '2021-open' })
  const early = await app.inject({ method: 'POST', url: `/rounds/${open.id}/results/publish`, headers: admin.headers, payload: { unitType: 'department' } })
  t.equal(early.statusCode, 409)
  t.equal(early.json().code, 'RESULTS_NOT_PUBLISHABLE')

  const unchanged = await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: admin.headers, payload: { unitType: 'department' } })
  t.equal(unchanged.statusCode, 409, 'nothing changed since version 1: refused before asking for a reason')
  t.equal(unchanged.json().code, 'RESULTS_UNCHANGED')
  t.equal(unchanged.json().latestVersion, 1)

  const refusal = async (text: string): Promise<string> => {
    try {
      await rawSql(app, text)
      return 'accepted'
    } catch (error) {
      return String((error as { cause?: Error }).cause?.message ?? error)
    }
  }
  t.match(await refusal(`update result_versions set reason = 'x' where round_id = '${roundId}'`), /result_versions is immutable/)
  t.match(await refusal(`delete from result_versions where round_id = '${roundId}'`), /result_versions is immutable/)
  t.match(await refusal('truncate result_versions cascade'), /result_versions is immutable/)
  const audit = await app.inject({ method: 'GET', url: '/audit?action=results.publish&entityType=result_version', headers: admin.headers })
  t.equal(audit.json().total, 1, 'the publication is in the audit log')
  const viewer = await loginAs(app, 'viewer')
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: viewer.headers, payload: { unitType: 'department' } })).statusCode, 403)
})

async function catalogIds (app: Awaited<ReturnType<typeof buildTestApp>>, admin: Awaited<ReturnType<typeof loginAs>>) {
  const list = await app.inject({ method: 'GET', url: '/catalogs?limit=50', headers: admin.headers })
  const items: { id: string, unitType: string }[] = list.json().items
  return {
    department: items.find((item) => item.unitType === 'department')?.id as string,
    district: items.find((item) => item.unitType === 'district')?.id as string
  }
}

t.test('the live results of an unchanged round say what its published version says, field for field', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const read = async (url: string) => (await app.inject({ method: 'GET', url, headers: admin.headers })).json()
  const live = await read(`/rounds/${roundId}/results?unitType=department`)
  const published = await read(`/rounds/${roundId}/results/versions/1?unitType=department`)
  t.equal(live.status, 'provisional')
  t.equal(published.status, 'published')
  t.same(Object.keys(live).sort(), Object.keys(published).sort(), 'the same top-level fields')
  t.strictSame(live.units, published.units, 'every unit, field for field, and nothing more')
  t.strictSame(live.average, published.average)
  t.strictSame(live.classificationCounts, published.classificationCounts)
})

t.test('a round\'s results, live or a published version, read a page at a time; a version\'s body is the same bytes every time', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const read = async (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...admin.headers, ...headers } })

  for (const base of [`/rounds/${roundId}/results?unitType=department`, `/rounds/${roundId}/results/versions/1?unitType=department`]) {
    const whole = await read(base)
    t.equal(whole.statusCode, 200, whole.body)
    const all = whole.json()
    t.equal(all.units.length, 20, `${base}: 20 departments`)
    t.notOk('page' in all, 'no page when none was asked')

    const page = await read(`${base}&limit=7&offset=14`)
    t.equal(page.statusCode, 200, page.body)
    const body = page.json()
    t.same(body.page, { total: 20, limit: 7, offset: 14 })
    t.same(body.units.map((unit: { unit: { code: string } }) => unit.unit.code), all.units.slice(14, 21).map((unit: { unit: { code: string } }) => unit.unit.code), 'the last 6 in rank order')
    t.same(body.average, all.average, 'the average row is of all units')
    t.same(body.classificationCounts, all.classificationCounts, 'class counts are of all units')
    t.same(body.fields, all.fields)

    const first = (await read(`${base}&limit=5`)).json()
    t.same(first.page, { total: 20, limit: 5, offset: 0 })
    t.same(first.units.map((unit: { rank: number }) => unit.rank), all.units.slice(0, 5).map((unit: { rank: number }) => unit.rank))

    const refused = await read(`${base}&limit=0`)
    t.equal(refused.statusCode, 400, 'limit 0 is refused')
    t.match(refused.json().errors, [{ pointer: '/limit' }])
  }

  const url = `/rounds/${roundId}/results/versions/1?unitType=department`
  const plain = await read(url)
  const again = await read(url)
  t.equal(again.body, plain.body, 'the same bytes')
  t.equal(plain.json().version.number, 1)
  const zipped = await read(url, { 'accept-encoding': 'gzip' })
  t.equal(zipped.headers['content-encoding'], 'gzip')
  t.equal(gunzipSync(zipped.rawPayload).toString('utf8'), plain.body, 'gzip of the same bytes')
  t.equal(zipped.headers.etag, plain.headers.etag)
})

t.test('requests arriving together for a published version share one lookup of the pointer and one read of the snapshot', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  // A view of the database that counts what it is asked: the caches are per database object, so this one starts cold,
  // as after a restart or when a pointer has just expired.
  const asked = { execute: 0, select: 0 }
  const counting = new Proxy(app.db, {
    get (target, name, receiver) {
      const value = Reflect.get(target, name, receiver)
      if (name !== 'execute' && name !== 'select') return typeof value === 'function' ? value.bind(target) : value
      return (...args: unknown[]) => {
        asked[name]++
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    }
  }) as typeof app.db
  const read = await Promise.all(Array.from({ length: 20 }, () => getPublishedResults(counting, roundId, 'department')))
  t.same(asked, { execute: 1, select: 1 }, 'one query for the latest version, one read of its snapshot')
  t.ok(read.every((version) => version.snapshot === read[0]?.snapshot && version.version === 1 && version.latest), 'every request got the same snapshot')

  await t.rejects(getPublishedResults(counting, roundId, 'department', 9), { code: 'RESULTS_NOT_PUBLISHED' })
  await t.rejects(getPublishedResults(counting, roundId, 'department', 9), { code: 'RESULTS_NOT_PUBLISHED' })
  t.equal(asked.execute, 3, 'a lookup that failed is not kept: the next request asks again')
})
