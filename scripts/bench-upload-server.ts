// Benchmark server (bundled and forked by bench-upload.ts): the service itself (buildApp on the embedded database with the demo
// data, evidence on the local disk under the data directory, or in S3 when given an endpoint and a bucket) on a free
// port. It logs in the officer of a demo unit whose self-assessment is still a draft, tells the benchmark over IPC
// where that unit's upload endpoint is and with which token, and answers its own resident memory over IPC (sampled
// every 20 ms), so the endpoint is measured exactly as a client calls it.
import { sql } from 'drizzle-orm'
import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { queryRows } from '../server/db/rows.js'
import { loadDemoData } from '../server/services/demo.js'
import { officerUsername } from '../server/services/unit-officers.js'

export const BENCH_MAX_BYTES = 600 * 1024 * 1024
const SAMPLE_EVERY_MS = 20
const PASSWORD = 'Bench-upload-2026!'

export type ServerMessage = { ready: { address: string, path: string, token: string } } | { memory: { rss: number, peakRss: number, maxRss: number } }
export type ClientMessage = 'reset' | 'memory'

const [dataDir, s3Endpoint, s3Bucket] = process.argv.slice(2)
if (!dataDir || !process.send) {
  console.error('usage: forked by bench-upload.ts with <data dir> [<s3 endpoint> <bucket>]')
  process.exit(2)
}
const send = (message: ServerMessage) => process.send?.(message)

const config = loadConfig({}, {
  DATA_DIR: dataDir,
  DEMO_PASSWORD: PASSWORD,
  ADMIN_PASSWORD: PASSWORD,
  LOG_LEVEL: 'warn',
  EVIDENCE_MAX_BYTES: BENCH_MAX_BYTES,
  ...(s3Endpoint && s3Bucket
    ? { S3_BUCKET: s3Bucket, S3_ENDPOINT: s3Endpoint, S3_FORCE_PATH_STYLE: true, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' }
    : {})
})
const app = await buildApp(config, { logger: false })
// As `npm start` does: the 2020 data and the open round with an officer account per unit.
await loadDemoData(app.db, { accounts: { password: PASSWORD } })
const address = await app.listen({ host: '127.0.0.1', port: 0 })

// A unit of the demo's open round whose self-assessment is still a draft (so its files may change), and its officer.
const [target] = await queryRows<{ round_id: string, unit_id: string, code: string }>(app.db, sql`
  select r.id as round_id, u.id as unit_id, u.code from rounds r
  join round_units ru on ru.round_id = r.id join units u on u.id = ru.unit_id
  left join self_assessments s on s.round_id = r.id and s.unit_id = u.id
  where r.status = 'self_assessment' and coalesce(s.status, 'draft') = 'draft' order by u.code limit 1`)
if (!target) throw new Error('the demo data has no open round with a draft self-assessment')
const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: officerUsername(target.code), password: PASSWORD } })
if (login.statusCode !== 200) throw new Error(`the officer of ${target.code} could not log in: ${login.statusCode} ${login.body}`)

// process.memoryUsage.rss() reads the resident set size without walking the V8 heap, so sampling it every 20 ms is cheap.
let peakRss = process.memoryUsage.rss()
setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage.rss()) }, SAMPLE_EVERY_MS).unref()

process.on('message', (message: ClientMessage) => {
  if (message === 'reset') {
    // --expose-gc lets the baseline be taken with the heap settled.
    ;(globalThis as { gc?: () => void }).gc?.()
    peakRss = process.memoryUsage.rss()
  }
  send({ memory: { rss: process.memoryUsage.rss(), peakRss, maxRss: process.resourceUsage().maxRSS * 1024 } })
})
process.on('disconnect', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })

send({ ready: { address, path: `/rounds/${target.round_id}/units/${target.unit_id}/self-assessment/files`, token: String(login.json().token) } })
