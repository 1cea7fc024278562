// Live results reuse their computation while its inputs stay the same (server/services/results/live-memo.ts): a save,
// a renamed unit or a comparison chosen differently is in the next answer, and a reused answer equals a new one.
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { type SQL, sql } from 'drizzle-orm'
import t, { type Test } from 'tap'
import { queryRows } from '../server/db/rows.js'
import { computeResults, resultsState, type FieldSums, type PreviousResults, type ResultUnitInput } from '../server/domain/results.js'
import { previousDigest } from '../server/services/results/live-memo.js'
import { CLEAR_AFTER_MS, clearChanges } from '../server/services/kept-while-unchanged.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { resultSetJson } from '../server/routes/results.js'
import { computeLiveResults } from '../server/services/results.js'
import { appraisalProgress, gapReport } from '../server/services/progress.js'
import { systemActor } from '../server/services/context.js'
import { RESULTS_CSV, leafEntries } from './helpers/results.js'
import { historicalRound, openRoundForOfficer } from './helpers/rounds.js'

t.test('the live results answer each change at once, and the same figures while nothing changed', async (t) => {
  const app = await buildTestApp(t)
  const { admin, round, unitId, officer, url } = await openRoundForOfficer(app, { unitCode: 'SO-TP' })
  const results = async (query = '') => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${round.id}/results?unitType=department${query}`, headers: admin.headers })
    t.equal(response.statusCode, 200, response.body.slice(0, 300))
    return response.json()
  }
  type Body = { units: { unit: { id: string, name: string }, self: { points: number } }[] }
  const mine = (body: Body) => body.units.find((unit) => unit.unit.id === unitId)!
  const entries = leafEntries('SO-TP', 'self')
  const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: entries.map(({ leafCode, input }) => ({ leafCode, input })) } })
  t.equal(saved.statusCode, 200)

  const first = await results()
  const again = await results()
  t.same({ ...again, computedAt: null }, { ...first, computedAt: null }, 'read again with nothing changed: the same results')
  t.equal(mine(first).self.points, saved.json().totals.points, 'the unit\'s self total is its saved one')
  const raw = await app.inject({ method: 'GET', url: `/rounds/${round.id}/results?unitType=department`, headers: { ...admin.headers, 'accept-encoding': 'gzip' } })
  t.match(raw.headers['content-type'], /^application\/json/, 'JSON')
  t.equal(raw.headers['content-encoding'], 'gzip', 'compressed for a client that accepts gzip')
  t.same({ ...JSON.parse(gunzipSync(raw.rawPayload).toString('utf8')), computedAt: null }, { ...first, computedAt: null }, 'the same results')
  const page = await results('&limit=3&offset=2')
  t.same(page.units, first.units.slice(2, 5), 'a page is that slice of the whole ranking')
  t.same(page.average, first.average, 'with the averages of all units')

  // One leaf changed: the next read has it.
  const other = entries.find((entry) => entry.points > 0 && 'value' in entry.input)!
  const zero = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...officer.headers, 'if-match': String(saved.headers.etag) },
    payload: { entries: [{ leafCode: other.leafCode, input: { value: 0 } }] }
  })
  t.equal(zero.statusCode, 200, zero.body.slice(0, 300))
  const afterSave = await results()
  t.equal(mine(afterSave).self.points, zero.json().totals.points, 'the save is in the next answer')
  t.not(mine(afterSave).self.points, mine(first).self.points, 'and the total moved')

  // A renamed unit: its new name in the next answer.
  const renamed = await app.inject({ method: 'PATCH', url: `/units/${unitId}`, headers: admin.headers, payload: { name: 'Sở Tư pháp tỉnh Thanh Hóa' } })
  t.equal(renamed.statusCode, 200, renamed.body.slice(0, 300))
  t.equal(mine(await results()).unit.name, 'Sở Tư pháp tỉnh Thanh Hóa')
})

// Reading again without reading the inputs (services/kept-while-unchanged.ts): the database tells whether any transaction has written to
// an input table since the kept results were read.
async function unitNameReader (t: Test) {
  const app = await buildTestApp(t)
  const { admin, round, unitId } = await openRoundForOfficer(app, { unitCode: 'SO-TP' })
  const name = async () => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${round.id}/results?unitType=department`, headers: admin.headers })
    t.equal(response.statusCode, 200, response.body.slice(0, 300))
    return (response.json() as { units: { unit: { id: string, name: string } }[] }).units.find((unit) => unit.unit.id === unitId)?.unit.name
  }
  return { app, unitId, name }
}

