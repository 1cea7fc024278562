// The Drizzle schema, one file per aggregate.
export * from './units.js'
export * from './catalogs.js'
export * from './auth.js'
export * from './rounds.js'
export * from './appraisal.js'
export * from './results.js'
export * from './notifications.js'
export * from './webhooks.js'
