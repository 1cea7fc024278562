// `npm run db:migrate`: applies the migrations to the configured database (as MIGRATION_DATABASE_URL's role when set,
// else DATABASE_URL's, or PGlite under DATA_DIR).
import { loadConfig } from '../server/config.js'
import { openDatabase } from '../server/db/client.js'
import { migrate } from '../server/db/migrate.js'

const config = loadConfig()
const database = await openDatabase({ url: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL, dataDir: config.DATA_DIR })
try {
  await migrate(database)
  console.log(`Migrated the ${database.kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'} database.`)
} finally {
  await database.close()
}