t.test('results read again while nothing was written are the kept ones; moving the horizon past them reads again', async (t) => {
  const { app, unitId, name } = await unitNameReader(t)
  const before = await name()
  // A write that bypasses every trigger (replication role) leaves no trace in result_input_changes: the kept results
  // stand, which shows the inputs were not read again.
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`update units set name = 'Tên đổi ngoài trigger' where id = ${unitId}`)
  })
  t.equal(await name(), before, 'no change recorded: the kept results')
  // A horizon above the kept snapshot: it can tell nothing any more, so the inputs are read again.
  // (xmax is the id this very transaction gets, which the kept snapshot, taken just before, may have as its xmin.)
  await app.db.execute(sql`update result_input_horizon set xid = (pg_snapshot_xmax(pg_current_snapshot())::text::int8 + 1)::text::xid8`)
  t.equal(await name(), 'Tên đổi ngoài trigger', 'read again: the name as it is now')
  // The horizon back below every snapshot: on a shared server another database's transaction may hold the next
  // snapshot's horizon below the one just set, which would make that read unable to tell anything either.
  await app.db.execute(sql`update result_input_horizon set xid = '1'::xid8`)
  // Without a horizon row nothing can be told either.
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`update units set name = 'Tên đổi lần hai' where id = ${unitId}`)
  })
  t.equal(await name(), 'Tên đổi ngoài trigger', 'again kept')
  await app.db.execute(sql`delete from result_input_horizon`)
  t.equal(await name(), 'Tên đổi lần hai', 'no horizon: read again')
})

