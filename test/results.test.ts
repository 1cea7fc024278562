// End to end through the API: the 2020 departments score every leaf (self-assessment by each unit's officer, appraisal
// by an appraiser), the round is finalized and published, and the public API answers the report's Bảng 1 and average row.
// Then a correction after publication: a new version with a reason, the first one unchanged byte for byte.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { FIELD_CODES, leafEntries, reportRows } from './helpers/results.js'
import { loadReferenceData, openRound } from './helpers/rounds.js'

const REASON = 'Điểm thẩm định theo kết quả của Tổ thẩm định'

function expectStatus (response: { statusCode: number, body: string }, status: number, what: string): void {
  if (response.statusCode !== status) throw new Error(`${what}: expected ${status}, got ${response.statusCode}: ${response.body.slice(0, 2000)}`)
}

async function transition (app: FastifyInstance, admin: LoggedIn, roundId: string, to: string, reason?: string): Promise<void> {
  const response = await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: admin.headers, payload: { to, ...(reason ? { reason } : {}) } })
  expectStatus(response, 200, `transition to ${to}`)
}

/** Saves appraised scores through the appraisal API, with a reason wherever a score differs from the self score. */
async function appraise (app: FastifyInstance, appraiser: LoggedIn, roundId: string, unitId: string, entries: { leafCode: string, input: object, reason: string | null }[]): Promise<void> {
  const current = await app.inject({ method: 'GET', url: `/rounds/${roundId}/units/${unitId}/appraisal`, headers: appraiser.headers })
  expectStatus(current, 200, 'read appraisal')
  const saved = await app.inject({
    method: 'PATCH',
    url: `/rounds/${roundId}/units/${unitId}/appraisal`,
    headers: { ...appraiser.headers, 'if-match': String(current.headers.etag) },
    payload: { entries }
  })
  expectStatus(saved, 200, 'save appraisal')
}

