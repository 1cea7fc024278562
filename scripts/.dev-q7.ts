import pg from 'pg'
const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/par_bench_dev' })
await client.connect()
await client.query("set jit = off"); await client.query("set work_mem = '64MB'")
const R = '47a1bd60-1b21-4438-a212-8d256a795687'
const C = '9c6b4b0f-af8f-4f5e-85cf-6ae267ec32fb'
const side = (entries: string, owners: string, ownerCol: string, counted: string) => `
  select o.unit_id, json_object_agg(x.field_code, json_build_array(x.p, x.n, x.c)) as fields
  from (
    select e.${ownerCol} as owner, e.field_code, (coalesce(sum(e.points), 0) * 1000)::int8 as p,
      (coalesce(sum((m.maxima ->> e.leaf_code)::numeric) filter (where e.not_applicable), 0) * 1000)::int8 as n, ${counted} as c
    from ${entries} e, (select jsonb_object_agg(code, max_points) as maxima from catalog_nodes where catalog_id = '${C}') m
    where e.${ownerCol} in (select id from ${owners} where round_id = '${R}')
    group by 1, 2
  ) x join ${owners} o on o.id = x.owner
  group by o.unit_id`
const q: Record<string, string> = {
  bareBoth: `select unit_id, sum(points) as p from (select s.unit_id, e.points from self_assessment_entries e join self_assessments s on s.id = e.self_assessment_id where s.round_id = '${R}' union all select a.unit_id, e.points from appraisal_entries e join appraisals a on a.id = e.appraisal_id where a.round_id = '${R}') x group by unit_id`,
  J: `select coalesce(s.unit_id, a.unit_id) as unit_id, s.fields as self, a.fields as appraised from (${side('self_assessment_entries', 'self_assessments', 'self_assessment_id', 'count(e.input)')}) s full join (${side('appraisal_entries', 'appraisals', 'appraisal_id', 'count(*)')}) a on a.unit_id = s.unit_id`,
}
for (let i = 0; i < 3; i++) for (const [k, text] of Object.entries(q)) { const t = performance.now(); const r = await client.query(text); console.log(k, (performance.now() - t).toFixed(0), r.rowCount, i === 0 && k === 'J' ? JSON.stringify(r.rows[0]).slice(0, 200) : '') }
const plan = await client.query('explain ' + q.J!)
console.log(plan.rows.map((r: any) => r['QUERY PLAN']).filter((l: string) => /Gather|InitPlan|Workers/.test(l)).join('\n'))
await client.end()
