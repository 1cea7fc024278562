// Deadlines moved after a round opens are told to whoever works to them: a unit's extension and the round's
// self-assessment deadline to the units' officers, the supplement deadline to units with a request open, the appraisal
// deadline to the assigned appraisers; in the app and by e-mail, in the transaction of the change (a refusal tells no one).
import t, { type Test } from 'tap'
import { buildTestApp } from './helpers/app.js'
import { injectAs, loginAs, type LoggedIn } from './helpers/auth.js'
import { loadReferenceData } from './helpers/rounds.js'
import { jobsConfig, startSmtp } from './helpers/smtp.js'

interface Notice { kind: string, title: string, body: string, link: string, roundId: string, unitId: string | null }

t.test('deadline changes and extensions reach the officers and appraisers they concern, and only them', async (t) => {
  const smtp = await startSmtp(t)
  const app = await buildTestApp(t, { config: jobsConfig(smtp.url) })
  const inject = injectAs(app)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const justiceId = data.units.get('SO-TP')!
  const financeId = data.units.get('SO-TC')!
  const justice = await loginAs(app, 'unit_officer', { unitId: justiceId })
  const finance = await loginAs(app, 'unit_officer', { unitId: financeId })
  const outsider = await loginAs(app, 'unit_officer', { unitId: data.units.get('SO-KHCN')! })
  const appraiser = await loginAs(app, 'appraiser')
  const unassigned = await loginAs(app, 'appraiser')
  const email = async (who: LoggedIn, address: string) => {
    t.equal((await inject(admin, 'PATCH', `/users/${who.user.id}`, { email: address })).statusCode, 200)
  }
  await email(justice, 'sotuphap@thanhhoa.gov.vn')
  await email(appraiser, 'thamdinh@thanhhoa.gov.vn')

  /** Everything each user was sent since the last look, oldest first. */
  const everyone = { justice, finance, outsider, appraiser, unassigned, admin }
  const seen = new Map<string, number>()
  const fresh = async (who: LoggedIn): Promise<Notice[]> => {
    const all = ((await inject(who, 'GET', '/me/notifications?limit=100')).json().items as (Notice & { createdAt: string })[]).reverse()
    const since = all.slice(seen.get(who.user.id) ?? 0)
    seen.set(who.user.id, all.length)
    return since
  }
  const freshForAll = async () => Object.fromEntries(await Promise.all(Object.entries(everyone).map(async ([name, who]) => [name, await fresh(who)] as const))) as Record<keyof typeof everyone, Notice[]>
  const nobodyElse = (t: Test, news: Record<string, Notice[]>, who: string[], what: string) => {
    for (const [name, items] of Object.entries(news)) if (!who.includes(name)) t.same(items.map((item) => item.kind), [], `${name} hears nothing of ${what}`)
  }
  const mailsSeen = new Map<string, number>()
  const newMailsTo = async (address: string) => {
    t.equal((await app.jobs.run('mail')).state, 'completed')
    const all = smtp.mailsTo(address)
    const since = all.slice(mailsSeen.get(address) ?? 0)
    mailsSeen.set(address, all.length)
    return since
  }

  const created = await inject(admin, 'POST', '/rounds', {
    code: 'R-2031',
    title: 'Kỳ đánh giá Chỉ số CCHC năm 2031',
    year: 2031,
    selfAssessmentClosesAt: '2031-03-15T10:00:00Z',
    supplementClosesAt: '2031-04-15T10:00:00Z',
    appraisalClosesAt: '2031-05-15T10:00:00Z'
  })
  const roundId: string = created.json().id
  await inject(admin, 'PUT', `/rounds/${roundId}/catalogs`, { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }] })
  await inject(admin, 'PUT', `/rounds/${roundId}/participants`, { unitIds: [justiceId, financeId] })
  t.equal((await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, {
    assignments: ['1', '2', '3', '4', '5', '6', '7'].map((fieldCode) => ({ unitType: 'department', fieldCode, userId: appraiser.user.id }))
  })).statusCode, 200)

  await t.test('in a draft nothing is told: the opening tells each unit its deadline', async (t) => {
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: '2031-03-14T10:00:00Z', appraisalClosesAt: '2031-05-14T10:00:00Z' })).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${justiceId}/extension`, { until: '2031-03-16T10:00:00Z', reason: 'Thử' })).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${justiceId}/extension`, { until: null, reason: 'Thử xong' })).statusCode, 200)
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: '2031-03-15T10:00:00Z', appraisalClosesAt: '2031-05-15T10:00:00Z' })).statusCode, 200)
    nobodyElse(t, await freshForAll(), [], 'a draft')
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'self_assessment' })).statusCode, 200)
    const news = await freshForAll()
    t.match(news.justice, [{ kind: 'round_opened', body: /Hạn: 17:00 ngày 15\/03\/2031 \(giờ Việt Nam\)/ }])
    t.match(news.finance, [{ kind: 'round_opened' }])
    await newMailsTo('sotuphap@thanhhoa.gov.vn')
  })

  await t.test('an extension: the unit\'s officers, with the new deadline in Vietnam\'s time and the reason', async (t) => {
    const granted = await inject(admin, 'POST', `/rounds/${roundId}/units/${justiceId}/extension`, { until: '2031-03-20T03:30:00Z', reason: 'Đơn vị sáp nhập phòng chuyên môn' })
    t.equal(granted.statusCode, 200)
    const news = await freshForAll()
    t.same(news.justice, [{
      ...news.justice[0],
      kind: 'self_assessment_extension',
      title: 'Gia hạn tự đánh giá đến 10:30 ngày 20/03/2031 (giờ Việt Nam)',
      body: 'Sở Nội vụ đã gia hạn tự đánh giá cho Sở Tư pháp trong Kỳ đánh giá Chỉ số CCHC năm 2031. Hạn mới: 10:30 ngày 20/03/2031 (giờ Việt Nam); ' +
        'hạn trước đây: 17:00 ngày 15/03/2031 (giờ Việt Nam). Lý do: Đơn vị sáp nhập phòng chuyên môn.',
      link: `/rounds/${roundId}/units/${justiceId}/self-assessment`,
      roundId,
      unitId: justiceId
    }])
    nobodyElse(t, news, ['justice'], 'another unit\'s extension')
    const [mail, ...more] = await newMailsTo('sotuphap@thanhhoa.gov.vn')
    t.same(more, [])
    t.equal(mail?.subject, 'Gia hạn tự đánh giá đến 10:30 ngày 20/03/2031 (giờ Việt Nam)')
    t.match(mail?.text, 'Lý do: Đơn vị sáp nhập phòng chuyên môn.')
  })

  await t.test('an extension refused tells no one', async (t) => {
    const refused = await inject(admin, 'POST', `/rounds/${roundId}/units/${justiceId}/extension`, { until: '2031-03-10T10:00:00Z', reason: 'Trước hạn chung' })
    t.equal(refused.statusCode, 400)
    nobodyElse(t, await freshForAll(), [], 'an extension refused')
    t.same(await newMailsTo('sotuphap@thanhhoa.gov.vn'), [])
  })

  await t.test('the round\'s self-assessment deadline moved: each unit whose own deadline moves, with it', async (t) => {
    // Still before Sở Tư pháp's extension: its deadline does not move, Sở Tài chính's does.
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: '2031-03-18T10:00:00Z' })).statusCode, 200)
    let news = await freshForAll()
    t.match(news.finance, [{
      kind: 'self_assessment_deadline_changed',
      title: 'Đổi hạn tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2031',
      body: 'Sở Nội vụ đã đổi hạn tự đánh giá của Sở Tài chính trong Kỳ đánh giá Chỉ số CCHC năm 2031. Hạn mới: 17:00 ngày 18/03/2031 (giờ Việt Nam); ' +
        'hạn trước đây: 17:00 ngày 15/03/2031 (giờ Việt Nam).',
      unitId: financeId
    }])
    t.equal(news.finance.length, 1)
    nobodyElse(t, news, ['finance'], 'a deadline that is not theirs (an extension runs past it, or not taking part)')

    // Past the extension: both units' deadlines move; Sở Tư pháp's from its extension.
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: '2031-03-25T10:00:00Z' })).statusCode, 200)
    news = await freshForAll()
    t.match(news.justice, [{ kind: 'self_assessment_deadline_changed', body: /Hạn mới: 17:00 ngày 25\/03\/2031 \(giờ Việt Nam\); hạn trước đây: 10:30 ngày 20\/03\/2031/ }])
    t.match(news.finance, [{ kind: 'self_assessment_deadline_changed', body: /Hạn mới: 17:00 ngày 25\/03\/2031 \(giờ Việt Nam\); hạn trước đây: 17:00 ngày 18\/03\/2031/ }])
    t.equal(news.justice.length + news.finance.length, 2)
    nobodyElse(t, news, ['justice', 'finance'], 'the self-assessment deadline')
    t.match((await newMailsTo('sotuphap@thanhhoa.gov.vn')).map((mail) => mail.subject), ['Đổi hạn tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2031'])

    // The same deadline sent again, or only the title changed: nothing moved.
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: '2031-03-25T17:00:00+07:00', title: 'Kỳ đánh giá Chỉ số CCHC năm 2031' })).statusCode, 200)
    nobodyElse(t, await freshForAll(), [], 'a deadline sent again unchanged')
  })

  await t.test('a deadline change refused tells no one', async (t) => {
    // After the supplement deadline: out of order, refused.
    const refused = await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: '2031-04-20T10:00:00Z' })
    t.equal(refused.statusCode, 400)
    const stale = await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: '2031-03-26T10:00:00Z', appraisalClosesAt: '2031-05-20T10:00:00Z' }, { 'if-match': '"0"' })
    t.equal(stale.statusCode, 412)
    nobodyElse(t, await freshForAll(), [], 'a refused change')
  })

  await t.test('an extension taken back: the unit hears its deadline is the round\'s again, with the reason', async (t) => {
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${financeId}/extension`, { until: '2031-03-28T10:00:00Z', reason: 'Chờ ý kiến lãnh đạo' })).statusCode, 200)
    t.match(await fresh(finance), [{ kind: 'self_assessment_extension', title: 'Gia hạn tự đánh giá đến 17:00 ngày 28/03/2031 (giờ Việt Nam)' }])
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${financeId}/extension`, { until: null, reason: 'Đơn vị đã nộp đủ' })).statusCode, 200)
    const news = await freshForAll()
    t.match(news.finance, [{
      kind: 'self_assessment_extension',
      title: 'Hủy gia hạn tự đánh giá: Kỳ đánh giá Chỉ số CCHC năm 2031',
      body: 'Sở Nội vụ đã hủy gia hạn tự đánh giá của Sở Tài chính trong Kỳ đánh giá Chỉ số CCHC năm 2031; hạn của đơn vị trở lại hạn chung của kỳ. ' +
        'Hạn mới: 17:00 ngày 25/03/2031 (giờ Việt Nam); hạn trước đây: 17:00 ngày 28/03/2031 (giờ Việt Nam). Lý do: Đơn vị đã nộp đủ.'
    }])
    t.equal(news.finance.length, 1)
    nobodyElse(t, news, ['finance'], 'another unit\'s extension taken back')
    // Sở Tư pháp's extension ended before the round's deadline now: taking it back moves nothing, and tells nothing.
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${justiceId}/extension`, { until: null, reason: 'Không còn cần' })).statusCode, 200)
    nobodyElse(t, await freshForAll(), [], 'an extension taken back that moved no deadline')
  })

  await t.test('the appraisal deadline moved: the appraisers assigned in the round', async (t) => {
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { appraisalClosesAt: '2031-05-20T03:00:00Z' })).statusCode, 200)
    const news = await freshForAll()
    t.same(news.appraiser.map(({ kind, title, body, link, unitId }) => ({ kind, title, body, link, unitId })), [{
      kind: 'appraisal_deadline_changed',
      title: 'Đổi hạn thẩm định: Kỳ đánh giá Chỉ số CCHC năm 2031',
      body: 'Sở Nội vụ đã đổi hạn thẩm định của Kỳ đánh giá Chỉ số CCHC năm 2031. Hạn mới: 10:00 ngày 20/05/2031 (giờ Việt Nam); hạn trước đây: 17:00 ngày 15/05/2031 (giờ Việt Nam).',
      link: '/appraisal',
      unitId: null
    }])
    nobodyElse(t, news, ['appraiser'], 'the appraisal deadline')
    t.same((await newMailsTo('thamdinh@thanhhoa.gov.vn')).map((mail) => mail.subject), ['Đổi hạn thẩm định: Kỳ đánh giá Chỉ số CCHC năm 2031'])
  })

  await t.test('the supplement deadline moved during appraisal: the units with a request open, with when theirs is due', async (t) => {
    // Self-assessment closes now (the units hear it), and the round moves to appraisal.
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() })).statusCode, 200)
    t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 200)
    await freshForAll()
    await newMailsTo('sotuphap@thanhhoa.gov.vn')
    t.equal((await inject(appraiser, 'POST', `/rounds/${roundId}/units/${justiceId}/supplement-requests`, { leafCodes: ['1.1.1'], reason: 'Thiếu kế hoạch', dueAt: '2031-04-10T10:00:00Z' })).statusCode, 201)
    await fresh(justice)
    await newMailsTo('sotuphap@thanhhoa.gov.vn')

    // Self-assessment is over: moving its deadline now tells no unit.
    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { selfAssessmentClosesAt: new Date(Date.now() - 120_000).toISOString() })).statusCode, 200)
    nobodyElse(t, await freshForAll(), [], 'a self-assessment deadline moved after self-assessment')

    t.equal((await inject(admin, 'PATCH', `/rounds/${roundId}`, { supplementClosesAt: '2031-04-05T01:00:00Z' })).statusCode, 200)
    const news = await freshForAll()
    t.same(news.justice.map(({ kind, title, body, unitId }) => ({ kind, title, body, unitId })), [{
      kind: 'supplement_deadline_changed',
      title: 'Đổi hạn trả lời yêu cầu bổ sung: Kỳ đánh giá Chỉ số CCHC năm 2031',
      body: 'Sở Nội vụ đã đổi hạn trả lời yêu cầu bổ sung của Kỳ đánh giá Chỉ số CCHC năm 2031. Hạn mới: 08:00 ngày 05/04/2031 (giờ Việt Nam); ' +
        'hạn trước đây: 17:00 ngày 15/04/2031 (giờ Việt Nam). Yêu cầu bổ sung đang mở của Sở Tư pháp cần được trả lời trước 08:00 ngày 05/04/2031 (giờ Việt Nam).',
      unitId: justiceId
    }])
    nobodyElse(t, news, ['justice'], 'the supplement deadline without a request open')
    t.same((await newMailsTo('sotuphap@thanhhoa.gov.vn')).map((mail) => mail.subject), ['Đổi hạn trả lời yêu cầu bổ sung: Kỳ đánh giá Chỉ số CCHC năm 2031'])
  })

  await t.test('the settings list the new kinds for the roles that receive them', async (t) => {
    const kindsOf = async (who: LoggedIn) => (await inject(who, 'GET', '/me/notification-preferences')).json().kinds as string[]
    const officerKinds = await kindsOf(justice)
    for (const kind of ['self_assessment_deadline_changed', 'self_assessment_extension', 'supplement_deadline_changed']) t.ok(officerKinds.includes(kind), kind)
    t.ok((await kindsOf(appraiser)).includes('appraisal_deadline_changed'))
    t.notOk(officerKinds.includes('appraisal_deadline_changed'))
    t.equal((await inject(justice, 'PUT', '/me/notification-preferences', { emailOptOuts: ['self_assessment_extension'] })).statusCode, 200)
  })
})
