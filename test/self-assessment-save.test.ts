import pg from 'pg'
import t, { type Test } from 'tap'
import { buildTestApp, freshDatabase } from './helpers/app.js'
import { maxInput, openRoundForOfficer } from './helpers/rounds.js'
import { countStatements } from './helpers/statements.js'

type Leaf = Parameters<typeof maxInput>[0] & { fieldCode: string }
type Entry = { leafCode: string, input?: Record<string, unknown> | null, explanation?: string | null }

async function setup (t: Test) {
  const database = await freshDatabase(t)
  const app = await buildTestApp(t, { database })
  const { officer, url } = await openRoundForOfficer(app)
  let etag = '"0"'
  const read = async () => {
    const response = await app.inject({ method: 'GET', url, headers: officer.headers })
    t.equal(response.statusCode, 200)
    return { etag: response.headers.etag as string, body: response.json() }
  }
  const save = async (entries: Entry[]) => {
    const response = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': etag }, payload: { entries } })
    if (response.statusCode === 200) etag = response.headers.etag as string
    return response
  }
  return { app, database, url, officer, read, save }
}

/** The save's answer against a full read right after it: the same leaves, totals, version and ETag, and nothing more. */
async function answersAsTheFullRead (t: Test, saved: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['save']>>, read: Awaited<ReturnType<typeof setup>>['read'], leafCodes: string[]) {
  t.equal(saved.statusCode, 200)
  const answer = saved.json()
  const full = await read()
  t.same(Object.keys(answer).sort(), ['id', 'leaves', 'status', 'totals', 'updatedAt', 'version'], 'only what changed, not the whole self-assessment')
  t.equal(saved.headers.etag, full.etag, 'the ETag is the one a following read gives')
  t.equal(saved.headers.etag, `"${answer.version}"`)
  t.match(full.body, { id: answer.id, status: answer.status, version: answer.version, updatedAt: answer.updatedAt })
  t.same(answer.totals, full.body.totals, 'the totals from the sums tables equal those a full read sums from the entries')
  t.same(answer.leaves.map((leaf: Leaf) => leaf.code), full.body.leaves.map((leaf: Leaf) => leaf.code).filter((code: string) => leafCodes.includes(code)), 'exactly the saved leaves, in catalog order')
  t.same(answer.leaves, full.body.leaves.filter((leaf: Leaf) => leafCodes.includes(leaf.code)), 'each as the full read shows it')
  return answer
}

t.test('a save answers the saved leaves, the new totals and the new version, each as a following read shows them', async (t) => {
  const { read, save } = await setup(t)
  const before = await read()
  t.equal(before.body.leaves.length, 74)

  // The first save creates the self-assessment; one leaf of each method, in an order other than the catalog's.
  let saved = await save([
    { leafCode: '1.1.4', input: { measurement: 92.5 } },
    { leafCode: '1.1.1', input: { option: 'b' }, explanation: 'Kế hoạch ban hành chậm 5 ngày' },
    { leafCode: '1.1.2', input: { value: 0.75 } }
  ])
  let answer = await answersAsTheFullRead(t, saved, read, ['1.1.1', '1.1.2', '1.1.4'])
  t.match(answer, { version: 1, status: 'draft', totals: { points: 3.25, answered: 3, applicableMaximum: 100 } })
  t.match(answer.leaves[0], { code: '1.1.1', points: 0.5, missing: [], editable: true, supplementRequestIds: [] })
  t.ok(saved.body.length < JSON.stringify(before.body).length / 10, `the answer (${saved.body.length} bytes) is a small part of the whole (${JSON.stringify(before.body).length} bytes)`)

  // Explanation only, an input only, a not-applicable answer, a cleared leaf and a whole field at once.
  const field2: Leaf[] = before.body.leaves.filter((leaf: Leaf) => leaf.fieldCode === '2')
  saved = await save([
    { leafCode: '1.1.1', explanation: 'Ban hành ngày 20/01' },
    { leafCode: '1.1.2', input: { value: 1 } },
    { leafCode: '4.3.2', input: { option: 'na' } },
    { leafCode: '1.1.4', input: null },
    ...field2.map((leaf) => ({ leafCode: leaf.code, input: maxInput(leaf) }))
  ])
  const changed = ['1.1.1', '1.1.2', '4.3.2', '1.1.4', ...field2.map((leaf) => leaf.code)]
  answer = await answersAsTheFullRead(t, saved, read, changed)
  t.match(answer.leaves.find((leaf: Leaf) => leaf.code === '1.1.1'), { input: { option: 'b' }, explanation: 'Ban hành ngày 20/01' })
  t.match(answer.leaves.find((leaf: Leaf) => leaf.code === '1.1.4'), { input: null, points: null, updatedAt: null, missing: ['unanswered'] })
  t.match(answer.leaves.find((leaf: Leaf) => leaf.code === '4.3.2'), { notApplicable: true, points: null })
  t.match(answer.totals.fields.find((field: { code: string }) => field.code === '4'), { applicableMaximum: 8.5, maxPoints: 10 })

  // Clearing a leaf's last part deletes its row; the totals follow.
  saved = await save([{ leafCode: '1.1.1', input: null, explanation: null }, { leafCode: '4.3.2', input: null }])
  answer = await answersAsTheFullRead(t, saved, read, ['1.1.1', '4.3.2'])
  t.match(answer.totals, { applicableMaximum: 100 })
})

