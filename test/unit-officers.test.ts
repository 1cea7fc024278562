// The units' officer accounts made in one go: one per active unit without an officer, named after its code, each with
// its own temporary password shown once and changed at the first login; units that have one, or whose username is
// taken in any case, are skipped and said so; a bad list changes nothing.
import t from 'tap'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { loadReferenceData } from './helpers/rounds.js'

interface Created { unit: { id: string, code: string, unitType: string }, user: { id: string, username: string, role: string, unitId: string, mustChangePassword: boolean }, password: string }

t.test('every unit without an officer gets one with a temporary password, once', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const create = (payload: object) => app.inject({ method: 'POST', url: '/users/unit-officers', headers: admin.headers, payload })
  const officerCount = async () => Number((await queryRows<{ n: number }>(app.db, sql`select count(*)::int as n from users where role = 'unit_officer'`))[0]?.n)

  // A list naming something that is not an active unit is refused whole, naming the entry.
  const soTp = data.units.get('SO-TP') as string
  const soTc = data.units.get('SO-TC') as string
  t.equal((await app.inject({ method: 'POST', url: `/units/${soTc}/deactivate`, headers: admin.headers })).statusCode, 200)
  const refused = await create({ unitIds: [soTp, soTc, '00000000-0000-4000-8000-000000000000'] })
  t.equal(refused.statusCode, 400)
  t.same(refused.json().errors.map((error: { pointer: string }) => error.pointer), ['/unitIds/1', '/unitIds/2'])
  t.equal(await officerCount(), 0, 'nothing was created')

  // The districts.
  const districts = await create({ unitType: 'district' })
  t.equal(districts.statusCode, 200)
  t.equal(districts.headers['cache-control'], 'no-store')
  const created: Created[] = districts.json().created
  t.equal(created.length, 27)
  t.same(districts.json().skipped, [])
  t.ok(created.every((line) => line.unit.unitType === 'district' && line.user.username === line.unit.code.toLowerCase() &&
    line.user.role === 'unit_officer' && line.user.unitId === line.unit.id && line.user.mustChangePassword), 'named after the unit, bound to it, temporary')
  t.ok(created.every((line) => /^[A-HJ-NP-Za-km-z2-9]{4}-[A-HJ-NP-Za-km-z2-9]{4}-[A-HJ-NP-Za-km-z2-9]{4}$/.test(line.password)), 'passwords to read on paper')
  t.equal(new Set(created.map((line) => line.password)).size, 27, 'each its own password')

  // An officer logs in with theirs, must change it, then works for their unit.
  const dongSon = created.find((line) => line.unit.code === 'H-DONG-SON') as Created
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'h-dong-son', password: dongSon.password } })
  t.equal(login.statusCode, 200)
  const headers = { authorization: `Bearer ${login.json().token as string}` }
  t.equal((await app.inject({ method: 'GET', url: `/units/${dongSon.unit.id}/rounds`, headers })).json().code, 'PASSWORD_CHANGE_REQUIRED')
  t.equal((await app.inject({ method: 'POST', url: '/auth/password', headers, payload: { oldPassword: dongSon.password, newPassword: 'Sông Mã chảy qua Đông Sơn 2026' } })).statusCode, 204)
  const own = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'h-dong-son', password: 'Sông Mã chảy qua Đông Sơn 2026' } })
  t.equal((await app.inject({ method: 'GET', url: `/units/${dongSon.unit.id}/rounds`, headers: { authorization: `Bearer ${own.json().token as string}` } })).statusCode, 200)

  // Then every unit: the departments get theirs; the districts have one; a username taken in capitals is left alone.
  t.equal((await app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'SO-TP', displayName: 'Trùng tên', role: 'viewer', password: 'Một mật khẩu đủ mạnh 2026' } })).statusCode, 201)
  const rest = await create({})
  const skipped = rest.json().skipped as Array<{ unit: { code: string }, reason: string, username: string }>
  t.equal(skipped.filter((line) => line.reason === 'has_officer').length, 27)
  t.same(skipped.filter((line) => line.reason === 'username_taken'), [{ unit: { ...skipped.find((line) => line.unit.code === 'SO-TP')?.unit }, reason: 'username_taken', username: 'so-tp' }])
  const departments: Created[] = rest.json().created
  t.equal(departments.length, 18, 'the active departments but SO-TP (taken) and SO-TC (inactive)')
  t.notOk(departments.some((line) => ['SO-TP', 'SO-TC'].includes(line.unit.code)))
  t.equal(await officerCount(), 45)

  // Each account is audited as created; no password is kept anywhere but as a hash.
  const audited = await queryRows<{ after: { username: string, mustChangePassword: boolean } }>(app.db, sql`
    select after from audit_log where action = 'user.create' and after->>'role' = 'unit_officer'`)
  t.equal(audited.length, 45)
  t.ok(audited.every((row) => row.after.mustChangePassword && !('password' in row.after)))
  const leaked = await queryRows<{ n: number }>(app.db, sql`
    select count(*)::int as n from audit_log where after::text like ${`%${dongSon.password}%`} or before::text like ${`%${dongSon.password}%`}`)
  t.equal(leaked[0]?.n, 0)
})

t.test('an admin finds an account by part of its username or name, or by its unit\'s name or code, with or without diacritics', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  await loadReferenceData(app, admin)
  t.equal((await app.inject({ method: 'POST', url: '/users/unit-officers', headers: admin.headers, payload: {} })).statusCode, 200)
  const usernames = async (q: string) => {
    const answer = await app.inject({ method: 'GET', url: `/users?limit=100&q=${encodeURIComponent(q)}`, headers: admin.headers })
    t.equal(answer.statusCode, 200, q)
    return (answer.json().items as Array<{ username: string }>).map((user) => user.username).sort()
  }
  t.same(await usernames('so-tp'), ['so-tp'], 'by username')
  t.same(await usernames('Tư pháp'), ['so-tp'], 'by the unit\'s name')
  t.same(await usernames('tu phap'), ['so-tp'], 'without diacritics')
  t.same(await usernames('ĐÔNG SƠN'), ['h-dong-son'], 'any case, đ included')
  t.same(await usernames(admin.user.username), [admin.user.username], 'an account without a unit, by its username')
  t.ok((await usernames('test admin')).includes(admin.user.username), 'by its display name')
  t.same(await usernames('100%_'), [], 'wildcards match themselves')
  const page = await app.inject({ method: 'GET', url: '/users?limit=1&q=so-', headers: admin.headers })
  t.ok(page.json().total > 1, 'the total counts every match, not the page')
})
