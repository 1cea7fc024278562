// A unit that never submitted, or left leaves unanswered: the appraisal team gives those leaves their lowest score with
// one reason instead of typing each, the finalize refusal says so, and leaves already appraised or answered stay as they are.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { loadReferenceData, openRound } from './helpers/rounds.js'

interface Leaf { code: string, fieldCode: string, self: { input: unknown }, appraised: { input: Record<string, unknown>, points: number | null, reason: string | null } | null }

t.test('an appraiser gives every leaf the unit never scored its lowest score with one reason, and the unit can then be finalized', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const silent = data.units.get('SO-TC') as string
  const partial = data.units.get('SO-TP') as string
  const legal = await loginAs(app, 'appraiser', { username: 'tham-dinh-tu-phap' })
  const others = await loginAs(app, 'appraiser', { username: 'tham-dinh-noi-vu' })
  const officer = await loginAs(app, 'unit_officer', { unitId: partial })
  const inject = (who: LoggedIn, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { ...who.headers, 'accept-language': 'vi', ...headers }, ...(payload === undefined ? {} : { payload }) })

  // Sở Tư pháp answers two leaves of field 1 and never submits; Sở Tài chính never starts.
  const selfUrl = `/rounds/${round.id}/units/${partial}/self-assessment`
  t.equal((await inject(officer, 'PATCH', selfUrl, { entries: [{ leafCode: '1.1.2', input: { value: 0.75 } }, { leafCode: '1.1.3', input: { value: 1 } }] }, { 'if-match': '*' })).statusCode, 200)
  t.equal((await inject(admin, 'PATCH', `/rounds/${round.id}`, { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() }, { 'if-match': '*' })).statusCode, 200)
  t.equal((await inject(admin, 'POST', `/rounds/${round.id}/transition`, { to: 'appraisal' })).statusCode, 200)
  const leaves: Leaf[] = (await inject(admin, 'GET', `/rounds/${round.id}/units/${silent}/appraisal`)).json().leaves
  const fieldCodes = [...new Set(leaves.map((leaf) => leaf.fieldCode))]
  t.equal((await inject(admin, 'PUT', `/rounds/${round.id}/assignments`, {
    assignments: fieldCodes.map((fieldCode) => ({ unitType: 'department', fieldCode, userId: fieldCode === '1' ? legal.user.id : others.user.id }))
  })).statusCode, 200)

  const url = (unitId: string) => `/rounds/${round.id}/units/${unitId}/appraisal`
  const refusal = await inject(admin, 'POST', `/rounds/${round.id}/units/${silent}/finalize`)
  t.equal(refusal.statusCode, 409)
  t.match(refusal.json().detail, new RegExp(`${leaves.length} tiêu chí chưa có điểm thẩm định \\(trong đó ${leaves.length} tiêu chí đơn vị không tự chấm vì chưa nộp bản tự đánh giá; Tổ thẩm định có thể chấm điểm thấp nhất`),
    'the refusal says the unit never scored them and what the team can do')

  const reason = 'Đơn vị không nộp bản tự đánh giá'
  t.equal((await inject(legal, 'POST', `${url(silent)}/score-unanswered`, { reason })).statusCode, 428, 'If-Match is needed, as for any appraisal write')
  t.equal((await inject(legal, 'POST', `${url(silent)}/score-unanswered`, { reason: '   ' }, { 'if-match': '*' })).json().code, 'VALIDATION_FAILED', 'a blank reason is refused')
  const foreign = await inject(legal, 'POST', `${url(silent)}/score-unanswered`, { reason, fieldCodes: ['2'] }, { 'if-match': '*' })
  t.equal(foreign.statusCode, 403, 'a field not assigned to the appraiser')
  t.equal(foreign.json().code, 'NOT_ASSIGNED')
  t.equal((await inject(legal, 'POST', `${url(silent)}/score-unanswered`, { reason, fieldCodes: ['99'] }, { 'if-match': '*' })).json().code, 'VALIDATION_FAILED', 'a field the catalog has not')
  t.equal((await inject(officer, 'POST', `${url(partial)}/score-unanswered`, { reason }, { 'if-match': '*' })).statusCode, 403, 'not the unit\'s to do')

  const before = await inject(legal, 'GET', url(silent))
  const scored = await inject(legal, 'POST', `${url(silent)}/score-unanswered`, { reason }, { 'if-match': before.headers.etag as string })
  t.equal(scored.statusCode, 200)
  t.equal(scored.headers.etag, `"${Number(before.json().version) + 1}"`, 'one write, one version')
  const field1: Leaf[] = scored.json().leaves
  t.ok(field1.length > 0 && field1.every((leaf) => leaf.fieldCode === '1'), 'the appraiser\'s own field')
  t.ok(field1.every((leaf) => leaf.appraised !== null && leaf.appraised.points === 0 && leaf.appraised.reason === reason), 'every leaf at 0 (the lowest these leaves can score), with the reason')
  t.equal(scored.json().totals.appraised, field1.length)
  t.equal(scored.json().fields[0].appraisedPoints, 0)
  const again = await inject(legal, 'POST', `${url(silent)}/score-unanswered`, { reason }, { 'if-match': '*' })
  t.equal(again.statusCode, 409, 'nothing left to score')
  t.equal(again.json().code, 'CONFLICT')

  // Another appraiser does the other fields; the unit can now be finalized at 0 points.
  t.equal((await inject(others, 'POST', `${url(silent)}/score-unanswered`, { reason }, { 'if-match': '*' })).statusCode, 200)
  const finalized = await inject(admin, 'POST', `/rounds/${round.id}/units/${silent}/finalize`)
  t.equal(finalized.statusCode, 200)
  t.equal(finalized.json().totals.appraisedPoints, 0)

  // Sở Tư pháp: what the unit answered waits for the appraiser; an appraised leaf keeps its score.
  const partialState = await inject(legal, 'GET', url(partial))
  t.equal((await inject(legal, 'PATCH', url(partial), { entries: [{ leafCode: '1.1.1', input: { option: 'a' }, reason: 'Có kế hoạch ban hành kịp thời' }] }, { 'if-match': partialState.headers.etag as string })).statusCode, 200)
  // The unit is asked for leaf 1.3.1 (never scored): its answer may still come, so the lowest score leaves it alone.
  const asked = await inject(legal, 'POST', `/rounds/${round.id}/units/${partial}/supplement-requests`, {
    leafCodes: ['1.3.1'], reason: 'Đề nghị đơn vị tự chấm và bổ sung kế hoạch', dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString()
  })
  t.equal(asked.statusCode, 201)
  const partialScored: Leaf[] = (await inject(legal, 'POST', `${url(partial)}/score-unanswered`, { reason, fieldCodes: ['1'] }, { 'if-match': '*' })).json().leaves
  const leaf = (code: string) => partialScored.find((candidate) => candidate.code === code) as Leaf
  t.equal(leaf('1.3.1').appraised, null, 'under an open supplement request: left for the unit\'s answer')
  const waiting = await inject(legal, 'POST', `${url(partial)}/score-unanswered`, { reason, fieldCodes: ['1'] }, { 'if-match': '*' })
  t.equal(waiting.statusCode, 409, 'only the asked leaf is left')
  t.match(waiting.json().detail, /^1 tiêu chí còn chưa có điểm đều nằm trong yêu cầu bổ sung/, 'the refusal says why it is not scored')
  t.same(leaf('1.1.1').appraised?.input, { option: 'a' }, 'already appraised: kept')
  t.equal(leaf('1.1.2').appraised, null, 'answered by the unit: left to the appraiser')
  t.equal(leaf('1.1.3').appraised, null)
  t.same(leaf('1.1.4').appraised?.input, { measurement: 0 }, 'a bands leaf: the lowest measurement of the band worth least')
  t.ok(partialScored.filter((candidate) => candidate.fieldCode === '1' && !['1.1.1', '1.1.2', '1.1.3', '1.3.1'].includes(candidate.code)).every((candidate) => candidate.appraised?.reason === reason))

  // One audit entry per write, with every leaf's old and new value.
  const audit = (await inject(admin, 'GET', '/audit?entityType=appraisal&action=appraisal.save&limit=50')).json().items as { after: { leafCodes: string[] } }[]
  t.ok(audit.some((entry) => entry.after.leafCodes.length === field1.length), 'the whole field in one audited save')
})
