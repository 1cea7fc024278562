// Webhooks end to end: an admin registers an endpoint; real changes through the API (a round opened and moved on, a
// self-assessment submitted, an appraisal finalized, results published) reach a local HTTP receiver, each signed per
// Standard Webhooks and verified here with the secret; a 500 is tried again; a delivery is sent again on request; an
// endpoint failing too often is disabled and the admins told; private addresses are refused unless allowed.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import type { Config } from '../server/config.js'
import { buildTestApp } from './helpers/app.js'
import { injectAs, loginAs } from './helpers/auth.js'
import { assertProblem } from './helpers/catalogs.js'
import { deadlinesFromNow, loadReferenceData, maxInput } from './helpers/rounds.js'
import { jobsConfig } from './helpers/smtp.js'

interface Received { headers: IncomingHttpHeaders, body: string }

/** An HTTP receiver on 127.0.0.1 that keeps every message; `fail(n)` makes it answer 500 to the next n. */
async function startReceiver (t: { teardown: (fn: () => unknown) => void }) {
  const received: Received[] = []
  let failures = 0
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      if (failures > 0) {
        failures--
        response.writeHead(500).end('tạm thời lỗi')
      } else {
        response.writeHead(204).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cchc`, received, fail: (count: number) => { failures = count } }
}

/** Verifies a message as an integrator would (Standard Webhooks), and answers its body. */
function verified (t: Test, secret: string, message: Received): { type: string, timestamp: string, data: Record<string, unknown> } {
  const id = String(message.headers['webhook-id'])
  const timestamp = String(message.headers['webhook-timestamp'])
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${message.body}`).digest('base64')
  t.equal(message.headers['webhook-signature'], `v1,${expected}`, 'the signature verifies with the secret')
  t.ok(Math.abs(Date.now() / 1000 - Number(timestamp)) < 300, 'the timestamp is now')
  t.match(String(message.headers['content-type']), /^application\/json/)
  return JSON.parse(message.body)
}

const hooksConfig: Partial<Config> = { ...jobsConfig(), WEBHOOK_ALLOW_HTTP: true, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: true, WEBHOOK_DISABLE_AFTER_FAILURES: 3 }

