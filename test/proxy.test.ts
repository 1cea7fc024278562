// Behind a reverse proxy (TRUST_PROXY): the client address that rate limits, logs and the audit log use is the
// forwarded one when the proxy is trusted, and the peer's own when it is not, so a spoofed header buys nothing.
import t from 'tap'
import { ConfigError, loadConfig, trustProxyOf } from '../server/config.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'

const PROXY = '10.0.0.5'

let attempt = 0
/** A failed login from that peer (each for another username, so the per-username lockout stays out of the way). */
async function loginFrom (app: Awaited<ReturnType<typeof buildTestApp>>, remoteAddress: string, forwardedFor?: string) {
  attempt++
  const response = await app.inject({
    method: 'POST',
    url: '/auth/login',
    remoteAddress,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    payload: { username: `nobody${attempt}`, password: 'wrong password' }
  })
  return response.statusCode
}

t.test('behind a trusted proxy, two forwarded clients have a login budget each', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_RATE_PER_MINUTE: 2, TRUST_PROXY: PROXY } })
  const first = [await loginFrom(app, PROXY, '203.0.113.1'), await loginFrom(app, PROXY, '203.0.113.1'), await loginFrom(app, PROXY, '203.0.113.1')]
  t.same(first, [401, 401, 429], 'the first client spends its own budget')
  t.equal(await loginFrom(app, PROXY, '203.0.113.2'), 401, 'the second client, through the same proxy, still has its budget')
  // A client talking to the service directly cannot pose as another by sending the header itself.
  t.equal(await loginFrom(app, '198.51.100.7', '203.0.113.2'), 401)
  t.equal(await loginFrom(app, '198.51.100.7', '203.0.113.3'), 401)
  t.equal(await loginFrom(app, '198.51.100.7', '203.0.113.4'), 429, 'an untrusted peer is counted by its own address, whatever it forwards')
  t.equal(await loginFrom(app, PROXY), 401, 'the proxy\'s own requests (no header) are the proxy\'s')
})

t.test('with no trusted proxy (the default), a forwarded header is ignored: every request counts for the peer', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_RATE_PER_MINUTE: 2 } })
  const statuses = [await loginFrom(app, PROXY, '203.0.113.1'), await loginFrom(app, PROXY, '203.0.113.2'), await loginFrom(app, PROXY, '203.0.113.3')]
  t.same(statuses, [401, 401, 429])
})

t.test('the audit log records the forwarded client address behind a trusted proxy', async (t) => {
  const app = await buildTestApp(t, { config: { TRUST_PROXY: '1' } })
  const admin = await loginAs(app, 'admin')
  const created = await app.inject({
    method: 'POST',
    url: '/units',
    remoteAddress: PROXY,
    headers: { ...admin.headers, 'x-forwarded-for': '203.0.113.77' },
    payload: { code: 'PROXY-TEST', name: 'Đơn vị thử', unitType: 'department' }
  })
  t.equal(created.statusCode, 201, created.body)
  const audit = await app.inject({ method: 'GET', url: '/audit?action=unit.create&limit=5', headers: admin.headers })
  t.equal(audit.statusCode, 200, audit.body)
  const row = audit.json().items.find((item: { entityId: string }) => item.entityId === created.json().id)
  t.equal(row?.clientAddress, '203.0.113.77')
})

t.test('TRUST_PROXY reads as Fastify\'s trustProxy, and a malformed one stops the start', async (t) => {
  const read = (value: string) => trustProxyOf(loadConfig({ TRUST_PROXY: value }))
  t.equal(read('false'), false)
  t.equal(read('true'), true)
  const hops = read('1')
  t.type(hops, 'function', 'a hop count trusts the nearest hops')
  if (typeof hops === 'function') t.same([hops('10.0.0.5', 0), hops('203.0.113.9', 1)], [true, false])
  t.equal(read('0'), false)
  t.same(read('10.0.0.0/8, 127.0.0.1,::1'), ['10.0.0.0/8', '127.0.0.1', '::1'])
  for (const bad of ['yes', '10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1']) {
    t.throws(() => loadConfig({ TRUST_PROXY: bad }), ConfigError, bad)
  }
})