// After transactions that wrote scores alone (migration 0017), the results read again only the units whose sums they wrote.
async function scoresReader (t: Test) {
  const app = await buildTestApp(t)
  const { admin, data, round, unitId, officer, url } = await openRoundForOfficer(app, { unitCode: 'SO-TP' })
  type Unit = { unit: { id: string, name: string }, self: { points: number }, appraised: { points: number }, rank: number }
  const results = async () => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${round.id}/results?unitType=department`, headers: admin.headers })
    t.equal(response.statusCode, 200, response.body.slice(0, 300))
    return response.json() as { units: Unit[], computedAt: string }
  }
  const of = (body: { units: Unit[] }, id: string) => body.units.find((unit) => unit.unit.id === id)!
  // Another unit's scores, written as the demo loader or an import would: a self-assessment and an appraisal of two leaves.
  const otherId = data.units.get('SO-XD') as string
  const [leaves] = await queryRows<{ catalog_id: string, codes: string[], fields: string[] }>(app.db, sql`
    select rc.catalog_id, array_agg(l.code order by l.code) as codes, array_agg(l.field_code order by l.code) as fields
    from round_catalogs rc join catalog_leaves l on l.catalog_id = rc.catalog_id and l.max_points >= 2
    where rc.round_id = ${round.id} and rc.unit_type_code = 'department' group by rc.catalog_id`)
  // Two leaves at `points` each on one side: the owner row created or its version bumped, then the entries.
  const twoLeaves = (owner: SQL, entries: string, column: string, points: number) => sql`
    with o as (${owner})
    insert into ${sql.raw(entries)} (${sql.raw(column)}, leaf_code, field_code, input, points_milli, not_applicable)
    select o.id, c, f, jsonb_build_object('value', ${points}::int), ${points * 1000}::int, false
    from o, unnest(${sql.param(leaves!.codes.slice(0, 2))}::text[], ${sql.param(leaves!.fields.slice(0, 2))}::text[]) as x(c, f)
    on conflict (${sql.raw(column)}, leaf_code) do update set input = excluded.input, points_milli = excluded.points_milli`
  const scoreOther = async (points: number) => {
    await app.db.execute(twoLeaves(sql`
      insert into self_assessments (round_id, unit_id, catalog_id, version) values (${round.id}, ${otherId}, ${leaves!.catalog_id}, 1)
      on conflict (round_id, unit_id) do update set version = self_assessments.version + 1 returning id`, 'self_assessment_entries', 'self_assessment_id', points))
    await app.db.execute(twoLeaves(sql`
      insert into appraisals (round_id, unit_id) values (${round.id}, ${otherId})
      on conflict (round_id, unit_id) do update set version = appraisals.version + 1 returning id`, 'appraisal_entries', 'appraisal_id', points))
    // A third leaf marked not applicable by the appraisers at odd points, scored 0 at even ones: its maximum leaves
    // the unit's and comes back.
    await app.db.execute(sql`
      insert into appraisal_entries (appraisal_id, leaf_code, field_code, input, points_milli, not_applicable)
      select id, ${leaves!.codes[2]}, ${leaves!.fields[2]}, ${points % 2 === 1 ? sql`'{"notApplicable":true}'::jsonb, null, true` : sql`'{"value":0}'::jsonb, 0, false`}
      from appraisals where round_id = ${round.id} and unit_id = ${otherId}
      on conflict (appraisal_id, leaf_code) do update set input = excluded.input, points_milli = excluded.points_milli, not_applicable = excluded.not_applicable`)
  }
  return { app, admin, data, round, unitId, officer, url, otherId, field: leaves!.fields[0] as string, results, of, scoreOther }
}

t.test('after scores alone were written, only the units whose sums were written are read again', async (t) => {
  const { app, admin, round, unitId, officer, url, otherId, field, results, of, scoreOther } = await scoresReader(t)
  await scoreOther(1)
  const first = await results()
  t.equal(of(first, otherId).appraised.points, 2, 'the other unit\'s appraised scores')
  // A change to the other unit's sums that bypasses every trigger: its row keeps the transaction that wrote it last,
  // and nothing is recorded. Reading it would show 2 + 5 points.
  const [last] = await queryRows<{ xid: string }>(app.db, sql`select max(xid::text::numeric)::text as xid from result_input_changes`)
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`update appraisal_field_sums set points_milli = points_milli + 5000 where appraisal_id = (select id from appraisals where round_id = ${round.id} and unit_id = ${otherId}) and field_code = ${field}`)
  })
  t.equal(of(await results(), otherId).appraised.points, 2, 'nothing recorded: the kept results')
  // The officer's save writes scores alone.
  const entries = leafEntries('SO-TP', 'self')
  const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: entries.map(({ leafCode, input }) => ({ leafCode, input })) } })
  t.equal(saved.statusCode, 200, saved.body.slice(0, 300))
  const [recorded] = await queryRows<{ other: boolean }>(app.db, sql`select bool_or(other) as other from result_input_changes where xid::text::numeric > ${last?.xid ?? '0'}::numeric`)
  t.equal(recorded?.other, false, 'every write since was of scores alone')
  const afterSave = await results()
  t.equal(of(afterSave, unitId).self.points, saved.json().totals.points, 'the save is in the next answer')
  t.equal(of(afterSave, otherId).appraised.points, 2, 'the other unit, whose sums no recorded write touched, was not read again')
  // Scores of the other unit written (2 points out, 6 in): its sums are read again, the bypassed change with them.
  await scoreOther(3)
  t.equal(of(await results(), otherId).appraised.points, 11, 'its scores written: read again')
  // Any other write (a unit renamed) reads every input again.
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`update appraisal_field_sums set points_milli = points_milli + 1000 where appraisal_id = (select id from appraisals where round_id = ${round.id} and unit_id = ${otherId}) and field_code = ${field}`)
  })
  const renamed = await app.inject({ method: 'PATCH', url: `/units/${unitId}`, headers: admin.headers, payload: { name: 'Sở Tư pháp tỉnh Thanh Hóa' } })
  t.equal(renamed.statusCode, 200, renamed.body.slice(0, 300))
  const afterRename = await results()
  t.equal(of(afterRename, unitId).unit.name, 'Sở Tư pháp tỉnh Thanh Hóa', 'the new name')
  t.equal(of(afterRename, otherId).appraised.points, 12, 'and every unit read again')
})

t.test('results brought up to date from the scores written are those of a new computation, with the change on the year before', async (t) => {
  const { app, admin, data, round, officer, url, results, scoreOther } = await scoresReader(t)
  // The year before, from the report's results imported as historical ones: every answer compares with it.
  const round2019 = await historicalRound(app, admin, { code: '2019', year: 2019, catalogId: data.catalogs.department })
  const imported = await app.inject({ method: 'POST', url: `/rounds/${round2019}/historical-results?unitType=department`, headers: { ...admin.headers, 'content-type': 'text/csv' }, payload: RESULTS_CSV })
  t.equal(imported.statusCode, 200, imported.body.slice(0, 300))
  const fresh = async () => ({ ...(await computeLiveResults(app.db, round.id, 'department')), computedAt: null })
  const entries = leafEntries('SO-TP', 'self')
  let etag = '"0"'
  t.equal((await results() as { comparison?: { source: string } }).comparison?.source, 'historical', 'compared with the year before')
  for (const [step, points] of [0, 1, 2, 1].entries()) {
    await scoreOther(points)
    // Every third leaf, by turns as the fixture scores it and, where scored by a value, at 0.
    const changed = entries.filter((entry, i) => (i + step) % 3 === 0 && (step % 2 === 0 || 'value' in entry.input))
      .map(({ leafCode, input }) => ({ leafCode, input: step % 2 === 0 ? input : { value: 0 } }))
    const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': etag }, payload: { entries: changed } })
    t.equal(saved.statusCode, 200, saved.body.slice(0, 300))
    etag = String(saved.headers.etag)
    t.same({ ...(await results()), computedAt: null }, await fresh(), `step ${step}: the same results as a new computation`)
  }
})

t.test('the gap report: each save in the next answer; kept while nothing was written', async (t) => {
  const app = await buildTestApp(t)
  const { admin, round, unitId, officer, url } = await openRoundForOfficer(app, { unitCode: 'SO-TP' })
  type Gap = { units: { unit: { id: string, name: string }, selfPoints: number }[] }
  const mine = async () => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${round.id}/gap?unitType=department`, headers: admin.headers })
    t.equal(response.statusCode, 200, response.body.slice(0, 300))
    return (response.json() as Gap).units.find((unit) => unit.unit.id === unitId)!
  }
  t.equal((await mine()).selfPoints, 0, 'nothing saved yet')
  const entries = leafEntries('SO-TP', 'self')
  const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: entries.map(({ leafCode, input }) => ({ leafCode, input })) } })
  t.equal(saved.statusCode, 200)
  t.equal((await mine()).selfPoints, saved.json().totals.points, 'the save is in the next answer')
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`update units set name = 'Tên đổi ngoài trigger' where id = ${unitId}`)
  })
  t.not((await mine()).unit.name, 'Tên đổi ngoài trigger', 'no change recorded: the kept report')
  await app.db.execute(sql`update result_input_horizon set xid = (pg_snapshot_xmax(pg_current_snapshot())::text::int8 + 1)::text::xid8`)
  t.equal((await mine()).unit.name, 'Tên đổi ngoài trigger', 'read again past the horizon')
})

