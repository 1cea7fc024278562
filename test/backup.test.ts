// `npm run backup` / `npm run restore`: a round with scores, audit rows and evidence is backed up, restored into a new
// database and data directory, and the restored service answers the same scores, audit log and file contents.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { openDatabase } from '../server/db/client.js'
import { queryRows } from '../server/db/rows.js'
import { backup, restore, type BackupManifest } from '../server/ops/backup.js'
import { LocalEvidenceStore } from '../server/storage/local.js'
import { buildTestApp, freshDatabase } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { openRoundForOfficer, maxInput } from './helpers/rounds.js'
import { samples, temporaryDirectory } from './storage/samples.js'

type App = Awaited<ReturnType<typeof buildTestApp>>
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

function upload (app: App, who: LoggedIn, url: string, filename: string, content: Buffer, leafCode: string) {
  const boundary = `par-${randomBytes(8).toString('hex')}`
  return app.inject({
    method: 'POST',
    url: `${url}/files?leafCode=${leafCode}`,
    headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`)
    ])
  })
}

/** What must survive: the unit's scores, the whole audit log, and each file's bytes. */
async function snapshot (app: App, admin: LoggedIn, url: string) {
  const state = (await app.inject({ method: 'GET', url, headers: admin.headers })).json()
  const files = (await app.inject({ method: 'GET', url: `${url}/files`, headers: admin.headers })).json()
  const contents: Record<string, string> = {}
  for (const file of files) {
    const download = await app.inject({ method: 'GET', url: `${url}/files/${file.id}`, headers: admin.headers })
    contents[file.filename] = sha256(download.rawPayload)
  }
  const audit = await queryRows(app.db, sql`select * from audit_log order by id`)
  return { leaves: state.leaves.map((leaf: { code: string, entry: unknown }) => [leaf.code, leaf.entry]), totals: state.totals, contents, audit }
}

t.test('a backup restores into a new database and data directory with every score, audit row and evidence hash', async (t) => {
  const dataDir = temporaryDirectory(t)
  const app = await buildTestApp(t, { config: { DATA_DIR: dataDir } })
  const { admin, round, unitId, officer } = await openRoundForOfficer(app)
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const leaves: Array<{ code: string, scoring: unknown, maxPoints: number }> = (await app.inject({ method: 'GET', url, headers: officer.headers })).json().leaves
  const entries = leaves.slice(0, 12).map((leaf) => ({ leafCode: leaf.code, input: maxInput(leaf as never), explanation: `Giải trình tiêu chí ${leaf.code}` }))
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries } })).statusCode, 200)
  const pdf = samples.pdf()
  const png = samples.png()
  t.equal((await upload(app, officer, url, 'Quyết định số 1.pdf', pdf, leaves[0]!.code)).statusCode, 201)
  t.equal((await upload(app, officer, url, 'Ảnh chụp.png', png, leaves[1]!.code)).statusCode, 201)
  const before = await snapshot(app, admin, url)
  t.equal(Object.keys(before.contents).length, 2)
  t.ok(before.audit.length > 5, `${before.audit.length} audit rows to keep`)

  const dir = join(temporaryDirectory(t), 'backup')
  const manifest = await backup({ database: app.database, url: app.database.url, store: app.evidenceStore, dir })
  t.equal(manifest.database, app.database.kind)
  t.same(manifest.evidence.map((file) => file.sha256).sort(), [sha256(pdf), sha256(png)].sort(), 'each content once, by its hash')
  t.ok(existsSync(join(dir, 'evidence', sha256(pdf))))
  t.equal(manifest.tables.audit_log, before.audit.length)
  await t.rejects(backup({ database: app.database, url: app.database.url, store: app.evidenceStore, dir }), /not empty/, 'a backup never overwrites another')

  // Into a new, empty database and a new data directory.
  const target = app.database.kind === 'postgres' ? await freshDatabase(t, { migrated: false }) : undefined
  const restoredDir = temporaryDirectory(t)
  const store = new LocalEvidenceStore(join(restoredDir, 'evidence'))
  // The last transaction that wrote scores in the backed-up database (a later one has a greater id on this server).
  const [dumped] = await queryRows<{ xid: string }>(app.db, sql`
    select max(written_xid::text::numeric)::text as xid from (select written_xid from self_assessment_field_sums union all select written_xid from appraisal_field_sums
      union all select written_xid from self_assessments union all select written_xid from appraisals) s`)
  const report = await restore({ dir, url: target?.url, dataDir: restoredDir, store })
  t.same(report.tables, manifest.tables, 'every table has its rows back')
  t.equal(report.evidenceFiles, 2)
  await t.rejects(restore({ dir, url: target?.url, dataDir: restoredDir, store }), /not empty|exists/, 'a restore never writes over data')

  const database = target ?? await openDatabase({ dataDir: restoredDir })
  if (!target) t.teardown(() => database.close())
  if (target) {
    // Transaction ids are the dumped server's: the record of writes for live results starts afresh at this one's.
    const [record] = await queryRows<{ rows: number, current: boolean }>(database.db, sql`
      select (select count(*)::int from result_input_changes) as rows,
        (select xid from result_input_horizon) <= pg_snapshot_xmin(pg_current_snapshot()) as current`)
    t.same(record, { rows: 0, current: true }, 'result_input_changes restarted')
    const [written] = await queryRows<{ ids: number, after: boolean }>(database.db, sql`
      select count(distinct written_xid::text)::int as ids, bool_and(written_xid::text::numeric > ${dumped?.xid ?? '0'}::numeric) as after
      from (select written_xid from self_assessment_field_sums union all select written_xid from appraisal_field_sums
      union all select written_xid from self_assessments union all select written_xid from appraisals) s`)
    t.ok(dumped?.xid, 'the backup has sums rows')
    t.same(written, { ids: 1, after: true }, 'every sums, self-assessment and appraisal row marked as written by the restore, not by the dumped server\'s transactions')
    t.ok((manifest.tables.result_input_changes ?? 0) > 0, 'the backup had some')
  }
  const restored = await buildTestApp(t, { database, config: { DATA_DIR: restoredDir } })
  const after = await snapshot(restored, await loginAs(restored, 'admin', { username: 'admin-after-restore' }), url)
  t.same(after.leaves, before.leaves, 'every score and explanation')
  t.same(after.totals, before.totals)
  t.same(after.contents, before.contents, 'every file downloads as the same bytes')
  t.same(after.audit.slice(0, before.audit.length), before.audit, 'every audit row, in order')
})

t.test('a damaged backup is refused with what differs', async (t) => {
  const app = await buildTestApp(t, { config: { DATA_DIR: temporaryDirectory(t) } })
  await loginAs(app, 'admin')
  const dir = join(temporaryDirectory(t), 'backup')
  await backup({ database: app.database, url: app.database.url, store: app.evidenceStore, dir })
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BackupManifest
  manifest.tables.users = (manifest.tables.users ?? 0) + 1
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
  const target = app.database.kind === 'postgres' ? await freshDatabase(t, { migrated: false }) : undefined
  const restoredDir = temporaryDirectory(t)
  await t.rejects(restore({ dir, url: target?.url, dataDir: restoredDir, store: new LocalEvidenceStore(join(restoredDir, 'evidence')) }),
    /users: \d+ rows, the backup has \d+/)
})
