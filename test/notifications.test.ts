// Notifications end to end: a change in a service → a notification row in its transaction → the mail job → the
// e-mail read back from a real SMTP server; reminders from their scheduled jobs; the API of one's own notifications.
import t from 'tap'
import { sql } from 'drizzle-orm'
import { buildTestApp } from './helpers/app.js'
import { injectAs, loginAs, type LoggedIn } from './helpers/auth.js'
import { assertProblem } from './helpers/catalogs.js'
import { rawSql } from './helpers/results.js'
import { deadlinesFromNow, loadReferenceData, maxInput } from './helpers/rounds.js'
import { jobsConfig, startSmtp } from './helpers/smtp.js'

type App = Awaited<ReturnType<typeof buildTestApp>>
interface Leaf { code: string, fieldCode: string, maxPoints: number, evidence: string, scoring: any }

const HOUR = 3_600_000
const DAY = 24 * HOUR

async function jobsApp (t: Parameters<typeof buildTestApp>[0], smtpUrl?: string): Promise<App> {
  return buildTestApp(t, { config: jobsConfig(smtpUrl) })
}

async function withEmail (app: App, admin: LoggedIn, who: LoggedIn, email: string): Promise<void> {
  const response = await app.inject({ method: 'PATCH', url: `/users/${who.user.id}`, headers: admin.headers, payload: { email } })
  if (response.statusCode !== 200) throw new Error(response.body)
}

/** A draft round of one department (Sở Tư pháp) with both catalogs; opened by the caller. */
async function draftRound (app: App, admin: LoggedIn, data: Awaited<ReturnType<typeof loadReferenceData>>, unitCodes: string[], deadlines = deadlinesFromNow()) {
  const inject = injectAs(app)
  const created = await inject(admin, 'POST', '/rounds', { code: `R-${unitCodes.join('-')}`, title: 'Kỳ đánh giá Chỉ số CCHC năm 2020', year: 2020, ...deadlines })
  const id: string = created.json().id
  await inject(admin, 'PUT', `/rounds/${id}/catalogs`, { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }] })
  await inject(admin, 'PUT', `/rounds/${id}/participants`, { unitIds: unitCodes.map((code) => data.units.get(code)) })
  return id
}

