// A unit's self-assessment is its own work in progress while the round is open and it has not submitted: the appraisal
// team reads it (scores, explanations, files, a leaf's history) once it is submitted, or once the round moves to
// appraisal, whatever the unit left. Admins and viewers, who follow the round, read drafts all along.
import t from 'tap'
import { appraisersSeeSelfAssessment } from '../server/domain/lifecycle.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { loadReferenceData, maxInput, openRound, type Leaf } from './helpers/rounds.js'

t.test('the rule by round status and self-assessment status', async (t) => {
  for (const status of ['draft', 'self_assessment'] as const) {
    t.equal(appraisersSeeSelfAssessment(status, 'submitted'), true, `${status}: a submitted one`)
    t.equal(appraisersSeeSelfAssessment(status, 'draft'), false, `${status}: not a draft`)
    t.equal(appraisersSeeSelfAssessment(status, 'not_started'), false, `${status}: not an empty one`)
  }
  for (const status of ['appraisal', 'finalized', 'published'] as const) {
    t.equal(appraisersSeeSelfAssessment(status, 'draft'), true, `${status}: what the unit left`)
  }
})

t.test('an appraiser reads a unit\'s self-assessment once it is submitted or the round is in appraisal, never its draft before', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const unitId = data.units.get('SO-TP') as string
  const idleUnit = data.units.get('SO-TC') as string
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const appraiser = await loginAs(app, 'appraiser')
  const viewer = await loginAs(app, 'viewer')
  t.equal((await app.inject({
    method: 'PUT',
    url: `/rounds/${round.id}/assignments`,
    headers: admin.headers,
    payload: { assignments: [{ unitType: 'department', fieldCode: '1', userId: appraiser.user.id }] }
  })).statusCode, 200)
  const get = (who: LoggedIn, path: string) => app.inject({ method: 'GET', url: path, headers: who.headers })
  const base = (unit: string) => `/rounds/${round.id}/units/${unit}`
  const reads = (unit: string) => ({
    appraisal: `${base(unit)}/appraisal`,
    leaf: `${base(unit)}/appraisal/leaves/1.1.1`,
    history: `${base(unit)}/leaves/1.1.1/history`,
    files: `${base(unit)}/self-assessment/files`,
    sheet: `${base(unit)}/appraisal/export`
  })

  // The unit writes a draft of 1.1.1 with a note meant for itself.
  const selfUrl = `${base(unitId)}/self-assessment`
  const read = await get(officer, selfUrl)
  const leaves: Array<Leaf & { evidence: string }> = read.json().leaves
  const draft = await app.inject({
    method: 'PATCH',
    url: selfUrl,
    headers: { ...officer.headers, 'if-match': read.headers.etag as string },
    payload: { entries: [{ leafCode: '1.1.1', input: { option: 'c' }, explanation: 'Nháp nội bộ, chưa nộp' }] }
  })
  t.equal(draft.statusCode, 200)

  for (const [name, path] of Object.entries(reads(unitId))) {
    const refused = await get(appraiser, path)
    t.equal(refused.statusCode, 409, `${name} of a draft: refused`)
    t.equal(refused.json().code, 'SELF_ASSESSMENT_NOT_SUBMITTED')
    t.notMatch(refused.body, /Nháp nội bộ/, 'nothing of the draft in the refusal')
  }
  const inVietnamese = await app.inject({ method: 'GET', url: reads(unitId).appraisal, headers: { ...appraiser.headers, 'accept-language': 'vi' } })
  t.match(inVietnamese.json().detail, /Sở Tư pháp \(SO-TP\) chưa nộp bản tự đánh giá.*khi kỳ chuyển sang giai đoạn thẩm định/, 'said in Vietnamese, with when it will be readable')
  t.equal((await get(appraiser, reads(idleUnit).appraisal)).statusCode, 409, 'nor a unit that has not started')
  t.equal((await get(viewer, reads(unitId).appraisal)).statusCode, 200, 'a viewer follows drafts')
  t.equal((await get(admin, reads(unitId).appraisal)).statusCode, 200, 'so does an admin')
  // The progress list tells the appraiser how far each unit is, without its answers.
  const progress = (await get(appraiser, `/rounds/${round.id}/progress`)).json()
  t.equal(progress.find((line: { unit: { id: string } }) => line.unit.id === unitId).selfAssessment.status, 'draft')

  // Submitted, it is the team's to read; withdrawn, the unit's own again.
  const entries = leaves.map((leaf) => ({ leafCode: leaf.code, input: maxInput(leaf), ...(leaf.evidence === 'required' ? { explanation: `Minh chứng ${leaf.code}` } : {}) }))
  t.equal((await app.inject({ method: 'PATCH', url: selfUrl, headers: { ...officer.headers, 'if-match': '*' }, payload: { entries } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `${selfUrl}/submit`, headers: { ...officer.headers, 'if-match': '*' } })).statusCode, 200)
  const submitted = await get(appraiser, reads(unitId).appraisal)
  t.equal(submitted.statusCode, 200)
  t.ok(submitted.json().leaves.every((leaf: { fieldCode: string }) => leaf.fieldCode === '1'), 'of the appraiser\'s field')
  t.equal((await get(appraiser, reads(unitId).leaf)).statusCode, 200)
  t.equal((await get(appraiser, reads(unitId).history)).statusCode, 200)
  t.equal((await get(appraiser, reads(unitId).files)).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `${selfUrl}/withdraw`, headers: { ...officer.headers, 'if-match': '*' } })).statusCode, 200)
  t.equal((await get(appraiser, reads(unitId).appraisal)).statusCode, 409, 'withdrawn: a draft again')

  // Self-assessment over and the round in appraisal: the team reads whatever each unit left, submitted or not.
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${round.id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${round.id}/transition`, headers: admin.headers, payload: { to: 'appraisal' } })).statusCode, 200)
  for (const [name, path] of Object.entries(reads(unitId))) t.equal((await get(appraiser, path)).statusCode, 200, `${name} in appraisal`)
  t.equal((await get(appraiser, reads(idleUnit).appraisal)).statusCode, 200, 'an empty one too')
})
