import { readFileSync } from 'node:fs'
import pg from 'pg'
const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/par_bench_dev' })
await client.connect()
await client.query("set jit = off"); await client.query("set work_mem = '64MB'")
const text = readFileSync('/tmp/gen.sql', 'utf8')
for (let i = 0; i < 3; i++) {
  let t = performance.now(); await client.query(text); console.log('literal simple', (performance.now() - t).toFixed(0))
  t = performance.now(); await client.query({ text, values: [] }); console.log('literal values[]', (performance.now() - t).toFixed(0))
  t = performance.now(); await client.query('select count(*) from (' + text.replace(/;\s*$/, '') + ') x'); console.log('count wrapper', (performance.now() - t).toFixed(0))
}
await client.end()
