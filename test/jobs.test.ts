// The job queue's guarantees, seen from outside: an e-mail the mail server refuses is tried again after a doubling
// wait and recorded as failed after the last attempt; with two instances on one database, each e-mail goes out once.
import t from 'tap'
import { sql, type SQL } from 'drizzle-orm'
import { setTimeout as sleep } from 'node:timers/promises'
import { installJobQueue, jobExecutor } from '../server/db/job-queue.js'
import { queryRows } from '../server/db/rows.js'
import { MAIL_MAX_ATTEMPTS } from '../server/services/notifications/mail.js'
import { buildTestApp, freshDatabase } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { sharedDatabase } from './helpers/instances.js'
import { jobsConfig, startSmtp } from './helpers/smtp.js'

type App = Awaited<ReturnType<typeof buildTestApp>>

const rows = <T>(app: App, query: SQL) => queryRows<T>(app.db, query)

/** A notification of a user with its e-mail to send, as notify() writes them (the events are tested in notifications.test.ts). */
async function queueMail (app: App, userId: string, address: string, title: string): Promise<string> {
  const [row] = await rows<{ id: string }>(app, sql`
    with written as (
      insert into notifications (user_id, kind, title, body, link) values (${userId}, 'results_published', ${title}, 'Kết quả đã được công bố.', '/results')
      returning id
    )
    insert into mail_deliveries (notification_id, address) select id, ${address} from written returning id`)
  return row!.id
}

async function delivery (app: App, id: string) {
  const [row] = await rows<{ status: string, attempts: number, last_error: string | null, wait_s: number }>(app, sql`
    select status, attempts, last_error, extract(epoch from next_attempt_at - now())::float8 as wait_s from mail_deliveries where id = ${id}`)
  return row!
}

t.test('an e-mail the mail server refuses is tried again after a doubling wait, then sent; after the last attempt it is failed', async (t) => {
  const smtp = await startSmtp(t)
  const app = await buildTestApp(t, { config: jobsConfig(smtp.url) })
  const admin = await loginAs(app, 'admin')
  const reader = await loginAs(app, 'appraiser')
  const mailJob = async () => t.equal((await app.jobs.run('mail')).state, 'completed')

  const id = await queueMail(app, reader.user.id, 'thamdinh@thanhhoa.gov.vn', 'Công bố kết quả: kỳ thử')
  smtp.refuse(1)
  await mailJob()
  let row = await delivery(app, id)
  t.match(row, { status: 'pending', attempts: 1, last_error: /451|tạm thời/ }, 'refused once: still pending, with the error')
  t.ok(row.wait_s > 50 && row.wait_s <= 60, `the next attempt waits a minute (${row.wait_s.toFixed(1)} s)`)
  await mailJob()
  t.equal((await delivery(app, id)).attempts, 1, 'not tried again before its time')
  t.same(smtp.mailsTo('thamdinh@thanhhoa.gov.vn'), [])

  await rows(app, sql`update mail_deliveries set next_attempt_at = now() where id = ${id}`)
  smtp.refuse(1)
  await mailJob()
  row = await delivery(app, id)
  t.match(row, { status: 'pending', attempts: 2 })
  t.ok(row.wait_s > 110 && row.wait_s <= 120, `the wait doubles (${row.wait_s.toFixed(1)} s)`)

  await rows(app, sql`update mail_deliveries set next_attempt_at = now() where id = ${id}`)
  await mailJob()
  t.match(await delivery(app, id), { status: 'sent', attempts: 3, last_error: null })
  t.same(smtp.mailsTo('thamdinh@thanhhoa.gov.vn').map((mail) => mail.subject), ['Công bố kết quả: kỳ thử'], 'arrived once')

  const doomed = await queueMail(app, reader.user.id, 'sai-dia-chi@thanhhoa.gov.vn', 'Công bố kết quả: lần cuối')
  smtp.refuse(MAIL_MAX_ATTEMPTS)
  for (let attempt = 1; attempt <= MAIL_MAX_ATTEMPTS; attempt++) {
    await rows(app, sql`update mail_deliveries set next_attempt_at = now() where id = ${doomed}`)
    await mailJob()
  }
  t.match(await delivery(app, doomed), { status: 'failed', attempts: MAIL_MAX_ATTEMPTS, last_error: /451|tạm thời/ })
  await rows(app, sql`update mail_deliveries set next_attempt_at = now() where id = ${doomed}`)
  await mailJob()
  t.equal((await delivery(app, doomed)).attempts, MAIL_MAX_ATTEMPTS, 'a failed e-mail is not tried again')
  const summary = (await app.inject({ method: 'GET', url: '/jobs', headers: admin.headers })).json()
  t.match(summary.mail, { sent: 1, failed: 1, pending: 0 }, 'GET /jobs counts them by status')
})

