import t from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { openRoundForOfficer, loadReferenceData, maxInput } from './helpers/rounds.js'

type App = Awaited<ReturnType<typeof buildTestApp>>
type Entry = { leafCode: string, input?: Record<string, unknown> | null, explanation?: string | null }

/** A portal client for one unit's self-assessment: it remembers the ETag of its last read, as a browser tab would. */
/** A state without the clock of its read (`now`), to compare two reads of the same data. */
const withoutClock = ({ now: _now, ...state }: Record<string, unknown>) => state

function portal (app: App, who: LoggedIn, roundId: string, unitId: string) {
  const url = `/rounds/${roundId}/units/${unitId}/self-assessment`
  const remembered: { etag: string | undefined } = { etag: undefined }
  const keep = (response: Awaited<ReturnType<App['inject']>>) => {
    if (response.statusCode === 200) remembered.etag = response.headers.etag as string
    return response
  }
  const ifMatchHeader = (ifMatch: string | undefined) => ({ ...who.headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) })
  return {
    get etag () { return remembered.etag },
    read: async () => keep(await app.inject({ method: 'GET', url, headers: who.headers })),
    save: async (entries: Entry[], ifMatch: string | undefined = remembered.etag) =>
      keep(await app.inject({ method: 'PATCH', url, headers: ifMatchHeader(ifMatch), payload: { entries } })),
    post: async (action: 'submit' | 'withdraw', ifMatch: string | undefined = remembered.etag) =>
      keep(await app.inject({ method: 'POST', url: `${url}/${action}`, headers: ifMatchHeader(ifMatch) }))
  }
}

async function setup (t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t)
  const { admin, data, round, unitId, officer } = await openRoundForOfficer(app)
  return { app, admin, data, round, unitId, officer }
}

