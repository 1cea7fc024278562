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
    if (!await isMigrated(database.db, config.migrationsFolder)) {
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

/** A folder's migrations from drizzle-kit's journal: how many, and the time stamp of the last (drizzle's created_at). */
const journals = new Map<string, { count: number, lastMillis: number }>()
function journalOf (folder: string): { count: number, lastMillis: number } {
  let journal = journals.get(folder)
  if (journal === undefined) {
    const { entries } = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> }
    journals.set(folder, journal = { count: entries.length, lastMillis: Math.max(...entries.map((entry) => entry.when)) })
  }
  return journal
}

/** Number of migrations shipped with this build, from drizzle-kit's journal. */
export function expectedMigrationCount (): number {
  return journalOf(migrationsDir).count
}

/**
 * True when every migration of the folder (by default the build's) has been applied, by drizzle's own rule: a migration
 * applies when its time stamp is after the last one applied. Throws when the database cannot be reached.
 */
export async function isMigrated (db: Db, folder = migrationsDir): Promise<boolean> {
  const [exists] = await queryRows<{ present: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`)
  if (!exists?.present) return false
  const [last] = await queryRows<{ created: string | null }>(db, sql`select max(created_at)::text as created from drizzle.__drizzle_migrations`)
  return last?.created != null && Number(last.created) >= journalOf(folder).lastMillis
}
