import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { type Leaf as CatalogLeaf, maxInput, openRoundForOfficer } from './helpers/rounds.js'

interface Leaf extends CatalogLeaf { fieldCode: string, evidence: string }

t.test('a unit changing an accepted score withdraws the acceptance; a score given with a reason stays', async (t) => {
  const app = await buildTestApp(t)
  const { admin, round, unitId, officer, url: selfUrl } = await openRoundForOfficer(app)
  const viewer = await loginAs(app, 'viewer')
  const roundId: string = round.id
  const legal = await loginAs(app, 'appraiser', { username: 'tham-dinh-tu-phap' })
  const inject = (who: LoggedIn, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { ...who.headers, ...headers }, ...(payload === undefined ? {} : { payload }) })
  const appraisalUrl = `/rounds/${roundId}/units/${unitId}/appraisal`
  const saveSelf = async (entries: unknown[]) => inject(officer, 'PATCH', selfUrl, { entries }, { 'if-match': (await inject(officer, 'GET', selfUrl)).headers.etag as string })

  // The unit scores every leaf at its maximum but 1.1.2 and 1.3.1 (0.5 each), and submits; the round moves to appraisal.
  const leaves: Leaf[] = (await inject(officer, 'GET', selfUrl)).json().leaves
  const below = new Set(['1.1.2', '1.3.1'])
  t.equal((await saveSelf(leaves.map((leaf) => ({
    leafCode: leaf.code,
    input: below.has(leaf.code) ? { value: 0.5 } : maxInput(leaf),
    ...(leaf.evidence === 'required' ? { explanation: `Minh chứng ${leaf.code}` } : {})
  })))).statusCode, 200)
  t.equal((await inject(officer, 'POST', `${selfUrl}/submit`, undefined, { 'if-match': '*' })).statusCode, 200)
  t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() })).statusCode, 200)
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 200)
  t.equal((await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, { assignments: [{ unitType: 'department', fieldCode: '1', userId: legal.user.id }] })).statusCode, 200)

  // The appraiser accepts field 1 as the unit scored it, except 1.1.2, scored higher with a reason.
  const field1 = leaves.filter((leaf) => leaf.fieldCode === '1').map((leaf) => leaf.code)
  let etag = (await inject(legal, 'GET', appraisalUrl)).headers.etag as string
  let response = await inject(legal, 'POST', `${appraisalUrl}/accept-self`, { leafCodes: field1.filter((code) => code !== '1.1.2') }, { 'if-match': etag })
  t.equal(response.statusCode, 200)
  response = await inject(legal, 'PATCH', appraisalUrl, { entries: [{ leafCode: '1.1.2', input: { value: 0.75 }, reason: 'Kế hoạch ban hành đúng hạn' }] }, { 'if-match': response.headers.etag as string })
  t.equal(response.statusCode, 200)
  etag = response.headers.etag as string
  const unitProgress = async () => (await inject(viewer, 'GET', `/rounds/${roundId}/progress`)).json().find((line: { unit: { id: string } }) => line.unit.id === unitId)
  t.match(await unitProgress(), { appraised: field1.length }, 'every leaf of field 1 counts as appraised')

  // Then asks for more evidence on three leaves, and the unit answers: 1.3.1 and 1.1.2 with new scores, 1.1.3 with an explanation only.
  const request = await inject(legal, 'POST', `/rounds/${roundId}/units/${unitId}/supplement-requests`, {
    leafCodes: ['1.1.2', '1.1.3', '1.3.1'], reason: 'Bổ sung báo cáo có chữ ký', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString()
  })
  t.equal(request.statusCode, 201)
  response = await saveSelf([
    { leafCode: '1.3.1', input: { value: 0.75 } },
    { leafCode: '1.1.2', input: { value: 1 } },
    { leafCode: '1.1.3', explanation: 'Báo cáo số 5/BC' }
  ])
  t.equal(response.statusCode, 200)

  const stale = await inject(legal, 'PATCH', appraisalUrl, { entries: [{ leafCode: '1.3.1', input: { value: 0.5 }, reason: 'x' }] }, { 'if-match': etag })
  t.equal(stale.statusCode, 412, 'a screen open on the withdrawn acceptance must reload before it saves')
  const read = await inject(legal, 'GET', appraisalUrl)
  const leaf = (code: string) => read.json().leaves.find((l: { code: string }) => l.code === code)
  t.match(leaf('1.3.1'), { self: { points: 0.75 }, appraised: null, differs: null }, 'the accepted 0.5 no longer stands beside the unit\'s 0.75')
  t.match(leaf('1.1.2'), { self: { points: 1 }, appraised: { points: 0.75, reason: 'Kế hoạch ban hành đúng hạn' }, differs: true }, 'a score with a reason is the appraiser\'s own and stays')
  t.match(leaf('1.1.3'), { appraised: { reason: null }, differs: false }, 'an explanation alone changes no score')
  t.match(read.json().fields[0], { code: '1', appraised: field1.length - 1 })
  t.match(await unitProgress(), { appraised: field1.length - 1 }, 'the desk counts 1.3.1 as waiting again')

  const finalize = await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)
  t.same(finalize.json().errors.filter((e: { code: string, fieldCode: string }) => e.code !== 'request_open' && e.fieldCode === '1').map((e: { code: string, leafCode: string }) => [e.code, e.leafCode]), [['unappraised', '1.3.1']])

  const history = (await inject(admin, 'GET', `/rounds/${roundId}/units/${unitId}/leaves/1.3.1/history`)).json().items
  t.match(history.at(-1), { action: 'appraisal.acceptance_lapsed', actor: { id: officer.user.id }, before: { points: 0.5 }, after: null })
  t.equal(history.filter((item: { action: string }) => item.action === 'appraisal.acceptance_lapsed').length, 1)
  t.notOk((await inject(admin, 'GET', `/rounds/${roundId}/units/${unitId}/leaves/1.1.3/history`)).json().items.some((item: { action: string }) => item.action === 'appraisal.acceptance_lapsed'))

  // Accepting the new score is one step, as before.
  response = await inject(legal, 'POST', `${appraisalUrl}/accept-self`, { leafCodes: ['1.3.1'] }, { 'if-match': read.headers.etag as string })
  t.equal(response.statusCode, 200)
  t.match(response.json().fields[0], { appraised: field1.length })

  // A new explanation leaves the appraiser's screen current; a new score, even under an appraisal with a reason, does
  // not: an accept sent from a screen that still shows the old score must not take a score the appraiser never saw.
  etag = response.headers.etag as string
  t.equal((await saveSelf([{ leafCode: '1.1.3', explanation: 'Báo cáo số 5/BC, bản có chữ ký' }])).statusCode, 200)
  t.equal((await inject(legal, 'GET', appraisalUrl)).headers.etag, etag, 'an explanation alone does not move the appraisal on')
  t.equal((await saveSelf([{ leafCode: '1.1.2', input: { value: 0.5 } }])).statusCode, 200)
  response = await inject(legal, 'POST', `${appraisalUrl}/accept-self`, { leafCodes: ['1.1.2'] }, { 'if-match': etag })
  t.equal(response.statusCode, 412, 'the accept was sent from a screen showing the unit\'s 1')
  t.match(response.json().current.leaves.find((l: { code: string }) => l.code === '1.1.2'), { self: { points: 0.5 }, appraised: { points: 0.75 } }, 'the 412 brings the new self score')
  const accepted = await inject(legal, 'POST', `${appraisalUrl}/accept-self`, { leafCodes: ['1.1.2'] }, { 'if-match': `"${response.json().currentVersion}"` })
  t.equal(accepted.statusCode, 200)
  t.match(accepted.json().leaves.find((l: { code: string }) => l.code === '1.1.2'), { appraised: { points: 0.5, reason: null } }, 'accepted once seen')
})
