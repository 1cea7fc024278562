// The per-field sums kept by triggers on the entry tables (migration 0008), which results read instead of the entries:
// after every kind of write they must equal the sums recomputed from the entries themselves.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { sql } from 'drizzle-orm'
import type { Db } from '../server/db/client.js'
import { migrate } from '../server/db/migrate.js'
import { migrationsDir } from '../server/paths.js'
import { queryRows } from '../server/db/rows.js'
import { computeLiveResults } from '../server/services/results.js'
import { generateRound } from '../scripts/bench-results.js'
import { freshDatabase } from './helpers/app.js'
import { forEachFieldSum } from '../server/db/queries/field-sums.js'

type Sums = Record<string, string>

/** owner|field → "points:entries:answered" for every owner and field with at least one entry. */
async function recomputed (db: Db): Promise<{ self: Sums, appraised: Sums }> {
  const self = await queryRows<{ key: string, value: string }>(db, sql`
    select self_assessment_id || '|' || field_code as key,
      coalesce(sum(points_milli::int8), 0) || ':' || count(*) || ':' || count(input) as value
    from self_assessment_entries group by self_assessment_id, field_code`)
  const appraised = await queryRows<{ key: string, value: string }>(db, sql`
    select appraisal_id || '|' || field_code as key,
      coalesce(sum(points_milli::int8), 0) || ':' || count(*) || ':' || count(input) as value
    from appraisal_entries group by appraisal_id, field_code`)
  return { self: Object.fromEntries(self.map((row) => [row.key, row.value])), appraised: Object.fromEntries(appraised.map((row) => [row.key, row.value])) }
}

/** The same from the trigger-kept tables; a row whose entries all went away must be all zeros, and is left out. */
async function stored (t: Test, db: Db): Promise<{ self: Sums, appraised: Sums }> {
  const self = await queryRows<{ key: string, value: string, entries: number }>(db, sql`
    select self_assessment_id || '|' || field_code as key, points_milli || ':' || entries || ':' || answered as value, entries
    from self_assessment_field_sums`)
  const appraised = await queryRows<{ key: string, value: string, entries: number }>(db, sql`
    select appraisal_id || '|' || field_code as key, points_milli || ':' || entries || ':' || answered as value, entries
    from appraisal_field_sums`)
  for (const row of [...self, ...appraised]) {
    if (Number(row.entries) === 0) t.equal(row.value, '0:0:0', `an emptied sum is zero: ${row.key}`)
  }
  const keep = (rows: { key: string, value: string, entries: number }[]) => Object.fromEntries(rows.filter((row) => Number(row.entries) > 0).map((row) => [row.key, row.value]))
  return { self: keep(self), appraised: keep(appraised) }
}

async function assertInStep (t: Test, db: Db, what: string): Promise<void> {
  const expected = await recomputed(db)
  const actual = await stored(t, db)
  t.ok(Object.keys(expected.self).length + Object.keys(expected.appraised).length > 0 || what === 'after TRUNCATE', `${what}: there are sums to compare`)
  t.same(actual.self, expected.self, `${what}: self-assessment sums`)
  t.same(actual.appraised, expected.appraised, `${what}: appraisal sums`)
}

