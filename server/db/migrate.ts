// The one migrate() used by the server at start, by `npm run db:migrate` and by the tests.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import type pg from 'pg'
import { migrationsDir } from '../paths.js'
import type { Database, Db } from './client.js'
import { queryRows } from './rows.js'
import { installJobQueue, jobExecutor, pgExecutor } from './job-queue.js'

/** The advisory lock key instances take around migrations ("PARM" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x5041524d

/**
 * Applies the pending migrations, then installs or upgrades the job queue's schema (pg-boss's own). On PostgreSQL, under a session advisory lock held by one connection for the whole
 * run: instances starting together queue on it, the first migrates and the others then find nothing left to do.
 * (Embedded PGlite belongs to one process, which has no one to race.)
 */
export async function migrate (database: Database, options: { folder?: string } = {}): Promise<void> {
  // `folder`: another set of migrations, for tests that start from an earlier version.
  const config = { migrationsFolder: options.folder ?? migrationsDir }
  if (database.kind === 'pglite') {
    // drizzle's migrator creates its schema and table if missing and reads the last migration applied at every start,
    // 50-60 ms on the embedded database's cold catalogs; when the last one applied is the folder's last, two look-ups
    // that take a few milliseconds say the same (its own test: a migration applies when its time is after the last's).
    if (!await appliedUpTo(database.db, lastMigrationMillis(config.migrationsFolder))) {
      await migratePglite(database.db as unknown as PgliteDatabase, config)
    }
    await installJobQueue(jobExecutor(database))
    return
  }
  const pool = (database.db as unknown as { $client: pg.Pool }).$client
  const client = await pool.connect()
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    try {
      await migratePg(drizzlePg({ client, casing: 'snake_case' }), config)
      await installJobQueue(pgExecutor(client))
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
    }
  } finally {
    client.release()
  }
}

/** The time stamp of a folder's last migration, from drizzle-kit's journal (drizzle's migrator records it as created_at). */
function lastMigrationMillis (folder: string): number {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> }
  return Math.max(...journal.entries.map((entry) => entry.when))
}

/** True when the database has applied the migration of time stamp `millis` or a later one. */
async function appliedUpTo (db: Db, millis: number): Promise<boolean> {
  const [exists] = await queryRows<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)
  if (!exists?.present) return false
  const [last] = await queryRows<{ created: string | null }>(db, sql`select max(created_at)::text as created from drizzle.__drizzle_migrations`)
  return last?.created != null && Number(last.created) >= millis
}

/** Number of migrations shipped with this build, from drizzle-kit's journal. */
let expected: number | undefined
export function expectedMigrationCount (): number {
  if (expected !== undefined) return expected
  const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }
  expected = journal.entries.length
  return expected
}

/** True when every shipped migration has been applied. Throws when the database cannot be reached. */
export async function isMigrated (db: Db): Promise<boolean> {
  const [exists] = await queryRows<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)
  if (!exists?.present) return false
  const [applied] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from drizzle.__drizzle_migrations`)
  return Number(applied?.count ?? 0) >= expectedMigrationCount()
}
