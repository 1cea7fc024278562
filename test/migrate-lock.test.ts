// Several instances starting together on one empty PostgreSQL database: each runs migrate() at start, and the advisory
// lock makes one of them migrate while the others wait and then find nothing to do. (Embedded PGlite has one process.)
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import t from 'tap'
import { sql } from 'drizzle-orm'
import { openDatabase } from '../server/db/client.js'
import { expectedMigrationCount, isMigrated, migrate } from '../server/db/migrate.js'
import { queryRows } from '../server/db/rows.js'

const serverUrl = process.env.TEST_DATABASE_URL

t.test('three instances migrating one empty database at once apply each migration exactly once', { skip: serverUrl ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL); the embedded database has one process' }, async (t) => {
  const name = `par_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl as string)
  url.pathname = `/${name}`
  const instances = await Promise.all([1, 2, 3].map(() => openDatabase({ url: url.toString(), dataDir: 'unused', poolSize: 3 })))
  t.teardown(async () => {
    await Promise.all(instances.map((instance) => instance.close()))
    const dropper = new pg.Client({ connectionString: serverUrl })
    await dropper.connect()
    await dropper.query(`drop database if exists ${name} with (force)`)
    await dropper.end()
  })

  const outcomes = await Promise.allSettled(instances.map((instance) => migrate(instance)))
  t.same(outcomes.map((outcome) => outcome.status), ['fulfilled', 'fulfilled', 'fulfilled'],
    outcomes.map((outcome) => outcome.status === 'rejected' ? String(outcome.reason) : 'ok').join('; '))
  const [applied] = await queryRows<{ count: number }>(instances[0]!.db, sql`select count(*)::int as count from drizzle.__drizzle_migrations`)
  t.equal(Number(applied?.count), expectedMigrationCount(), 'each migration is recorded once')
  for (const instance of instances) t.ok(await isMigrated(instance.db), 'every instance sees a migrated database')
  // The lock is released: a later start migrates (nothing) without waiting.
  await migrate(instances[1]!)
})
