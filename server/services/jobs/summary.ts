// What admins see of the job queue: per queue the jobs waiting, running and failed, the last run and the schedule.
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { JOB_QUEUES, JOB_SCHEMA, type JobQueue } from '../../db/job-queue.js'
import { queryRows, toIso } from '../../db/rows.js'

export interface JobQueueSummary {
  name: JobQueue
  cron: string | null
  queued: number
  active: number
  failed: number
  lastCompletedAt: string | null
  lastFailedAt: string | null
  lastError: string | null
}

export interface MailSummary { pending: number, sent: number, failed: number, skipped: number }

/** Per queue, counted over the live jobs and the archive (completed jobs move there after a while). */
export async function jobSummary (db: Executor): Promise<{ queues: JobQueueSummary[], mail: MailSummary }> {
  const schema = sql.identifier(JOB_SCHEMA)
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    with jobs as (
      select name, state::text as state, completed_on, output from ${schema}.job
      union all select name, state::text, completed_on, output from ${schema}.archive
    )
    select q.name, s.cron,
      count(j.name) filter (where j.state in ('created', 'retry'))::int as queued,
      count(j.name) filter (where j.state = 'active')::int as active,
      count(j.name) filter (where j.state = 'failed')::int as failed,
      max(j.completed_on) filter (where j.state = 'completed') as last_completed_at,
      max(j.completed_on) filter (where j.state = 'failed') as last_failed_at,
      (array_agg(j.output ->> 'message' order by j.completed_on desc) filter (where j.state = 'failed'))[1] as last_error
    from unnest(${sql.raw(`array[${JOB_QUEUES.map((name) => `'${name}'`).join(', ')}]`)}::text[]) with ordinality q(name, ordinal)
    left join jobs j on j.name = q.name
    left join ${schema}.schedule s on s.name = q.name
    group by q.name, q.ordinal, s.cron order by q.ordinal`)
  const [mail] = await queryRows<Record<string, number>>(db, sql`
    select count(*) filter (where status = 'pending')::int as pending, count(*) filter (where status = 'sent')::int as sent,
      count(*) filter (where status = 'failed')::int as failed, count(*) filter (where status = 'skipped')::int as skipped
    from mail_deliveries`)
  return {
    queues: rows.map((row) => ({
      name: String(row.name) as JobQueue,
      cron: row.cron === null ? null : String(row.cron),
      queued: Number(row.queued),
      active: Number(row.active),
      failed: Number(row.failed),
      lastCompletedAt: toIso(row.last_completed_at),
      lastFailedAt: toIso(row.last_failed_at),
      lastError: row.last_error === null ? null : String(row.last_error)
    })),
    mail: { pending: Number(mail?.pending ?? 0), sent: Number(mail?.sent ?? 0), failed: Number(mail?.failed ?? 0), skipped: Number(mail?.skipped ?? 0) }
  }
}