t.test('the gap report after scores alone were written: only those units\' lines read again; a finalized appraisal reads all', async (t) => {
  const { app, admin, round, unitId, officer, url, otherId, field, scoreOther } = await scoresReader(t)
  type Line = { unit: { id: string }, selfPoints: number, appraisedPoints: number, finalized: boolean }
  const gap = async () => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${round.id}/gap?unitType=department`, headers: admin.headers })
    t.equal(response.statusCode, 200, response.body.slice(0, 300))
    return response.json() as { units: Line[] }
  }
  const of = (body: { units: Line[] }, id: string) => body.units.find((line) => line.unit.id === id)!
  const fresh = async () => await gapReport(app.db, round.id, { unitType: 'department' })
  await scoreOther(1)
  t.equal(of(await gap(), otherId).appraisedPoints, 2)
  const behind = async (points: number) => await app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`update appraisal_field_sums set points_milli = points_milli + ${points * 1000} where appraisal_id = (select id from appraisals where round_id = ${round.id} and unit_id = ${otherId}) and field_code = ${field}`)
  })
  await behind(5)
  const entries = leafEntries('SO-TP', 'self')
  const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: entries.map(({ leafCode, input }) => ({ leafCode, input })) } })
  t.equal(saved.statusCode, 200, saved.body.slice(0, 300))
  const afterSave = await gap()
  t.equal(of(afterSave, unitId).selfPoints, saved.json().totals.points, 'the save is in the next answer')
  t.equal(of(afterSave, otherId).appraisedPoints, 2, 'the other unit\'s line, whose sums no recorded write touched, was not read again')
  await scoreOther(2)
  const afterOther = await gap()
  t.equal(of(afterOther, otherId).appraisedPoints, 9, 'its scores written (2 out, 4 in): read again, the change behind the triggers with them')
  t.same(afterOther, JSON.parse(JSON.stringify(await fresh())), 'the report a new reading gives')
  // Written from each line's bytes; gzipped (once per body) for clients that accept it, br through the plugin.
  for (const [accept, encoding] of [['gzip, deflate, br', 'gzip'], ['br', 'br'], ['gzip', 'gzip']] as const) {
    const encoded = await app.inject({ method: 'GET', url: `/rounds/${round.id}/gap?unitType=department`, headers: { ...admin.headers, 'accept-encoding': accept } })
    t.equal(encoded.headers['content-encoding'], encoding, accept)
    t.equal(String(encoded.headers.vary).split(/,\s*/).filter((name) => name.toLowerCase() === 'accept-encoding').length, 1, 'Vary names Accept-Encoding once')
    t.match(String(encoded.headers['content-type']), /^application\/json/)
    t.same(JSON.parse((encoding === 'gzip' ? gunzipSync : brotliDecompressSync)(encoded.rawPayload).toString('utf8')), afterOther, `the same report in ${encoding}`)
  }
  // Finalizing an appraisal is more than scores: every line is read again.
  await behind(1)
  await app.db.execute(sql`update appraisals set status = 'finalized', finalized_at = now() where round_id = ${round.id} and unit_id = ${otherId}`)
  const afterFinal = await gap()
  t.equal(of(afterFinal, otherId).finalized, true, 'finalized')
  t.equal(of(afterFinal, otherId).appraisedPoints, 10, 'read again with everything else')
})

t.test('progress after scores alone were written: the units whose sums, self-assessment or appraisal were written read again', async (t) => {
  const { app, admin, round, unitId, officer, url, otherId, field, scoreOther } = await scoresReader(t)
  type Line = { unit: { id: string }, selfAssessment: { status: string, submittedAt: string | null }, appraisal: { status: string, version: number }, appraised: number }
  const progress = async () => {
    const response = await app.inject({ method: 'GET', url: `/rounds/${round.id}/progress?unitType=department`, headers: admin.headers })
    t.equal(response.statusCode, 200, response.body.slice(0, 300))
    return response.json() as Line[]
  }
  const of = (lines: Line[], id: string) => lines.find((line) => line.unit.id === id)!
  const fresh = async () => JSON.parse(JSON.stringify(await appraisalProgress(app.db, systemActor, round.id, { unitType: 'department' }))) as Line[]
  await scoreOther(1)
  const first = of(await progress(), otherId)
  t.equal(first.appraised, 3, 'the other unit\'s three appraised leaves (two scored, one not applicable)')
  // Two more answered leaves in the other unit's sums, behind every trigger: nothing recorded, so nothing read again.
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`update appraisal_field_sums set answered = answered + 2 where appraisal_id = (select id from appraisals where round_id = ${round.id} and unit_id = ${otherId}) and field_code = ${field}`)
  })
  const entries = leafEntries('SO-TP', 'self')
  const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: entries.map(({ leafCode, input }) => ({ leafCode, input, explanation: 'Văn bản số 12/BC-STP' })) } })
  t.equal(saved.statusCode, 200, saved.body.slice(0, 300))
  const afterSave = await progress()
  t.equal(of(afterSave, unitId).selfAssessment.status, 'draft', 'the save is in the next answer')
  t.equal(of(afterSave, otherId).appraised, 3, 'the other unit, whose rows no recorded write touched, was not read again')
  // A submission changes the self-assessment row alone (no sums): scores alone, and still in the next answer.
  const submitted = await app.inject({ method: 'POST', url: `${url}/submit`, headers: { ...officer.headers, 'if-match': String(saved.headers.etag) } })
  t.equal(submitted.statusCode, 200, submitted.body.slice(0, 300))
  const afterSubmit = await progress()
  t.equal(of(afterSubmit, unitId).selfAssessment.status, 'submitted', 'the submission is in the next answer')
  t.ok(of(afterSubmit, unitId).selfAssessment.submittedAt, 'with its time')
  t.equal(of(afterSubmit, otherId).appraised, 3, 'the other unit still not read again')
  // The other unit's appraisal version bumped with no entry written: that unit read again, the change behind the
  // triggers with it.
  await app.db.execute(sql`update appraisals set version = version + 1 where round_id = ${round.id} and unit_id = ${otherId}`)
  const afterBump = await progress()
  t.equal(of(afterBump, otherId).appraisal.version, first.appraisal.version + 1, 'the new version')
  t.equal(of(afterBump, otherId).appraised, 5, 'and that unit read again')
  t.same(afterBump, await fresh(), 'the progress a new reading gives')
  const zipped = await app.inject({ method: 'GET', url: `/rounds/${round.id}/progress?unitType=department`, headers: { ...admin.headers, 'accept-encoding': 'gzip' } })
  t.equal(zipped.headers['content-encoding'], 'gzip')
  t.same(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')), afterBump, 'the same progress gzipped')
  // Lines are kept per scope: an appraiser with no field assigned sees no unit, and the admin's next answer is whole.
  const unassigned = await loginAs(app, 'appraiser')
  const seen = await app.inject({ method: 'GET', url: `/rounds/${round.id}/progress?unitType=department`, headers: unassigned.headers })
  t.equal(seen.statusCode, 200, seen.body.slice(0, 300))
  t.same(seen.json(), [], 'an appraiser not assigned sees no unit')
  t.same(await progress(), afterBump, 'the admin still sees every unit')
})

t.test('a write by a transaction open while the results were read is in the answer once it commits', { skip: process.env.TEST_DATABASE_URL ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): two connections at once' }, async (t) => {
  const { app, unitId, name } = await unitNameReader(t)
  const before = await name()
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`update units set name = 'Tên mới khi đang đọc' where id = ${unitId}`)
    // A later transaction commits first (on another connection), so the next read's snapshot lists this one as still
    // running below its upper bound: a mere "newer than the snapshot" test would miss it once it commits.
    await app.db.execute(sql`insert into unit_types (code, name) values ('later', 'Loại ghi sau')`)
    t.equal(await name(), before, 'not committed: not seen, and the results read meanwhile are kept')
  })
  t.equal(await name(), 'Tên mới khi đang đọc', 'committed after that read began: in the next answer')
})

t.test('scores written by a transaction open while the results were read are in the answer once it commits', { skip: process.env.TEST_DATABASE_URL ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): two connections at once' }, async (t) => {
  const { app, round, unitId, officer, url, otherId, field, results, of, scoreOther } = await scoresReader(t)
  await scoreOther(1)
  t.equal(of(await results(), otherId).appraised.points, 2)
  const entries = leafEntries('SO-TP', 'self')
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`update appraisal_entries set points_milli = points_milli + 4000, input = jsonb_build_object('value', 5)
      where appraisal_id = (select id from appraisals where round_id = ${round.id} and unit_id = ${otherId}) and field_code = ${field}`)
    // The officer's save, scores alone too, commits first on another connection: the next read brings the kept results
    // up to date from the units written since, while this transaction is still running.
    const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: entries.map(({ leafCode, input }) => ({ leafCode, input })) } })
    t.equal(saved.statusCode, 200, saved.body.slice(0, 300))
    const meanwhile = await results()
    t.equal(of(meanwhile, unitId).self.points, saved.json().totals.points, 'the save committed first is in the answer')
    t.equal(of(meanwhile, otherId).appraised.points, 2, 'the open transaction\'s scores are not')
  })
  const [written] = await queryRows<{ points: number }>(app.db, sql`
    select (sum(points_milli) / 1000)::int as points from appraisal_field_sums where appraisal_id = (select id from appraisals where round_id = ${round.id} and unit_id = ${otherId})`)
  t.equal(of(await results(), otherId).appraised.points, written?.points, 'committed after that read began: in the next answer')
  t.ok((written?.points ?? 0) > 2, 'and they moved the unit\'s points')
})

t.test('clearing result_input_changes: rows below the snapshot taken a clearing interval earlier, and the horizon up to it', async (t) => {
  const app = await buildTestApp(t)
  const db = app.db
  // Each write's transaction id; a snapshot at one of them is one taken just before that transaction began (as
  // pg_current_snapshot() is on a quiet server; on a shared one other transactions hold its horizon lower).
  const write = async () => (await queryRows<{ xid: string }>(db, sql`
    insert into unit_types (code, name) values (${'t' + Math.random().toString(36).slice(2, 8)}, 'Loại thử') returning pg_current_xact_id()::text as xid`))[0]!.xid
  const state = async () => (await queryRows<{ xids: string[], horizon: string }>(db, sql`
    select array(select xid::text from result_input_changes order by xid) as xids, (select xid::text from result_input_horizon) as horizon`))[0]!
  const first = await write()
  const second = await write()
  const start = await state()
  t.ok(start.xids.includes(first) && start.xids.includes(second), 'each writing transaction left a row')
  await clearChanges(db, `${second}:${second}:`, 0)
  t.same(await state(), start, 'the first call only notes its snapshot')
  await clearChanges(db, `${second}:${second}:`, CLEAR_AFTER_MS - 1)
  t.same(await state(), start, 'nothing cleared before the interval has passed')
  const third = await write()
  await clearChanges(db, `${third}:${third}:`, CLEAR_AFTER_MS)
  const after = await state()
  t.equal(after.horizon, second, 'the horizon is the snapshot noted a clearing interval earlier')
  t.same(after.xids, [second, third], 'the rows below it are gone, those from it on kept')
})

t.test('every table is either one results are computed from, with the trigger that records writes to it, or named here as not one', async (t) => {
  const app = await buildTestApp(t)
  // Tables live results never read (services/results): writing to them must not cost a reader its kept results.
  const notInputs = [
    'api_keys', 'appraisal_assignments', 'audit_log', 'evidence_files', 'evidence_links', 'login_failures', 'mail_deliveries',
    'notification_opt_outs', 'notifications', 'result_input_changes', 'result_input_horizon', 'result_settings', 'sessions',
    'supplement_requests', 'users', 'webhook_attempts', 'webhook_deliveries', 'webhook_endpoints', 'webhook_events'
  ]
  const rows = await queryRows<{ table: string, recorded: boolean }>(app.db, sql`
    select c.relname as table, exists (select 1 from pg_trigger g where g.tgrelid = c.oid and g.tgname = 'result_input_changed') as recorded
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') order by c.relname`)
  const unclassified = rows.filter((row) => !row.recorded && !notInputs.includes(row.table)).map((row) => row.table)
  t.same(unclassified, [], 'no table without the trigger that is not named as no input')
  t.same(rows.filter((row) => row.recorded && notInputs.includes(row.table)).map((row) => row.table), [], 'no table named as no input has it')
  t.ok(rows.filter((row) => row.recorded).length >= 16, 'the inputs have it')
  const scores = await queryRows<{ table: string }>(app.db, sql`
    select c.relname as table from pg_trigger g join pg_class c on c.oid = g.tgrelid where g.tgname = 'result_scores_changed' order by c.relname`)
  t.same(scores.map((row) => row.table), ['appraisal_entries', 'appraisal_field_sums', 'appraisals', 'self_assessment_entries', 'self_assessment_field_sums', 'self_assessments'],
    'the tables whose writes may be scores alone')
})

