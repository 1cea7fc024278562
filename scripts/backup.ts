// `npm run backup [-- <directory>]`: backs up the database and every evidence file of the service these settings
// (environment) describe, into a new directory (default backups/<time>), with a manifest the restore checks.
// PostgreSQL is dumped from one snapshot while the service runs; the embedded database only with the service stopped.
import { loadConfig } from '../server/config.js'
import { openDatabase } from '../server/db/client.js'
import { backup } from '../server/ops/backup.js'
import { storeOf } from '../server/plugins/storage.js'

const config = loadConfig()
const dir = process.argv[2] ?? `backups/${new Date().toISOString().replace(/[:.]/g, '-')}`
const url = config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL
const database = await openDatabase({ url, dataDir: config.DATA_DIR, poolSize: 2 })
try {
  const manifest = await backup({ database, url, store: await storeOf(config), dir })
  const rows = Object.values(manifest.tables).reduce((sum, count) => sum + count, 0)
  const bytes = manifest.evidence.reduce((sum, file) => sum + file.size, 0)
  console.log(`Backed up ${manifest.database}: ${Object.keys(manifest.tables).length} tables, ${rows} rows; ` +
    `${manifest.evidence.length} evidence files, ${bytes} bytes → ${dir}`)
} finally {
  await database.close()
}
