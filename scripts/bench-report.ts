// `npm run bench:report`: the annual report of a round with 2 unit types × 30 units on the embedded database (PGlite).
// Sets up a 2021 round on the 2020 catalogs (the demo data plus synthetic units to make 30 departments and 30
// districts), every leaf scored, both unit types published (departments compared with the demo 2020 round), then
// builds the report in a fresh process (bench-report-run.ts) and prints its time and its peak memory growth.
// Options: --units=N (per unit type, default 30).
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql } from 'drizzle-orm'
import { openDatabase, type Db } from '../server/db/client.js'
import { migrate } from '../server/db/migrate.js'
import { queryRows } from '../server/db/rows.js'
import {
  appraisalEntriesTable, appraisalsTable, roundCatalogsTable, roundsTable, roundUnitsTable, selfAssessmentEntriesTable, selfAssessmentsTable
} from '../server/db/schema/index.js'
import { leafValues } from '../server/domain/demo-scores.js'
import { searchNormalize, vietnameseSortKey } from '../server/domain/text.js'
import { loadCatalog } from '../server/services/catalogs.js'
import { systemActor } from '../server/services/context.js'
import { loadDemoData } from '../server/services/demo.js'
import { publishResults } from '../server/services/results.js'

const UNIT_TYPES = [{ code: 'department', catalog: 'TH-2020-SO', prefix: 'Sở Thử tải' }, { code: 'district', catalog: 'TH-2020-HUYEN', prefix: 'Huyện Thử tải' }]
const CHUNK = 500

