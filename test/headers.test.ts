// Headers that keep clients safe: the CSP allows inline scripts on the API docs only; logged-in answers are never
// cached; a portal on CORS_ORIGINS may write (PATCH, PUT, DELETE with If-Match) and read ETag and Retry-After.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { publishedDemoRound } from './helpers/results.js'

t.test('the CSP forbids inline scripts everywhere but the API docs', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  for (const [url, headers] of [['/healthz', {}], ['/units', admin.headers], ['/public/rounds', {}], ['/openapi.json', {}]] as const) {
    const csp = String((await app.inject({ method: 'GET', url, headers })).headers['content-security-policy'])
    t.match(csp, /script-src 'self'(;|$)/, url)
    t.notMatch(csp, /script-src[^;]*unsafe-inline/, `${url}: no inline scripts`)
    t.match(csp, /frame-src 'self' blob:/, `${url}: evidence opens in a frame from a blob`)
    t.notMatch(csp, /upgrade-insecure-requests/)
  }
  const docs = await app.inject({ method: 'GET', url: '/docs/static/index.html' })
  t.match(String(docs.headers['content-security-policy']), /script-src 'self' 'unsafe-inline'/, 'the docs run their inline scripts')
})

t.test('every answer carries helmet\'s headers, the API docs and errors included', async (t) => {
  const app = await buildTestApp(t)
  for (const url of ['/healthz', '/docs/static/index.html', '/no-such-path']) {
    const headers = (await app.inject({ method: 'GET', url })).headers
    t.equal(headers['x-content-type-options'], 'nosniff', url)
    t.equal(headers['x-frame-options'], 'SAMEORIGIN', url)
    t.equal(headers['referrer-policy'], 'no-referrer', url)
    t.equal(headers['cross-origin-opener-policy'], 'same-origin', url)
    t.match(String(headers['strict-transport-security']), /^max-age=\d+; includeSubDomains$/, url)
    t.ok(headers['x-request-id'], `${url}: a request id`)
  }
})

t.test('published results may be shown by other sites (a chart in the portal\'s page); nothing else may be loaded across origins', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  for (const url of ['/public/rounds', '/public/no-such-path']) {
    t.equal((await app.inject({ method: 'GET', url })).headers['cross-origin-resource-policy'], 'cross-origin', url)
  }
  for (const [url, headers] of [['/healthz', {}], ['/units', admin.headers], ['/openapi.json', {}], ['/publicity', {}]] as const) {
    t.equal((await app.inject({ method: 'GET', url, headers })).headers['cross-origin-resource-policy'], 'same-origin', url)
  }
})

t.test('answers to a logged-in caller carry Cache-Control: no-store; public ones keep their own', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  for (const url of ['/units', '/auth/me', '/rounds', '/units/00000000-0000-4000-8000-000000000000']) {
    t.equal((await app.inject({ method: 'GET', url, headers: admin.headers })).headers['cache-control'], 'no-store', url)
  }
  t.equal((await app.inject({ method: 'GET', url: '/public/rounds' })).headers['cache-control'], 'public, max-age=60')
})

t.test('the OpenAPI document names the caching and download headers each answer carries, as the answers carry them', async (t) => {
  const app = await buildTestApp(t)
  const roundId = await publishedDemoRound(app)
  const admin = await loginAs(app, 'admin')
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const documented = (path: string, status: string) => Object.keys(document.paths[path].get.responses[status].headers ?? {})
  const catalogId = (await app.inject({ method: 'GET', url: '/catalogs?limit=1', headers: admin.headers })).json().items[0].id as string
  const cases: [string, string, Record<string, string>, string[]][] = [
    ['/units', '/units', admin.headers, ['cache-control']],
    ['/public/rounds/{id}/results/{unitType}', `/public/rounds/${roundId}/results/department`, {}, ['cache-control', 'vary', 'etag']],
    ['/public/rounds/{id}/results/{unitType}/export', `/public/rounds/${roundId}/results/department/export?format=csv`, {}, ['cache-control', 'vary', 'content-disposition']],
    ['/catalogs/{id}/export', `/catalogs/${catalogId}/export`, admin.headers, ['cache-control', 'content-disposition']]
  ]
  for (const [path, url, headers, names] of cases) {
    const answer = await app.inject({ method: 'GET', url, headers })
    t.equal(answer.statusCode, 200, url)
    for (const name of names) {
      t.ok(documented(path, '200').includes(name), `${path} documents ${name}`)
      t.ok(answer.headers[name], `${url} sends ${name}`)
    }
  }
  t.match(document.paths['/units'].get.responses['200'].headers['cache-control'].description, /no-store/)
  t.notOk(documented('/healthz', '200').includes('cache-control'), 'a public answer without caching headers documents none')
})

