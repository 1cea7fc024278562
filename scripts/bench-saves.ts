// `npm run bench:saves`: 1,000 self-assessment saves at once, each a unit's officer saving 3 leaves of their own unit
// through the real HTTP API (authentication, If-Match, scoring, audit row, totals from the sums tables), and, in the
// same run and interleaved with them, the floor: the same writes (version bump, 3-row upsert, audit row) as bare SQL
// transactions on a pool of the same size. Prints per batch and overall min/median/p99/max latency and saves per
// second, the ratio API / floor, and the lost updates: every save must answer 200 and, after each batch, every
// unit's version and the 3 stored points must be exactly what the batch sent (checked in the database).
// The server runs in this process on a scratch PostgreSQL database (see bench-results.ts); the API's load comes from
// a worker thread (node:http, keep-alive, asking for gzip and br as browsers do), as from clients outside the server's
// event loop (the floor's client, the pg pool, is this thread's). Options: --units=N (saves per batch, one per unit) --leaves=N --batches=N (of each kind)
// --warmup=N (batches of each kind first, printed but not counted; 3 by default: a server just started runs its first
// thousands of saves before V8 has compiled the hot paths, 15-25 % slower than a server that has been taking saves all
// morning, as on a deadline day; the first warm-up batch shows the cold figure).
import { randomBytes } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { queryRows } from '../server/db/rows.js'
import { digest } from '../server/services/secrets.js'
import { generateRound, option, postgresOnly, scratchDatabase } from './bench-results.js'

const POOL_SIZE = 10

interface Officer { unitId: string, selfAssessmentId: string, token: string, path: string, version: number }
interface Batch { kind: 'api' | 'floor', latencies: number[], seconds: number, failed: number, lost: number, connections: number }

const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] as number
const points = (batch: number, unit: number, leaf: number) => ((batch + unit + leaf) % 4) * 0.25