t.test('which writes are scores alone: entries and versions yes; a catalog, a round or a deletion no', async (t) => {
  const app = await buildTestApp(t)
  const { url, officer } = await openRoundForOfficer(app, { unitCode: 'SO-TP' })
  const entries = leafEntries('SO-TP', 'self')
  const saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries: entries.map(({ leafCode, input }) => ({ leafCode, input })) } })
  t.equal(saved.statusCode, 200)
  /** Whether the transaction of `statements` was recorded as more than scores (null: not recorded). */
  const other = async (...statements: ReturnType<typeof sql>[]) => await app.db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(statement)
    const [row] = await queryRows<{ other: boolean }>(tx, sql`select other from result_input_changes where xid = pg_current_xact_id()`)
    return row?.other ?? null
  })
  t.equal(await other(sql`update self_assessments set version = version + 1, updated_at = now()`), false, 'a version bump')
  t.equal(await other(sql`update self_assessment_entries set explanation = 'Giải trình' where leaf_code = ${entries[0]!.leafCode}`), false, 'an entry')
  t.equal(await other(sql`delete from self_assessment_entries where leaf_code = ${entries[1]!.leafCode}`), false, 'an entry deleted (its sums row stays, rewritten)')
  t.equal(await other(sql`update self_assessments set catalog_id = catalog_id`), true, 'a self-assessment\'s catalog')
  t.equal(await other(sql`update self_assessment_entries set explanation = null where leaf_code = ${entries[0]!.leafCode}`, sql`update rounds set title = title`), true, 'scores and a round: more than scores')
  t.equal(await other(sql`update rounds set title = title`, sql`update self_assessments set version = version + 1`), true, 'in either order')
  t.equal(await other(sql`update self_assessments set status = 'submitted', submitted_at = now()`), false, 'a self-assessment submitted (results and the gap report do not read it)')
  t.equal(await other(sql`insert into appraisals (round_id, unit_id) select round_id, unit_id from self_assessments`), false, 'an appraisal begun')
  t.equal(await other(sql`update appraisals set version = version + 1`), false, 'an appraisal\'s version')
  t.equal(await other(sql`update appraisals set status = 'finalized', finalized_at = now()`), true, 'an appraisal finalized (the gap report shows it)')
  t.equal(await other(sql`delete from self_assessment_field_sums where field_code = (select min(field_code) from self_assessment_field_sums)`), true, 'a sums row deleted (no unit to find it by)')
  t.equal(await other(sql`delete from self_assessments`), true, 'a self-assessment deleted (its sums go with it)')
  t.equal(await other(sql`select 1`), null, 'nothing written: nothing recorded')
})

