import t from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { publishedDemoRound } from './helpers/results.js'
import { deadlinesFromNow, loadReferenceData, openRound } from './helpers/rounds.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

const auditOf = (app: App, entityId: string) =>
  queryRows<{ action: string, before: any, after: any, reason: string | null }>(app.db, sql`select action, before, after, reason from audit_log where entity_id = ${entityId} order by id`)

t.test('an admin creates a draft round; deadlines are taken with any offset and shown in Vietnam time, in order', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const created = await app.inject({
    method: 'POST',
    url: '/rounds',
    headers: admin.headers,
    payload: {
      code: '2020',
      title: 'Kỳ đánh giá năm 2020',
      year: 2020,
      selfAssessmentClosesAt: '2021-01-15T10:00:00Z',
      supplementClosesAt: '2021-02-10T17:00:00+07:00',
      appraisalClosesAt: '2021-02-20T00:00:00.500-05:00'
    }
  })
  t.equal(created.statusCode, 201)
  const round = created.json()
  t.equal(round.status, 'draft')
  t.same(round.moves, [{ to: 'self_assessment', direction: 'forward', reasonRequired: false }], 'a draft can only open')
  t.equal(round.timeZone, 'Asia/Ho_Chi_Minh')
  t.equal(round.selfAssessmentClosesAt, '2021-01-15T17:00:00+07:00', 'UTC 10:00 is 17:00 in Hà Nội')
  t.equal(round.supplementClosesAt, '2021-02-10T17:00:00+07:00')
  t.equal(round.appraisalClosesAt, '2021-02-20T12:00:00.500+07:00', 'the instant is kept, milliseconds included')
  t.same(round.catalogs, [])
  t.same(round.participants, [])

  const duplicate = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '2020', title: 'again', year: 2020 } })
  t.equal(duplicate.statusCode, 409)

  const noOffset = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: 'X', title: 'x', year: 2020, selfAssessmentClosesAt: '2021-01-15T10:00:00' } })
  t.equal(noOffset.statusCode, 400, 'a time without an offset is ambiguous and refused')

  const disordered = await app.inject({
    method: 'POST',
    url: '/rounds',
    headers: admin.headers,
    payload: { code: '2021', title: 'x', year: 2021, selfAssessmentClosesAt: '2022-02-01T00:00:00Z', appraisalClosesAt: '2022-01-01T00:00:00Z' }
  })
  t.equal(disordered.statusCode, 400)
  t.equal(disordered.json().code, 'VALIDATION_FAILED')
  t.match(disordered.json().errors, [{ pointer: '/appraisalClosesAt', code: 'deadlines_out_of_order' }])

  const fetched = await app.inject({ method: 'GET', url: `/rounds/${round.id}`, headers: admin.headers })
  t.same(fetched.json(), round)
  const viewer = await loginAs(app, 'viewer')
  const list = await app.inject({ method: 'GET', url: '/rounds?year=2020', headers: viewer.headers })
  t.equal(list.statusCode, 200)
  t.equal(list.json().total, 1)
  t.match(list.json().items[0], { code: '2020', status: 'draft', participantCount: 0, selfAssessmentClosesAt: '2021-01-15T17:00:00+07:00' })
  t.equal((await app.inject({ method: 'POST', url: '/rounds', headers: viewer.headers, payload: { code: 'V', title: 'v', year: 2020 } })).statusCode, 403)

  const audit = await auditOf(app, round.id)
  t.match(audit, [{ action: 'round.create', before: null, after: { code: '2020' } }])
})

