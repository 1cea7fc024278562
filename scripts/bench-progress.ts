// `npm run bench:progress`: the gap report and the appraisal progress of a round of 10,000 units × 100 leaves in
// PostgreSQL (DATABASE_URL, or the local server; --database=pglite: the embedded database), both read from the per-field sums the triggers keep, next to the floor
// of the same answer: a bare scan of those sums tables (one row per unit and field). Prints medians and ratios; also the
// gap report read again while nothing was written (kept, as the route answers it then).
// Options: --units=N --leaves=N --runs=N --database=postgres|pglite
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { appraisalProgress, gapReport, keptGapReport } from '../server/services/progress.js'
import { systemActor } from '../server/services/context.js'
import { generateRound, option, scratchDatabase, time } from './bench-results.js'

const units = option('units', 10_000)
const leaves = option('leaves', 100)
const runs = option('runs', 5)
const { database, drop } = await scratchDatabase('par_bench_progress')
try {
  const round = await generateRound(database.db, { units, leaves, status: 'appraisal' })
  const db = database.db
  const floor = await time(() => queryRows(db, sql`
    select s.self_assessment_id, s.field_code, s.points_milli, a.points_milli, a.entries
    from self_assessments sa
    join self_assessment_field_sums s on s.self_assessment_id = sa.id
    left join appraisals ap on ap.round_id = sa.round_id and ap.unit_id = sa.unit_id
    left join appraisal_field_sums a on a.appraisal_id = ap.id and a.field_code = s.field_code
    where sa.round_id = ${round.roundId}`), runs)
  const gap = await time(() => gapReport(db, round.roundId), runs)
  // Progress read anew each time, as after a write of more than scores (the kept units dropped first).
  const progress = await time(async () => {
    await db.execute(sql`insert into result_input_changes (xid, other) values (pg_current_xact_id(), true)`)
    const started = performance.now()
    await appraisalProgress(db, systemActor, round.roundId)
    return performance.now() - started
  }, runs)
  // What the route answers: read again while nothing was written, the report kept (services/kept-while-unchanged.ts).
  const kept = await time(() => keptGapReport(db, round.roundId), runs)
  // After one appraised score changed (scores alone): the lines of that unit read again, the others kept.
  const [entry] = await queryRows<{ appraisal_id: string, leaf_code: string, points_milli: number }>(db, sql`
    select appraisal_id, leaf_code, points_milli from appraisal_entries where points_milli > 0 limit 1`)
  if (!entry) throw new Error('no appraised score to change')
  let zero = false
  const afterChange = await time(async () => {
    zero = !zero
    await db.execute(sql`update appraisal_entries set points_milli = ${zero ? 0 : entry.points_milli} where appraisal_id = ${entry.appraisal_id} and leaf_code = ${entry.leaf_code}`)
    const started = performance.now()
    await keptGapReport(db, round.roundId)
    return performance.now() - started
  }, runs)
  // The same for progress, which also shows each unit's self-assessment status and appraisal version: the unit whose
  // score or appraisal row changed is read again, the others kept.
  const progressAfterChange = await time(async () => {
    zero = !zero
    await db.execute(sql`update appraisal_entries set points_milli = ${zero ? 0 : entry.points_milli} where appraisal_id = ${entry.appraisal_id} and leaf_code = ${entry.leaf_code}`)
    await db.execute(sql`update appraisals set version = version + 1 where id = ${entry.appraisal_id}`)
    const started = performance.now()
    await appraisalProgress(db, systemActor, round.roundId)
    return performance.now() - started
  }, runs)
  const report = await gapReport(db, round.roundId)
  const [bare] = await queryRows<{ total: string }>(db, sql`select (coalesce(sum(points_milli), 0) / 1000.0)::text as total from self_assessment_entries e join self_assessments sa on sa.id = e.self_assessment_id where sa.round_id = ${round.roundId}`)
  const reported = report.units.reduce((sum, unit) => sum + Math.round(unit.selfPoints * 1000), 0)
  const checked = Math.round(Number(bare?.total ?? 0) * 1000) === reported
  const ms = (value: number) => `${value.toFixed(0)} ms`
  console.log(`${database.kind === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL'}, ${units} units × ${leaves} leaves (${units * leaves * 2} entries), median of ${runs} runs:`)
  console.log(`  floor: the sums tables scanned bare .... ${ms(floor.median)} (min ${ms(floor.min)})`)
  console.log(`  GET /rounds/{id}/gap (service) ......... ${ms(gap.median)} (min ${ms(gap.min)})  ${(gap.median / floor.median).toFixed(2)}× the floor   target < 300 ms`)
  console.log(`  the same read again, nothing written ... ${ms(kept.median)} (min ${ms(kept.min)})  (the route's answer then: the report kept)`)
  console.log(`  the same after a score changed ......... ${ms(afterChange.median)} (min ${ms(afterChange.min)})  (that unit's line read again)   target < 300 ms`)
  console.log(`  GET /rounds/{id}/progress (service) .... ${ms(progress.median)} (min ${ms(progress.min)})  ${(progress.median / floor.median).toFixed(2)}× the floor   target < 300 ms`)
  console.log(`  the same after a score changed ......... ${ms(progressAfterChange.median)} (min ${ms(progressAfterChange.min)})  (that unit read again)   target < 300 ms`)
  console.log(`  the gap's self totals equal the bare sum of the entries: ${checked ? 'yes' : 'NO'}`)
  if (!checked) process.exitCode = 1
} finally {
  await drop()
}
