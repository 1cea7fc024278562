// Start-up and idle memory of the built service (dist/, `npm run build` first) on each database, beside bare Node's own
// start in the same run: time from spawn to the first 200 of /readyz on an already migrated database (warm), resident
// memory after a second of idle, and the same after the demo data is loaded into an empty embedded database.
// Usage: npm run bench:startup [-- --runs 5 --database-url postgres://postgres@127.0.0.1:5432/postgres --json out.json]
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { freePort } from '../test/helpers/net.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    json: { type: 'string' },
    'skip-postgres': { type: 'boolean', default: false },
    'skip-demo': { type: 'boolean', default: false }
  }
})
const runs = Number(values.runs)
const entry = join(process.cwd(), 'dist', 'server', 'server.js')
if (!existsSync(entry)) {
  console.error('dist/server/server.js is missing: run `npm run build` first.')
  process.exit(1)
}

function rssMiB (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kib / 1024
}

async function waitReady (port: number, child: ChildProcess, path: string, deadlineMs = 300_000): Promise<void> {
  const until = Date.now() + deadlineMs
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}${path}`)
      if (response.status === 200) return
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error('not ready in time')
}

async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

interface Sample { ms: number, rss: number }

/** One start: spawn → first 200 on `path`; then a second of idle and the resident memory. */
async function start (args: string[], env: Record<string, string>, path: string): Promise<Sample> {
  const port = await freePort()
  const began = performance.now()
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit'] })
  try {
    await waitReady(port, child, path)
    const ms = performance.now() - began
    await new Promise((resolve) => setTimeout(resolve, 1000))
    return { ms, rss: rssMiB(child.pid as number) }
  } finally {
    await stop(child)
  }
}

const bare = ['-e', "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')"]
const service = [entry]
const common = { DEMO_DATA: 'false', ADMIN_PASSWORD: 'Bench-start-2026!', METRICS_TOKEN: '' }

const work = mkdtempSync(join(tmpdir(), 'par-startup-'))
const results: Record<string, Sample[]> = { 'bare Node': [], 'service, PGlite': [], 'service, PostgreSQL': [] }
let database: string | undefined
try {
  const pgliteEnv = { ...common, DATA_DIR: join(work, 'pglite') }
  await start(service, pgliteEnv, '/readyz') // first start migrates; not counted
  let postgresEnv: Record<string, string> | undefined
  if (!values['skip-postgres']) {
    database = `par_bench_startup_${process.pid}`
    const admin = new pg.Client({ connectionString: values['database-url'] })
    await admin.connect()
    await admin.query(`create database ${database}`)
    await admin.end()
    const url = new URL(values['database-url'] as string)
    url.pathname = `/${database}`
    postgresEnv = { ...common, DATABASE_URL: url.toString(), DATA_DIR: join(work, 'pg-files') }
    await start(service, postgresEnv, '/readyz')
  }
  // Interleaved, so a busy moment of the machine falls on every kind alike.
  for (let run = 0; run < runs; run++) {
    results['bare Node']?.push(await start(bare, {}, '/'))
    results['service, PGlite']?.push(await start(service, pgliteEnv, '/readyz'))
    if (postgresEnv) results['service, PostgreSQL']?.push(await start(service, postgresEnv, '/readyz'))
  }
  if (!values['skip-demo']) {
    results['service, PGlite, first start with the demo data'] = [await start(service, { ...common, DEMO_DATA: 'true', DEMO_PASSWORD: 'Bench-demo-2026!', DATA_DIR: join(work, 'demo') }, '/readyz')]
  }
} finally {
  rmSync(work, { recursive: true, force: true })
  if (database) {
    const admin = new pg.Client({ connectionString: values['database-url'] })
    await admin.connect()
    await admin.query(`drop database if exists ${database} with (force)`)
    await admin.end()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const floor = median((results['bare Node'] ?? []).map((sample) => sample.ms))
const floorRss = median((results['bare Node'] ?? []).map((sample) => sample.rss))
const table = Object.entries(results).filter(([, samples]) => samples.length > 0).map(([kind, samples]) => {
  const ms = samples.map((sample) => sample.ms)
  const rss = samples.map((sample) => sample.rss)
  return {
    kind,
    runs: samples.length,
    readyMsMin: Math.round(Math.min(...ms)),
    readyMsMedian: Math.round(median(ms)),
    readyMsMax: Math.round(Math.max(...ms)),
    readyRatioToBareNode: Number((median(ms) / floor).toFixed(2)),
    idleRssMiBMedian: Number(median(rss).toFixed(1)),
    idleRssRatioToBareNode: Number((median(rss) / floorRss).toFixed(2))
  }
})
console.log(`start-up to ready (warm) and resident memory after 1 s idle; ${runs} interleaved runs; Node ${process.version}`)
console.table(table)
for (const row of table) {
  console.log(`  ${row.kind}: ready in ${row.readyMsMedian} ms (${row.readyRatioToBareNode}× bare Node), ${row.idleRssMiBMedian} MiB resident (${row.idleRssRatioToBareNode}×)`)
}
console.log('targets: ready < 1500 ms on either database; idle RSS < 150 MiB on PostgreSQL, < 300 MiB on PGlite')
if (values.json) writeFileSync(values.json, JSON.stringify({ node: process.version, runs, table }, null, 2))