t.test('a unit goes through self-assessment as the portal would: saves in several requests, submits, withdraws, resubmits; after the deadline nothing changes', async (t) => {
  const { app, admin, round, unitId, officer } = await setup(t)
  const unit = portal(app, officer, round.id, unitId)

  const first = await unit.read()
  t.equal(first.statusCode, 200)
  const state = first.json()
  t.equal(unit.etag, '"0"', 'nothing saved yet: version 0')
  t.match(state, { id: null, status: 'draft', version: 0, catalog: { code: 'TH-2020-SO' }, unit: { code: 'SO-TP' }, deadline: { roundStatus: 'self_assessment', open: true } })
  t.equal(state.leaves.length, 74, 'every leaf of the department catalog, in catalog order')
  t.same(state.leaves.slice(0, 3).map((leaf: { code: string }) => leaf.code), ['1.1.1', '1.1.2', '1.1.3'])
  t.match(state.leaves[0], { code: '1.1.1', fieldCode: '1', maxPoints: 1, evidence: 'required', scoring: { method: 'options' }, input: null, points: null, explanation: null, evidenceFiles: 0 })
  t.match(state.totals, { points: 0, maxPoints: 100, applicableMaximum: 100, answered: 0, leaves: 74 })
  t.same(state.totals.fields.map((f: { code: string, maxPoints: number }) => [f.code, f.maxPoints]), [['1', 19], ['2', 10], ['3', 20.5], ['4', 10], ['5', 15], ['6', 10], ['7', 15.5]])

  // First request: one leaf of each method.
  let response = await unit.save([
    { leafCode: '1.1.1', input: { option: 'b' }, explanation: 'Kế hoạch ban hành chậm 5 ngày' },
    { leafCode: '1.1.2', input: { value: 0.75 } },
    { leafCode: '1.1.4', input: { measurement: 92.5 } }
  ])
  t.equal(response.statusCode, 200)
  t.equal(unit.etag, '"1"')
  let body = response.json()
  t.equal(body.version, 1)
  t.match(body.leaves.find((l: { code: string }) => l.code === '1.1.1'), { input: { option: 'b' }, points: 0.5, explanation: 'Kế hoạch ban hành chậm 5 ngày' })
  t.match(body.leaves.find((l: { code: string }) => l.code === '1.1.4'), { input: { measurement: 92.5 }, points: 2 })
  t.match(body.totals, { points: 3.25, answered: 3, leaves: 74, applicableMaximum: 100 })
  t.match(body.totals.fields[0], { code: '1', points: 3.25, answered: 3 })

  // Second request: the whole legal-framework field at its maximum; the field total equals the field maximum exactly.
  const leaves: { code: string, fieldCode: string, maxPoints: number, scoring: any, evidence: string }[] = state.leaves
  response = await unit.save(leaves.filter((l) => l.fieldCode === '2').map((l) => ({ leafCode: l.code, input: maxInput(l) })))
  t.equal(response.statusCode, 200)
  body = response.json()
  const field2 = body.totals.fields.find((f: { code: string }) => f.code === '2')
  t.equal(field2.points, 10)
  t.equal(field2.points, field2.maxPoints, 'the field total is exactly the field maximum')
  t.equal(body.totals.points, 13.25)

  // Third request: change an answer and only an explanation; absent parts are kept.
  response = await unit.save([{ leafCode: '1.1.2', input: { value: 1 } }, { leafCode: '1.1.1', explanation: 'Ban hành ngày 20/01' }])
  body = response.json()
  t.match(body.leaves.find((l: { code: string }) => l.code === '1.1.1'), { input: { option: 'b' }, points: 0.5, explanation: 'Ban hành ngày 20/01' })
  t.equal(body.totals.points, 13.5)
  t.equal(unit.etag, '"3"')

  // First submission attempt: every unanswered leaf and every required-evidence leaf without file or explanation, at once.
  let submit = await unit.post('submit')
  t.equal(submit.statusCode, 422)
  t.equal(submit.json().code, 'SELF_ASSESSMENT_INCOMPLETE')
  const missing = submit.json().errors as { leafCode: string, code: string }[]
  const answered = new Set(['1.1.1', '1.1.2', '1.1.4', ...leaves.filter((l) => l.fieldCode === '2').map((l) => l.code)])
  t.same(missing.filter((e) => e.code === 'unanswered').map((e) => e.leafCode), leaves.filter((l) => !answered.has(l.code)).map((l) => l.code), 'every unanswered leaf, in catalog order')
  const undocumented = leaves.filter((l) => l.evidence === 'required' && l.code !== '1.1.1').map((l) => l.code)
  t.same(missing.filter((e) => e.code === 'evidence_missing').map((e) => e.leafCode), undocumented, 'every required-evidence leaf without file or explanation')
  t.equal((await unit.read()).json().version, 3, 'a refused submission changes nothing, not even the version')

  // Answer everything else at its maximum, with an explanation where evidence is required.
  const rest = leaves.filter((l) => !answered.has(l.code) || l.evidence === 'required').map((l) => ({
    leafCode: l.code,
    ...(answered.has(l.code) ? {} : { input: maxInput(l) }),
    ...(l.evidence === 'required' ? { explanation: `Minh chứng cho tiêu chí ${l.code}` } : {})
  }))
  response = await unit.save(rest.slice(0, 30))
  t.equal(response.statusCode, 200)
  response = await unit.save(rest.slice(30))
  t.equal(response.statusCode, 200)
  t.match(response.json().totals, { answered: 74, leaves: 74 })
  t.equal(response.json().totals.points, 100 - 0.5 - 1, '1.1.1 scored 0.5 of 1 and 1.1.4 2 of 3')

  submit = await unit.post('submit')
  t.equal(submit.statusCode, 200)
  t.match(submit.json(), { status: 'submitted', submittedAt: String })
  const submittedTag = unit.etag

  // A submitted self-assessment is read-only for the unit until withdrawn.
  response = await unit.save([{ leafCode: '1.1.1', input: { option: 'a' } }])
  t.equal(response.statusCode, 409)
  t.equal(response.json().code, 'SELF_ASSESSMENT_SUBMITTED')
  t.equal((await unit.post('submit')).json().code, 'SELF_ASSESSMENT_SUBMITTED')
  t.equal(unit.etag, submittedTag)

  const withdrawn = await unit.post('withdraw')
  t.equal(withdrawn.statusCode, 200)
  t.match(withdrawn.json(), { status: 'draft', submittedAt: null })
  t.equal((await unit.post('withdraw')).json().code, 'SELF_ASSESSMENT_NOT_SUBMITTED')
  response = await unit.save([{ leafCode: '1.1.1', input: { option: 'a' } }, { leafCode: '1.1.4', input: { measurement: 100 } }])
  t.equal(response.statusCode, 200)
  t.equal(response.json().totals.points, 100)
  t.equal(response.json().totals.applicableMaximum, 100)
  // A not-applicable answer leaves both the points and the maximum.
  response = await unit.save([{ leafCode: '4.3.2', input: { option: 'na' }, explanation: 'Năm 2020 không có đơn vị trực thuộc' }])
  t.match(response.json().leaves.find((l: { code: string }) => l.code === '4.3.2'), { points: null, notApplicable: true })
  t.match(response.json().totals, { points: 98.5, applicableMaximum: 98.5, answered: 74 })
  t.match(response.json().totals.fields.find((f: { code: string }) => f.code === '4'), { points: 8.5, applicableMaximum: 8.5, maxPoints: 10 })
  submit = await unit.post('submit')
  t.equal(submit.statusCode, 200, 'resubmitted')

  const list = await app.inject({ method: 'GET', url: `/rounds/${round.id}/self-assessments`, headers: admin.headers })
  t.equal(list.statusCode, 200)
  t.equal(list.json().length, 20)
  t.match(list.json().find((line: { unit: { code: string } }) => line.unit.code === 'SO-TP'), { status: 'submitted', points: 98.5, applicableMaximum: 98.5, answered: 74, leaves: 74 })
  t.match(list.json().find((line: { unit: { code: string } }) => line.unit.code === 'SO-TC'), { status: 'not_started', id: null, points: 0, applicableMaximum: 100, answered: 0, leaves: 74, updatedAt: null })
  // When the unit last wrote: its resubmission, the moment its own self-assessment shows.
  const lastWritten = list.json().find((line: { unit: { code: string } }) => line.unit.code === 'SO-TP').updatedAt
  t.equal(lastWritten, (await unit.read()).json().updatedAt, 'the list says when the unit last wrote')
  t.ok(Date.parse(lastWritten) >= Date.parse(submit.json().submittedAt), 'the resubmission is the last write')

  const history = await queryRows<{ action: string }>(app.db, sql`select action from audit_log where entity_type = 'self_assessment' order by id`)
  t.same(history.map((row) => row.action), [
    'self_assessment.save', 'self_assessment.save', 'self_assessment.save', 'self_assessment.save', 'self_assessment.save',
    'self_assessment.submit', 'self_assessment.withdraw', 'self_assessment.save', 'self_assessment.save', 'self_assessment.submit'
  ], 'every save, submission and withdrawal is audited')

  // The unit withdraws once more to edit, then the deadline passes (moved through the API).
  t.equal((await unit.post('withdraw')).statusCode, 200)
  const past = new Date(Date.now() - 60_000).toISOString()
  const moved = await app.inject({ method: 'PATCH', url: `/rounds/${round.id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: past } })
  t.equal(moved.statusCode, 200)
  const closed = await unit.read()
  t.match(closed.json().deadline, { open: false })
  for (const attempt of [
    await unit.save([{ leafCode: '1.1.1', input: { option: 'c' } }]),
    await unit.post('submit'),
    await unit.post('withdraw')
  ]) {
    t.equal(attempt.statusCode, 409)
    t.equal(attempt.json().code, 'DEADLINE_PASSED')
    t.match(attempt.json().detail, /deadline .* passed/)
  }
  t.equal((await unit.read()).json().version, closed.json().version, 'nothing changed after the deadline')

  // The list tells who is late, by the database clock: not submitted past its own deadline (the extension counts).
  const lineOf = async (code: string) => (await app.inject({ method: 'GET', url: `/rounds/${round.id}/self-assessments`, headers: admin.headers }))
    .json().find((line: { unit: { code: string } }) => line.unit.code === code)
  const roundDeadline = new Date(moved.json().selfAssessmentClosesAt).getTime()
  const late = await lineOf('SO-TC')
  t.match(late, { status: 'not_started', overdue: true })
  t.equal(new Date(late.deadline).getTime(), roundDeadline, 'its deadline is the round\'s')
  t.match(await lineOf('SO-TP'), { status: 'draft', overdue: true }, 'a withdrawn one is late too')
  const until = new Date(Date.now() + 86400_000).toISOString()
  const otherUnit = late.unit.id
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${round.id}/units/${otherUnit}/extension`, headers: admin.headers, payload: { until, reason: 'Mất điện' } })).statusCode, 200)
  const extendedLine = await lineOf('SO-TC')
  t.match(extendedLine, { overdue: false }, 'an extension in the future makes it on time again')
  t.equal(new Date(extendedLine.deadline).getTime(), new Date(until).getTime(), 'its deadline is its extension')

  // An extension for this unit reopens it, by the database clock, until the extension ends.
  const extended = await app.inject({ method: 'POST', url: `/rounds/${round.id}/units/${unitId}/extension`, headers: admin.headers, payload: { until: new Date(Date.now() + 86400_000).toISOString(), reason: 'Sự cố hệ thống ngày cuối' } })
  t.equal(extended.statusCode, 200)
  t.equal((await unit.post('submit')).statusCode, 200, 'the extension lets the unit submit')
  await app.db.execute(sql`update round_units set extension_until = now() - interval '1 second' where unit_id = ${unitId}`)
  t.equal((await unit.post('withdraw')).json().code, 'DEADLINE_PASSED', 'an extension that has ended closes again')
  t.match(await lineOf('SO-TP'), { status: 'submitted', overdue: false }, 'a unit that submitted is not late, whatever the clock says')

  // The round does not move on while a unit that has not submitted still has time (SO-TC's extension): that would cut
  // it off. Withdrawn, the extension no longer holds the round; a unit that submitted does not hold it either.
  await app.db.execute(sql`update round_units set extension_until = now() + interval '1 day' where unit_id = ${unitId}`)
  const toAppraisal = () => app.inject({ method: 'POST', url: `/rounds/${round.id}/transition`, headers: admin.headers, payload: { to: 'appraisal' } })
  const early = await toAppraisal()
  t.equal(early.statusCode, 409)
  t.match(early.json(), { code: 'ROUND_NOT_READY', detail: /1 unit\(s\) have not submitted and may still do so until their deadline: SO-TC/, units: [{ code: 'SO-TC', closesAt: /\+07:00$/ }] })
  t.equal(early.json().units.length, 1, 'only the unit still in time is named')
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${round.id}/units/${otherUnit}/extension`, headers: admin.headers, payload: { until: null, reason: 'Đóng tự đánh giá' } })).statusCode, 200)
  // Once the round moves on, units cannot write whatever the deadline says.
  t.equal((await toAppraisal()).statusCode, 200)
  const afterRound = await unit.post('withdraw')
  t.equal(afterRound.statusCode, 409)
  t.equal(afterRound.json().code, 'SELF_ASSESSMENT_CLOSED')
})

t.test('each bad input is refused with its leaf code and reason, and a batch with one bad leaf stores nothing', async (t) => {
  const { app, round, unitId, officer } = await setup(t)
  const unit = portal(app, officer, round.id, unitId)
  await unit.read()
  t.equal((await unit.save([{ leafCode: '1.1.2', input: { value: 0.5 } }])).statusCode, 200)
  const before = (await unit.read()).json()

  const refused = async (entries: Entry[]) => {
    const response = await unit.save(entries)
    t.equal(response.statusCode, 422, `refused: ${JSON.stringify(entries)}`)
    t.equal(response.json().code, 'SELF_ASSESSMENT_INVALID')
    return response.json().errors as { leafCode: string, code: string, message: string }[]
  }
  t.match(await refused([{ leafCode: '1.1.2', input: { value: 0.3 } }]), [{ leafCode: '1.1.2', code: 'off_step', message: /not a multiple of the step 0.25/ }])
  t.match(await refused([{ leafCode: '1.1.2', input: { value: 1.25 } }]), [{ leafCode: '1.1.2', code: 'above_maximum' }])
  t.match(await refused([{ leafCode: '1.1.2', input: { value: -0.25 } }]), [{ leafCode: '1.1.2', code: 'negative' }])
  t.match(await refused([{ leafCode: '1.1.1', input: { option: 'z' } }]), [{ leafCode: '1.1.1', code: 'unknown_option', message: /options are a, b, c/ }])
  t.match(await refused([{ leafCode: '1.1.4', input: { measurement: 100.5 } }]), [{ leafCode: '1.1.4', code: 'measurement_out_of_range' }])
  t.match(await refused([{ leafCode: '1.1.4', input: { measurement: -1 } }]), [{ leafCode: '1.1.4', code: 'measurement_out_of_range' }])
  t.match(await refused([{ leafCode: '1.1.2', input: { option: 'a' } }]), [{ leafCode: '1.1.2', code: 'wrong_input' }])
  t.match(await refused([{ leafCode: '1.1.2', input: {} }]), [{ leafCode: '1.1.2', code: 'wrong_input' }])
  t.match(await refused([{ leafCode: '1.1.2', input: { value: 0.1234 } }]), [{ leafCode: '1.1.2', code: 'not_a_number' }])
  t.match(await refused([{ leafCode: '9.9.9', input: { value: 1 } }]), [{ leafCode: '9.9.9', code: 'unknown_leaf' }])
  t.match(await refused([{ leafCode: '1.1', input: { value: 1 } }]), [{ leafCode: '1.1', code: 'not_a_leaf' }])
  t.match(await refused([{ leafCode: '1.1.3' }]), [{ leafCode: '1.1.3', code: 'empty_entry' }])

  // A wrong JSON type never reaches scoring: the strict body validator refuses it, naming the leaf as well as the field.
  const wrongType = await unit.save([{ leafCode: '1.1.3', input: { value: 0.5 } }, { leafCode: '1.1.2', input: { value: '0.75' } }])
  t.equal(wrongType.statusCode, 400)
  t.equal(wrongType.json().code, 'VALIDATION_FAILED')
  t.match(wrongType.json().errors, [{ in: 'body', pointer: '/entries/1/input/value', leafCode: '1.1.2' }])
  const unknownKey = await unit.save([{ leafCode: '1.1.2', input: { points: 1 } }])
  t.equal(unknownKey.statusCode, 400)
  t.match(unknownKey.json().errors, [{ pointer: '/entries/0/input/points', leafCode: '1.1.2' }])

  // One bad leaf among good ones: all refusals are listed, nothing is stored.
  const batch = await refused([
    { leafCode: '1.1.1', input: { option: 'a' }, explanation: 'đúng hạn' },
    { leafCode: '1.1.2', input: { value: 0.3 } },
    { leafCode: '1.1.3', input: { value: 1 } },
    { leafCode: '1.1.4', input: { measurement: 150 } },
    { leafCode: '1.1.3', input: { value: 0.5 } }
  ])
  t.same(batch.map((e) => [e.leafCode, e.code]), [['1.1.2', 'off_step'], ['1.1.4', 'measurement_out_of_range'], ['1.1.3', 'duplicate_leaf']])
  const after = (await unit.read()).json()
  t.same(withoutClock(after), withoutClock(before), 'refused requests changed nothing: same version, same answers, same totals')
  const rows = await queryRows<{ leaf_code: string }>(app.db, sql`select leaf_code from self_assessment_entries`)
  t.same(rows.map((row) => row.leaf_code), ['1.1.2'])
})

t.test('concurrent saves from the same version: exactly one wins, the other gets 412 with the current state', async (t) => {
  const { app, round, unitId, officer } = await setup(t)
  const colleague = await loginAs(app, 'unit_officer', { unitId })
  const tabA = portal(app, officer, round.id, unitId)
  const tabB = portal(app, colleague, round.id, unitId)

  const missing = await tabA.save([{ leafCode: '1.1.2', input: { value: 1 } }], undefined)
  t.equal(missing.statusCode, 428, 'a write without If-Match is refused')
  t.equal(missing.json().code, 'PRECONDITION_REQUIRED')

  for (let trial = 0; trial < 5; trial++) {
    await tabA.read()
    await tabB.read()
    t.equal(tabA.etag, tabB.etag)
    const [a, b] = await Promise.all([
      tabA.save([{ leafCode: '1.1.2', input: { value: 0.25 } }, { leafCode: '1.1.3', input: { value: 0.5 } }]),
      tabB.save([{ leafCode: '1.1.2', input: { value: 0.75 } }, { leafCode: '1.1.3', input: { value: 1 } }])
    ])
    const statuses = [a.statusCode, b.statusCode].sort()
    t.same(statuses, [200, 412], `trial ${trial}: one succeeds and one is refused`)
    const winner = a.statusCode === 200 ? a : b
    const loser = a.statusCode === 200 ? b : a
    t.equal(loser.json().code, 'PRECONDITION_FAILED')
    const current = loser.json().current
    t.same(withoutClock(current), withoutClock((await tabA.read()).json()), 'the refusal carries the whole current state')
    t.equal(current.version, winner.json().version, 'which is the winner\'s')
    t.same(current.leaves.filter((leaf: { code: string }) => ['1.1.2', '1.1.3'].includes(leaf.code)), winner.json().leaves)
    const stored = await queryRows<{ leaf_code: string, points: number }>(app.db, sql`select leaf_code, points_milli as points from self_assessment_entries order by leaf_code`)
    const expected = winner === a ? [250, 500] : [750, 1000]
    t.same(stored.map((row) => row.points), expected, 'the stored state is the winner\'s, not a mix')
  }

  // A stale tab is refused even when its change alone would be valid, and can retry with the version it was given.
  const stale = await tabA.save([{ leafCode: '1.1.2', input: { value: 0.5 } }], '"1"')
  t.equal(stale.statusCode, 412)
  const retry = await tabA.save([{ leafCode: '1.1.2', input: { value: 0.5 } }], `W/"${stale.json().currentVersion}"`)
  t.equal(retry.statusCode, 200, 'a weak tag of the current version is accepted too')
})

t.test('a unit officer cannot see or touch another unit\'s self-assessment; viewers only read; admins read all; appraisers go through the appraisal routes', async (t) => {
  const { app, admin, round, unitId, officer, data } = await setup(t)
  const otherUnit = data.units.get('SO-TC')!
  const intruder = await loginAs(app, 'unit_officer', { unitId: otherUnit })
  const own = portal(app, officer, round.id, unitId)
  await own.read()
  t.equal((await own.save([{ leafCode: '1.1.2', input: { value: 1 } }])).statusCode, 200)

  const foreign = portal(app, intruder, round.id, unitId)
  const attempts = {
    read: await foreign.read(),
    save: await foreign.save([{ leafCode: '1.1.2', input: { value: 0 } }], '"1"'),
    submit: await foreign.post('submit', '"1"'),
    withdraw: await foreign.post('withdraw', '"1"')
  }
  for (const [name, response] of Object.entries(attempts)) {
    t.equal(response.statusCode, 404, `${name} of another unit's self-assessment is not found`)
  }
  const list = await app.inject({ method: 'GET', url: `/rounds/${round.id}/self-assessments`, headers: intruder.headers })
  t.same(list.json().map((line: { unit: { id: string } }) => line.unit.id), [otherUnit], 'the list shows only the officer\'s own unit')
  // An officer's line is summed over their unit alone; its figures are those of the same line in the whole list.
  const whole = (await app.inject({ method: 'GET', url: `/rounds/${round.id}/self-assessments`, headers: admin.headers })).json() as Array<{ unit: { id: string }, points: number }>
  const ownLine = (await app.inject({ method: 'GET', url: `/rounds/${round.id}/self-assessments`, headers: officer.headers })).json()
  t.equal(ownLine.length, 1)
  t.equal(ownLine[0].points, 1, 'the saved point counts on the officer\'s line')
  t.same(ownLine[0], whole.find((line) => line.unit.id === unitId), 'the officer\'s line has the same figures as in the admin\'s list')
  t.equal((await portal(app, intruder, round.id, otherUnit).read()).statusCode, 200, 'their own unit is fine')

  const appraiser = portal(app, await loginAs(app, 'appraiser'), round.id, unitId)
  t.equal((await appraiser.read()).statusCode, 403, 'an appraiser does not read whole self-assessments (only their fields, through the appraisal routes)')
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${round.id}/self-assessments`, headers: (await loginAs(app, 'appraiser')).headers })).statusCode, 403)
  for (const role of ['viewer', 'admin'] as const) {
    const reader = portal(app, await loginAs(app, role), round.id, unitId)
    const read = await reader.read()
    t.equal(read.statusCode, 200, `${role} reads`)
    t.equal(read.json().totals.points, 1)
    t.equal((await reader.save([{ leafCode: '1.1.2', input: { value: 0 } }])).statusCode, 403, `${role} cannot write`)
    t.equal((await reader.post('submit')).statusCode, 403)
  }
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${round.id}/self-assessments`, headers: admin.headers })).json().length, 20)

  // A unit that does not take part has no self-assessment in the round.
  const district = data.units.get('H-DONG-SON')!
  const outsider = await loginAs(app, 'unit_officer', { unitId: district })
  t.equal((await portal(app, outsider, round.id, district).read()).statusCode, 404)
})