t.test('the per-field sums follow every insert, update, upsert, delete and truncate of entries', async (t) => {
  const database = await freshDatabase(t)
  const db = database.db
  const round = await generateRound(db, { units: 12, leaves: 20, seed: 0.17 })
  await assertInStep(t, db, 'after a bulk insert')
  const before = await computeLiveResults(db, round.roundId, round.unitType, { compareTo: null })

  // A changed score, a leaf newly not applicable and one applicable again, in one statement each.
  await db.execute(sql`update appraisal_entries set points_milli = points_milli + 250 where leaf_code in ('1.1', '3.2') and points_milli is not null and points_milli < 1000`)
  await db.execute(sql`update self_assessment_entries set points_milli = null, not_applicable = true where leaf_code = '2.1' and not not_applicable`)
  await db.execute(sql`update self_assessment_entries set points_milli = 500, not_applicable = false where leaf_code = '4.1' and not_applicable`)
  await assertInStep(t, db, 'after updates')

  // An answer cleared (input null), as a withdrawn leaf is.
  await db.execute(sql`update self_assessment_entries set input = null, points_milli = null, not_applicable = false where leaf_code = '5.1'`)
  await assertInStep(t, db, 'after clearing answers')

  // Moving an entry to another field (a change of the grouping key) takes it out of one sum and into another.
  await db.execute(sql`update appraisal_entries set field_code = '7' where leaf_code = '6.1'`)
  await assertInStep(t, db, 'after a change of field')

  // An upsert as the services write: some rows inserted, some updated, in one statement.
  await db.execute(sql`
    insert into appraisal_entries (appraisal_id, leaf_code, field_code, input, points_milli, not_applicable)
    select a.id, x.leaf, x.field, '{"value":1}'::jsonb, 1000, false
    from appraisals a cross join (values ('1.1', '1'), ('9.9', '7')) as x(leaf, field)
    where a.round_id = ${round.roundId}
    on conflict (appraisal_id, leaf_code) do update set points_milli = excluded.points_milli, input = excluded.input, not_applicable = false`)
  await assertInStep(t, db, 'after an upsert')

  // Deleting some entries, then every entry of one field.
  await db.execute(sql`delete from self_assessment_entries where leaf_code in ('1.2', '2.2')`)
  await db.execute(sql`delete from appraisal_entries where field_code = '3'`)
  await assertInStep(t, db, 'after deletes')

  // The results follow the sums: an appraised point more on one leaf of one unit raises its total by exactly 1.
  const [target] = await queryRows<{ unit_id: string, leaf_code: string }>(db, sql`
    select a.unit_id, e.leaf_code from appraisal_entries e join appraisals a on a.id = e.appraisal_id
    where e.points_milli is not null and e.field_code = '2' order by a.unit_id, e.leaf_code limit 1`)
  t.ok(target, 'a scored leaf to change')
  const totalOf = async () => {
    const results = await computeLiveResults(db, round.roundId, round.unitType, { compareTo: null })
    return results.units.find((unit) => unit.unit.id === target?.unit_id)?.appraised.points
  }
  const totalBefore = await totalOf()
  await db.execute(sql`update appraisal_entries set points_milli = points_milli + 1000 where leaf_code = ${target?.leaf_code}
    and appraisal_id = (select id from appraisals where unit_id = ${target?.unit_id} and round_id = ${round.roundId})`)
  t.equal(Number(await totalOf()) - Number(totalBefore), 1, 'the unit\'s appraised total rose by exactly 1 point')
  t.not(JSON.stringify(before.units), JSON.stringify((await computeLiveResults(db, round.roundId, round.unitType, { compareTo: null })).units), 'the results changed with the entries')

  await db.execute(sql`truncate appraisal_entries, self_assessment_entries`)
  await assertInStep(t, db, 'after TRUNCATE')
  const [left] = await queryRows<{ n: number }>(db, sql`select (select count(*) from self_assessment_field_sums) + (select count(*) from appraisal_field_sums) as n`)
  t.equal(Number(left?.n), 0, 'TRUNCATE empties the sums')
})

