// `npm run bench:serialize`: the time to write the two largest answers of the screens people work in, a unit's
// self-assessment (read by its officer) and its appraisal (read by the appraisal team), each of a 100-leaf catalog, as
// the service writes them (server/serializers.ts: the schemas rewritten for writing, forSerializing) and as
// fast-json-stringify writes them from the schemas as declared, alternately in one process; also checks that both
// write the same bytes as the API answered. On the embedded database (nothing else is measured).
// Options: --leaves=N --writes=N (per measurement) --rounds=N (alternations)
import { randomBytes } from 'node:crypto'
import fastJsonStringify from 'fast-json-stringify'
import { sql } from 'drizzle-orm'
import { buildApp } from '../server/app.js'
import { loadConfig } from '../server/config.js'
import { queryRows } from '../server/db/rows.js'
import { forSerializing } from '../server/serializers.js'
import { AppraisalSchema } from '../server/schemas/appraisal.js'
import { ref } from '../server/schemas/common.js'
import { SelfAssessmentSchema } from '../server/schemas/rounds.js'
import { digest } from '../server/services/secrets.js'
import { generateRound, option, scratchDatabase } from './bench-results.js'

const leaves = option('leaves', 100)
const writes = option('writes', 2000)
const rounds = option('rounds', 5)
const { database, drop } = await scratchDatabase('par_bench_serialize', 4, 'pglite')
try {
  const round = await generateRound(database.db, { units: 2, leaves, status: 'finalized' })
  const app = await buildApp(loadConfig({}, { LOG_LEVEL: 'warn', DEMO_DATA: false }), { database, logger: false })
  // One unit's officer and an admin, each with a live session.
  const officerToken = randomBytes(24).toString('base64url')
  const adminToken = randomBytes(24).toString('base64url')
  const [officer] = await queryRows<{ unit_id: string }>(database.db, sql`
    with unit as (select unit_id from self_assessments where round_id = ${round.roundId} limit 1),
    officer as (
      insert into users (username, display_name, role, unit_id, password_hash)
      select 'canbo-bench', 'Cán bộ thử tải', 'unit_officer', unit_id, 'not-a-hash' from unit returning id, unit_id
    ), officer_session as (insert into sessions (user_id, token_hash, expires_at) select id, ${digest(officerToken)}, now() + interval '1 day' from officer),
    admin as (insert into users (username, display_name, role, password_hash) values ('admin-bench', 'Quản trị thử tải', 'admin', 'not-a-hash') returning id),
    admin_session as (insert into sessions (user_id, token_hash, expires_at) select id, ${digest(adminToken)}, now() + interval '1 day' from admin)
    select unit_id from officer`)
  const base = `/rounds/${round.roundId}/units/${officer?.unit_id ?? ''}`
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
    const rewritten = fastJsonStringify(forSerializing(answer.schema, externals) as never, { schema: forSerializing(externals, externals) as never })
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
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
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