async function main (): Promise<void> {
  const units = option('units', 1000)
  const leaves = option('leaves', 100)
  const batches = option('batches', 3)
  const warmup = Math.max(1, option('warmup', 3))
  const { database, drop } = await scratchDatabase('par_bench_saves', POOL_SIZE, postgresOnly('its floor is a pool of bare SQL connections, and the embedded database has one connection'))
  const floorPool = new pg.Pool({ connectionString: database.url, max: POOL_SIZE })
  // The scratch database is dropped with (force) at the end: a connection it ends must not crash the run.
  floorPool.on('error', () => {})
  floorPool.on('connect', (client) => { client.on('error', () => {}) })
  try {
    // Every unit's self-assessment reopened as a draft in a round open for self-assessment, and one officer per unit
    // with a live session (logging 1,000 officers in would measure the password hash instead).
    const round = await generateRound(database.db, { units, leaves, status: 'self_assessment' })
    await database.db.execute(sql`update rounds set self_assessment_closes_at = now() + interval '1 day', supplement_closes_at = now() + interval '2 days',
      appraisal_closes_at = now() + interval '3 days' where id = ${round.roundId}`)
    await database.db.execute(sql`update self_assessments set status = 'draft', submitted_at = null where round_id = ${round.roundId}`)
    // The first leaf of each of the first three fields, so a save changes three fields' sums.
    const chosen = await queryRows<{ code: string, field_code: string }>(database.db, sql`
      select distinct on (f.position) l.code, f.code as field_code from catalog_nodes l join catalog_nodes f on f.id = l.parent_id
      where l.catalog_id = ${round.catalogId} order by f.position, l.position limit 3`)
    const codes = chosen.map((row) => row.code)
    const fieldCodes = chosen.map((row) => row.field_code)
    const units$ = await queryRows<{ unit_id: string, self_assessment_id: string, version: number }>(database.db, sql`
      select s.unit_id, s.id as self_assessment_id, s.version from self_assessments s join units u on u.id = s.unit_id
      where s.round_id = ${round.roundId} order by u.code`)
    const tokens = units$.map(() => randomBytes(24).toString('base64url'))
    await database.db.execute(sql`
      with officer as (
        insert into users (username, display_name, role, unit_id, password_hash)
        select 'canbo-' || u.code, 'Cán bộ ' || u.code, 'unit_officer', u.id, 'not-a-hash' from units u
        where u.id in (select unit_id from self_assessments where round_id = ${round.roundId})
        returning id, unit_id
      )
      insert into sessions (user_id, token_hash, expires_at)
      select o.id, t.hash, now() + interval '1 day'
      from officer o join unnest(${sql.param(units$.map((row) => row.unit_id))}::uuid[], ${sql.param(tokens.map(digest))}::text[]) as t(unit_id, hash) on t.unit_id = o.unit_id`)
    await database.db.execute(sql`analyze`)
    const officers: Officer[] = units$.map((row, i) => ({
      unitId: row.unit_id,
      selfAssessmentId: row.self_assessment_id,
      token: tokens[i] as string,
      path: `/rounds/${round.roundId}/units/${row.unit_id}/self-assessment`,
      version: Number(row.version)
    }))

    const config = loadConfig({}, { LOG_LEVEL: 'warn', DEMO_DATA: false, DATABASE_POOL_SIZE: POOL_SIZE })
    const app = await buildApp(config, { database, logger: false })
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    // Connections the API's clients opened, counted per batch (the first opens one per client; later ones reuse them).
    let connections = 0
    app.server.on('connection', () => { connections++ })

    const client = apiClient(address)
    /** Every officer saves once through the API at the same time, as the web app sends it: If-Match with the version it knows. */
    const apiBatch = async (batch: number) => {
      const answers = await client.batch(officers.map((officer, unit) => ({
        path: officer.path,
        token: officer.token,
        version: officer.version,
        body: JSON.stringify({ entries: codes.map((leafCode, leaf) => ({ leafCode, input: { value: points(batch, unit, leaf) } })) })
      })))
      return answers
    }
    /** The same writes as bare SQL: the version bump (refused on a moved version), the 3-row upsert and the audit row. */
    const floorSave = async (officer: Officer, batch: number, unit: number) => {
      const client = await floorPool.connect()
      try {
        await client.query('begin')
        const bumped = await client.query('update self_assessments set version = version + 1, updated_at = now() where id = $1 and version = $2', [officer.selfAssessmentId, officer.version])
        if (bumped.rowCount !== 1) {
          await client.query('rollback')
          return false
        }
        const values = codes.map((_, leaf) => points(batch, unit, leaf))
        await client.query(`insert into self_assessment_entries (self_assessment_id, leaf_code, field_code, input, points_milli, not_applicable)
          select $1, c, f, jsonb_build_object('value', p), (p * 1000)::int, false from unnest($2::text[], $3::text[], $4::numeric[]) as t(c, f, p)
          on conflict (self_assessment_id, leaf_code) do update set input = excluded.input, points_milli = excluded.points_milli, updated_at = now()`,
        [officer.selfAssessmentId, codes, fieldCodes, values])
        await client.query(`insert into audit_log (actor_type, actor_name, action, entity_type, entity_id, before, after)
          values ('system', 'bench', 'self_assessment.save', 'self_assessment', $1, $2, $3)`,
        [officer.selfAssessmentId, { version: officer.version }, { version: officer.version + 1, entries: Object.fromEntries(codes.map((code, leaf) => [code, values[leaf]])) }])
        await client.query('commit')
        return true
      } catch (error) {
        await client.query('rollback')
        throw error
      } finally {
        client.release()
      }
    }

    /** Every unit's version and its 3 leaves' points as the batch sent them, counted in the database. */
    const lostAfter = async (batch: number): Promise<number> => {
      const expected = officers.flatMap((officer, unit) => codes.map((code, leaf) => ({ id: officer.selfAssessmentId, version: officer.version, code, points: points(batch, unit, leaf) })))
      const [row] = await queryRows<{ lost: number }>(database.db, sql`
        select count(*)::int as lost
        from unnest(${sql.param(expected.map((e) => e.id))}::uuid[], ${sql.param(expected.map((e) => e.version))}::int[],
          ${sql.param(expected.map((e) => e.code))}::text[], ${sql.param(expected.map((e) => e.points))}::numeric[]) as x(id, version, code, points)
        left join self_assessments s on s.id = x.id and s.version = x.version
        left join self_assessment_entries e on e.self_assessment_id = x.id and e.leaf_code = x.code and e.points_milli = (x.points * 1000)::int
        where s.id is null or e.leaf_code is null`)
      return row?.lost ?? -1
    }

    const run = async (kind: Batch['kind'], batch: number): Promise<Batch> => {
      connections = 0
      const began = performance.now()
      let answers: Answer[]
      if (kind === 'api') answers = await apiBatch(batch)
      else {
        answers = await Promise.all(officers.map(async (officer, unit) => {
          const started = performance.now()
          const ok = await floorSave(officer, batch, unit).catch(() => false)
          return { ok, ms: performance.now() - started, bytes: 0 }
        }))
      }
      const seconds = (performance.now() - began) / 1000
      let failed = 0
      for (const [i, answer] of answers.entries()) {
        if (answer.ok) (officers[i] as Officer).version++
        else failed++
      }
      if (kind === 'api' && batch === 0) console.log(`an answer: ${answers[0]?.bytes} bytes`)
      return { kind, latencies: answers.map((answer) => answer.ms).sort((a, b) => a - b), seconds, failed, lost: await lostAfter(batch), connections }
    }

    // Warm-up batches of each (connections, plans, the catalog shape, V8's compiled code), then API and floor batches
    // in turn. Batch numbers are the points each sends, so every batch changes every leaf it saves.
    const warming: Batch[] = []
    for (let i = 0; i < warmup; i++) {
      warming.push(await run('api', 2 * i))
      warming.push(await run('floor', 2 * i + 1))
    }
    const results: Batch[] = []
    for (let i = 0; i < batches; i++) {
      results.push(await run('api', 2 * (warmup + i)))
      results.push(await run('floor', 2 * (warmup + i) + 1))
    }
    await client.close()
    await app.close()

    const line = (name: string, latencies: number[], seconds: number, count: number, failed: number, lost: number) =>
      `  ${name.padEnd(12)} min ${latencies[0]?.toFixed(0).padStart(5)} ms  median ${percentile(latencies, 0.5).toFixed(0).padStart(5)} ms  p99 ${percentile(latencies, 0.99).toFixed(0).padStart(5)} ms  max ${latencies.at(-1)?.toFixed(0).padStart(5)} ms  ` +
      `${(count / seconds).toFixed(0).padStart(5)} saves/s  ${failed} refused, ${lost} lost`
    console.log(`${units} saves at once (one per unit, 3 leaves each) of a ${leaves}-leaf catalog; pool of ${POOL_SIZE} connections for both; ${warmup} warm-up batch(es) of each, not counted (the first is the server just started), then ${batches} batch(es) of each, interleaved:`)
    const batchLine = (name: string, batch: Batch) => line(name, batch.latencies, batch.seconds, batch.latencies.length, batch.failed, batch.lost) +
      (batch.kind === 'api' ? `, ${batch.connections} connection(s) opened` : '')
    for (const [i, batch] of warming.entries()) console.log(batchLine(`${batch.kind} w${Math.floor(i / 2) + 1}`, batch))
    for (const [i, batch] of results.entries()) console.log(batchLine(`${batch.kind} #${Math.floor(i / 2) + 1}`, batch))
    const total = (kind: Batch['kind']) => {
      const chosen = results.filter((batch) => batch.kind === kind)
      return {
        latencies: chosen.flatMap((batch) => batch.latencies).sort((a, b) => a - b),
        seconds: chosen.reduce((sum, batch) => sum + batch.seconds, 0),
        count: chosen.reduce((sum, batch) => sum + batch.latencies.length, 0),
        failed: chosen.reduce((sum, batch) => sum + batch.failed, 0),
        lost: chosen.reduce((sum, batch) => sum + batch.lost, 0)
      }
    }
    const api = total('api')
    const floor = total('floor')
    console.log(line('API', api.latencies, api.seconds, api.count, api.failed, api.lost))
    console.log(line('floor (SQL)', floor.latencies, floor.seconds, floor.count, floor.failed, floor.lost))
    const ratio = (api.count / api.seconds) / (floor.count / floor.seconds)
    const p99 = percentile(api.latencies, 0.99)
    // A save lost or refused in a warm-up batch counts as much as in a measured one.
    const lost = api.lost + floor.lost + warming.reduce((sum, batch) => sum + batch.lost, 0)
    const refused = api.failed + floor.failed + warming.reduce((sum, batch) => sum + batch.failed, 0)
    console.log(`  ratio API / floor: throughput ${ratio.toFixed(2)}× (target ≥ 0.5×: ${ratio >= 0.5 ? 'yes' : 'NO'}); API p99 ${p99.toFixed(0)} ms (target < 1500 ms: ${p99 < 1500 ? 'yes' : 'NO'}); ` +
      `lost updates ${lost}, refused saves ${refused} (target 0: ${lost + refused === 0 ? 'yes' : 'NO'})`)
    if (lost + refused > 0) process.exitCode = 1
  } finally {
    await floorPool.end()
    await drop()
  }
}

