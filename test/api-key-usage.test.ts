// An API key's last use is recorded, but at most once a minute: a burst of reads is not a burst of writes on its row. Each key
// has its own rate limit, a refusal names the scope it lacks, and a results:read key reads the rounds past draft.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { apiKeyHeaders, loginAs } from './helpers/auth.js'
import { loadReferenceData, openRound } from './helpers/rounds.js'

t.test('last_used_at is written on first use and then at most once a minute', async (t) => {
  const app = await buildTestApp(t)
  const headers = await apiKeyHeaders(app)
  const lastUsed = async () => (await queryRows<{ at: string | null }>(app.db, sql`select last_used_at::text as at from api_keys`))[0]?.at ?? null
  t.equal(await lastUsed(), null, 'not used yet')
  t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 200)
  const first = await lastUsed()
  t.ok(first, 'the first use is recorded')
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 200)
  t.equal(await lastUsed(), first, 'five more reads within the minute write nothing')
  await app.db.execute(sql`update api_keys set last_used_at = now() - interval '2 minutes'`)
  const stale = await lastUsed()
  t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 200)
  t.not(await lastUsed(), stale, 'a use a minute later is recorded again')
  await app.db.execute(sql`update api_keys set revoked_at = now()`)
  t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 401, 'a revoked key still gets nowhere')
})

t.test('each API key has its own limit per minute on the routes it reads, whatever the address; other keys and users are not held back', async (t) => {
  const app = await buildTestApp(t, { config: { API_KEY_RATE_PER_MINUTE: 3 } })
  const first = await apiKeyHeaders(app)
  const second = await apiKeyHeaders(app)
  const read = (headers: Record<string, string>, remoteAddress = '127.0.0.1') => app.inject({ method: 'GET', url: '/units?limit=1', headers, remoteAddress })
  t.same(await Promise.all([read(first), read(first, '10.0.0.2'), read(first, '10.0.0.3')]).then((list) => list.map((r) => r.statusCode)), [200, 200, 200])
  const refused = await read(first, '10.0.0.4')
  t.equal(refused.statusCode, 429, 'the fourth request of the key within the minute, from another address too')
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(refused.json().code, 'TOO_MANY_REQUESTS')
  t.ok(Number(refused.headers['retry-after']) > 0, 'says when to come back')
  t.equal((await read(second)).statusCode, 200, 'another key has its own count')
  const admin = await loginAs(app, 'admin')
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers: admin.headers })).statusCode, 200, 'a logged-in user is not counted with keys')
})

t.test('a key refused a route says which scope it lacks, or that the route is for accounts only', async (t) => {
  const app = await buildTestApp(t)
  const unitsOnly = await apiKeyHeaders(app, ['units:read'])
  const catalogs = await app.inject({ method: 'GET', url: '/catalogs', headers: { ...unitsOnly, 'accept-language': 'en' } })
  t.equal(catalogs.statusCode, 403)
  t.match(catalogs.json().detail, /lacks the scope this route needs: catalogs:read/)
  t.same(catalogs.json().requiredScopes, ['catalogs:read'], 'the scope lacked, for a program to read')
  const users = await app.inject({ method: 'GET', url: '/users', headers: { ...unitsOnly, 'accept-language': 'en' } })
  t.equal(users.statusCode, 403)
  t.match(users.json().detail, /for logged-in accounts only/)
  t.same(users.json().requiredScopes, [], 'no scope opens it')
})

