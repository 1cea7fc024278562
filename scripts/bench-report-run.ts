// Builds the report of a round in this fresh process (spawned by bench-report.ts) and prints, as one JSON line, the
// time (wall and CPU) of a first build (charts rendered) and of a second (charts cached), and the resident memory
// before and at peak.
import { openDatabase } from '../server/db/client.js'
import { buildReport } from '../server/services/report/index.js'

const [dataDir, roundId] = process.argv.slice(2)
if (!dataDir || !roundId) {
  console.error('usage: bench-report-run.ts <PGlite data dir> <round id>')
  process.exit(2)
}

const settings = { province: 'Thanh Hóa', agency: 'Sở Nội vụ', symbol: 'BC-SNV', signerTitle: 'Giám đốc' }
const database = await openDatabase({ dataDir })
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
const baselineRss = process.memoryUsage.rss()
const cpu = () => { const usage = process.cpuUsage(); return (usage.user + usage.system) / 1000 }
let start = performance.now()
let cpuStart = cpu()
const file = await buildReport(database.db, roundId, {}, settings)
const coldMs = performance.now() - start
const coldCpuMs = cpu() - cpuStart
// The operating system's own peak of the resident set: nothing the build allocated between samples escapes it.
const peakRss = process.resourceUsage().maxRSS * 1024
start = performance.now()
cpuStart = cpu()
await buildReport(database.db, roundId, {}, settings)
const warmMs = performance.now() - start
const warmCpuMs = cpu() - cpuStart
await database.close()
console.log(JSON.stringify({ coldMs, coldCpuMs, warmMs, warmCpuMs, baselineRss, peakRss, bytes: file.body.length, parts: file.parts.map((part) => `${part.unitType} v${part.version}`).join(', ') }))
