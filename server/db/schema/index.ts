// The Drizzle schema, one file per aggregate.
export * from './units.js'
export * from './catalogs.js'
export * from './auth.js'
