// What a unit officer's screens read: their unit's rounds, each leaf's state (missing, editable, band), the last
// change after a 412, and the rounds they may see; plus the demo's open round with its accounts.
import t from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { loadDemoData } from '../server/services/demo.js'
import { DEMO_APPRAISERS } from '../server/services/demo-open-round.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { deadlinesFromNow, loadReferenceData, openRound } from './helpers/rounds.js'

type Leaf = { code: string, missing: string[], editable: boolean, band: number | null, supplementRequestIds: string[], evidence: string }

const DAY = 86_400_000

t.test('a unit officer lands on their unit\'s rounds past draft, each with its own deadline, progress and requests', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const open = await openRound(app, admin, data, { code: 'KY-MO' })
  const draft = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: 'KY-NHAP', title: 'Kỳ còn nháp', year: 2021, ...deadlinesFromNow() } })
  await app.inject({ method: 'POST', url: `/rounds/${draft.json().id}/participants`, headers: admin.headers, payload: { unitTypes: ['department'] } })
  const unitId = data.units.get('SO-TP')!
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const url = `/units/${unitId}/rounds`

  const before = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal(before.statusCode, 200)
  t.same(before.json().items.map((item: { round: { code: string } }) => item.round.code), ['KY-MO'], 'the draft round is not shown to the officer')
  const fresh = before.json().items[0]
  t.equal(fresh.selfAssessment.status, 'not_started')
  t.equal(fresh.selfAssessment.answered, 0)
  t.equal(fresh.selfAssessment.unanswered, fresh.selfAssessment.leaves, 'every leaf is still unanswered')
  t.ok(fresh.selfAssessment.evidenceMissing > 0)
  t.equal(fresh.deadline.open, true)
  t.ok(Math.abs(Date.parse(before.json().now) - Date.now()) < 60_000, 'now is the database clock')

  // Two leaves answered: one needing evidence, explained; one needing none.
  const selfUrl = `/rounds/${open.id}/units/${unitId}/self-assessment`
  const state = await app.inject({ method: 'GET', url: selfUrl, headers: officer.headers })
  const leaves: Leaf[] = state.json().leaves
  const required = leaves.find((leaf) => leaf.code === '1.1.2')!
  t.same(required.missing, ['unanswered', 'evidence_missing'])
  const saved = await app.inject({
    method: 'PATCH',
    url: selfUrl,
    headers: { ...officer.headers, 'if-match': state.headers.etag as string },
    payload: { entries: [{ leafCode: '1.1.2', input: { value: 0.5 }, explanation: 'Kế hoạch CCHC năm được ban hành' }, { leafCode: '1.2.1', input: { measurement: 3 } }] }
  })
  t.equal(saved.statusCode, 200)
  const after = (await app.inject({ method: 'GET', url, headers: officer.headers })).json().items[0]
  t.equal(after.selfAssessment.status, 'draft')
  t.equal(after.selfAssessment.answered, 2)
  t.equal(after.selfAssessment.unanswered, fresh.selfAssessment.unanswered - 2)
  t.equal(after.selfAssessment.evidenceMissing, fresh.selfAssessment.evidenceMissing - 1, 'the explained leaf needs no file any more')
  t.equal(after.selfAssessment.points, 1.5, '0.5 + the band of 3 reports (1 point)')

  // An extension shows as such, with its reason.
  const until = new Date(Date.now() + 20 * DAY).toISOString()
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${open.id}/units/${unitId}/extension`, headers: admin.headers, payload: { until, reason: 'Đơn vị đề nghị gia hạn' } })).statusCode, 200)
  const extended = (await app.inject({ method: 'GET', url, headers: officer.headers })).json().items[0]
  t.equal(Date.parse(extended.deadline.extensionUntil), Date.parse(until))
  t.equal(extended.deadline.effectiveClosesAt, extended.deadline.extensionUntil)
  t.equal(extended.deadline.extensionReason, 'Đơn vị đề nghị gia hạn')

  const other = data.units.get('SO-TC')!
  t.equal((await app.inject({ method: 'GET', url: `/units/${other}/rounds`, headers: officer.headers })).statusCode, 404, 'another unit\'s rounds do not exist for the officer')
  const asAdmin = await app.inject({ method: 'GET', url: `/units/${other}/rounds`, headers: admin.headers })
  t.same(asAdmin.json().items.map((item: { round: { code: string } }) => item.round.code).sort(), ['KY-MO', 'KY-NHAP'], 'an admin sees every round of any unit')

  // The rounds list and the round itself follow the same rule.
  const listed = (await app.inject({ method: 'GET', url: '/rounds', headers: officer.headers })).json()
  t.same(listed.items.map((round: { code: string }) => round.code), ['KY-MO'])
  t.equal(listed.total, 1)
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${draft.json().id}`, headers: officer.headers })).statusCode, 404)
  const seen = (await app.inject({ method: 'GET', url: `/rounds/${open.id}`, headers: officer.headers })).json()
  t.same(seen.participants.map((p: { unitId: string }) => p.unitId), [unitId], 'the officer sees only their own unit among the participants')
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${open.id}`, headers: admin.headers })).json().participants.length, 20)
})

t.test('each leaf says what it lacks, which band it fell into, whether it can change; a 412 says who changed what', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const unitId = data.units.get('SO-TP')!
  const first = await loginAs(app, 'unit_officer', { unitId, username: 'can-bo-mot' })
  const second = await loginAs(app, 'unit_officer', { unitId, username: 'can-bo-hai' })
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const read = await app.inject({ method: 'GET', url, headers: first.headers })
  t.equal(read.json().lastChange, null, 'nothing changed yet')
  t.ok(read.json().leaves.every((leaf: Leaf) => leaf.editable && leaf.supplementRequestIds.length === 0), 'every leaf is open in the window')
  const etag = read.headers.etag as string

  const saved = await app.inject({ method: 'PATCH', url, headers: { ...second.headers, 'if-match': etag }, payload: { entries: [{ leafCode: '1.2.1', input: { measurement: 2.5 } }, { leafCode: '1.2.2', input: { value: 1.5 } }] } })
  t.equal(saved.statusCode, 200)
  const leaf = (code: string) => (saved.json().leaves as Leaf[]).find((candidate) => candidate.code === code)!
  t.equal(leaf('1.2.1').band, 2, 'a measurement of 2.5 reports falls into the band "from 2" (third in the catalog\'s list)')
  t.same(leaf('1.2.1').missing, [], 'an optional-evidence leaf with an answer lacks nothing')
  t.equal(leaf('1.2.2').band, null, 'a range leaf has no band')
  t.same((saved.json().leaves as Leaf[]).map((item) => item.code), ['1.2.1', '1.2.2'], 'a save answers only the leaves it saved')
  const unsaved = ((await app.inject({ method: 'GET', url, headers: first.headers })).json().leaves as Leaf[]).find((candidate) => candidate.code === '1.1.2')!
  t.same(unsaved.missing, ['unanswered', 'evidence_missing'])

  const stale = await app.inject({ method: 'PATCH', url, headers: { ...first.headers, 'if-match': etag }, payload: { entries: [{ leafCode: '1.2.2', input: { value: 1 } }] } })
  t.equal(stale.statusCode, 412)
  const change = stale.json().current.lastChange
  t.equal(change.action, 'self_assessment.save')
  t.equal(change.actor.name, 'can-bo-hai')
  t.equal(change.actor.displayName, 'Test unit_officer')
  t.same(change.leafCodes.sort(), ['1.2.1', '1.2.2'], 'the conflict names the leaves the other officer changed')

  // Submitted: nothing is editable until it is withdrawn.
  const full = await app.inject({ method: 'GET', url, headers: first.headers })
  const all = (full.json().leaves as Leaf[]).map((item) => item.code)
  const answers = (full.json().leaves as Array<Leaf & { maxPoints: number, scoring: { method: string, options?: Array<{ code: string }>, bands?: Array<{ min: number }> } }>).map((item) => ({
    leafCode: item.code,
    input: item.scoring.method === 'range' ? { value: 0 } : item.scoring.method === 'options' ? { option: item.scoring.options![0]!.code } : { measurement: item.scoring.bands![0]!.min },
    explanation: 'Giải trình của đơn vị'
  }))
  const filled = await app.inject({ method: 'PATCH', url, headers: { ...first.headers, 'if-match': full.headers.etag as string }, payload: { entries: answers } })
  t.equal(filled.statusCode, 200)
  t.ok((filled.json().leaves as Leaf[]).every((item) => item.missing.length === 0), `all ${all.length} leaves are complete`)
  const submitted = await app.inject({ method: 'POST', url: `${url}/submit`, headers: { ...first.headers, 'if-match': filled.headers.etag as string } })
  t.equal(submitted.statusCode, 200)
  t.ok((submitted.json().leaves as Leaf[]).every((item) => !item.editable), 'a submitted self-assessment is read-only')
  t.equal((await app.inject({ method: 'GET', url, headers: second.headers })).json().lastChange.action, 'self_assessment.submit', 'the other officer reads that it was submitted')
})

t.test('during appraisal only the leaves of an open supplement request are editable, and they name the request', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const unitId = data.units.get('SO-TP')!
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const appraiser = await loginAs(app, 'appraiser')
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const read = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': read.headers.etag as string }, payload: { entries: [{ leafCode: '1.2.2', input: { value: 1 } }] } })).statusCode, 200)
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${round.id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${round.id}/transition`, headers: admin.headers, payload: { to: 'appraisal' } })).statusCode, 200)
  const closed = (await app.inject({ method: 'GET', url, headers: officer.headers })).json()
  t.equal(closed.deadline.open, false)
  t.ok(closed.leaves.every((leaf: Leaf) => !leaf.editable), 'after the deadline nothing is editable')

  t.equal((await app.inject({ method: 'PUT', url: `/rounds/${round.id}/assignments`, headers: admin.headers, payload: { assignments: [{ unitType: 'department', fieldCode: '1', userId: appraiser.user.id }] } })).statusCode, 200)
  const request = await app.inject({
    method: 'POST',
    url: `/rounds/${round.id}/units/${unitId}/supplement-requests`,
    headers: appraiser.headers,
    payload: { leafCodes: ['1.2.2', '1.1.2'], reason: 'Bổ sung kế hoạch', dueAt: new Date(Date.now() + 5 * DAY).toISOString() }
  })
  t.equal(request.statusCode, 201)
  const reopened = (await app.inject({ method: 'GET', url, headers: officer.headers })).json()
  const editable = (reopened.leaves as Leaf[]).filter((leaf) => leaf.editable)
  t.same(editable.map((leaf) => leaf.code).sort(), ['1.1.2', '1.2.2'])
  t.ok(editable.every((leaf) => leaf.supplementRequestIds.length === 1 && leaf.supplementRequestIds[0] === request.json().id))
  const landing = (await app.inject({ method: 'GET', url: `/units/${unitId}/rounds`, headers: officer.headers })).json().items[0]
  t.same(landing.supplementRequests, { open: 1, answered: 0, nextDueAt: request.json().dueAt })
  // A second request due sooner: the landing counts both and gives the nearer due date, the one to answer first.
  const sooner = await app.inject({
    method: 'POST',
    url: `/rounds/${round.id}/units/${unitId}/supplement-requests`,
    headers: appraiser.headers,
    payload: { leafCodes: ['1.1.1'], reason: 'Bổ sung quyết định', dueAt: new Date(Date.now() + 2 * DAY).toISOString() }
  })
  t.equal(sooner.statusCode, 201)
  const both = (await app.inject({ method: 'GET', url: `/units/${unitId}/rounds`, headers: officer.headers })).json().items[0]
  t.same(both.supplementRequests, { open: 2, answered: 0, nextDueAt: sooner.json().dueAt })
  t.match(both.supplementRequests.nextDueAt, /\+07:00$/, 'in Vietnam time, as every deadline')
})