t.test('the token-prune job deletes login tokens a day past their expiry or revocation and stale login failures, nothing else', async (t) => {
  const app = await buildTestApp(t, { config: jobsConfig() })
  const [current, expired, revoked, recentlyExpired] = await Promise.all([1, 2, 3, 4].map(() => loginAs(app, 'viewer')))
  const sessionOf = async (who: { user: { id: string } }) => (await rows<{ id: string }>(app, sql`select id from sessions where user_id = ${who.user.id}`))[0]!.id
  await rows(app, sql`update sessions set expires_at = now() - interval '2 days' where id = ${await sessionOf(expired!)}`)
  await rows(app, sql`update sessions set expires_at = now() - interval '1 hour' where id = ${await sessionOf(recentlyExpired!)}`)
  t.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: revoked!.headers })).statusCode, 204)
  await rows(app, sql`update sessions set revoked_at = now() - interval '2 days' where id = ${await sessionOf(revoked!)}`)
  for (const username of [current!.user.username, expired!.user.username]) {
    t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: 'không đúng mật khẩu' } })).statusCode, 401)
  }
  await rows(app, sql`update login_failures set last_failure_at = now() - interval '2 days' where username = ${expired!.user.username}`)

  t.match(await app.jobs.run('token-prune'), { state: 'completed', output: { sessions: 2, loginFailures: 1 } })
  const left = await rows<{ user_id: string }>(app, sql`select user_id from sessions`)
  t.same(left.map((row) => row.user_id).sort(), [current!.user.id, recentlyExpired!.user.id].sort(), 'the current token and the one expired within the day stay')
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: current!.headers })).statusCode, 200, 'the current token still works')
  t.same((await rows<{ username: string }>(app, sql`select username from login_failures`)).map((row) => row.username), [current!.user.username], 'the recent failure stays, counted')
})

t.test('an instance fires the jobs on their schedules (Vietnam\'s time) unless JOBS_SCHEDULE is false; its workers work either way', async (t) => {
  const schedules = async (app: App) => rows<{ name: string, cron: string, timezone: string }>(app, sql`select name, cron, timezone from pgboss.schedule order by name`)
  const scheduling = await buildTestApp(t, { config: { ...jobsConfig(), JOBS_SCHEDULE: true } })
  // The queue starts once the app is ready, beside its first requests; the schedules are written by then.
  await scheduling.jobs.started
  t.same(await schedules(scheduling), Object.entries({
    'appraisal-reminders': '10 * * * *',
    'deadline-reminders': '5 * * * *',
    'evidence-cleanup': '30 2 * * *',
    mail: '* * * * *',
    'supplement-reminders': '*/10 * * * *',
    'token-prune': '15 2 * * *',
    webhooks: '* * * * *'
  }).map(([name, cron]) => ({ name, cron, timezone: 'Asia/Ho_Chi_Minh' })))
  const queues = async (app: App) => (await app.inject({ method: 'GET', url: '/jobs', headers: (await loginAs(app, 'admin')).headers })).json().queues
    .map((queue: { name: string, cron: string | null }) => [queue.name, queue.cron])
  t.same(Object.fromEntries(await queues(scheduling)), Object.fromEntries((await schedules(scheduling)).map((row) => [row.name, row.cron])), 'GET /jobs shows each queue\'s schedule')
  const unscheduled = await buildTestApp(t, { config: jobsConfig() })
  await unscheduled.jobs.started
  t.same(await schedules(unscheduled), [], 'nothing scheduled')
  t.same((await queues(unscheduled)).map(([, cron]: [string, string | null]) => cron), Array(7).fill(null), 'GET /jobs shows none for any of the seven')
  t.match(await unscheduled.jobs.run('token-prune'), { state: 'completed', output: { sessions: 0 } }, 'a job asked for is still done')
})

t.test('the queue starts beside the service, not before it: a queue that cannot start leaves the service answering, a job asked for fails with the reason, and the start is tried again until it succeeds', async (t) => {
  const database = await freshDatabase(t, { migrated: true })
  // The queue's tables gone after the migrations (as if removed by hand): pg-boss, told not to install them, cannot start.
  await queryRows(database.db, sql`drop schema pgboss cascade`)
  const app = await buildTestApp(t, { database, migrate: false, config: jobsConfig() })
  const admin = await loginAs(app, 'admin')
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'the service is ready')
  t.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: admin.headers })).statusCode, 200, 'and answers')
  await t.rejects(app.jobs.started, 'the start failed')
  t.equal(app.jobs.running, false, 'the instance no longer counts as running the queue')
  await t.rejects(app.jobs.run('token-prune'), 'a job asked for fails')

  // The tables back (as the next migration would put them): a later attempt starts the queue, with no restart.
  await installJobQueue(jobExecutor(database))
  const until = Date.now() + 20_000
  while (!app.jobs.running && Date.now() < until) await sleep(20)
  t.equal(app.jobs.running, true, 'the queue started on a later attempt')
  await app.jobs.started
  t.equal((await app.jobs.run('token-prune')).state, 'completed', 'and runs a job asked for')
})

const serverUrl = process.env.TEST_DATABASE_URL

