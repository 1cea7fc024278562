// The job queue's database side: pg-boss's executeSql over the app's own connection (a pg pool or client, or the
// embedded PGlite), and the installation of pg-boss's schema, run by migrate() as the schema's owner.
import type { PGlite } from '@electric-sql/pglite'
import type pg from 'pg'
import PgBoss from 'pg-boss'
import type { Database } from './client.js'

/** pg-boss keeps its tables in a schema of its own. */
export const JOB_SCHEMA = 'pgboss'

/** The service's queues (server/plugins/jobs.ts runs them), and pg-boss's own queue of its cron schedules. */
export const JOB_QUEUES = ['mail', 'webhooks', 'deadline-reminders', 'supplement-reminders', 'appraisal-reminders', 'evidence-cleanup', 'token-prune'] as const
export type JobQueue = typeof JOB_QUEUES[number]
const SCHEDULE_QUEUE = '__pgboss__send-it'

/** A failed job is tried again three times, 30 s, 60 s and 120 s later; one that runs 10 minutes is given up as failed. */
const QUEUE_OPTIONS = { policy: 'standard', retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 600 }

export interface SqlExecutor {
  executeSql: (text: string, values?: unknown[]) => Promise<{ rows: any[] }>
}

/** pg-boss over a pg pool or one client: both take several statements in one text when there are no values. */
export function pgExecutor (client: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    executeSql: async (text, values) => {
      const result = await client.query(text, values) as pg.QueryResult | pg.QueryResult[]
      // A text of several statements answers one result each; pg-boss reads the last.
      return Array.isArray(result) ? result[result.length - 1] ?? { rows: [] } : result
    }
  }
}

/**
 * pg-boss over PGlite: a text without values may hold several statements (pg-boss's schema changes run as one
 * BEGIN … COMMIT), which only exec() takes; with values, one prepared statement. PGlite runs one statement or
 * transaction at a time, so pg-boss's polling waits for the app's transactions and never interleaves with them.
 */
export function pgliteExecutor (client: PGlite): SqlExecutor {
  return {
    executeSql: async (text, values) => {
      if (values === undefined || values.length === 0) {
        const results = await client.exec(text)
        return { rows: results[results.length - 1]?.rows ?? [] }
      }
      return await client.query(text, values)
    }
  }
}

export function jobExecutor (database: Database): SqlExecutor {
  const client = (database.db as unknown as { $client: pg.Pool | PGlite }).$client
  return database.kind === 'pglite' ? pgliteExecutor(client as PGlite) : pgExecutor(client as pg.Pool)
}

/**
 * Creates pg-boss's schema, or brings an older one up to this pg-boss's version; nothing when it is current. Run
 * with the migrations, as the owner, so the service's own role never needs to create tables.
 */
export async function installJobQueue (executor: SqlExecutor): Promise<void> {
  // to_regclass, not information_schema.tables: on the embedded database's cold catalogs 1-2 ms against 40-60 ms.
  const { rows: [installed] } = await executor.executeSql('select to_regclass($1) is not null as present', [`${JOB_SCHEMA}.version`])
  if (!installed?.present) {
    await executor.executeSql(PgBoss.getConstructionPlans(JOB_SCHEMA))
  } else {
    const { rows: [current] } = await executor.executeSql(`select version from ${JOB_SCHEMA}.version`)
    const version = Number(current?.version ?? 0)
    // One plan takes the schema from its version through every later one, in one transaction.
    if (version < jobSchemaVersion()) await executor.executeSql(PgBoss.getMigrationPlans(JOB_SCHEMA, String(version)))
  }
  // Each queue is a table of its own (a partition), so queues are created here too, by the owner; an existing one is
  // kept, and not asked for again (each start of the service migrates: on the embedded database a call took 10-70 ms).
  const { rows: existing } = await executor.executeSql(`select name from ${JOB_SCHEMA}.queue`)
  const present = new Set(existing.map((row) => String((row as { name: unknown }).name)))
  for (const name of [...JOB_QUEUES, SCHEDULE_QUEUE].filter((queue) => !present.has(queue))) {
    await executor.executeSql(`select ${JOB_SCHEMA}.create_queue($1, $2::json)`, [name, JSON.stringify(name === SCHEDULE_QUEUE ? { policy: 'standard' } : QUEUE_OPTIONS)])
  }
}

/** The schema version this pg-boss expects (its version.json). */
export function jobSchemaVersion (): number {
  // Read through pg-boss's own construction plan, which ends by inserting its version.
  const match = /INSERT INTO \S+\.version\(version\) VALUES \('?(\d+)'?\)/i.exec(PgBoss.getConstructionPlans(JOB_SCHEMA))
  if (!match) throw new Error('pg-boss\'s construction plan names no schema version')
  return Number(match[1])
}
