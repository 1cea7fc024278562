// `npm run openapi`: writes openapi/openapi.json from the route schemas; `--check` fails when the committed file differs.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { openDatabase } from '../server/db/client.js'
import { projectRoot } from '../server/paths.js'

const target = join(projectRoot, 'openapi', 'openapi.json')
const database = await openDatabase({ dataDir: 'memory://' })
const app = await buildApp(loadConfig({}, { JOBS_ENABLED: false }), { database, logger: false, migrate: false })
await app.ready()
const document = JSON.stringify(app.swagger(), null, 2) + '\n'
await app.close()

if (process.argv.includes('--check')) {
  let committed = ''
  try { committed = readFileSync(target, 'utf8') } catch {}
  if (committed !== document) {
    console.error('openapi/openapi.json is out of date: run `npm run openapi` and commit the result.')
    process.exit(1)
  }
  console.log('openapi/openapi.json is up to date.')
} else {
  mkdirSync(join(projectRoot, 'openapi'), { recursive: true })
  writeFileSync(target, document)
  console.log(`Wrote ${target}`)
}
