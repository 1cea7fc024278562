import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { openDatabase } from '../server/db/client.js'
import { loadDemoData } from '../server/services/demo.js'
import { loadDemoRound2020 } from '../server/services/demo-round.js'
const database = await openDatabase({ dataDir: 'memory://', url: process.env.DATABASE_URL })
const app = await buildApp(loadConfig({}, { LOG_LEVEL: 'warn', DEMO_DATA: false }), { database })
await app.ready()
let t0 = performance.now()
await loadDemoData(app.db)
console.log('demo data', performance.now() - t0); t0 = performance.now()
console.log(await loadDemoRound2020(app.db))
console.log('demo round', performance.now() - t0)
const rounds = await app.inject({ url: '/public/rounds' })
console.log(rounds.statusCode, rounds.body)
const id = rounds.json().items[0].id
const res = await app.inject({ url: `/public/rounds/${id}/results/department` })
console.log(res.statusCode, res.headers, res.body.length)
const body = res.json()
for (const u of body.items) console.log(u.rank, u.unit.code, u.unit.name, u.self.display, u.appraised.display, u.classification.label)
console.log(JSON.stringify(body.average))
console.log(JSON.stringify(body.classificationCounts))
const unit = await app.inject({ url: `/public/rounds/${id}/results/department/units/SO-TP` })
console.log(unit.statusCode, unit.body.slice(0, 1500))
const r304 = await app.inject({ url: `/public/rounds/${id}/results/department`, headers: { 'if-none-match': res.headers.etag as string } })
console.log('304?', r304.statusCode, r304.headers)
for (const f of ['csv', 'xlsx', 'json']) {
  const e = await app.inject({ url: `/public/rounds/${id}/results/department/export?format=${f}` })
  console.log(f, e.statusCode, e.headers['content-type'], e.headers['content-disposition'], e.rawPayload.length)
  if (f === 'csv') console.log(e.body.slice(0, 600))
}
const doc = await app.inject({ url: '/openapi.json' })
console.log('openapi', doc.statusCode, Object.keys(doc.json().paths).filter((p) => p.includes('result') || p.includes('public')))
await app.close()
