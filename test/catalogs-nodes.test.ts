// Editing a draft node by node: add, edit, move and delete change what GET returns, each writes exactly one audit
// row with before and after, and shape errors are refused at once while sum mismatches are only reported.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { CatalogDocument } from '../server/domain/catalog.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { assertProblem, type Headers } from './helpers/catalogs.js'

/** Field 1 (60) = 1.1 (30, a leaf criterion) + 1.2 (30) = 1.2.1 (10) + 1.2.2 (20); field 2 (40) is itself a leaf. */
function smallCatalog (code: string): CatalogDocument {
  return {
    format: 'par-catalog/1',
    code,
    title: 'Bộ tiêu chí thử nghiệm năm 2021',
    year: 2021,
    unitType: 'department',
    legalBasis: 'Quyết định thử nghiệm',
    classification: [{ code: 'TOT', label: 'Tốt', min: 80 }, { code: 'YEU', label: 'Yếu', min: 0 }],
    ranking: 'dense',
    nodes: [
      {
        code: '1',
        kind: 'field',
        title: 'Lĩnh vực 1',
        maxPoints: 60,
        children: [
          { code: '1.1', kind: 'criterion', title: 'Tiêu chí 1.1', maxPoints: 30, scoring: { method: 'range', step: 0.5 }, evidence: 'required' },
          {
            code: '1.2',
            kind: 'criterion',
            title: 'Tiêu chí 1.2',
            maxPoints: 30,
            children: [
              { code: '1.2.1', kind: 'subcriterion', title: 'Tiêu chí thành phần 1.2.1', maxPoints: 10, scoring: { method: 'options', options: [{ code: 'a', label: 'Có', points: 10 }, { code: 'b', label: 'Không', points: 0 }] } },
              { code: '1.2.2', kind: 'subcriterion', title: 'Tiêu chí thành phần 1.2.2', maxPoints: 20, scoring: { method: 'range', step: 0.25 } }
            ]
          }
        ]
      },
      { code: '2', kind: 'field', title: 'Lĩnh vực 2', maxPoints: 40, scoring: { method: 'range', step: 0.25 } }
    ]
  }
}

function findNode (nodes: any[], code: string): any {
  for (const node of nodes) {
    if (node.code === code) return node
    const found = findNode(node.children ?? [], code)
    if (found) return found
  }
  return undefined
}

const codes = (nodes: any[]) => nodes.map((node: any) => node.code)

/** Imports the small catalog as a draft under its own code and gives readers of its tree and its audit rows. */
async function draft (app: FastifyInstance, headers: Headers, code: string) {
  const imported = await app.inject({ method: 'POST', url: '/catalogs/import', headers, payload: smallCatalog(code) })
  if (imported.statusCode !== 201) throw new Error(imported.body)
  const id = imported.json().id as string
  const get = async () => (await app.inject({ method: 'GET', url: `/catalogs/${id}`, headers })).json()
  const audits = async () => (await app.inject({ method: 'GET', url: `/audit?entityType=catalog&entityId=${id}&limit=500`, headers })).json()
  return { id, get, audits }
}

