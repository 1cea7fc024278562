// What the unit officer's screens read besides the self-assessment itself: the database clock for the countdown,
// the share of the maximum computed by the server, and the evidence that viewers read on the same screen.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { openRoundForOfficer, loadReferenceData, openRound } from './helpers/rounds.js'
import { samples } from './storage/samples.js'

t.test('the self-assessment carries the database clock and each field\'s share of its applicable maximum', async (t) => {
  const app = await buildTestApp(t)
  const { round, unitId, officer } = await openRoundForOfficer(app)
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`

  const fresh = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal(fresh.statusCode, 200)
  t.ok(Math.abs(Date.parse(fresh.json().now) - Date.now()) < 60_000, 'now is the database clock of the read')
  t.equal(fresh.json().totals.percentDisplay, '0.00', 'nothing answered is 0 % of the maximum')

  // 4.3.2 "b" is 0.75 of field 4 (maximum 10); 5.2.1 "na" takes its 1 point out of field 5 and of the whole.
  const saved = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...officer.headers, 'if-match': fresh.headers.etag as string },
    payload: { entries: [{ leafCode: '4.3.2', input: { option: 'b' } }, { leafCode: '5.2.1', input: { option: 'na' } }] }
  })
  t.equal(saved.statusCode, 200)
  const totals = saved.json().totals
  const field = (code: string) => totals.fields.find((item: { code: string }) => item.code === code)
  t.equal(field('4').percentDisplay, '7.50', '0.75 of 10')
  t.equal(field('5').percentDisplay, '0.00', 'nothing scored in field 5')
  t.equal(field('5').applicableMaximum, 14, 'the not-applicable leaf is out of field 5\'s maximum')
  t.equal(totals.applicableMaximum, 99)
  t.equal(totals.percentDisplay, '0.76', '0.75 / 99 × 100 = 0.7575…, rounded half up')
  t.ok(Date.parse(saved.json().updatedAt) >= Date.parse(fresh.json().now), 'a save answers the database clock of its change')

  const landing = (await app.inject({ method: 'GET', url: `/units/${unitId}/rounds`, headers: officer.headers })).json()
  t.equal(landing.items[0].selfAssessment.percentDisplay, '0.76', 'the landing page shows the same share')
})

t.test('the self-assessment carries the tree above its leaves, so the screen needs no second read of the catalog', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data, { unitTypes: ['district'] })
  const unitId = data.units.get('H-DONG-SON')!
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const state = (await app.inject({ method: 'GET', url: `/rounds/${round.id}/units/${unitId}/self-assessment`, headers: officer.headers })).json()
  const catalog = (await app.inject({ method: 'GET', url: `/catalogs/${data.catalogs.district}`, headers: officer.headers })).json()

  type Node = { code: string, title: string, maxPoints: number, children: Node[] }
  const parents: [string, string | null, string, number, string[]][] = []
  const walk = (nodes: Node[], parent: string | null) => {
    for (const node of nodes) {
      if (node.children.length > 0) parents.push([node.code, parent, node.title, node.maxPoints, node.children.map((child) => child.code)])
      walk(node.children, node.code)
    }
  }
  walk(catalog.nodes, null)
  type Section = { code: string, parentCode: string | null, title: string, maxPoints: number, childCodes: string[] }
  t.same(state.sections.map((s: Section) => [s.code, s.parentCode, s.title, s.maxPoints, s.childCodes]), parents,
    'every field and criterion with children, in catalog order, with its parent, title, maximum and children in order')
  const field3 = state.sections.find((s: Section) => s.code === '3')
  t.ok(field3.childCodes.includes('3.5') && field3.childCodes.indexOf('3.5') < field3.childCodes.indexOf('3.6'), 'a criterion that is a leaf keeps its place among its siblings')
  t.equal(state.leaves.length, 90)
  const leaf = state.leaves.find((item: { code: string }) => item.code === '1.1.1')
  t.equal(leaf.parentCode, '1.1', 'a leaf names the criterion it belongs to')
  const sectionCodes = new Set(state.sections.map((s: { code: string }) => s.code))
  t.ok(state.leaves.every((item: { parentCode: string | null }) => item.parentCode !== null && sectionCodes.has(item.parentCode)), 'every leaf hangs under a section')
})

t.test('a viewer opens the self-assessment read-only with its evidence files, and cannot change them', async (t) => {
  const app = await buildTestApp(t)
  const { round, unitId, officer } = await openRoundForOfficer(app)
  const viewer = await loginAs(app, 'viewer')
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment/files`

  const boundary = `par-${randomBytes(8).toString('hex')}`
  const content = samples.pdf()
  const multipart = (who: { authorization: string }) => app.inject({
    method: 'POST',
    url: `${url}?leafCode=1.1.1`,
    headers: { ...who, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Kế hoạch CCHC.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`)
    ])
  })
  const uploaded = await multipart(officer.headers)
  t.equal(uploaded.statusCode, 201)
  const fileId: string = uploaded.json().id

  const listed = await app.inject({ method: 'GET', url, headers: viewer.headers })
  t.equal(listed.statusCode, 200)
  t.same(listed.json().map((file: { id: string, leafCodes: string[] }) => [file.id, file.leafCodes]), [[fileId, ['1.1.1']]])
  const downloaded = await app.inject({ method: 'GET', url: `${url}/${fileId}`, headers: viewer.headers })
  t.equal(downloaded.statusCode, 200)
  t.same(downloaded.rawPayload, content, 'the viewer reads the file itself')

  t.equal((await multipart(viewer.headers)).statusCode, 403, 'a viewer uploads nothing')
  t.equal((await app.inject({ method: 'POST', url: `${url}/${fileId}/links`, headers: viewer.headers, payload: { leafCode: '1.1.2' } })).statusCode, 403)
  t.equal((await app.inject({ method: 'DELETE', url: `${url}/${fileId}/links/1.1.1`, headers: viewer.headers })).statusCode, 403)
  t.equal((await app.inject({ method: 'DELETE', url: `${url}/${fileId}`, headers: viewer.headers })).statusCode, 403)
  t.same((await app.inject({ method: 'GET', url, headers: officer.headers })).json().map((file: { leafCodes: string[] }) => file.leafCodes), [['1.1.1']], 'the file is as it was')
})