t.test('two instances on one database: each e-mail goes out once, whichever instance runs the job', { skip: serverUrl ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): instances share one database' }, async (t) => {
  const smtp = await startSmtp(t)
  const databases = await sharedDatabase(t, serverUrl as string)
  const [one, two] = await Promise.all(databases.map((database) => buildTestApp(t, { database, migrate: false, config: jobsConfig(smtp.url) })))
  const reader = await loginAs(one!, 'appraiser')
  const addresses = Array.from({ length: 120 }, (_, i) => `donvi${i}@thanhhoa.gov.vn`)
  for (const address of addresses) await queueMail(one!, reader.user.id, address, `Thư cho ${address}`)

  // Both instances run the mail job again and again at once, each job taking a batch of 50.
  const runs = await Promise.all([one!, two!, one!, two!, one!, two!].map((app) => app.jobs.run('mail')))
  t.ok(runs.every((run) => run.state === 'completed'))
  const sentBy = runs.map((run) => (run.output as { sent: number }).sent)
  t.equal(sentBy.reduce((sum, sent) => sum + sent, 0), addresses.length, `every e-mail sent once in all (${sentBy.join(' + ')})`)
  t.same(addresses.filter((address) => smtp.mailsTo(address).length !== 1), [], 'each address received exactly one')
  const [counts] = await rows<{ sent: number, other: number }>(two!, sql`
    select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status <> 'sent')::int as other from mail_deliveries`)
  t.same(counts, { sent: addresses.length, other: 0 })
})

t.test('a start writes only the schedules missing or changed in the database, and leaves the others as they are', { skip: serverUrl ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): a second instance starts on the first one\'s database' }, async (t) => {
  const [first, second] = await sharedDatabase(t, serverUrl as string)
  const config = { ...jobsConfig(), JOBS_SCHEDULE: true }
  const one = await buildTestApp(t, { database: first, migrate: false, config })
  await one.jobs.started
  const stored = async () => Object.fromEntries((await rows<{ name: string, cron: string, updated: string }>(one, sql`
    select name, cron, updated_on::text as updated from pgboss.schedule`)).map((row) => [row.name, row]))
  const installed = await stored()
  t.equal(Object.keys(installed).length, 7)
  await rows(one, sql`update pgboss.schedule set cron = '0 0 * * *' where name = 'mail'`)
  await rows(one, sql`delete from pgboss.schedule where name = 'token-prune'`)
  await (await buildTestApp(t, { database: second, migrate: false, config })).jobs.started
  const after = await stored()
  t.equal(after.mail?.cron, '* * * * *', 'a changed schedule is written again')
  t.equal(after['token-prune']?.cron, '15 2 * * *', 'a missing one is written again')
  const others = Object.keys(installed).filter((name) => !['mail', 'token-prune'].includes(name))
  t.equal(others.length, 5)
  t.same(others.map((name) => after[name]?.updated), others.map((name) => installed[name]?.updated), 'the five others are not written')
})

t.test('closing while a worker\'s fetch is on its way back: the job it brings is done before the database closes', { skip: serverUrl ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): another connection holds the queue\'s table' }, async (t) => {
  const unhandled: unknown[] = []
  const record = (error: unknown) => { unhandled.push(error) }
  process.on('unhandledRejection', record)
  t.teardown(() => { process.off('unhandledRejection', record) })
  const [database, other] = await sharedDatabase(t, serverUrl as string)
  // Polling each second leaves the time to hold the queue's table between the job's arrival and the next fetch.
  const app = await buildTestApp(t, { database, migrate: false, config: { ...jobsConfig(), JOBS_POLL_SECONDS: 1 } })
  const otherRows = <T>(query: SQL) => queryRows<T>(other!.db, query)
  const job = async () => (await otherRows<{ id: string, state: string }>(sql`select id, state from pgboss.job where name = 'token-prune'`))[0]

  const run = app.jobs.run('token-prune').then(() => 'completed', (error: Error) => error.message)
  while (!(await job())) await new Promise((resolve) => setImmediate(resolve))
  // Another connection holds the queue's table, so the worker's next fetch waits for it, with the job to bring back.
  const table = `pgboss.${(await otherRows<{ partition: string }>(sql`select partition_name as partition from pgboss.queue where name = 'token-prune'`))[0]!.partition}`
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  let locked!: () => void
  const isLocked = new Promise<void>((resolve) => { locked = resolve })
  const held = other!.db.transaction(async (tx) => {
    await tx.execute(sql`lock table ${sql.raw(table)} in exclusive mode`)
    locked()
    await released
  })
  await isLocked
  while ((await otherRows<{ waiting: number }>(sql`select count(*)::int as waiting from pg_locks where not granted and relation = ${table}::regclass`))[0]!.waiting === 0) {
    await new Promise((resolve) => setImmediate(resolve))
  }
  const closed = app.close()
  // Close runs ahead (the queue stops, and before the mend the database closed) while the fetch is still held.
  await new Promise((resolve) => setTimeout(resolve, 200))
  release()
  await held
  await closed
  t.match(await run, /closing|completed/, 'the caller waiting on the job is answered')
  t.equal((await job())?.state, 'completed', 'the job fetched during the close ran and was recorded before the database closed')
  t.same(unhandled.map(String), [], 'nothing ran against a closed database')
})
