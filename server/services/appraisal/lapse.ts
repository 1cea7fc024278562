// An appraised score taken without a reason is the unit's own score accepted (DOMAIN.md §2.4): when the unit changes
// that score (answering a supplement request, or in a round moved back to self-assessment), the acceptance no longer
// holds and is withdrawn, so the desk counts the leaf as waiting again and the appraiser sees it empty beside the new
// self score, instead of an "appraised" leaf that finalization refuses for want of a reason.
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { milliToNumber, type Milli } from '../../domain/decimal.js'
import type { LeafValue } from '../../domain/appraisal.js'
import type { EnteredInput } from '../../domain/scoring.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'

/** A leaf's self value after a save: null when the unit cleared its score. */
export interface SelfAfter { leafCode: string, value: LeafValue | null }

interface LapsedRow { leaf_code: string, input: EnteredInput, points_milli: number | null, not_applicable: boolean }

/**
 * In the unit's save transaction, after its entries are written, for the leaves whose score the save changed: bumps the
 * appraisal's version, so an appraiser's screen open on the old self score gets 412 and reloads instead of accepting a
 * score it never showed; then deletes the reasonless appraised scores of these leaves that now differ from the unit's
 * score and audits what was withdrawn as the unit's doing. Only an appraisal in progress; a finalized one is locked.
 * Returns the withdrawn leaves' codes.
 *
 * Two statements on purpose: the bump takes the appraisal's row lock, which every appraiser write holds from its own
 * version check to its commit, and the delete's snapshot comes after it. An acceptance committed while the unit's save
 * waited is therefore seen and withdrawn; one begun after the bump finds the version moved on (412).
 */
export async function lapseAcceptances (tx: Executor, actor: Actor, appraisalId: string, unitId: string, after: readonly SelfAfter[]): Promise<string[]> {
  if (after.length === 0) return []
  const [bumped] = await queryRows<{ version: number }>(tx, sql`
    update appraisals set version = version + 1, updated_at = now()
    where id = ${appraisalId} and status = 'in_progress'
    returning version`)
  if (bumped === undefined) return []
  const rows = await queryRows<LapsedRow>(tx, sql`
    delete from appraisal_entries e
    using unnest(${sql.param(after.map((s) => s.leafCode))}::text[], ${sql.param(after.map((s) => s.value?.points ?? null))}::int[],
      ${sql.param(after.map((s) => s.value === null ? null : s.value.notApplicable))}::boolean[]) as n(leaf_code, points_milli, not_applicable)
    where e.appraisal_id = ${appraisalId} and e.leaf_code = n.leaf_code
      and (e.reason is null or btrim(e.reason) = '')
      and (n.not_applicable is null or e.not_applicable <> n.not_applicable
        or (not e.not_applicable and e.points_milli is distinct from n.points_milli))
    returning e.leaf_code, e.input, e.points_milli, e.not_applicable`)
  if (rows.length === 0) return []
  rows.sort((a, b) => a.leaf_code < b.leaf_code ? -1 : 1)
  const version = Number(bumped.version)
  const self = new Map(after.map((s) => [s.leafCode, s.value]))
  const show = (value: { points: number | null, notApplicable: boolean } | null) =>
    value === null ? null : { points: value.points === null ? null : milliToNumber(value.points as Milli), notApplicable: value.notApplicable }
  await audit(tx, actor, {
    action: 'appraisal.acceptance_lapsed',
    entityType: 'appraisal',
    entityId: appraisalId,
    before: {
      version: version - 1,
      unitId,
      entries: Object.fromEntries(rows.map((row) => [row.leaf_code, { input: row.input, ...show({ points: row.points_milli, notApplicable: row.not_applicable }), reason: null }]))
    },
    after: {
      version,
      unitId,
      entries: Object.fromEntries(rows.map((row) => [row.leaf_code, null])),
      self: Object.fromEntries(rows.map((row) => [row.leaf_code, show(self.get(row.leaf_code) ?? null)]))
    }
  })
  return rows.map((row) => row.leaf_code)
}
