// Problem documents in the client's language: Vietnamese by default, English on request, from one message table per
// code (titles), per validation keyword and per rule, never English text for the web app to translate.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { smallCatalog } from './helpers/catalogs.js'
import { keywordMessage } from '../server/messages/validation.js'
import { negotiateLanguage } from '../server/messages/text.js'

const round = { code: '2020', title: 'Kỳ đánh giá năm 2020', year: 2020 }

t.test('with no Accept-Language a conflict and a not-found are said in Vietnamese; English on request', async (t) => {
  const app = await buildTestApp(t, { config: { DEFAULT_LANGUAGE: 'vi' } })
  const admin = await loginAs(app, 'admin')
  t.equal((await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: round })).statusCode, 201)

  const vi = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: round })
  t.equal(vi.statusCode, 409)
  t.equal(vi.headers['content-language'], 'vi')
  t.match(vi.headers.vary, /Accept-Language/)
  t.match(vi.json(), { code: 'CONFLICT', title: 'Yêu cầu xung đột với dữ liệu hiện có', detail: 'Đã có kỳ đánh giá mã 2020.' })

  const en = await app.inject({ method: 'POST', url: '/rounds', headers: { ...admin.headers, 'accept-language': 'en-US,en;q=0.9' }, payload: round })
  t.equal(en.headers['content-language'], 'en')
  t.match(en.json(), { code: 'CONFLICT', title: 'The request conflicts with the current state', detail: 'A round with the code 2020 exists already.' })

  const missing = await app.inject({ method: 'GET', url: '/rounds/00000000-0000-4000-8000-000000000000', headers: { ...admin.headers, 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.8' } })
  t.match(missing.json(), { code: 'NOT_FOUND', detail: 'Không tìm thấy kỳ đánh giá.' })
  const french = await app.inject({ method: 'GET', url: '/rounds/00000000-0000-4000-8000-000000000000', headers: { ...admin.headers, 'accept-language': 'fr-FR' } })
  t.match(french.json(), { detail: 'Không tìm thấy kỳ đánh giá.' }, 'a language the API does not speak gets the default')
})

t.test('the default language is a setting: DEFAULT_LANGUAGE=en answers English to clients that state none', async (t) => {
  const app = await buildTestApp(t, { config: { DEFAULT_LANGUAGE: 'en' } })
  const anonymous = await app.inject({ method: 'GET', url: '/rounds' })
  t.match(anonymous.json(), { code: 'UNAUTHENTICATED', title: 'Authentication is required' })
  const vi = await app.inject({ method: 'GET', url: '/rounds', headers: { 'accept-language': 'vi' } })
  t.match(vi.json(), { code: 'UNAUTHENTICATED', title: 'Cần đăng nhập' })
  t.match(vi.json().detail, /đăng nhập/)
})

t.test('validation problems carry the keyword and params and a message in the chosen language', async (t) => {
  const app = await buildTestApp(t, { config: { DEFAULT_LANGUAGE: 'vi' } })
  const admin = await loginAs(app, 'admin')
  const bad = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: '', year: 'năm' } })
  t.equal(bad.statusCode, 400)
  const body = bad.json()
  t.equal(body.code, 'VALIDATION_FAILED')
  const byPointer = Object.fromEntries(body.errors.map((e: { pointer: string }) => [e.pointer, e]))
  t.match(byPointer['/title'], { keyword: 'required', message: 'bắt buộc nhập' })
  t.match(body.errors.find((e: { pointer: string, keyword: string }) => e.pointer === '/code' && e.keyword === 'minLength'), { params: { limit: 1 }, message: 'phải có ít nhất 1 ký tự' })
  t.match(byPointer['/year'], { keyword: 'type', message: 'phải là số nguyên' })
  t.notMatch(body.detail, /must/, 'the detail has no English')

  const en = await app.inject({ method: 'POST', url: '/rounds', headers: { ...admin.headers, 'accept-language': 'en' }, payload: { code: '', year: 'năm' } })
  t.match(en.json().errors.find((e: { pointer: string }) => e.pointer === '/title'), { keyword: 'required', message: /must have required property/ })
})

t.test('catalog rule problems, as the publish refusal lists them, are said in Vietnamese with the figures', async (t) => {
  const app = await buildTestApp(t, { config: { DEFAULT_LANGUAGE: 'vi' } })
  const admin = await loginAs(app, 'admin')
  const doc = smallCatalog()
  // 1.2 says 30 but its children add up to 30 - 20 + 15 = 25.
  const children = (doc.nodes[0]?.children?.[1]?.children ?? [])
  if (children[1]) children[1].maxPoints = 15
  if (children[1]?.scoring?.method === 'bands') children[1].scoring.bands[0] = { min: 95, points: 15 }
  const imported = await app.inject({ method: 'POST', url: '/catalogs/import', headers: admin.headers, payload: doc })
  t.equal(imported.statusCode, 422, 'the import refuses a catalog that breaks the rules')
  const body = imported.json()
  t.equal(body.code, 'IMPORT_INVALID')
  t.match(body.detail, /Tệp bộ tiêu chí có \d+ vấn đề/)
  const sum = body.errors.find((e: { rule: string }) => e.rule === 'parent_sum_mismatch')
  t.match(sum, { nodeCode: '1.2', message: 'Nút 1.2 có điểm tối đa 30 nhưng tổng điểm tối đa các nút con là 25.' })
  const english = await app.inject({ method: 'POST', url: '/catalogs/import', headers: { ...admin.headers, 'accept-language': 'en' }, payload: doc })
  t.match(english.json().errors.find((e: { rule: string }) => e.rule === 'parent_sum_mismatch'), { message: 'Node 1.2 has maxPoints 30 but its children add up to 25.' })
})

t.test('the keyword table and the language choice', async (t) => {
  t.same(keywordMessage('maxLength', { limit: 200 }), { en: 'must NOT have more than 200 characters', vi: 'không được dài quá 200 ký tự' })
  t.equal(keywordMessage('format', { format: 'email' }).vi, 'không đúng định dạng địa chỉ email')
  t.equal(keywordMessage('somethingNew', {}, 'is odd').en, 'is odd', 'an unknown keyword keeps the validator\'s own words')
  t.equal(negotiateLanguage(undefined, 'vi'), 'vi')
  t.equal(negotiateLanguage('en;q=0.5, vi;q=0.6', 'en'), 'vi', 'the higher quality wins')
  t.equal(negotiateLanguage('*', 'en'), 'en', 'no preference: the default')
  t.equal(negotiateLanguage('de, en;q=0.1', 'vi'), 'en', 'a weak English beats the default')
})
