// Users, login tokens, API keys and the append-only audit log.
import { sql } from 'drizzle-orm'
import { bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { unitsTable } from './units.js'

export const usersTable = pgTable('users', {
  id: uuid().primaryKey().defaultRandom(),
  username: text().notNull().unique(),
  displayName: text().notNull(),
  email: text(),
  role: text().$type<'admin' | 'appraiser' | 'unit_officer' | 'viewer'>().notNull(),
  unitId: uuid().references(() => unitsTable.id),
  passwordHash: text().notNull(),
  active: boolean().notNull().default(true),
  /** The password was set by an admin (created or reset) and must be changed by its owner before anything else. */
  passwordChangeRequired: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  // A unit officer acts for exactly one unit; no other role is bound to one.
  check('users_unit_binding', sql`(${table.role} = 'unit_officer') = (${table.unitId} is not null)`)
])

// Failed logins are counted per username and client address, whether or not the account exists, so the answer never
// tells; a lock holds for that address only, so a stranger cannot keep the owner out from elsewhere.
export const loginFailuresTable = pgTable('login_failures', {
  username: text().notNull(),
  address: text().notNull().default(''),
  failures: integer().notNull().default(0),
  lastFailureAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp({ withTimezone: true })
}, (table) => [primaryKey({ columns: [table.username, table.address] })])

export const sessionsTable = pgTable('sessions', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => usersTable.id, { onDelete: 'cascade' }),
  tokenHash: text().notNull().unique(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  revokedAt: timestamp({ withTimezone: true })
}, (table) => [index().on(table.userId)])

export const apiKeysTable = pgTable('api_keys', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  prefix: text().notNull(),
  keyHash: text().notNull().unique(),
  scopes: jsonb().$type<string[]>().notNull(),
  createdBy: uuid().references(() => usersTable.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp({ withTimezone: true }),
  lastUsedAt: timestamp({ withTimezone: true }),
  /** After this instant the key is refused (401); null: it lasts until revoked. */
  expiresAt: timestamp({ withTimezone: true })
})

export const auditLogTable = pgTable('audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  actorType: text().$type<'user' | 'api_key' | 'system'>().notNull(),
  actorId: uuid(),
  actorName: text().notNull(),
  action: text().notNull(),
  entityType: text().notNull(),
  entityId: text().notNull(),
  before: jsonb(),
  after: jsonb(),
  reason: text(),
  requestId: text(),
  /** The client's address as the service saw it (behind a trusted proxy, the forwarded one). */
  clientAddress: text()
}, (table) => [
  index().on(table.entityType, table.entityId),
  index().on(table.actorId),
  index().on(table.at)
])
