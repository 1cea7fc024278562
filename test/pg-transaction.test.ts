// Transactions on the PostgreSQL pool give their client back whatever fails, BEGIN included (server/db/pg-transaction.ts):
// otherwise a database restart that breaks BEGIN on a few checked-out clients leaves the pool empty and every later
// request waiting for a connection forever.
import t from 'tap'
import { sql } from 'drizzle-orm'
import type pg from 'pg'
import { openDatabase } from '../server/db/client.js'

const serverUrl = process.env.TEST_DATABASE_URL

t.test('a transaction whose BEGIN fails gives its client back, so a pool of one serves the next', { skip: serverUrl ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): the pool is node-postgres\'s' }, async (t) => {
  // Nothing is written: the pool only runs BEGIN, SELECT and COMMIT on the server's own database.
  const database = await openDatabase({ url: serverUrl as string, dataDir: 'unused', poolSize: 1 })
  t.teardown(() => database.close())
  const pool = (database.db as unknown as { $client: pg.Pool }).$client
  let failures = 1
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown
    // The first BEGIN fails as a lost connection makes it fail.
    ;(client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0] as string | { text?: string }
      const text = typeof config === 'string' ? config : config.text
      if (text === 'begin' && failures > 0) {
        failures--
        return Promise.reject(new Error('Connection terminated unexpectedly'))
      }
      return query(...args)
    }
  })
  await t.rejects(database.db.transaction(async () => 'never'), /Connection terminated unexpectedly/, 'the failed BEGIN is the error')
  const next = database.db.transaction(async (tx) => ((await tx.execute(sql`select 1 as one`)) as unknown as { rows: unknown[] }).rows[0])
  const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting for a connection'), 5000).unref())
  t.same(await Promise.race([next, waited]), { one: 1 }, 'the next transaction gets a connection and runs')
  t.equal(pool.waitingCount, 0, 'no one waits for a connection')
})
