import t from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { systemActor } from '../server/services/context.js'
import { ensureAdmin } from '../server/services/users.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs, TEST_PASSWORD } from './helpers/auth.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

const login = (app: App, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })

const auditRows = (app: App, entityId: string) =>
  queryRows<{ action: string, before: any, after: any, actor_name: string }>(app.db, sql`select action, before, after, actor_name from audit_log where entity_id = ${entityId} order by id`)

t.test('login gives a token that identifies the user; wrong and unknown usernames get the same answer', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin', { username: 'chuyenvien' })
  const me = await app.inject({ method: 'GET', url: '/auth/me', headers: admin.headers })
  t.equal(me.statusCode, 200)
  t.equal(me.json().username, 'chuyenvien')
  t.notOk('passwordHash' in me.json(), 'no password hash in responses')

  const wrong = await login(app, 'chuyenvien', 'not the password')
  const unknown = await login(app, 'nobody-here', 'not the password')
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  t.equal(wrong.json().code, 'INVALID_CREDENTIALS')
  t.equal(wrong.json().detail, unknown.json().detail, 'the answer never tells whether the username exists')
  t.equal(wrong.json().title, unknown.json().title)
})

t.test('brute force is slowed, then locked; a locked account refuses its valid password until the lock ends', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_MAX_FAILURES: 5, LOGIN_LOCK_MINUTES: 15, LOGIN_DELAY_STEP_MS: 250 } })
  await loginAs(app, 'viewer', { username: 'target' })
  const durations: number[] = []
  const statuses: number[] = []
  for (let attempt = 1; attempt <= 5; attempt++) {
    const started = Date.now()
    const response = await login(app, 'target', `guess-${attempt}`)
    durations.push(Date.now() - started)
    statuses.push(response.statusCode)
  }
  t.same(statuses, [401, 401, 401, 401, 429], 'the fifth failure locks the account')
  t.ok(durations[3]! >= 500, `the fourth failure is delayed (${durations[3]} ms)`)
  t.ok(durations[4]! > durations[1]! + 500, 'later failures are slower than early ones')

  const locked = await login(app, 'target', TEST_PASSWORD)
  t.equal(locked.statusCode, 429)
  t.equal(locked.json().code, 'LOGIN_LOCKED')
  t.ok(locked.json().retryAfterSeconds > 0)
  t.equal(locked.headers['retry-after'], String(locked.json().retryAfterSeconds), 'the header says when to try again, as the body does')

  // An unknown username locks the same way, so a lock reveals nothing either.
  for (let attempt = 1; attempt <= 5; attempt++) await login(app, 'ghost', 'x')
  t.equal((await login(app, 'ghost', 'x')).json().code, 'LOGIN_LOCKED')

  // Time passes: the lock ends and the valid password works again.
  await app.db.execute(sql`update login_failures set locked_until = now() - interval '1 second' where username = 'target'`)
  const after = await login(app, 'target', TEST_PASSWORD)
  t.equal(after.statusCode, 200)
  const failuresLeft = await queryRows(app.db, sql`select 1 from login_failures where username = 'target'`)
  t.equal(failuresLeft.length, 0, 'a successful login clears the failure count')
})

t.test('logins are rate-limited per client address', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_RATE_PER_MINUTE: 3 } })
  const statuses = []
  for (let i = 0; i < 4; i++) statuses.push((await login(app, `user${i}`, 'x')).statusCode)
  t.same(statuses, [401, 401, 401, 429])
  const limited = await login(app, 'user9', 'x')
  t.equal(limited.json().code, 'TOO_MANY_REQUESTS')
  t.match(String(limited.headers['content-type']), /application\/problem\+json/)
})

