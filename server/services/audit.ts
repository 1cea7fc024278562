// The audit log: one append-only row per change, written in the same transaction as the change.
import { and, count, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
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
  const mentioned = rows.map((row) => idsIn([row.before, row.after]))
  const [labels, names] = await Promise.all([entityLabels(db, rows), namesOf(db, new Set(mentioned.flatMap((ids) => [...ids])))])
  return {
    items: rows.map((row, index) => ({
      ...row,
      at: row.at.toISOString(),
      entityLabel: labels.get(`${row.entityType}/${row.entityId}`) ?? null,
      names: Object.fromEntries([...mentioned[index] ?? []].flatMap((id) => names.has(id) ? [[id, names.get(id) as string]] : []))
    })),
    total: Number(total?.value ?? 0),
    limit: query.limit,
    offset: query.offset
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** Ids named per entry, at most: a change listing thousands of units names them by code already. */
const MAX_NAMED_IDS = 200

/** The ids a before/after mentions anywhere (a user's unitId, a round's catalogId, a clone's source), in order, lower case. */
function idsIn (value: unknown, into = new Set<string>()): Set<string> {
  if (into.size >= MAX_NAMED_IDS) return into
  if (typeof value === 'string') {
    if (UUID.test(value)) into.add(value.toLowerCase())
  } else if (Array.isArray(value)) {
    for (const item of value) idsIn(item, into)
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) idsIn(item, into)
  }
  return into
}

/** What people know each id by: a unit's name, a catalog's or round's code, an account's name. Ids of nothing (any more) are left out. */
async function namesOf (db: Executor, ids: ReadonlySet<string>): Promise<Map<string, string>> {
  if (ids.size === 0) return new Map()
  const found = await queryRows<{ id: string, name: string }>(db, sql`
    select k.id::text as id, coalesce(
      (select u.name from units u where u.id = k.id),
      (select c.code from catalogs c where c.id = k.id),
      (select r.code from rounds r where r.id = k.id),
      (select coalesce(u.display_name || ' (' || u.username || ')', u.username) from users u where u.id = k.id),
      (select a.name from api_keys a where a.id = k.id)) as name
    from (select value::uuid as id from json_array_elements_text(${JSON.stringify([...ids])}::json)) k`)
  return new Map(found.filter((row) => row.name !== null).map((row) => [row.id, row.name]))
}

/**
 * What each entry is about, as an admin knows it: the account's name, the unit's, the round's code, "Sở Tư pháp · 2026"
 * for a unit's self-assessment or appraisal… One query for the page's distinct entities; null for one since deleted.
 */
async function entityLabels (db: Executor, rows: readonly { entityType: string, entityId: string }[]): Promise<Map<string, string>> {
  const pairs = [...new Map(rows.map((row) => [`${row.entityType}/${row.entityId}`, row])).values()]
  if (pairs.length === 0) return new Map()
  const found = await queryRows<{ type: string, id: string, label: string | null }>(db, sql`
    select e.type, e.id, case e.type
      when 'user' then (select coalesce(u.display_name || ' (' || u.username || ')', u.username) from users u where u.id = k.uid)
      when 'api_key' then (select a.name from api_keys a where a.id = k.uid)
      when 'unit' then (select u.name from units u where u.id = k.uid)
      when 'unit_type' then (select t.name from unit_types t where t.code = e.id)
      when 'catalog' then (select c.code from catalogs c where c.id = k.uid)
      when 'round' then (select r.code from rounds r where r.id = k.uid)
      when 'self_assessment' then (select u.name || ' · ' || r.code from self_assessments s join units u on u.id = s.unit_id join rounds r on r.id = s.round_id where s.id = k.uid)
      when 'appraisal' then (select u.name || ' · ' || r.code from appraisals s join units u on u.id = s.unit_id join rounds r on r.id = s.round_id where s.id = k.uid)
      when 'supplement_request' then (select u.name || ' · ' || r.code from supplement_requests s join units u on u.id = s.unit_id join rounds r on r.id = s.round_id where s.id = k.uid)
      when 'evidence_file' then (select f.filename || ' · ' || u.name from evidence_files f join self_assessments s on s.id = f.self_assessment_id join units u on u.id = s.unit_id where f.id = k.uid)
      when 'result_version' then (select r.code || ' · ' || coalesce(t.name, v.unit_type_code) || ' · phiên bản ' || v.version from result_versions v join rounds r on r.id = v.round_id left join unit_types t on t.code = v.unit_type_code where v.id = k.uid)
      when 'webhook_endpoint' then (select coalesce(nullif(w.description, ''), w.url) from webhook_endpoints w where w.id = k.uid)
    end as label
    from json_to_recordset(${JSON.stringify(pairs.map((pair) => ({ type: pair.entityType, id: pair.entityId })))}::json) as e(type text, id text)
    cross join lateral (select case when e.id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then e.id::uuid end as uid) k`)
  return new Map(found.filter((row) => row.label !== null).map((row) => [`${row.type}/${row.id}`, row.label as string]))
}
