// Responses are written from a rewritten copy of their schemas (server/serializers.ts, forSerializing): unions of
// scalar types become lists of types, so that fast-json-stringify picks the branch by the value's type instead of
// validating it. What is written must not change: checked here on the schemas' shapes, on values of every such
// shape, and on real answers of the API against the serializer of the schema as declared.
import t from 'tap'
import fastJsonStringify from 'fast-json-stringify'
import { forSerializing } from '../server/serializers.js'
import { ref } from '../server/schemas/common.js'
import { SelfAssessmentSchema } from '../server/schemas/rounds.js'
import { buildTestApp } from './helpers/app.js'
import { maxInput, openRoundForOfficer } from './helpers/rounds.js'

type Schema = Record<string, unknown>
const write = (schema: unknown, externals?: Record<string, unknown>) =>
  fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0], externals ? { schema: externals as never } : {})

t.test('a union of scalar types becomes a list of types; unions that need validation are left as they are', async (t) => {
  t.same(forSerializing({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }], description: 'when' }),
    { description: 'when', type: ['string', 'null'], format: 'date-time' })
  t.same(forSerializing({ anyOf: [{ const: 'draft', type: 'string' }, { const: 'submitted', type: 'string' }] }), { type: 'string' })
  t.same(forSerializing({ anyOf: [{ const: 'draft' }, { const: null }] }), { type: ['string', 'null'] }, 'the type of a constant')
  t.same(forSerializing({ oneOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] }), { type: ['integer', 'null'] })
  t.same(forSerializing({ type: 'array', items: { type: 'object', properties: { at: { anyOf: [{ type: 'string' }, { type: 'null' }] } } } }),
    { type: 'array', items: { type: 'object', properties: { at: { type: ['string', 'null'] } } } }, 'found at any depth')

  t.same(forSerializing({ anyOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'null' }], description: 'or null' }),
    { description: 'or null', type: ['object', 'null'], properties: { a: { type: 'string' } }, required: ['a'] }, 'an object or null')
  const shared: Record<string, Schema> = {
    Person: { $id: 'Person', type: 'object', properties: { name: { type: 'string' }, at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] } } },
    Pointer: { $id: 'Pointer', type: 'object', properties: { person: { $ref: 'Person#' } } },
    Node: { $id: 'Node', type: 'object', properties: { parent: { anyOf: [{ $ref: 'Node#' }, { type: 'null' }] } } }
  }
  t.same(forSerializing({ anyOf: [{ $ref: 'Person#' }, { type: 'null' }] }, shared),
    { type: ['object', 'null'], properties: { name: { type: 'string' }, at: { type: ['string', 'null'], format: 'date-time' } } },
    'a shared object schema or null: that schema in place, itself rewritten')

  const kept: Schema[] = [
    { anyOf: [{ $ref: 'LeafInput#' }, { type: 'null' }] },
    { anyOf: [{ $id: 'Named', type: 'object', properties: { a: { type: 'string' } } }, { type: 'null' }] },
    { anyOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'string' } } }] },
    { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] },
    { anyOf: [{ type: 'integer' }, { type: 'number' }] },
    { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'string', format: 'date' }] },
    { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'string' }] },
    { anyOf: [{ type: 'string' }, { type: 'null' }], type: 'string' }
  ]
  for (const schema of kept) t.same(forSerializing(schema), schema, JSON.stringify(schema))
  for (const schema of [{ anyOf: [{ $ref: 'Pointer#' }, { type: 'null' }] }, { anyOf: [{ $ref: 'Node#' }, { type: 'null' }] }]) {
    t.same(forSerializing(schema, shared), schema, `${JSON.stringify(schema)}: its schema refers to others (or to itself), so it is left as it is`)
  }
})

t.test('every value of a rewritten union is written exactly as the declared union writes it', async (t) => {
  const cases: Array<[Schema, unknown[]]> = [
    [{ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] }, ['2026-12-06T01:02:03.456Z', null, new Date(Date.UTC(2026, 11, 6))]],
    [{ anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] }, ['2026-12-06', null]],
    [{ anyOf: [{ type: 'string' }, { type: 'null' }] }, ['Sở Tư pháp "số 1"\n\u0001', '', null]],
    [{ anyOf: [{ type: 'integer' }, { type: 'null' }] }, [0, -7, 2 ** 40, null]],
    [{ anyOf: [{ type: 'number' }, { type: 'null' }] }, [92.25, 0.001, 1e21, -0, null]],
    [{ anyOf: [{ type: 'boolean' }, { type: 'null' }] }, [true, false, null]],
    [{ anyOf: [{ type: 'number' }, { type: 'string' }] }, [1.5, 'không áp dụng']],
    [{ anyOf: [{ const: 'xuat_sac', type: 'string' }, { const: 'tot', type: 'string' }, { type: 'null' }] }, ['xuat_sac', 'tot', null]]
  ]
  const shared = {
    Input: { $id: 'Input', type: 'object', additionalProperties: false, properties: { value: { type: 'number' }, option: { type: 'string' } } },
    Scoring: { $id: 'Scoring', type: 'object', additionalProperties: true, required: ['method'], properties: { method: { type: 'string' } } }
  }
  cases.push(
    [{ anyOf: [{ $ref: 'Input#' }, { type: 'null' }] }, [{ value: 0.75 }, { option: 'a' }, {}, null]],
    [{ anyOf: [{ $ref: 'Scoring#' }, { type: 'null' }] }, [{ method: 'bands', bands: [{ min: 90, points: 2 }], input: { unit: '%' } }, null]],
    [{ anyOf: [{ type: 'object', required: ['by'], properties: { by: { anyOf: [{ $ref: 'Input#' }, { type: 'null' }] }, at: { type: 'string', format: 'date-time' } } }, { type: 'null' }] },
      [{ by: { value: 1 }, at: '2026-12-06T00:00:00.000Z' }, { by: null }, null]]
  )
  for (const [union, values] of cases) {
    const declared = write({ type: 'object', properties: { v: union } }, shared)
    const rewritten = write(forSerializing({ type: 'object', properties: { v: union } }, shared), forSerializing(shared, shared) as Record<string, unknown>)
    for (const value of values) t.equal(rewritten({ v: value }), declared({ v: value }), `${JSON.stringify(union)}: ${JSON.stringify(value)}`)
  }
})

t.test('a unit officer\'s self-assessment reads the same bytes as the schema as declared writes them', async (t) => {
  const app = await buildTestApp(t)
  const { officer, url } = await openRoundForOfficer(app)
  const before = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal(before.statusCode, 200)
  // Saved answers (times, points, explanations) beside unanswered leaves (nulls): both branches of every union.
  const leaves = before.json().leaves as Array<{ code: string, scoring: { method: string } }>
  const saved = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...officer.headers, 'if-match': '"0"' },
    payload: { entries: leaves.slice(0, 5).map((leaf, i) => ({ leafCode: leaf.code, input: maxInput(leaf as never), explanation: i % 2 === 0 ? `Giải trình ${i}` : null })) }
  })
  t.equal(saved.statusCode, 200, 'five leaves saved')

  const read = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal(read.statusCode, 200)
  const state = read.json()
  t.ok(state.leaves.some((leaf: { updatedAt: string | null }) => leaf.updatedAt !== null) && state.leaves.some((leaf: { updatedAt: string | null }) => leaf.updatedAt === null),
    'answered and unanswered leaves both read')
  const declared = write(ref(SelfAssessmentSchema), app.getSchemas() as Record<string, unknown>)
  t.equal(read.body, declared(state))
})
