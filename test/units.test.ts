// Unit types and units through the API: import of the 2020 units, Vietnamese search and order, validation, audit and access.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { fixturesDir } from '../server/paths.js'
import { buildTestApp } from './helpers/app.js'
import { apiKeyHeaders, loginAs } from './helpers/auth.js'

interface FixtureUnit { code: string, name: string, unitType: string, aliases: string[], shortName?: string }
interface ApiUnit { id: string, code: string, name: string, shortName: string | null, unitType: string, aliases: string[], active: boolean, createdAt: string, updatedAt: string }
type Headers = Record<string, string>

const fixture = JSON.parse(readFileSync(join(fixturesDir, 'units', 'thanh-hoa-units.json'), 'utf8')) as { format: string, province: string, units: FixtureUnit[] }
const copyOfFixture = () => JSON.parse(JSON.stringify(fixture)) as typeof fixture

// Independent of the service's normalization on purpose.
const ascii = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd')

async function importFixture (app: FastifyInstance, headers: Headers, document: unknown = fixture) {
  return app.inject({ method: 'POST', url: '/units/import', headers, payload: document as object })
}

async function listAll (app: FastifyInstance, headers: Headers, query = ''): Promise<{ items: ApiUnit[], total: number }> {
  const response = await app.inject({ method: 'GET', url: `/units?limit=500${query}`, headers })
  if (response.statusCode !== 200) throw new Error(`list failed: ${response.body}`)
  return response.json()
}

async function search (app: FastifyInstance, headers: Headers, q: string): Promise<ApiUnit[]> {
  return (await listAll(app, headers, `&q=${encodeURIComponent(q)}`)).items
}

/** A service of its own with the 2020 units imported, for a test that changes them. */
async function withImportedUnits (t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const response = await importFixture(app, admin.headers)
  if (response.statusCode !== 200) throw new Error(`import failed: ${response.body}`)
  return { app, admin, all: await listAll(app, admin.headers) }
}

async function auditOf (app: FastifyInstance, headers: Headers, entityId: string, entityType = 'unit') {
  const response = await app.inject({ method: 'GET', url: `/audit?entityType=${entityType}&entityId=${encodeURIComponent(entityId)}&limit=500`, headers })
  if (response.statusCode !== 200) throw new Error(`audit failed: ${response.body}`)
  return response.json().items as { action: string, before: any, after: any, reason: string | null, actorName: string }[]
}

// One field may fail several rules (an empty name is too short and blank); each field is named once here.
const pointersOf = (body: { errors?: { pointer: string }[] }) => [...new Set((body.errors ?? []).map((error) => error.pointer))].sort()

