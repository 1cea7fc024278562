// Builds the app on a fresh, migrated database per test: an in-memory PGlite, or a new PostgreSQL database when TEST_DATABASE_URL is set.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp, type BuildOptions } from '../../server/app.js'
import { loadConfig, type Config } from '../../server/config.js'
import { PGlite } from '@electric-sql/pglite'
import { migrationsDir } from '../../server/paths.js'
import { openDatabase, pgliteOptions, wrapPglite, type Database } from '../../server/db/client.js'
import { migrate } from '../../server/db/migrate.js'
import { JOB_QUEUES, jobSchemaVersion } from '../../server/db/job-queue.js'

interface Teardown { teardown: (fn: () => unknown) => void }

function withDatabase (url: string, name: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${name}`
  return parsed.toString()
}

/** A hash of the migrations and the job queue's schema: a template made from other migrations gets another name. */
let schemaHash: string | undefined
function migrationsHash (): string {
  if (schemaHash !== undefined) return schemaHash
  const hash = createHash('sha256')
  for (const name of readdirSync(migrationsDir, { recursive: true }).map(String).sort()) {
    const path = join(migrationsDir, name)
    if (statSync(path).isFile()) hash.update(name).update(readFileSync(path))
  }
  // The job queue's schema and queues are installed with the migrations too.
  hash.update(`pg-boss ${jobSchemaVersion()} ${JOB_QUEUES.join(',')}`)
  schemaHash = hash.digest('hex').slice(0, 16)
  return schemaHash
}

/**
 * A Blob whose bytes are already in memory: PGlite reads `loadDataDir` with arrayBuffer(), which on Node 20 reassembles
 * a 40 MB Blob chunk by chunk (a quarter of a start); this hands out a copy of one ArrayBuffer instead.
 */
class DataDirBlob extends Blob {
  readonly #data: ArrayBuffer
  constructor (data: ArrayBuffer) {
    super([])
    this.#data = data
  }

  override arrayBuffer (): Promise<ArrayBuffer> { return Promise.resolve(this.#data.slice(0)) }
}

// Starting PGlite and migrating takes seconds; starting it on a copy of a migrated data directory takes a fraction of
// that. The copy is made once per process and also kept in the system's temporary folder, named by a hash of the
// migrations, so each test file's process loads it instead of migrating again (a changed migration gets a new name).
let template: Promise<Blob> | undefined
async function migratedDataDir (): Promise<Blob> {
  template ??= (async () => {
    const saved = join(tmpdir(), `par-test-template-${migrationsHash()}.tar`)
    const blobOf = (bytes: Uint8Array) => new DataDirBlob(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)
    if (existsSync(saved)) return blobOf(readFileSync(saved))
    const database = await openDatabase({ dataDir: 'memory://' })
    await migrate(database)
    const dump = new Uint8Array(await (await (database.db as unknown as { $client: PGlite }).$client.dumpDataDir('none')).arrayBuffer())
    await database.close()
    // Written whole under another name, then renamed: a process reading it never sees half a file.
    const partial = `${saved}.${process.pid}`
    writeFileSync(partial, dump)
    renameSync(partial, saved)
    return blobOf(dump)
  })()
  return template
}

/** Runs `fn` on a connection to the PostgreSQL server's maintenance database. */
async function onServer<T> (serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** The advisory lock test processes take around making the PostgreSQL template ("PART" in ASCII). */
const TEMPLATE_LOCK_KEY = 0x50415254

/**
 * On PostgreSQL, the same idea: a migrated database kept on the server as a template, named by the migrations' hash,
 * made once (under an advisory lock, so test processes starting together make it once) and copied by CREATE DATABASE
 * for each test instead of migrating each one. Templates of other migrations are dropped when a new one is made.
 */
let serverTemplate: Promise<string> | undefined
function migratedTemplate (serverUrl: string): Promise<string> {
  serverTemplate ??= onServer(serverUrl, async (client) => {
    const name = `par_test_template_${migrationsHash()}`
    await client.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY])
    try {
      const { rows } = await client.query<{ datname: string }>("select datname from pg_database where datname ~ '^par_test_template_'")
      if (rows.some((row) => row.datname === name)) return name
      for (const row of rows) await client.query(`drop database if exists ${row.datname} with (force)`)
      // Made under another name and renamed once migrated: a template that exists is complete.
      const partial = `${name}_partial`
      await client.query(`drop database if exists ${partial} with (force)`)
      await client.query(`create database ${partial}`)
      const database = await openDatabase({ url: withDatabase(serverUrl, partial), dataDir: 'unused', poolSize: 1 })
      try {
        await migrate(database)
      } finally {
        await database.close()
      }
      await client.query(`alter database ${partial} rename to ${name}`)
      return name
    } finally {
      await client.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY])
    }
  })
  return serverTemplate
}

/** A fresh database, migrated unless asked otherwise, that is dropped when the test ends. */
export async function freshDatabase (t: Teardown, options: { migrated?: boolean } = {}): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) {
    const database = options.migrated === false
      ? await openDatabase({ dataDir: 'memory://' })
      : wrapPglite(await PGlite.create({ loadDataDir: await migratedDataDir(), ...pgliteOptions() }))
    t.teardown(() => database.close())
    return database
  }
  const name = `par_test_${randomBytes(6).toString('hex')}`
  const from = options.migrated === false ? '' : ` template ${await migratedTemplate(serverUrl)}`
  await onServer(serverUrl, (client) => client.query(`create database ${name}${from}`))
  const database = await openDatabase({ url: withDatabase(serverUrl, name), dataDir: 'unused', poolSize: 5 })
  t.teardown(async () => {
    await database.close()
    await onServer(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`))
  })
  return database
}

/**
 * The service as tests run it. Tests read problem details in English unless they say otherwise; the service's Vietnamese default and the choice by
 * Accept-Language are tested in test/messages.test.ts.
 */
export function testConfig (overrides: Partial<Config> = {}): Config {
  // Cheap password hashes and no login slow-down keep the suite fast; tests of the slow-down set their own. The job
  // queue's workers run only in the tests of jobs (test/jobs.test.ts), which turn them on.
  return loadConfig({}, { LOG_LEVEL: 'silent', DEMO_DATA: false, DEFAULT_LANGUAGE: 'en', PASSWORD_HASH_MEMORY_KIB: 1024, PASSWORD_HASH_ITERATIONS: 1, LOGIN_DELAY_STEP_MS: 0, JOBS_ENABLED: false, ...overrides })
}

export interface TestAppOptions extends BuildOptions {
  config?: Partial<Config>
  /** Register extra routes before the app is ready (error-shape tests). */
  extend?: (app: FastifyInstance) => void | Promise<void>
}

export async function buildTestApp (t: Teardown, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const database = options.database ?? await freshDatabase(t, { migrated: options.migrate !== false })
  const app = await buildApp(testConfig(options.config), { logger: false, ...options, database })
  if (options.extend) await options.extend(app)
  await app.ready()
  t.teardown(() => app.close())
  return app
}
