// `npm run bench:http`: publishes a round of 1,000 units, then measures requests per second of the public results
// endpoint and of /healthz on the same server in one run (loopback only, bounded duration) and prints the ratio, with
// how busy the server's event loop was. The server runs in this process on a scratch PostgreSQL database (see
// bench-results.ts; --database=pglite: the embedded database). The load comes from wrk when it is installed (Debian:
// apt-get install wrk; one thread), else from autocannon in a worker thread: on a 2-core machine autocannon's own
// parsing of 50 kB answers takes a core and limits the run before the server does (the event loop stays partly idle).
// Options: --units=N --leaves=N --seconds=N --connections=N --pairs=N --client=wrk|autocannon
// --database=postgres|pglite.
import { execFile } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { systemActor } from '../server/services/context.js'
import { publishResults } from '../server/services/results.js'
import { benchReaders, generateRound, option, scratchDatabase } from './bench-results.js'

export interface AutocannonResult { requests: { average: number, total: number }, latency: { p50: number, p99: number }, non2xx: number, errors: number, throughput: { average: number } }
export type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>
/** A run's figures and the share of the run the server's event loop was busy. */
type Measured = AutocannonResult & { busy: number }

/** One wrk run, read into the same shape as autocannon's result. */
export async function wrk (url: string, options: { connections: number, seconds: number, headers: Record<string, string> }): Promise<AutocannonResult> {
  const headerArgs = Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`])
  const { stdout } = await promisify(execFile)('wrk', ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', ...headerArgs, url])
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? 0)
  const size = (text: string | undefined) => {
    const match = /([\d.]+)([KMG]?B)/.exec(text ?? '')
    return match ? Number(match[1]) * ({ B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[match[2] as string] ?? 1) : 0
  }
  const millis = (percent: number) => {
    const match = new RegExp(`\\s${percent}%\\s+([\\d.]+)(us|ms|s)`).exec(stdout)
    return match ? Number(match[1]) * ({ us: 0.001, ms: 1, s: 1000 }[match[2] as string] ?? 1) : NaN
  }
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout)
  return {
    requests: { average: number(/Requests\/sec:\s+([\d.]+)/), total: number(/(\d+) requests in/) },
    latency: { p50: Number(millis(50).toFixed(2)), p99: Number(millis(99).toFixed(2)) },
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
    errors: socketErrors ? socketErrors.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0,
    throughput: { average: size(/Transfer\/sec:\s+(\S+)/.exec(stdout)?.[1]) }
  }
}

export async function hasWrk (): Promise<boolean> {
  try {
    await promisify(execFile)('wrk', ['--version'])
    return true
  } catch (error) {
    // wrk --version prints its usage and exits 1; only a missing program is "no wrk".
    return (error as { code?: unknown }).code !== 'ENOENT'
  }
}

async function main (): Promise<void> {
  const units = option('units', 1000)
  const leaves = option('leaves', 100)
  const seconds = option('seconds', 5)
  const connections = option('connections', 50)
  const rounds = option('pairs', 3)
  // autocannon ships no types; only the call below is used.
  const autocannon = (await import('autocannon' as string)).default as Autocannon
  const chosen = process.argv.find((arg) => arg.startsWith('--client='))?.split('=')[1]
  const client = chosen ?? (await hasWrk() ? 'wrk' : 'autocannon')
  const { database, drop } = await scratchDatabase('par_bench_http')
  try {
    const round = await generateRound(database.db, { units, leaves, status: 'finalized' })
    await database.db.execute(sql`analyze`)
    // The rate limit stays on (its cost is part of what is measured) but high enough never to refuse the benchmark.
    const config = loadConfig({}, { LOG_LEVEL: 'warn', DEMO_DATA: false, PUBLIC_RATE_PER_MINUTE: 1_000_000_000 })
    const app = await buildApp(config, { database, logger: false })
    const published = await publishResults(app.db, systemActor, round.roundId, { unitType: round.unitType })
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    // One unit's officer with a live session, reading their own self-assessment (every leaf with its entry, the totals):
    // what each officer's screen loads; and an admin reading that unit's appraisal (the appraisal screen's read: both
    // sides of every leaf, the files).
    const { unitId, officerToken: token, adminToken } = await benchReaders(database.db, round.roundId)
    const selfPath = `/rounds/${round.roundId}/units/${unitId}/self-assessment`
    const officerHeaders = { authorization: `Bearer ${token}` }
    const own = await fetch(address + selfPath, { headers: officerHeaders })
    if (own.status !== 200) throw new Error(`${selfPath} answers ${own.status}: ${(await own.text()).slice(0, 300)}`)
    console.log(`${selfPath.replace(round.roundId, '{id}').replace(unitId, '{unitId}')} answers ${own.status}, ${(await own.text()).length} bytes (${leaves} leaves)`)
    const appraisalPath = selfPath.replace(/self-assessment$/, 'appraisal')
    const adminHeaders = { authorization: `Bearer ${adminToken}` }
    const appraisal = await fetch(address + appraisalPath, { headers: adminHeaders })
    if (appraisal.status !== 200) throw new Error(`${appraisalPath} answers ${appraisal.status}: ${(await appraisal.text()).slice(0, 300)}`)
    const resultsPath = `/public/rounds/${round.roundId}/results/${round.unitType}`
    const first = await fetch(address + resultsPath)
    const body = await first.text()
    console.log(`Published version ${published.version} of ${units} units × ${leaves} leaves; ${resultsPath} answers ${first.status}, ${body.length} bytes (a page of ${JSON.parse(body).items.length} units), ETag ${first.headers.get('etag')}`)

    const run = async (path: string, headers: Record<string, string> = {}) => {
      const before = performance.eventLoopUtilization()
      const result = client === 'wrk'
        ? await wrk(address + path, { connections, seconds, headers })
        : await autocannon({ url: address + path, connections, duration: seconds, workers: 1, headers })
      // A wrong answer fails the benchmark; so do socket errors beyond 1 in 1,000 requests (a server that drops
      // connections). Fewer (a timeout when the machine stalls for a moment) are shown beside the figures.
      if (result.non2xx > 0 || result.errors * 1000 > result.requests.total) throw new Error(`${path}: ${result.non2xx} non-2xx answers and ${result.errors} socket errors in ${result.requests.total} requests`)
      return { ...result, busy: performance.eventLoopUtilization(before).utilization }
    }
    const gzip = { 'accept-encoding': 'gzip' }
    await run('/healthz') // warm-up of both paths, not counted
    await run(resultsPath)
    // Pairs of runs back to back (healthz, then results), several times, so that load from other processes on the
    // machine hits both sides of a ratio alike; the median pair is reported. Plain clients, then clients that accept
    // gzip (browsers and most HTTP libraries).
    const pairs = async (headers: Record<string, string>) => {
      const measured: { health: Measured, results: Measured, ratio: number }[] = []
      for (let i = 0; i < rounds; i++) {
        const health = await run('/healthz', headers)
        const results = await run(resultsPath, headers)
        measured.push({ health, results, ratio: results.requests.average / health.requests.average })
      }
      return measured.sort((a, b) => a.ratio - b.ratio)
    }
    const line = (name: string, r: Measured) =>
      `  ${name.padEnd(52, '.')} ${r.requests.average.toFixed(0).padStart(7)} req/s  (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${(r.throughput.average / 1e6).toFixed(1)} MB/s, server busy ${(r.busy * 100).toFixed(0)} %` +
      `${r.errors > 0 ? `, ${r.errors} socket error(s) in ${r.requests.total} requests` : ''})`
    const shortPath = resultsPath.replace(round.roundId, '{id}')
    console.log(`${database.kind === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL'}, ${client}, ${connections} connections, ${seconds} s per run, loopback, ${rounds} pairs of runs each (median pair shown):`)
    for (const [label, headers] of [['', {}], [', Accept-Encoding: gzip', gzip]] as const) {
      const measured = await pairs(headers)
      const median = measured[Math.floor(measured.length / 2)] as typeof measured[number]
      console.log(line(`GET /healthz${label} `, median.health))
      console.log(line(`GET ${shortPath}${label} `, median.results))
      console.log(`  ratio results / healthz${label ? ' (gzip clients)' : ''} ${'.'.repeat(label ? 13 : 28)} ${median.ratio.toFixed(2)}   (all pairs: ${measured.map((m) => m.ratio.toFixed(2)).join(', ')})   target ≥ 0.8`)
    }
    // An officer reading their own self-assessment, as browsers ask (gzip), beside /healthz; no target (it was about
    // 230 req/s when every read queried the catalog tree).
    const read = await run(selfPath, { ...officerHeaders, ...gzip })
    const health = await run('/healthz', gzip)
    console.log(line('GET /rounds/{id}/units/{unitId}/self-assessment, gzip ', read))
    console.log(`  ratio self-assessment / healthz (gzip clients) ..... ${(read.requests.average / health.requests.average).toFixed(2)}   (${health.requests.average.toFixed(0)} req/s for /healthz just after)`)
    console.log(line('GET /rounds/{id}/units/{unitId}/appraisal, gzip ', await run(appraisalPath, { ...adminHeaders, ...gzip })))
    await app.close()
  } finally {
    await drop()
  }
}

// Run as a script, not when another benchmark imports its load clients.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