t.test('the digest of the previous figures a computation compares with: every figure counts, the order they were read in does not', async (t) => {
  const previous = (rank: number, appraised: number, order: 'AB' | 'BA' = 'AB'): PreviousResults => {
    const fields = new Map([['A', { self: 1_000, appraised }], ['B', { self: 2_000, appraised: 2_000 }]])
    const units = new Map([
      ['X', { rank, classification: { code: 'tot', label: 'Tốt' }, self: { points: 3_000, maximum: 10_000 }, appraised: { points: appraised + 2_000, maximum: 10_000 }, fields }],
      ['Y', { rank: 3 - rank, classification: null, self: { points: 0, maximum: 10_000 }, appraised: { points: 0, maximum: 10_000 }, fields: new Map() }]
    ])
    return {
      round: { id: 'r', code: 'R', year: 2020 },
      source: 'published',
      version: 1,
      fieldMap: new Map(order === 'AB' ? [['A', 'A'], ['B', 'B']] : [['B', 'B'], ['A', 'A']]),
      units: order === 'AB' ? units : new Map([...units].reverse())
    }
  }
  const base = previousDigest(previous(1, 1_500))
  t.equal(previousDigest(previous(1, 1_500, 'BA')), base, 'read in another order')
  t.not(previousDigest(previous(1, 1_501)), base, 'one thousandth more in a field')
  t.not(previousDigest(previous(2, 1_500)), base, 'another rank')
  t.not(previousDigest({ ...previous(1, 1_500), version: 2 }), base, 'another version')
  t.not(previousDigest(null), base, 'no previous round')
})

