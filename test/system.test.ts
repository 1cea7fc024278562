import t, { type Test } from 'tap'
import { Type } from 'typebox'
import { errorCodes } from '../server/errors.js'
import { buildTestApp } from './helpers/app.js'

function assertProblem (t: Test, response: { statusCode: number, headers: Record<string, unknown>, json: () => any }, status: number, code: string) {
  t.equal(response.statusCode, status, `status ${status}`)
  t.match(String(response.headers['content-type']), /^application\/problem\+json/)
  const body = response.json()
  t.equal(body.status, status)
  t.equal(body.code, code)
  for (const key of ['type', 'title', 'detail', 'instance']) t.type(body[key], 'string', `${key} is a string`)
  return body
}

t.test('healthz answers 200 and readyz reports a migrated database', async (t) => {
  const app = await buildTestApp(t)
  const health = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  t.ok(health.headers['x-request-id'], 'a request id is returned')
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().status, 'ready')
  t.equal(ready.json().database, process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite')
})

t.test('a caller\'s request id is echoed back', async (t) => {
  const app = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'portal-123' } })
  t.equal(response.headers['x-request-id'], 'portal-123')
})

t.test('readyz answers 503 when the database is not migrated', async (t) => {
  const app = await buildTestApp(t, { migrate: false })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  assertProblem(t, ready, 503, 'NOT_READY')
})