t.test('tokens stop working at once when revoked', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const me = (headers: object) => app.inject({ method: 'GET', url: '/auth/me', headers: headers as Record<string, string> })

  t.test('logout revokes the token used', async (t) => {
    const viewer = await loginAs(app, 'viewer')
    t.equal((await me(viewer.headers)).statusCode, 200)
    t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: viewer.headers })).statusCode, 204)
    const after = await me(viewer.headers)
    t.equal(after.statusCode, 401)
    t.equal(after.json().code, 'UNAUTHENTICATED')
  })

  t.test('changing one\'s password needs the old one and revokes every token', async (t) => {
    const viewer = await loginAs(app, 'viewer', { username: 'doi-mat-khau' })
    const second = (await login(app, 'doi-mat-khau', TEST_PASSWORD)).json().token
    const wrongOld = await app.inject({ method: 'POST', url: '/auth/password', headers: viewer.headers, payload: { oldPassword: 'nope nope', newPassword: 'new password 1' } })
    t.equal(wrongOld.statusCode, 400)
    t.equal(wrongOld.json().errors[0].pointer, '/oldPassword')
    const changed = await app.inject({ method: 'POST', url: '/auth/password', headers: viewer.headers, payload: { oldPassword: TEST_PASSWORD, newPassword: 'new password 1' } })
    t.equal(changed.statusCode, 204)
    t.equal((await me(viewer.headers)).statusCode, 401)
    t.equal((await me({ authorization: `Bearer ${second}` })).statusCode, 401)
    t.equal((await login(app, 'doi-mat-khau', TEST_PASSWORD)).statusCode, 401)
    t.equal((await login(app, 'doi-mat-khau', 'new password 1')).statusCode, 200)
  })

  t.test('deactivation and an admin password reset revoke every token', async (t) => {
    const a = await loginAs(app, 'appraiser')
    const b = await loginAs(app, 'appraiser')
    t.equal((await app.inject({ method: 'POST', url: `/users/${a.user.id}/deactivate`, headers: admin.headers })).statusCode, 200)
    t.equal((await me(a.headers)).statusCode, 401)
    t.equal((await login(app, a.user.username, TEST_PASSWORD)).statusCode, 401, 'an inactive account cannot log in')
    t.equal((await app.inject({ method: 'POST', url: `/users/${b.user.id}/reset-password`, headers: admin.headers, payload: { newPassword: 'reset by admin' } })).statusCode, 204)
    t.equal((await me(b.headers)).statusCode, 401)
    t.equal((await login(app, b.user.username, 'reset by admin')).statusCode, 200)
  })

  t.test('an expired token is refused', async (t) => {
    const viewer = await loginAs(app, 'viewer')
    await app.db.execute(sql`update sessions set expires_at = now() - interval '1 second' where user_id = ${viewer.user.id}`)
    t.equal((await me(viewer.headers)).statusCode, 401)
  })

  t.test('a malformed Authorization header is refused', async (t) => {
    const response = await me({ authorization: 'Basic abc' })
    t.equal(response.statusCode, 401)
  })
})

t.test('tokens are stored only as hashes', async (t) => {
  const app = await buildTestApp(t)
  const viewer = await loginAs(app, 'viewer')
  const rows = await queryRows<{ token_hash: string }>(app.db, sql`select token_hash from sessions`)
  t.equal(rows.length, 1)
  t.not(rows[0]!.token_hash, viewer.token)
  t.notMatch(rows[0]!.token_hash, viewer.token)
})

t.test('API keys: shown once, stored hashed, read-only, revocable, last use recorded', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/api-keys', headers: admin.headers, payload: { name: 'Cổng dịch vụ công', scopes: ['results:read', 'units:read'] } })
  t.equal(created.statusCode, 201)
  const { key, apiKey } = created.json()
  t.match(key, /^par_/)
  t.equal(apiKey.lastUsedAt, null)

  const listed = await app.inject({ method: 'GET', url: '/api-keys', headers: admin.headers })
  t.notMatch(listed.body, key, 'the secret is never listed again')
  const stored = await queryRows<{ key_hash: string }>(app.db, sql`select key_hash from api_keys`)
  t.not(stored[0]!.key_hash, key)

  const read = await app.inject({ method: 'GET', url: '/units', headers: { 'x-api-key': key } })
  t.equal(read.statusCode, 200, 'a key reads what its scope allows')
  const used = (await app.inject({ method: 'GET', url: '/api-keys', headers: admin.headers })).json()[0]
  t.ok(used.lastUsedAt, 'last use is recorded')

  const write = await app.inject({ method: 'POST', url: '/units', headers: { 'x-api-key': key }, payload: { code: 'X', name: 'X', unitType: 'department' } })
  t.equal(write.statusCode, 403, 'a key can never write')
  const users = await app.inject({ method: 'GET', url: '/users', headers: { 'x-api-key': key } })
  t.equal(users.statusCode, 403, 'a key cannot read what its scopes do not cover')

  t.equal((await app.inject({ method: 'POST', url: `/api-keys/${apiKey.id}/revoke`, headers: admin.headers })).statusCode, 200)
  const keyAudit = await auditRows(app, apiKey.id)
  t.same(keyAudit.map((row) => row.action), ['api_key.create', 'api_key.revoke'], 'one audit row per key change')
  t.equal(keyAudit[1]!.before.revokedAt, null)
  t.type(keyAudit[1]!.after.revokedAt, 'string')
  t.notMatch(JSON.stringify(keyAudit), key, 'the secret never reaches the audit log')
  const revoked = await app.inject({ method: 'GET', url: '/units', headers: { 'x-api-key': key } })
  t.equal(revoked.statusCode, 401, 'a revoked key stops working at once')
  t.equal((await app.inject({ method: 'GET', url: '/units', headers: { 'x-api-key': 'par_forged_key' } })).statusCode, 401)
})