t.test('a portal on CORS_ORIGINS may write with If-Match and read ETag, Retry-After and Location', async (t) => {
  const origin = 'https://chamdiem.thanhhoa.gov.vn'
  const app = await buildTestApp(t, { config: { CORS_ORIGINS: origin } })
  for (const method of ['PATCH', 'PUT', 'DELETE']) {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/units/00000000-0000-4000-8000-000000000000',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type, if-match' }
    })
    t.equal(preflight.statusCode, 204, method)
    t.match(String(preflight.headers['access-control-allow-methods']), method)
    t.match(String(preflight.headers['access-control-allow-headers']), /if-match/)
  }
  const answer = await app.inject({ method: 'GET', url: '/public/rounds', headers: { origin } })
  const exposed = String(answer.headers['access-control-expose-headers'])
  for (const header of ['etag', 'retry-after', 'location']) t.match(exposed, header)
  const stranger = await app.inject({ method: 'GET', url: '/public/rounds', headers: { origin: 'https://evil.example' } })
  t.notOk(stranger.headers['access-control-allow-origin'], 'other origins get no CORS grant')
})

t.test('a failed query is logged with its statement and error, never the values it was given', async (t) => {
  const lines: string[] = []
  const stream = { write: (line: string) => { lines.push(line) } }
  const secret = '$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0c2FsdA$secret-hash-never-logged'
  const app = await buildTestApp(t, {
    logger: { level: 'error', stream },
    extend: (app) => {
      app.get('/test/failing-query', { config: { access: { public: true } } }, async () => {
        const { sql } = await import('drizzle-orm')
        // A value the column cannot take makes the database refuse the statement.
        await app.db.execute(sql`select ${secret}::int as broken`)
        return {}
      })
    }
  })
  const response = await app.inject({ method: 'GET', url: '/test/failing-query' })
  t.equal(response.statusCode, 500)
  const logged = lines.join('\n')
  t.match(logged, /Failed query: select \$1::int as broken/, 'the statement is logged')
  t.notMatch(logged, /secret-hash-never-logged/, 'the value is not')
})

t.test('an address or headers too long are problem documents with the usual headers, never echoing the address', async (t) => {
  const { request } = await import('node:http')
  const app = await buildTestApp(t)
  const address = new URL(await app.listen({ host: '127.0.0.1', port: 0 }))
  const send = (path: string, headers: Record<string, string> = {}) => new Promise<{ status: number, headers: Record<string, unknown>, body: string }>((resolve, reject) => {
    const outgoing = request({ host: address.hostname, port: address.port, path, headers }, (incoming) => {
      let body = ''
      incoming.on('data', (chunk: Buffer) => { body += chunk.toString() })
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }))
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
  const marker = 'x'.repeat(300)
  const long = await send(`/public/rounds/${marker}/results/department`)
  t.equal(long.status, 414)
  t.match(String(long.headers['content-type']), /application\/problem\+json/)
  t.equal(JSON.parse(long.body).code, 'URI_TOO_LONG')
  t.ok(long.headers['x-request-id'], 'it has a request id')
  t.equal(long.headers['x-content-type-options'], 'nosniff')
  t.notMatch(long.body, marker, 'the address is not echoed')
  const over = await send(`/public/rounds/00000000-0000-4000-8000-000000000000/results/department/units/${'u'.repeat(150)}`)
  t.equal(over.status, 400, 'a parameter a little past its length is the route\'s own refusal')
  t.match(JSON.parse(over.body), { code: 'VALIDATION_FAILED', errors: [{ in: 'params', pointer: '/unit' }] })

  const huge = await send('/healthz', { 'x-filler': 'y'.repeat(20_000) })
  t.equal(huge.status, 431)
  t.match(String(huge.headers['content-type']), /application\/problem\+json/)
  t.equal(JSON.parse(huge.body).code, 'HEADERS_TOO_LARGE')
  t.ok(huge.headers['x-request-id'])
  t.match(String(huge.headers['content-security-policy']), /default-src 'none'/)
})
