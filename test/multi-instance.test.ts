// Two instances of the service behind a load balancer: one PostgreSQL database, one Redis, one S3 bucket. A file
// uploaded through one downloads through the other; a token issued by one works on the other and, revoked, on neither;
// a rate limit counts requests to both. (Instances in one test process, each with its own pool and connections.)
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs, TEST_PASSWORD } from './helpers/auth.js'
import { sharedDatabase } from './helpers/instances.js'
import { loadReferenceData, openRound } from './helpers/rounds.js'
import { startS3 } from './helpers/s3.js'
import { samples, temporaryDirectory } from './storage/samples.js'

const serverUrl = process.env.TEST_DATABASE_URL
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

async function redisAnswers (): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  probe.on('error', () => {})
  return probe.connect().then(async () => (await probe.ping()) === 'PONG', () => false).finally(() => probe.disconnect())
}

const skip = !serverUrl
  ? 'needs a PostgreSQL server (TEST_DATABASE_URL): instances share one database'
  : !await redisAnswers() ? `needs Redis at ${REDIS_URL}` : false

t.test('two instances share data, files, sessions and rate limits', { skip }, async (t) => {
  const peer = await startS3(t)
  const databases = await sharedDatabase(t, serverUrl as string)
  const shared = { ...await peer.bucketConfig(), REDIS_URL, REDIS_KEY_PREFIX: `par-test-${randomBytes(4).toString('hex')}:`, LOGIN_RATE_PER_MINUTE: 6 }
  // Each instance its own data directory: nothing may depend on a local disk.
  const [one, two] = [
    await buildTestApp(t, { database: databases[0], migrate: false, config: { ...shared, DATA_DIR: temporaryDirectory(t) } }),
    await buildTestApp(t, { database: databases[1], migrate: false, config: { ...shared, DATA_DIR: temporaryDirectory(t) } })
  ] as const

  const adminUser = await loginAs(one, 'admin')
  const data = await loadReferenceData(one, adminUser)
  const round = await openRound(one, adminUser, data)
  const unitId = data.units.get('SO-TP')!
  await loginAs(one, 'unit_officer', { unitId, username: 'canbo.sotp' })

  // A token issued by one instance works on the other.
  const login = await two.inject({ method: 'POST', url: '/auth/login', payload: { username: 'canbo.sotp', password: TEST_PASSWORD } })
  t.equal(login.statusCode, 200)
  const headers = { authorization: `Bearer ${login.json().token as string}` }
  t.equal((await one.inject({ method: 'GET', url: '/auth/me', headers })).statusCode, 200, 'issued by two, accepted by one')

  // A file uploaded through one instance downloads through the other.
  const files = `/rounds/${round.id}/units/${unitId}/self-assessment/files`
  const boundary = 'par-multi'
  const content = Buffer.concat([samples.pdf(), randomBytes(64 * 1024)])
  const uploaded = await one.inject({
    method: 'POST',
    url: files,
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ke-hoach.pdf"\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`)])
  })
  t.equal(uploaded.statusCode, 201, uploaded.body)
  const download = await two.inject({ method: 'GET', url: `${files}/${uploaded.json().id as string}`, headers })
  t.equal(download.statusCode, 200)
  t.ok(download.rawPayload.equals(content), 'the same bytes through the other instance')

  // Revoked through one, the token works on neither.
  t.equal((await one.inject({ method: 'POST', url: '/auth/logout', headers })).statusCode, 204)
  t.equal((await one.inject({ method: 'GET', url: '/auth/me', headers })).statusCode, 401)
  t.equal((await two.inject({ method: 'GET', url: '/auth/me', headers })).statusCode, 401, 'revoked on both')

  // Logins from one address count against one budget, whichever instance answers.
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) {
    const instance = i % 2 === 0 ? one : two
    statuses.push((await instance.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.99', payload: { username: `x${i}`, password: 'wrong password' } })).statusCode)
  }
  const final = await two.inject({ method: 'POST', url: '/auth/login', remoteAddress: '203.0.113.99', payload: { username: 'x9', password: 'wrong password' } })
  t.same(statuses, [401, 401, 401, 401, 401, 401])
  t.equal(final.statusCode, 429, 'the seventh attempt, spread over both instances, is over the shared budget of six')
})
