// Inputs found answering 500: a NUL byte in any text, a lone surrogate, numbers past what the database holds, a year
// 0000, multipart bodies without a boundary or that are not multipart. Each must be a 4xx problem naming the field,
// and change nothing.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { openRoundForOfficer } from './helpers/rounds.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

async function counts (app: App) {
  const [row] = await queryRows<Record<string, number>>(app.db, sql`select
    (select count(*)::int from audit_log) as audit, (select count(*)::int from units) as units, (select count(*)::int from users) as users,
    (select count(*)::int from evidence_files) as files, (select count(*)::int from self_assessment_entries) as entries`)
  return row
}

t.test('hostile values are refused at the schema with a 4xx problem, and nothing changes', async (t) => {
  const app = await buildTestApp(t)
  const { admin, round, unitId, officer } = await openRoundForOfficer(app)
  const before = await counts(app)
  const lone = '\uD800'
  const cases: Array<{ name: string, method: 'GET' | 'POST' | 'PATCH', url: string, who?: typeof admin | null, payload?: unknown, headers?: Record<string, string>, field?: RegExp }> = [
    { name: 'NUL in a unit name', method: 'POST', url: '/units', payload: { code: 'X-NUL', name: 'Sở\u0000Nội vụ', unitType: 'department' }, field: /\/name/ },
    { name: 'NUL in ?q=', method: 'GET', url: '/units?q=%00' },
    { name: 'NUL in /audit?entityId=', method: 'GET', url: '/audit?entityId=%00' },
    { name: 'NUL in /audit?action=', method: 'GET', url: '/audit?action=a%00b' },
    { name: 'lone surrogate in an explanation', method: 'PATCH', url: `/rounds/${round.id}/units/${unitId}/self-assessment`, who: officer, headers: { 'if-match': '"0"' }, payload: { entries: [{ leafCode: '1.1.1', explanation: `Giải trình ${lone}` }] }, field: /explanation/ },
    { name: 'offset=1e20', method: 'GET', url: '/units?offset=1e20' },
    { name: 'offset=2^63', method: 'GET', url: '/units?offset=9223372036854775808' },
    { name: 'limit=-1', method: 'GET', url: '/units?limit=-1' },
    { name: '/audit?from=0000-01-01', method: 'GET', url: '/audit?from=0000-01-01T00:00:00Z' },
    { name: 'version=2147483648 on a public route', method: 'GET', url: `/public/rounds/${round.id}/results/department?version=2147483648`, who: null },
    { name: '%00 as a public route parameter', method: 'GET', url: `/public/rounds/${round.id}/results/%00`, who: null },
    { name: 'a number past integers in a body', method: 'POST', url: '/units', payload: { code: 'X-BIG', name: 'Đơn vị', unitType: 'department', year: 1e300 } }
  ]
  for (const item of cases) {
    const who = item.who === undefined ? admin : item.who
    const response = await app.inject({ method: item.method, url: item.url, headers: { ...(who?.headers ?? {}), ...(item.headers ?? {}) }, ...(item.payload === undefined ? {} : { payload: item.payload as object }) })
    t.ok(response.statusCode >= 400 && response.statusCode < 500, `${item.name}: ${response.statusCode} ${response.body.slice(0, 200)}`)
    t.match(String(response.headers['content-type']), /application\/problem\+json/, item.name)
    if (item.field) t.match(JSON.stringify(response.json().errors ?? []), item.field, `${item.name}: the field is named`)
  }

  const files = `/rounds/${round.id}/units/${unitId}/self-assessment/files`
  for (const [name, contentType, body] of [
    ['multipart without a boundary', 'multipart/form-data', 'abc'],
    ['multipart with a boundary never met', 'multipart/form-data; boundary=xyz', 'not multipart at all'],
    ['multipart cut off before its closing boundary', 'multipart/form-data; boundary=XB', '--XB\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\n'],
    ['not multipart', 'application/octet-stream', '%PDF-1.4'],
    ['JSON instead of a file', 'application/json', '{"file":"x"}']
  ] as const) {
    const response = await app.inject({ method: 'POST', url: files, headers: { ...officer.headers, 'content-type': contentType }, payload: body })
    t.ok(response.statusCode >= 400 && response.statusCode < 500, `${name}: ${response.statusCode} ${response.body.slice(0, 200)}`)
    t.match(String(response.headers['content-type']), /application\/problem\+json/, name)
  }
  t.same(await counts(app), before, 'nothing was written, not even an audit row')
})

t.test('names read as they are: a right-to-left override, a control character or a line break in a name is refused, naming the field; Vietnamese names pass', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const before = await counts(app)
  const attempts = [
    { url: '/units', method: 'POST' as const, payload: { code: 'XSS-1', name: '\u202Eevil.exe', unitType: 'department' }, pointer: '/name' },
    { url: '/units', method: 'POST' as const, payload: { code: 'XSS-2', name: 'Sở Tư pháp', shortName: 'STP\u0007', unitType: 'department' }, pointer: '/shortName' },
    { url: '/users', method: 'POST' as const, payload: { username: 'bidi.user', displayName: 'Nguyễn\u2066 Văn A', role: 'viewer', password: 'Ba con voi xanh 2026' }, pointer: '/displayName' },
    { url: '/rounds', method: 'POST' as const, payload: { code: 'R-1', title: 'Kỳ 2027\nthứ hai', year: 2027 }, pointer: '/title' }
  ]
  for (const attempt of attempts) {
    const response = await app.inject({ method: attempt.method, url: attempt.url, headers: { ...admin.headers, 'accept-language': 'vi' }, payload: attempt.payload })
    t.equal(response.statusCode, 400, `${attempt.url} ${attempt.pointer}`)
    t.match(response.json().errors, [{ pointer: attempt.pointer, keyword: 'pattern', message: /ký tự hoặc dạng không được phép/ }])
  }
  t.same(await counts(app), before, 'nothing was written')
  const fine = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'SO-TEST', name: 'Sở Văn hóa, Thể thao và Du lịch (thử)', shortName: 'Sở VHTTDL', unitType: 'department' } })
  t.equal(fine.statusCode, 201, 'a Vietnamese name with diacritics and punctuation passes')
})

t.test('a query value far past any code is refused by its length, not repeated back in the answer', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const long = 'x'.repeat(5000)
  for (const url of [`/catalogs?unitType=${long}`, `/catalogs?code=${long}`, `/rounds/00000000-0000-4000-8000-000000000000/results?unitType=${long}`]) {
    const response = await app.inject({ method: 'GET', url, headers: admin.headers })
    t.equal(response.statusCode, 400, url.slice(0, 40))
    t.match(response.json().errors, [{ keyword: 'maxLength', params: { limit: 64 } }])
    t.ok(response.body.length < 2000, 'the value is not echoed')
  }
})