t.test('each event of a round reaches its recipients in the app and by e-mail', async (t) => {
  const smtp = await startSmtp(t)
  const app = await jobsApp(t, smtp.url)
  const inject = injectAs(app)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const unitId = data.units.get('SO-TP')!
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const otherOfficer = await loginAs(app, 'unit_officer', { unitId: data.units.get('SO-TC')! })
  const appraiser = await loginAs(app, 'appraiser')
  const unassigned = await loginAs(app, 'appraiser')
  await withEmail(app, admin, officer, 'sotuphap@thanhhoa.gov.vn')
  await withEmail(app, admin, otherOfficer, 'sotaichinh@thanhhoa.gov.vn')
  await withEmail(app, admin, appraiser, 'thamdinh@thanhhoa.gov.vn')
  await withEmail(app, admin, unassigned, 'thamdinh-khac@thanhhoa.gov.vn')
  const roundId = await draftRound(app, admin, data, ['SO-TP'])

  /** Runs the mail job now and answers the e-mails that arrived for the address since the last look. */
  const seen = new Map<string, number>()
  const newMailsTo = async (address: string) => {
    const run = await app.jobs.run('mail')
    t.equal(run.state, 'completed')
    const all = smtp.mailsTo(address)
    const fresh = all.slice(seen.get(address) ?? 0)
    seen.set(address, all.length)
    return fresh
  }
  const latest = async (who: LoggedIn) => (await inject(who, 'GET', '/me/notifications?limit=1')).json().items[0]

  await t.test('round opened: the unit officers, with their deadline in Vietnam\'s time and a link into the app', async (t) => {
    const deadline = new Date('2031-03-15T10:00:00Z').toISOString()
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: deadline, supplementClosesAt: '2031-04-15T10:00:00Z', appraisalClosesAt: '2031-05-15T10:00:00Z' })).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'self_assessment' })).statusCode, 200)
    t.match(await latest(officer), { kind: 'round_opened', title: 'Mở kỳ tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2020', readAt: null, roundId, unitId })
    t.equal((await inject(otherOfficer, 'GET', '/me/notifications')).json().total, 0, 'a unit not taking part hears nothing')
    const [mail, ...more] = await newMailsTo('sotuphap@thanhhoa.gov.vn')
    t.same(more, [])
    t.equal(mail!.subject, 'Mở kỳ tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2020')
    t.equal(mail!.from, 'cchc@thanhhoa.gov.vn')
    t.match(mail!.text, 'Sở Tư pháp')
    t.match(mail!.text, 'Hạn: 17:00 ngày 15/03/2031 (giờ Việt Nam)')
    t.match(mail!.text, `https://chamdiem.thanhhoa.gov.vn/admin/rounds/${roundId}/units/${unitId}/self-assessment`)
    const deliveries = await rawSql(app, 'select status, attempts, sent_at is not null as sent from mail_deliveries')
    t.same(deliveries, [{ status: 'sent', attempts: 1, sent: true }], 'every send is recorded with its status')
  })

  let leaves: Leaf[] = []
  await t.test('self-assessment submitted: the appraisers assigned to the unit\'s type, not others', async (t) => {
    const assigned = await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, {
      assignments: ['1', '2', '3', '4', '5', '6', '7'].map((fieldCode) => ({ unitType: 'department', fieldCode, userId: appraiser.user.id }))
    })
    t.equal(assigned.statusCode, 200)
    const url = `/rounds/${roundId}/units/${unitId}/self-assessment`
    const read = await inject(officer, 'GET', url)
    leaves = read.json().leaves
    const entries = leaves.map((leaf) => ({ leafCode: leaf.code, input: maxInput(leaf), ...(leaf.evidence === 'required' ? { explanation: `Minh chứng ${leaf.code}` } : {}) }))
    t.equal((await inject(officer, 'PATCH', url, { entries }, { 'if-match': read.headers.etag as string })).statusCode, 200)
    t.equal((await inject(officer, 'POST', `${url}/submit`, undefined, { 'if-match': '*' })).statusCode, 200)
    t.match(await latest(appraiser), { kind: 'self_assessment_submitted', title: 'Sở Tư pháp đã nộp bản tự đánh giá', link: `/rounds/${roundId}/units/${unitId}/appraisal` })
    t.equal((await inject(unassigned, 'GET', '/me/notifications')).json().total, 0)
    const [mail] = await newMailsTo('thamdinh@thanhhoa.gov.vn')
    t.equal(mail?.subject, 'Sở Tư pháp đã nộp bản tự đánh giá')
    t.same(await newMailsTo('thamdinh-khac@thanhhoa.gov.vn'), [])
    // Taken back to edit: the same appraisers learn they cannot read it until it is submitted again.
    t.equal((await inject(officer, 'POST', `${url}/withdraw`, undefined, { 'if-match': '*' })).statusCode, 200)
    t.match(await latest(appraiser), { kind: 'self_assessment_withdrawn', title: 'Sở Tư pháp đã rút bản tự đánh giá để sửa', body: /xem lại được khi đơn vị nộp lại/, link: '/appraisal' })
    t.equal((await inject(unassigned, 'GET', '/me/notifications')).json().total, 0)
    t.equal((await inject(officer, 'POST', `${url}/submit`, undefined, { 'if-match': '*' })).statusCode, 200)
    t.same((await newMailsTo('thamdinh@thanhhoa.gov.vn')).map((mail: { subject?: string }) => mail.subject).sort(),
      ['Sở Tư pháp đã nộp bản tự đánh giá', 'Sở Tư pháp đã rút bản tự đánh giá để sửa'])
  })

  await t.test('a rolled-back change notifies no one', async (t) => {
    const before = (await inject(appraiser, 'GET', '/me/notifications')).json().total
    // Submitting again fails (already submitted) inside its transaction.
    t.equal((await inject(officer, 'POST', `/rounds/${roundId}/units/${unitId}/self-assessment/submit`, undefined, { 'if-match': '*' })).statusCode, 409)
    t.equal((await inject(appraiser, 'GET', '/me/notifications')).json().total, before)
  })

  await t.test('supplement requested, answered, closed; opt-out stops the e-mail, not the notification', async (t) => {
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() })).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 200)
    t.same((await newMailsTo('sotuphap@thanhhoa.gov.vn')).map((mail) => mail.subject), ['Đổi hạn tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2020'], 'closing self-assessment early is told to the unit')
    const created = await inject(appraiser, 'POST', `/rounds/${roundId}/units/${unitId}/supplement-requests`, { leafCodes: ['1.1.1'], reason: 'Thiếu kế hoạch CCHC', dueAt: new Date(Date.now() + 5 * DAY).toISOString() })
    t.equal(created.statusCode, 201)
    t.match(await latest(officer), { kind: 'supplement_requested', title: 'Yêu cầu bổ sung tài liệu (tiêu chí 1.1.1)' })
    const [requested] = await newMailsTo('sotuphap@thanhhoa.gov.vn')
    t.match(requested?.text, /Lý do: Thiếu kế hoạch CCHC\. Hạn: /, 'the reason typed without a full stop ends as a sentence before the due date')

    t.equal((await inject(appraiser, 'PUT', '/me/notification-preferences', { emailOptOuts: ['supplement_answered'] })).statusCode, 200)
    t.equal((await inject(officer, 'POST', `/supplement-requests/${created.json().id}/answer`, { answer: 'Đã bổ sung' })).statusCode, 200)
    t.match(await latest(appraiser), { kind: 'supplement_answered' })
    t.same(await newMailsTo('thamdinh@thanhhoa.gov.vn'), [], 'opted out of this kind: no e-mail')

    t.equal((await inject(appraiser, 'POST', `/supplement-requests/${created.json().id}/close`, { comment: 'Đạt' })).statusCode, 200)
    t.match(await latest(officer), { kind: 'supplement_closed' })
    t.equal((await newMailsTo('sotuphap@thanhhoa.gov.vn'))[0]?.subject, 'Yêu cầu bổ sung đã đóng (tiêu chí 1.1.1)')
  })

  await t.test('a supplement request past its due date expires by the job and tells the unit and the appraiser', async (t) => {
    const created = await inject(appraiser, 'POST', `/rounds/${roundId}/units/${unitId}/supplement-requests`, { leafCodes: ['1.1.2'], reason: 'Thiếu', dueAt: new Date(Date.now() + 12 * HOUR).toISOString() })
    await newMailsTo('sotuphap@thanhhoa.gov.vn')
    t.equal((await app.jobs.run('supplement-reminders')).state, 'completed')
    t.match(await latest(officer), { kind: 'supplement_due_soon' })
    await app.jobs.run('supplement-reminders')
    t.equal((await inject(officer, 'GET', '/me/notifications?unread=true')).json().items.filter((n: { kind: string }) => n.kind === 'supplement_due_soon').length, 1, 'reminded once')
    t.equal((await newMailsTo('sotuphap@thanhhoa.gov.vn'))[0]?.subject, 'Sắp hết hạn bổ sung tài liệu (tiêu chí 1.1.2)')
    await app.db.execute(sql`update supplement_requests set due_at = now() - interval '1 minute' where id = ${created.json().id}`)
    t.equal((await app.jobs.run('supplement-reminders')).state, 'completed')
    t.match(await latest(officer), { kind: 'supplement_expired' })
    t.match(await latest(appraiser), { kind: 'supplement_expired' })
    t.equal((await newMailsTo('thamdinh@thanhhoa.gov.vn'))[0]?.subject, 'Yêu cầu bổ sung đã hết hạn (tiêu chí 1.1.2)')
    t.same((await newMailsTo('sotuphap@thanhhoa.gov.vn')).map((mail) => mail.subject), ['Yêu cầu bổ sung đã hết hạn (tiêu chí 1.1.2)'])
  })

  await t.test('appraisal finalized and reopened; results published to every participant', async (t) => {
    const url = `/rounds/${roundId}/units/${unitId}/appraisal`
    const read = await inject(appraiser, 'GET', url)
    t.equal((await inject(appraiser, 'POST', `${url}/accept-self`, { leafCodes: leaves.map((leaf) => leaf.code) }, { 'if-match': read.headers.etag as string })).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)).statusCode, 200)
    t.match(await latest(officer), { kind: 'appraisal_finalized', title: 'Đã chốt kết quả thẩm định của Sở Tư pháp' })
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/reopen`, { reason: 'Soát lại lĩnh vực 1' })).statusCode, 200)
    t.match(await latest(officer), { kind: 'appraisal_reopened', body: /Lý do: Soát lại lĩnh vực 1/ })
    const mails = await newMailsTo('sotuphap@thanhhoa.gov.vn')
    t.same(mails.map((mail) => mail.subject), ['Đã chốt kết quả thẩm định của Sở Tư pháp', 'Mở lại thẩm định của Sở Tư pháp'])
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'finalized' })).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/results/publish`, { unitType: 'department' })).statusCode, 201)
    t.match(await latest(officer), { kind: 'results_published', link: `/my-unit/results/${roundId}` })
    t.match(await latest(appraiser), { kind: 'results_published', link: '/results' })
    t.equal((await inject(unassigned, 'GET', '/me/notifications')).json().total, 0, 'an appraiser without assignments in the round took no part')
    t.match((await newMailsTo('sotuphap@thanhhoa.gov.vn')).map((mail) => mail.subject), ['Đã chốt kết quả thẩm định của Sở Tư pháp', 'Công bố kết quả: Kỳ đánh giá Chỉ số CCHC năm 2020'])
  })

  await t.test('the settings list the kinds of the user\'s role, and every kind a user was sent is among them', async (t) => {
    const kindsOf = async (user: Parameters<typeof inject>[0]) => (await inject(user, 'GET', '/me/notification-preferences')).json().kinds as string[]
    const officerKinds = await kindsOf(officer)
    const appraiserKinds = await kindsOf(appraiser)
    t.ok(officerKinds.includes('round_opened') && !officerKinds.includes('self_assessment_submitted'), `an officer's: ${officerKinds.join(', ')}`)
    t.ok(appraiserKinds.includes('self_assessment_submitted') && !appraiserKinds.includes('round_opened'), `an appraiser's: ${appraiserKinds.join(', ')}`)
    t.same(await kindsOf(admin), ['webhook_disabled'], 'an admin hears of a webhook endpoint disabled')
    for (const [user, kinds] of [[officer, officerKinds], [appraiser, appraiserKinds]] as const) {
      const sent = (await inject(user, 'GET', '/me/notifications?limit=100')).json().items.map((item: { kind: string }) => item.kind) as string[]
      t.ok(sent.length >= 4, `${sent.length} sent`)
      t.same([...new Set(sent)].filter((kind) => !kinds.includes(kind)), [], 'no kind was sent that the settings leave out')
    }
  })

  await t.test('each user reads and marks only their own notifications', async (t) => {
    const mine = (await inject(officer, 'GET', '/me/notifications')).json()
    t.ok(mine.unread > 0)
    const id: string = mine.items[0].id
    assertProblem(t, await inject(otherOfficer, 'POST', `/me/notifications/${id}/read`), 404, 'NOT_FOUND')
    t.same((await inject(otherOfficer, 'POST', '/me/notifications/read', { ids: [id] })).json(), { marked: 0, unread: 0 })
    t.equal((await inject(admin, 'GET', '/me/notifications')).json().total, 0, 'an admin reads only their own too')
    t.equal((await inject(officer, 'GET', '/me/notifications')).json().unread, mine.unread, 'nothing of it was marked')
    t.match((await inject(officer, 'POST', `/me/notifications/${id}/read`)).json(), { id, readAt: String })
    const page = (await inject(officer, 'GET', `/me/notifications?limit=${mine.total}`)).json()
    t.equal(page.items[page.items.length - 1].id, id, 'read ones come after the unread')
    t.same((await inject(officer, 'POST', '/me/notifications/read', {})).json(), { marked: mine.unread - 1, unread: 0 })
    t.match((await inject(officer, 'GET', '/me/notification-preferences')).json(), { email: 'sotuphap@thanhhoa.gov.vn', emailOptOuts: [] })
    assertProblem(t, await inject(officer, 'PUT', '/me/notification-preferences', { emailOptOuts: ['nonsense'] }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await app.inject({ method: 'GET', url: '/me/notifications' }), 401, 'UNAUTHENTICATED')
  })

  await t.test('a user sets their own e-mail address with their preferences, audited; nobody else\'s', async (t) => {
    const invalid = assertProblem(t, await inject(otherOfficer, 'PUT', '/me/notification-preferences', { emailOptOuts: [], email: 'không phải địa chỉ' }), 400, 'VALIDATION_FAILED')
    t.match(JSON.stringify(invalid.errors), /email/, 'the field is named')
    const set = await inject(otherOfficer, 'PUT', '/me/notification-preferences', { emailOptOuts: ['round_opened'], email: 'vanphong@thanhhoa.gov.vn' })
    t.equal(set.statusCode, 200)
    t.match(set.json(), { email: 'vanphong@thanhhoa.gov.vn', emailOptOuts: ['round_opened'] })
    t.equal((await inject(admin, 'GET', `/users/${otherOfficer.user.id}`)).json().email, 'vanphong@thanhhoa.gov.vn', 'the account holds it')
    t.match((await inject(officer, 'GET', '/me/notification-preferences')).json(), { email: 'sotuphap@thanhhoa.gov.vn' }, 'another user\'s is untouched')
    const audit = (await inject(admin, 'GET', `/audit?entityType=user&entityId=${otherOfficer.user.id}`)).json()
    t.match(audit.items[0], { action: 'user.update', before: { email: 'sotaichinh@thanhhoa.gov.vn' }, after: { email: 'vanphong@thanhhoa.gov.vn' } })
    t.match((await inject(otherOfficer, 'PUT', '/me/notification-preferences', { emailOptOuts: [], email: null })).json(), { email: null, emailOptOuts: [] }, 'null takes it away')
    t.match((await inject(otherOfficer, 'PUT', '/me/notification-preferences', { emailOptOuts: [] })).json(), { email: null }, 'absent leaves it as it is')
  })

  await t.test('GET /jobs shows each queue\'s last run and the e-mails by status (admins only)', async (t) => {
    const summary = await inject(admin, 'GET', '/jobs')
    t.equal(summary.statusCode, 200)
    t.equal(summary.json().running, true)
    t.match(summary.json().queues.find((q: { name: string }) => q.name === 'mail'), { failed: 0, lastCompletedAt: String }, 'its schedule is in jobs.test.ts')
    t.match(summary.json().mail, { pending: 0, failed: 0 })
    t.ok(summary.json().mail.sent >= 10)
    assertProblem(t, await inject(officer, 'GET', '/jobs'), 403, 'FORBIDDEN')
  })
})