t.test('opening checks everything at once; catalogs must be published and of the unit type; moves are one step, back only with a reason', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const created = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '2020', title: 'Năm 2020', year: 2020 } })
  const id = created.json().id
  const transition = (to: string, reason?: string) =>
    app.inject({ method: 'POST', url: `/rounds/${id}/transition`, headers: admin.headers, payload: reason === undefined ? { to } : { to, reason } })

  // Each allowed move, checked as the move would be without making it: the refusal is the move's own problem document.
  const checked = async (to: string) => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${id}/moves`, headers: admin.headers })
    t.equal(response.statusCode, 200)
    return response.json().moves.find((move: { to: string }) => move.to === to)
  }
  const sameRefusal = (check: { refusal: Record<string, unknown> | null }, move: { json: () => Record<string, unknown> }, message: string) => {
    const { instance: _i, requestId: _r, ...expected } = move.json()
    const { instance: _ci, requestId: _cr, ...refusal } = check.refusal ?? {}
    t.same(refusal, expected, message)
  }
  const emptyCheck = await checked('self_assessment')
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${id}`, headers: admin.headers })).json().status, 'draft', 'checking moves nothing')
  const empty = await transition('self_assessment')
  sameRefusal(emptyCheck, empty, 'the check names what the move then refuses for')
  t.equal(empty.statusCode, 409)
  t.equal(empty.json().code, 'ROUND_NOT_READY')
  t.same(empty.json().errors.map((e: { code: string }) => e.code).sort(), ['deadline_missing', 'deadline_missing', 'deadline_missing', 'no_participants'])

  // Participants without a catalog for their type, and an inactive unit.
  const districtUnit = data.units.get('H-DONG-SON')!
  let response = await app.inject({ method: 'POST', url: `/rounds/${id}/participants`, headers: admin.headers, payload: { unitTypes: ['department'], unitIds: [districtUnit] } })
  t.equal(response.statusCode, 200)
  t.equal(response.json().participants.length, 21)
  response = await app.inject({ method: 'PATCH', url: `/rounds/${id}`, headers: admin.headers, payload: deadlinesFromNow() })
  t.equal(response.statusCode, 200)
  response = await app.inject({ method: 'PUT', url: `/rounds/${id}/catalogs`, headers: admin.headers, payload: { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }] } })
  t.equal(response.statusCode, 200)
  const missingType = await transition('self_assessment')
  t.equal(missingType.statusCode, 409)
  t.match(missingType.json().errors, [{ code: 'no_catalog_for_unit_type', unitType: 'district' }])

  // A catalog must be of the unit type it is chosen for, and published.
  const wrongType = await app.inject({ method: 'PUT', url: `/rounds/${id}/catalogs`, headers: admin.headers, payload: { catalogs: [{ unitType: 'district', catalogId: data.catalogs.department }] } })
  t.equal(wrongType.statusCode, 400)
  t.match(wrongType.json().errors, [{ pointer: '/catalogs/0/catalogId', message: /is for unit type department/ }])
  const draft = await app.inject({ method: 'POST', url: '/catalogs/import', headers: admin.headers, payload: { ...JSON.parse(JSON.stringify((await app.inject({ method: 'GET', url: `/catalogs/${data.catalogs.district}/export`, headers: admin.headers })).json())), code: 'TH-2020-HUYEN-DRAFT' } })
  t.equal(draft.statusCode, 201)
  const unpublished = await app.inject({ method: 'PUT', url: `/rounds/${id}/catalogs`, headers: admin.headers, payload: { catalogs: [{ unitType: 'district', catalogId: draft.json().id }] } })
  t.equal(unpublished.statusCode, 400)
  t.match(unpublished.json().errors, [{ message: /draft; only a published catalog/ }])

  response = await app.inject({
    method: 'PUT',
    url: `/rounds/${id}/catalogs`,
    headers: admin.headers,
    payload: { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }, { unitType: 'district', catalogId: data.catalogs.district }] }
  })
  t.equal(response.statusCode, 200)
  t.same(response.json().catalogs.map((c: { unitType: string, code: string }) => `${c.unitType}:${c.code}`), ['department:TH-2020-SO', 'district:TH-2020-HUYEN'])

  const skip = await transition('appraisal')
  t.equal(skip.statusCode, 409)
  t.equal(skip.json().code, 'ROUND_TRANSITION_INVALID')

  // Deadlines in order but the self-assessment's already past (last year's dates kept by mistake): no unit could save.
  response = await app.inject({ method: 'PATCH', url: `/rounds/${id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: '2021-01-15T17:00:00+07:00', supplementClosesAt: '2021-02-01T17:00:00+07:00', appraisalClosesAt: '2021-02-15T17:00:00+07:00' } })
  t.equal(response.statusCode, 200, 'a draft may hold any deadlines in order')
  const lateCheck = await checked('self_assessment')
  const late = await transition('self_assessment')
  sameRefusal(lateCheck, late, 'a passed deadline is known before the move')
  t.equal(late.statusCode, 409, late.body.slice(0, 300))
  t.equal(late.json().code, 'ROUND_NOT_READY')
  t.match(late.json().errors, [{ code: 'deadline_passed', deadline: 'selfAssessmentClosesAt', message: /2021-01-15T17:00:00\+07:00.*already passed/ }])
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${id}`, headers: admin.headers })).json().status, 'draft', 'the round stays a draft')
  response = await app.inject({ method: 'PATCH', url: `/rounds/${id}`, headers: admin.headers, payload: deadlinesFromNow() })
  t.equal(response.statusCode, 200)
  t.same(await checked('self_assessment'), { to: 'self_assessment', direction: 'forward', reasonRequired: false, refusal: null }, 'nothing in the way any more')
  const opened = await transition('self_assessment')
  t.equal(opened.statusCode, 200)
  t.equal(opened.json().status, 'self_assessment')

  // Once open, catalogs, code and year are fixed; deadlines can move but not disappear or fall out of order.
  t.equal((await app.inject({ method: 'PUT', url: `/rounds/${id}/catalogs`, headers: admin.headers, payload: { catalogs: [] } })).json().code, 'ROUND_NOT_EDITABLE')
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${id}`, headers: admin.headers, payload: { year: 2021 } })).json().code, 'ROUND_NOT_EDITABLE')
  const cleared = await app.inject({ method: 'PATCH', url: `/rounds/${id}`, headers: admin.headers, payload: { appraisalClosesAt: null } })
  t.equal(cleared.statusCode, 400)
  t.match(cleared.json().errors, [{ code: 'deadline_missing', pointer: '/appraisalClosesAt' }])
  const retitled = await app.inject({ method: 'PATCH', url: `/rounds/${id}`, headers: admin.headers, payload: { title: 'Kỳ đánh giá Chỉ số CCHC năm 2020 của tỉnh Thanh Hóa' } })
  t.equal(retitled.statusCode, 200)

  const backWithoutReason = await transition('draft')
  t.equal(backWithoutReason.statusCode, 409)
  t.match(backWithoutReason.json(), { code: 'ROUND_TRANSITION_INVALID', reasonCode: 'reason_required' })
  // Appraisal does not begin while units may still submit: the admin closes self-assessment by its deadline first.
  const earlyCheck = await checked('appraisal')
  t.equal((await checked('draft')).refusal, null, 'no unit has started, so the round could still go back to draft')
  const early = await transition('appraisal')
  sameRefusal(earlyCheck, early, 'the units that may still submit are named before the move')
  t.match(early.json(), { code: 'ROUND_NOT_READY', detail: /21 unit\(s\) have not submitted and may still do so/ })
  t.equal(early.json().units.length, 21)
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() } })).statusCode, 200)
  t.equal((await transition('appraisal')).statusCode, 200)
  const back = await transition('self_assessment', 'Sở Tài chính xin bổ sung hồ sơ tự đánh giá')
  t.equal(back.statusCode, 200)
  t.equal(back.json().status, 'self_assessment')

  const moves = (await auditOf(app, id)).filter((row) => row.action === 'round.transition')
  t.same(moves.map((row) => [row.before.status, row.after.status, row.reason]), [
    ['draft', 'self_assessment', null],
    ['self_assessment', 'appraisal', null],
    ['appraisal', 'self_assessment', 'Sở Tài chính xin bổ sung hồ sơ tự đánh giá']
  ])
  t.ok((await auditOf(app, id)).some((row) => row.action === 'round.set_catalogs'), 'catalog choices are audited')
  t.ok((await auditOf(app, id)).some((row) => row.action === 'round.set_participants'), 'participant changes are audited')

  // Appraisal closes for good only once every unit's appraisal is finalized (results.test.ts goes all the way).
  t.equal((await transition('appraisal')).statusCode, 200)
  const unfinished = await transition('finalized')
  t.equal(unfinished.statusCode, 409)
  t.match(unfinished.json(), { code: 'ROUND_NOT_READY', detail: /21 unit\(s\) have an appraisal that is not finalized/ })
  t.equal(unfinished.json().units.length, 21, 'every unfinished unit is named')
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${id}`, headers: admin.headers })).json().status, 'appraisal', 'the round stayed in appraisal')
})

