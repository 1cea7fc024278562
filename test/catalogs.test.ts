// Catalogs through the API: the 2020 catalogs import with their real shape and round-trip through export, invalid
// documents are refused with every problem, a published catalog is frozen and its clone carries the lineage.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { count, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { auditLogTable, catalogLeavesTable, catalogNodesTable, catalogsTable } from '../server/db/schema/index.js'
import type { CatalogDocument, CatalogNode } from '../server/domain/catalog.js'
import { fixturesDir } from '../server/paths.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { assertProblem, smallCatalog, type Headers } from './helpers/catalogs.js'

function fixture (file: string): CatalogDocument {
  return JSON.parse(readFileSync(join(fixturesDir, 'catalogs', file), 'utf8')) as CatalogDocument
}

const DEPARTMENTS = 'thanh-hoa-2020-so-nganh.json'
const DISTRICTS = 'thanh-hoa-2020-huyen.json'

function allNodes (nodes: any[]): any[] {
  return nodes.flatMap((node) => [node, ...allNodes(node.children ?? [])])
}

async function importDocument (app: FastifyInstance, headers: Headers, document: unknown, query = ''): Promise<any> {
  const response = await app.inject({ method: 'POST', url: `/catalogs/import${query}`, headers, payload: document as object })
  if (response.statusCode !== 201) throw new Error(`import failed: ${response.statusCode} ${response.body.slice(0, 500)}`)
  return response.json()
}

/** The leaves of an exported document in catalog order: code, field, maximum. */
function exportedLeaves (document: CatalogDocument): string[] {
  const walk = (node: CatalogNode, field: string): string[] =>
    node.children === undefined || node.children.length === 0 ? [`${node.code} ${field} ${node.maxPoints}`] : node.children.flatMap((child) => walk(child, field))
  return document.nodes.flatMap((field) => walk(field, field.code))
}

/** What the service recorded in catalog_leaves when the catalog was published, in its stored order. */
async function recordedLeaves (app: FastifyInstance, catalogId: string): Promise<string[]> {
  const rows = await app.db.select().from(catalogLeavesTable).where(eq(catalogLeavesTable.catalogId, catalogId)).orderBy(catalogLeavesTable.ordinal)
  return rows.map((row) => `${row.code} ${row.fieldCode} ${Number(row.maxPoints)}`)
}

async function rowCounts (app: FastifyInstance) {
  const [catalogs] = await app.db.select({ value: count() }).from(catalogsTable)
  const [nodes] = await app.db.select({ value: count() }).from(catalogNodesTable)
  const [audits] = await app.db.select({ value: count() }).from(auditLogTable)
  return { catalogs: Number(catalogs?.value), nodes: Number(nodes?.value), audits: Number(audits?.value) }
}

