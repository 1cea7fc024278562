import t from 'tap'
import { sql } from 'drizzle-orm'
import { lockEditableLeaves } from '../server/services/self-assessment.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { loadReferenceData, maxInput, openRound } from './helpers/rounds.js'

type App = Awaited<ReturnType<typeof buildTestApp>>
type Response = Awaited<ReturnType<App['inject']>>
interface Leaf { code: string, fieldCode: string, maxPoints: number, evidence: string, scoring: any }

const DAY = 86_400_000
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString()
const codesOf = (list: { code: string }[]) => list.map((item) => item.code)

/** A client of one unit's appraisal that remembers the ETag of its last answer, as a browser tab would. */
function appraisalClient (app: App, who: LoggedIn, roundId: string, unitId: string) {
  const url = `/rounds/${roundId}/units/${unitId}/appraisal`
  const remembered: { etag: string | undefined } = { etag: undefined }
  const keep = (response: Response) => {
    if (response.statusCode === 200) remembered.etag = response.headers.etag as string
    return response
  }
  const headers = (ifMatch: string | null | undefined) => ({ ...who.headers, ...(ifMatch === null || ifMatch === undefined ? {} : { 'if-match': ifMatch }) })
  return {
    get etag () { return remembered.etag },
    read: async () => keep(await app.inject({ method: 'GET', url, headers: who.headers })),
    /** ifMatch null sends no If-Match header. */
    save: async (entries: unknown[], ifMatch: string | null | undefined = remembered.etag) =>
      keep(await app.inject({ method: 'PATCH', url, headers: headers(ifMatch), payload: { entries } })),
    acceptSelf: async (leafCodes: string[], ifMatch: string | null | undefined = remembered.etag) =>
      keep(await app.inject({ method: 'POST', url: `${url}/accept-self`, headers: headers(ifMatch), payload: { leafCodes } }))
  }
}

/** The unit's self-assessment PATCH with the current ETag. */
async function saveSelf (app: App, officer: LoggedIn, roundId: string, unitId: string, entries: unknown[]): Promise<Response> {
  const url = `/rounds/${roundId}/units/${unitId}/self-assessment`
  const read = await app.inject({ method: 'GET', url, headers: officer.headers })
  return app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': read.headers.etag as string }, payload: { entries } })
}

