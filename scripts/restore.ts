// `npm run restore -- <directory>`: restores a backup made by `npm run backup` into the empty database and store these
// settings describe (DATABASE_URL or MIGRATION_DATABASE_URL, else a new DATA_DIR; S3_BUCKET or DATA_DIR/evidence), then
// checks every table's rows and every evidence file's hash against the backup's manifest. Exits non-zero on any
// difference.
import { loadConfig } from '../server/config.js'
import { restore } from '../server/ops/backup.js'
import { storeOf } from '../server/plugins/storage.js'

const dir = process.argv[2]
if (!dir) {
  console.error('Usage: npm run restore -- <backup directory>')
  process.exit(2)
}
const config = loadConfig()
const report = await restore({ dir, url: config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL, dataDir: config.DATA_DIR, store: await storeOf(config) })
const rows = Object.values(report.tables).reduce((sum, count) => sum + count, 0)
console.log(`Restored and checked: ${Object.keys(report.tables).length} tables, ${rows} rows, ${report.evidenceFiles} evidence files`)