t.test('the 2020 units import, list, search and page in Vietnamese order', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')

  const first = await importFixture(app, admin.headers)
  t.equal(first.statusCode, 200, first.body)
  t.same(first.json(), { created: 47, updated: 0, unchanged: 0 })

  const all = await listAll(app, admin.headers)
  t.equal(all.total, 47)
  t.equal(all.items.length, 47)
  t.equal((await listAll(app, admin.headers, '&unitType=department')).total, 20, '20 departments')
  t.equal((await listAll(app, admin.headers, '&unitType=district')).total, 27, '27 districts')
  t.ok((await listAll(app, admin.headers, '&unitType=department')).items.every((unit) => unit.unitType === 'department'))
  t.equal((await listAll(app, admin.headers, '&active=true')).total, 47)
  t.equal((await listAll(app, admin.headers, '&active=false')).total, 0)

  const stored = all.items.find((unit) => unit.code === 'H-HOANG-HOA') as ApiUnit
  t.match(stored, { name: 'Huyện Hoằng Hóa', unitType: 'district', aliases: ['Huyện Hoàng Hóa'], shortName: null, active: true })
  t.notOk('searchText' in stored || 'sortKey' in stored, 'internal columns are not exposed')

  t.test('the list is in Intl.Collator(\'vi\') order of names', async (t) => {
    const names = all.items.map((unit) => unit.name)
    t.same(names, [...names].sort(new Intl.Collator('vi').compare))
    t.ok(names.indexOf('Sở Tư pháp') < names.indexOf('Văn phòng UBND tỉnh'))
    t.ok(names.indexOf('Huyện Đông Sơn') > names.indexOf('Huyện Cẩm Thủy'))
  })

  t.test('pages of 10 put together give the whole list', async (t) => {
    const pages: ApiUnit[] = []
    for (let offset = 0; offset < 47; offset += 10) {
      const response = await app.inject({ method: 'GET', url: `/units?limit=10&offset=${offset}`, headers: admin.headers })
      const body = response.json()
      t.match(body, { total: 47, limit: 10, offset })
      t.equal(body.items.length, Math.min(10, 47 - offset))
      pages.push(...body.items)
    }
    t.same(pages.map((unit) => unit.id), all.items.map((unit) => unit.id))
    const districtsPage = (await app.inject({ method: 'GET', url: '/units?unitType=district&limit=5&offset=25', headers: admin.headers })).json()
    t.equal(districtsPage.total, 27)
    t.equal(districtsPage.items.length, 2, 'the last page of districts has the 2 remaining')
    const bad = await app.inject({ method: 'GET', url: '/units?limit=0', headers: admin.headers })
    t.equal(bad.statusCode, 400)
    t.same(pointersOf(bad.json()), ['/limit'])
  })

  t.test('every unit is found by its name without diacritics, by each alias and by its code', async (t) => {
    for (const unit of fixture.units) {
      const stored = all.items.find((item) => item.code === unit.code) as ApiUnit
      const queries = [ascii(unit.name), ascii(unit.name).toUpperCase(), unit.name, ...unit.aliases, ...unit.aliases.map(ascii), unit.code, unit.code.toLowerCase()]
      for (const q of queries) {
        const found = await search(app, admin.headers, q)
        t.ok(found.some((item) => item.id === stored.id), `"${q}" finds ${unit.code}`)
      }
    }
  })

  t.test('search ignores diacritics and case, finds part of a name, and treats % and _ literally', async (t) => {
    t.same((await search(app, admin.headers, 'dong son')).map((unit) => unit.name), ['Huyện Đông Sơn'])
    t.same((await search(app, admin.headers, '  ĐÔNG   sơn ')).map((unit) => unit.name), ['Huyện Đông Sơn'], 'spaces are collapsed')
    t.same((await search(app, admin.headers, 'Hoàng Hóa')).map((unit) => unit.code), ['H-HOANG-HOA'], 'the report\'s misspelling finds the unit')
    const nghiSon = (await search(app, admin.headers, 'nghi son')).map((unit) => unit.code).sort()
    t.same(nghiSon, ['BQL-KKT', 'TX-NGHI-SON'])
    t.same((await listAll(app, admin.headers, '&q=son&unitType=department')).items.map((unit) => unit.code), ['BQL-KKT'], 'search combines with the type filter')
    t.equal((await search(app, admin.headers, 'so')).length > 20, true, 'a short query matches many')
    t.same(await search(app, admin.headers, '%'), [], '% is not a wildcard')
    t.same(await search(app, admin.headers, '_'), [], '_ is not a wildcard')
    t.same(await search(app, admin.headers, 'huyen % son'), [])
    t.same((await search(app, admin.headers, 'tu phap')).map((unit) => unit.code), ['SO-TP'])
    t.same(await search(app, admin.headers, 'phap so'), [], 'a match never spans the name and an alias (Sở Tư pháp, Sở Tư Pháp)')
    t.equal((await search(app, admin.headers, '   ')).length, 47, 'a blank query filters nothing')
  })

  // The two tests that change units each start from their own service, so neither depends on the other's order.
  t.test('re-importing the same file changes nothing and writes no audit rows', async (t) => {
    const { app, admin, all } = await withImportedUnits(t)
    const unit = all.items.find((item) => item.code === 'SO-TP') as ApiUnit
    const before = await auditOf(app, admin.headers, unit.id)
    t.equal(before.length, 1)
    t.match(before[0], { action: 'unit.create', before: null, after: { code: 'SO-TP', name: 'Sở Tư pháp' }, reason: /par-units\/1/ })
    const again = await importFixture(app, admin.headers)
    t.equal(again.statusCode, 200)
    t.same(again.json(), { created: 0, updated: 0, unchanged: 47 })
    t.equal((await auditOf(app, admin.headers, unit.id)).length, 1)
    const auditTotal = (await app.inject({ method: 'GET', url: '/audit?entityType=unit&limit=1', headers: admin.headers })).json().total
    t.equal(auditTotal, 47, 'one audit row per unit created, none for the re-import')
  })

  t.test('an import with changes updates changed units, creates new ones and leaves the rest', async (t) => {
    const { app, admin, all } = await withImportedUnits(t)
    const document = copyOfFixture()
    const justice = document.units.find((unit) => unit.code === 'SO-TP') as FixtureUnit
    justice.aliases = [...justice.aliases, 'STP']
    justice.shortName = 'Tư pháp'
    document.units.push({ code: 'X-PHUONG-1', name: 'UBND phường Điện Biên', unitType: 'district', aliases: [] })
    const response = await importFixture(app, admin.headers, document)
    t.equal(response.statusCode, 200, response.body)
    t.same(response.json(), { created: 1, updated: 1, unchanged: 46 })
    const unit = all.items.find((item) => item.code === 'SO-TP') as ApiUnit
    const rows = await auditOf(app, admin.headers, unit.id)
    t.equal(rows.length, 2)
    t.match(rows[0], { action: 'unit.update', before: { aliases: ['Sở Tư Pháp'], shortName: null }, after: { aliases: ['Sở Tư Pháp', 'STP'], shortName: 'Tư pháp' } })
    t.same((await search(app, admin.headers, 'stp')).map((found) => found.code), ['SO-TP'], 'the new alias is searchable')
    t.same((await search(app, admin.headers, 'dien bien')).map((found) => found.code), ['X-PHUONG-1'])
    t.equal((await listAll(app, admin.headers)).total, 48)
  })
})

