// What the appraisal screen reads beside the scores: the exact gap (self − appraised) per field and over the fields
// the caller sees, the band a measurement fell into, and the newest change (who changed which leaves, also after a 412).
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { loadReferenceData, maxInput, openRound } from './helpers/rounds.js'
import { countStatements } from './helpers/statements.js'

interface Leaf { code: string, fieldCode: string, maxPoints: number, evidence: string, scoring: any }
interface Field { code: string, maxPoints: number, leaves: number, appraised: number, selfPoints: number, appraisedPoints: number, gap: number, appraisedGap: number }

t.test('the appraisal state carries the gap, the bands and the last change', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const roundId: string = round.id
  const unitId = data.units.get('SO-TP')!
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const first = await loginAs(app, 'appraiser', { username: 'tham-dinh-linh-vuc-1' })
  const second = await loginAs(app, 'appraiser', { username: 'tham-dinh-linh-vuc-2' })
  const url = `/rounds/${roundId}/units/${unitId}/appraisal`
  const inject = (who: LoggedIn, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, payload?: object, ifMatch?: string) =>
    app.inject({ method, url: path, headers: { ...who.headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }, ...(payload === undefined ? {} : { payload }) })

  // The unit scores every leaf at its maximum except 1.1.2 (0.5 of 1) and 1.1.4 (95 %: the 90 % band, 2 of 3), and submits.
  const selfUrl = `/rounds/${roundId}/units/${unitId}/self-assessment`
  const selfRead = await inject(officer, 'GET', selfUrl)
  const leaves: Leaf[] = selfRead.json().leaves
  const below: Record<string, object> = { '1.1.2': { value: 0.5 }, '1.1.4': { measurement: 95 } }
  const entries = leaves.map((leaf) => ({ leafCode: leaf.code, input: below[leaf.code] ?? maxInput(leaf), explanation: `Minh chứng ${leaf.code}` }))
  t.equal((await inject(officer, 'PATCH', selfUrl, { entries }, selfRead.headers.etag as string)).statusCode, 200)
  t.equal((await inject(officer, 'POST', `${selfUrl}/submit`, undefined, '*')).statusCode, 200)
  t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() })).statusCode, 200)
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 200)
  t.equal((await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, {
    assignments: [{ unitType: 'department', fieldCode: '1', userId: first.user.id }, { unitType: 'department', fieldCode: '2', userId: second.user.id }]
  })).statusCode, 200)
  const fieldOne = leaves.filter((leaf) => leaf.fieldCode === '1').map((leaf) => leaf.code)

  await t.test('before any appraised score: the gap is the whole self score, nothing changed yet, no last change', async (t) => {
    const state = (await inject(first, 'GET', url)).json()
    const field: Field = state.fields[0]
    t.match(field, { code: '1', maxPoints: 19, leaves: fieldOne.length, appraised: 0, selfPoints: 17.5, appraisedPoints: 0, gap: 17.5, appraisedGap: 0 })
    t.same(state.totals, { maxPoints: 19, leaves: fieldOne.length, appraised: 0, selfPoints: 17.5, appraisedPoints: 0, gap: 17.5, appraisedGap: 0 },
      'an appraiser\'s totals are those of their one field')
    t.equal(state.lastChange, null)
    t.match(state.deadline, { roundStatus: 'appraisal', open: true, closesAt: /\+07:00$/, supplementClosesAt: /\+07:00$/ }, 'the latest due date a supplement request may have')
    const measured = state.leaves.find((leaf: Leaf) => leaf.code === '1.1.4')
    t.match(measured.self, { input: { measurement: 95 }, points: 2, band: 1 }, 'the 90 % band (index 1) of 1.1.4')
    t.equal(state.leaves.find((leaf: Leaf) => leaf.code === '1.1.2').self.band, null, 'a range leaf has no band')
  })

  await t.test('appraised scores move the gap exactly; the last change names the appraiser and the leaves', async (t) => {
    const saved = await inject(first, 'PATCH', url, {
      entries: [
        { leafCode: '1.1.2', input: { value: 0.25 }, reason: 'Kế hoạch ban hành chậm' },
        { leafCode: '1.1.4', input: { measurement: 85 }, reason: 'Báo cáo chỉ chứng minh 85 %' }
      ]
    }, '"0"')
    t.equal(saved.statusCode, 200)
    const state = saved.json()
    // Appraised 0.25 + 1 = 1.25 against self 0.5 + 2 = 2.5 on those two leaves; the other leaves keep their self points in the gap.
    t.match(state.fields[0], { appraised: 2, selfPoints: 17.5, appraisedPoints: 1.25, gap: 16.25, appraisedGap: 1.25 })
    t.match(state.totals, { appraised: 2, appraisedPoints: 1.25, gap: 16.25, appraisedGap: 1.25 })
    t.match(state.leaves.find((leaf: Leaf) => leaf.code === '1.1.4').appraised, { points: 1, band: 2 }, 'the 80 % band (index 2)')
    t.match(state.lastChange, { action: 'appraisal.save', actor: { type: 'user', name: 'tham-dinh-linh-vuc-1', displayName: 'Test appraiser' }, at: String })
    t.same([...state.lastChange.leafCodes].sort(), ['1.1.2', '1.1.4'])
  })

  await t.test('an admin\'s totals cover every field and equal the round\'s gap report for the unit', async (t) => {
    const state = (await inject(admin, 'GET', url)).json()
    t.equal(state.fields.length, 7)
    t.match(state.totals, { maxPoints: 100, leaves: 74, appraised: 2, selfPoints: 98.5, appraisedPoints: 1.25, gap: 97.25, appraisedGap: 1.25 })
    const report = (await inject(admin, 'GET', `/rounds/${roundId}/gap?unitType=department`)).json()
    const unit = report.units.find((line: { unit: { id: string } }) => line.unit.id === unitId)
    t.same({ selfPoints: state.totals.selfPoints, appraisedPoints: state.totals.appraisedPoints, gap: state.totals.gap },
      { selfPoints: unit.selfPoints, appraisedPoints: unit.appraisedPoints, gap: unit.gap })
    t.same(state.fields.map((field: Field) => field.gap), unit.fields.map((field: Field) => field.gap))
  })

  await t.test('after a 412 the current state says who changed which leaves meanwhile', async (t) => {
    const read = await inject(second, 'GET', url)
    t.equal(read.headers.etag, '"1"')
    const rest = fieldOne.filter((code) => !['1.1.2', '1.1.4'].includes(code))
    const accepted = await inject(first, 'POST', `${url}/accept-self`, { leafCodes: rest }, '"1"')
    t.equal(accepted.statusCode, 200)
    t.match(accepted.json().fields[0], { appraised: fieldOne.length, gap: 1.25, appraisedGap: 1.25 }, 'once every leaf is appraised both gaps agree')
    const stale = await inject(second, 'POST', `${url}/accept-self`, { leafCodes: ['2.1.1'] }, read.headers.etag as string)
    t.equal(stale.statusCode, 412)
    const current = stale.json().current
    t.match(current.lastChange, { action: 'appraisal.accept_self', actor: { name: 'tham-dinh-linh-vuc-1' } })
    t.same([...current.lastChange.leafCodes].sort(), [...rest].sort())
    t.same(current.fields.map((field: Field) => field.code), ['2'], 'the 412 body shows only the caller\'s fields')
    t.match(current.totals, { maxPoints: current.fields[0].maxPoints, appraised: 0, appraisedGap: 0 })
  })

  await t.test('a published catalog is read once: the next reads of an appraisal read only the unit\'s rows, in one statement', async (t) => {
    const counter = countStatements(app.database)
    const before = await inject(first, 'GET', url)
    t.equal(before.statusCode, 200)
    counter.reset()
    const again = await inject(first, 'GET', url)
    t.equal(again.statusCode, 200)
    t.same(again.json(), before.json(), 'the same answer')
    const listed = counter.statements.map((statement) => statement.replace(/\s+/g, ' ').slice(0, 80)).join('\n')
    t.notOk(counter.statements.some((statement) => /catalog_nodes|"catalogs"/.test(statement)), `no catalog read:\n${listed}`)
    // The session, the participation, whether a request fell due, the appraiser's fields, and the unit's rows.
    t.equal(counter.statements.length, 5, `5 statements:\n${listed}`)
  })
})