t.test('a save runs at most 6 SQL statements, BEGIN and COMMIT included, whatever it writes', async (t) => {
  const { database, read, save } = await setup(t)
  // The published catalog's tree is read once per process and kept (it never changes): here by the officer's first read.
  await read()
  const counter = countStatements(database)
  const perSave = async (what: string, entries: Entry[]) => {
    counter.reset()
    const saved = await save(entries)
    t.equal(saved.statusCode, 200, what)
    // The request's own session lookup comes before the save's transaction.
    const begin = counter.statements.findIndex((statement) => /^begin/i.test(statement.trim()))
    t.ok(begin > 0, `${what}: one transaction, after the session lookup`)
    const inSave = counter.statements.slice(begin)
    t.match(inSave.at(-1), /^commit/i, `${what}: committed`)
    t.ok(inSave.length <= 6, `${what}: ${inSave.length} statements\n${inSave.map((statement) => statement.replace(/\s+/g, ' ').slice(0, 80)).join('\n')}`)
    t.equal(counter.statements.length - inSave.length, 1, `${what}: and one to authenticate the request`)
  }
  await perSave('the first save, which creates the self-assessment', [{ leafCode: '1.1.2', input: { value: 0.25 } }, { leafCode: '1.1.3', input: { value: 0.5 } }, { leafCode: '2.1.1', explanation: 'Đã ban hành' }])
  await perSave('a save of three leaves', [{ leafCode: '1.1.2', input: { value: 0.5 } }, { leafCode: '1.1.3', input: { value: 0.75 } }, { leafCode: '2.1.1', input: { measurement: 90 } }])
  await perSave('a save that clears one leaf and changes two', [{ leafCode: '1.1.2', input: null }, { leafCode: '1.1.3', input: { value: 1 } }, { leafCode: '2.1.1', explanation: 'x' }])
})

t.test('a full read is one statement after the session lookup, before and after anything is saved', async (t) => {
  const { database, read, save } = await setup(t)
  // The published catalog's tree is read once per process and kept (it never changes).
  await read()
  const counter = countStatements(database)
  const perRead = async (what: string) => {
    counter.reset()
    const answer = await read()
    t.equal(counter.statements.length, 2, `${what}: ${counter.statements.map((statement) => statement.replace(/\s+/g, ' ').slice(0, 80)).join('\n')}`)
    return answer
  }
  t.equal((await perRead('nothing saved yet')).body.totals.answered, 0)
  t.equal((await save([{ leafCode: '1.1.2', input: { value: 0.25 } }, { leafCode: '2.1.1', explanation: 'Đã ban hành' }])).statusCode, 200)
  const after = await perRead('after a save')
  t.equal(after.body.totals.answered, 1, 'the saved figures in it')
  t.match(after.body.lastChange, { action: 'self_assessment.save', leafCodes: ['1.1.2', '2.1.1'] }, 'and the last change')
})

t.test('a save that waited for another write of the same self-assessment builds on what that write left', { skip: process.env.TEST_DATABASE_URL ? false : 'needs a PostgreSQL server (TEST_DATABASE_URL): two connections at once' }, async (t) => {
  const { database, read, save, url, officer, app } = await setup(t)
  const first = await save([{ leafCode: '1.1.2', input: { value: 0.25 } }, { leafCode: '1.1.3', input: { value: 0.5 } }])
  t.equal(first.statusCode, 200)
  const id = first.json().id as string
  // Another connection writes version 2 and holds its locks: leaf 1.1.2 becomes 0.75.
  const other = new pg.Client({ connectionString: database.url })
  await other.connect()
  t.teardown(async () => { await other.end() })
  await other.query('begin')
  await other.query('update self_assessments set version = 2 where id = $1', [id])
  await other.query('update self_assessment_entries set input = \'{"value": 0.75}\', points_milli = 750 where self_assessment_id = $1 and leaf_code = \'1.1.2\'', [id])
  // A save with If-Match: * (any version) starts meanwhile: its statement sees version 1, waits for the row, and then
  // bumps version 2, which its statement never saw.
  const saving = Promise.resolve(app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '*' }, payload: { entries: [{ leafCode: '1.1.2', explanation: 'Đã ban hành' }, { leafCode: '1.1.3', input: { value: 1 } }] } }))
  const waiting = async () => (await other.query('select count(*)::int as n from pg_locks where not granted')).rows[0].n > 0
  for (const started = Date.now(); !(await waiting());) {
    if (Date.now() - started > 10_000) throw new Error('the save never waited for the lock')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  await other.query('commit')
  const saved = await saving
  const answer = await answersAsTheFullRead(t, saved, read, ['1.1.2', '1.1.3'])
  t.match(answer, { version: 3, totals: { points: 1.75 } }, 'the totals count the other write\'s 0.75')
  t.match(answer.leaves[0], { code: '1.1.2', input: { value: 0.75 }, points: 0.75, explanation: 'Đã ban hành' }, 'the input the save left out is the other write\'s')
  const { rows: [audit] } = await other.query('select before from audit_log where entity_id = $1 and action = \'self_assessment.save\' order by at desc, id desc limit 1', [id])
  t.same(audit.before, { version: 2, entries: { '1.1.2': { input: { value: 0.75 }, points: 0.75, notApplicable: false, explanation: null }, '1.1.3': { input: { value: 0.5 }, points: 0.5, notApplicable: false, explanation: null } } },
    'the audit row\'s before is version 2 as the other write left it')
})