t.test('a file of another of the service\'s formats is said in one sentence, in either import', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const asCatalog = await app.inject({ method: 'POST', url: '/catalogs/import', headers: { ...admin.headers, 'accept-language': 'vi' }, payload: fixture })
  t.equal(asCatalog.statusCode, 422)
  t.same(asCatalog.json().errors.map((problem: { pointer: string, message: string }) => [problem.pointer, problem.message]),
    [['/format', 'Tệp này là danh sách đơn vị (par-units/1), không phải bộ tiêu chí (par-catalog/1).']])
  const catalog = JSON.parse(readFileSync(join(fixturesDir, 'catalogs', 'thanh-hoa-2020-so-nganh.json'), 'utf8'))
  const asUnits = await app.inject({ method: 'POST', url: '/units/import', headers: { ...admin.headers, 'accept-language': 'en' }, payload: catalog })
  t.equal(asUnits.statusCode, 422)
  t.same(asUnits.json().errors.map((problem: { pointer: string, message: string }) => [problem.pointer, problem.message]),
    [['/format', 'This file is a catalog (par-catalog/1), not a list of units (par-units/1).']])
  t.equal((await listAll(app, admin.headers)).total, 0, 'nothing was imported')
})

t.test('a bad import lists every problem and creates nothing', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  t.equal((await importFixture(app, admin.headers)).statusCode, 200)
  const countBefore = (await listAll(app, admin.headers)).total

  const document = copyOfFixture()
  const units: unknown[] = document.units
  document.units[0]!.name = 'Sở Thông tin và Truyền thông (đổi tên)' // a valid change that must not be applied
  units[1] = { code: 'SO-GTVT', unitType: 'department' } // no name
  units[2] = { code: 'so ct', name: 'Sở Công Thương', unitType: 'department' } // bad code
  units[3] = { code: 'SO-KHDT', name: 'Sở Kế hoạch và Đầu tư', unitType: 'commune' } // unknown type
  units[4] = { code: 'SO-TTTT', name: 'Bản sao', unitType: 'department' } // repeats unit 0's code
  units[5] = { code: 'SO-TC', name: 'Sở Tài chính', unitType: 'department', alias: ['typo'] } // unknown member
  units[6] = { code: 'SO-NNPTNT', name: '   ', unitType: 'department', aliases: ['ok', 7] } // blank name, alias not a string
  units.push('not an object')
  units.push({ code: 'NEW-UNIT', name: 'Đơn vị mới', unitType: 'department' }) // valid, must not be created

  const response = await importFixture(app, admin.headers, document)
  t.equal(response.statusCode, 422, response.body)
  t.match(String(response.headers['content-type']), /^application\/problem\+json/)
  const body = response.json()
  t.equal(body.code, 'IMPORT_INVALID')
  t.same(pointersOf(body), [
    '/units/1/name',
    '/units/2/code',
    '/units/3/unitType',
    '/units/4/code',
    '/units/47',
    '/units/5/alias',
    '/units/6/aliases/1',
    '/units/6/name'
  ].sort())
  t.match(body.errors.find((error: { pointer: string }) => error.pointer === '/units/3/unitType'), { message: /commune/ })
  t.match(body.errors.find((error: { pointer: string }) => error.pointer === '/units/4/code'), { message: /\/units\/0/ })
  t.ok(body.errors.every((error: { message: string }) => typeof error.message === 'string' && error.message.length > 0))
  t.match(body.detail, /8 problems/)

  const after = await listAll(app, admin.headers)
  t.equal(after.total, countBefore, 'nothing was created')
  t.equal(after.items.find((unit) => unit.code === 'SO-TTTT')?.name, 'Sở Thông tin và Truyền thông', 'nothing was updated')
  t.equal((await app.inject({ method: 'GET', url: '/audit?entityType=unit&limit=1', headers: admin.headers })).json().total, 47, 'no audit rows')

  t.test('a document of the wrong format or shape is refused with its problems', async (t) => {
    const wrongFormat = await importFixture(app, admin.headers, { format: 'par-units/2', units: [] })
    t.equal(wrongFormat.statusCode, 422)
    t.same(pointersOf(wrongFormat.json()), ['/format'])
    t.match(wrongFormat.json().errors[0].message, /par-units\/1/)
    const noUnits = await importFixture(app, admin.headers, { format: 'par-units/1' })
    t.same(pointersOf(noUnits.json()), ['/units'])
    const notAnObject = await importFixture(app, admin.headers, ['par-units/1'])
    t.equal(notAnObject.statusCode, 422)
    t.same(pointersOf(notAnObject.json()), ['/'])
    const malformed = await app.inject({ method: 'POST', url: '/units/import', headers: { ...admin.headers, 'content-type': 'application/json' }, payload: '{"format":' })
    t.equal(malformed.statusCode, 400)
    t.equal(malformed.json().code, 'MALFORMED_JSON')
    t.equal((await listAll(app, admin.headers)).total, countBefore)
  })
})

