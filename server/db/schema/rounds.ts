// Assessment rounds (kỳ đánh giá): their catalogs and participants, and each unit's self-assessment with its entries.
import { sql } from 'drizzle-orm'
import { type AnyPgColumn, bigint, boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { RoundStatus } from '../../domain/lifecycle.js'
import { catalogsTable } from './catalogs.js'
import { unitsTable, unitTypesTable } from './units.js'
import type { EnteredInput } from '../../domain/scoring.js'

export const roundsTable = pgTable('rounds', {
  id: uuid().primaryKey().defaultRandom(),
  code: text().notNull().unique(),
  title: text().notNull(),
  year: integer().notNull(),
  status: text().$type<RoundStatus>().notNull().default('draft'),
  selfAssessmentClosesAt: timestamp({ withTimezone: true }),
  appraisalClosesAt: timestamp({ withTimezone: true }),
  supplementClosesAt: timestamp({ withTimezone: true }),
  /** Grows with every change to the row (a trigger, migration 0023): the ETag an edit names in If-Match. */
  version: integer().notNull().default(0),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  index().on(table.year),
  check('rounds_status', sql`${table.status} in ('draft', 'self_assessment', 'appraisal', 'finalized', 'published')`)
])

/** The catalog each unit type is scored with in a round; restricts deletion of a catalog a round uses. */
export const roundCatalogsTable = pgTable('round_catalogs', {
  roundId: uuid().notNull().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitTypeCode: text().notNull().references(() => unitTypesTable.code),
  catalogId: uuid().notNull().references(() => catalogsTable.id)
}, (table) => [
  primaryKey({ columns: [table.roundId, table.unitTypeCode] }),
  index().on(table.catalogId)
])

/** Participating units, with the one-unit extension of the self-assessment deadline an admin may grant. */
export const roundUnitsTable = pgTable('round_units', {
  roundId: uuid().notNull().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitId: uuid().notNull().references(() => unitsTable.id),
  extensionUntil: timestamp({ withTimezone: true }),
  extensionReason: text(),
  addedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  primaryKey({ columns: [table.roundId, table.unitId] }),
  index().on(table.unitId)
])

/** PostgreSQL's 64-bit transaction id (pg_current_xact_id()), read as text: it may pass 2^53. */
export const xid8 = customType<{ data: string, driverData: string }>({ dataType: () => 'xid8' })

/**
 * One unit's self-assessment (tự đánh giá) in one round. `version` grows with every change and is the ETag
 * clients send back in If-Match, so two officers editing at once cannot overwrite each other unseen.
 */
export const selfAssessmentsTable = pgTable('self_assessments', {
  id: uuid().primaryKey().defaultRandom(),
  roundId: uuid().notNull().references(() => roundsTable.id, { onDelete: 'cascade' }),
  unitId: uuid().notNull().references(() => unitsTable.id),
  // Fixed when the first entry is saved, so a later change of the unit's type cannot swap the catalog underneath.
  catalogId: uuid().notNull().references(() => catalogsTable.id),
  status: text().$type<'draft' | 'submitted'>().notNull().default('draft'),
  version: integer().notNull().default(0),
  submittedAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  // The transaction that last wrote the row, set by a trigger (migration 0020): progress finds the units whose status
  // or version changed by it, as it finds those whose scores changed by their sums rows' written_xid.
  writtenXid: xid8().notNull().default(sql`pg_current_xact_id()`)
}, (table) => [
  uniqueIndex().on(table.roundId, table.unitId),
  check('self_assessments_status', sql`${table.status} in ('draft', 'submitted')`),
  check('self_assessments_submitted_at', sql`(${table.status} = 'submitted') = (${table.submittedAt} is not null)`)
])

/** The unit's answer for one leaf: the input as entered, the points it scored, and the explanation. */
export const selfAssessmentEntriesTable = pgTable('self_assessment_entries', {
  selfAssessmentId: uuid().notNull().references(() => selfAssessmentsTable.id, { onDelete: 'cascade' }),
  leafCode: text().notNull(),
  // The leaf's top-level field, so totals group by field without walking the tree.
  fieldCode: text().notNull(),
  input: jsonb().$type<EnteredInput>(),
  // In thousandths, like the sums tables; null when unanswered or not applicable (a not-applicable leaf counts in
  // neither points nor maximum).
  pointsMilli: integer(),
  notApplicable: boolean().notNull().default(false),
  explanation: text(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  primaryKey({ columns: [table.selfAssessmentId, table.leafCode] }),
  index('self_assessment_entries_not_applicable').on(table.selfAssessmentId).where(sql`${table.notApplicable}`),
  check('self_assessment_entries_points', sql`(${table.input} is null and ${table.pointsMilli} is null and not ${table.notApplicable})
    or (${table.input} is not null and ${table.notApplicable} and ${table.pointsMilli} is null)
    or (${table.input} is not null and not ${table.notApplicable} and ${table.pointsMilli} is not null and ${table.pointsMilli} >= 0)`)
])

/**
 * The figures of a sums table, one row per owner and field (the same for self-assessments and appraisals), with the
 * transaction that last wrote them (migration 0017): every write to an entry rewrites its field's row, so the units
 * whose figures a transaction changed are found by it (services/results/compute.ts, after scores alone changed).
 */
export function fieldSumsColumns () {
  return {
    fieldCode: text().notNull(),
    pointsMilli: bigint({ mode: 'number' }).notNull().default(0),
    entries: integer().notNull().default(0),
    answered: integer().notNull().default(0),
    writtenXid: xid8().notNull().default(sql`pg_current_xact_id()`)
  }
}

/**
 * Per self-assessment and field, the sums of its entries, kept by statement triggers on self_assessment_entries
 * (migration 0008) so results read 7 rows per unit instead of 100: points in thousandths (exact), entries, answered
 * entries (input given). Not-applicable maxima are not here: they come from the catalog, through the partial index
 * on not-applicable entries. Never written by the service.
 */
export const selfAssessmentFieldSumsTable = pgTable('self_assessment_field_sums', {
  selfAssessmentId: uuid().notNull().references(() => selfAssessmentsTable.id, { onDelete: 'cascade' }),
  ...fieldSumsColumns()
}, (table) => [primaryKey({ columns: [table.selfAssessmentId, table.fieldCode] }), index().on(table.writtenXid)])

/**
 * Evidence files attached to a leaf of a self-assessment. The file store (server/storage) owns the files;
 * A file can be attached to several leaves of the same submission. A required-evidence leaf counts as documented when it has a row here.
 */
export const evidenceLinksTable = pgTable('evidence_links', {
  selfAssessmentId: uuid().notNull().references(() => selfAssessmentsTable.id, { onDelete: 'cascade' }),
  leafCode: text().notNull(),
  fileId: uuid().notNull().references((): AnyPgColumn => evidenceFilesTable.id, { onDelete: 'cascade' }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  primaryKey({ columns: [table.selfAssessmentId, table.leafCode, table.fileId] }),
  index().on(table.fileId)
])

/**
 * An uploaded evidence file of one self-assessment. The bytes live once per SHA-256 in the evidence store;
 * this row is the upload: its sanitized original name, detected type, uploader and time.
 */
export const evidenceFilesTable = pgTable('evidence_files', {
  id: uuid().primaryKey().defaultRandom(),
  selfAssessmentId: uuid().notNull().references(() => selfAssessmentsTable.id, { onDelete: 'cascade' }),
  sha256: text().notNull(),
  filename: text().notNull(),
  size: integer().notNull(),
  mime: text().notNull(),
  uploadedBy: uuid(),
  uploadedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  index().on(table.selfAssessmentId),
  index().on(table.sha256)
])