t.test('appraisal of a round, from assignments to finalization and history', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const viewer = await loginAs(app, 'viewer')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const roundId: string = round.id
  const unitId = data.units.get('SO-TP')!
  const otherUnitId = data.units.get('SO-TC')!
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const otherOfficer = await loginAs(app, 'unit_officer', { unitId: otherUnitId })
  const legal = await loginAs(app, 'appraiser', { username: 'tham-dinh-tu-phap' })
  const others = await loginAs(app, 'appraiser', { username: 'tham-dinh-noi-vu' })
  const inject = (who: LoggedIn, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) })

  // The unit scores every leaf at its maximum, except 1.1.2 and 1.3.1 at 0.5, and submits.
  const selfUrl = `/rounds/${roundId}/units/${unitId}/self-assessment`
  const leaves: Leaf[] = (await inject(officer, 'GET', selfUrl)).json().leaves
  const below = new Map([['1.1.2', 0.5], ['1.3.1', 0.5]])
  const entries = leaves.map((leaf) => ({
    leafCode: leaf.code,
    input: below.has(leaf.code) ? { value: below.get(leaf.code) } : maxInput(leaf),
    ...(leaf.evidence === 'required' ? { explanation: `Minh chứng cho tiêu chí ${leaf.code}` } : {})
  }))
  t.equal((await saveSelf(app, officer, roundId, unitId, entries)).statusCode, 200)
  const submitted = await app.inject({ method: 'POST', url: `${selfUrl}/submit`, headers: { ...officer.headers, 'if-match': '*' } })
  t.equal(submitted.statusCode, 200)

  // Self-assessment closes, and the round moves to appraisal.
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${roundId}`, headers: admin.headers, payload: { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() } })).statusCode, 200)
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 200)

  const fieldCodes = [...new Set(leaves.map((leaf) => leaf.fieldCode))]
  const leavesOf = (...fields: string[]) => leaves.filter((leaf) => fields.includes(leaf.fieldCode)).map((leaf) => leaf.code)

  await t.test('an admin assigns appraisers to fields; an appraiser sees only their own assignments', async (t) => {
    const refused = await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, {
      assignments: [
        { unitType: 'department', fieldCode: '1', userId: officer.user.id },
        { unitType: 'department', fieldCode: '1.1', userId: legal.user.id },
        { unitType: 'commune', fieldCode: '1', userId: legal.user.id }
      ]
    })
    t.equal(refused.statusCode, 400)
    t.same(refused.json().errors.map((e: { pointer: string }) => e.pointer), ['/assignments/0/userId', '/assignments/1/fieldCode', '/assignments/2/unitType'])
    const set = await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, {
      assignments: [
        { unitType: 'department', fieldCode: '1', userId: legal.user.id },
        ...fieldCodes.filter((code) => code !== '1').map((fieldCode) => ({ unitType: 'department', fieldCode, userId: others.user.id }))
      ]
    })
    t.equal(set.statusCode, 200)
    t.equal(set.json().length, 7)
    t.match(set.json()[0], { unitType: 'department', fieldCode: '1', fieldTitle: String, user: { username: 'tham-dinh-tu-phap' } })
    const own = await inject(legal, 'GET', `/rounds/${roundId}/assignments`)
    t.same(own.json().map((a: { fieldCode: string }) => a.fieldCode), ['1'])
    t.equal((await inject(viewer, 'GET', `/rounds/${roundId}/assignments`)).json().length, 7)
  })

  const legalClient = appraisalClient(app, legal, roundId, unitId)
  const othersClient = appraisalClient(app, others, roundId, unitId)

  await t.test('an appraiser sees the self scores, explanations and evidence of their fields only; a leaf outside them is 403', async (t) => {
    const read = await legalClient.read()
    t.equal(read.statusCode, 200)
    t.equal(legalClient.etag, '"0"')
    const state = read.json()
    t.match(state, { id: null, status: 'in_progress', version: 0, deadline: { roundStatus: 'appraisal', open: true }, selfAssessment: { status: 'submitted' } })
    t.same(codesOf(state.fields), ['1'])
    t.same(codesOf(state.leaves), leavesOf('1'), 'only the leaves of field 1, in catalog order')
    t.match(state.leaves.find((l: Leaf) => l.code === '1.1.2'), { self: { input: { value: 0.5 }, points: 0.5, explanation: 'Minh chứng cho tiêu chí 1.1.2', evidenceFiles: [] }, appraised: null, differs: null })
    const outside = await inject(legal, 'GET', `/rounds/${roundId}/units/${unitId}/appraisal/leaves/2.1.1`)
    t.equal(outside.statusCode, 403)
    t.equal(outside.json().code, 'NOT_ASSIGNED')
    t.equal((await inject(legal, 'GET', `/rounds/${roundId}/units/${unitId}/leaves/2.1.1/history`)).statusCode, 403)
    t.match((await inject(legal, 'GET', `/rounds/${roundId}/units/${unitId}/appraisal/leaves/1.1.2`)).json(), { code: '1.1.2', self: { points: 0.5 } })
    const progress = await inject(legal, 'GET', `/rounds/${roundId}/progress`)
    t.equal(progress.json().length, 20, 'every department')
    t.ok(progress.json().every((unit: { fields: { code: string }[] }) => unit.fields.length === 1 && unit.fields[0]!.code === '1'), 'and only field 1 of each')
    t.equal((await inject(admin, 'GET', `/rounds/${roundId}/units/${unitId}/appraisal`)).json().leaves.length, 74, 'an admin sees every leaf')
    const district = await inject(legal, 'GET', `/rounds/${roundId}/units/${data.units.get('H-DONG-SON') ?? unitId}/appraisal`)
    t.ok([403, 404].includes(district.statusCode), 'no unit of another type')
  })

  await t.test('an appraised score: a differing one needs a reason, none above the maximum, above the self score is fine; stale versions are refused', async (t) => {
    t.equal((await legalClient.save([{ leafCode: '1.1.2', input: { value: 0.75 }, reason: 'x' }], null)).statusCode, 428)
    let response = await legalClient.save([{ leafCode: '1.1.2', input: { value: 0.75 } }])
    t.equal(response.statusCode, 422)
    t.match(response.json(), { code: 'APPRAISAL_INVALID', errors: [{ leafCode: '1.1.2', code: 'reason_required', message: /differs from the self score \(0\.5\)/ }] })
    response = await legalClient.save([{ leafCode: '1.1.2', input: { value: 1.25 }, reason: 'Vượt mức' }])
    t.match(response.json(), { code: 'APPRAISAL_INVALID', errors: [{ leafCode: '1.1.2', code: 'above_maximum' }] })
    response = await legalClient.save([{ leafCode: '2.1.1', input: { measurement: 100 } }])
    t.equal(response.statusCode, 403)
    t.match(response.json(), { code: 'NOT_ASSIGNED', errors: [{ leafCode: '2.1.1', fieldCode: '2' }] })
    response = await legalClient.save([{ leafCode: '1.1.2', input: { value: 0.75 }, reason: 'Kế hoạch ban hành đúng hạn, có minh chứng' }, { leafCode: '1.1.1', input: { option: 'a' } }])
    t.equal(response.statusCode, 200)
    t.equal(legalClient.etag, '"1"')
    t.match(response.json().leaves.find((l: Leaf) => l.code === '1.1.2'), {
      self: { points: 0.5 }, appraised: { points: 0.75, input: { value: 0.75 }, reason: 'Kế hoạch ban hành đúng hạn, có minh chứng', appraisedBy: { username: 'tham-dinh-tu-phap' } }, differs: true
    })
    t.match(response.json().leaves.find((l: Leaf) => l.code === '1.1.1'), { appraised: { points: 1, reason: null }, differs: false })
    const stale = await legalClient.save([{ leafCode: '1.1.3', input: { value: 1 } }], '"0"')
    t.equal(stale.statusCode, 412)
    t.match(stale.json(), { code: 'PRECONDITION_FAILED', currentVersion: 1 })
  })

  await t.test('two appraisers with different fields finish the unit, in bulk where they agree with the unit', async (t) => {
    await othersClient.read()
    const outside = await othersClient.acceptSelf(['2.1.1', '1.1.3'])
    t.equal(outside.statusCode, 403)
    let response = await othersClient.acceptSelf(leavesOf(...fieldCodes.filter((code) => code !== '1')))
    t.equal(response.statusCode, 200)
    t.ok(response.json().leaves.every((l: Leaf & { differs: boolean }) => l.differs === false))
    t.equal(response.json().fields.reduce((sum: number, f: { appraised: number }) => sum + f.appraised, 0), 74 - leavesOf('1').length)
    await legalClient.read()
    response = await legalClient.acceptSelf(leavesOf('1').filter((code) => !['1.1.1', '1.1.2'].includes(code)))
    t.equal(response.statusCode, 200)
    t.match(response.json().fields[0], { code: '1', appraised: leavesOf('1').length, selfPoints: 18, appraisedPoints: 18.25 })
  })

  let requestId = ''
  await t.test('a supplement request reopens exactly its leaves for the unit after the deadline', async (t) => {
    const create = (who: LoggedIn, payload: object) => inject(who, 'POST', `/rounds/${roundId}/units/${unitId}/supplement-requests`, payload)
    t.equal((await create(legal, { leafCodes: ['1.1.2', '2.1.1'], reason: 'x', dueAt: inDays(3) })).statusCode, 403)
    const past = await create(legal, { leafCodes: ['1.1.2'], reason: 'x', dueAt: new Date(Date.now() - 1000).toISOString() })
    t.match(past.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/dueAt' }] })
    t.match((await create(legal, { leafCodes: ['1.1.2'], reason: 'x', dueAt: inDays(40) })).json(), { code: 'VALIDATION_FAILED', detail: /supplement deadline/ })
    const created = await create(legal, { leafCodes: ['1.1.2', '1.3.1'], reason: 'Bổ sung kế hoạch và báo cáo kiểm tra có chữ ký', dueAt: inDays(3) })
    t.equal(created.statusCode, 201)
    t.match(created.json(), { status: 'open', leafCodes: ['1.1.2', '1.3.1'], unit: { code: 'SO-TP' }, createdBy: { username: 'tham-dinh-tu-phap' }, dueAt: /\+07:00$/ })
    requestId = created.json().id
    // A leaf already asked about is not asked again while that request is open: one due date per answer.
    const again = await create(legal, { leafCodes: ['1.3.1', '1.3.2'], reason: 'Bổ sung lần nữa', dueAt: inDays(2) })
    t.equal(again.statusCode, 409)
    t.match(again.json(), { code: 'SUPPLEMENT_ALREADY_OPEN', detail: /1\.3\.1/, errors: [{ leafCode: '1.3.1', code: 'supplement_open', requestIds: [requestId] }] })
    t.notMatch(again.json().detail, /1\.3\.2/, 'only the leaf already asked about is named')

    const waiting = await inject(officer, 'GET', `/rounds/${roundId}/supplement-requests?status=open`)
    t.same(waiting.json().map((r: { id: string }) => r.id), [requestId], 'the unit sees what waits for it')
    // To the unit a request comes from the appraisal team: who in the team wrote it stays the team's.
    const author = created.json().createdBy as { username: string, displayName: string }
    const unnamed = (body: string) => !body.includes(author.username) && !body.includes(author.displayName)
    t.match(waiting.json(), [{ id: requestId, createdBy: null, closedBy: null }])
    const single = await inject(officer, 'GET', `/supplement-requests/${requestId}`)
    t.match(single.json(), { id: requestId, reason: 'Bổ sung kế hoạch và báo cáo kiểm tra có chữ ký', createdBy: null })
    t.ok(unnamed(waiting.body) && unnamed(single.body), 'the unit\'s reads do not name the appraiser')
    const inbox = await inject(officer, 'GET', '/me/notifications')
    t.match(inbox.body, /supplement_requested/, 'the unit was notified')
    t.ok(unnamed(inbox.body), 'and its notification does not name the appraiser either')
    for (const staff of [admin, viewer, legal]) {
      t.match((await inject(staff, 'GET', `/supplement-requests/${requestId}`)).json(), { createdBy: { username: 'tham-dinh-tu-phap' } }, `${staff.user.username} sees who asked`)
    }
    t.same((await inject(otherOfficer, 'GET', `/rounds/${roundId}/supplement-requests?unitId=${unitId}`)).json(), [], 'another unit sees nothing of it')
    t.same((await inject(others, 'GET', `/rounds/${roundId}/supplement-requests`)).json(), [], 'an appraiser of other fields sees nothing of it')
    t.equal((await inject(others, 'GET', `/supplement-requests/${requestId}`)).statusCode, 404)
    t.equal((await inject(legal, 'GET', `/rounds/${roundId}/supplement-requests`)).json().length, 1)

    let response = await saveSelf(app, officer, roundId, unitId, [{ leafCode: '1.1.2', input: { value: 1 }, explanation: 'Kế hoạch số 12/KH ban hành ngày 10/01' }])
    t.equal(response.statusCode, 200, 'a reopened leaf can change though the self-assessment is submitted and its deadline passed')
    t.match(response.json(), { status: 'submitted', totals: { points: 99.5 } })
    const reread = (await inject(officer, 'GET', selfUrl)).json()
    t.same(response.json().leaves, reread.leaves.filter((leaf: Leaf) => leaf.code === '1.1.2'), 'the answer shows the reopened leaf as a read does')
    t.match(response.json().leaves[0], { editable: true, supplementRequestIds: [requestId] })
    t.same(response.json().totals, reread.totals)
    for (const attempt of [[{ leafCode: '1.1.1', input: { option: 'b' } }], [{ leafCode: '1.3.1', input: { value: 1 } }, { leafCode: '1.1.1', explanation: 'x' }]]) {
      response = await saveSelf(app, officer, roundId, unitId, attempt)
      t.equal(response.statusCode, 409)
      t.match(response.json(), { code: 'LEAF_LOCKED', errors: [{ leafCode: '1.1.1' }], reopenedLeafCodes: ['1.1.2', '1.3.1'] })
    }
    t.equal((await app.inject({ method: 'POST', url: `${selfUrl}/withdraw`, headers: { ...officer.headers, 'if-match': '*' } })).json().code, 'SELF_ASSESSMENT_CLOSED', 'nothing else reopens')
    // Evidence files ask the same question of the self-assessment service.
    const unitActor = { principal: { kind: 'user' as const, id: officer.user.id, username: officer.user.username, displayName: 'Cán bộ đầu mối', role: 'unit_officer' as const, unitId, sessionId: 'test' } }
    const editable = (codes: string[]) => app.db.transaction(async (tx) => lockEditableLeaves(tx, unitActor, roundId, unitId, codes))
    await t.resolves(editable(['1.1.2', '1.3.1']), 'evidence of the reopened leaves can change')
    await t.rejects(editable(['1.1.1']), { code: 'LEAF_LOCKED' }, 'evidence of other leaves cannot')

    const finalize = await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)
    t.equal(finalize.statusCode, 409)
    t.match(finalize.json(), { code: 'APPRAISAL_INCOMPLETE', errors: [{ code: 'request_open', requestId }] })
    t.equal(finalize.json().errors.length, 1)

    const answered = await inject(officer, 'POST', `/supplement-requests/${requestId}/answer`, { answer: 'Đã bổ sung Kế hoạch số 12/KH' })
    t.equal(answered.statusCode, 200)
    t.match(answered.json(), { status: 'answered', answer: 'Đã bổ sung Kế hoạch số 12/KH', answeredBy: { id: officer.user.id }, createdBy: null })
    t.equal((await inject(officer, 'POST', `/supplement-requests/${requestId}/answer`, { answer: 'lần nữa' })).json().code, 'SUPPLEMENT_NOT_OPEN')
    response = await saveSelf(app, officer, roundId, unitId, [{ leafCode: '1.3.1', input: { value: 1 } }])
    t.equal(response.json().code, 'SELF_ASSESSMENT_CLOSED', 'answered: its leaves lock again')
    t.match((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)).json(), { errors: [{ code: 'request_answered' }] })

    // The appraiser reviews: 1.1.2 now agrees with the unit's new score; 1.3.1 stays above the self score, with a reason.
    await legalClient.read()
    response = await legalClient.save([{ leafCode: '1.1.2', input: { value: 1 } }, { leafCode: '1.3.1', input: { value: 0.75 }, reason: 'Báo cáo kiểm tra chưa có chữ ký' }])
    t.equal(response.statusCode, 200)
    t.match(response.json().leaves.find((l: Leaf) => l.code === '1.1.2'), { self: { points: 1 }, appraised: { points: 1, reason: null }, differs: false })
    const closed = await inject(legal, 'POST', `/supplement-requests/${requestId}/close`, { comment: 'Đã xem xét minh chứng bổ sung' })
    t.equal(closed.statusCode, 200)
    t.match(closed.json(), { status: 'closed', closedBy: { username: 'tham-dinh-tu-phap' } })
    const closedForTheUnit = await inject(officer, 'GET', `/rounds/${roundId}/supplement-requests?unitId=${unitId}`)
    t.match(closedForTheUnit.json(), [{ id: requestId, status: 'closed', closedAt: String, closedBy: null, createdBy: null }], 'the unit learns it was closed, not by whom')
    t.notOk(closedForTheUnit.body.includes('tham-dinh-tu-phap'))
    t.match((await inject(viewer, 'GET', `/supplement-requests/${requestId}`)).json(), { closedBy: { username: 'tham-dinh-tu-phap' } })
    t.equal((await inject(legal, 'POST', `/supplement-requests/${requestId}/close`, {})).json().code, 'SUPPLEMENT_CLOSED')
  })

  await t.test('progress and gap per unit and field, exact', async (t) => {
    const progress = (await inject(viewer, 'GET', `/rounds/${roundId}/progress`)).json()
    t.match(progress.find((p: { unit: { code: string } }) => p.unit.code === 'SO-TP'), {
      selfAssessment: { status: 'submitted' }, appraisal: { status: 'in_progress' }, leaves: 74, appraised: 74, openRequests: 0, answeredRequests: 0
    })
    t.match(progress.find((p: { unit: { code: string } }) => p.unit.code === 'SO-TC'), { selfAssessment: { status: 'not_started' }, appraisal: { status: 'not_started' }, appraised: 0 })
    const gap = await inject(viewer, 'GET', `/rounds/${roundId}/gap?unitType=department`)
    t.equal(gap.statusCode, 200)
    const unit = gap.json().units.find((u: { unit: { code: string } }) => u.unit.code === 'SO-TP')
    t.match(unit, { selfPoints: 99.5, appraisedPoints: 99.75, gap: -0.25, leaves: 74, appraised: 74, finalized: false })
    t.match(unit.fields[0], { code: '1', maxPoints: 19, selfPoints: 18.5, appraisedPoints: 18.75, gap: -0.25 })
    t.match(unit.fields[1], { code: '2', selfPoints: 10, appraisedPoints: 10, gap: 0 })
    t.equal((await inject(legal, 'GET', `/rounds/${roundId}/gap`)).statusCode, 403)
  })

  await t.test('progress and gap are read a page at a time: the pages put together are the whole list, with its total', async (t) => {
    const ids = (list: { unit: { id: string } }[]) => list.map((line) => line.unit.id)
    for (const who of [viewer, legal]) {
      const whole = await inject(who, 'GET', `/rounds/${roundId}/progress`)
      const all = whole.json()
      t.ok(all.length > 5, `${who.user.username} sees ${all.length} units`)
      t.equal(whole.headers['x-total-count'], String(all.length), 'the whole list says its total')
      const pages = []
      for (let offset = 0; offset < all.length; offset += 4) {
        const page = await inject(who, 'GET', `/rounds/${roundId}/progress?limit=4&offset=${offset}`)
        t.equal(page.headers['x-total-count'], String(all.length), `the page at ${offset} says the whole list's total`)
        t.ok(page.json().length <= 4)
        pages.push(...page.json())
      }
      t.same(pages, all, `${who.user.username}: the pages in order are the whole list, line for line`)
      t.same((await inject(who, 'GET', `/rounds/${roundId}/progress?offset=${all.length}`)).json(), [], 'past the end: no line')
    }
    // The appraiser's total is of the units they see: fewer than the viewer's (their unit types only).
    const theirs = (await inject(legal, 'GET', `/rounds/${roundId}/progress?limit=1`)).headers['x-total-count']
    const everyone = (await inject(viewer, 'GET', `/rounds/${roundId}/progress?limit=1`)).headers['x-total-count']
    t.ok(Number(theirs) <= Number(everyone), `the appraiser's total ${String(theirs)} is of their units (viewer ${String(everyone)})`)

    const whole = (await inject(viewer, 'GET', `/rounds/${roundId}/gap`)).json()
    t.equal(whole.page, undefined, 'the whole report has no page')
    const second = (await inject(viewer, 'GET', `/rounds/${roundId}/gap?limit=3&offset=3`)).json()
    t.same(second.page, { total: whole.units.length, limit: 3, offset: 3 })
    t.same(ids(second.units), ids(whole.units.slice(3, 6)), 'the second page of three')
    t.same(second.units, whole.units.slice(3, 6), 'with the same figures')
    t.equal(second.roundId, roundId)
    const departments = (await inject(viewer, 'GET', `/rounds/${roundId}/gap?unitType=department`)).json()
    const firstDepartments = (await inject(viewer, 'GET', `/rounds/${roundId}/gap?unitType=department&limit=2`)).json()
    t.same(firstDepartments.units, departments.units.slice(0, 2), 'a page of one unit type')
    t.same(firstDepartments.page, { total: departments.units.length, limit: 2, offset: 0 })
    t.equal(firstDepartments.unitType, 'department')

    for (const [url, field] of [[`/rounds/${roundId}/progress?limit=0`, '/limit'], [`/rounds/${roundId}/gap?offset=-1`, '/offset']] as const) {
      const refused = await inject(viewer, 'GET', url)
      t.equal(refused.statusCode, 400, url)
      t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
      t.match(refused.json(), { code: 'VALIDATION_FAILED', errors: [{ in: 'querystring', pointer: field }] }, `${url} names the field`)
    }
  })

  await t.test('an admin finalizes; the unit is locked for appraisers and the unit until reopened with a reason', async (t) => {
    const finalized = await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)
    t.equal(finalized.statusCode, 200)
    t.match(finalized.json(), { status: 'finalized', finalizedBy: { id: admin.user.id }, finalizedAt: String, deadline: { open: false } })
    await legalClient.read()
    t.equal((await legalClient.save([{ leafCode: '1.1.3', input: { value: 0.5 }, reason: 'x' }])).json().code, 'APPRAISAL_FINALIZED')
    const request = await inject(legal, 'POST', `/rounds/${roundId}/units/${unitId}/supplement-requests`, { leafCodes: ['1.1.3'], reason: 'x', dueAt: inDays(2) })
    t.equal(request.json().code, 'APPRAISAL_FINALIZED')
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)).json().code, 'APPRAISAL_FINALIZED')
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/reopen`, { reason: '' })).statusCode, 400)
    const reopened = await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/reopen`, { reason: 'Rà soát lại tiêu chí 1.3.1' })
    t.equal(reopened.statusCode, 200)
    t.match(reopened.json(), { status: 'in_progress', finalizedAt: null })
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)).statusCode, 200, 'finalized again')
  })

  await t.test('the leaf history shows every step, in order, with actors and reasons', async (t) => {
    const history = await inject(admin, 'GET', `/rounds/${roundId}/units/${unitId}/leaves/1.1.2/history`)
    t.equal(history.statusCode, 200)
    const steps = history.json().items.map((item: { action: string, actor: { id: string }, before: any, after: any, reason: string | null, supplementRequestIds: string[] | null, entityId: string }) => ({
      action: item.action, actor: item.actor.id, before: item.before, after: item.after, reason: item.reason, supplementRequestIds: item.supplementRequestIds, entityId: item.entityId
    }))
    t.match(steps, [
      { action: 'self_assessment.save', actor: officer.user.id, before: null, after: { input: { value: 0.5 }, points: 0.5 } },
      { action: 'appraisal.save', actor: legal.user.id, before: null, after: { points: 0.75, self: { points: 0.5 } }, reason: 'Kế hoạch ban hành đúng hạn, có minh chứng' },
      { action: 'supplement.create', actor: legal.user.id, entityId: requestId, after: { status: 'open', leafCodes: ['1.1.2', '1.3.1'] }, reason: 'Bổ sung kế hoạch và báo cáo kiểm tra có chữ ký' },
      { action: 'self_assessment.save', actor: officer.user.id, before: { points: 0.5 }, after: { points: 1, explanation: 'Kế hoạch số 12/KH ban hành ngày 10/01' }, supplementRequestIds: [requestId] },
      { action: 'supplement.answer', actor: officer.user.id, before: { status: 'open' }, after: { status: 'answered', answer: 'Đã bổ sung Kế hoạch số 12/KH' } },
      { action: 'appraisal.save', actor: legal.user.id, before: { points: 0.75 }, after: { points: 1, self: { points: 1 } }, reason: null },
      { action: 'supplement.close', actor: legal.user.id, before: { status: 'answered' }, after: { status: 'closed' }, reason: 'Đã xem xét minh chứng bổ sung' }
    ])
    t.equal(steps.length, 7)
    t.match(history.json().items[1].actor, { type: 'user', name: 'tham-dinh-tu-phap', displayName: String })
    const leaf131 = (await inject(legal, 'GET', `/rounds/${roundId}/units/${unitId}/leaves/1.3.1/history`)).json().items.map((item: { action: string }) => item.action)
    t.same(leaf131, ['self_assessment.save', 'appraisal.accept_self', 'supplement.create', 'supplement.answer', 'appraisal.save', 'supplement.close'])

    const unit = await inject(admin, 'GET', `/rounds/${roundId}/units/${unitId}/history`)
    t.equal(unit.statusCode, 200)
    const actions = unit.json().items.map((item: { action: string }) => item.action)
    t.same(actions.filter((action: string) => !action.endsWith('.save') && action !== 'appraisal.accept_self'), [
      'round.transition', 'self_assessment.submit', 'round.transition', 'supplement.create', 'supplement.answer', 'supplement.close',
      'appraisal.finalize', 'appraisal.reopen', 'appraisal.finalize'
    ])
    t.match(unit.json().items.find((item: { action: string }) => item.action === 'appraisal.reopen'), { reason: 'Rà soát lại tiêu chí 1.3.1', actor: { id: admin.user.id } })
    t.match(unit.json().items.find((item: { action: string }) => item.action === 'self_assessment.save'), { leafCodes: leaves.map((leaf) => leaf.code) })
  })

  await t.test('an unanswered request expires at its due date and its leaves lock again', async (t) => {
    const created = await inject(legal, 'POST', `/rounds/${roundId}/units/${otherUnitId}/supplement-requests`, { leafCodes: ['1.1.2'], reason: 'Thiếu kế hoạch', dueAt: inDays(1) })
    t.equal(created.statusCode, 201)
    const id: string = created.json().id
    t.equal((await saveSelf(app, otherOfficer, roundId, otherUnitId, [{ leafCode: '1.1.2', input: { value: 0.75 } }])).statusCode, 200, 'open before its due date')
    // The clock is the database's: move the due date into the past.
    await app.db.execute(sql`update supplement_requests set due_at = now() - interval '1 second' where id = ${id}`)
    const late = await saveSelf(app, otherOfficer, roundId, otherUnitId, [{ leafCode: '1.1.2', input: { value: 1 } }])
    t.equal(late.statusCode, 409)
    // Its due time as the unit reads it (Vietnam's wall clock, which the API's +07:00 time already gives).
    const shown: string = (await inject(otherOfficer, 'GET', `/supplement-requests/${id}`)).json().dueAt
    const dueVi = `${shown.slice(8, 10)}/${shown.slice(5, 7)}/${shown.slice(0, 4)} ${shown.slice(11, 16)}`
    // Refused as the request's expiry, with its due time, not as the round's status (SELF_ASSESSMENT_CLOSED before).
    t.match(late.json(), {
      code: 'LEAF_LOCKED',
      detail: `The supplement request for leaf 1.1.2 expired unanswered at ${shown}; it can no longer be changed.`,
      errors: [{ leafCode: '1.1.2', code: 'supplement_expired', message: /leaf 1\.1\.2 expired unanswered/ }],
      reopenedLeafCodes: [],
      expiredLeafCodes: ['1.1.2']
    })
    t.notMatch(late.json().detail, /status/, 'the round\'s status is not the reason given')
    const url = `/rounds/${roundId}/units/${otherUnitId}/self-assessment`
    const etag = (await inject(otherOfficer, 'GET', url)).headers.etag as string
    const lateVi = await app.inject({ method: 'PATCH', url, headers: { ...otherOfficer.headers, 'if-match': etag, 'accept-language': 'vi' }, payload: { entries: [{ leafCode: '1.1.2', input: { value: 1 } }] } })
    t.equal(lateVi.json().detail, `Yêu cầu bổ sung cho tiêu chí 1.1.2 đã quá hạn trả lời lúc ${dueVi}; tiêu chí không sửa được nữa.`, 'said in Vietnamese with the due time as the unit reads it')
    t.match((await saveSelf(app, otherOfficer, roundId, otherUnitId, [{ leafCode: '1.1.1', input: { option: 'b' } }])).json(), { code: 'SELF_ASSESSMENT_CLOSED', detail: /is in status appraisal/ }, 'a leaf never requested is refused as before')
    t.match((await saveSelf(app, otherOfficer, roundId, otherUnitId, [{ leafCode: '1.1.1', input: { option: 'b' } }, { leafCode: '1.1.2', input: { value: 1 } }])).json(), {
      code: 'LEAF_LOCKED',
      detail: /leaf 1\.1\.2 expired unanswered .*\. No supplement request is open; 1\.1\.1 is locked too\./,
      errors: [{ leafCode: '1.1.2', code: 'supplement_expired' }, { leafCode: '1.1.1', code: 'leaf_locked' }]
    }, 'with a leaf never requested beside it, both are named')
    // Beside another request still open, the expired leaf is locked and said to be so for its expiry.
    const another = await inject(legal, 'POST', `/rounds/${roundId}/units/${otherUnitId}/supplement-requests`, { leafCodes: ['1.3.1'], reason: 'Thiếu báo cáo kiểm tra', dueAt: inDays(1) })
    t.equal(another.statusCode, 201)
    const mixed = await saveSelf(app, otherOfficer, roundId, otherUnitId, [{ leafCode: '1.3.1', input: { value: 1 } }, { leafCode: '1.1.2', input: { value: 1 } }, { leafCode: '1.1.1', explanation: 'x' }])
    t.match(mixed.json(), {
      code: 'LEAF_LOCKED',
      detail: /leaf 1\.1\.2 expired unanswered .*; it can no longer be changed\. Only the leaves of your open supplement requests \(1\.3\.1\) can be changed now; 1\.1\.1 is locked\./,
      errors: [{ leafCode: '1.1.2', code: 'supplement_expired' }, { leafCode: '1.1.1', code: 'leaf_locked' }],
      reopenedLeafCodes: ['1.3.1'],
      expiredLeafCodes: ['1.1.2']
    })
    t.equal((await inject(legal, 'POST', `/supplement-requests/${another.json().id}/close`, {})).statusCode, 200)
    const listed = await inject(otherOfficer, 'GET', `/rounds/${roundId}/supplement-requests`)
    t.match(listed.json(), [{ id, status: 'expired', closedBy: null, closedAt: String }])
    t.equal((await inject(otherOfficer, 'POST', `/supplement-requests/${id}/answer`, { answer: 'muộn' })).json().code, 'SUPPLEMENT_NOT_OPEN')
    t.equal((await inject(legal, 'POST', `/supplement-requests/${id}/close`, {})).json().code, 'SUPPLEMENT_CLOSED')
    const history = (await inject(admin, 'GET', `/rounds/${roundId}/units/${otherUnitId}/leaves/1.1.2/history`)).json().items
    t.match(history.at(-1), { action: 'supplement.expire', actor: { type: 'system', id: null, name: 'system' }, before: { status: 'open' }, after: { status: 'expired' } })
    t.equal(history.filter((item: { action: string }) => item.action === 'supplement.expire').length, 1, 'expired once, however often it was read')
  })

  await t.test('an open request never outlasts the round\'s supplement deadline, even one moved earlier', async (t) => {
    const created = await inject(legal, 'POST', `/rounds/${roundId}/units/${otherUnitId}/supplement-requests`, { leafCodes: ['1.1.3'], reason: 'Thiếu báo cáo', dueAt: inDays(5) })
    t.equal(created.statusCode, 201)
    const id: string = created.json().id
    const earlier = inDays(2)
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { supplementClosesAt: earlier })).statusCode, 200)
    t.equal(new Date((await inject(legal, 'GET', `/supplement-requests/${id}`)).json().dueAt).getTime(), new Date(earlier).getTime(), 'its due date came forward with the deadline')
    const update = (await inject(admin, 'GET', `/audit?entityType=round&entityId=${roundId}&action=round.update`)).json().items[0]
    t.same(update.after.supplementRequestsDueAtDeadline, [id], 'the round update records which requests it shortened')

    // The deadline moved into the past: the request can no longer be answered, and its leaf is locked again.
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { supplementClosesAt: new Date(Date.now() - 1000).toISOString() })).statusCode, 200)
    t.equal((await inject(otherOfficer, 'POST', `/supplement-requests/${id}/answer`, { answer: 'muộn' })).json().code, 'SUPPLEMENT_NOT_OPEN')
    t.match((await saveSelf(app, otherOfficer, roundId, otherUnitId, [{ leafCode: '1.1.3', input: { value: 1 } }])).json(), { code: 'LEAF_LOCKED', detail: /leaf 1\.1\.3 expired unanswered/, expiredLeafCodes: ['1.1.3'] })
  })

  await t.test('after the appraisal deadline (database clock) appraisers can no longer write', async (t) => {
    await app.db.execute(sql`update rounds set appraisal_closes_at = now() - interval '1 second' where id = ${roundId}`)
    const client = appraisalClient(app, legal, roundId, otherUnitId)
    t.match((await client.read()).json(), { deadline: { open: false } })
    const response = await client.save([{ leafCode: '1.1.2', input: { value: 0.75 }, reason: 'x' }])
    t.equal(response.statusCode, 409)
    t.equal(response.json().code, 'APPRAISAL_DEADLINE_PASSED')
  })
})