interface Answer { ok: boolean, ms: number, bytes: number }

/**
 * The API's clients in a worker thread: `batch` sends every save at once, each on its own keep-alive connection, and
 * answers each one's status, latency and body size.
 */
function apiClient (address: string): { batch: (saves: Array<{ path: string, token: string, version: number, body: string }>) => Promise<Answer[]>, close: () => Promise<number> } {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads')
    const http = require('node:http')
    // Every client keeps its connection between batches, as a browser (or the proxy in front of the service) does within
    // the server's keep-alive time: with Node's default of 256 idle sockets per host, 744 of the 1,000 connected anew
    // for every batch.
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: Infinity })
    const target = new URL(workerData)
    const save = (save) => new Promise((resolve) => {
      const started = performance.now()
      const request = http.request({
        agent, host: target.hostname, port: target.port, method: 'PATCH', path: save.path,
        headers: { authorization: 'Bearer ' + save.token, 'content-type': 'application/json', 'content-length': Buffer.byteLength(save.body), 'if-match': '"' + save.version + '"', 'accept-encoding': 'gzip, br' }
      }, (response) => {
        let bytes = 0
        response.on('data', (chunk) => { bytes += chunk.length })
        response.on('end', () => resolve({ ok: response.statusCode === 200, ms: performance.now() - started, bytes }))
      })
      request.on('error', () => resolve({ ok: false, ms: performance.now() - started, bytes: 0 }))
      request.end(save.body)
    })
    parentPort.on('message', async (saves) => {
      parentPort.postMessage(await Promise.all(saves.map(save)))
    })`, { eval: true, workerData: address })
  return {
    batch: async (saves) => await new Promise<Answer[]>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.postMessage(saves)
    }),
    close: async () => await worker.terminate()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