t.test('participants: only existing active units; set, add by type, remove; an open round keeps units that have started', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const created = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '2020', title: 'Năm 2020', year: 2020, ...deadlinesFromNow() } })
  const id = created.json().id
  const first = data.units.get('SO-TP')!
  const second = data.units.get('SO-TC')!
  const third = data.units.get('H-MUONG-LAT')!
  await app.inject({ method: 'POST', url: `/units/${third}/deactivate`, headers: admin.headers })

  const bad = await app.inject({ method: 'PUT', url: `/rounds/${id}/participants`, headers: admin.headers, payload: { unitIds: [first, '00000000-0000-4000-8000-000000000000', third] } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ pointer: '/unitIds/1', message: 'no such unit' }, { pointer: '/unitIds/2', message: /inactive/ }])

  let response = await app.inject({ method: 'PUT', url: `/rounds/${id}/participants`, headers: admin.headers, payload: { unitIds: [first, second] } })
  t.equal(response.json().participants.length, 2)
  response = await app.inject({ method: 'PUT', url: `/rounds/${id}/participants`, headers: admin.headers, payload: { unitIds: [second] } })
  t.same(response.json().participants.map((p: { unitId: string }) => p.unitId), [second])
  response = await app.inject({ method: 'POST', url: `/rounds/${id}/participants`, headers: admin.headers, payload: { unitTypes: ['district'] } })
  t.equal(response.json().participants.length, 1 + 26, 'the 26 active districts join the one department')
  t.notOk(response.json().participants.some((p: { unitId: string }) => p.unitId === third), 'inactive units are not added by type')
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${id}/participants`, headers: admin.headers, payload: { unitTypes: ['commune'] } })).statusCode, 400)
  response = await app.inject({ method: 'DELETE', url: `/rounds/${id}/participants/${second}`, headers: admin.headers })
  t.equal(response.statusCode, 200)
  t.notOk(response.json().participants.some((p: { unitId: string }) => p.unitId === second))
  t.equal((await app.inject({ method: 'DELETE', url: `/rounds/${id}/participants/${second}`, headers: admin.headers })).statusCode, 404)
})

t.test('an extension needs a reason, a participant and a later time, and is audited', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const unitId = round.participants[0].unitId
  const districtId = data.units.get('H-DONG-SON')!
  const url = (unit: string) => `/rounds/${round.id}/units/${unit}/extension`
  const later = new Date(Date.parse(round.selfAssessmentClosesAt) + 3 * 86400_000).toISOString()

  t.equal((await app.inject({ method: 'POST', url: url(unitId), headers: admin.headers, payload: { until: later } })).statusCode, 400, 'reason is required')
  t.equal((await app.inject({ method: 'POST', url: url(unitId), headers: admin.headers, payload: { until: later, reason: '' } })).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: url(districtId), headers: admin.headers, payload: { until: later, reason: 'x' } })).statusCode, 404)
  const early = await app.inject({ method: 'POST', url: url(unitId), headers: admin.headers, payload: { until: new Date(Date.parse(round.selfAssessmentClosesAt) - 1000).toISOString(), reason: 'x' } })
  t.equal(early.statusCode, 400)
  const granted = await app.inject({ method: 'POST', url: url(unitId), headers: admin.headers, payload: { until: later, reason: 'Đơn vị sáp nhập, cần thêm thời gian' } })
  t.equal(granted.statusCode, 200)
  const participant = granted.json().participants.find((p: { unitId: string }) => p.unitId === unitId)
  t.equal(Date.parse(participant.extensionUntil), Date.parse(later))
  t.match(participant.extensionUntil, /\+07:00$/)
  t.equal(participant.extensionReason, 'Đơn vị sáp nhập, cần thêm thời gian')
  const officer = await loginAs(app, 'unit_officer', { unitId })
  t.equal((await app.inject({ method: 'POST', url: url(unitId), headers: officer.headers, payload: { until: later, reason: 'tự gia hạn' } })).statusCode, 403)
  const audit = (await auditOf(app, round.id)).filter((row) => row.action === 'round.extension')
  t.match(audit, [{ reason: 'Đơn vị sáp nhập, cần thêm thời gian', after: { unitId } }])

  // With the round's deadline passed, an extension must still end in the future to give anything.
  const past = Date.now() - 3_600_000
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${round.id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: new Date(past).toISOString() } })).statusCode, 200)
  const ended = await app.inject({ method: 'POST', url: url(unitId), headers: admin.headers, payload: { until: new Date(past + 60_000).toISOString(), reason: 'x' } })
  t.equal(ended.statusCode, 400)
  t.match(ended.json().errors, [{ pointer: '/until', message: 'must be in the future' }])
})

t.test('two admins editing one round: the second edit, based on the version before the first, is refused (412) and loses nothing', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const other = await loginAs(app, 'admin', { username: 'admin.hai' })
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const url = `/rounds/${round.id}`
  const read = await app.inject({ method: 'GET', url, headers: admin.headers })
  t.equal(read.headers.etag, `"${read.json().version}"`, 'the ETag is the version the answer carries')
  const seen = String(read.headers.etag)

  // Both opened the round; the first moves the deadline, the second then edits the title on what they saw.
  const deadline = new Date(Date.now() + 5 * 86400_000).toISOString()
  const first = await app.inject({ method: 'PATCH', url, headers: { ...other.headers, 'if-match': seen }, payload: { selfAssessmentClosesAt: deadline } })
  t.equal(first.statusCode, 200)
  t.equal(first.headers.etag, `"${read.json().version + 1}"`, 'the edit moved the version on')
  const stale = await app.inject({ method: 'PATCH', url, headers: { ...admin.headers, 'if-match': seen }, payload: { title: 'Kỳ đánh giá năm 2020 (sửa)' } })
  t.equal(stale.statusCode, 412)
  t.match(stale.json(), { code: 'PRECONDITION_FAILED', currentVersion: first.json().version, current: { title: read.json().title, selfAssessmentClosesAt: first.json().selfAssessmentClosesAt } },
    'the refusal carries the round as it is now')
  t.equal((await app.inject({ method: 'GET', url, headers: admin.headers })).json().title, read.json().title, 'the refused edit changed nothing')
  const garbage = await app.inject({ method: 'PATCH', url, headers: { ...admin.headers, 'if-match': '"garbage"' }, payload: { title: 'x' } })
  t.equal(garbage.statusCode, 412, 'a value that names no version never matches')

  // Again on the version the refusal gave: the title changes and the moved deadline stays.
  const again = await app.inject({ method: 'PATCH', url, headers: { ...admin.headers, 'if-match': String(first.headers.etag) }, payload: { title: 'Kỳ đánh giá năm 2020 (sửa)' } })
  t.equal(again.statusCode, 200)
  t.match(again.json(), { title: 'Kỳ đánh giá năm 2020 (sửa)', selfAssessmentClosesAt: first.json().selfAssessmentClosesAt })

  // Other changes to the round move the version on too; a client that sends no If-Match edits the round as it is.
  const added = await app.inject({ method: 'POST', url: `${url}/participants`, headers: admin.headers, payload: { unitTypes: ['district'] } })
  t.ok(added.json().version > again.json().version, 'adding participants moved the version on')
  t.equal((await app.inject({ method: 'PATCH', url, headers: admin.headers, payload: { title: 'Kỳ 2020' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...admin.headers, 'if-match': String(again.headers.etag) }, payload: { title: 'y' } })).statusCode, 412)
})

t.test('a round with published results keeps its title, also while moved back to correct it: the public pages show it, and a new title would change them without a new version', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const before = (await app.inject({ method: 'GET', url: '/public/rounds' })).json().items.find((item: { id: string }) => item.id === roundId).title
  const renamed = await app.inject({ method: 'PATCH', url: `/rounds/${roundId}`, headers: { ...admin.headers, 'accept-language': 'vi' }, payload: { title: 'Tên khác' } })
  t.equal(renamed.statusCode, 409)
  t.equal(renamed.json().code, 'ROUND_NOT_EDITABLE')
  t.equal(renamed.json().detail, 'Kỳ đánh giá đã công bố kết quả và trang công khai đang hiển thị tên kỳ này, nên không thể đổi tên kỳ nữa.')
  t.equal((await app.inject({ method: 'GET', url: '/public/rounds' })).json().items.find((item: { id: string }) => item.id === roundId).title, before, 'the public list is unchanged')
  const same = await app.inject({ method: 'PATCH', url: `/rounds/${roundId}`, headers: admin.headers, payload: { title: before } })
  t.equal(same.statusCode, 200, 'the same title sent back with the form changes nothing and is not refused')
  // Moved back to correct a score, the round is still on the public pages under its title.
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${roundId}/transition`, headers: admin.headers, payload: { to: 'finalized', reason: 'Sửa điểm' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${roundId}`, headers: admin.headers, payload: { title: 'Tên khác' } })).statusCode, 409, 'not renamed while it is being corrected either')
  t.equal((await app.inject({ method: 'GET', url: '/public/rounds' })).json().items.find((item: { id: string }) => item.id === roundId).title, before)
})
