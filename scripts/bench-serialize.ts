// `npm run bench:serialize`: the time to write the two largest answers of the screens people work in, a unit's
// self-assessment (read by its officer) and its appraisal (read by the appraisal team), each of a 100-leaf catalog, as
// the service writes them (server/serializers.ts: the schemas rewritten for writing, forSerializing) and as
// fast-json-stringify writes them from the schemas as declared, alternately in one process; also checks that both
// write the same bytes as the API answered. On the embedded database (nothing else is measured).
// Options: --leaves=N --writes=N (per measurement) --rounds=N (alternations)
import fastJsonStringify from 'fast-json-stringify'
import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { serializerFactory } from '../server/serializers.js'
import { AppraisalSchema } from '../server/schemas/appraisal.js'
import { ref } from '../server/schemas/common.js'
import { SelfAssessmentSchema } from '../server/schemas/rounds.js'
import { benchReaders, generateRound, median, option, scratchDatabase } from './bench-results.js'

const leaves = option('leaves', 100)
const writes = option('writes', 2000)
const rounds = option('rounds', 5)
const { database, drop } = await scratchDatabase('par_bench_serialize', 4, 'pglite')
try {
  const round = await generateRound(database.db, { units: 2, leaves, status: 'finalized' })
  const app = await buildApp(loadConfig({}, { LOG_LEVEL: 'warn', DEMO_DATA: false }), { database, logger: false })
  const { unitId, officerToken, adminToken } = await benchReaders(database.db, round.roundId)
  const base = `/rounds/${round.roundId}/units/${unitId}`
  const externals = app.getSchemas() as Record<string, unknown>
  const answers = [
    { name: 'self-assessment', path: `${base}/self-assessment`, token: officerToken, schema: ref(SelfAssessmentSchema) },
    { name: 'appraisal', path: `${base}/appraisal`, token: adminToken, schema: ref(AppraisalSchema) }
  ]
  console.log(`Writing one answer of a ${leaves}-leaf catalog, ${writes} times per measurement, ${rounds} alternations (median shown):`)
  let same = true
  for (const answer of answers) {
    const response = await app.inject({ url: answer.path, headers: { authorization: `Bearer ${answer.token}` } })
    if (response.statusCode !== 200) throw new Error(`${answer.name}: ${response.statusCode} ${response.body.slice(0, 300)}`)
    const data = response.json()
    const declared = fastJsonStringify(answer.schema as never, { schema: externals as never })
    // The service's own serializer for the route, compiled now (the factory Fastify is given in app.ts).
    const rewritten = serializerFactory({ eager: true })(externals, undefined)({ schema: answer.schema })
    const identical = declared(data) === response.body && rewritten(data) === response.body
    same &&= identical
    const time = (write: (data: unknown) => string) => {
      const started = performance.now()
      for (let i = 0; i < writes; i++) write(data)
      return (performance.now() - started) * 1000 / writes
    }
    time(declared)
    time(rewritten)
    const measured: { declared: number, rewritten: number }[] = []
    for (let i = 0; i < rounds; i++) measured.push({ declared: time(declared), rewritten: time(rewritten) })
    const d = median(measured.map((m) => m.declared))
    const r = median(measured.map((m) => m.rewritten))
    console.log(`  ${answer.name.padEnd(16)} ${response.body.length} bytes: as declared ${d.toFixed(1)} µs, as written by the service ${r.toFixed(1)} µs, ` +
      `ratio ${(r / d).toFixed(2)}×; the same bytes as the API answered: ${identical ? 'yes' : 'NO'}`)
  }
  await app.close()
  if (!same) process.exitCode = 1
} finally {
  await drop()
}
