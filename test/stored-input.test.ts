// A stored entry the API could not have written (an import or a script put {"value": null} on a range leaf) reads as
// no input: the unit's self-assessment still answers 200, it does not fail as a whole.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { openRoundForOfficer, maxInput } from './helpers/rounds.js'
import { storedInput } from '../server/domain/scoring.js'

t.test('only the API\'s input shapes are read back', async (t) => {
  t.same(storedInput({ value: 1.5 }), { value: 1.5 })
  t.same(storedInput({ option: 'a' }), { option: 'a' })
  t.same(storedInput({ measurement: 97 }), { measurement: 97 })
  for (const odd of [null, { value: null }, { value: '1' }, [], 'x', { other: 1 }]) t.equal(storedInput(odd), null, JSON.stringify(odd))
})

t.test('a self-assessment with such a row answers 200, the odd leaf without input', async (t) => {
  const app = await buildTestApp(t)
  const { round, unitId, officer } = await openRoundForOfficer(app)
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const leaves: Array<{ code: string, scoring: { method: string } }> = (await app.inject({ method: 'GET', url, headers: officer.headers })).json().leaves
  const range = leaves.find((leaf) => leaf.scoring.method === 'range')!
  const other = leaves.find((leaf) => leaf !== range)!
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: [{ leafCode: other.code, input: maxInput(other as never) }] } })).statusCode, 200)
  const [owner] = await queryRows<{ id: string, field: string }>(app.db, sql`
    select sa.id, e.field_code as field from self_assessments sa join self_assessment_entries e on e.self_assessment_id = sa.id
    where sa.round_id = ${round.id} and sa.unit_id = ${unitId} limit 1`)
  await app.db.execute(sql`insert into self_assessment_entries (self_assessment_id, leaf_code, field_code, input, points_milli, not_applicable)
    values (${owner!.id}, ${range.code}, ${owner!.field}, '{"value": null}'::jsonb, null, true)`)
  const read = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal(read.statusCode, 200)
  t.equal(read.json().leaves.find((leaf: { code: string }) => leaf.code === range.code).input, null)
})
