// Criteria catalogs (bộ tiêu chí) and their node trees, with lineage to the catalog they were cloned from.
import { type AnyPgColumn, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type { ClassificationBand, ScoringMethod } from '../../domain/catalog.js'
import { unitTypesTable } from './units.js'

export const catalogsTable = pgTable('catalogs', {
  id: uuid().primaryKey().defaultRandom(),
  code: text().notNull().unique(),
  year: integer().notNull(),
  unitTypeCode: text().notNull().references(() => unitTypesTable.code),
  title: text().notNull(),
  legalBasis: text().notNull().default(''),
  provenance: text(),
  classification: jsonb().$type<ClassificationBand[]>().notNull(),
  ranking: text().$type<'dense' | 'competition'>().notNull().default('dense'),
  status: text().$type<'draft' | 'published'>().notNull().default('draft'),
  publishedAt: timestamp({ withTimezone: true }),
  sourceCatalogId: uuid().references((): AnyPgColumn => catalogsTable.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [index().on(table.year, table.unitTypeCode)])

export const catalogNodesTable = pgTable('catalog_nodes', {
  id: uuid().primaryKey().defaultRandom(),
  catalogId: uuid().notNull().references(() => catalogsTable.id, { onDelete: 'cascade' }),
  parentId: uuid().references((): AnyPgColumn => catalogNodesTable.id, { onDelete: 'cascade' }),
  code: text().notNull(),
  kind: text().$type<'field' | 'criterion' | 'subcriterion'>().notNull(),
  title: text().notNull(),
  maxPoints: numeric({ precision: 9, scale: 3 }).notNull(),
  position: integer().notNull(),
  scoring: jsonb().$type<ScoringMethod>(),
  evidence: text().$type<'required' | 'optional' | 'none'>(),
  guidance: text(),
  // The node of the source catalog this one was cloned from, to compare fields across years.
  sourceNodeId: uuid().references((): AnyPgColumn => catalogNodesTable.id, { onDelete: 'set null' })
}, (table) => [
  uniqueIndex().on(table.catalogId, table.code),
  index().on(table.parentId)
])

// A published catalog's scored nodes (its leaves), each with its field and maximum, in catalog order. Written once, by
// record_catalog_leaves() when the catalog is published (a published catalog never changes), so that queries across
// units join a table instead of walking the node tree.
export const catalogLeavesTable = pgTable('catalog_leaves', {
  catalogId: uuid().notNull().references(() => catalogsTable.id, { onDelete: 'cascade' }),
  code: text().notNull(),
  fieldCode: text().notNull(),
  maxPoints: numeric({ precision: 9, scale: 3 }).notNull(),
  ordinal: integer().notNull()
}, (table) => [
  primaryKey({ columns: [table.catalogId, table.code] }),
  index().on(table.catalogId, table.fieldCode)
])