t.test('deadline reminders: 7, 3 and 1 day before each unit\'s own deadline, once each, extensions respected, not after submitting', async (t) => {
  const smtp = await startSmtp(t)
  const app = await jobsApp(t, smtp.url)
  const inject = injectAs(app)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const officers = new Map<string, LoggedIn>()
  for (const code of ['SO-TP', 'SO-TC', 'SO-NV']) {
    const officer = await loginAs(app, 'unit_officer', { unitId: data.units.get(code)! })
    await withEmail(app, admin, officer, `${code.toLowerCase()}@thanhhoa.gov.vn`)
    officers.set(code, officer)
  }
  const roundId = await draftRound(app, admin, data, ['SO-TP', 'SO-TC', 'SO-NV'], deadlinesFromNow(2.5))
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'self_assessment' })).statusCode, 200)
  // Sở Tài chính has ten more days; Sở Nội vụ moves its deadline-free round on by submitting (stood in by the row).
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${data.units.get('SO-TC')}/extension`, { until: new Date(Date.now() + 10 * DAY).toISOString(), reason: 'Sáp nhập' })).statusCode, 200)
  await app.db.execute(sql`insert into self_assessments (round_id, unit_id, catalog_id, status, submitted_at) values (${roundId}, ${data.units.get('SO-NV')}, ${data.catalogs.department}, 'submitted', now())`)

  const reminders = async (code: string) => (await inject(officers.get(code)!, 'GET', '/me/notifications')).json().items.filter((n: { kind: string }) => n.kind === 'deadline_reminder')
  t.equal((await app.jobs.run('deadline-reminders')).state, 'completed')
  t.match(await reminders('SO-TP'), [{ title: 'Còn 3 ngày đến hạn tự đánh giá' }])
  t.same(await reminders('SO-TC'), [], 'the extension puts its deadline 10 days away')
  t.same(await reminders('SO-NV'), [], 'submitted')
  await app.jobs.run('deadline-reminders')
  t.equal((await reminders('SO-TP')).length, 1, 'the job running again sends no second one')
  await app.db.execute(sql`update rounds set self_assessment_closes_at = now() + interval '20 hours' where id = ${roundId}`)
  await app.jobs.run('deadline-reminders')
  t.match(await reminders('SO-TP'), [{ title: 'Còn 1 ngày đến hạn tự đánh giá' }, { title: 'Còn 3 ngày đến hạn tự đánh giá' }])
  await app.jobs.run('mail')
  t.same(smtp.mailsTo('so-tp@thanhhoa.gov.vn').map((mail) => mail.subject), ['Mở kỳ tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2020', 'Còn 3 ngày đến hạn tự đánh giá', 'Còn 1 ngày đến hạn tự đánh giá'])
  const extended = smtp.mailsTo('so-tc@thanhhoa.gov.vn').map((mail) => mail.subject)
  t.equal(extended.length, 2, 'no reminder: the round opening and the extension only')
  t.match(extended, ['Mở kỳ tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2020', /^Gia hạn tự đánh giá đến /])
})

t.test('appraisal reminders: to appraisers with leaves of their fields still unappraised, 3 and 1 day before the appraisal deadline, once each', async (t) => {
  const smtp = await startSmtp(t)
  const app = await jobsApp(t, smtp.url)
  const inject = injectAs(app)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const [busy, elsewhere] = [await loginAs(app, 'appraiser'), await loginAs(app, 'appraiser')]
  await withEmail(app, admin, busy, 'thamdinh@thanhhoa.gov.vn')
  const roundId = await draftRound(app, admin, data, ['SO-TP', 'SO-TC'])
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'self_assessment' })).statusCode, 200)
  // Stood in by the rows: the round in appraisal, due in two and a half days; one appraiser has field 1 of the
  // departments (nothing appraised yet), the other a field of the districts, which have no unit in this round.
  await app.db.execute(sql`update rounds set status = 'appraisal', self_assessment_closes_at = now() - interval '2 days',
    supplement_closes_at = now() - interval '1 day', appraisal_closes_at = now() + interval '60 hours' where id = ${roundId}`)
  await app.db.execute(sql`insert into appraisal_assignments (round_id, unit_type_code, field_code, user_id) values
    (${roundId}, 'department', '1', ${busy.user.id}), (${roundId}, 'district', '1', ${elsewhere.user.id})`)

  const reminders = async (who: LoggedIn) => (await inject(who, 'GET', '/me/notifications')).json().items.filter((n: { kind: string }) => n.kind === 'appraisal_deadline_reminder')
  t.equal((await app.jobs.run('appraisal-reminders')).state, 'completed')
  t.match(await reminders(busy), [{ title: 'Còn 3 ngày đến hạn thẩm định', body: /còn 2 đơn vị có tiêu chí/ }])
  t.same(await reminders(elsewhere), [], 'no unit of their unit type takes part')
  await app.jobs.run('appraisal-reminders')
  t.equal((await reminders(busy)).length, 1, 'the job running again sends no second one')
  await app.db.execute(sql`update rounds set appraisal_closes_at = now() + interval '20 hours' where id = ${roundId}`)
  await app.jobs.run('appraisal-reminders')
  t.match(await reminders(busy), [{ title: 'Còn 1 ngày đến hạn thẩm định' }, { title: 'Còn 3 ngày đến hạn thẩm định' }])
  await app.jobs.run('mail')
  t.same(smtp.mailsTo('thamdinh@thanhhoa.gov.vn').map((mail) => mail.subject), ['Còn 3 ngày đến hạn thẩm định', 'Còn 1 ngày đến hạn thẩm định'])
})
