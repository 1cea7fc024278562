// Webhook endpoints (admins): register, list, change, rotate the secret, remove; each one's deliveries with every
// attempt, and redelivery. Every change is audited (never with the secret).
import { randomBytes } from 'node:crypto'
import { desc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { queryRows, toIso } from '../../db/rows.js'
import { webhookEndpointsTable } from '../../db/schema/index.js'
import type { WebhookEventType } from '../../domain/webhooks.js'
import { Errors } from '../../errors.js'
import { noSuch } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'
import { fieldProblem } from '../../messages/validation.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'
import { refuseTarget, type TargetRules } from './target.js'

type EndpointRow = typeof webhookEndpointsTable.$inferSelect

function show (row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    active: row.active,
    consecutiveFailures: row.consecutiveFailures,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString()
  }
}

/** What the audit log keeps of an endpoint: everything but the secret. */
const audited = (row: EndpointRow) => ({ url: row.url, description: row.description, eventTypes: row.eventTypes, active: row.active })

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`

function assertTarget (url: string, rules: TargetRules): void {
  const refused = refuseTarget(url, rules)
  if (refused) {
    throw Errors.validation(t(`The webhook URL ${refused.en}.`, `Địa chỉ nhận webhook ${refused.vi}.`), {
      errors: [fieldProblem('body', '/url', 'target', { url }, t(refused.en, refused.vi))]
    })
  }
}

async function endpointRow (db: Executor, id: string): Promise<EndpointRow> {
  const [row] = await db.select().from(webhookEndpointsTable).where(eq(webhookEndpointsTable.id, id))
  if (!row) throw Errors.notFound(noSuch.webhook)
  return row
}

export async function listWebhookEndpoints (db: Db) {
  return (await db.select().from(webhookEndpointsTable).orderBy(desc(webhookEndpointsTable.createdAt))).map(show)
}

export async function getWebhookEndpoint (db: Db, id: string) {
  return show(await endpointRow(db, id))
}

export async function createWebhookEndpoint (db: Db, actor: Actor, rules: TargetRules, input: { url: string, description?: string | null | undefined, eventTypes: WebhookEventType[] }) {
  assertTarget(input.url, rules)
  return db.transaction(async (tx) => {
    const secret = newWebhookSecret()
    const [row] = await tx.insert(webhookEndpointsTable).values({
      url: input.url,
      description: input.description?.trim() || null,
      eventTypes: [...new Set(input.eventTypes)],
      secret,
      createdBy: actor.principal?.kind === 'user' ? actor.principal.id : null
    }).returning()
    await audit(tx, actor, { action: 'webhook.create', entityType: 'webhook_endpoint', entityId: row!.id, after: audited(row!) })
    return { ...show(row!), secret }
  })
}

export async function updateWebhookEndpoint (db: Db, actor: Actor, rules: TargetRules, id: string, change: { url?: string, description?: string | null, eventTypes?: WebhookEventType[], active?: boolean }) {
  if (change.url !== undefined) assertTarget(change.url, rules)
  return db.transaction(async (tx) => {
    const before = await endpointRow(tx, id)
    const enabling = change.active === true && !before.active
    const [row] = await tx.update(webhookEndpointsTable).set({
      ...(change.url === undefined ? {} : { url: change.url }),
      ...(change.description === undefined ? {} : { description: change.description?.trim() || null }),
      ...(change.eventTypes === undefined ? {} : { eventTypes: [...new Set(change.eventTypes)] }),
      ...(change.active === undefined ? {} : { active: change.active, disabledAt: change.active ? null : sql`coalesce(${webhookEndpointsTable.disabledAt}, now())` }),
      ...(enabling ? { consecutiveFailures: 0 } : {}),
      updatedAt: sql`now()`
    }).where(eq(webhookEndpointsTable.id, id)).returning()
    await audit(tx, actor, { action: 'webhook.update', entityType: 'webhook_endpoint', entityId: id, before: audited(before), after: audited(row!) })
    return show(row!)
  })
}

/** A new secret; the old one signs nothing from now on. */
export async function rotateWebhookSecret (db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    await endpointRow(tx, id)
    const secret = newWebhookSecret()
    await tx.update(webhookEndpointsTable).set({ secret, updatedAt: sql`now()` }).where(eq(webhookEndpointsTable.id, id))
    await audit(tx, actor, { action: 'webhook.rotate_secret', entityType: 'webhook_endpoint', entityId: id })
    return { secret }
  })
}

export async function deleteWebhookEndpoint (db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await endpointRow(tx, id)
    await tx.delete(webhookEndpointsTable).where(eq(webhookEndpointsTable.id, id))
    await audit(tx, actor, { action: 'webhook.delete', entityType: 'webhook_endpoint', entityId: id, before: audited(before) })
  })
}

interface DeliveryRow {
  id: string
  event_id: string
  type: WebhookEventType
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: unknown
  last_status_code: number | null
  last_error: string | null
  delivered_at: unknown
  created_at: unknown
  log: { at: string, statusCode: number | null, error: string | null, durationMs: number }[]
}

/** Deliveries with their attempts (the delivery log), newest first, as the API shows them. */
async function readDeliveries (db: Executor, where: SQL, page: { limit: number, offset: number }) {
  const rows = await queryRows<DeliveryRow>(db, sql`
    select d.id, d.event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.delivered_at, d.created_at,
      coalesce((select json_agg(json_build_object('at', a.at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) order by a.at, a.id)
        from webhook_attempts a where a.delivery_id = d.id), '[]') as log
    from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where ${where}
    order by d.created_at desc, d.id limit ${page.limit} offset ${page.offset}`)
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    eventType: row.type,
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? toIso(row.next_attempt_at) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: toIso(row.delivered_at),
    createdAt: toIso(row.created_at) as string,
    log: row.log.map((attempt) => ({ ...attempt, at: toIso(attempt.at) as string }))
  }))
}

export async function listWebhookDeliveries (db: Db, id: string, page: { limit: number, offset: number }) {
  await endpointRow(db, id)
  const [items, [counted]] = await Promise.all([
    readDeliveries(db, sql`d.endpoint_id = ${id}`, page),
    queryRows<{ total: number }>(db, sql`select count(*)::int as total from webhook_deliveries where endpoint_id = ${id}`)
  ])
  return { items, total: Number(counted?.total ?? 0), limit: page.limit, offset: page.offset }
}

/** Sends a delivery again at the next run of the job, with the same webhook-id, whatever became of it; audited. */
export async function redeliverWebhook (db: Db, actor: Actor, id: string, deliveryId: string) {
  return db.transaction(async (tx) => {
    const [before] = await queryRows<{ status: string }>(tx, sql`select status from webhook_deliveries where id = ${deliveryId} and endpoint_id = ${id} for update`)
    if (!before) throw Errors.notFound(noSuch.webhookDelivery)
    await tx.execute(sql`update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = null where id = ${deliveryId}`)
    await audit(tx, actor, { action: 'webhook.redeliver', entityType: 'webhook_endpoint', entityId: id, before: { deliveryId, status: before.status }, after: { deliveryId, status: 'pending' } })
    const [delivery] = await readDeliveries(tx, sql`d.id = ${deliveryId}`, { limit: 1, offset: 0 })
    return delivery!
  })
}
