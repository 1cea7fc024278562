// Rate limits shared through Redis (REDIS_URL): two instances of the service count one budget per client, against
// the machine's Redis on 127.0.0.1:6379 (skipped, saying so, where none answers); and a Redis that goes away lets
// requests through rather than failing them.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

async function redisAnswers (): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  probe.on('error', () => {})
  try {
    await probe.connect()
    return (await probe.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    probe.disconnect()
  }
}

const available = await redisAnswers()
const skip = available ? false : `no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL): the shared rate limits are not tested here`

async function login (app: Awaited<ReturnType<typeof buildTestApp>>, username: string) {
  const response = await app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.10', payload: { username, password: 'wrong password' } })
  return response.statusCode
}

t.test('two instances on one Redis share a client\'s login budget', { skip }, async (t) => {
  const prefix = `par-test-${randomBytes(6).toString('hex')}:`
  const config = { LOGIN_RATE_PER_MINUTE: 3, REDIS_URL, REDIS_KEY_PREFIX: prefix }
  const first = await buildTestApp(t, { config })
  const second = await buildTestApp(t, { config })
  t.same([await login(first, 'a1'), await login(second, 'a2'), await login(first, 'a3')], [401, 401, 401])
  t.equal(await login(second, 'a4'), 429, 'the fourth attempt is refused by the other instance')
  const keys = new Redis(REDIS_URL)
  t.teardown(() => keys.disconnect())
  const stored = await keys.keys(`${prefix}*`)
  t.ok(stored.length > 0, 'the counter lives in Redis under the deployment\'s prefix')
  await keys.del(...stored)
})

t.test('without Redis answering, requests go through (the PostgreSQL lockout still holds)', async (t) => {
  // Port 1 refuses at once: the counter cannot be reached.
  const app = await buildTestApp(t, { config: { LOGIN_RATE_PER_MINUTE: 1, REDIS_URL: 'redis://127.0.0.1:1' } })
  const statuses = [await login(app, 'b1'), await login(app, 'b2'), await login(app, 'b3')]
  t.same(statuses, [401, 401, 401], 'no 500, and no limit counted')
})