t.test('an admin creates, reads, edits, deactivates and activates a unit, each change audited once', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')

  const created = await app.inject({
    method: 'POST',
    url: '/units',
    headers: admin.headers,
    payload: { code: 'SO-TTTT', name: ' Sở Thông tin và Truyền thông ', shortName: 'Sở TT&TT', unitType: 'department', aliases: ['Sở Thông tin & TT', ' Sở Thông tin & TT '] }
  })
  t.equal(created.statusCode, 201, created.body)
  const unit = created.json() as ApiUnit
  t.match(unit, { code: 'SO-TTTT', name: 'Sở Thông tin và Truyền thông', shortName: 'Sở TT&TT', unitType: 'department', aliases: ['Sở Thông tin & TT'], active: true })
  t.same((await app.inject({ method: 'GET', url: `/units/${unit.id}`, headers: admin.headers })).json(), unit)
  t.same((await search(app, admin.headers, 'so tt&tt')).map((found) => found.id), [unit.id], 'found by its short name')

  let audit = await auditOf(app, admin.headers, unit.id)
  t.equal(audit.length, 1)
  t.match(audit[0], { action: 'unit.create', before: null, after: unit, actorName: admin.user.username })

  const patched = await app.inject({
    method: 'PATCH',
    url: `/units/${unit.id}`,
    headers: admin.headers,
    payload: { name: 'Sở Khoa học và Công nghệ', code: 'SO-KHCN', shortName: null, aliases: [] }
  })
  t.equal(patched.statusCode, 200, patched.body)
  const renamed = patched.json() as ApiUnit
  t.match(renamed, { code: 'SO-KHCN', name: 'Sở Khoa học và Công nghệ', shortName: null, aliases: [], unitType: 'department' })
  audit = await auditOf(app, admin.headers, unit.id)
  t.equal(audit.length, 2)
  t.match(audit[0], { action: 'unit.update', before: { code: 'SO-TTTT', name: 'Sở Thông tin và Truyền thông', shortName: 'Sở TT&TT' }, after: { code: 'SO-KHCN', name: 'Sở Khoa học và Công nghệ', shortName: null } })
  t.same(await search(app, admin.headers, 'thong tin'), [], 'the old name is no longer found')
  t.same((await search(app, admin.headers, 'khoa hoc')).map((found) => found.id), [unit.id], 'the new name is found')

  const unchanged = await app.inject({ method: 'PATCH', url: `/units/${unit.id}`, headers: admin.headers, payload: { name: 'Sở Khoa học và Công nghệ' } })
  t.equal(unchanged.statusCode, 200)
  t.equal((await auditOf(app, admin.headers, unit.id)).length, 2, 'an edit that changes nothing writes no audit row')

  // The new name sorts by Vietnamese collation among others.
  for (const [code, name, unitType] of [['SO-YT', 'Sở Y tế', 'department'], ['SO-CT', 'Sở Công Thương', 'department'], ['H-DONG-SON', 'Huyện Đông Sơn', 'district']] as const) {
    t.equal((await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code, name, unitType } })).statusCode, 201)
  }
  t.same((await listAll(app, admin.headers)).items.map((found) => found.name), ['Huyện Đông Sơn', 'Sở Công Thương', 'Sở Khoa học và Công nghệ', 'Sở Y tế'])

  const deactivated = await app.inject({ method: 'POST', url: `/units/${unit.id}/deactivate`, headers: admin.headers })
  t.equal(deactivated.statusCode, 200)
  t.equal(deactivated.json().active, false)
  audit = await auditOf(app, admin.headers, unit.id)
  t.equal(audit.length, 3)
  t.match(audit[0], { action: 'unit.deactivate', before: { active: true }, after: { active: false } })
  t.same((await listAll(app, admin.headers, '&active=false')).items.map((found) => found.id), [unit.id])
  t.equal((await listAll(app, admin.headers, '&active=true')).total, 3)
  t.equal((await app.inject({ method: 'GET', url: `/units/${unit.id}`, headers: admin.headers })).json().active, false, 'an inactive unit is still readable')
  const again = await app.inject({ method: 'POST', url: `/units/${unit.id}/deactivate`, headers: admin.headers })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'CONFLICT')

  const activated = await app.inject({ method: 'POST', url: `/units/${unit.id}/activate`, headers: admin.headers })
  t.equal(activated.statusCode, 200)
  t.equal(activated.json().active, true)
  audit = await auditOf(app, admin.headers, unit.id)
  t.equal(audit.length, 4)
  t.match(audit[0], { action: 'unit.activate', before: { active: false }, after: { active: true } })

  const deleted = await app.inject({ method: 'DELETE', url: `/units/${unit.id}`, headers: admin.headers })
  t.equal(deleted.statusCode, 405, 'there is no DELETE route: a unit is deactivated, not deleted')
  t.equal(deleted.json().code, 'METHOD_NOT_ALLOWED')
  t.notMatch(String(deleted.headers.allow), /DELETE/, 'Allow names the methods there are')
  t.equal((await app.inject({ method: 'GET', url: `/units/${unit.id}`, headers: admin.headers })).statusCode, 200)

  t.test('a duplicate code is a conflict', async (t) => {
    const duplicate = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'SO-YT', name: 'Sở Y tế (2)', unitType: 'department' } })
    t.equal(duplicate.statusCode, 409)
    t.equal(duplicate.json().code, 'CONFLICT')
    t.match(duplicate.json().detail, /SO-YT/)
    const renameToTaken = await app.inject({ method: 'PATCH', url: `/units/${unit.id}`, headers: admin.headers, payload: { code: 'SO-YT' } })
    t.equal(renameToTaken.statusCode, 409)
    t.equal((await auditOf(app, admin.headers, unit.id)).length, 4)
  })

  t.test('validation errors name the fields', async (t) => {
    const unknownType = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'XA-1', name: 'Xã Một', unitType: 'commune' } })
    t.equal(unknownType.statusCode, 400)
    t.equal(unknownType.json().code, 'VALIDATION_FAILED')
    t.same(pointersOf(unknownType.json()), ['/unitType'])
    const patchUnknownType = await app.inject({ method: 'PATCH', url: `/units/${unit.id}`, headers: admin.headers, payload: { unitType: 'commune' } })
    t.equal(patchUnknownType.statusCode, 400)
    t.same(pointersOf(patchUnknownType.json()), ['/unitType'])
    const bad = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'so-tp', name: '', unitType: 'Department', aliases: 'Sở Tư Pháp', extra: 1 } })
    t.equal(bad.statusCode, 400)
    t.same(pointersOf(bad.json()), ['/aliases', '/code', '/extra', '/name', '/unitType'])
    const missing = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { name: 'Sở Tư pháp' } })
    t.same(pointersOf(missing.json()), ['/code', '/unitType'])
    const badPatch = await app.inject({ method: 'PATCH', url: `/units/${unit.id}`, headers: admin.headers, payload: { code: 'SO TP', active: false } })
    t.same(pointersOf(badPatch.json()), ['/active', '/code'])
    const badId = await app.inject({ method: 'GET', url: '/units/not-a-uuid', headers: admin.headers })
    t.equal(badId.statusCode, 400)
    t.same(pointersOf(badId.json()), ['/id'])
    const unknownId = await app.inject({ method: 'PATCH', url: '/units/00000000-0000-4000-8000-000000000000', headers: admin.headers, payload: { name: 'X' } })
    t.equal(unknownId.statusCode, 404)
    t.equal(unknownId.json().code, 'NOT_FOUND')
    t.equal((await app.inject({ method: 'POST', url: '/units/00000000-0000-4000-8000-000000000000/deactivate', headers: admin.headers })).statusCode, 404)
  })
})

