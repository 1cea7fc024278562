// Database client: a pg pool when DATABASE_URL is set, otherwise embedded PGlite under DATA_DIR; both behind one Drizzle type.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import type { ExtractTablesWithRelations } from 'drizzle-orm'
import pg from 'pg'
import { correctPgTransactions } from './pg-transaction.js'

// Queries are built from the tables (db.select().from(table)…) and SQL, never through drizzle's relational API
// (db.query.<table>), so the instances are made without the schema: with it, every transaction object built a query
// builder per table (35 of them, 9 µs and 6 kB a transaction, on every save).
type NoSchema = Record<string, never>
export type Db = PgDatabase<PgQueryResultHKT, NoSchema>
export type Tx = PgTransaction<PgQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>
/** Repositories take either the database or an open transaction. */
export type Executor = Db | Tx

export interface DatabaseOptions {
  url?: string | undefined
  /** Directory for embedded PGlite; `memory://` keeps it in memory (tests). */
  dataDir: string
  poolSize?: number
  statementTimeoutMs?: number
}

export interface Database {
  db: Db
  kind: 'postgres' | 'pglite'
  /** The PostgreSQL address it was opened with (backups run pg_dump on it). */
  url?: string
  close: () => Promise<void>
  /** The embedded database's whole data directory as a gzipped tarball (backups); PostgreSQL has pg_dump. */
  dumpDataDir?: () => Promise<Blob>
  /** The PostgreSQL pool's connections (for /metrics); the embedded database has none. */
  poolStats?: () => { total: number, idle: number, waiting: number, max: number }
}

export async function openDatabase (options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    correctPgTransactions()
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs && options.statementTimeoutMs > 0 ? options.statementTimeoutMs : undefined,
      application_name: 'par-index',
      // No JIT: the service's queries are short, and where a round-wide query's row estimate runs high (aggregates
      // over common tables) PostgreSQL would spend a second compiling it to run for a fifth of that.
      options: '-c jit=off',
      // Queries issued without waiting for the one before go out at once (see db/pg-transaction.ts: BEGIN is written
      // with a transaction's first statement). Every other query waits for its answer as before.
      pipeline: true
    })
    // A client losing its server, idle in the pool or checked out by a request, must not crash the process: an 'error'
    // event without a listener would. The query in flight fails on its own (503 DATABASE_UNAVAILABLE), the broken
    // client is discarded, and the pool connects afresh once the server is back.
    pool.on('error', () => {})
    pool.on('connect', (client) => { client.on('error', () => {}) })
    const db = drizzlePg({ client: pool, casing: 'snake_case' }) as unknown as Db
    let closed = false
    return {
      db,
      kind: 'postgres',
      url: options.url,
      close: async () => { if (!closed) { closed = true; await pool.end() } },
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max })
    }
  }
  let dataDir: string | undefined
  if (options.dataDir !== 'memory://') {
    dataDir = join(options.dataDir, 'pglite')
    mkdirSync(dataDir, { recursive: true })
  }
  return wrapPglite(await PGlite.create(dataDir, pgliteOptions()))
}

/**
 * PGlite's start options: PostgreSQL's defaults with 16 MB of shared buffers instead of 128 MB. The embedded database
 * serves one province's rounds (the 2020 data fills a few MB); its buffers are allocated and cleared at every start, so
 * the smaller pool starts 0.2 s sooner and keeps about 130 MiB less resident. A national deployment runs on PostgreSQL.
 */
export function pgliteOptions (): { startParams: string[] } {
  const defaults = (PGlite as unknown as { defaultStartParams?: string[] }).defaultStartParams ?? []
  return { startParams: [...defaults, '-c', 'shared_buffers=16MB'] }
}

/** Wraps an open PGlite instance (tests start theirs on a copy of a migrated data directory). */
export function wrapPglite (client: PGlite): Database {
  const db = drizzlePglite({ client, casing: 'snake_case' }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    close: async () => { if (!client.closed) await client.close() },
    dumpDataDir: () => client.dumpDataDir('gzip')
  }
}
