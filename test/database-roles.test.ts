// The two database roles of a deployment (deploy/postgres/10-roles.sh, run here with names of its own): migrations run
// as the owner, the service as the app role, which works normally but cannot rewrite, delete or truncate the audit
// log, nor disable its triggers.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import t from 'tap'
import { projectRoot } from '../server/paths.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'

const serverUrl = process.env.TEST_DATABASE_URL

t.test('the app role works normally but may only read and append to the audit log', { skip: serverUrl ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): roles are the server\'s' }, async (t) => {
  const suffix = randomBytes(4).toString('hex')
  const [owner, appRole, name] = [`par_owner_${suffix}`, `par_app_${suffix}`, `par_test_${suffix}`]
  const script = readFileSync(join(projectRoot, 'deploy', 'postgres', '10-roles.sh'), 'utf8')
  const sqlText = /<<SQL\n([\s\S]*?)\nSQL/.exec(script)?.[1] ?? ''
  t.ok(sqlText.includes('CREATE ROLE par_owner'), 'the script\'s SQL is found')
  const statements = sqlText
    .replace(/par_owner/g, owner).replace(/par_app/g, appRole)
    .replace(/\$\{PAR_OWNER_PASSWORD\}/g, 'owner-secret').replace(/\$\{PAR_APP_PASSWORD\}/g, 'app-secret').replace(/\$\{POSTGRES_DB\}/g, name)
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = (role: string, password: string) => {
    const parsed = new URL(serverUrl as string)
    parsed.username = role
    parsed.password = password
    parsed.pathname = `/${name}`
    return parsed.toString()
  }
  const superuser = new URL(serverUrl as string)
  superuser.pathname = `/${name}`
  const setup = new pg.Client({ connectionString: superuser.toString() })
  await setup.connect()
  await setup.query(statements)
  await setup.end()
  t.teardown(async () => {
    const dropper = new pg.Client({ connectionString: serverUrl })
    await dropper.connect()
    await dropper.query(`drop database if exists ${name} with (force)`)
    await dropper.query(`drop role if exists ${appRole}`)
    await dropper.query(`drop role if exists ${owner}`)
    await dropper.end()
  })

  const { openDatabase } = await import('../server/db/client.js')
  const database = await openDatabase({ url: url(appRole, 'app-secret'), dataDir: 'unused', poolSize: 3 })
  const app = await buildTestApp(t, { database, migrate: true, config: { MIGRATION_DATABASE_URL: url(owner, 'owner-secret') } })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200, `migrated by the owner, ready as the app role: ${ready.body}`)
  const adminUser = await loginAs(app, 'admin')
  const created = await app.inject({ method: 'POST', url: '/units', headers: adminUser.headers, payload: { code: 'X-ROLE', name: 'Đơn vị thử', unitType: 'department' } })
  t.equal(created.statusCode, 201, 'the service writes and audits as the app role')

  const asApp = new pg.Client({ connectionString: url(appRole, 'app-secret') })
  await asApp.connect()
  t.teardown(() => asApp.end())
  const [{ count }] = (await asApp.query<{ count: number }>('select count(*)::int as count from audit_log')).rows as [{ count: number }]
  t.ok(count > 0, 'it reads the audit log')
  for (const statement of ['update audit_log set reason = \'sửa\'', 'delete from audit_log', 'truncate audit_log',
    'alter table audit_log disable trigger audit_log_no_update', 'alter table audit_log disable trigger all', 'drop table audit_log']) {
    const refused = await asApp.query(statement).then(() => null, (error: { code?: string }) => error.code)
    t.ok(refused === '42501' || refused === '42P01', `${statement}: refused (${String(refused)})`)
  }
})
