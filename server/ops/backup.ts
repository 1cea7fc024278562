// Backups that restore: the database (pg_dump of one consistent snapshot, or the embedded database's data directory)
// and every evidence file, with a manifest of each table's rows and each file's hash that the restore checks.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { openDatabase, type Database, type Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
import type { EvidenceStore } from '../storage/types.js'

const run = promisify(execFile)

export const BACKUP_FORMAT = 'par-backup/1'

export interface BackupManifest {
  format: typeof BACKUP_FORMAT
  createdAt: string
  database: 'postgres' | 'pglite'
  /** Rows of every table (public schema, and the applied migrations), as of the dumped snapshot. */
  tables: Record<string, number>
  /** Every evidence content a record refers to, by its SHA-256. */
  evidence: Array<{ sha256: string, size: number }>
}

const DUMP = { postgres: 'database.dump', pglite: 'database.tar.gz' } as const

async function tableCounts (db: Executor): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(db, sql`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`)
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    const [row] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from ${sql.identifier(name)}`)
    counts[name] = row?.count ?? 0
  }
  const [migrations] = await queryRows<{ count: number }>(db, sql`select count(*)::int as count from drizzle.__drizzle_migrations`)
  counts['drizzle.__drizzle_migrations'] = migrations?.count ?? 0
  return counts
}

const evidenceList = (db: Executor) =>
  queryRows<{ sha256: string, size: number }>(db, sql`select distinct sha256, size from evidence_files order by sha256`)

/** Copies one stored content into the backup, checking its hash and size on the way. */
async function copyOut (store: EvidenceStore, file: { sha256: string, size: number }, dir: string): Promise<void> {
  const hash = createHash('sha256')
  let size = 0
  const counter = new Transform({
    transform (chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    }
  })
  const partial = join(dir, `${file.sha256}.partial`)
  await pipeline(await store.open(file.sha256), counter, createWriteStream(partial))
  const actual = hash.digest('hex')
  if (actual !== file.sha256 || size !== file.size) {
    throw new Error(`Evidence ${file.sha256} reads back as ${actual} (${size} bytes, expected ${file.size}): the store is damaged; no backup was made`)
  }
  await rename(partial, join(dir, file.sha256))
}

export interface BackupOptions {
  database: Database
  /** The PostgreSQL address pg_dump reads (the database's own); unused for the embedded database. */
  url?: string | undefined
  store: EvidenceStore
  /** A new or empty directory. */
  dir: string
}

/**
 * Writes a backup into `dir`. On PostgreSQL the counts, the evidence list and pg_dump all read one exported snapshot,
 * so a backup taken while the service runs is consistent. The embedded database is dumped by the process that owns it
 * (run the backup with the service stopped).
 */
export async function backup (options: BackupOptions): Promise<BackupManifest> {
  const { database, store, dir } = options
  await mkdir(join(dir, 'evidence'), { recursive: true })
  if ((await readdir(dir)).some((name) => name !== 'evidence') || (await readdir(join(dir, 'evidence'))).length > 0) {
    throw new Error(`${dir} is not empty: a backup goes into a new directory`)
  }
  let tables: Record<string, number>
  let evidence: Array<{ sha256: string, size: number }>
  if (database.kind === 'postgres') {
    if (!options.url) throw new Error('A PostgreSQL backup needs the database address (DATABASE_URL)')
    const url = options.url
    ;({ tables, evidence } = await database.db.transaction(async (tx) => {
      const [snapshot] = await queryRows<{ id: string }>(tx, sql`select pg_export_snapshot() as id`)
      const counted = { tables: await tableCounts(tx), evidence: await evidenceList(tx) }
      await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${snapshot?.id ?? ''}`, `--file=${join(dir, DUMP.postgres)}`, `--dbname=${url}`])
      return counted
    }, { isolationLevel: 'repeatable read', accessMode: 'read only' }))
  } else {
    if (!database.dumpDataDir) throw new Error('This database cannot dump its data directory')
    tables = await tableCounts(database.db)
    evidence = await evidenceList(database.db)
    await writeFile(join(dir, DUMP.pglite), Buffer.from(await (await database.dumpDataDir()).arrayBuffer()))
  }
  for (const file of evidence) await copyOut(store, file, join(dir, 'evidence'))
  const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), database: database.kind, tables, evidence }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')
  return manifest
}