// One app for the group: each build costs seconds, and every subtest edits its own draft.
t.test('editing a draft node by node', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await loginAs(app, 'admin')

  t.test('add, edit, move and delete a node: each changes the tree and writes one audit row with before and after', async (t) => {
    const { id, get, audits } = await draft(app, headers, 'NODES-1')
    t.equal((await audits()).total, 1, 'the import is one audit row')

    // Add: a new first criterion of field 1. The draft becomes invalid (field 1 now adds up to 65) and that is allowed.
    const added = await app.inject({
      method: 'POST',
      url: `/catalogs/${id}/nodes`,
      headers,
      payload: { parentCode: '1', position: 0, node: { code: '1.3', kind: 'criterion', title: 'Tiêu chí mới', maxPoints: 5.125, scoring: { method: 'range', step: 0.125 }, evidence: 'none', guidance: 'Hướng dẫn' } }
    })
    t.equal(added.statusCode, 201)
    let catalog = await get()
    t.same(codes(findNode(catalog.nodes, '1').children), ['1.3', '1.1', '1.2'])
    t.match(findNode(catalog.nodes, '1.3'), { kind: 'criterion', title: 'Tiêu chí mới', maxPoints: 5.125, scoring: { method: 'range', step: 0.125 }, evidence: 'none', guidance: 'Hướng dẫn', sourceNode: null, children: [] })
    t.same(catalog.problems.map((problem: any) => [problem.nodeCode, problem.rule]), [['1', 'parent_sum_mismatch']])
    t.equal(catalog.leafCount, 5)
    let log = await audits()
    t.equal(log.total, 2)
    t.match(log.items[0], { action: 'catalog.node.add', entityType: 'catalog', entityId: id, before: null })
    t.same(log.items[0].after, { code: '1.3', kind: 'criterion', title: 'Tiêu chí mới', maxPoints: 5.125, scoring: { method: 'range', step: 0.125 }, evidence: 'none', guidance: 'Hướng dẫn', parentCode: '1', position: 0 })

    // Edit: rename, change points, drop the scoring and the guidance.
    const edited = await app.inject({ method: 'PATCH', url: `/catalogs/${id}/nodes/1.3`, headers, payload: { code: '1.4', title: 'Tiêu chí đổi tên', maxPoints: 2.5, scoring: null, guidance: null } })
    t.equal(edited.statusCode, 200)
    catalog = await get()
    t.notOk(findNode(catalog.nodes, '1.3'))
    t.match(findNode(catalog.nodes, '1.4'), { title: 'Tiêu chí đổi tên', maxPoints: 2.5, scoring: null, guidance: null, evidence: 'none' })
    t.same(catalog.problems.map((problem: any) => [problem.nodeCode, problem.rule]), [['1.4', 'leaf_without_scoring'], ['1', 'parent_sum_mismatch']])
    log = await audits()
    t.equal(log.total, 3)
    t.equal(log.items[0].action, 'catalog.node.update')
    t.match(log.items[0].before, { code: '1.3', title: 'Tiêu chí mới', maxPoints: 5.125, scoring: { method: 'range', step: 0.125 }, guidance: 'Hướng dẫn' })
    t.match(log.items[0].after, { code: '1.4', title: 'Tiêu chí đổi tên', maxPoints: 2.5, scoring: null, guidance: null, parentCode: '1', position: 0 })

    // Move: under criterion 1.2, between its two sub-criteria; it becomes a sub-criterion and field 1 is whole again.
    const moved = await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes/1.4/move`, headers, payload: { parentCode: '1.2', position: 1 } })
    t.equal(moved.statusCode, 200)
    catalog = await get()
    t.same(codes(findNode(catalog.nodes, '1').children), ['1.1', '1.2'])
    t.same(codes(findNode(catalog.nodes, '1.2').children), ['1.2.1', '1.4', '1.2.2'])
    t.equal(findNode(catalog.nodes, '1.4').kind, 'subcriterion')
    t.same(catalog.problems.map((problem: any) => [problem.nodeCode, problem.rule]), [['1.4', 'leaf_without_scoring'], ['1.2', 'parent_sum_mismatch']])
    log = await audits()
    t.equal(log.total, 4)
    t.match(log.items[0], {
      action: 'catalog.node.move',
      before: { code: '1.4', kind: 'criterion', parentCode: '1', position: 0 },
      after: { code: '1.4', kind: 'subcriterion', parentCode: '1.2', position: 1 }
    })

    // A node cannot go under itself or its descendants; nothing changes and nothing is audited.
    const underItself = await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes/1.2/move`, headers, payload: { parentCode: '1.2', position: 0 } })
    assertProblem(t, underItself, 400, 'VALIDATION_FAILED')
    const underChild = await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes/1/move`, headers, payload: { parentCode: '1.2.1', position: 0 } })
    const body = assertProblem(t, underChild, 400, 'VALIDATION_FAILED')
    t.equal(body.errors[0].pointer, '/parentCode')
    t.equal((await audits()).total, 4)

    // Delete: criterion 1.2 goes with its three sub-criteria.
    const deleted = await app.inject({ method: 'DELETE', url: `/catalogs/${id}/nodes/1.2`, headers })
    t.equal(deleted.statusCode, 200)
    catalog = await get()
    for (const code of ['1.2', '1.2.1', '1.4', '1.2.2']) t.notOk(findNode(catalog.nodes, code), `${code} is gone`)
    t.same(codes(findNode(catalog.nodes, '1').children), ['1.1'])
    t.same(catalog.problems.map((problem: any) => [problem.nodeCode, problem.rule]), [['1', 'parent_sum_mismatch']])
    log = await audits()
    t.equal(log.total, 5)
    t.match(log.items[0], { action: 'catalog.node.delete', before: { parentCode: '1', position: 1, node: { code: '1.2', maxPoints: 30 } }, after: null })
    t.same(codes(log.items[0].before.node.children), ['1.2.1', '1.4', '1.2.2'], 'the deleted subtree is kept in the audit row')

    // Fix the draft through the API, publish it: the edits add up.
    t.equal((await app.inject({ method: 'PATCH', url: `/catalogs/${id}/nodes/1`, headers, payload: { maxPoints: 30 } })).statusCode, 200)
    t.equal((await app.inject({ method: 'PATCH', url: `/catalogs/${id}/nodes/2`, headers, payload: { maxPoints: 70 } })).statusCode, 200)
    t.same((await get()).problems, [])
    t.equal((await app.inject({ method: 'POST', url: `/catalogs/${id}/publish`, headers })).statusCode, 200)
    log = await audits()
    t.equal(log.total, 8)
    t.same(log.items.slice(0, 3).map((item: any) => item.action), ['catalog.publish', 'catalog.node.update', 'catalog.node.update'])
    t.match(log.items[0], { before: { status: 'draft' }, after: { status: 'published' } })
  })

  t.test('positions and levels: append past the end, move to the top level, siblings stay numbered', async (t) => {
    const { id, get } = await draft(app, headers, 'NODES-2')
    const appended = await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes`, headers, payload: { parentCode: null, position: 99, node: { code: '3', title: 'Lĩnh vực 3', maxPoints: 0, scoring: { method: 'range', step: 0.25 } } } })
    t.equal(appended.statusCode, 201)
    t.same(codes(appended.json().nodes), ['1', '2', '3'], 'a position past the end appends')
    t.equal(findNode(appended.json().nodes, '3').kind, 'field', 'the kind follows from the level when it is left out')

    const toTop = await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes/1.2/move`, headers, payload: { parentCode: null, position: 1 } })
    t.equal(toTop.statusCode, 200)
    let catalog = await get()
    t.same(codes(catalog.nodes), ['1', '1.2', '2', '3'])
    t.equal(findNode(catalog.nodes, '1.2').kind, 'field')
    t.same(findNode(catalog.nodes, '1.2').children.map((node: any) => node.kind), ['criterion', 'criterion'], 'the subtree follows to its new level')

    const withinParent = await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes/3/move`, headers, payload: { parentCode: null, position: 0 } })
    t.equal(withinParent.statusCode, 200)
    catalog = await get()
    t.same(codes(catalog.nodes), ['3', '1', '1.2', '2'])

    const added = await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes`, headers, payload: { parentCode: '1.2', node: { code: '1.2.3', title: 'Mới', maxPoints: 1, scoring: { method: 'range', step: 1 } } } })
    t.equal(added.statusCode, 201)
    t.equal(findNode(added.json().nodes, '1.2.3').kind, 'criterion')
    t.same(codes(findNode(added.json().nodes, '1.2').children), ['1.2.1', '1.2.2', '1.2.3'], 'no position appends')

    const exported = (await app.inject({ method: 'GET', url: `/catalogs/${id}/export`, headers })).json()
    t.same(codes(exported.nodes), ['3', '1', '1.2', '2'], 'the export follows the new order')
  })

  t.test('shape errors are refused at once and not audited; sum mismatches are only reported', async (t) => {
    const { id, get, audits } = await draft(app, headers, 'NODES-3')
    const add = (payload: object) => app.inject({ method: 'POST', url: `/catalogs/${id}/nodes`, headers, payload })
    const leaf = { code: '1.3', title: 'Mới', maxPoints: 1, scoring: { method: 'range', step: 0.25 } }

    const tooPrecise = assertProblem(t, await add({ parentCode: '1', node: { ...leaf, maxPoints: 1.2345 } }), 400, 'VALIDATION_FAILED')
    t.same(tooPrecise.errors.map((error: any) => error.pointer), ['/node/maxPoints'])
    const preciseStep = assertProblem(t, await add({ parentCode: '1', node: { ...leaf, scoring: { method: 'range', step: 0.0001 } } }), 400, 'VALIDATION_FAILED')
    t.same(preciseStep.errors.map((error: any) => error.pointer), ['/node/scoring/step'])
    const preciseBand = assertProblem(t, await add({ parentCode: '1', node: { ...leaf, scoring: { method: 'bands', input: { label: '%', min: 0, max: 100 }, bands: [{ min: 50.00001, points: 1 }, { min: 0, points: 0 }] } } }), 400, 'VALIDATION_FAILED')
    t.same(preciseBand.errors.map((error: any) => error.pointer), ['/node/scoring/bands/0/min'])
    assertProblem(t, await add({ parentCode: '1', node: { ...leaf, maxPoints: -1 } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await add({ parentCode: '1', node: { ...leaf, maxPoints: '1' } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await add({ parentCode: '1', node: { ...leaf, kind: 'section' } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await add({ parentCode: '1', node: { ...leaf, kind: 'field' } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await add({ parentCode: '1', node: { ...leaf, code: '1 3' } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await add({ parentCode: '1', node: { ...leaf, scoring: { method: 'stars' } } }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await add({ parentCode: '9', node: leaf }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await add({ parentCode: '1', node: { ...leaf, code: '1.2.1' } }), 409, 'CONFLICT')

    const edit = (code: string, payload: object) => app.inject({ method: 'PATCH', url: `/catalogs/${id}/nodes/${code}`, headers, payload })
    assertProblem(t, await edit('1.1', { code: '1.2' }), 409, 'CONFLICT')
    assertProblem(t, await edit('1.1', { maxPoints: 0.0005 }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await edit('1.1', { kind: 'subcriterion' }), 400, 'VALIDATION_FAILED')
    assertProblem(t, await edit('1.1', {}), 400, 'VALIDATION_FAILED')
    assertProblem(t, await edit('9.9', { title: 'X' }), 404, 'NOT_FOUND')
    assertProblem(t, await app.inject({ method: 'DELETE', url: `/catalogs/${id}/nodes/9.9`, headers }), 404, 'NOT_FOUND')
    assertProblem(t, await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes/9.9/move`, headers, payload: { parentCode: null, position: 0 } }), 404, 'NOT_FOUND')
    assertProblem(t, await app.inject({ method: 'POST', url: `/catalogs/${id}/nodes/1.1/move`, headers, payload: { parentCode: null, position: -1 } }), 400, 'VALIDATION_FAILED')
    t.equal((await audits()).total, 1, 'no refused request wrote an audit row')
    t.same((await app.inject({ method: 'GET', url: `/catalogs/${id}/export`, headers })).json(), smallCatalog('NODES-3'), 'and the catalog is unchanged')

    // Exact decimals: 0.1 + 0.2 is exactly 0.3 here, so the criterion adds up.
    t.equal((await edit('1.2.1', { maxPoints: 0.1, scoring: { method: 'range', step: 0.1 } })).statusCode, 200)
    t.equal((await edit('1.2.2', { maxPoints: 0.2, scoring: { method: 'range', step: 0.1 } })).statusCode, 200)
    t.equal((await edit('1.2', { maxPoints: 0.3 })).statusCode, 200)
    const catalog = await get()
    t.same(catalog.problems.map((problem: any) => [problem.nodeCode, problem.rule]), [['1', 'parent_sum_mismatch']], 'only field 1 (30 + 0.3 ≠ 60) is reported')
    t.equal(findNode(catalog.nodes, '1.2').maxPoints, 0.3)
    t.equal((await audits()).total, 4)
  })
})
