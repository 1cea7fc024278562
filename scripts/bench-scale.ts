// `npm run bench:scale`: requests per second of the public results and of self-assessment saves, served by one
// instance and by two instances of the service (separate processes on one PostgreSQL and one Redis) behind a small
// round-robin proxy in this process; prints both and the ratio two / one. The proxy stands in front in both runs, so
// the ratio measures the second instance, not the proxy. On a 2-core machine the load client, the proxy, PostgreSQL
// and the instances share the cores: read the ratio, not the absolute figures.
// Options: --units=N --leaves=N --seconds=N --connections=N --officers=N
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { Agent, createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'drizzle-orm'
import { systemActor } from '../server/services/context.js'
import { publishResults } from '../server/services/results.js'
import { hashPassword } from '../server/services/secrets.js'
import { hasWrk, wrk, type Autocannon, type AutocannonResult } from './bench-http.js'
import { generateRound, option, postgresOnly, scratchDatabase } from './bench-results.js'

const PASSWORD = 'Thu-tai-CCHC-2026-bench'

/** One instance of the service on its own port: `tsx server/server.ts` with the scratch database and shared Redis. */
async function startInstance (databaseUrl: string, redisPrefix: string): Promise<{ url: string, stop: () => Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD: PASSWORD,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: redisPrefix,
      PUBLIC_RATE_PER_MINUTE: '1000000000',
      LOGIN_RATE_PER_MINUTE: '1000000'
    },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false)
    if (ready) break
    if (child.exitCode !== null) throw new Error(`an instance exited with ${child.exitCode}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {
    url,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  }
}

/** A round-robin HTTP proxy over the instances, with keep-alive connections to them. */
async function roundRobin (targets: string[]): Promise<{ url: string, server: Server }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  let next = 0
  const server = createServer((req, res) => {
    const target = new URL(targets[next++ % targets.length] as string)
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => { res.statusCode = 502; res.end() })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** Saves per second: each officer saves three leaves of their own unit in a loop, each save with the ETag of the last. */
async function saves (url: string, officers: Array<{ token: string, path: string, leaves: string[] }>, seconds: number): Promise<{ perSecond: number, failed: number, p99: number }> {
  const until = Date.now() + seconds * 1000
  const latencies: number[] = []
  let failed = 0
  await Promise.all(officers.map(async (officer, index) => {
    let etag = (await fetch(url + officer.path, { headers: { authorization: `Bearer ${officer.token}` } })).headers.get('etag') ?? '"0"'
    for (let i = 0; Date.now() < until; i++) {
      const entries = officer.leaves.slice(0, 3).map((leafCode, k) => ({ leafCode, input: { value: (i + k + index) % 2 } }))
      const started = performance.now()
      const answer = await fetch(url + officer.path, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${officer.token}`, 'content-type': 'application/json', 'if-match': etag },
        body: JSON.stringify({ entries })
      })
      await answer.arrayBuffer()
      latencies.push(performance.now() - started)
      if (answer.ok) etag = answer.headers.get('etag') ?? etag
      else failed++
    }
  }))
  latencies.sort((a, b) => a - b)
  return { perSecond: latencies.length / seconds, failed, p99: latencies[Math.floor(latencies.length * 0.99)] ?? NaN }
}

async function main (): Promise<void> {
  const units = option('units', 200)
  const leaves = option('leaves', 100)
  const seconds = option('seconds', 5)
  const connections = option('connections', 20)
  const officerCount = option('officers', 20)
  const autocannon = (await import('autocannon' as string)).default as Autocannon
  const client = await hasWrk() ? 'wrk' : 'autocannon'
  const { database, drop } = await scratchDatabase('par_bench_scale', 4, postgresOnly('its instances are separate processes sharing one database server'))
  const instances: Array<{ stop: () => Promise<void> }> = []
  try {
    // A published round for the public results, then reopened for self-assessment so its units can save.
    const round = await generateRound(database.db, { units, leaves, status: 'finalized' })
    await publishResults(database.db, systemActor, round.roundId, { unitType: round.unitType })
    await database.db.execute(sql`update rounds set status = 'self_assessment', self_assessment_closes_at = now() + interval '1 day',
      supplement_closes_at = now() + interval '2 days', appraisal_closes_at = now() + interval '3 days' where id = ${round.roundId}`)
    await database.db.execute(sql`update self_assessments set status = 'draft', submitted_at = null where round_id = ${round.roundId}`)
    const passwordHash = await hashPassword(PASSWORD)
    await database.db.execute(sql`insert into users (username, display_name, role, unit_id, password_hash)
      select 'canbo' || row_number() over (order by code), 'Cán bộ ' || code, 'unit_officer', id, ${passwordHash}
      from (select id, code from units where unit_type_code = ${round.unitType} order by code limit ${officerCount}) chosen`)
    const url = database.url as string
    const resultsPath = `/public/rounds/${round.roundId}/results/${round.unitType}`
    const measure = async (count: number) => {
      const started = await Promise.all(Array.from({ length: count }, () => startInstance(url, `par-bench-${randomBytes(3).toString('hex')}:`)))
      instances.push(...started)
      const proxy = await roundRobin(started.map((instance) => instance.url))
      try {
        const officers = await Promise.all(Array.from({ length: officerCount }, async (_, i) => {
          const login = await fetch(`${proxy.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `canbo${i + 1}`, password: PASSWORD }) })
          const { token, user } = await login.json() as { token: string, user: { unitId: string } }
          const path = `/rounds/${round.roundId}/units/${user.unitId}/self-assessment`
          const answer = await fetch(proxy.url + path, { headers: { authorization: `Bearer ${token}` } })
          const state = await answer.json() as { leaves?: Array<{ code: string }> }
          if (!state.leaves) throw new Error(`canbo${i + 1} cannot read their self-assessment: ${answer.status} ${JSON.stringify(state)}`)
          return { token, path, leaves: state.leaves.map((leaf) => leaf.code) }
        }))
        const load = (): Promise<AutocannonResult> => client === 'wrk'
          ? wrk(proxy.url + resultsPath, { connections, seconds, headers: {} })
          : autocannon({ url: proxy.url + resultsPath, connections, duration: seconds, workers: 1 })
        await load() // warm-up
        const results = await load()
        const saved = await saves(proxy.url, officers, seconds)
        return { results: results.requests.average, resultsErrors: results.non2xx + results.errors, saves: saved.perSecond, savesP99: saved.p99, savesFailed: saved.failed }
      } finally {
        await new Promise((resolve) => proxy.server.close(resolve))
        await Promise.all(started.map((instance) => instance.stop()))
        instances.length = 0
      }
    }
    const one = await measure(1)
    const two = await measure(2)
    console.log(`${units} units × ${leaves} leaves; ${client} with ${connections} connections on the public results, ${officerCount} officers saving 3 leaves each in a loop; ${seconds} s per run, behind a round-robin proxy:`)
    const row = (name: string, m: typeof one) => `  ${name.padEnd(14)} results ${m.results.toFixed(0).padStart(6)} req/s (${m.resultsErrors} errors)   saves ${m.saves.toFixed(0).padStart(5)} /s (p99 ${m.savesP99.toFixed(0)} ms, ${m.savesFailed} refused)`
    console.log(row('one instance', one))
    console.log(row('two instances', two))
    console.log(`  ratio two / one: results ${(two.results / one.results).toFixed(2)}, saves ${(two.saves / one.saves).toFixed(2)}`)
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()))
    await drop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