export interface RestoreOptions {
  dir: string
  /** For a PostgreSQL backup: the empty database to restore into. */
  url?: string | undefined
  /** For an embedded-database backup: the new DATA_DIR (its pglite directory must not exist yet). */
  dataDir: string
  /** Where the evidence goes (the restored service's store). */
  store: EvidenceStore
}

/**
 * The transaction ids in result_input_changes (migration 0016), the sums tables' written_xid (0017) and the
 * self-assessments' and appraisals' (0020) are those of the server the dump came from; on another server they would
 * mean nothing, and ids ahead of its own would keep live results from ever being reused or make every unit look
 * written. The record starts afresh at the restored server's ids (no process has kept results of this new database
 * yet). A backup from before those migrations has none of them.
 */
async function restartInputChanges (db: Executor): Promise<void> {
  const [present] = await queryRows<{ changes: boolean, written: string[] }>(db, sql`
    select to_regclass('result_input_changes') is not null as changes,
      array(select table_name::text from information_schema.columns where table_schema = current_schema() and column_name = 'written_xid'
        and table_name in ('self_assessment_field_sums', 'appraisal_field_sums', 'self_assessments', 'appraisals')) as written`)
  // In one statement, so one transaction marks them all.
  const marks = (present?.written ?? []).map((table, i) => sql`m${sql.raw(String(i))} as (update ${sql.identifier(table)} set written_xid = pg_current_xact_id())`)
  if (marks.length > 0) await db.execute(sql`with ${sql.join(marks, sql`, `)} select 1`)
  if (present?.changes !== true) return
  await db.execute(sql`truncate result_input_changes`)
  await db.execute(sql`update result_input_horizon set xid = pg_snapshot_xmin(pg_current_snapshot())`)
}

export interface RestoreReport { tables: Record<string, number>, evidenceFiles: number }

/**
 * Restores a backup into an empty database and store, then checks that every table has the rows the manifest says
 * and every evidence file its hash; any difference is an error naming it.
 */
export async function restore (options: RestoreOptions): Promise<RestoreReport> {
  const manifest = JSON.parse(await readFile(join(options.dir, 'manifest.json'), 'utf8')) as BackupManifest
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`${options.dir} is not a ${BACKUP_FORMAT} backup`)
  let restored: Database
  if (manifest.database === 'postgres') {
    if (!options.url) throw new Error('This backup is of PostgreSQL: set DATABASE_URL (or MIGRATION_DATABASE_URL) to an empty database')
    restored = await openDatabase({ url: options.url, dataDir: options.dataDir, poolSize: 2 })
    const [used] = await queryRows<{ count: number }>(restored.db, sql`select count(*)::int as count from information_schema.tables where table_schema in ('public', 'drizzle')`)
    if ((used?.count ?? 0) > 0) {
      await restored.close()
      throw new Error('The target database is not empty; restore into a new database')
    }
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${options.url}`, join(options.dir, DUMP.postgres)])
  } else {
    const target = join(options.dataDir, 'pglite')
    if (existsSync(target) && (await readdir(target)).length > 0) throw new Error(`${target} exists: restore into a new data directory`)
    await mkdir(target, { recursive: true })
    const dump = await readFile(join(options.dir, DUMP.pglite))
    const loaded = await PGlite.create(target, { loadDataDir: new Blob([dump]) })
    await loaded.close()
    restored = await openDatabase({ dataDir: options.dataDir })
  }
  try {
    const tables = await tableCounts(restored.db)
    const differences = Object.keys({ ...manifest.tables, ...tables })
      .filter((name) => manifest.tables[name] !== tables[name])
      .map((name) => `${name}: ${tables[name] ?? 'missing'} rows, the backup has ${manifest.tables[name] ?? 'none'}`)
    if (differences.length > 0) throw new Error(`The restored database differs from the backup: ${differences.join('; ')}`)
    if (manifest.database === 'postgres') await restartInputChanges(restored.db)
    for (const file of manifest.evidence) {
      const stored = await options.store.put(createReadStream(join(options.dir, 'evidence', file.sha256)), { maxBytes: Math.max(file.size, 1) })
      if (stored.sha256 !== file.sha256 || stored.size !== file.size) {
        throw new Error(`Evidence ${file.sha256} in the backup reads as ${stored.sha256} (${stored.size} bytes): the backup is damaged`)
      }
    }
    return { tables, evidenceFiles: manifest.evidence.length }
  } finally {
    await restored.close()
  }
}
