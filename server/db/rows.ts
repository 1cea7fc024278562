// Raw SQL through Drizzle with typed rows; node-postgres and PGlite both return `{ rows }`.
import type { SQL } from 'drizzle-orm'
import type { Executor } from './client.js'

export async function queryRows<T> (db: Executor, query: SQL): Promise<T[]> {
  const result = await db.execute(query) as unknown as { rows: T[] }
  return result.rows
}