t.test('unit types are listed, and an admin adds one that units can then use', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const viewer = await loginAs(app, 'viewer')

  const seeded = await app.inject({ method: 'GET', url: '/unit-types', headers: viewer.headers })
  t.equal(seeded.statusCode, 200)
  t.same(seeded.json().map((type: { code: string }) => type.code), ['department', 'district'])

  const created = await app.inject({ method: 'POST', url: '/unit-types', headers: admin.headers, payload: { code: 'commune', name: 'UBND xã, phường, thị trấn' } })
  t.equal(created.statusCode, 201, created.body)
  t.same(created.json(), { code: 'commune', name: 'UBND xã, phường, thị trấn' })
  t.same((await app.inject({ method: 'GET', url: '/unit-types', headers: admin.headers })).json().map((type: { code: string }) => type.code), ['department', 'district', 'commune'], 'in the order added: the built-in ones first')
  const audit = await auditOf(app, admin.headers, 'commune', 'unit_type')
  t.equal(audit.length, 1)
  t.match(audit[0], { action: 'unit_type.create', before: null, after: { code: 'commune', name: 'UBND xã, phường, thị trấn' } })

  const duplicate = await app.inject({ method: 'POST', url: '/unit-types', headers: admin.headers, payload: { code: 'commune', name: 'Xã' } })
  t.equal(duplicate.statusCode, 409)
  const invalid = await app.inject({ method: 'POST', url: '/unit-types', headers: admin.headers, payload: { code: 'Commune-2', name: '' } })
  t.equal(invalid.statusCode, 400)
  t.same(pointersOf(invalid.json()), ['/code', '/name'])
  t.equal((await app.inject({ method: 'POST', url: '/unit-types', headers: viewer.headers, payload: { code: 'ward', name: 'Phường' } })).statusCode, 403)

  const commune = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'XA-QUANG-TAM', name: 'Xã Quảng Tâm', unitType: 'commune' } })
  t.equal(commune.statusCode, 201)
  t.same((await listAll(app, admin.headers, '&unitType=commune')).items.map((unit) => unit.code), ['XA-QUANG-TAM'])
  const imported = await importFixture(app, admin.headers, { format: 'par-units/1', units: [{ code: 'XA-QUANG-DINH', name: 'Xã Quảng Định', unitType: 'commune' }] })
  t.same(imported.json(), { created: 1, updated: 0, unchanged: 0 }, 'an import may use the new type')
})

