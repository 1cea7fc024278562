// `npm run bench`: every benchmark, one after another, each measuring its floor in the same run (bare Node, a bare
// GROUP BY, a bare scan, /healthz…); prints one table of the lines that state a ratio or a target and writes all the
// output as JSON. `--small`: each at a small size, as CI runs them so they keep working (small figures mean little).
// `--only=startup,results`: some of them. `--json=path` (default bench-results.json). Needs `npm run build` (start-up)
// and PostgreSQL (DATABASE_URL, or the local server) for the database benchmarks. Those that can run on either database
// run twice, on PostgreSQL and on the embedded PGlite (`--database=pglite`); start-up measures both in one run; saves
// and scale need PostgreSQL itself (a pool of connections; several processes on one database).
import { spawnSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { writeFileSync } from 'node:fs'

interface Benchmark { name: string, script: string, full: string[], small: string[], database?: 'pglite' }

const benchmarks: Benchmark[] = [
  { name: 'startup', script: 'scripts/bench-startup.ts', full: ['--runs', '5'], small: ['--runs', '1', '--skip-demo'] },
  { name: 'results', script: 'scripts/bench-results.ts', full: [], small: ['--units=200', '--leaves=20', '--runs=2'] },
  { name: 'progress', script: 'scripts/bench-progress.ts', full: [], small: ['--units=200', '--leaves=20', '--runs=2'] },
  { name: 'http', script: 'scripts/bench-http.ts', full: [], small: ['--units=50', '--leaves=20', '--seconds=1', '--pairs=1', '--connections=2'] },
  { name: 'upload', script: 'scripts/bench-upload.ts', full: [], small: ['--sizes=1,8'] },
  { name: 'report', script: 'scripts/bench-report.ts', full: [], small: ['--units=3'] },
  { name: 'serialize', script: 'scripts/bench-serialize.ts', full: [], small: ['--leaves=20', '--writes=50', '--rounds=1'] },
  { name: 'saves', script: 'scripts/bench-saves.ts', full: [], small: ['--units=50', '--leaves=20', '--batches=1'] },
  { name: 'scale', script: 'scripts/bench-scale.ts', full: [], small: ['--units=20', '--leaves=20', '--seconds=1', '--connections=2', '--officers=2'] }
]

/** Those that run on either database run on each, PostgreSQL first, at the same sizes. */
const onEither = new Set(['results', 'progress', 'http'])
const runsOf = benchmarks.flatMap((benchmark) => onEither.has(benchmark.name) ? [benchmark, { ...benchmark, database: 'pglite' as const }] : [benchmark])

const small = process.argv.includes('--small')
const only = process.argv.find((arg) => arg.startsWith('--only='))?.split('=')[1]?.split(',')
const jsonPath = process.argv.find((arg) => arg.startsWith('--json='))?.split('=')[1] ?? 'bench-results.json'
const chosen = runsOf.filter((benchmark) => !only || only.includes(benchmark.name))

// A line worth the summary: it states a ratio (×), a target, or says yes/NO against one.
const notable = (line: string) => /×|target|ratio|\bNO\b/i.test(line) && !/^\s*[│┌├└]/.test(line)

const runs: { name: string, args: string[], exitCode: number | null, seconds: number, notable: string[], output: string }[] = []
for (const benchmark of chosen) {
  const args = [...(small ? benchmark.small : benchmark.full), ...(benchmark.database ? [`--database=${benchmark.database}`] : [])]
  const name = benchmark.database ? `${benchmark.name} (${benchmark.database})` : benchmark.name
  console.log(`\n=== ${name}: ${benchmark.script} ${args.join(' ')}`)
  const began = performance.now()
  const run = spawnSync(process.execPath, ['--import', 'tsx', benchmark.script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 })
  const output = run.stdout ?? ''
  process.stdout.write(output)
  runs.push({ name, args, exitCode: run.status, seconds: Number(((performance.now() - began) / 1000).toFixed(1)), notable: output.split('\n').filter(notable).map((line) => line.trim()), output })
}

console.log(`\n=== summary (${small ? 'small sizes' : 'full sizes'}; ${cpus().length} cores, load ${loadavg().map((load) => load.toFixed(1)).join(' ')}, Node ${process.version})`)
for (const run of runs) {
  console.log(`${run.name.padEnd(18)} ${run.exitCode === 0 ? 'ok    ' : `FAILED (${String(run.exitCode)})`} ${String(run.seconds).padStart(6)} s`)
  for (const line of run.notable) console.log(`${' '.repeat(19)}${line}`)
}
writeFileSync(jsonPath, JSON.stringify({ at: new Date().toISOString(), small, node: process.version, cores: cpus().length, load: loadavg(), runs }, null, 2))
console.log(`\nwritten to ${jsonPath}`)
process.exit(runs.every((run) => run.exitCode === 0) ? 0 : 1)
