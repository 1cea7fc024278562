// A password an admin sets as temporary (a new account, a reset) is its owner's to change before anything else: until
// then every route but the password change, /auth/me and logout answers 403 PASSWORD_CHANGE_REQUIRED; the change
// lifts it. Without the flag an account works at once, as before.
import t from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

const FIRST = 'Mật khẩu tạm của Sở 2026'
const OWN = 'Hoa sen nở giữa đầm 2026'
const RESET = 'Mật khẩu cấp lại lần hai 2026'

async function logIn (app: App, username: string, password: string) {
  const answer = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
  t.equal(answer.statusCode, 200, `${username} logs in`)
  const body = answer.json()
  return { headers: { authorization: `Bearer ${body.token as string}` }, user: body.user as { id: string, mustChangePassword: boolean } }
}

/** An account created by the admin through the API, with the first password given. */
const createAccount = (app: App, admin: { headers: Record<string, string> }, account: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { password: FIRST, ...account } })

t.test('a temporary password opens only the password change until its owner changes it', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const created = await createAccount(app, admin, { username: 'chuyen-vien-moi', displayName: 'Chuyên viên mới', role: 'viewer', mustChangePassword: true })
  t.equal(created.statusCode, 201)
  t.equal(created.json().mustChangePassword, true, 'the new account says so')
  const listed = (await app.inject({ method: 'GET', url: '/users?role=viewer', headers: admin.headers })).json().items
  t.equal(listed.find((user: { username: string }) => user.username === 'chuyen-vien-moi')?.mustChangePassword, true, 'and so does the list')

  const first = await logIn(app, 'chuyen-vien-moi', FIRST)
  t.equal(first.user.mustChangePassword, true, 'the login tells the client')
  const me = await app.inject({ method: 'GET', url: '/auth/me', headers: first.headers })
  t.equal(me.statusCode, 200)
  t.equal(me.json().mustChangePassword, true)
  for (const url of ['/rounds', '/units', '/catalogs', '/me/notifications']) {
    const refused = await app.inject({ method: 'GET', url, headers: first.headers })
    t.equal(refused.statusCode, 403, `${url} waits for the change`)
    t.equal(refused.json().code, 'PASSWORD_CHANGE_REQUIRED')
    t.match(refused.json().detail, /POST \/auth\/password/, 'the answer says what to do')
  }
  // The change needs the temporary password, and a new one: repeating it is refused and changes nothing.
  const same = await app.inject({ method: 'POST', url: '/auth/password', headers: first.headers, payload: { oldPassword: FIRST, newPassword: FIRST } })
  t.equal(same.statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: '/rounds', headers: first.headers })).json().code, 'PASSWORD_CHANGE_REQUIRED', 'still required')
  t.equal((await app.inject({ method: 'POST', url: '/auth/password', headers: first.headers, payload: { oldPassword: FIRST, newPassword: OWN } })).statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: first.headers })).statusCode, 401, 'the change ends the session')

  const own = await logIn(app, 'chuyen-vien-moi', OWN)
  t.equal(own.user.mustChangePassword, false)
  t.equal((await app.inject({ method: 'GET', url: '/rounds', headers: own.headers })).statusCode, 200, 'everything the role allows is open')

  // A reset can make the password temporary again; the audit says so, never the password.
  const reset = await app.inject({ method: 'POST', url: `/users/${own.user.id}/reset-password`, headers: admin.headers, payload: { newPassword: RESET, mustChangePassword: true } })
  t.equal(reset.statusCode, 204)
  const again = await logIn(app, 'chuyen-vien-moi', RESET)
  t.equal(again.user.mustChangePassword, true)
  t.equal((await app.inject({ method: 'GET', url: '/rounds', headers: again.headers })).json().code, 'PASSWORD_CHANGE_REQUIRED')
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: again.headers })).statusCode, 204, 'logging out is open')
  const [audited] = await queryRows<{ before: unknown, after: unknown }>(app.db, sql`
    select before, after from audit_log where entity_id = ${own.user.id} and action = 'user.reset_password'`)
  t.same(audited, { before: { password: '[redacted]', mustChangePassword: false }, after: { password: '[changed]', mustChangePassword: true } })
})

t.test('without the flag a password given by an admin works at once, on creation and on reset', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const created = await createAccount(app, admin, { username: 'tham-dinh-moi', displayName: 'Thành viên Tổ thẩm định', role: 'appraiser' })
  t.equal(created.json().mustChangePassword, false)
  const first = await logIn(app, 'tham-dinh-moi', FIRST)
  t.equal((await app.inject({ method: 'GET', url: '/catalogs', headers: first.headers })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/users/${first.user.id}/reset-password`, headers: admin.headers, payload: { newPassword: RESET } })).statusCode, 204)
  const reset = await logIn(app, 'tham-dinh-moi', RESET)
  t.equal(reset.user.mustChangePassword, false)
  t.equal((await app.inject({ method: 'GET', url: '/catalogs', headers: reset.headers })).statusCode, 200)
})
