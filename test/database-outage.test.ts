// PostgreSQL going away while requests are in flight, and coming back: the service process survives, answers 503
// DATABASE_UNAVAILABLE with Retry-After meanwhile, serves again by itself within seconds, and every save it answered 200
// is in the database, while no save that failed is there by halves. The outage is made by a TCP relay between the
// service and the server that cuts every connection and refuses new ones, as a restarting server does to its clients.
import { randomBytes } from 'node:crypto'
import { createServer, connect, type Server, type Socket } from 'node:net'
import pg from 'pg'
import t from 'tap'
import { openDatabase } from '../server/db/client.js'
import { migrate } from '../server/db/migrate.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { loadReferenceData, openRound } from './helpers/rounds.js'

const serverUrl = process.env.TEST_DATABASE_URL
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A relay to the database that can be cut (every connection reset, new ones refused) and restored. */
async function relay (target: URL): Promise<{ port: number, cut: () => void, restore: () => void, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  let down = false
  const server: Server = createServer((client) => {
    if (down) { client.destroy(); return }
    const upstream = connect(Number(target.port || 5432), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('error', () => {})
      socket.on('close', () => { sockets.delete(socket); client.destroy(); upstream.destroy() })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut: () => { down = true; for (const socket of sockets) socket.resetAndDestroy() },
    restore: () => { down = false },
    close: () => new Promise((resolve) => { for (const socket of sockets) socket.destroy(); server.close(() => resolve()) })
  }
}

t.test('the database goes away for a while and comes back: 503 meanwhile, no crash, nothing acknowledged lost', { skip: serverUrl ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL); the embedded database cannot go away' }, async (t) => {
  const name = `par_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const direct = new URL(serverUrl as string)
  direct.pathname = `/${name}`
  const link = await relay(direct)
  const relayed = new URL(direct)
  relayed.host = `127.0.0.1:${link.port}`
  const database = await openDatabase({ url: relayed.toString(), dataDir: 'unused', poolSize: 4, statementTimeoutMs: 5000 })
  await migrate(database)
  t.teardown(async () => {
    await database.close().catch(() => undefined)
    await link.close()
    const dropper = new pg.Client({ connectionString: serverUrl })
    await dropper.connect()
    await dropper.query(`drop database if exists ${name} with (force)`)
    await dropper.end()
  })
  const app = await buildTestApp(t, { database })
  const adminUser = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, adminUser)
  const round = await openRound(app, adminUser, data)
  const unitId = data.units.get('SO-TP')!
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`

  // One writer saving two leaves' explanations per request, each save a new number; the answers are recorded.
  const acknowledged: number[] = []
  const failed: Array<{ n: number, status: number, code: string, retryAfter: unknown }> = []
  const state = { running: true }
  let n = 0
  const writer = (async () => {
    while (state.running) {
      n++
      const state = await app.inject({ method: 'GET', url, headers: officer.headers })
      if (state.statusCode !== 200) {
        failed.push({ n, status: state.statusCode, code: state.json().code, retryAfter: state.headers['retry-after'] })
        await pause(100)
        continue
      }
      const save = await app.inject({
        method: 'PATCH',
        url,
        headers: { ...officer.headers, 'if-match': state.headers.etag as string },
        payload: { entries: [{ leafCode: '1.1.1', explanation: `lần ${n}` }, { leafCode: '1.1.2', explanation: `lần ${n}` }] }
      })
      if (save.statusCode === 200) acknowledged.push(n)
      else failed.push({ n, status: save.statusCode, code: save.json().code, retryAfter: save.headers['retry-after'] })
      await pause(20)
    }
  })()

  await pause(1000)
  const beforeOutage = acknowledged.length
  t.ok(beforeOutage > 0, `saves go through before the outage (${beforeOutage})`)
  link.cut()
  await pause(3000)
  const during = failed.filter((item) => item.n > beforeOutage)
  t.ok(during.length > 0, `requests fail during the outage (${during.length})`)
  t.ok(during.every((item) => item.status === 503 && item.code === 'DATABASE_UNAVAILABLE' && item.retryAfter === '5'),
    `every failure is 503 DATABASE_UNAVAILABLE with Retry-After: ${JSON.stringify(during.slice(0, 3))}`)
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503, 'readyz says the service is not ready')

  const restoredAt = Date.now()
  const countAtRestore = acknowledged.length
  link.restore()
  while (acknowledged.length === countAtRestore && Date.now() - restoredAt < 10_000) await pause(50)
  const recovery = Date.now() - restoredAt
  t.ok(acknowledged.length > countAtRestore, 'saves go through again')
  t.ok(recovery < 5000, `service resumed by itself ${recovery} ms after the database came back`)
  await pause(500)
  state.running = false
  await writer

  // The last acknowledged save is what the database holds, on both leaves: nothing acknowledged was lost, and no save
  // is there by halves (the two leaves always agree).
  const check = new pg.Client({ connectionString: direct.toString() })
  await check.connect()
  const rows = (await check.query<{ explanation: string }>(
    `select e.explanation from self_assessment_entries e join self_assessments s on s.id = e.self_assessment_id
     where s.round_id = $1 and s.unit_id = $2 and e.leaf_code in ('1.1.1', '1.1.2')`, [round.id, unitId])).rows
  await check.end()
  const last = acknowledged[acknowledged.length - 1]
  t.equal(rows.length, 2)
  t.equal(rows[0]?.explanation, rows[1]?.explanation, 'both leaves of one save are there together')
  const stored = Number(/\d+/.exec(rows[0]?.explanation ?? '')?.[0])
  t.ok(stored >= (last ?? 0), `the database holds save ${stored}, the last acknowledged was ${last}`)
  t.ok(stored === last || failed.some((item) => item.n === stored), 'a later value than the last acknowledged can only be a save whose answer was lost with the connection')
})
