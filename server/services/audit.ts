// The audit log: one append-only row per change, written in the same transaction as the change.
import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../db/client.js'
import { auditLogTable } from '../db/schema/index.js'
import type { Actor } from './context.js'

export interface AuditEntry {
  action: string
  entityType: string
  entityId: string
  before?: unknown
  after?: unknown
  reason?: string | null | undefined
}

export async function audit (tx: Executor, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLogTable).values(auditRow(actor, entry))
}

/** The audit row of a change by this actor: a write that packs its changes into one statement inserts it itself. */
export function auditRow (actor: Actor, entry: AuditEntry): typeof auditLogTable.$inferInsert {
  const principal = actor.principal
  return {
    actorType: principal?.kind ?? 'system',
    actorId: principal?.id ?? null,
    actorName: principal ? (principal.kind === 'user' ? principal.username : principal.name) : 'system',
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    reason: entry.reason ?? null,
    requestId: actor.requestId ?? null,
    clientAddress: actor.clientAddress ?? null
  }
}

/** The newest change of one entity (a self-assessment, an appraisal): after a 412 it tells who changed what. */
export interface LastChange {
  at: string
  action: string
  actor: { type: 'user' | 'api_key' | 'system', name: string, displayName: string | null }
  /** The leaves a score save changed (its audit row's after.entries); empty for other actions. */
  leafCodes: string[]
}

/**
 * The newest audit row of an entity (`entityId`, an SQL expression of its id; null reads nothing), with who made it and
 * its after-image, as a JSON column of a larger read; parseLastChange reads it.
 */
export function lastChangeColumn (entityType: string, entityId: SQL): SQL {
  return sql`(select row_to_json(r) from (
    select a.at, a.action, a.actor_type, a.actor_name, u.display_name, a.after
    from audit_log a left join users u on a.actor_type = 'user' and u.id = a.actor_id
    where a.entity_type = ${entityType} and a.entity_id = (${entityId})::text
    order by a.id desc limit 1) r)`
}

/** A lastChangeColumn, read: who changed the entity last and the leaves it touched; null when there is no change. */
export function parseLastChange (value: unknown): LastChange | null {
  if (value === null || value === undefined) return null
  const row = value as Record<string, unknown>
  const entries = (row.after as { entries?: unknown } | null)?.entries
  return {
    at: new Date(String(row.at)).toISOString(),
    action: String(row.action),
    actor: { type: row.actor_type as LastChange['actor']['type'], name: String(row.actor_name), displayName: row.display_name === null ? null : String(row.display_name) },
    leafCodes: entries !== null && typeof entries === 'object' ? Object.keys(entries) : []
  }
}

export interface AuditQuery {
  entityType?: string | undefined
  entityId?: string | undefined
  actorId?: string | undefined
  action?: string | undefined
  from?: string | undefined
  to?: string | undefined
  limit: number
  offset: number
}

export async function listAudit (db: Executor, query: AuditQuery) {
  const conditions: SQL[] = []
  if (query.entityType) conditions.push(eq(auditLogTable.entityType, query.entityType))
  if (query.entityId) conditions.push(eq(auditLogTable.entityId, query.entityId))
  if (query.actorId) conditions.push(eq(auditLogTable.actorId, query.actorId))
  if (query.action) conditions.push(eq(auditLogTable.action, query.action))
  if (query.from) conditions.push(gte(auditLogTable.at, new Date(query.from)))
  if (query.to) conditions.push(lte(auditLogTable.at, new Date(query.to)))
  const where = conditions.length > 0 ? and(...conditions) : undefined
  const [rows, [total]] = await Promise.all([
    db.select().from(auditLogTable).where(where).orderBy(desc(auditLogTable.id)).limit(query.limit).offset(query.offset),
    db.select({ value: count() }).from(auditLogTable).where(where)
  ])
  return {
    items: rows.map((row) => ({ ...row, at: row.at.toISOString() })),
    total: Number(total?.value ?? 0),
    limit: query.limit,
    offset: query.offset
  }
}
