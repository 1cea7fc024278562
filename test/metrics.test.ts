// GET /metrics for the operators' Prometheus: off by default, behind its own token, with request latency by route and
// status, the pool, the evidence stored and the process; and access logs that name the caller, never a secret.
import { Writable } from 'node:stream'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'

const TOKEN = 'scraper-token-0123456789'

t.test('without METRICS_TOKEN there is no /metrics', async (t) => {
  const app = await buildTestApp(t)
  const response = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(response.statusCode, 404)
  t.equal(response.json().code, 'ROUTE_NOT_FOUND')
})

t.test('with a token: refused without it, and counts requests by route pattern and status', async (t) => {
  const app = await buildTestApp(t, { config: { METRICS_TOKEN: TOKEN } })
  t.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401, 'no token')
  t.equal((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode, 401, 'a wrong token')
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/healthz' })
  const admin = await loginAs(app, 'admin')
  await app.inject({ method: 'GET', url: '/rounds/00000000-0000-4000-8000-000000000000', headers: admin.headers })

  const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain/)
  const body = response.body
  t.match(body, /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 3\n/, 'three health checks')
  t.match(body, /http_request_duration_seconds_count\{method="GET",route="\/rounds\/:id",status_code="404"\} 1\n/, 'by the route pattern, not the address')
  t.notMatch(body, /00000000-0000/, 'no address or identifier in the labels')
  t.match(body, /evidence_stored\{measure="files"\} 0\n/)
  t.match(body, /process_cpu_user_seconds_total/)
  if (app.database.kind === 'postgres') t.match(body, /db_pool_connections\{state="max"\} \d+/)
  else t.notMatch(body, /db_pool_connections\{/, 'the embedded database has no pool')
})

t.test('access logs name the account or API key that called, never the token', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    }
  })
  const app = await buildTestApp(t, { logger: { level: 'info', stream } })
  const admin = await loginAs(app, 'admin')
  await app.inject({ method: 'GET', url: '/units?limit=1', headers: admin.headers })
  const completed = lines.find((line) => line.msg === 'request completed' && line.userId !== undefined)
  t.ok(completed, 'the request completed line carries the user id')
  const token = admin.headers.authorization?.replace('Bearer ', '') ?? 'none'
  t.notOk(JSON.stringify(lines).includes(token), 'the bearer token is in no log line')
})