t.test('entries stored with decimal points before 0014 become thousandths, and their sums stay in step', async (t) => {
  // A database at 0013 (points as numeric), with entries, then migrated to the end.
  const database = await freshDatabase(t, { migrated: false })
  const earlier = mkdtempSync(join(tmpdir(), 'par-migrations-'))
  t.teardown(() => rmSync(earlier, { recursive: true, force: true }))
  cpSync(migrationsDir, earlier, { recursive: true })
  const journal = JSON.parse(readFileSync(join(earlier, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }
  journal.entries = journal.entries.filter((entry) => entry.tag < '0014')
  writeFileSync(join(earlier, 'meta', '_journal.json'), JSON.stringify(journal))
  await migrate(database, { folder: earlier })
  const db = database.db
  await db.execute(sql`insert into unit_types (code, name) values ('t', 'Loại thử')`)
  const [unit] = await queryRows<{ id: string }>(db, sql`insert into units (code, name, unit_type_code, search_text, sort_key) values ('U1', 'Đơn vị', 't', 'don vi', 'don vi') returning id`)
  const [catalog] = await queryRows<{ id: string }>(db, sql`insert into catalogs (code, year, unit_type_code, title, classification, status) values ('C', 2020, 't', 'Bộ', '[]', 'published') returning id`)
  const [round] = await queryRows<{ id: string }>(db, sql`insert into rounds (code, title, year, status) values ('R', 'Kỳ', 2020, 'appraisal') returning id`)
  const [self] = await queryRows<{ id: string }>(db, sql`insert into self_assessments (round_id, unit_id, catalog_id, status, version, submitted_at) values (${round?.id}, ${unit?.id}, ${catalog?.id}, 'submitted', 1, now()) returning id`)
  const [appraisal] = await queryRows<{ id: string }>(db, sql`insert into appraisals (round_id, unit_id, status, version) values (${round?.id}, ${unit?.id}, 'in_progress', 1) returning id`)
  await db.execute(sql`insert into self_assessment_entries (self_assessment_id, leaf_code, field_code, input, points, not_applicable) values
    (${self?.id}, '1.1', '1', '{"value": 0.25}', 0.25, false), (${self?.id}, '1.2', '1', '{"value": 12.5}', 12.5, false),
    (${self?.id}, '2.1', '2', '{"value": null}', null, true), (${self?.id}, '2.2', '2', null, null, false)`)
  await db.execute(sql`insert into appraisal_entries (appraisal_id, leaf_code, field_code, input, points, not_applicable) values
    (${appraisal?.id}, '1.1', '1', '{"value": 0.125}', 0.125, false), (${appraisal?.id}, '2.1', '2', '{"value": null}', null, true)`)
  const sumsBefore = await stored(t, db)

  await migrate(database)
  const self2 = await queryRows<{ leaf_code: string, points_milli: number | null }>(db, sql`select leaf_code, points_milli from self_assessment_entries order by leaf_code`)
  t.same(self2.map((row) => [row.leaf_code, row.points_milli]), [['1.1', 250], ['1.2', 12500], ['2.1', null], ['2.2', null]], 'self points in thousandths')
  const appraised = await queryRows<{ leaf_code: string, points_milli: number | null }>(db, sql`select leaf_code, points_milli from appraisal_entries order by leaf_code`)
  t.same(appraised.map((row) => [row.leaf_code, row.points_milli]), [['1.1', 125], ['2.1', null]], 'appraised points in thousandths')
  t.same(await stored(t, db), sumsBefore, 'the conversion leaves the sums as they were')
  await assertInStep(t, db, 'after the conversion')
  await db.execute(sql`update self_assessment_entries set points_milli = points_milli + 1000 where leaf_code = '1.2'`)
  await assertInStep(t, db, 'after a write through the new column')
})

t.test('concurrent writers to the same sums stay exact (PostgreSQL: several connections at once)', { skip: process.env.TEST_DATABASE_URL ? false : 'PGlite has one connection' }, async (t) => {
  const database = await freshDatabase(t)
  const db = database.db
  const round = await generateRound(db, { units: 2, leaves: 20, seed: 0.5 })
  const leaves = await queryRows<{ appraisal_id: string, leaf_code: string, field_code: string }>(db, sql`
    select e.appraisal_id, e.leaf_code, e.field_code from appraisal_entries e join appraisals a on a.id = e.appraisal_id
    where a.round_id = ${round.roundId} and e.field_code in ('1', '2') and e.points_milli is not null`)
  t.ok(leaves.filter((leaf) => leaf.field_code === '1').length >= 4, 'several leaves of one field to change at once')
  t.ok(leaves.some((leaf) => leaf.field_code === '2'), 'and of another field of the same appraisals')
  // Each writer changes one leaf in its own transaction and holds its row lock a moment, so the sums rows are contended,
  // while writers of the other field change the same appraisals' other sums row at once.
  await Promise.all(leaves.map((leaf, i) => db.transaction(async (tx) => {
    await tx.execute(sql`update appraisal_entries set points_milli = 0, not_applicable = false where appraisal_id = ${leaf.appraisal_id} and leaf_code = ${leaf.leaf_code}`)
    await tx.execute(sql`select pg_sleep(${(i % 3) * 0.01})`)
    await tx.execute(sql`insert into appraisal_entries (appraisal_id, leaf_code, field_code, input, points_milli) values (${leaf.appraisal_id}, ${'x.' + i}, ${leaf.field_code}, '{"value":0.25}', 250)`)
  })))
  await assertInStep(t, db, 'after concurrent writers')
})

t.test('the sums read back as written: code by its length, points and answered leaves', async (t) => {
  const read = (text: string) => {
    const fields: [string, number, number][] = []
    forEachFieldSum(text, (code, points, answered) => fields.push([code, points, answered]))
    return fields
  }
  t.same(read('1 1 12500 4 3 1.2 0 0'), [['1', 12_500, 4], ['1.2', 0, 0]])
  t.same(read('5 A B C -1500 2'), [['A B C', -1_500, 2]], 'a code with spaces (the length says where it ends)')
  t.same(read('2 ab 90071992547409 1'), [['ab', 90_071_992_547_409, 1]])
  t.same(read(''), [], 'nothing')
  t.throws(() => read('3 ab 1 1'), /not as written/, 'a length that does not end at a space')
  t.throws(() => read('1 a x 1'), /not as written/, 'points that are not a number')
  t.throws(() => read('1 a 1'), /not as written/, 'a field cut short')
})