t.test('the 2020 departments scored leaf by leaf through the API publish exactly the report\'s tables', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_RATE_PER_MINUTE: 10_000 } })
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const roundId: string = round.id
  const unitIdOf = (code: string) => data.units.get(code) as string

  // Self-assessment: each unit's officer scores every leaf and submits.
  const selfPoints = new Map<string, Map<string, number>>()
  for (const row of reportRows) {
    const code = row.unit_code as string
    const officer = await loginAs(app, 'unit_officer', { unitId: unitIdOf(code) })
    const entries = leafEntries(code, 'self')
    selfPoints.set(code, new Map(entries.map((entry) => [entry.leafCode, entry.points])))
    const saved = await app.inject({
      method: 'PATCH',
      url: `/rounds/${roundId}/units/${unitIdOf(code)}/self-assessment`,
      headers: { ...officer.headers, 'if-match': '"0"' },
      payload: { entries: entries.map((entry) => ({ leafCode: entry.leafCode, input: entry.input, explanation: 'Theo hồ sơ tự đánh giá năm 2020' })) }
    })
    expectStatus(saved, 200, `${code} self-assessment`)
    t.equal(saved.json().totals.points, Number(row.total_self_reported), `${code} self total as the unit sees it`)
    const submitted = await app.inject({ method: 'POST', url: `/rounds/${roundId}/units/${unitIdOf(code)}/self-assessment/submit`, headers: { ...officer.headers, 'if-match': String(saved.headers.etag) } })
    expectStatus(submitted, 200, `${code} submit`)
  }

  // Appraisal: one appraiser for every field, then the admin finalizes each unit.
  await transition(app, admin, roundId, 'appraisal')
  const appraiser = await loginAs(app, 'appraiser')
  const assigned = await app.inject({
    method: 'PUT',
    url: `/rounds/${roundId}/assignments`,
    headers: admin.headers,
    payload: { assignments: FIELD_CODES.map((fieldCode) => ({ unitType: 'department', fieldCode, userId: appraiser.user.id })) }
  })
  expectStatus(assigned, 200, 'assignments')
  for (const [i, row] of reportRows.entries()) {
    const code = row.unit_code as string
    const self = selfPoints.get(code) as Map<string, number>
    await appraise(app, appraiser, roundId, unitIdOf(code), leafEntries(code, 'appraised').map((entry) => ({
      leafCode: entry.leafCode, input: entry.input, reason: self.get(entry.leafCode) === entry.points ? null : REASON
    })))
    if (i === 0) {
      // Provisional results are there for admins during appraisal, computed from the scores saved so far.
      const provisional = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results?unitType=department`, headers: admin.headers })
      expectStatus(provisional, 200, 'provisional results')
      const body = provisional.json()
      t.equal(body.status, 'provisional')
      t.equal(body.version, null)
      const appraised = body.units.filter((unit: { progress: { appraised: number } }) => unit.progress.appraised > 0)
      t.same(appraised.map((unit: { unit: { code: string } }) => unit.unit.code), [code], 'one unit appraised so far')
      t.equal(appraised[0].appraised.display, row.total_appraised_reported)
    }
    expectStatus(await app.inject({ method: 'POST', url: `/rounds/${roundId}/units/${unitIdOf(code)}/finalize`, headers: admin.headers }), 200, `${code} finalize`)
  }
  await transition(app, admin, roundId, 'finalized')
  const early = await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: { ...admin.headers, 'accept-language': 'vi' }, payload: { to: 'published' } })
  t.match(early.json(), { status: 409, code: 'ROUND_NOT_READY', unitTypes: ['department'] }, 'the round is published by publishing its results, not by a bare move')
  t.match(early.json().detail, /^Kết quả của Sở, ban, ngành cấp tỉnh chưa được công bố;/, 'the refusal names the unit type as people call it, not by its code')

  const published = await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: admin.headers, payload: { unitType: 'department' } })
  expectStatus(published, 201, 'publish')
  t.match(published.json(), { version: 1, unitType: 'department', reason: null, latest: true, inputHash: /^[0-9a-f]{64}$/ })
  const roundAfter = await app.inject({ method: 'GET', url: `/rounds/${roundId}`, headers: admin.headers })
  t.equal(roundAfter.json().status, 'published', 'the first publication moves the round to published')

  // The public API, without credentials.
  const rounds = await app.inject({ method: 'GET', url: '/public/rounds' })
  expectStatus(rounds, 200, 'public rounds')
  t.match(rounds.json().items, [{ id: roundId, year: 2020, results: [{ unitType: 'department', latestVersion: 1 }] }])
  const results = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department` })
  expectStatus(results, 200, 'public results')
  const body = results.json()
  t.equal(body.items.length, 20)
  for (const row of reportRows) {
    const item = body.items.find((candidate: { unit: { code: string } }) => candidate.unit.code === row.unit_code)
    t.equal(item?.self.display, row.total_self_reported, `${row.unit_code} self total (Bảng 1)`)
    t.equal(item?.appraised.display, row.total_appraised_reported, `${row.unit_code} appraised total (Bảng 1)`)
    t.equal(item?.rank, Number(row.rank_reported), `${row.unit_code} rank (Bảng 1)`)
    t.equal(item?.classification.label, row.class_reported, `${row.unit_code} classification (Bảng 1)`)
    t.same(item?.fields.map((field: { self: number }) => field.self), FIELD_CODES.map((field) => Number(row[`f${field}_self`])), `${row.unit_code} self per field (Bảng 2)`)
    t.same(item?.fields.map((field: { appraised: number }) => field.appraised), FIELD_CODES.map((field) => Number(row[`f${field}_appraised`])), `${row.unit_code} appraised per field (Bảng 2)`)
    t.same(item?.fields.map((field: { appraisedDisplay: string }) => field.appraisedDisplay), FIELD_CODES.map((field) => Number(row[`f${field}_appraised`]).toFixed(2)), `${row.unit_code} appraised per field as printed`)
  }
  const rankSeven = body.items.filter((item: { rank: number }) => item.rank === 7).map((item: { unit: { name: string } }) => item.unit.name)
  t.same(rankSeven, ['Sở Tư pháp', 'Văn phòng UBND tỉnh'], 'Sở Tư pháp is listed before Văn phòng UBND tỉnh at rank 7')
  t.same(body.average.self.fields.map((field: { display: string }) => field.display), ['18.30', '9.98', '20.23', '9.98', '13.83', '9.90', '14.15'])
  t.equal(body.average.self.total.display, '96.35')
  t.same(body.average.appraised.fields.map((field: { display: string }) => field.display), ['14.30', '8.70', '19.33', '9.13', '11.90', '9.50', '12.18'])
  t.equal(body.average.appraised.total.display, '85.03')

  // A correction after publication: reopen the round and one unit, change one leaf, republish.
  const firstVersion = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department?version=1` })
  const firstUnit = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department/units/THANH-TRA?version=1` })
  await transition(app, admin, roundId, 'finalized', 'Sửa điểm thẩm định của Thanh tra tỉnh')
  const back = await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: admin.headers, payload: { to: 'published' } })
  t.equal(back.statusCode, 200, 'back to published: its results are')
  await transition(app, admin, roundId, 'finalized', 'Sửa điểm thẩm định của Thanh tra tỉnh')
  await transition(app, admin, roundId, 'appraisal', 'Sửa điểm thẩm định của Thanh tra tỉnh')
  const thanhTra = unitIdOf('THANH-TRA')
  expectStatus(await app.inject({ method: 'POST', url: `/rounds/${roundId}/units/${thanhTra}/reopen`, headers: admin.headers, payload: { reason: 'Sửa điểm' } }), 200, 'reopen')
  const leaf = leafEntries('THANH-TRA', 'appraised').find((entry) => entry.leafCode === '6.1')
  t.ok(leaf && leaf.points <= 1.75, 'leaf 6.1 of Thanh tra tỉnh can gain 0.25')
  await appraise(app, appraiser, roundId, thanhTra, [{ leafCode: '6.1', input: { value: (leaf?.points ?? 0) + 0.25 }, reason: REASON }])
  expectStatus(await app.inject({ method: 'POST', url: `/rounds/${roundId}/units/${thanhTra}/finalize`, headers: admin.headers }), 200, 'finalize again')
  // A unit reopened and finalized again without any change of score changes no input.
  const tp = unitIdOf('SO-TP')
  expectStatus(await app.inject({ method: 'POST', url: `/rounds/${roundId}/units/${tp}/reopen`, headers: admin.headers, payload: { reason: 'Kiểm tra lại' } }), 200, 'reopen SO-TP')
  expectStatus(await app.inject({ method: 'POST', url: `/rounds/${roundId}/units/${tp}/finalize`, headers: admin.headers }), 200, 'finalize SO-TP')
  await transition(app, admin, roundId, 'finalized')
  const bare = await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: { ...admin.headers, 'accept-language': 'vi' }, payload: { to: 'published' } })
  t.match(bare.json(), { status: 409, code: 'ROUND_NOT_READY', unitTypes: ['department'] }, 'a corrected score goes out as a new version, not by a bare move back to published')
  t.match(bare.json().detail, /^Điểm của Sở, ban, ngành cấp tỉnh \(phiên bản 1\) đã thay đổi so với phiên bản công bố gần nhất;/, 'the refusal names the unit type and its version in words')

  const withoutReason = await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: admin.headers, payload: { unitType: 'department' } })
  t.equal(withoutReason.statusCode, 400)
  t.equal(withoutReason.json().code, 'RESULTS_REASON_REQUIRED')
  const second = await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: admin.headers, payload: { unitType: 'department', reason: 'Sửa điểm lĩnh vực 6 của Thanh tra tỉnh' } })
  expectStatus(second, 201, 'republish')
  t.equal(second.json().version, 2)
  t.not(second.json().inputHash, published.json().inputHash, 'a changed score changes the hash')
  const again = await app.inject({ method: 'POST', url: `/rounds/${roundId}/results/publish`, headers: admin.headers, payload: { unitType: 'department', reason: 'Công bố lại' } })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'RESULTS_UNCHANGED')

  const latest = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department/units/THANH-TRA` })
  t.equal(latest.json().version.number, 2)
  t.equal(latest.json().result.appraised.display, '59.00')
  t.equal(latest.json().result.fields[5].appraised.points, 8.25)
  const firstAgain = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department?version=1` })
  t.equal(firstAgain.body, firstVersion.body, 'version 1 is unchanged, byte for byte')
  t.equal(firstAgain.headers.etag, firstVersion.headers.etag)
  const firstUnitAgain = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department/units/THANH-TRA?version=1` })
  t.equal(firstUnitAgain.json().result.appraised.display, '58.75')
  t.same(firstUnitAgain.json().result, firstUnit.json().result)
  const versions = await app.inject({ method: 'GET', url: `/public/rounds/${roundId}/results/department/versions` })
  t.same(versions.json().items.map((version: { number: number, latest: boolean }) => [version.number, version.latest]), [[2, true], [1, false]])
  t.equal(versions.json().items[0].reason, 'Sửa điểm lĩnh vực 6 của Thanh tra tỉnh')
  // The admin's frozen snapshot of version 1 is identical before and after version 2.
  const snapshot = await app.inject({ method: 'GET', url: `/rounds/${roundId}/results/versions/1?unitType=department`, headers: admin.headers })
  t.equal(snapshot.json().version.number, 1)
  t.equal(snapshot.json().units.find((unit: { unit: { code: string } }) => unit.unit.code === 'THANH-TRA').appraised.display, '58.75')
})
