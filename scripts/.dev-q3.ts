import { writeFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../server/db/client.js'
import { queryRows } from '../server/db/rows.js'
const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/par_bench_dev', dataDir: 'x', poolSize: 4, statementTimeoutMs: 0 })
const db = database.db
const { computeLiveResults } = await import('../server/services/results.js')
const [round] = await queryRows<{ id: string }>(db, sql`select id from rounds limit 1`)
const origTx = db.transaction.bind(db)
;(db as any).transaction = async (fn: any) => origTx(async (tx: any) => {
  const ex = tx.execute.bind(tx)
  tx.execute = async (q: any) => {
    const built = db.dialect.sqlToQuery(q)
    if (built.sql.includes('self_assessment_entries')) writeFileSync('/tmp/gen.sql', built.sql.replace(/\$(\d+)/g, (_: string, n: string) => { const v = built.params[Number(n) - 1]; return `'${String(v).replace(/'/g, "''")}'` }) + ';\n')
    return ex(q)
  }
  return fn(tx)
})
await computeLiveResults(db, round!.id, 'bench', { compareTo: null })
await database.close()