t.test('readyz answers 503 when the database is gone, while healthz stays 200', async (t) => {
  const app = await buildTestApp(t)
  await app.database.close()
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  const body = assertProblem(t, ready, 503, 'NOT_READY')
  t.match(body.detail, /cannot be reached/)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('security headers are set', async (t) => {
  const app = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(response.headers['x-content-type-options'], 'nosniff')
  t.ok(response.headers['content-security-policy'])
})

t.test('the web app may show evidence files it fetched (blob: URLs) in a frame or an image, and nothing else from elsewhere', async (t) => {
  const app = await buildTestApp(t)
  const policy = String((await app.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy'])
  const directive = (name: string) => policy.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${name} `))
  t.equal(directive('frame-src'), "frame-src 'self' blob:")
  t.equal(directive('img-src'), "img-src 'self' data: blob:")
  t.equal(directive('default-src'), "default-src 'self'")
})

t.test('CORS allows only the configured origins', async (t) => {
  const app = await buildTestApp(t, { config: { CORS_ORIGINS: 'https://chamdiem.thanhhoa.gov.vn' } })
  const allowed = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://chamdiem.thanhhoa.gov.vn' } })
  t.equal(allowed.headers['access-control-allow-origin'], 'https://chamdiem.thanhhoa.gov.vn')
  const other = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } })
  t.notOk(other.headers['access-control-allow-origin'])
})

t.test('error responses are problem documents', async (t) => {
  const app = await buildTestApp(t, {
    config: { BODY_LIMIT_BYTES: 2048 },
    extend: (app) => {
      app.post('/test/echo', {
        config: { access: { public: true } },
        schema: {
          body: Type.Object({ name: Type.String({ minLength: 1 }), points: Type.Number({ maximum: 10 }), tags: Type.Array(Type.String()) }, { additionalProperties: false })
        }
      }, async (request) => request.body)
      app.get('/test/boom', { config: { access: { public: true } } }, async () => {
        throw new Error('select * from secret_table where password = 1')
      })
    }
  })

  t.test('unknown route: 404', async (t) => {
    const body = assertProblem(t, await app.inject({ method: 'GET', url: '/nope?x=1' }), 404, 'ROUTE_NOT_FOUND')
    t.equal(body.instance, '/nope')
    t.ok(body.requestId)
  })

  t.test('a route that exists under other methods: 405 with Allow, naming them; a path that exists under none stays 404', async (t) => {
    const wrong = await app.inject({ method: 'DELETE', url: '/auth/login', headers: { 'accept-language': 'vi' } })
    const body = assertProblem(t, wrong, 405, 'METHOD_NOT_ALLOWED')
    t.equal(wrong.headers.allow, 'POST')
    t.equal(body.detail, 'Địa chỉ /auth/login không nhận thao tác DELETE; chỉ nhận POST.')
    const round = await app.inject({ method: 'POST', url: '/rounds/00000000-0000-4000-8000-000000000000' })
    assertProblem(t, round, 405, 'METHOD_NOT_ALLOWED')
    t.equal(round.headers.allow, 'GET, PATCH, HEAD', 'a parametric path: the methods its pattern takes')
    assertProblem(t, await app.inject({ method: 'PUT', url: '/rounds/00000000-0000-4000-8000-000000000000/nothing' }), 404, 'ROUTE_NOT_FOUND')
  })

  t.test('malformed JSON: 400', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"name": ' })
    assertProblem(t, response, 400, 'MALFORMED_JSON')
  })

  t.test('oversized body: 413', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(5000), points: 1, tags: [] }) })
    assertProblem(t, response, 413, 'PAYLOAD_TOO_LARGE')
  })

  t.test('unsupported media type: 415', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/x-unknown' }, payload: 'a=b' })
    assertProblem(t, response, 415, 'UNSUPPORTED_MEDIA_TYPE')
  })

  t.test('validation failure lists every failing field with its pointer', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: '', points: 11, tags: ['ok', 3], extra: true } })
    const body = assertProblem(t, response, 400, 'VALIDATION_FAILED')
    const pointers = body.errors.map((e: { pointer: string }) => e.pointer).sort()
    t.same(pointers, ['/extra', '/name', '/points', '/tags/1'])
    t.ok(body.errors.every((e: { in: string }) => e.in === 'body'))
  })

  t.test('a missing field is named by its pointer', async (t) => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', payload: { points: 1, tags: [] } })
    const body = assertProblem(t, response, 400, 'VALIDATION_FAILED')
    t.same(body.errors.map((e: { pointer: string }) => e.pointer), ['/name'])
  })

  t.test('unexpected exception: 500 without stack or SQL', async (t) => {
    const response = await app.inject({ method: 'GET', url: '/test/boom' })
    const body = assertProblem(t, response, 500, 'INTERNAL')
    t.notMatch(response.body, /secret_table|select|stack|at .*\.ts/i)
    t.notOk(body.stack)
  })
})

t.test('the OpenAPI document lists every route with its contract', async (t) => {
  const app = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(response.statusCode, 200)
  const document = response.json()
  t.equal(document.openapi, '3.1.0')
  t.ok(document.components.schemas.Problem, 'Problem is a named component')
  t.notOk(Object.keys(document.components.schemas).some((name: string) => name.startsWith('def-')), 'no anonymous def-N components')
  const documented = new Set<string>()
  for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(item)) {
      documented.add(`${method.toUpperCase()} ${path}`)
      t.ok(operation.operationId, `${method} ${path} has an operationId`)
      t.ok(operation.summary, `${method} ${path} has a summary`)
      t.ok(operation.tags?.length, `${method} ${path} has tags`)
      t.ok(operation.responses['500'], `${method} ${path} documents 500`)
      for (const [status, answer] of Object.entries<any>(operation.responses)) {
        t.equal(answer.headers?.['x-request-id']?.schema?.type, 'string', `${method} ${path} ${status} names the request id header`)
        const problem = answer.content?.['application/problem+json']
        if (problem) t.equal(problem.schema.$ref, `#/components/schemas/Problem${status}`, `${method} ${path} ${status} is a problem of its status`)
      }
    }
  }
  // Each status's problem lists exactly the codes of that status in the table of errors, the one source.
  const byStatus = new Map<number, string[]>()
  for (const { code, status } of errorCodes()) byStatus.set(status, [...byStatus.get(status) ?? [], code])
  for (const [name, schema] of Object.entries<any>(document.components.schemas)) {
    const status = /^Problem(\d{3})$/.exec(name)?.[1]
    if (status === undefined) continue
    t.same(schema.allOf[0], { $ref: '#/components/schemas/Problem' }, `${name} is a Problem`)
    t.same(schema.allOf[1].properties.code.enum, byStatus.get(Number(status)), `${name} lists the codes of status ${status}`)
  }
  t.ok(document.components.schemas.Problem404, 'a 404 problem is described')
  // What generators need: a parameter with a default is optional, and every enum says its type.
  const requiredWithDefault: string[] = []
  for (const [path, item] of Object.entries<Record<string, any>>(document.paths)) {
    for (const [method, operation] of Object.entries<any>(item)) {
      for (const parameter of operation.parameters ?? []) if (parameter.required && parameter.schema && 'default' in parameter.schema) requiredWithDefault.push(`${method} ${path} ${parameter.name}`)
    }
  }
  t.same(requiredWithDefault, [], 'no parameter with a default is required')
  const untyped: string[] = []
  const walk = (node: unknown, at: string): void => {
    if (node === null || typeof node !== 'object') return
    if (Array.isArray((node as { enum?: unknown }).enum) && (node as { type?: unknown }).type === undefined) untyped.push(at)
    for (const [key, value] of Object.entries(node)) walk(value, `${at}/${key}`)
  }
  walk(document, '')
  t.same(untyped, [], 'every enum has a type')
  t.same(Object.keys(document.webhooks).sort(), ['appraisal.finalized', 'results.published', 'round.status_changed', 'self_assessment.submitted'], 'each webhook event is described')
  t.equal(document.servers[0].url, '/')
  t.ok(document.info.license.name, 'the license is stated')
  const routes = app.printRoutes({ commonPrefix: false })
  for (const route of ['GET /healthz', 'GET /readyz', 'GET /openapi.json']) t.ok(documented.has(route), `${route} is documented`)
  t.ok(routes.length > 0)
})

t.test('every request and response schema compiles, and a route compiles its own at its first use', async (t) => {
  // The service compiles validators and serializers lazily; this start compiles all of them, so a schema that cannot
  // compile fails here.
  const eager = await buildTestApp(t, { eagerSchemas: true })
  t.equal((await eager.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  const lazy = await buildTestApp(t)
  const first = await lazy.inject({ method: 'GET', url: '/healthz' })
  t.equal(first.statusCode, 200)
  t.same(first.json(), (await eager.inject({ method: 'GET', url: '/healthz' })).json(), 'both answer alike')
})