t.test('writes are refused unless the round is in self-assessment; a started unit stays in the round', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const created = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '2020', title: 'x', year: 2020 } })
  const roundId = created.json().id
  const unitId = data.units.get('SO-TP')!
  await app.inject({ method: 'PUT', url: `/rounds/${roundId}/catalogs`, headers: admin.headers, payload: { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }] } })
  await app.inject({ method: 'PUT', url: `/rounds/${roundId}/participants`, headers: admin.headers, payload: { unitIds: [unitId] } })
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const unit = portal(app, officer, roundId, unitId)
  // Until it opens, the round does not exist for the unit's officer, whichever of its routes they ask; the admin reads it.
  const officerReads = [
    `/rounds/${roundId}`, `/rounds/${roundId}/units/${unitId}/self-assessment`, `/rounds/${roundId}/units/${unitId}/self-assessment/export`,
    `/rounds/${roundId}/self-assessments`, `/rounds/${roundId}/units/${unitId}/self-assessment/files`, `/rounds/${roundId}/supplement-requests`
  ]
  const answers = async (who: LoggedIn) => Promise.all(officerReads.map(async (url) => (await app.inject({ method: 'GET', url, headers: who.headers })).statusCode))
  t.same(await answers(officer), officerReads.map(() => 404), 'a draft round answers 404 to the officer')
  t.match((await unit.read()).json(), { code: 'NOT_FOUND', detail: 'No such round.' }, 'as a round that does not exist')
  t.same(await answers(admin), officerReads.map(() => 200), 'the admin reads the draft round')
  const early = await unit.save([{ leafCode: '1.1.2', input: { value: 1 } }], '*')
  t.equal(early.statusCode, 409)
  t.equal(early.json().code, 'SELF_ASSESSMENT_CLOSED')

  const now = Date.now()
  await app.inject({
    method: 'PATCH',
    url: `/rounds/${roundId}`,
    headers: admin.headers,
    payload: { selfAssessmentClosesAt: new Date(now + 86400_000).toISOString(), supplementClosesAt: new Date(now + 2 * 86400_000).toISOString(), appraisalClosesAt: new Date(now + 3 * 86400_000).toISOString() }
  })
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: admin.headers, payload: { to: 'self_assessment' } })).statusCode, 200)
  t.same(await answers(officer), officerReads.map(() => 200), 'once open, the officer reads it')
  await unit.read()
  t.equal((await unit.save([{ leafCode: '1.1.2', input: { value: 1 } }])).statusCode, 200)

  const remove = await app.inject({ method: 'DELETE', url: `/rounds/${roundId}/participants/${unitId}`, headers: admin.headers })
  t.equal(remove.statusCode, 409)
  t.equal(remove.json().code, 'ROUND_NOT_EDITABLE')
  t.match(remove.json().detail, /^Sở Tư pháp \(SO-TP\) has started its self-assessment/, 'the unit named by its name, in the singular')
  const backToDraft = await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: admin.headers, payload: { to: 'draft', reason: 'đổi bộ tiêu chí' } })
  t.equal(backToDraft.statusCode, 409, 'a round whose units have started cannot go back to draft')
  t.match(backToDraft.json(), { code: 'ROUND_NOT_READY', startedUnits: 1 })
})

