// The job queue (pg-boss in the same database): every instance runs the workers and each job is done once across
// them; schedules fire the reminders, e-mail and clean-ups; `app.jobs.run(name)` runs one now and waits for it.
import { setImmediate as nextTurn } from 'node:timers/promises'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import PgBoss from 'pg-boss'
import type { Config } from '../config.js'
import { JOB_SCHEMA, jobExecutor, type JobQueue } from '../db/job-queue.js'
import { ROUND_TIME_ZONE } from '../domain/lifecycle.js'
import { pruneExpiredTokens, removeUnattachedEvidence } from '../services/jobs/maintenance.js'
import { sendAppraisalReminders, sendDeadlineReminders, sendSupplementReminders } from '../services/jobs/reminders.js'
import { deliverPendingMail, smtpMailer, type Mailer } from '../services/notifications/mail.js'
import { deliverPendingWebhooks } from '../services/webhooks/deliver.js'

export interface JobRun { id: string, state: 'completed' | 'failed', output: unknown }

export interface Jobs {
  /** Whether this instance runs the queue: JOBS_ENABLED, and its start has not failed. */
  readonly running: boolean
  /**
   * Settles when the queue has started in this instance: pg-boss started, each queue's worker polling and its schedule
   * written. The start begins once the app is ready and runs beside the first requests (see jobsPlugin).
   */
  readonly started: Promise<void>
  /** Queues one job now and resolves when a worker (of any instance) has completed it or it has failed for good. */
  run: (name: JobQueue, options?: { timeoutMs?: number }) => Promise<JobRun>
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: Jobs
  }
}

export type JobsPluginOptions = Pick<Config, 'JOBS_ENABLED' | 'JOBS_SCHEDULE' | 'JOBS_POLL_SECONDS' | 'SMTP_URL' | 'MAIL_FROM' | 'APP_PUBLIC_URL' | 'EVIDENCE_UNATTACHED_GRACE_HOURS' |
  'WEBHOOK_ALLOW_HTTP' | 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES' | 'WEBHOOK_TIMEOUT_SECONDS' | 'WEBHOOK_DISABLE_AFTER_FAILURES'>

/** The wait before a failed start of the queue is tried again, doubled after each failure up to the longest. */
const RETRY_FIRST_MS = 1000
const RETRY_MAX_MS = 60_000

/** Each queue's work and when it runs (cron, in Vietnam's time). */
function definitions (app: FastifyInstance, options: JobsPluginOptions, mailer: Mailer | null): Record<JobQueue, { cron: string, work: () => Promise<unknown> }> {
  return {
    mail: { cron: '* * * * *', work: () => deliverPendingMail(app.db, mailer) },
    webhooks: {
      cron: '* * * * *',
      work: () => deliverPendingWebhooks(app.db, {
        allowHttp: options.WEBHOOK_ALLOW_HTTP,
        allowPrivate: options.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
        timeoutMs: options.WEBHOOK_TIMEOUT_SECONDS * 1000,
        disableAfter: options.WEBHOOK_DISABLE_AFTER_FAILURES
      })
    },
    'deadline-reminders': { cron: '5 * * * *', work: async () => ({ notified: await sendDeadlineReminders(app.db) }) },
    'supplement-reminders': { cron: '*/10 * * * *', work: async () => ({ notified: await sendSupplementReminders(app.db) }) },
    'appraisal-reminders': { cron: '10 * * * *', work: async () => ({ notified: await sendAppraisalReminders(app.db) }) },
    'evidence-cleanup': { cron: '30 2 * * *', work: async () => ({ removed: await removeUnattachedEvidence(app.db, app.evidenceStore, options.EVIDENCE_UNATTACHED_GRACE_HOURS) }) },
    'token-prune': { cron: '15 2 * * *', work: () => pruneExpiredTokens(app.db) }
  }
}

/**
 * Counts the queue's work in progress: pg-boss's statements and the jobs' handlers. pg-boss's stop() answers once no
 * job is in hand, but a worker's fetch may still be on its way back with a job, and pg-boss records a job's end
 * without waiting for it; `settled` waits until none of that is left, so the database is not closed under them.
 */
function workInProgress () {
  let count = 0
  let wake: (() => void) | undefined
  return {
    track: async <T>(work: () => Promise<T>): Promise<T> => {
      count++
      try {
        return await work()
      } finally {
        if (--count === 0) wake?.()
      }
    },
    /** Resolves with what is still in progress when nothing is (0) or at the deadline. */
    settled: async (deadline: number): Promise<number> => {
      for (;;) {
        // What ended may start the next step within the same turn of the event loop (a fetched job's handler, the
        // statement recording its end): count after that turn, not at the moment the last one ended.
        await nextTurn()
        const left = deadline - Date.now()
        if (count === 0 || left <= 0) return count
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          wake = () => { clearTimeout(timer); resolve() }
        })
        wake = undefined
      }
    }
  }
}

const notRunning: Jobs = {
  running: false,
  started: Promise.resolve(),
  run: () => Promise.reject(new Error('The job queue is not running in this instance (JOBS_ENABLED=false)'))
}