t.test('a key with results:read reads the rounds past draft (the frame of the results it pulls), without the reasons for extensions', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const open = await openRound(app, admin, data, { code: 'MO-2020' })
  const unitId = open.participants[0].unitId as string
  const until = new Date(Date.now() + 20 * 24 * 3600 * 1000).toISOString()
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${open.id}/units/${unitId}/extension`, headers: admin.headers, payload: { until, reason: 'Đơn vị thay đổi cán bộ đầu mối' } })).statusCode, 200)
  const draft = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: 'NHAP-2021', title: 'Kỳ nháp', year: 2021 } })
  t.equal(draft.statusCode, 201)

  const key = await apiKeyHeaders(app, ['results:read'])
  const list = await app.inject({ method: 'GET', url: '/rounds', headers: key })
  t.equal(list.statusCode, 200)
  t.same(list.json().items.map((round: { code: string }) => round.code), ['MO-2020'], 'the draft is not listed')
  t.equal(list.json().total, 1)
  const one = await app.inject({ method: 'GET', url: `/rounds/${open.id}`, headers: key })
  t.equal(one.statusCode, 200)
  t.equal(one.json().status, 'self_assessment')
  const extended = one.json().participants.find((unit: { unitId: string }) => unit.unitId === unitId)
  t.equal(extended.extensionUntil === null, false, 'the extension itself is there')
  t.equal(extended.extensionReason, null, 'its reason is not')
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${draft.json().id}`, headers: key })).statusCode, 404, 'a draft does not exist for a key')
  // A round from before the service (a draft holding a year's results from its report) is there for the key.
  const earlier = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: 'BC-2019', title: 'Kỳ 2019 (từ báo cáo)', year: 2019 } })
  await app.db.execute(sql`insert into historical_results (round_id, unit_id, field_code, self_points, appraised_points) values (${earlier.json().id as string}, ${unitId}, '1', 10, 9)`)
  t.same((await app.inject({ method: 'GET', url: '/rounds', headers: key })).json().items.map((round: { code: string }) => round.code).sort(), ['BC-2019', 'MO-2020'])
  t.equal((await app.inject({ method: 'GET', url: `/rounds/${earlier.json().id as string}`, headers: key })).statusCode, 200)
  // The admin reads both, with the reason.
  t.equal((await app.inject({ method: 'GET', url: '/rounds', headers: admin.headers })).json().total, 3)
  const adminView = (await app.inject({ method: 'GET', url: `/rounds/${open.id}`, headers: admin.headers })).json()
  t.equal(adminView.participants.find((unit: { unitId: string }) => unit.unitId === unitId).extensionReason, 'Đơn vị thay đổi cán bộ đầu mối')
  const unitsOnly = await apiKeyHeaders(app, ['units:read'])
  const refused = await app.inject({ method: 'GET', url: '/rounds', headers: unitsOnly })
  t.equal(refused.statusCode, 403)
  t.same(refused.json().requiredScopes, ['results:read'])
})

t.test('a key may be given an expiry: past it the key is refused and told when it expired; an expiry in the past is refused', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const create = (body: object) => app.inject({ method: 'POST', url: '/api-keys', headers: admin.headers, payload: { name: 'Cổng thông tin tỉnh', scopes: ['units:read'], ...body } })

  const past = await create({ expiresAt: new Date(Date.now() - 60_000).toISOString() })
  t.equal(past.statusCode, 400)
  t.match(past.json(), { code: 'VALIDATION_FAILED', errors: [{ pointer: '/expiresAt' }] }, 'the field is named')

  const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString()
  const created = await create({ expiresAt })
  t.equal(created.statusCode, 201)
  t.equal(created.json().apiKey.expiresAt, expiresAt)
  const lasting = await create({})
  t.equal(lasting.json().apiKey.expiresAt, null, 'without an expiry, a key lasts until revoked')
  const read = (key: string) => app.inject({ method: 'GET', url: '/units?limit=1', headers: { 'x-api-key': key } })
  t.equal((await read(created.json().key)).statusCode, 200, 'before its expiry the key reads')

  // A month on: the key's expiry is behind it.
  await app.db.execute(sql`update api_keys set expires_at = now() - interval '1 second', last_used_at = null where id = ${created.json().apiKey.id}`)
  const refused = await read(created.json().key)
  t.equal(refused.statusCode, 401)
  t.match(refused.json(), { code: 'UNAUTHENTICATED', detail: /expired/ })
  t.ok(refused.json().expiredAt, 'the refusal says when')
  const listed = (await app.inject({ method: 'GET', url: '/api-keys', headers: admin.headers })).json()
  t.equal(listed.find((key: { id: string }) => key.id === created.json().apiKey.id).lastUsedAt, null, 'an expired key\'s attempt is not a use')
  t.equal((await read(lasting.json().key)).statusCode, 200, 'the other key still reads')
})
