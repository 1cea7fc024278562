// The life of a catalog through the API: create, validate, publish, edit meta, delete, import over an existing code,
// and who may read and change catalogs.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from './helpers/app.js'
import { apiKeyHeaders, loginAs } from './helpers/auth.js'
import { assertProblem, bands, smallCatalog, type Headers } from './helpers/catalogs.js'

async function importDocument (app: FastifyInstance, headers: Headers, document: unknown, query = ''): Promise<any> {
  const response = await app.inject({ method: 'POST', url: `/catalogs/import${query}`, headers, payload: document as object })
  if (response.statusCode !== 201) throw new Error(`import failed: ${response.statusCode} ${response.body.slice(0, 500)}`)
  return response.json()
}

/** A unit for an officer's account, created once. */
let unitId: string | undefined
async function someUnitIdOf (app: FastifyInstance, headers: Headers): Promise<string> {
  if (unitId) return unitId
  const created = await app.inject({ method: 'POST', url: '/units', headers, payload: { code: 'CATALOG-READER', name: 'Đơn vị đọc bộ tiêu chí', unitType: 'department', aliases: [] } })
  unitId = created.json().id as string
  return unitId
}

// One app for the group: each build costs seconds, and the subtests below use distinct catalog codes.
t.test('catalog lifecycle and access', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await loginAs(app, 'admin')
  const someUnitId = () => someUnitIdOf(app, headers)

  t.test('importing with a code in use: a draft is replaced only when asked, a published catalog never', async (t) => {
    const first = await importDocument(app, headers, smallCatalog('TEST-A'))
    const again = await app.inject({ method: 'POST', url: '/catalogs/import', headers, payload: smallCatalog('TEST-A') })
    assertProblem(t, again, 409, 'CONFLICT')

    const changed = smallCatalog('TEST-A')
    changed.title = 'Bộ tiêu chí đã sửa'
    const replaced = await app.inject({ method: 'POST', url: '/catalogs/import?replace=true&publish=true', headers, payload: changed })
    t.equal(replaced.statusCode, 200)
    t.equal(replaced.json().id, first.id, 'the draft keeps its id')
    t.equal(replaced.json().title, 'Bộ tiêu chí đã sửa')
    t.equal(replaced.json().status, 'published')
    t.ok(replaced.json().publishedAt)

    const overPublished = await app.inject({ method: 'POST', url: '/catalogs/import?replace=true', headers, payload: smallCatalog('TEST-A') })
    const body = assertProblem(t, overPublished, 409, 'CATALOG_PUBLISHED')
    t.match(body.detail, /clone/)
    t.equal((await app.inject({ method: 'GET', url: `/catalogs/${first.id}`, headers })).json().title, 'Bộ tiêu chí đã sửa')
  })

  t.test('publishing an invalid draft is refused with every problem; validate answers 200 either way', async (t) => {
    const created = await app.inject({
      method: 'POST',
      url: '/catalogs',
      headers,
      payload: { code: 'EMPTY-2021', year: 2021, unitType: 'district', title: 'Bộ tiêu chí mới', classification: bands }
    })
    t.equal(created.statusCode, 201)
    const draft = created.json()
    t.match(draft, { status: 'draft', ranking: 'dense', legalBasis: '', nodes: [], totalMaxPoints: 0, leafCount: 0 })
    t.same(draft.problems.map((problem: any) => problem.rule), ['total_not_100'])

    const validation = await app.inject({ method: 'POST', url: `/catalogs/${draft.id}/validate`, headers })
    t.equal(validation.statusCode, 200)
    t.same(validation.json(), { valid: false, problems: draft.problems })

    const publish = await app.inject({ method: 'POST', url: `/catalogs/${draft.id}/publish`, headers })
    const body = assertProblem(t, publish, 422, 'CATALOG_INVALID')
    t.same(body.errors, draft.problems)
    t.equal((await app.inject({ method: 'GET', url: `/catalogs/${draft.id}`, headers })).json().status, 'draft')

    const valid = await importDocument(app, headers, smallCatalog('VALID-2021'))
    t.same((await app.inject({ method: 'POST', url: `/catalogs/${valid.id}/validate`, headers })).json(), { valid: true, problems: [] })

    const unknownType = await app.inject({ method: 'POST', url: '/catalogs', headers, payload: { code: 'X-2021', year: 2021, unitType: 'commune', title: 'X', classification: bands } })
    assertProblem(t, unknownType, 400, 'VALIDATION_FAILED')
    const duplicate = await app.inject({ method: 'POST', url: '/catalogs', headers, payload: { code: 'EMPTY-2021', year: 2021, unitType: 'district', title: 'X', classification: bands } })
    assertProblem(t, duplicate, 409, 'CONFLICT')
    const missing = await app.inject({ method: 'GET', url: '/catalogs/00000000-0000-4000-8000-000000000000', headers })
    assertProblem(t, missing, 404, 'NOT_FOUND')
  })

  t.test('catalog meta edits and deletion of a draft are audited with before and after', async (t) => {
    const other = await importDocument(app, headers, smallCatalog('OTHER-2021'))
    const draft = await importDocument(app, headers, smallCatalog('TEST-2021'))
    const auditOf = async (id: string) => (await app.inject({ method: 'GET', url: `/audit?entityType=catalog&entityId=${id}`, headers })).json()
    t.equal((await auditOf(draft.id)).total, 1, 'the import wrote one audit row')
    t.equal((await auditOf(draft.id)).items[0].action, 'catalog.import')

    const patched = await app.inject({ method: 'PATCH', url: `/catalogs/${draft.id}`, headers, payload: { code: 'TEST-2022', year: 2022, ranking: 'competition', classification: bands.slice(2) } })
    t.equal(patched.statusCode, 200)
    t.match(patched.json(), { code: 'TEST-2022', year: 2022, ranking: 'competition' })
    t.same(patched.json().classification, bands.slice(2))
    const afterPatch = await auditOf(draft.id)
    t.equal(afterPatch.total, 2)
    t.match(afterPatch.items[0], { action: 'catalog.update', before: { code: 'TEST-2021', year: 2021, ranking: 'dense' }, after: { code: 'TEST-2022', year: 2022, ranking: 'competition' } })

    assertProblem(t, await app.inject({ method: 'PATCH', url: `/catalogs/${draft.id}`, headers, payload: { code: 'OTHER-2021' } }), 409, 'CONFLICT')
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/catalogs/${draft.id}`, headers, payload: {} }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/catalogs/${draft.id}`, headers, payload: { status: 'published' } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await app.inject({ method: 'PATCH', url: `/catalogs/${draft.id}`, headers, payload: { classification: [{ code: 'A', label: 'A', min: 0.0001 }] } }), 400, 'VALIDATION_FAILED')
    t.equal((await auditOf(draft.id)).total, 2, 'refused edits are not audited')

    const cloned = await app.inject({ method: 'POST', url: `/catalogs/${other.id}/clone`, headers, payload: { code: 'OTHER-2022', year: 2022 } })
    t.equal(cloned.statusCode, 201)
    t.equal((await auditOf(cloned.json().id)).items[0].action, 'catalog.clone')
    assertProblem(t, await app.inject({ method: 'DELETE', url: `/catalogs/${other.id}`, headers }), 409, 'CONFLICT')

    const deleted = await app.inject({ method: 'DELETE', url: `/catalogs/${draft.id}`, headers })
    t.equal(deleted.statusCode, 204)
    const afterDelete = await auditOf(draft.id)
    t.equal(afterDelete.total, 3)
    t.equal(afterDelete.items[0].action, 'catalog.delete')
    t.equal(afterDelete.items[0].before.document.code, 'TEST-2022', 'the deleted document is kept in the audit log')
    t.equal(afterDelete.items[0].after, null)
    t.equal((await app.inject({ method: 'GET', url: '/catalogs?code=TEST-2022', headers })).json().total, 0)
  })

  t.test('who may read and who may change catalogs', async (t) => {
    const catalog = await importDocument(app, headers, smallCatalog('ACCESS-2021'), '?publish=true')
    const readers: [string, Headers][] = [
      ['viewer', (await loginAs(app, 'viewer')).headers],
      ['appraiser', (await loginAs(app, 'appraiser')).headers],
      ['API key with catalogs:read', await apiKeyHeaders(app, ['catalogs:read'])],
      ['unit officer', (await loginAs(app, 'unit_officer', { unitId: await someUnitId() })).headers]
    ]
    for (const [who, readerHeaders] of readers) {
      for (const url of ['/catalogs', `/catalogs/${catalog.id}`, `/catalogs/${catalog.id}/export`]) {
        t.equal((await app.inject({ method: 'GET', url, headers: readerHeaders })).statusCode, 200, `${who} can GET ${url}`)
      }
    }
    const otherKey = await apiKeyHeaders(app, ['results:read'])
    assertProblem(t, await app.inject({ method: 'GET', url: '/catalogs', headers: otherKey }), 403, 'FORBIDDEN')

    const writes: { method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object }[] = [
      { method: 'POST', url: '/catalogs', payload: { code: 'X', year: 2021, unitType: 'department', title: 'X', classification: bands } },
      { method: 'POST', url: '/catalogs/import', payload: smallCatalog('X') },
      { method: 'PATCH', url: `/catalogs/${catalog.id}`, payload: { title: 'X' } },
      { method: 'DELETE', url: `/catalogs/${catalog.id}` },
      { method: 'POST', url: `/catalogs/${catalog.id}/validate` },
      { method: 'POST', url: `/catalogs/${catalog.id}/publish` },
      { method: 'POST', url: `/catalogs/${catalog.id}/clone`, payload: { code: 'X', year: 2022 } },
      { method: 'POST', url: `/catalogs/${catalog.id}/nodes`, payload: { parentCode: null, node: { code: '3', title: 'X', maxPoints: 1 } } },
      { method: 'PATCH', url: `/catalogs/${catalog.id}/nodes/1.1`, payload: { title: 'X' } },
      { method: 'POST', url: `/catalogs/${catalog.id}/nodes/1.1/move`, payload: { parentCode: null, position: 0 } },
      { method: 'DELETE', url: `/catalogs/${catalog.id}/nodes/1.1` }
    ]
    const viewer = readers[0]?.[1] as Headers
    const key = readers[2]?.[1] as Headers
    for (const write of writes) {
      const options = { method: write.method, url: write.url, ...(write.payload ? { payload: write.payload } : {}) }
      assertProblem(t, await app.inject({ ...options, headers: viewer }), 403, 'FORBIDDEN')
      assertProblem(t, await app.inject({ ...options, headers: key }), 403, 'FORBIDDEN')
      assertProblem(t, await app.inject(options), 401, 'UNAUTHENTICATED')
    }
    assertProblem(t, await app.inject({ method: 'GET', url: '/catalogs' }), 401, 'UNAUTHENTICATED')
    assertProblem(t, await app.inject({ method: 'GET', url: `/catalogs/${catalog.id}` }), 401, 'UNAUTHENTICATED')
    t.same((await app.inject({ method: 'GET', url: `/catalogs/${catalog.id}/export`, headers })).json(), smallCatalog('ACCESS-2021'), 'nothing was changed by the refused requests')
  })

  t.test('drafts are read by the staff who prepare or review them; unit officers and API keys read published catalogs only', async (t) => {
    const draft = await importDocument(app, headers, { ...smallCatalog('DRAFT-2031'), year: 2031 })
    const published = await importDocument(app, headers, { ...smallCatalog('PUBLISHED-2031'), year: 2031 }, '?publish=true')
    const codes = async (readerHeaders: Headers, query: string) =>
      (await app.inject({ method: 'GET', url: `/catalogs?year=2031${query}`, headers: readerHeaders })).json().items.map((item: { code: string }) => item.code).sort()
    const staff: [string, Headers][] = [
      ['admin', headers],
      ['viewer', (await loginAs(app, 'viewer')).headers],
      ['appraiser', (await loginAs(app, 'appraiser')).headers]
    ]
    for (const [who, readerHeaders] of staff) {
      t.same(await codes(readerHeaders, ''), ['DRAFT-2031', 'PUBLISHED-2031'], `${who} lists the draft`)
      for (const url of [`/catalogs/${draft.id}`, `/catalogs/${draft.id}/export`]) {
        t.equal((await app.inject({ method: 'GET', url, headers: readerHeaders })).statusCode, 200, `${who} reads ${url}`)
      }
    }
    const outsiders: [string, Headers][] = [
      ['unit officer', (await loginAs(app, 'unit_officer', { unitId: await someUnitId() })).headers],
      ['API key with catalogs:read', await apiKeyHeaders(app, ['catalogs:read'])]
    ]
    for (const [who, readerHeaders] of outsiders) {
      t.same(await codes(readerHeaders, ''), ['PUBLISHED-2031'], `${who} lists published catalogs only`)
      t.same(await codes(readerHeaders, '&status=draft'), [], `${who} asking for drafts gets none`)
      const list = (await app.inject({ method: 'GET', url: '/catalogs?year=2031', headers: readerHeaders })).json()
      t.equal(list.total, 1, `${who}: the total counts what the list shows`)
      for (const url of [`/catalogs/${draft.id}`, `/catalogs/${draft.id}/export`]) {
        assertProblem(t, await app.inject({ method: 'GET', url, headers: readerHeaders }), 404, 'NOT_FOUND')
      }
      t.equal((await app.inject({ method: 'GET', url: `/catalogs/${published.id}`, headers: readerHeaders })).statusCode, 200, `${who} reads a published catalog`)
    }
  })

  t.test('the OpenAPI document names every catalog schema', async (t) => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
    for (const name of ['Catalog', 'CatalogSummary', 'CatalogPage', 'CatalogNode', 'CatalogDocument', 'CatalogDocumentNode', 'ScoringMethod', 'CatalogProblem']) {
      t.ok(document.components.schemas[name], `${name} is a component`)
    }
    t.notOk(Object.keys(document.components.schemas).some((name) => name.startsWith('def-')))
    t.equal(document.components.schemas.CatalogNode.properties.children.items.$ref, '#/components/schemas/CatalogNode')
    t.equal(document.paths['/catalogs/import'].post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/CatalogDocument')
  })
})