t.test('an admin renames a unit type, and deletes one nothing uses (a province without districts)', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const viewer = await loginAs(app, 'viewer')
  const types = async () => (await app.inject({ method: 'GET', url: '/unit-types', headers: admin.headers })).json() as { code: string, name: string }[]

  const renamed = await app.inject({ method: 'PATCH', url: '/unit-types/department', headers: admin.headers, payload: { name: '  Sở, ngành cấp tỉnh  ' } })
  t.equal(renamed.statusCode, 200, renamed.body)
  t.same(renamed.json(), { code: 'department', name: 'Sở, ngành cấp tỉnh' })
  t.equal((await types()).find((type) => type.code === 'department')?.name, 'Sở, ngành cấp tỉnh')
  t.match((await auditOf(app, admin.headers, 'department', 'unit_type'))[0], { action: 'unit_type.update', before: { name: 'Sở, ban, ngành cấp tỉnh' }, after: { name: 'Sở, ngành cấp tỉnh' } })
  t.equal((await app.inject({ method: 'PATCH', url: '/unit-types/department', headers: admin.headers, payload: { name: ' ' } })).statusCode, 400, 'a blank name')
  t.equal((await app.inject({ method: 'PATCH', url: '/unit-types/commune', headers: admin.headers, payload: { name: 'Xã' } })).statusCode, 404)
  t.equal((await app.inject({ method: 'PATCH', url: '/unit-types/department', headers: viewer.headers, payload: { name: 'Sở' } })).statusCode, 403)

  // A type with a unit cannot go; without, it can (and its audit row stays).
  t.equal((await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'SO-TP', name: 'Sở Tư pháp', unitType: 'department' } })).statusCode, 201)
  const used = await app.inject({ method: 'DELETE', url: '/unit-types/department', headers: { ...admin.headers, 'accept-language': 'vi' } })
  t.equal(used.statusCode, 409)
  t.match(used.json().detail, /đang được dùng/)
  t.equal((await app.inject({ method: 'DELETE', url: '/unit-types/district', headers: viewer.headers })).statusCode, 403)
  const deleted = await app.inject({ method: 'DELETE', url: '/unit-types/district', headers: admin.headers })
  t.equal(deleted.statusCode, 204, deleted.body)
  t.same((await types()).map((type) => type.code), ['department'])
  t.match((await auditOf(app, admin.headers, 'district', 'unit_type'))[0], { action: 'unit_type.delete', before: { code: 'district' } })
  t.equal((await app.inject({ method: 'DELETE', url: '/unit-types/district', headers: admin.headers })).statusCode, 404, 'gone')
  const stray = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'H-X', name: 'Huyện X', unitType: 'district' } })
  t.equal(stray.statusCode, 400, 'a unit of the deleted type is refused')
})