t.test('each event reaches a registered endpoint, signed; a 500 is tried again; a delivery is sent again on request', async (t) => {
  const receiver = await startReceiver(t)
  const app = await buildTestApp(t, { config: hooksConfig })
  const inject = injectAs(app)
  const admin = await loginAs(app, 'admin')
  const run = async () => (await app.jobs.run('webhooks')).output as { delivered: number, retrying: number, failed: number, disabled: number }

  const created = await inject(admin, 'POST', '/webhooks', { url: receiver.url, description: 'Cổng dịch vụ công', eventTypes: ['results.published', 'round.status_changed', 'self_assessment.submitted', 'appraisal.finalized'] })
  t.equal(created.statusCode, 201, created.body)
  const endpoint = created.json()
  t.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
  t.notOk('secret' in (await inject(admin, 'GET', `/webhooks/${endpoint.id}`)).json(), 'the secret is shown only once')
  t.same((await inject(admin, 'GET', '/webhooks')).json().map((item: { id: string }) => item.id), [endpoint.id])

  // A round of one department, opened: round.status_changed.
  const data = await loadReferenceData(app, admin)
  const unitId = data.units.get('SO-TP')!
  const roundId: string = (await inject(admin, 'POST', '/rounds', { code: 'R-HOOKS', title: 'Kỳ đánh giá Chỉ số CCHC năm 2020', year: 2020, ...deadlinesFromNow() })).json().id
  await inject(admin, 'PUT', `/rounds/${roundId}/catalogs`, { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }] })
  await inject(admin, 'PUT', `/rounds/${roundId}/participants`, { unitIds: [unitId] })
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 409, 'a refused move (rolled back) tells no one')
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'self_assessment' })).statusCode, 200)
  t.same(receiver.received, [], 'nothing is sent before the job runs (after the commit)')
  t.match(await run(), { delivered: 1 })
  t.equal(receiver.received.length, 1, 'exactly the move that happened')
  const opened = verified(t, endpoint.secret, receiver.received[0]!)
  t.match(opened, { type: 'round.status_changed', timestamp: String, data: { roundId, roundCode: 'R-HOOKS', from: 'draft', to: 'self_assessment' } })

  // The unit submits: self_assessment.submitted; the receiver fails once, and the next run sends it again.
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const appraiser = await loginAs(app, 'appraiser')
  await inject(admin, 'PUT', `/rounds/${roundId}/assignments`, { assignments: ['1', '2', '3', '4', '5', '6', '7'].map((fieldCode) => ({ unitType: 'department', fieldCode, userId: appraiser.user.id })) })
  const url = `/rounds/${roundId}/units/${unitId}/self-assessment`
  const read = await inject(officer, 'GET', url)
  const leaves: { code: string, evidence: string }[] = read.json().leaves
  const entries = leaves.map((leaf) => ({ leafCode: leaf.code, input: maxInput(leaf as never), ...(leaf.evidence === 'required' ? { explanation: `Minh chứng ${leaf.code}` } : {}) }))
  t.equal((await inject(officer, 'PATCH', url, { entries }, { 'if-match': read.headers.etag as string })).statusCode, 200)
  t.equal((await inject(officer, 'POST', `${url}/submit`, undefined, { 'if-match': '*' })).statusCode, 200)
  receiver.fail(1)
  t.match(await run(), { delivered: 0, retrying: 1 })
  const deliveries = async () => (await inject(admin, 'GET', `/webhooks/${endpoint.id}/deliveries`)).json()
  let submitted = (await deliveries()).items[0]
  t.match(submitted, { eventType: 'self_assessment.submitted', status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'answered 500', log: [{ statusCode: 500, error: 'answered 500' }] })
  t.ok(Date.parse(submitted.nextAttemptAt) > Date.now() + 20_000, 'the next attempt waits')
  t.match(await run(), { delivered: 0, retrying: 0 }, 'not before its time')
  await queryRows(app.db, sql`update webhook_deliveries set next_attempt_at = now() where id = ${submitted.id}`)
  t.match(await run(), { delivered: 1 })
  submitted = (await deliveries()).items[0]
  t.match(submitted, { status: 'delivered', attempts: 2, lastStatusCode: 204, deliveredAt: String })
  t.same(submitted.log.map((attempt: { statusCode: number }) => attempt.statusCode), [500, 204], 'the log keeps both attempts')
  const [failedTry, retried] = receiver.received.slice(1)
  t.equal(retried!.headers['webhook-id'], submitted.id, 'webhook-id is the delivery\'s id')
  t.equal(failedTry!.headers['webhook-id'], retried!.headers['webhook-id'], 'the same id at every attempt')
  t.match(verified(t, endpoint.secret, retried!), { type: 'self_assessment.submitted', data: { roundId, unitId, unitCode: 'SO-TP', version: Number, submittedAt: String } })

  // Appraisal and finalization: round.status_changed and appraisal.finalized; then results.published.
  await queryRows(app.db, sql`update rounds set self_assessment_closes_at = now() - interval '1 minute' where id = ${roundId}`)
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'appraisal' })).statusCode, 200)
  const appraisal = `/rounds/${roundId}/units/${unitId}/appraisal`
  const state = await inject(appraiser, 'GET', appraisal)
  t.equal((await inject(appraiser, 'POST', `${appraisal}/accept-self`, { leafCodes: leaves.map((leaf) => leaf.code) }, { 'if-match': state.headers.etag as string })).statusCode, 200)
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/units/${unitId}/finalize`)).statusCode, 200)
  t.equal((await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'finalized' })).statusCode, 200)
  const published = await inject(admin, 'POST', `/rounds/${roundId}/results/publish`, { unitType: 'department' })
  t.equal(published.statusCode, 201)
  const before = receiver.received.length
  t.match(await run(), { delivered: 5 })
  const messages = receiver.received.slice(before).map((message) => verified(t, endpoint.secret, message))
  t.same(messages.map((message) => message.type).sort(), ['appraisal.finalized', 'results.published', 'round.status_changed', 'round.status_changed', 'round.status_changed'])
  t.match(messages.find((message) => message.type === 'appraisal.finalized'), { data: { roundId, unitId, unitCode: 'SO-TP', version: Number, finalizedAt: String } })
  t.match(messages.find((message) => message.type === 'results.published'), { data: { roundId, unitType: 'department', version: 1, inputHash: published.json().inputHash, publishedAt: published.json().publishedAt } })
  t.same(messages.filter((message) => message.type === 'round.status_changed').map((message) => message.data.to).sort(), ['appraisal', 'finalized', 'published'])

  // Redelivery: the same message (same webhook-id) again.
  const redelivered = await inject(admin, 'POST', `/webhooks/${endpoint.id}/deliveries/${submitted.id}/redeliver`)
  t.match(redelivered.json(), { id: submitted.id, status: 'pending', attempts: 0 })
  t.match(await run(), { delivered: 1 })
  const again = receiver.received[receiver.received.length - 1]!
  t.equal(again.headers['webhook-id'], submitted.id)
  t.equal(verified(t, endpoint.secret, again).type, 'self_assessment.submitted')
  assertProblem(t, await inject(admin, 'POST', `/webhooks/${endpoint.id}/deliveries/${endpoint.id}/redeliver`), 404, 'NOT_FOUND')

  // A rotated secret signs from now on; changes are audited without the secret.
  const rotated = (await inject(admin, 'POST', `/webhooks/${endpoint.id}/rotate-secret`)).json()
  t.not(rotated.secret, endpoint.secret)
  await inject(admin, 'POST', `/webhooks/${endpoint.id}/deliveries/${submitted.id}/redeliver`)
  await run()
  verified(t, rotated.secret, receiver.received[receiver.received.length - 1]!)
  const audit = (await inject(admin, 'GET', `/audit?entityType=webhook_endpoint&entityId=${endpoint.id}`)).json()
  t.same(audit.items.map((item: { action: string }) => item.action).sort(), ['webhook.create', 'webhook.redeliver', 'webhook.redeliver', 'webhook.rotate_secret'])
  t.notMatch(JSON.stringify(audit), /whsec_/, 'no secret in the audit log')
})

t.test('an endpoint failing too often is disabled and the admins are told; enabled again, it receives', async (t) => {
  const receiver = await startReceiver(t)
  const app = await buildTestApp(t, { config: hooksConfig })
  const inject = injectAs(app)
  const admin = await loginAs(app, 'admin')
  const endpoint = (await inject(admin, 'POST', '/webhooks', { url: receiver.url, eventTypes: ['round.status_changed'] })).json()
  const data = await loadReferenceData(app, admin)
  const roundId: string = (await inject(admin, 'POST', '/rounds', { code: 'R-DOWN', title: 'Kỳ thử', year: 2020, ...deadlinesFromNow() })).json().id
  await inject(admin, 'PUT', `/rounds/${roundId}/catalogs`, { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }] })
  await inject(admin, 'PUT', `/rounds/${roundId}/participants`, { unitIds: [data.units.get('SO-TP')] })
  await inject(admin, 'POST', `/rounds/${roundId}/transition`, { to: 'self_assessment' })
  receiver.fail(100)
  for (let attempt = 1; attempt <= 3; attempt++) {
    await queryRows(app.db, sql`update webhook_deliveries set next_attempt_at = now()`)
    await app.jobs.run('webhooks')
  }
  const disabled = (await inject(admin, 'GET', `/webhooks/${endpoint.id}`)).json()
  t.match(disabled, { active: false, consecutiveFailures: 3, disabledAt: String })
  const notice = (await inject(admin, 'GET', '/me/notifications')).json().items.find((item: { kind: string }) => item.kind === 'webhook_disabled')
  t.match(notice, { title: 'Đã tắt một điểm nhận webhook', body: new RegExp(`${receiver.url.replace(/[.]/g, '\\.')} đã bị tắt sau 3 lần`) })
  await queryRows(app.db, sql`update webhook_deliveries set next_attempt_at = now()`)
  t.match((await app.jobs.run('webhooks')).output, { delivered: 0, retrying: 0 }, 'a disabled endpoint gets nothing')

  receiver.fail(0)
  t.match((await inject(admin, 'PATCH', `/webhooks/${endpoint.id}`, { active: true })).json(), { active: true, consecutiveFailures: 0, disabledAt: null })
  t.match((await app.jobs.run('webhooks')).output, { delivered: 1 }, 'the waiting delivery goes out once enabled')
})

t.test('webhook URLs: https only and no private address unless allowed; only admins manage endpoints', async (t) => {
  const app = await buildTestApp(t, { config: { JOBS_ENABLED: false } })
  const inject = injectAs(app)
  const admin = await loginAs(app, 'admin')
  for (const url of ['http://egov.thanhhoa.gov.vn/hooks', 'https://127.0.0.1/hooks', 'https://localhost:8443/hooks', 'https://localhost./hooks', 'https://api.localhost./hooks', 'https://[::1]/hooks', 'https://[::ffff:10.0.0.5]/hooks', 'https://169.254.169.254/latest', 'https://user:pw@egov.thanhhoa.gov.vn/', 'không phải URL']) {
    const refused = assertProblem(t, await inject(admin, 'POST', '/webhooks', { url, eventTypes: ['results.published'] }), 400, 'VALIDATION_FAILED')
    t.match(refused.errors, [{ pointer: '/url', keyword: 'target' }], `${url} is refused, naming the field`)
  }
  t.same((await inject(admin, 'GET', '/webhooks')).json(), [], 'nothing was registered')
  const ok = await inject(admin, 'POST', '/webhooks', { url: 'https://egov.thanhhoa.gov.vn/hooks/cchc', eventTypes: ['results.published'] })
  t.equal(ok.statusCode, 201)
  assertProblem(t, await inject(admin, 'PATCH', `/webhooks/${ok.json().id}`, { url: 'https://10.1.2.3/' }), 400, 'VALIDATION_FAILED')
  assertProblem(t, await inject(admin, 'POST', '/webhooks', { url: 'https://egov.thanhhoa.gov.vn/x', eventTypes: ['không có'] }), 400, 'VALIDATION_FAILED')
  // (test/access-matrix.test.ts tries every role, a unit officer and an API key too, on every webhook route.)
  for (const role of ['appraiser', 'viewer'] as const) {
    const who = await loginAs(app, role)
    assertProblem(t, await inject(who, 'GET', '/webhooks'), 403, 'FORBIDDEN')
    assertProblem(t, await inject(who, 'POST', '/webhooks', { url: 'https://egov.thanhhoa.gov.vn/x', eventTypes: ['results.published'] }), 403, 'FORBIDDEN')
  }
  assertProblem(t, await app.inject({ method: 'GET', url: '/webhooks' }), 401, 'UNAUTHENTICATED')
  t.equal((await inject(admin, 'DELETE', `/webhooks/${ok.json().id}`)).statusCode, 204)
  assertProblem(t, await inject(admin, 'GET', `/webhooks/${ok.json().id}`), 404, 'NOT_FOUND')
})
