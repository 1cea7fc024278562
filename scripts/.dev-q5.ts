import { readFileSync } from 'node:fs'
import pg from 'pg'
const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/par_bench_dev' })
await client.connect()
await client.query("set jit = off"); await client.query("set work_mem = '64MB'")
const gen = readFileSync('/tmp/gen.sql', 'utf8')
const R = '47a1bd60-1b21-4438-a212-8d256a795687'
const q: Record<string, string> = {
  bareA: `select a.unit_id, sum(e.points) from appraisal_entries e join appraisals a on a.id = e.appraisal_id where a.round_id = '${R}' group by a.unit_id`,
  bareBoth: `select unit_id, sum(points) from (select s.unit_id, e.points from self_assessment_entries e join self_assessments s on s.id = e.self_assessment_id where s.round_id = '${R}' union all select a.unit_id, e.points from appraisal_entries e join appraisals a on a.id = e.appraisal_id where a.round_id = '${R}') x group by unit_id`,
  gen,
  byUnitField: `select a.unit_id, e.field_code, sum(e.points) from appraisal_entries e join appraisals a on a.id = e.appraisal_id where a.round_id = '${R}' group by 1, 2`,
  oneSum7: `select e.appraisal_id ${[1,2,3,4,5,6,7].map(f => `, sum(e.points) filter (where e.field_code = '${f}')`).join('')} from appraisal_entries e where e.appraisal_id in (select id from appraisals where round_id = '${R}') group by 1`,
  int7: `select e.appraisal_id ${[1,2,3,4,5,6,7].map(f => `, sum((e.points * 1000)::int) filter (where e.field_code = '${f}')`).join('')} from appraisal_entries e where e.appraisal_id in (select id from appraisals where round_id = '${R}') group by 1`,
}
for (let i = 0; i < 2; i++) for (const [k, text] of Object.entries(q)) { const t = performance.now(); const r = await client.query(text); console.log(k, (performance.now() - t).toFixed(0), r.rowCount) }
await client.end()
