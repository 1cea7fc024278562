import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { openDatabase } from '../server/db/client.js'
import { loadDemoData } from '../server/services/demo.js'
import { loadDemoRound2020 } from '../server/services/demo-round.js'
const database = await openDatabase({ dataDir: 'memory://' })
const app = await buildApp(loadConfig({}, { LOG_LEVEL: 'warn', DEMO_DATA: false }), { database })
await app.ready()
await loadDemoData(app.db); await loadDemoRound2020(app.db)
const id = (await app.inject({ url: '/public/rounds' })).json().items[0].id
const res = await app.inject({ url: `/public/rounds/${id}/results/department` })
console.log(JSON.stringify(res.json().items[7]))
const g = await app.inject({ url: `/public/rounds/${id}/results/department`, headers: { 'accept-encoding': 'gzip' } })
console.log(g.headers['content-encoding'], g.rawPayload.length, res.rawPayload.length, g.headers.vary, g.headers.etag)
await app.close()
