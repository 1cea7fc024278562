import { sql } from 'drizzle-orm'
import { openDatabase } from '../server/db/client.js'
import { queryRows } from '../server/db/rows.js'
const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/par_bench_dev', dataDir: 'x', poolSize: 4, statementTimeoutMs: 0 })
const db = database.db
const orig = db.execute.bind(db)
;(db as any).execute = async (q: any) => { const t = performance.now(); const r = await orig(q); const text = db.dialect.sqlToQuery(q).sql; console.log((performance.now() - t).toFixed(0), 'ms', text.replace(/\s+/g, ' ').slice(0, 100)); return r }
const { computeLiveResults } = await import('../server/services/results.js')
const [round] = await queryRows<{ id: string }>(db, sql`select id from rounds limit 1`)
for (let i = 0; i < 2; i++) { const t = performance.now(); await computeLiveResults(db, round!.id, 'bench', { compareTo: null }); console.log('full', performance.now() - t) }
await database.close()
