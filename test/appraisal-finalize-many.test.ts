// Finalizing many units at once at the end of appraisal: the complete ones are finalized, each other one is left as
// it was with the reason finalizing it alone would give.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { injectAs, loginAs } from './helpers/auth.js'
import { type Leaf, maxInput, openRoundForOfficer } from './helpers/rounds.js'

t.test('the complete units are finalized, the others refused one by one with why', async (t) => {
  const app = await buildTestApp(t)
  const { admin, data, round, officer, unitId: complete } = await openRoundForOfficer(app)
  const roundId: string = round.id
  const inject = injectAs(app)
  const incomplete = data.units.get('SO-TC')!
  const untouched = data.units.get('SO-NV')!
  const stranger = '00000000-0000-4000-8000-000000000000'

  // Two units score every leaf at its maximum and submit.
  for (const unitId of [complete, incomplete]) {
    const who = unitId === complete ? officer : await loginAs(app, 'unit_officer', { unitId })
    const url = `/rounds/${roundId}/units/${unitId}/self-assessment`
    const read = await inject(who, 'GET', url)
    const entries = (read.json().leaves as Array<Leaf & { evidence: string }>).map((leaf) => ({ leafCode: leaf.code, input: maxInput(leaf), explanation: `Minh chứng ${leaf.code}` }))
    t.equal((await inject(who, 'PATCH', url, { entries }, { 'if-match': String(read.headers.etag) })).statusCode, 200)
    t.equal((await inject(who, 'POST', `${url}/submit`, undefined, { 'if-match': '*' })).statusCode, 200)
  }
  t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() })).statusCode, 200)
  const early = await inject(admin, 'POST', `/rounds/${roundId}/finalize-appraisals`, { unitIds: [complete] })
  t.equal(early.json().code, 'APPRAISAL_CLOSED', 'not before the round is in appraisal')
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 200)

  // An appraiser of every field accepts the whole of one unit, and the other's every leaf but one.
  const appraiser = await loginAs(app, 'appraiser', { username: 'tham-dinh' })
  const assignments = ['1', '2', '3', '4', '5', '6', '7'].map((fieldCode) => ({ unitType: 'department', fieldCode, userId: appraiser.user.id }))
  t.equal((await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, { assignments })).statusCode, 200)
  for (const unitId of [complete, incomplete]) {
    const url = `/rounds/${roundId}/units/${unitId}/appraisal`
    const read = await inject(appraiser, 'GET', url)
    const codes = (read.json().leaves as Leaf[]).map((leaf) => leaf.code).filter((code) => unitId === complete || code !== '7.5.3')
    t.equal((await inject(appraiser, 'POST', `${url}/accept-self`, { leafCodes: codes }, { 'if-match': String(read.headers.etag) })).statusCode, 200)
  }
  t.equal((await inject(appraiser, 'POST', `/rounds/${roundId}/finalize-appraisals`, { unitIds: [complete] })).statusCode, 403, 'an appraiser does not finalize')

  const bulk = await inject(admin, 'POST', `/rounds/${roundId}/finalize-appraisals`, { unitIds: [complete, incomplete, untouched, stranger] })
  t.equal(bulk.statusCode, 200)
  t.same(bulk.json().finalized.map((unit: { code: string }) => unit.code), ['SO-TP'])
  t.same(bulk.json().refused.map((line: { unitId: string, code: string }) => [line.unitId, line.code]), [
    [incomplete, 'APPRAISAL_INCOMPLETE'], [untouched, 'APPRAISAL_INCOMPLETE'], [stranger, 'NOT_FOUND']
  ])
  t.match(bulk.json().refused[0], { unit: { code: 'SO-TC', name: String }, detail: /\(SO-TC\) cannot be finalized: 1 leaf\(s\) without an appraised score\.$/ })
  t.notMatch(bulk.json().refused[0].detail, /\b0 /, 'only what is in the way is named, no "0 requests not closed"')
  t.equal(bulk.json().refused[2].unit, null)

  const progress = (await inject(admin, 'GET', `/rounds/${roundId}/progress`)).json()
  const statusOf = (unitId: string) => progress.find((line: { unit: { id: string } }) => line.unit.id === unitId).appraisal.status
  t.same([statusOf(complete), statusOf(incomplete), statusOf(untouched)], ['finalized', 'in_progress', 'not_started'])
  const again = await inject(admin, 'POST', `/rounds/${roundId}/finalize-appraisals`, { unitIds: [complete] })
  t.match(again.json(), { finalized: [], refused: [{ code: 'APPRAISAL_FINALIZED' }] }, 'a finalized unit is said to be so, and stays')
  const history = (await inject(admin, 'GET', `/rounds/${roundId}/units/${complete}/history`)).json().items
  t.equal(history.filter((item: { action: string }) => item.action === 'appraisal.finalize').length, 1, 'finalized once, audited as one finalization')

  const empty = await inject(admin, 'POST', `/rounds/${roundId}/finalize-appraisals`, { unitIds: [] })
  t.match(empty.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/unitIds' }] })
})
