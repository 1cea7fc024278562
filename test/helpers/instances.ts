// Two instances of the service on one PostgreSQL database, as behind a load balancer: a scratch database on the
// server of TEST_DATABASE_URL with a pool (openDatabase) per instance, each migrating it at start as an instance does
// (migrate() takes a lock, so they agree); dropped when the test ends.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase, type Database } from '../../server/db/client.js'
import { migrate } from '../../server/db/migrate.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export async function sharedDatabase (t: Teardown, serverUrl: string, instances = 2): Promise<Database[]> {
  const name = `par_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  t.teardown(async () => {
    const dropper = new pg.Client({ connectionString: serverUrl })
    await dropper.connect()
    await dropper.query(`drop database if exists ${name} with (force)`)
    await dropper.end()
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const databases = await Promise.all(Array.from({ length: instances }, () => openDatabase({ url: url.toString(), dataDir: 'unused', poolSize: 4 })))
  await Promise.all(databases.map((database) => migrate(database)))
  return databases
}
