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

// Starting PGlite and migrating takes seconds; starting it on a copy of a migrated data directory takes a fraction of
// that. The copy is made once per process and also kept in the system's temporary folder, named by a hash of the
// migrations, so each test file's process loads it instead of migrating again (a changed migration gets a new name).
let template: Promise<Blob> | undefined
async function migratedDataDir (): Promise<Blob> {
  template ??= (async () => {
    const hash = createHash('sha256')
    for (const name of readdirSync(migrationsDir, { recursive: true }).map(String).sort()) {
      const path = join(migrationsDir, name)
      if (statSync(path).isFile()) hash.update(name).update(readFileSync(path))
    }
    // The job queue's schema and queues are installed with the migrations too.
    hash.update(`pg-boss ${jobSchemaVersion()} ${JOB_QUEUES.join(',')}`)
    const saved = join(tmpdir(), `par-test-template-${hash.digest('hex').slice(0, 16)}.tar`)
    if (existsSync(saved)) return new Blob([readFileSync(saved)])
    const database = await openDatabase({ dataDir: 'memory://' })
    await migrate(database)
    const dump = await (database.db as unknown as { $client: PGlite }).$client.dumpDataDir('none')
    await database.close()
    // Written whole under another name, then renamed: a process reading it never sees half a file.
    const partial = `${saved}.${process.pid}`
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()))
    renameSync(partial, saved)
    return dump
  })()
  return template
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
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const database = await openDatabase({ url: withDatabase(serverUrl, name), dataDir: 'unused', poolSize: 5 })
  if (options.migrated !== false) await migrate(database)
  t.teardown(async () => {
    await database.close()
    const dropper = new pg.Client({ connectionString: serverUrl })
    await dropper.connect()
    await dropper.query(`drop database if exists ${name} with (force)`)
    await dropper.end()
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