t.test('who may read and change units', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  t.equal((await importFixture(app, admin.headers)).statusCode, 200)
  const all = (await listAll(app, admin.headers)).items
  const unitA = all.find((unit) => unit.code === 'H-DONG-SON') as ApiUnit
  const unitB = all.find((unit) => unit.code === 'SO-TP') as ApiUnit

  const viewer = await loginAs(app, 'viewer')
  const appraiser = await loginAs(app, 'appraiser')
  const officer = await loginAs(app, 'unit_officer', { unitId: unitA.id })
  const key = await apiKeyHeaders(app, ['units:read'])
  const resultsKey = await apiKeyHeaders(app, ['results:read'])

  const createBody = { code: 'NEW-1', name: 'Đơn vị mới', unitType: 'department' }
  const writes = [
    { method: 'POST' as const, url: '/units', payload: createBody },
    { method: 'PATCH' as const, url: `/units/${unitB.id}`, payload: { name: 'Đổi tên' } },
    { method: 'POST' as const, url: `/units/${unitB.id}/deactivate` },
    { method: 'POST' as const, url: `/units/${unitB.id}/activate` },
    { method: 'POST' as const, url: '/units/import', payload: fixture },
    { method: 'POST' as const, url: '/unit-types', payload: { code: 'ward', name: 'Phường' } }
  ]

  t.test('viewers, appraisers and units:read keys read everything', async (t) => {
    for (const [who, headers] of [['viewer', viewer.headers], ['appraiser', appraiser.headers], ['API key', key]] as const) {
      const list = await app.inject({ method: 'GET', url: '/units?limit=100', headers })
      t.equal(list.statusCode, 200, `${who} lists units`)
      t.equal(list.json().total, 47)
      t.equal((await app.inject({ method: 'GET', url: `/units/${unitB.id}`, headers })).statusCode, 200, `${who} reads a unit`)
      t.equal((await app.inject({ method: 'GET', url: '/unit-types', headers })).statusCode, 200, `${who} lists unit types`)
    }
    t.equal((await app.inject({ method: 'GET', url: '/units', headers: resultsKey })).statusCode, 403, 'a key without units:read is refused')
  })

  t.test('only admins write; others get 403 and anonymous callers 401', async (t) => {
    for (const write of writes) {
      for (const [who, headers, status] of [['viewer', viewer.headers, 403], ['appraiser', appraiser.headers, 403], ['unit officer', officer.headers, 403], ['API key', key, 403], ['anonymous', {}, 401]] as const) {
        const response = await app.inject({ ...write, headers })
        t.equal(response.statusCode, status, `${who}: ${write.method} ${write.url} → ${status}`)
      }
    }
    for (const url of ['/units', `/units/${unitB.id}`, '/unit-types']) {
      const response = await app.inject({ method: 'GET', url })
      t.equal(response.statusCode, 401, `anonymous GET ${url} → 401`)
      t.equal(response.json().code, 'UNAUTHENTICATED')
    }
    const unchanged = await app.inject({ method: 'GET', url: `/units/${unitB.id}`, headers: admin.headers })
    t.match(unchanged.json(), { name: 'Sở Tư pháp', active: true })
    t.equal((await listAll(app, admin.headers)).total, 47)
  })

  t.test('a unit officer sees only their own unit', async (t) => {
    const list = await app.inject({ method: 'GET', url: '/units', headers: officer.headers })
    t.equal(list.statusCode, 200)
    t.same(list.json().items.map((unit: ApiUnit) => unit.id), [unitA.id])
    t.equal(list.json().total, 1)
    t.equal((await app.inject({ method: 'GET', url: `/units?q=${encodeURIComponent('tu phap')}`, headers: officer.headers })).json().total, 0, 'search does not reach other units')
    t.equal((await app.inject({ method: 'GET', url: '/units?unitType=department', headers: officer.headers })).json().total, 0)
    t.equal((await app.inject({ method: 'GET', url: `/units/${unitA.id}`, headers: officer.headers })).statusCode, 200)
    const other = await app.inject({ method: 'GET', url: `/units/${unitB.id}`, headers: officer.headers })
    t.equal(other.statusCode, 404)
    t.equal(other.json().code, 'NOT_FOUND')
    t.notMatch(other.body, /Tư pháp|SO-TP/, 'nothing of the other unit leaks')
  })
})
