import { sql } from 'drizzle-orm'
import { openDatabase } from '../server/db/client.js'
import { queryRows } from '../server/db/rows.js'
const database = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/par_bench_dev', dataDir: 'x', poolSize: 4, statementTimeoutMs: 0 })
const db = database.db
const proto = Object.getPrototypeOf((await import('drizzle-orm/node-postgres')).NodePgSession?.prototype ?? {})
const { computeLiveResults } = await import('../server/services/results.js')
const [round] = await queryRows<{ id: string }>(db, sql`select id from rounds limit 1`)
const origTx = db.transaction.bind(db)
;(db as any).transaction = async (fn: any) => origTx(async (tx: any) => {
  const ex = tx.execute.bind(tx)
  tx.execute = async (q: any) => {
    const t = performance.now(); const r = await ex(q); const built = db.dialect.sqlToQuery(q)
    console.log((performance.now() - t).toFixed(0), 'ms', built.sql.replace(/\s+/g, ' ').slice(0, 80))
    if (built.sql.includes('self_assessment_entries')) {
      const plan = await ex(sql.raw('explain analyze ' + built.sql.replace(/\$(\d+)/g, (_: string, n: string) => { const v = built.params[Number(n) - 1]; return `'${String(v).replace(/'/g, "''")}'` })))
      console.log((plan as any).rows.map((r: any) => r['QUERY PLAN']).join('\n'))
    }
    return r
  }
  return fn(tx)
})
const t = performance.now(); await computeLiveResults(db, round!.id, 'bench', { compareTo: null }); console.log('full', performance.now() - t)
await database.close()
