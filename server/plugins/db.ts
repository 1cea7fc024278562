// Opens the database (pg pool or embedded PGlite), migrates it at start when asked, and closes it with the app.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { openDatabase, type Database, type Db } from '../db/client.js'
import { migrate } from '../db/migrate.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    database: Database
  }
}

export interface DbPluginOptions {
  database?: Database
  url?: string | undefined
  dataDir: string
  poolSize?: number
  statementTimeoutMs?: number
  migrate?: boolean
  /** Migrate as this role (the schema's owner) while the service works as the DATABASE_URL one. */
  migrationUrl?: string | undefined
}

/**
 * Migrates before serving: with a migration URL over a connection of its own, as the owner of the schema, which the
 * service's own role is not (so it can neither alter tables nor disable the audit log's trigger).
 */
async function migrateAtStart (database: Database, options: DbPluginOptions): Promise<void> {
  if (!options.migrationUrl || database.kind === 'pglite') {
    await migrate(database)
    return
  }
  const owner = await openDatabase({ url: options.migrationUrl, dataDir: options.dataDir, poolSize: 1 })
  try {
    await migrate(owner)
  } finally {
    await owner.close()
  }
}

async function dbPlugin (app: FastifyInstance, options: DbPluginOptions): Promise<void> {
  const database = options.database ?? await openDatabase(options)
  if (options.migrate !== false) await migrateAtStart(database, options)
  app.decorate('database', database)
  app.decorate('db', database.db)
  app.addHook('onClose', async () => { await database.close() })
}

export default fp(dbPlugin, { name: 'db' })
