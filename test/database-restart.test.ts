// Fault test on a real PostgreSQL that the test starts itself (initdb/pg_ctl, its own directory and port; as the postgres user
// when run as root): it is stopped for 8 s under four writers and started again. The process survives, answers 503
// DATABASE_UNAVAILABLE with Retry-After meanwhile, resumes within 5 s, and keeps every save it answered 201, whole.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import pg from 'pg'
import { openDatabase } from '../server/db/client.js'
import { migrate } from '../server/db/migrate.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { freePort } from './helpers/net.js'

const OUTAGE_MS = 8000
const RECOVERY_LIMIT_MS = 5000

function postgresBin (): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] ? join(root, versions[0], 'bin') : null
}

// initdb and postgres refuse to run as root: then they run as the machine's postgres user.
function runner (): string[] | null {
  if (process.getuid?.() !== 0) return []
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' })
    return ['runuser', '-u', 'postgres', '--']
  } catch {
    return null
  }
}

const bin = postgresBin()
const prefix = runner()
if (!bin || !prefix) {
  t.plan(0, !bin ? 'skipped: no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql' : 'skipped: running as root and there is no postgres user to run PostgreSQL as')
} else {
  t.test('the service survives PostgreSQL going away under load, answers 503 meanwhile, and resumes by itself', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'par-outage-'))
    chmodSync(dir, 0o777)
    const data = join(dir, 'data')
    const port = await freePort()
    const run = (command: string, args: string[]) => {
      const [program, ...rest] = [...prefix, join(bin, command), ...args]
      return execFileSync(program as string, rest, { stdio: 'pipe', timeout: 30000 })
    }
    const start = () => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'])
    const stop = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
    start()
    t.teardown(() => {
      try { stop() } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true })
    })

    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    const database = await openDatabase({ url, dataDir: 'unused', poolSize: 5 })
    await migrate(database)
    const app = await buildTestApp(t, { database })
    const admin = await loginAs(app, 'admin')

    const outcomes: { status: number, code?: string, retryAfter?: string, at: number, unitCode: string }[] = []
    const state = { running: true }
    let sequence = 0
    const writer = async (id: number) => {
      while (state.running) {
        const unitCode = `OUT-${id}-${++sequence}`
        const response = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: unitCode, name: `Đơn vị ${unitCode}`, unitType: 'department' } })
        const body = String(response.headers['content-type'] ?? '').includes('json') ? response.json() : {}
        outcomes.push({ status: response.statusCode, code: body.code, retryAfter: response.headers['retry-after'] as string | undefined, at: Date.now(), unitCode })
        if (response.statusCode !== 201) await sleep(50)
      }
    }
    const writers = [1, 2, 3, 4].map(writer)

    await sleep(1500)
    const stoppedAt = Date.now()
    stop()
    await sleep(OUTAGE_MS)
    start()
    const startedAt = Date.now()
    // Keep saving until the service answered 201 for a while after the restart.
    while (Date.now() - startedAt < RECOVERY_LIMIT_MS + 2000) await sleep(100)
    state.running = false
    await Promise.all(writers)

    t.ok(outcomes.filter((outcome) => outcome.at < stoppedAt && outcome.status === 201).length > 0, 'saves succeeded before the outage')
    const unexpected = outcomes.filter((outcome) => outcome.status !== 201 && outcome.status !== 503)
    t.same(unexpected.slice(0, 5), [], 'every answer is a 201 or a 503, never a 500')
    const unavailable = outcomes.filter((outcome) => outcome.status === 503)
    t.ok(unavailable.length > 0, 'the outage was answered 503')
    t.ok(unavailable.every((outcome) => outcome.code === 'DATABASE_UNAVAILABLE' && outcome.retryAfter !== undefined), 'each 503 is DATABASE_UNAVAILABLE with Retry-After')
    const recovered = outcomes.find((outcome) => outcome.at > startedAt && outcome.status === 201)
    t.ok(recovered, 'saves succeed again after the restart')
    t.ok(recovered && recovered.at - startedAt <= RECOVERY_LIMIT_MS, `recovered within ${RECOVERY_LIMIT_MS} ms (took ${recovered ? recovered.at - startedAt : '∞'} ms)`)
    t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'ready again')

    const check = new pg.Client({ connectionString: url })
    await check.connect()
    t.teardown(() => check.end())
    const stored = new Set((await check.query<{ code: string }>('select code from units where code like \'OUT-%\'')).rows.map((row) => row.code))
    const answered = outcomes.filter((outcome) => outcome.status === 201).map((outcome) => outcome.unitCode)
    t.same(answered.filter((code) => !stored.has(code)), [], 'every save answered 201 is in the database')
    const halfSaved = await check.query('select u.code from units u left join audit_log a on a.entity_type = \'unit\' and a.entity_id = u.id::text and a.action = \'unit.create\' where u.code like \'OUT-%\' and a.id is null')
    t.same(halfSaved.rows, [], 'no unit was stored without its audit row (no half save)')
    t.comment(`${answered.length} saves answered 201, ${unavailable.length} answered 503, ${stored.size} stored`)
  })
}
