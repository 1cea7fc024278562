// The password rule for passwords people choose through the API (new accounts, resets, one's own change): the weak ones
// the issue found are refused with 400 WEAK_PASSWORD, a Vietnamese reason and the field; a strong one is taken.
import t from 'tap'
import { passwordWeakness } from '../server/services/password-policy.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs, TEST_PASSWORD } from './helpers/auth.js'

t.test('the rule itself: length, the username, the current password, and guessability', async (t) => {
  for (const weak of ['12345678', 'password', '        ', '           ', 'passwordpassword', 'qwertyuiop', 'thanhhoa2026', 'chuyenvien', 'chuyenvien2026']) {
    const reason = passwordWeakness(weak, { username: 'chuyenvien' })
    t.ok(reason !== null && reason.vi.startsWith('Mật khẩu') && reason.en.startsWith('The'), `${JSON.stringify(weak)} is refused, with a reason in both languages`)
  }
  t.match(passwordWeakness('12345678', { username: 'x' })?.vi, /ít nhất 10 ký tự/)
  t.match(passwordWeakness('12345678', { username: 'x' })?.en, /at least 10 characters/)
  t.match(passwordWeakness('          Xy7#kq  ', { username: 'x' })?.vi, /ít nhất 10 ký tự, không tính khoảng trắng ở đầu và cuối/, 'padding spaces do not make a password long')
  t.match(passwordWeakness('            ', { username: 'x' })?.vi, /ít nhất 10 ký tự/, 'nor do spaces alone')
  t.match(passwordWeakness('Chuyenvien-2026!', { username: 'chuyenvien' })?.vi, /tên đăng nhập/)
  t.match(passwordWeakness('Hoa-sen-no-muon-2026', { username: 'x', current: 'Hoa-sen-no-muon-2026' })?.vi, /khác mật khẩu hiện tại/)
  t.equal(passwordWeakness('Hoa-sen-no-muon-2026', { username: 'chuyenvien' }), null)
  t.equal(passwordWeakness('Ba con voi xanh 2026', { username: 'chuyenvien' }), null)
})

t.test('through the API: new accounts, resets and changes refuse weak passwords and name the field', async (t) => {
  // The web app asks for Vietnamese; the reasons come in it.
  const app = await buildTestApp(t, { config: { DEFAULT_LANGUAGE: 'vi' } })
  const admin = await loginAs(app, 'admin')
  const create = (password: string) => app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'chuyenvien', displayName: 'Chuyên viên', role: 'viewer', password } })
  for (const weak of ['12345678', 'password', '        ', 'chuyenvien', 'passwordpassword']) {
    const refused = await create(weak)
    t.equal(refused.statusCode, 400, JSON.stringify(weak))
    t.equal(refused.json().code, 'WEAK_PASSWORD')
    t.match(refused.json().errors, [{ pointer: '/password', message: /Mật khẩu/ }])
  }
  const created = await create('Hoa-sen-no-muon-2026')
  t.equal(created.statusCode, 201)

  const reset = await app.inject({ method: 'POST', url: `/users/${created.json().id}/reset-password`, headers: admin.headers, payload: { newPassword: '1234567890' } })
  t.equal(reset.statusCode, 400)
  t.match(reset.json(), { code: 'WEAK_PASSWORD', errors: [{ pointer: '/newPassword' }] })

  const viewer = await loginAs(app, 'viewer', { username: 'nguoixem' })
  const change = (newPassword: string) => app.inject({ method: 'POST', url: '/auth/password', headers: viewer.headers, payload: { oldPassword: TEST_PASSWORD, newPassword } })
  const same = await change(TEST_PASSWORD)
  t.equal(same.statusCode, 400)
  t.match(same.json().detail, /khác mật khẩu hiện tại/)
  t.equal((await change('nguoixem-2026')).json().code, 'WEAK_PASSWORD', 'the username inside is refused')
  t.equal((await change('Ba con voi xanh 2026')).statusCode, 204)
})
