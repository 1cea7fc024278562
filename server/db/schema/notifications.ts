// Notifications: what happened for whom (in the app), each user's e-mail opt-outs per kind, and every e-mail sent.
import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { NotificationKind } from '../../domain/notifications.js'
import { usersTable } from './auth.js'
import { roundsTable } from './rounds.js'
import { unitsTable } from './units.js'

/**
 * One notification for one user, written in the transaction of the change it tells of (an outbox: a change rolled
 * back tells no one). Title and body are rendered when it is written, so the app and the e-mail say the same.
 */
export const notificationsTable = pgTable('notifications', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => usersTable.id, { onDelete: 'cascade' }),
  kind: text().$type<NotificationKind>().notNull(),
  title: text().notNull(),
  body: text().notNull(),
  /** Where in the web app it leads (a path of the app's router, e.g. /rounds/…/units/…). */
  link: text().notNull(),
  roundId: uuid().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitId: uuid().references(() => unitsTable.id),
  /** Reminders are sent once per user and key (e.g. deadline:<round>:<unit>:3), however often their job runs. */
  dedupeKey: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  readAt: timestamp({ withTimezone: true })
}, (table) => [
  index().on(table.userId, table.createdAt),
  uniqueIndex('notifications_user_dedupe').on(table.userId, table.dedupeKey).where(sql`${table.dedupeKey} is not null`)
])

/** A user's "no e-mail for this kind"; the notification still shows in the app. */
export const notificationOptOutsTable = pgTable('notification_opt_outs', {
  userId: uuid().notNull().references(() => usersTable.id, { onDelete: 'cascade' }),
  kind: text().$type<NotificationKind>().notNull()
}, (table) => [primaryKey({ columns: [table.userId, table.kind] })])

/**
 * One e-mail of one notification: written `pending` with the notification (when the user has an address and has not
 * opted out), then `sent`, `failed` after its last attempt, or `skipped` when no SMTP server is configured.
 */
export const mailDeliveriesTable = pgTable('mail_deliveries', {
  id: uuid().primaryKey().defaultRandom(),
  notificationId: uuid().notNull().references(() => notificationsTable.id, { onDelete: 'cascade' }),
  address: text().notNull(),
  status: text().$type<'pending' | 'sent' | 'failed' | 'skipped'>().notNull().default('pending'),
  attempts: integer().notNull().default(0),
  nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lastError: text(),
  messageId: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp({ withTimezone: true })
}, (table) => [
  index('mail_deliveries_due').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
  index().on(table.notificationId),
  check('mail_deliveries_status', sql`${table.status} in ('pending', 'sent', 'failed', 'skipped')`)
])
