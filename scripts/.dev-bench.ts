import pg from 'pg'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../server/db/client.js'
import { migrate } from '../server/db/migrate.js'
import { queryRows } from '../server/db/rows.js'
import { generateRound } from './bench-results.js'
import { computeLiveResults } from '../server/services/results.js'
const server = 'postgres://postgres@127.0.0.1:5432/postgres'
const admin = new pg.Client({ connectionString: server }); await admin.connect()
const exists = (await admin.query(`select 1 from pg_database where datname = 'par_bench_dev'`)).rowCount
if (!exists) await admin.query('create database par_bench_dev')
await admin.end()
const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/par_bench_dev', dataDir: 'x', poolSize: 4, statementTimeoutMs: 0 })
const db = database.db
if (!exists) { await migrate(database); await generateRound(db, { units: 10000, leaves: 100 }) }
const [round] = await queryRows<{ id: string }>(db, sql`select id from rounds limit 1`)
const roundId = round!.id
const mode = process.argv[2]
if (mode === 'explain') {
  const q = process.argv[3]!
  const rows = await queryRows<Record<string, string>>(db, sql.raw('explain (analyze, buffers) ' + q.replaceAll('$ROUND', `'${roundId}'`)))
  for (const r of rows) console.log(Object.values(r)[0])
} else {
  for (let i = 0; i < 4; i++) { const t = performance.now(); await computeLiveResults(db, roundId, 'bench', { compareTo: null }); console.log('full', performance.now() - t) }
}
await database.close()
