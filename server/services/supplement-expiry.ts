// Supplement expiry, below both the appraisal and the supplement services, so neither imports the other in a cycle.
import { sql, type Placeholder, type SQL } from 'drizzle-orm'
import { PgTransaction } from 'drizzle-orm/pg-core'
import type { Db, Executor, Tx } from '../db/client.js'
import { compiledStatement, queryRows } from '../db/rows.js'
import type { Actor } from './context.js'
import { supplementExpired } from './notifications/events.js'

/**
 * Closes as `expired` every open supplement request whose due date has passed by the database clock, writing one
 * audit row by the system for each in the same statement. Everything that depends on which requests are open runs
 * this first, so a request is never open past its due date; the supplement job runs it too, so the unit and the
 * appraiser hear of the expiry (in the same transaction) even when no one reads.
 */
export async function expireDueRequests (db: Executor, actor: Actor, where: Where): Promise<number> {
  if (db instanceof PgTransaction) return await expireIn(db as Tx, actor, where)
  // Reads call this first (every appraisal screen and progress): most find nothing due, and then need no transaction
  // (one statement, not three), prepared per shape of the filter.
  const [due] = await dueStatement(where)<{ due: boolean }>(db, where)
  return due?.due === true ? await (db as Db).transaction((tx) => expireIn(tx, actor, where)) : 0
}

type Where = { roundId?: string | undefined, unitId?: string | undefined, requestId?: string | undefined }
/** A Where whose values may also be placeholders of a prepared statement. */
type Filter = { [K in keyof Where]: Where[K] | Placeholder }

const FILTER_KEYS = ['roundId', 'unitId', 'requestId'] as const

/** The check for due requests, built once and prepared for each set of keys a filter gives (at most eight). */
const dueStatements = new Map<string, ReturnType<typeof compiledStatement<Where>>>()
function dueStatement (where: Where) {
  const keys = FILTER_KEYS.filter((key) => where[key] !== undefined)
  const name = `supplements_due_${keys.join('_') || 'all'}`
  let statement = dueStatements.get(name)
  if (statement === undefined) {
    dueStatements.set(name, statement = compiledStatement<Where>(name, (p) =>
      sql`select exists (select 1 from supplement_requests where ${dueFilter(Object.fromEntries(keys.map((key) => [key, p[key]])))}) as due`))
  }
  return statement
}

function dueFilter (where: Filter): SQL {
  const filters: SQL[] = [sql`status = 'open'`, sql`due_at <= now()`]
  if (where.roundId !== undefined) filters.push(sql`round_id = ${where.roundId}`)
  if (where.unitId !== undefined) filters.push(sql`unit_id = ${where.unitId}`)
  if (where.requestId !== undefined) filters.push(sql`id = ${where.requestId}`)
  return sql.join(filters, sql` and `)
}

async function expireIn (db: Tx, actor: Actor, where: Where): Promise<number> {
  // The same row audit() writes, for the system actor; one statement keeps the expiry and its record together.
  const rows = await queryRows<{ id: string, round_id: string, unit_id: string, leaf_codes: string[], created_by: string }>(db, sql`
    with expired as (
      update supplement_requests set status = 'expired', closed_at = due_at
      where ${dueFilter(where)}
      returning id, round_id, unit_id, leaf_codes, due_at, created_by
    ), audited as (
      insert into audit_log (actor_type, actor_id, actor_name, action, entity_type, entity_id, before, after, reason, request_id)
      select 'system', null, 'system', 'supplement.expire', 'supplement_request', e.id::text,
        jsonb_build_object('status', 'open'),
        jsonb_build_object('status', 'expired', 'roundId', e.round_id, 'unitId', e.unit_id, 'leafCodes', e.leaf_codes, 'dueAt', e.due_at),
        'The due date passed without an answer; the leaves are locked again.', ${actor.requestId ?? null}::text
      from expired e
    )
    select id, round_id, unit_id, leaf_codes, created_by from expired`)
  for (const row of rows) await supplementExpired(db, { roundId: row.round_id, unitId: row.unit_id, leafCodes: row.leaf_codes, createdBy: row.created_by })
  return rows.length
}