// One app for the group: each build costs seconds, and the subtests below use distinct catalog codes.
t.test('the 2020 catalogs and imports', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await loginAs(app, 'admin')
  const ids = new Map<string, string>()

  t.test('the 2020 catalogs import with the real number of fields, criteria and sub-criteria and the real field maxima', async (t) => {
    const cases = [
      { file: DEPARTMENTS, unitType: 'department', fields: 7, criteria: 36, subcriteria: 66, maxima: [19, 10, 20.5, 10, 15, 10, 15.5] },
      { file: DISTRICTS, unitType: 'district', fields: 7, criteria: 34, subcriteria: 88, maxima: [17.5, 12, 17.5, 12, 16, 11.5, 13.5] }
    ]
    for (const expected of cases) {
      const document = fixture(expected.file)
      const imported = await importDocument(app, headers, document)
      t.equal(imported.status, 'draft', 'an import is a draft unless asked to publish')
      ids.set(expected.file, imported.id)

      const response = await app.inject({ method: 'GET', url: `/catalogs/${imported.id}`, headers })
      t.equal(response.statusCode, 200)
      const catalog = response.json()
      t.equal(catalog.unitType, expected.unitType)
      t.equal(catalog.year, 2020)
      t.equal(catalog.totalMaxPoints, 100)
      t.same(catalog.problems, [], 'the 2020 catalog is valid')
      t.equal(catalog.fieldStats.length, expected.fields)
      t.same(catalog.fieldStats.map((field: any) => field.maxPoints), expected.maxima, `${expected.file}: field maxima`)
      t.equal(catalog.fieldStats.reduce((sum: number, field: any) => sum + field.criteria, 0), expected.criteria, `${expected.file}: criteria`)
      t.equal(catalog.fieldStats.reduce((sum: number, field: any) => sum + field.subcriteria, 0), expected.subcriteria, `${expected.file}: sub-criteria`)
      // Per field, the counts equal those of the file (whose per-field counts are the report's).
      t.same(catalog.fieldStats.map((field: any) => [field.code, field.criteria, field.subcriteria]),
        document.nodes.map((field) => [field.code, field.children?.length ?? 0, (field.children ?? []).reduce((sum, criterion) => sum + (criterion.children?.length ?? 0), 0)]))
      // The tree read back has the same nodes, levels and maxima.
      t.equal(catalog.nodes.length, 7)
      t.equal(allNodes(catalog.nodes).length, expected.fields + expected.criteria + expected.subcriteria)
      t.same(catalog.nodes.map((field: any) => field.maxPoints), expected.maxima)
      t.ok(allNodes(catalog.nodes).every((node: any) => typeof node.id === 'string' && node.sourceNode === null))
      const leafCount = allNodes(catalog.nodes).filter((node: any) => node.children.length === 0).length
      t.equal(catalog.leafCount, leafCount)
      t.ok(allNodes(catalog.nodes).filter((node: any) => node.children.length === 0).every((node: any) => node.scoring !== null), 'every leaf has a scoring method')
    }

    const list = await app.inject({ method: 'GET', url: '/catalogs?year=2020&unitType=district', headers })
    t.equal(list.statusCode, 200)
    t.equal(list.json().total, 1)
    t.match(list.json().items[0], { code: 'TH-2020-HUYEN', unitType: 'district', status: 'draft', totalMaxPoints: 100, leafCount: 129 - 39, sourceCatalogId: null, publishedAt: null })
    const all = await app.inject({ method: 'GET', url: '/catalogs?limit=1', headers })
    t.equal(all.json().total, 2)
    t.equal(all.json().items.length, 1)
  })

  t.test('export then import gives back an equal document', async (t) => {
    for (const file of [DEPARTMENTS, DISTRICTS]) {
      const original = fixture(file)
      const exported = await app.inject({ method: 'GET', url: `/catalogs/${ids.get(file)}/export`, headers })
      t.equal(exported.statusCode, 200)
      t.match(String(exported.headers['content-disposition']), new RegExp(`${original.code}\\.json`))
      const document = exported.json()
      t.same(document, original, `${file}: the export equals the imported file`)

      const copy = await importDocument(app, headers, { ...document, code: `${original.code}-COPY` })
      t.same(await recordedLeaves(app, copy.id), [], `${file}: a draft has no recorded leaves`)
      const published = await importDocument(app, headers, { ...document, code: `${original.code}-PUBLISHED` }, '?publish=true')
      t.same(await recordedLeaves(app, published.id), exportedLeaves(document), `${file}: importing published records the leaves`)
      const again = (await app.inject({ method: 'GET', url: `/catalogs/${copy.id}/export`, headers })).json()
      t.equal(again.code, `${original.code}-COPY`)
      t.same({ ...again, code: original.code }, document, `${file}: export → import → export is the same document apart from the code`)
    }
    const small = smallCatalog()
    const imported = await importDocument(app, headers, small)
    t.same((await app.inject({ method: 'GET', url: `/catalogs/${imported.id}/export`, headers })).json(), small, 'optional properties that were absent stay absent')
  })

  t.test('an invalid catalog is refused with every problem by node code, and nothing is stored', async (t) => {
    const document = smallCatalog('INVALID-2021')
    const field = document.nodes[0] as CatalogNode
    field.maxPoints = 61
    const [rangeLeaf, criterion] = field.children as [CatalogNode, CatalogNode]
    rangeLeaf.scoring = { method: 'range', step: 0.7 } // 30 is no multiple of 0.7
    criterion.maxPoints = 31 // its children add up to 30, and the fields now add up to 101
    const [optionsLeaf, bandsLeaf] = criterion.children as [CatalogNode, CatalogNode]
    optionsLeaf.scoring = { method: 'options', options: [{ code: 'a', label: 'Đủ', points: 10 }, { code: 'b', label: 'Một phần', points: 5 }] }
    bandsLeaf.scoring = { method: 'bands', input: { label: 'Tỷ lệ', unit: '%', min: 0, max: 100 }, bands: [{ min: 80, points: 10 }, { min: 95, points: 20 }, { min: 0, points: 0 }] }

    const before = await rowCounts(app)
    const response = await app.inject({ method: 'POST', url: '/catalogs/import?publish=true', headers, payload: document })
    const body = assertProblem(t, response, 422, 'IMPORT_INVALID')
    const found = body.errors.map((problem: any) => `${problem.nodeCode ?? '(catalog)'} ${problem.rule}`).sort()
    t.same(found, [
      '(catalog) total_not_100',
      '1.1 step_not_dividing',
      '1.2 parent_sum_mismatch',
      '1.2.1 options_min_not_zero',
      '1.2.2 bands_unsorted'
    ])
    t.ok(body.errors.every((problem: any) => typeof problem.message === 'string' && problem.message.length > 0))
    t.same(await rowCounts(app), before, 'no catalog, node or audit row was written')
  })

  t.test('a document of the wrong shape is refused with every shape problem, each with its node code and pointer', async (t) => {
    const document: any = smallCatalog()
    document.format = 'par-catalog/2'
    document.ranking = 'olympic'
    document.nodes[0].children[0].maxPoints = '30'
    document.nodes[0].children[0].evidense = 'required'
    document.nodes[0].children[1].kind = 'field'
    document.nodes[0].children[1].children[0].scoring = { method: 'stars', stars: 5 }
    delete document.nodes[1].title

    const before = await rowCounts(app)
    const body = assertProblem(t, await app.inject({ method: 'POST', url: '/catalogs/import', headers, payload: document }), 422, 'IMPORT_INVALID')
    const found = body.errors.map((problem: any) => `${problem.nodeCode ?? '-'} ${problem.rule} ${problem.pointer}`).sort()
    t.same(found, [
      '- invalid_shape /format',
      '- invalid_shape /ranking',
      '1.1 invalid_shape /nodes/0/children/0/evidense',
      '1.1 invalid_shape /nodes/0/children/0/maxPoints',
      '1.2 invalid_kind /nodes/0/children/1/kind',
      '1.2.1 invalid_shape /nodes/0/children/1/children/0/scoring/method',
      '2 invalid_shape /nodes/1/title'
    ])
    // Each shape problem says which schema keyword failed, with its params, as a request's field problems do.
    t.match(body.errors.find((problem: any) => problem.pointer === '/nodes/1/title'), { keyword: 'required', params: { missingProperty: 'title' } })
    t.match(body.errors.find((problem: any) => problem.pointer === '/ranking'), { keyword: 'enum', params: { allowedValues: ['dense', 'competition'] } })
    t.match(body.errors.find((problem: any) => problem.pointer === '/nodes/0/children/1/children/0/scoring/method'), { keyword: 'enum', params: { allowedValues: ['range', 'options', 'bands'] } })

    const blankTitle: any = smallCatalog()
    blankTitle.nodes[0].title = '   '
    const blank = assertProblem(t, await app.inject({ method: 'POST', url: '/catalogs/import', headers, payload: blankTitle }), 422, 'IMPORT_INVALID')
    t.same(blank.errors.map((problem: any) => `${problem.nodeCode} ${problem.keyword} ${problem.pointer}`), ['1 blank /nodes/0/title'])
    t.same(await rowCounts(app), before)

    const notAnObject = await app.inject({ method: 'POST', url: '/catalogs/import', headers, payload: [1, 2] })
    assertProblem(t, notAnObject, 422, 'IMPORT_INVALID')

    const unknownUnitType = await app.inject({ method: 'POST', url: '/catalogs/import', headers, payload: { ...smallCatalog(), unitType: 'commune' } })
    const unknown = assertProblem(t, unknownUnitType, 422, 'IMPORT_INVALID')
    t.same(unknown.errors.map((problem: any) => problem.rule), ['unknown_unit_type'])

    const tooPrecise: any = smallCatalog()
    tooPrecise.nodes[1].maxPoints = 39.9995
    const precise = assertProblem(t, await app.inject({ method: 'POST', url: '/catalogs/import', headers, payload: tooPrecise }), 422, 'IMPORT_INVALID')
    t.ok(precise.errors.some((problem: any) => problem.nodeCode === '2' && problem.rule === 'invalid_points'), 'points with more than 3 decimals are refused')
    t.same(await rowCounts(app), before)

    const badQuery = await app.inject({ method: 'POST', url: '/catalogs/import?publish=maybe', headers, payload: smallCatalog() })
    assertProblem(t, badQuery, 400, 'VALIDATION_FAILED')
  })

  t.test('a published catalog is frozen, and its clone is an editable draft that points at its source nodes', async (t) => {
    const id = ids.get(DEPARTMENTS) as string

    const published = await app.inject({ method: 'POST', url: `/catalogs/${id}/publish`, headers })
    t.equal(published.statusCode, 200)
    t.equal(published.json().status, 'published')
    t.ok(published.json().publishedAt)
    const frozen = (await app.inject({ method: 'GET', url: `/catalogs/${id}/export`, headers })).json()
    t.same(await recordedLeaves(app, id), exportedLeaves(frozen), 'publishing records its leaves, with their field and maximum, in catalog order')
    const auditBefore = (await app.inject({ method: 'GET', url: `/audit?entityType=catalog&entityId=${id}`, headers })).json().total

    const attempts: { name: string, method: 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object }[] = [
      { name: 'edit meta', method: 'PATCH', url: `/catalogs/${id}`, payload: { title: 'Đổi tên' } },
      { name: 'delete', method: 'DELETE', url: `/catalogs/${id}` },
      { name: 'publish again', method: 'POST', url: `/catalogs/${id}/publish` },
      { name: 'add node', method: 'POST', url: `/catalogs/${id}/nodes`, payload: { parentCode: '1', node: { code: '1.9', kind: 'criterion', title: 'Mới', maxPoints: 1, scoring: { method: 'range', step: 0.25 } } } },
      { name: 'edit node', method: 'PATCH', url: `/catalogs/${id}/nodes/1.1.1`, payload: { title: 'Đổi tên' } },
      { name: 'move node', method: 'POST', url: `/catalogs/${id}/nodes/1.1.1/move`, payload: { parentCode: '1', position: 0 } },
      { name: 'delete node', method: 'DELETE', url: `/catalogs/${id}/nodes/1.1.1` },
      { name: 'import over it', method: 'POST', url: '/catalogs/import?replace=true', payload: fixture(DEPARTMENTS) }
    ]
    for (const attempt of attempts) {
      const response = await app.inject({ method: attempt.method, url: attempt.url, headers, ...(attempt.payload ? { payload: attempt.payload } : {}) })
      t.test(attempt.name, async (t) => {
        const body = assertProblem(t, response, 409, 'CATALOG_PUBLISHED')
        t.match(body.detail, /new version|clone/i, 'the detail says a new version is needed')
        t.match(body.detail, /TH-2020-SO/)
      })
    }
    t.same((await app.inject({ method: 'GET', url: `/catalogs/${id}/export`, headers })).json(), frozen, 'the published catalog did not change')
    t.equal((await app.inject({ method: 'GET', url: `/audit?entityType=catalog&entityId=${id}`, headers })).json().total, auditBefore, 'refused changes are not audited')

    const cloneResponse = await app.inject({ method: 'POST', url: `/catalogs/${id}/clone`, headers, payload: { code: 'TH-2021-SO', year: 2021 } })
    t.equal(cloneResponse.statusCode, 201)
    const clone = cloneResponse.json()
    t.equal(clone.status, 'draft')
    t.equal(clone.year, 2021)
    t.equal(clone.sourceCatalogId, id)
    t.equal(clone.title, frozen.title.replace('2020', '2021'), 'the year in the title follows the new year')
    t.same(clone.problems, [])
    const source = (await app.inject({ method: 'GET', url: `/catalogs/${id}`, headers })).json()
    const sourceIds = new Map(allNodes(source.nodes).map((node: any) => [node.code, node.id]))
    const cloneNodes = allNodes(clone.nodes)
    t.equal(cloneNodes.length, sourceIds.size)
    t.ok(cloneNodes.every((node: any) => node.sourceNode !== null && node.sourceNode.code === node.code && node.sourceNode.id === sourceIds.get(node.code) && node.id !== node.sourceNode.id),
      'every cloned node points at the node of the same code in the source')
    t.same({ ...(await app.inject({ method: 'GET', url: `/catalogs/${clone.id}/export`, headers })).json(), code: frozen.code, year: 2020, title: frozen.title }, frozen, 'the clone has the same content')

    const cloneId = clone.id as string
    const steps: { name: string, method: 'PATCH' | 'POST' | 'DELETE', url: string, payload?: object, status: number }[] = [
      { name: 'edit meta', method: 'PATCH', url: `/catalogs/${cloneId}`, payload: { legalBasis: 'Quyết định năm 2021' }, status: 200 },
      { name: 'add node', method: 'POST', url: `/catalogs/${cloneId}/nodes`, payload: { parentCode: '1', node: { code: '1.9', kind: 'criterion', title: 'Mới', maxPoints: 1, scoring: { method: 'range', step: 0.25 } } }, status: 201 },
      { name: 'edit node', method: 'PATCH', url: `/catalogs/${cloneId}/nodes/1.9`, payload: { title: 'Tiêu chí mới' }, status: 200 },
      { name: 'move node', method: 'POST', url: `/catalogs/${cloneId}/nodes/1.9/move`, payload: { parentCode: '2', position: 0 }, status: 200 },
      { name: 'delete node', method: 'DELETE', url: `/catalogs/${cloneId}/nodes/1.9`, status: 200 },
      { name: 'publish', method: 'POST', url: `/catalogs/${cloneId}/publish`, status: 200 }
    ]
    for (const step of steps) {
      const response = await app.inject({ method: step.method, url: step.url, headers, ...(step.payload ? { payload: step.payload } : {}) })
      t.equal(response.statusCode, step.status, `on the clone: ${step.name} (${response.body.slice(0, 200)})`)
    }
    const published2021 = (await app.inject({ method: 'GET', url: `/catalogs/${cloneId}`, headers })).json()
    t.equal(published2021.status, 'published')
    t.equal(published2021.legalBasis, 'Quyết định năm 2021')

    const second = await app.inject({ method: 'POST', url: `/catalogs/${cloneId}/clone`, headers, payload: { code: 'TH-2021-SO-V2', year: 2021, title: 'Bản sửa' } })
    t.equal(second.statusCode, 201)
    t.equal(second.json().title, 'Bản sửa')
    const deleteSource = await app.inject({ method: 'DELETE', url: `/catalogs/${id}`, headers })
    assertProblem(t, deleteSource, 409, 'CATALOG_PUBLISHED')
    const deleted = await app.inject({ method: 'DELETE', url: `/catalogs/${second.json().id}`, headers })
    t.equal(deleted.statusCode, 204, 'a draft clone can be deleted')
    t.equal((await app.inject({ method: 'GET', url: `/catalogs/${second.json().id}`, headers })).statusCode, 404)
    const duplicate = await app.inject({ method: 'POST', url: `/catalogs/${id}/clone`, headers, payload: { code: 'TH-2021-SO', year: 2021 } })
    assertProblem(t, duplicate, 409, 'CONFLICT')
  })
})
