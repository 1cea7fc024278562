// Webhooks: the endpoints admins register, the events the services write in their own transactions (an outbox), one
// delivery per endpoint and event (its id is the message's webhook-id), and every attempt with its answer (the log).
import { sql } from 'drizzle-orm'
import { bigserial, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { WebhookEventType } from '../../domain/webhooks.js'
import { usersTable } from './auth.js'

export const webhookEndpointsTable = pgTable('webhook_endpoints', {
  id: uuid().primaryKey().defaultRandom(),
  url: text().notNull(),
  description: text(),
  /** Standard Webhooks secret, `whsec_` and base64: the HMAC key of every signature. Shown to the admin once. */
  secret: text().notNull(),
  eventTypes: text().array().$type<WebhookEventType[]>().notNull(),
  active: boolean().notNull().default(true),
  /** Failed attempts in a row; at WEBHOOK_DISABLE_AFTER_FAILURES the endpoint is disabled and the admins told. */
  consecutiveFailures: integer().notNull().default(0),
  disabledAt: timestamp({ withTimezone: true }),
  createdBy: uuid().references(() => usersTable.id, { onDelete: 'set null' }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})

export const webhookEventsTable = pgTable('webhook_events', {
  id: uuid().primaryKey().defaultRandom(),
  type: text().$type<WebhookEventType>().notNull(),
  data: jsonb().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})

export const webhookDeliveriesTable = pgTable('webhook_deliveries', {
  id: uuid().primaryKey().defaultRandom(),
  endpointId: uuid().notNull().references(() => webhookEndpointsTable.id, { onDelete: 'cascade' }),
  eventId: uuid().notNull().references(() => webhookEventsTable.id, { onDelete: 'cascade' }),
  status: text().$type<'pending' | 'delivered' | 'failed'>().notNull().default('pending'),
  attempts: integer().notNull().default(0),
  nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lastStatusCode: integer(),
  lastError: text(),
  deliveredAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  index('webhook_deliveries_due').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
  index().on(table.endpointId, table.createdAt),
  check('webhook_deliveries_status', sql`${table.status} in ('pending', 'delivered', 'failed')`)
])

export const webhookAttemptsTable = pgTable('webhook_attempts', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  deliveryId: uuid().notNull().references(() => webhookDeliveriesTable.id, { onDelete: 'cascade' }),
  at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  statusCode: integer(),
  error: text(),
  durationMs: integer().notNull()
}, (table) => [index().on(table.deliveryId, table.at)])
