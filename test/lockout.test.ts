// The login lockout under attack: parallel wrong passwords cannot slip past it, a stranger cannot keep the owner out
// from elsewhere nor renew a lock by failing during it, and a stolen token cannot guess the current password.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs, TEST_PASSWORD } from './helpers/auth.js'

type App = Awaited<ReturnType<typeof buildTestApp>>
const ATTACKER = '198.51.100.66'
const OWNER = '203.0.113.5'

const login = (app: App, username: string, password: string, remoteAddress = ATTACKER) =>
  app.inject({ method: 'POST', url: '/auth/login', remoteAddress, payload: { username, password } })

async function failuresOf (app: App, username: string) {
  return queryRows<{ address: string, failures: number, locked: boolean }>(app.db,
    sql`select address, failures, coalesce(locked_until > now(), false) as locked from login_failures where username = ${username} order by address`)
}

t.test('eighteen wrong passwords at once lock the username: at most four of them are even answered 401', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_MAX_FAILURES: 5, LOGIN_RATE_PER_MINUTE: 1000 } })
  await loginAs(app, 'viewer', { username: 'target' })
  const answers = await Promise.all(Array.from({ length: 18 }, (_, i) => login(app, 'target', `guess-${i}`)))
  const statuses = answers.map((answer) => answer.statusCode)
  t.ok(statuses.filter((status) => status === 401).length <= 4, `401 ×${statuses.filter((status) => status === 401).length}`)
  t.equal(statuses.filter((status) => status === 429).length + statuses.filter((status) => status === 401).length, 18)
  const [row] = await failuresOf(app, 'target')
  t.equal(row?.failures, 18, 'every attempt is counted')
  t.equal(row?.locked, true)
  t.equal((await login(app, 'target', TEST_PASSWORD)).statusCode, 429, 'the right password is refused from that address')
})

t.test('the right password sent among many parallel guesses is checked only if it is among the first five: no burst gets a sixth password checked', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_MAX_FAILURES: 5, LOGIN_RATE_PER_MINUTE: 1000 } })
  await loginAs(app, 'viewer', { username: 'nanvi' })
  for (let burst = 0; burst < 3; burst++) {
    await app.db.execute(sql`delete from login_failures`)
    const guesses = Array.from({ length: 27 }, (_, i) => login(app, 'nanvi', `guess-${burst}-${i}`))
    const answers = await Promise.all([...guesses, login(app, 'nanvi', TEST_PASSWORD)])
    const statuses = answers.map((answer) => answer.statusCode)
    const checked = statuses.filter((status) => status === 401 || status === 200).length
    t.ok(checked <= 5, `burst ${burst}: ${checked} passwords checked (401 ×${statuses.filter((s) => s === 401).length}, 200 ×${statuses.filter((s) => s === 200).length})`)
    t.equal(statuses.filter((status) => status === 429).length, 28 - checked, 'every other one is refused as locked')
  }
})

t.test('a lock holds for the address that failed: the owner logs in from elsewhere, and failures during it renew nothing', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_MAX_FAILURES: 3, LOGIN_RATE_PER_MINUTE: 1000 } })
  await loginAs(app, 'admin', { username: 'quantri' })
  for (let i = 0; i < 3; i++) await login(app, 'quantri', `guess-${i}`)
  t.equal((await login(app, 'quantri', 'guess-x')).json().code, 'LOGIN_LOCKED')
  const [before] = await queryRows<{ locked_until: string }>(app.db, sql`select locked_until::text from login_failures where username = 'quantri'`)
  for (let i = 0; i < 3; i++) t.equal((await login(app, 'quantri', `guess-more-${i}`)).statusCode, 429)
  const [after] = await queryRows<{ locked_until: string }>(app.db, sql`select locked_until::text from login_failures where username = 'quantri'`)
  t.equal(after?.locked_until, before?.locked_until, 'failing during the lock does not extend it')

  const owner = await login(app, 'quantri', TEST_PASSWORD, OWNER)
  t.equal(owner.statusCode, 200, 'the owner, from another address, is not locked out')
  t.same((await failuresOf(app, 'quantri')).map((row) => row.address), [ATTACKER], 'only the attacker\'s address is locked')

  // The lock ends: the count starts again from one, it does not lock at the next failure.
  await app.db.execute(sql`update login_failures set locked_until = now() - interval '1 second'`)
  t.equal((await login(app, 'quantri', 'guess-after')).statusCode, 401)
  t.same((await failuresOf(app, 'quantri')).map((row) => [row.failures, row.locked]), [[1, false]])
})

t.test('guessing the current password with a stolen token is counted and locked like logins', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_MAX_FAILURES: 3 } })
  const victim = await loginAs(app, 'viewer', { username: 'canbo' })
  const change = (oldPassword: string) => app.inject({
    method: 'POST', url: '/auth/password', remoteAddress: ATTACKER, headers: victim.headers, payload: { oldPassword, newPassword: 'Mat-khau-moi-rat-dai-2026' }
  })
  const answers = await Promise.all([change('guess-1'), change('guess-2'), change('guess-3'), change('guess-4'), change('guess-5')])
  const statuses = answers.map((answer) => answer.statusCode).sort()
  t.ok(statuses.filter((status) => status === 422).length <= 2, `wrong-password answers: ${statuses.join(', ')}`)
  // The right one among a burst of guesses is not checked once the lock is reached, wherever it lands.
  await app.db.execute(sql`delete from login_failures`)
  const burst = await Promise.all([...Array.from({ length: 20 }, (_, i) => change(`again-${i}`)), change(TEST_PASSWORD)])
  const checked = burst.filter((answer) => answer.statusCode === 422 || answer.statusCode === 204).length
  t.ok(checked <= 3, `${checked} current passwords checked in a burst of 21`)
  t.ok(statuses.includes(429), 'the guesses end in a lock')
  t.equal((await change(TEST_PASSWORD)).statusCode, 429, 'even the right one is refused from that address while locked')
  t.equal((await login(app, 'canbo', TEST_PASSWORD, OWNER)).statusCode, 200, 'the owner still logs in from elsewhere')
})
