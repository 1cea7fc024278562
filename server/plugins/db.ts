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
}

async function dbPlugin (app: FastifyInstance, options: DbPluginOptions): Promise<void> {
  const database = options.database ?? await openDatabase(options)
  if (options.migrate !== false) await migrate(database)
  app.decorate('database', database)
  app.decorate('db', database.db)
  app.addHook('onClose', async () => { await database.close() })
}

export default fp(dbPlugin, { name: 'db' })
