// Unit types and units: the bodies that are assessed.
import { boolean, index, pgTable, text, timestamp, uuid, jsonb } from 'drizzle-orm/pg-core'

export const unitTypesTable = pgTable('unit_types', {
  code: text().primaryKey(),
  name: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})

export const unitsTable = pgTable('units', {
  id: uuid().primaryKey().defaultRandom(),
  code: text().notNull().unique(),
  name: text().notNull(),
  shortName: text(),
  unitTypeCode: text().notNull().references(() => unitTypesTable.code),
  aliases: jsonb().$type<string[]>().notNull().default([]),
  // Lower-case, diacritic-free name and aliases, so `dong son` finds `Huyện Đông Sơn`.
  searchText: text().notNull(),
  // Vietnamese collation key (the embedded database has no Vietnamese ICU locale).
  sortKey: text().notNull(),
  active: boolean().notNull().default(true),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
}, (table) => [
  index().on(table.unitTypeCode),
  index().on(table.sortKey)
])