function option (name: string, fallback: number): number {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`))
  return given === undefined ? fallback : Number(given.split('=')[1])
}

/** A seeded generator (mulberry32), so every run scores the same. */
function random (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

/** A 2021 round of `units` units per unit type, every leaf scored (self at or above appraised), finalized, then published. */
export async function setUp (db: Db, units: number): Promise<string> {
  await loadDemoData(db)
  const next = random(2021)
  const [round] = await db.insert(roundsTable).values({ code: 'BENCH-2021', title: 'Kỳ đánh giá Chỉ số CCHC năm 2021', year: 2021, status: 'finalized' }).returning({ id: roundsTable.id })
  const roundId = (round as { id: string }).id
  for (const type of UNIT_TYPES) {
    const [catalogRow] = await queryRows<{ id: string }>(db, sql`select id from catalogs where code = ${type.catalog}`)
    const catalog = await loadCatalog(db, (catalogRow as { id: string }).id)
    const existing = await queryRows<{ id: string }>(db, sql`select id from units where unit_type_code = ${type.code} order by sort_key`)
    for (let i = existing.length; i < units; i++) {
      const name = `${type.prefix} ${i + 1}`
      const [unit] = await queryRows<{ id: string }>(db, sql`
        insert into units (code, name, unit_type_code, search_text, sort_key)
        values (${`BENCH-${type.code.toUpperCase()}-${i + 1}`}, ${name}, ${type.code}, ${searchNormalize(name)}, ${vietnameseSortKey(name)}) returning id`)
      existing.push(unit as { id: string })
    }
    const chosen = existing.slice(0, units)
    await db.insert(roundCatalogsTable).values({ roundId, unitTypeCode: type.code, catalogId: catalog.catalog.id })
    await db.insert(roundUnitsTable).values(chosen.map((unit) => ({ roundId, unitId: unit.id })))
    const selfEntries: typeof selfAssessmentEntriesTable.$inferInsert[] = []
    const appraisalEntries: typeof appraisalEntriesTable.$inferInsert[] = []
    for (const unit of chosen) {
      const [self] = await db.insert(selfAssessmentsTable).values({ roundId, unitId: unit.id, catalogId: catalog.catalog.id, status: 'submitted', version: 1, submittedAt: new Date() }).returning({ id: selfAssessmentsTable.id })
      const [appraisal] = await db.insert(appraisalsTable).values({ roundId, unitId: unit.id, status: 'finalized', version: 1, finalizedAt: new Date() }).returning({ id: appraisalsTable.id })
      // Each unit has its own level, so the index spreads over the bands; the appraisal never exceeds the self score here.
      const level = 0.55 + 0.45 * next()
      for (const leaf of catalog.leaves) {
        const values = leafValues(leaf.node)
        const appraised = values[Math.min(values.length - 1, Math.floor((level + 0.2 * (next() - 0.5)) * values.length))] ?? values[0]
        const selfChoice = values[Math.min(values.length - 1, values.indexOf(appraised as typeof values[number]) + (next() < 0.3 ? 1 : 0))]
        if (appraised === undefined || selfChoice === undefined) continue
        selfEntries.push({ selfAssessmentId: (self as { id: string }).id, leafCode: leaf.node.code, fieldCode: leaf.fieldCode, input: selfChoice.input, pointsMilli: selfChoice.points, notApplicable: false, explanation: 'Dữ liệu thử tải' })
        appraisalEntries.push({ appraisalId: (appraisal as { id: string }).id, leafCode: leaf.node.code, fieldCode: leaf.fieldCode, input: appraised.input, pointsMilli: appraised.points, notApplicable: false, reason: appraised.points === selfChoice.points ? null : 'Theo hồ sơ' })
      }
    }
    for (let i = 0; i < selfEntries.length; i += CHUNK) await db.insert(selfAssessmentEntriesTable).values(selfEntries.slice(i, i + CHUNK))
    for (let i = 0; i < appraisalEntries.length; i += CHUNK) await db.insert(appraisalEntriesTable).values(appraisalEntries.slice(i, i + CHUNK))
  }
  for (const type of UNIT_TYPES) await publishResults(db, systemActor, roundId, { unitType: type.code })
  return roundId
}

interface Measured { coldMs: number, coldCpuMs: number, warmMs: number, warmCpuMs: number, baselineRss: number, peakRss: number, bytes: number, parts: string }

async function measure (dataDir: string, roundId: string): Promise<Measured> {
  const script = join(import.meta.dirname, 'bench-report-run.ts')
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, dataDir, roundId], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8') })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`bench-report-run.ts exited with ${code}: ${output}`)
  return JSON.parse(output.trim().split('\n').pop() as string) as Measured
}

async function main (): Promise<void> {
  const units = option('units', 30)
  const dataDir = await mkdtemp(join(tmpdir(), 'par-bench-report-'))
  try {
    let start = performance.now()
    const database = await openDatabase({ dataDir: join(dataDir, 'pglite') })
    await migrate(database)
    const roundId = await setUp(database.db, units)
    await database.close()
    console.log(`Set up 2 unit types × ${units} units, every leaf scored and published, in ${((performance.now() - start) / 1000).toFixed(1)} s (embedded PGlite)`)
    start = performance.now()
    const result = await measure(join(dataDir, 'pglite'), roundId)
    const MB = 1024 * 1024
    const growth = (result.peakRss - result.baselineRss) / MB
    console.log('')
    console.log(`Report of ${result.parts} (${(result.bytes / MB).toFixed(2)} MB DOCX), built in a fresh process:`)
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    console.log(`  first build, charts rendered ......... ${seconds(result.coldMs)} (CPU ${seconds(result.coldCpuMs)})   target < 5 s: ${result.coldMs < 5000 ? 'yes' : 'NO'}`)
    console.log(`  again, charts cached ................. ${seconds(result.warmMs)} (CPU ${seconds(result.warmCpuMs)})`)
    // Wall time on a shared machine is CPU time stretched by the other processes' share of the cores.
    console.log(`  load average while measuring ......... ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`)
    console.log(`  peak memory growth (RSS) ............. ${growth.toFixed(0)} MB (from ${(result.baselineRss / MB).toFixed(0)} MB with the database open to a peak of ${(result.peakRss / MB).toFixed(0)} MB)   target < 200 MB: ${growth < 200 ? 'yes' : 'NO'}`)
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