t.test('the demo\'s open round: every unit takes part, one officer per unit and one appraiser per field can log in', async (t) => {
  const app = await buildTestApp(t)
  const loaded = await loadDemoData(app.db, { accounts: { password: 'mat-khau-demo-2026' } })
  t.ok(loaded?.openRound, 'the open round was created')
  t.equal(loaded?.openRound?.generatedPassword, undefined, 'a chosen password is not echoed back')
  const round = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'so-tttt', password: 'mat-khau-demo-2026' } })
  t.equal(round.statusCode, 200, 'the officer of Sở Thông tin và Truyền thông logs in')
  const officer = { authorization: `Bearer ${round.json().token}` }
  const landing = (await app.inject({ method: 'GET', url: `/units/${round.json().user.unitId}/rounds`, headers: officer })).json()
  const current = landing.items.find((item: { round: { status: string } }) => item.round.status === 'self_assessment')
  t.ok(current, 'the officer sees the open round')
  t.equal(current.selfAssessment.status, 'submitted', 'SO-TTTT has already submitted in the demo')
  t.equal(current.selfAssessment.unanswered, 0)

  const appraiser = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'thamdinh7', password: 'mat-khau-demo-2026' } })
  t.equal(appraiser.statusCode, 200)
  const assignments = (await app.inject({ method: 'GET', url: `/rounds/${loaded!.openRound!.roundId}/assignments`, headers: { authorization: `Bearer ${appraiser.json().token}` } })).json()
  t.same(assignments.map((a: { unitType: string, fieldCode: string }) => `${a.unitType}:${a.fieldCode}`).sort(), ['department:7', 'district:7'])

  const [counts] = await queryRows<{ officers: number, appraisers: number, participants: number }>(app.db, sql`
    select (select count(*) from users where role = 'unit_officer')::int as officers,
      (select count(*) from users where role = 'appraiser')::int as appraisers,
      (select count(*) from round_units where round_id = ${loaded!.openRound!.roundId})::int as participants`)
  t.same(counts, { officers: 47, appraisers: DEMO_APPRAISERS.length, participants: 47 })
  t.equal(await loadDemoData(app.db, { accounts: { password: null } }), null, 'a second start changes nothing')
})
