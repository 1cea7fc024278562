// Appraisal (thẩm định): appraiser assignments to fields, appraised scores per leaf, supplement requests.
import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { usersTable } from './auth.js'
import { fieldSumsColumns, roundsTable, xid8 } from './rounds.js'
import { unitsTable, unitTypesTable } from './units.js'
import type { EnteredInput } from '../../domain/scoring.js'

/** An appraiser reviews one field of one unit type's catalog, across all units of that type, in one round. */
export const appraisalAssignmentsTable = pgTable('appraisal_assignments', {
  roundId: uuid().notNull().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitTypeCode: text().notNull().references(() => unitTypesTable.code),
  fieldCode: text().notNull(),
  userId: uuid().notNull().references(() => usersTable.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  primaryKey({ columns: [table.roundId, table.unitTypeCode, table.fieldCode, table.userId] }),
  index().on(table.userId)
])

/** The appraisal of one unit in one round; `version` is the ETag of appraised-score saves. */
export const appraisalsTable = pgTable('appraisals', {
  id: uuid().primaryKey().defaultRandom(),
  roundId: uuid().notNull().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitId: uuid().notNull().references(() => unitsTable.id),
  status: text().$type<'in_progress' | 'finalized'>().notNull().default('in_progress'),
  version: integer().notNull().default(0),
  finalizedAt: timestamp({ withTimezone: true }),
  finalizedBy: uuid().references(() => usersTable.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  /** The transaction that last wrote the row (migration 0020), as self_assessments.written_xid. */
  writtenXid: xid8().notNull().default(sql`pg_current_xact_id()`)
}, (table) => [
  uniqueIndex().on(table.roundId, table.unitId),
  check('appraisals_status', sql`${table.status} in ('in_progress', 'finalized')`)
])

/** The appraised score of one leaf: input, points (null when not applicable), and the reason when it differs from the self score. */
export const appraisalEntriesTable = pgTable('appraisal_entries', {
  appraisalId: uuid().notNull().references(() => appraisalsTable.id, { onDelete: 'cascade' }),
  leafCode: text().notNull(),
  fieldCode: text().notNull(),
  input: jsonb().$type<EnteredInput>().notNull(),
  // In thousandths, like the sums tables; null when not applicable.
  pointsMilli: integer(),
  notApplicable: boolean().notNull().default(false),
  reason: text(),
  appraisedBy: uuid().references(() => usersTable.id),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  primaryKey({ columns: [table.appraisalId, table.leafCode] }),
  index().on(table.fieldCode),
  index('appraisal_entries_not_applicable').on(table.appraisalId).where(sql`${table.notApplicable}`),
  check('appraisal_entries_points', sql`(${table.notApplicable} and ${table.pointsMilli} is null) or (not ${table.notApplicable} and ${table.pointsMilli} is not null and ${table.pointsMilli} >= 0)`)
])

/**
 * Per appraisal and field, the sums of its entries, kept by the same triggers as selfAssessmentFieldSumsTable
 * (every appraisal entry has an input, so answered equals entries).
 */
export const appraisalFieldSumsTable = pgTable('appraisal_field_sums', {
  appraisalId: uuid().notNull().references(() => appraisalsTable.id, { onDelete: 'cascade' }),
  ...fieldSumsColumns()
}, (table) => [primaryKey({ columns: [table.appraisalId, table.fieldCode] }), index().on(table.writtenXid)])

/** A request for supplementary evidence (yêu cầu bổ sung): exactly its leaves reopen for the unit until it is answered, closed or due. */
export const supplementRequestsTable = pgTable('supplement_requests', {
  id: uuid().primaryKey().defaultRandom(),
  roundId: uuid().notNull().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitId: uuid().notNull().references(() => unitsTable.id),
  leafCodes: jsonb().$type<string[]>().notNull(),
  reason: text().notNull(),
  dueAt: timestamp({ withTimezone: true }).notNull(),
  status: text().$type<'open' | 'answered' | 'closed' | 'expired'>().notNull().default('open'),
  answer: text(),
  answeredAt: timestamp({ withTimezone: true }),
  answeredBy: uuid().references(() => usersTable.id),
  closedAt: timestamp({ withTimezone: true }),
  closedBy: uuid().references(() => usersTable.id),
  createdBy: uuid().notNull().references(() => usersTable.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  index().on(table.roundId, table.unitId),
  check('supplement_requests_status', sql`${table.status} in ('open', 'answered', 'closed', 'expired')`)
])