t.test('user administration', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')

  t.test('a unit officer must be bound to a unit, and only a unit officer', async (t) => {
    const noUnit = await app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'canbo', displayName: 'Cán bộ', role: 'unit_officer', password: 'Mat-khau-ban-dau-2026' } })
    t.equal(noUnit.statusCode, 400)
    t.equal(noUnit.json().errors[0].pointer, '/unitId')
    const withUnit = await app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'thamdinh', displayName: 'Thẩm định', role: 'appraiser', unitId: '00000000-0000-4000-8000-000000000000', password: 'Mat-khau-ban-dau-2026' } })
    t.equal(withUnit.statusCode, 400)
  })

  t.test('duplicate usernames are refused whatever the case', async (t) => {
    const first = await app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'Nguyen.Van.A', displayName: 'Nguyễn Văn A', role: 'viewer', password: 'Mat-khau-ban-dau-2026' } })
    t.equal(first.statusCode, 201)
    const second = await app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'nguyen.van.a', displayName: 'Other', role: 'viewer', password: 'Mat-khau-ban-dau-2026' } })
    t.equal(second.statusCode, 409)
    t.equal((await login(app, 'NGUYEN.VAN.A', 'Mat-khau-ban-dau-2026')).statusCode, 200, 'login ignores username case')
  })

  t.test('every user change leaves exactly one audit row with before and after, and never a password', async (t) => {
    const created = (await app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'audited', displayName: 'Trước', role: 'viewer', password: 'secret password' } })).json()
    await app.inject({ method: 'PATCH', url: `/users/${created.id}`, headers: admin.headers, payload: { displayName: 'Sau' } })
    await app.inject({ method: 'POST', url: `/users/${created.id}/reset-password`, headers: admin.headers, payload: { newPassword: 'another secret' } })
    await app.inject({ method: 'POST', url: `/users/${created.id}/deactivate`, headers: admin.headers })
    const rows = await auditRows(app, created.id)
    t.same(rows.map((row) => row.action), ['user.create', 'user.update', 'user.reset_password', 'user.deactivate'])
    t.equal(rows[0]!.before, null)
    t.equal(rows[0]!.after.displayName, 'Trước')
    t.equal(rows[1]!.before.displayName, 'Trước')
    t.equal(rows[1]!.after.displayName, 'Sau')
    t.equal(rows[3]!.before.active, true)
    t.equal(rows[3]!.after.active, false)
    t.ok(rows.every((row) => row.actor_name === admin.user.username))
    const all = JSON.stringify(rows)
    t.notMatch(all, /secret password|another secret|argon2/, 'no password or hash in the audit log')

    const page = await app.inject({ method: 'GET', url: `/audit?entityType=user&entityId=${created.id}&limit=2`, headers: admin.headers })
    t.equal(page.statusCode, 200)
    t.equal(page.json().total, 4)
    t.equal(page.json().items.length, 2)
    t.equal(page.json().items[0].action, 'user.deactivate', 'newest first')
    const byActor = await app.inject({ method: 'GET', url: `/audit?actorId=${admin.user.id}&action=user.update`, headers: admin.headers })
    t.equal(byActor.json().total, 1)
  })

  t.test('an admin cannot deactivate themself', async (t) => {
    const response = await app.inject({ method: 'POST', url: `/users/${admin.user.id}/deactivate`, headers: admin.headers })
    t.equal(response.statusCode, 409)
  })
})

t.test('the audit log is append-only, even for direct SQL', async (t) => {
  const app = await buildTestApp(t)
  await loginAs(app, 'admin')
  await t.rejects(app.db.execute(sql`update audit_log set action = 'forged'`))
  await t.rejects(app.db.execute(sql`delete from audit_log`))
  const rows = await queryRows<{ action: string }>(app.db, sql`select action from audit_log`)
  t.same(rows.map((row) => row.action), ['user.create'])
})

t.test('first start creates one admin, from the configured password or a random one', async (t) => {
  const app = await buildTestApp(t)
  const first = await ensureAdmin(app.db, systemActor, 'admin', undefined)
  t.equal(first.created, true)
  t.type(first.generatedPassword, 'string')
  const generated = await login(app, 'admin', first.generatedPassword!)
  t.equal(generated.statusCode, 200)
  // Printed to the log, so temporary: nothing but choosing a new one until it is changed.
  t.equal(generated.json().user.mustChangePassword, true)
  const headers = { authorization: `Bearer ${generated.json().token as string}` }
  t.equal((await app.inject({ method: 'GET', url: '/units', headers })).json().code, 'PASSWORD_CHANGE_REQUIRED')
  const changed = await app.inject({ method: 'POST', url: '/auth/password', headers, payload: { oldPassword: first.generatedPassword, newPassword: 'Sở Nội vụ đổi mật khẩu 2026' } })
  t.equal(changed.statusCode, 204)
  const fresh = await login(app, 'admin', 'Sở Nội vụ đổi mật khẩu 2026')
  t.equal((await app.inject({ method: 'GET', url: '/units', headers: { authorization: `Bearer ${fresh.json().token as string}` } })).statusCode, 200)
  const again = await ensureAdmin(app.db, systemActor, 'admin2', 'configured pw')
  t.same(again, { created: false }, 'no second admin when one exists')

  const other = await buildTestApp(t)
  const configured = await ensureAdmin(other.db, systemActor, 'sonoivu', 'configured pw')
  t.same(configured, { created: true })
  const chosen = await login(other, 'sonoivu', 'configured pw')
  t.equal(chosen.statusCode, 200)
  t.equal(chosen.json().user.mustChangePassword, false, 'a password the operator chose is theirs to keep')
})