t.test('the live results\' JSON, written in pieces of units, is JSON.stringify\'s text of the set (units last), at every piece boundary', async (t) => {
  const unit = (i: number) => ({ rank: i + 1, unit: { id: `u${i}`, code: `U${i}`, name: `Sở Nội vụ số ${i} "trích dẫn" \\ ✓` }, classification: { code: 'tot', label: 'Tốt' } })
  for (const count of [0, 1, 499, 500, 501, 1000, 1001, 1234]) {
    const units = Array.from({ length: count }, (_, i) => unit(i))
    const set = { status: 'provisional', round: { code: 'R' }, units, page: { total: count, limit: 50, offset: 0 } }
    const text = Buffer.concat(resultSetJson(set)).toString('utf8')
    t.equal(text, JSON.stringify({ status: set.status, round: set.round, page: set.page, units }), `${count} units`)
    t.same(JSON.parse(text), set, `${count} units: the same value`)
  }
  t.equal(Buffer.concat(resultSetJson({ units: [unit(0)] })).toString('utf8'), JSON.stringify({ units: [unit(0)] }), 'a set of nothing but units')
})

t.test('after a change, a unit whose result is unchanged is the object it was, and its JSON is not written again', async (t) => {
  const fields = [{ code: 'A', title: 'A', maxPoints: 10_000, leaves: 2 }, { code: 'B', title: 'B', maxPoints: 5_000, leaves: 1 }]
  const sums = (points: number): FieldSums => ({ selfPoints: points, selfNotApplicable: 0, selfAnswered: 1, appraisedPoints: points, appraisedNotApplicable: 0, appraised: 1 })
  // 1,200 units (three pieces of JSON), 5 thousandths apart in field A: unit i has 2,000 + 5·i, so it ranks 1,200 − i.
  const unit = (i: number, a = 2_000 + 5 * i): ResultUnitInput => ({
    id: `u${String(i).padStart(4, '0')}`, code: `U${i}`, name: `Sở số ${i}`, fields: new Map([['A', sums(a)], ['B', sums(1_000)]])
  })
  const input = (units: ResultUnitInput[]) => ({ fields, units, bands: [{ code: 'tot', label: 'Tốt', min: 50 }, { code: 'kha', label: 'Khá', min: 0 }], ranking: 'competition' as const })
  const units = Array.from({ length: 1200 }, (_, i) => unit(i))
  const kept = resultsState(input(units), null)
  const before = kept.computed
  t.equal(before.units[95]?.unit.id, 'u1104', 'ranked by points')
  // Unit 1,105 (95th, in the first piece) gains 12 thousandths: it passes units 1,106 and 1,107.
  const changed = units.map((u, i) => i === 1105 ? unit(i, 2_000 + 5 * 1105 + 12) : u)
  const fresh = computeResults(input(changed))
  const after = resultsState(input(changed), null, kept).computed
  t.same(after, fresh, 'the same results as a new computation')
  const old = new Map(before.units.map((u) => [u.unit.id, u]))
  const renewed = after.units.filter((u) => u !== old.get(u.unit.id)).map((u) => u.unit.id)
  // Its rank and points changed; the two it passed lost a rank; 1,107 and 1,104 have another unit just above them (points to the next rank).
  t.same(renewed.sort(), ['u1104', 'u1105', 'u1106', 'u1107'], 'new objects only for the unit that changed and those its move touched')

  const piecesBefore = resultSetJson({ units: before.units })
  // A page of 50 that starts where the second piece does: kept beside that piece, not in its place.
  const page = resultSetJson({ units: before.units.slice(500, 550) })
  t.equal(Buffer.concat(page).toString('utf8'), JSON.stringify({ units: before.units.slice(500, 550) }), 'the page\'s JSON')
  const piecesAfter = resultSetJson({ units: after.units })
  t.equal(Buffer.concat(piecesAfter).toString('utf8'), JSON.stringify({ units: fresh.units }), 'the JSON of the new results')
  // Pieces: '{"units":', '[', units 0–499, ',', units 500–999, ',', units 1000–1199, ']', '}'.
  t.equal(piecesAfter.length, 9)
  t.not(piecesAfter[2], piecesBefore[2], 'the piece with the changed units is written again')
  t.equal(piecesAfter[4], piecesBefore[4], 'an unchanged piece is the same bytes, not written again')
  t.equal(piecesAfter[6], piecesBefore[6], 'and the last')
})