t.test('a unit taking part in a round under way cannot be deactivated; removed from the round (or in a draft round) it can', async (t) => {
  const app = await buildTestApp(t)
  const { admin, data, round, unitId, officer, url } = await openRoundForOfficer(app)
  const deactivate = (id: string) => app.inject({ method: 'POST', url: `/units/${id}/deactivate`, headers: { ...admin.headers, 'accept-language': 'vi' } })
  const auditCount = async () => (await app.inject({ method: 'GET', url: `/audit?entityType=unit&entityId=${unitId}`, headers: admin.headers })).json().total

  const audited = await auditCount()
  const refused = await deactivate(unitId)
  t.equal(refused.statusCode, 409)
  t.match(refused.json(), { code: 'UNIT_IN_OPEN_ROUND', rounds: [{ code: round.code, status: 'self_assessment' }] })
  t.match(refused.json().detail, /^Sở Tư pháp \(SO-TP\) đang tham gia kỳ đánh giá chưa kết thúc: .*\(2020, Tự đánh giá\)/, 'names the unit and the round, in Vietnamese')
  t.equal((await app.inject({ method: 'GET', url: `/units/${unitId}`, headers: admin.headers })).json().active, true, 'the unit stays active')
  t.equal(await auditCount(), audited, 'nothing audited')
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '*' }, payload: { entries: [{ leafCode: '1.1.2', input: { value: 1 } }] } })).statusCode, 200, 'its officer goes on writing')

  const other = data.units.get('SO-TC') as string
  t.equal((await app.inject({ method: 'DELETE', url: `/rounds/${round.id}/participants/${other}`, headers: admin.headers })).statusCode, 200, 'a unit that has not started leaves the round')
  t.equal((await deactivate(other)).statusCode, 200, 'and can then be deactivated')

  const district = data.units.get('H-DONG-SON') as string
  const draft = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: 'NHAP', title: 'Kỳ nháp', year: 2021 } })
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${draft.json().id}/participants`, headers: admin.headers, payload: { unitIds: [district] } })).statusCode, 200)
  t.equal((await deactivate(district)).statusCode, 200, 'a draft round does not hold a unit back (its opening check names the inactive unit)')
})
