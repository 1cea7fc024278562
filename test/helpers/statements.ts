// Counts the SQL statements the app sends to its database, on PGlite and on PostgreSQL alike: every statement a
// request runs, BEGIN and COMMIT (or ROLLBACK) included, so "statements per save" is measured, not estimated.
import type { PGlite, Transaction } from '@electric-sql/pglite'
import type pg from 'pg'
import type { Database } from '../../server/db/client.js'

export interface StatementCounter {
  /** The statements sent since the last reset, in order. */
  readonly statements: string[]
  reset: () => void
}

type Query = (text: unknown, ...rest: unknown[]) => unknown
const textOf = (query: unknown): string => typeof query === 'string' ? query : String((query as { text?: unknown }).text ?? query)

/** Starts counting every statement sent through this database's client. */
export function countStatements (database: Database): StatementCounter {
  const statements: string[] = []
  const counted = <T extends object>(target: T, name: keyof T & string) => {
    const original = (target[name] as Query).bind(target)
    Object.assign(target, { [name]: (query: unknown, ...rest: unknown[]) => { statements.push(textOf(query)); return original(query, ...rest) } })
  }
  const client = (database.db as unknown as { $client: unknown }).$client
  if (database.kind === 'pglite') {
    const pglite = client as PGlite
    counted(pglite, 'query')
    counted(pglite, 'exec')
    // PGlite sends BEGIN and COMMIT (or ROLLBACK) itself, outside its public methods: counted here.
    const transaction = pglite.transaction.bind(pglite)
    Object.assign(pglite, {
      transaction: async <T>(callback: (tx: Transaction) => Promise<T>) => {
        statements.push('BEGIN')
        try {
          return await transaction(async (tx) => {
            counted(tx, 'query')
            counted(tx, 'exec')
            return callback(tx)
          })
        } finally {
          statements.push('COMMIT or ROLLBACK')
        }
      }
    })
  } else {
    // pg's Pool.query checks out a client through pool.connect too, so wrapping the clients it hands out sees every statement.
    const pool = client as pg.Pool
    const connect = pool.connect.bind(pool) as (callback?: (error: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void) => unknown
    const seen = new WeakSet<object>()
    const wrap = (poolClient: pg.PoolClient | undefined) => {
      if (poolClient && !seen.has(poolClient)) { seen.add(poolClient); counted(poolClient, 'query') }
      return poolClient
    }
    Object.assign(pool, {
      connect: (callback?: (error: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void) => callback
        ? connect((error, poolClient, done) => callback(error, wrap(poolClient), done))
        : (connect() as Promise<pg.PoolClient>).then(wrap)
    })
  }
  return { statements, reset: () => { statements.length = 0 } }
}