async function jobsPlugin (app: FastifyInstance, options: JobsPluginOptions): Promise<void> {
  if (!options.JOBS_ENABLED) {
    app.decorate('jobs', notRunning)
    return
  }
  const mailer = options.SMTP_URL ? await smtpMailer({ url: options.SMTP_URL, from: options.MAIL_FROM, appUrl: options.APP_PUBLIC_URL }) : null
  // The schema and the queues were installed by migrate() as the owner; this only checks the version.
  const inProgress = workInProgress()
  const executor = jobExecutor(app.database)
  // The embedded database runs each statement on the event loop, and pg-boss's run one after another as soon as the one
  // before answers, all within one turn: each waits for the next turn first, so requests that came in between (the
  // first ones after a start, while the queue starts) are served between two of the queue's statements, not after all.
  const embedded = app.database.kind === 'pglite'
  const db = {
    executeSql: (text: string, values?: unknown[]) => inProgress.track(async () => {
      if (embedded) await nextTurn()
      return await executor.executeSql(text, values)
    })
  }
  // Each attempt to start is a pg-boss of its own: one whose start failed cannot be started again.
  const newBoss = () => {
    const boss = new PgBoss({ db, schema: JOB_SCHEMA, migrate: false, supervise: true, schedule: options.JOBS_SCHEDULE })
    boss.on('error', (error: Error) => { app.log.error({ err: error }, 'job queue error') })
    return boss
  }
  let boss = newBoss()
  const pollingIntervalSeconds = options.JOBS_POLL_SECONDS
  const start = async () => {
    await boss.start()
    // A schedule already stored with its cron and time zone is left as it is (each start wrote all seven again: on the
    // embedded database 9-60 ms each); one missing or changed (by hand, or by a new version of this file) is written.
    const stored = new Map(options.JOBS_SCHEDULE ? (await boss.getSchedules() as Array<PgBoss.Schedule & { timezone?: string }>).map((schedule) => [schedule.name, schedule]) : [])
    for (const [name, definition] of Object.entries(definitions(app, options, mailer)) as [JobQueue, { cron: string, work: () => Promise<unknown> }][]) {
      await boss.work(name, { pollingIntervalSeconds, batchSize: 1 }, () => inProgress.track(async () => {
        const output = await definition.work()
        app.log.info({ job: name, output }, 'job done')
        return output
      }))
      const schedule = stored.get(name)
      if (options.JOBS_SCHEDULE && (schedule?.cron !== definition.cron || schedule.timezone !== ROUND_TIME_ZONE)) {
        await boss.schedule(name, definition.cron, undefined, { tz: ROUND_TIME_ZONE })
      }
    }
  }
  // The queue starts once the app is ready, beside its first requests, not before them: its start is some 15
  // statements (pg-boss's own, a first poll per queue, the schedules), and the embedded database runs one statement at a
  // time on the event loop, so starting first held the service's readiness back by 0.3-0.4 s. Nothing the API answers
  // waits for it but `run` and the job queue's own summary. A start that fails (the database gone for a moment, say)
  // is logged, `run` fails with it meanwhile, and the queue tries again after 1 s, then 2, 4, … up to a minute apart.
  let started: Promise<void> | undefined
  let failed = false
  let closing = false
  let retry: NodeJS.Timeout | undefined
  let retryMs = RETRY_FIRST_MS
  const whenStarted = () => (started ??= start().then(() => { failed = false }, async (error: unknown) => {
    failed = true
    // What the attempt began (workers, schedules) stops; the next attempt is a new pg-boss.
    await boss.stop({ graceful: false, close: false, wait: true, timeout: 1000 }).catch(() => undefined)
    if (!closing) {
      app.log.error({ err: error, retryInSeconds: retryMs / 1000 }, 'the job queue did not start; it will try again')
      retry = setTimeout(() => {
        retry = undefined
        boss = newBoss()
        started = undefined
        whenStarted().catch(() => undefined)
      }, retryMs)
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
    }
    throw error
  }))
  app.addHook('onReady', async () => { whenStarted().catch(() => undefined) }) // awaited by `run`, `started` and the close
  app.decorate('jobs', {
    // Not running while its start has failed (until an attempt succeeds): GET /jobs says so, as the log does.
    get running () { return !failed },
    get started () { return whenStarted() },
    run: async (name: JobQueue, { timeoutMs = 30_000 } = {}) => {
      await whenStarted()
      const id = await boss.send(name, {})
      if (id === null) throw new Error(`The job queue refused a job of ${name}`)
      const until = Date.now() + timeoutMs
      // Waits on the job's own state (pg-boss records it), not on a guess of how long it takes.
      for (;;) {
        if (closing) throw new Error(`The service is closing; job ${name} ${id} is left to the queue`)
        const job = await boss.getJobById(name, id, { includeArchive: true })
        if (job?.state === 'completed' || job?.state === 'failed') return { id, state: job.state, output: job.output }
        if (Date.now() > until) throw new Error(`Job ${name} ${id} did not finish within ${timeoutMs} ms (state ${job?.state ?? 'unknown'})`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    }
  } satisfies Jobs)
  // Before the database closes: workers stop polling and finish the job in hand, and pg-boss's last statements end.
  app.addHook('preClose', async () => {
    closing = true
    clearTimeout(retry)
    const deadline = Date.now() + 10_000
    // A start still under way ends first (or fails: then pg-boss stops what it began); one never begun has nothing to stop.
    if (started !== undefined) {
      await started.catch(() => undefined)
      await boss.stop({ graceful: true, close: false, wait: true, timeout: 5000 })
    }
    const left = await inProgress.settled(deadline)
    if (left > 0) app.log.warn({ left }, 'job queue: closing with work still in progress')
    mailer?.transport.close()
  })
}

export default fp(jobsPlugin, { name: 'jobs', dependencies: ['db', 'storage'] })
