// Answers computed from the tables that live results and the gap report read, kept for the next request while no
// transaction has written to any of those tables: a statement trigger on each of them records every transaction that
// writes to it in result_input_changes (migration 0016), and one query tells whether a transaction that the kept
// answer's snapshot could not see has since committed. The answer is then the one a new read would give, without the
// reads (10,000 units' sums and names). A reader that can bring its answer up to date from the scores alone (`update`)
// is asked to when every such transaction wrote scores alone (result_input_changes.other, migration 0017).
import { sql } from 'drizzle-orm'
import { PgTransaction } from 'drizzle-orm/pg-core'
import type { Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'

/** Answers kept per kind (live results, gap report); each may be tens of MB at 10,000 units. */
const MAX_KEPT = 2

interface Kept { snapshot: string, value: unknown }

const kept = new WeakMap<Executor, Map<string, Map<string, Kept>>>()

/** When this process last cleared result_input_changes, and the horizon of the snapshot it took then. */
const cleared = new WeakMap<Executor, { at: number, xmin: string }>()

/** How long a kept snapshot stays good for telling changes: rows below it are cleared after this long. */
export const CLEAR_AFTER_MS = 10 * 60 * 1000

/**
 * Whether a transaction that `snapshot` (text of a pg_snapshot) could not see has since written to an input table;
 * with `otherThanScores`, one that wrote more than scores. Past the horizon, any may have.
 */
const changedSince = (snapshot: string, otherThanScores: boolean) => sql`coalesce((
  select h.xid > pg_snapshot_xmin(s.at) or exists (
    select 1 from result_input_changes c where c.xid >= pg_snapshot_xmin(s.at) and not pg_visible_in_snapshot(c.xid, s.at)
      ${otherThanScores ? sql`and c.other` : sql``})
  from result_input_horizon h, (select ${snapshot}::pg_snapshot as at) s), true)`

/**
 * The answer `load` reads and computes for `view` (of a `kind`), or, when no transaction has written to an input
 * table since the kept one was read, the kept one (`kept: true`), with the database's `now`. A snapshot of the database
 * is taken before `load` starts, so every transaction it could see was seen by every read of `load`; a later check
 * finds any transaction outside that snapshot in result_input_changes once it has committed. When every one of them
 * wrote scores alone, `update` (if given) brings the kept answer up to date from the writes its snapshot (`since`)
 * could not see, instead of `load` (`now`: the database's time at the check). Inside a transaction (which may have
 * written itself) `load` always runs. The kept answer is shared: callers never change it.
 */
export async function keptWhileUnchanged<T> (db: Executor, kind: string, view: string, load: () => Promise<T>,
  update?: (kept: T, since: string, now: unknown) => Promise<T>): Promise<{ value: T, kept: boolean, now: unknown }> {
  if (db instanceof PgTransaction) return { value: await load(), kept: false, now: null }
  let kinds = kept.get(db)
  if (kinds === undefined) kept.set(db, kinds = new Map())
  let views = kinds.get(kind)
  if (views === undefined) kinds.set(kind, views = new Map())
  const found = views.get(view)
  const [row] = await queryRows<{ snapshot: string, now: unknown, changed: boolean | null, other: boolean | null }>(db, sql`
    select pg_current_snapshot()::text as snapshot, now() as now, ${found === undefined ? sql`true` : changedSince(found.snapshot, false)} as changed,
      ${found === undefined || update === undefined ? sql`true` : changedSince(found.snapshot, true)} as other`)
  const { snapshot, now, changed, other } = row as { snapshot: string, now: unknown, changed: boolean | null, other: boolean | null }
  // The most recently asked view is the last to be dropped.
  views.delete(view)
  // Anything but a plain "no" (a horizon row gone missing, say) reads again.
  if (found !== undefined && changed === false) {
    views.set(view, { snapshot, value: found.value })
    return { value: found.value as T, kept: true, now }
  }
  const value = found !== undefined && update !== undefined && other === false ? await update(found.value as T, found.snapshot, now) : await load()
  views.set(view, { snapshot, value })
  while (views.size > MAX_KEPT) views.delete(views.keys().next().value as string)
  await clearChanges(db, snapshot)
  return { value, kept: false, now }
}

/**
 * Every CLEAR_AFTER_MS, deletes the rows of result_input_changes below the horizon of the snapshot taken the time
 * before and moves result_input_horizon up to it: a snapshot kept since then, in any process, can no longer tell
 * changes and reads again (one read of every view not asked for in that time).
 */
export async function clearChanges (db: Executor, snapshot: string, now = Date.now()): Promise<void> {
  const last = cleared.get(db)
  const xmin = snapshot.split(':')[0] as string
  if (last !== undefined && now - last.at < CLEAR_AFTER_MS) return
  if (last !== undefined) {
    await db.execute(sql`
      with gone as (delete from result_input_changes where xid < ${last.xmin}::xid8)
      update result_input_horizon set xid = greatest(xid, ${last.xmin}::xid8) where id = 1`)
  }
  cleared.set(db, { at: now, xmin })
}
