// The audit log: one append-only row per change, written in the same transaction as the change.
import { and, count, desc, eq, gte, lte, type SQL } from 'drizzle-orm'
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
  const principal = actor.principal
  await tx.insert(auditLogTable).values({
    actorType: principal?.kind ?? 'system',
    actorId: principal?.id ?? null,
    actorName: principal ? (principal.kind === 'user' ? principal.username : principal.name) : 'system',
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    reason: entry.reason ?? null,
    requestId: actor.requestId ?? null
  })
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
