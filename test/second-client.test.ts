// A client generated from the committed OpenAPI document by a second generator (@hey-api/openapi-ts, besides the web
// app's openapi-typescript), used against a running service the way an integrator would: log in, upload an evidence
// file as multipart (the `file` part as the document describes it), see it attached, save a leaf and read the round's
// results. A wrong description of any of these (a JSON body for the upload, a missing parameter) fails here.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { TEST_PASSWORD } from './helpers/auth.js'
import { maxInput, openRoundForOfficer } from './helpers/rounds.js'
import { samples } from './storage/samples.js'

const root = join(import.meta.dirname, '..')

interface Answer<T> { data?: T, error?: { code?: string }, response: Response }
type Call = (options: Record<string, unknown>) => Promise<Answer<any>>
/** The parts of the generated SDK this test uses (it is generated at run time, so not known to the type checker). */
interface Sdk {
  login: Call
  uploadEvidenceFile: Call
  listEvidenceFiles: Call
  getSelfAssessment: Call
  saveSelfAssessment: Call
  getRoundResults: Call
}
interface GeneratedClient { setConfig: (config: Record<string, unknown>) => void }

/** Generates the client into a directory of its own under test-output (git-ignored), removed after the test. */
async function generate (t: { teardown: (fn: () => void) => void }): Promise<{ sdk: Sdk, client: GeneratedClient }> {
  const output = join(root, 'test-output', 'clients', `hey-api-${randomBytes(4).toString('hex')}`)
  t.teardown(() => rmSync(output, { recursive: true, force: true }))
  await promisify(execFile)(join(root, 'node_modules', '.bin', 'openapi-ts'), ['-i', './openapi/openapi.json', '-o', output], { cwd: root, env: { ...process.env, NO_COLOR: '1' } })
  const sdk = await import(join(output, 'index.ts')) as Sdk
  const { client } = await import(join(output, 'client.gen.ts')) as { client: GeneratedClient }
  return { sdk, client }
}

t.test('a client from a second generator logs in, uploads a file, saves a leaf and reads results', async (t) => {
  const { sdk, client } = await generate(t)
  const app = await buildTestApp(t)
  const { admin, round, unitId, officer } = await openRoundForOfficer(app)
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 })
  client.setConfig({ baseUrl })

  const refused = await sdk.login({ body: { username: officer.user.username, password: 'không phải mật khẩu' } })
  t.equal(refused.response.status, 401)
  t.equal(refused.error?.code, 'INVALID_CREDENTIALS', 'the problem document comes back as the error')
  const login = await sdk.login({ body: { username: officer.user.username, password: TEST_PASSWORD } })
  t.equal(login.response.status, 200)
  const headers = { authorization: `Bearer ${String(login.data.token)}` }
  const path = { id: round.id, unitId }

  const content = Buffer.concat([samples.pdf(), randomBytes(200)])
  const upload = await sdk.uploadEvidenceFile({
    headers,
    path,
    query: { leafCode: ['1.1.1', '1.1.2'] },
    body: { file: new File([content], 'Kế hoạch CCHC năm 2020.pdf', { type: 'application/pdf' }) }
  })
  t.equal(upload.response.status, 201, JSON.stringify(upload.error ?? null))
  t.match(upload.data, { filename: 'Kế hoạch CCHC năm 2020.pdf', mime: 'application/pdf', size: content.length, leafCodes: ['1.1.1', '1.1.2'] })
  t.equal(upload.response.headers.get('location'), `/rounds/${round.id}/units/${unitId}/self-assessment/files/${String(upload.data.id)}`, 'Location names the new file')
  const listed = await sdk.listEvidenceFiles({ headers, path })
  t.same(listed.data.map((file: { id: string }) => file.id), [upload.data.id])

  const read = await sdk.getSelfAssessment({ headers, path })
  const etag = read.response.headers.get('etag')
  t.ok(etag, 'the ETag to save with')
  const leaf = read.data.leaves.find((candidate: { code: string }) => candidate.code === '1.1.1')
  t.ok(leaf, 'the self-assessment lists its leaves')
  const saved = await sdk.saveSelfAssessment({
    headers: { ...headers, 'if-match': etag },
    path,
    body: { entries: [{ leafCode: '1.1.1', input: maxInput(leaf) }] }
  })
  t.equal(saved.response.status, 200, JSON.stringify(saved.error ?? null))
  t.ok(saved.data.totals.points > 0, 'the save answers the new totals')

  const results = await sdk.getRoundResults({ headers: admin.headers, path: { id: round.id }, query: { unitType: 'department' } })
  t.equal(results.response.status, 200, JSON.stringify(results.error ?? null))
  t.equal(results.data.status, 'provisional')
  const mine = results.data.units.find((unit: { unit: { id: string } }) => unit.unit.id === unitId)
  t.ok(mine, 'the unit is in the results')
  t.equal(Number(mine.self.points), saved.data.totals.points, 'its self points are what it saved')
})
