// The history of a leaf and of a unit's submission in a round, read from the audit log: who, when, old → new, reason.
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
import { loadAppraisalContext, visibleLeaf, type UnitRef } from './appraisal.js'
import type { Actor } from './context.js'
import { compareNodeCodes } from '../domain/catalog.js'

export interface HistoryItem {
  /** The audit row; items are in the order the changes were committed. */
  id: number
  at: string
  actor: { type: 'user' | 'api_key' | 'system', id: string | null, name: string, displayName: string | null }
  action: string
  entityType: string
  entityId: string
  /** The leaves a score save touched (unit history). */
  leafCodes: string[] | null
  /** The supplement requests a unit's save after its deadline relied on. */
  supplementRequestIds: string[] | null
  before: unknown
  after: unknown
  reason: string | null
  requestId: string | null
}

export interface LeafHistory { roundId: string, unit: UnitRef, leafCode: string, fieldCode: string, items: HistoryItem[] }
export interface UnitHistory { roundId: string, unit: UnitRef, items: HistoryItem[] }

type AuditRow = Record<string, unknown> & { before: Record<string, unknown> | null, after: Record<string, unknown> | null }

const SCORE_SAVES = ['self_assessment.save', 'appraisal.save', 'appraisal.accept_self', 'appraisal.acceptance_lapsed']

async function auditRows (db: Executor, where: SQL): Promise<AuditRow[]> {
  return queryRows<AuditRow>(db, sql`
    select a.id, a.at, a.actor_type, a.actor_id, a.actor_name, u.display_name, a.action, a.entity_type, a.entity_id, a.before, a.after, a.reason, a.request_id
    from audit_log a left join users u on u.id = a.actor_id
    where ${where}
    order by a.id`)
}

function item (row: AuditRow, fields: Partial<HistoryItem>): HistoryItem {
  const at = row.at instanceof Date ? row.at : new Date(String(row.at))
  const ids = row.after?.supplementRequestIds
  return {
    id: Number(row.id),
    at: at.toISOString(),
    actor: { type: row.actor_type as HistoryItem['actor']['type'], id: row.actor_id === null ? null : String(row.actor_id), name: String(row.actor_name), displayName: row.display_name === null ? null : String(row.display_name) },
    action: String(row.action),
    entityType: String(row.entity_type),
    entityId: String(row.entity_id),
    leafCodes: null,
    supplementRequestIds: Array.isArray(ids) ? ids.map(String) : null,
    before: row.before,
    after: row.after,
    reason: row.reason === null ? null : String(row.reason),
    requestId: row.request_id === null ? null : String(row.request_id),
    ...fields
  }
}

const entriesOf = (value: Record<string, unknown> | null): Record<string, unknown> =>
  (value?.entries ?? {}) as Record<string, unknown>

/** Audit rows of the unit's supplement requests, optionally only those on one leaf. */
function requestsOf (roundId: string, unitId: string, leafCode?: string): SQL {
  return sql`(a.entity_type = 'supplement_request' and a.entity_id in (
    select id::text from supplement_requests where round_id = ${roundId} and unit_id = ${unitId}
    ${leafCode === undefined ? sql`` : sql`and leaf_codes @> jsonb_build_array(${leafCode}::text)`}))`
}

/**
 * Every change of one leaf of a unit, in order: the unit's saves of it (self score, explanation), appraised score
 * saves and acceptances, and the supplement requests naming it with their answers, closes and expiry. Score saves
 * show that leaf's old and new value; an appraised score's reason is the item's reason. An appraiser sees only
 * leaves of their fields (403 otherwise).
 */
export async function leafHistory (db: Executor, actor: Actor, roundId: string, unitId: string, leafCode: string): Promise<LeafHistory> {
  const { context, node } = await visibleLeaf(db, actor, roundId, unitId, leafCode)
  // A save's audit row holds every leaf it changed under after.entries, so "touched this leaf" is a key lookup.
  const touches = (entityType: string, entityId: string | null) => entityId === null
    ? sql`false`
    : sql`(a.entity_type = ${entityType} and a.entity_id = ${entityId} and a.action in (${sql.join(SCORE_SAVES.map((action) => sql`${action}`), sql`, `)})
        and (a.after -> 'entries') -> ${leafCode}::text is not null)`
  const rows = await auditRows(db, sql`${touches('self_assessment', context.selfAssessment.id)}
    or ${touches('appraisal', context.appraisalId)}
    or ${requestsOf(roundId, unitId, leafCode)}`)
  const items = rows.map((row) => {
    if (row.entity_type === 'supplement_request') return item(row, {})
    const after = entriesOf(row.after)[leafCode] ?? null
    const reason = row.entity_type === 'appraisal' ? ((after as { reason?: string | null } | null)?.reason ?? null) : (row.reason === null ? null : String(row.reason))
    return item(row, { before: entriesOf(row.before)[leafCode] ?? null, after, reason })
  })
  return { roundId, unit: context.unit, leafCode, fieldCode: node.fieldCode, items }
}

/**
 * The whole submission of a unit in a round, in order: the round's status changes, the unit's extensions, its
 * saves (with the leaves each touched), submissions and withdrawals, appraised score saves, supplement requests
 * and their answers, closes and expiry, finalization and reopening.
 */
export async function unitHistory (db: Executor, actor: Actor, roundId: string, unitId: string): Promise<UnitHistory> {
  const context = await loadAppraisalContext(db, actor, roundId, unitId)
  const ofEntity = (entityType: string, entityId: string | null) => entityId === null ? sql`false` : sql`(a.entity_type = ${entityType} and a.entity_id = ${entityId})`
  const rows = await auditRows(db, sql`${ofEntity('self_assessment', context.selfAssessment.id)}
    or ${ofEntity('appraisal', context.appraisalId)}
    or ${requestsOf(roundId, unitId)}
    or (a.entity_type = 'round' and a.entity_id = ${roundId}
      and (a.action = 'round.transition' or a.after ->> 'unitId' = ${unitId} or a.before ->> 'unitId' = ${unitId}))`)
  const items = rows.map((row) => {
    if (!SCORE_SAVES.includes(String(row.action))) return item(row, {})
    // Per-leaf values are in the leaf history; here a save says which leaves it touched.
    const strip = (value: Record<string, unknown> | null) => value === null ? null : { version: value.version ?? null }
    // jsonb keeps object keys in its own order; leaf codes read best in catalog order (1.2 before 1.10).
    const leafCodes = Object.keys(entriesOf(row.after)).sort(compareNodeCodes)
    return item(row, { leafCodes, before: strip(row.before), after: strip(row.after) })
  })
  return { roundId, unit: context.unit, items }
}
