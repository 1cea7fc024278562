// Published results (immutable versions) and historical results of rounds run before the service existed.
import { boolean, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { usersTable } from './auth.js'
import { roundsTable, xid8 } from './rounds.js'
import { unitsTable, unitTypesTable } from './units.js'

/** One published version of a round's results for one unit type: a frozen snapshot, never updated. */
export const resultVersionsTable = pgTable('result_versions', {
  id: uuid().primaryKey().defaultRandom(),
  roundId: uuid().notNull().references(() => roundsTable.id),
  unitTypeCode: text().notNull().references(() => unitTypesTable.code),
  version: integer().notNull(),
  publishedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  publishedBy: uuid().references(() => usersTable.id),
  reason: text(),
  catalogId: uuid().notNull(),
  // SHA-256 of every input that went into the snapshot (leaf scores, catalog, units), to tell a real correction from a no-op.
  inputHash: text().notNull(),
  // The whole computed result, exactly as served: the published answer never changes.
  snapshot: jsonb().notNull()
}, (table) => [
  uniqueIndex().on(table.roundId, table.unitTypeCode, table.version),
  index().on(table.roundId)
])

/** Per unit and field, the self and appraised points of a round loaded from a report (no leaf scores). */
export const historicalResultsTable = pgTable('historical_results', {
  roundId: uuid().notNull().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitId: uuid().notNull().references(() => unitsTable.id),
  fieldCode: text().notNull(),
  selfPoints: numeric({ precision: 9, scale: 3 }).notNull(),
  appraisedPoints: numeric({ precision: 9, scale: 3 }).notNull(),
  importedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  source: jsonb()
}, (table) => [
  primaryKey({ columns: [table.roundId, table.unitId, table.fieldCode] })
])

/** Per-round results settings an admin controls: whether API keys with results:read may read provisional results. */
export const resultSettingsTable = pgTable('result_settings', {
  roundId: uuid().primaryKey().references(() => roundsTable.id, { onDelete: 'cascade' }),
  provisionalForKeys: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid().references(() => usersTable.id)
})

/**
 * The transactions that wrote to a table live results are computed from, one row each, written by a statement trigger
 * on every such table (migration 0016). With a snapshot taken before the inputs were read, a reader tells whether any
 * transaction it could not see has since committed: if none has, the results it computed then are still the answer
 * (services/kept-while-unchanged.ts). `other` is false while the transaction wrote scores alone (entries, their sums,
 * a self-assessment's or appraisal's version; migration 0017): the results then need only the units whose sums it
 * wrote. Rows are deleted below the horizon once no kept snapshot needs them.
 */
export const resultInputChangesTable = pgTable('result_input_changes', {
  xid: xid8().primaryKey(),
  other: boolean().notNull().default(true)
})

/** One row: the transaction id below which result_input_changes has been cleared; an older snapshot can tell nothing. */
export const resultInputHorizonTable = pgTable('result_input_horizon', {
  id: integer().primaryKey().default(1),
  xid: xid8().notNull()
})
