// Every unit's score sheets of a round in one ZIP: the entries are the units the caller follows, in the progress list's
// order, each the same file (name and cells) as the unit's own download; an appraiser's only their units and fields;
// who may ask for which archive.
import t from 'tap'
import ExcelJS from 'exceljs'
import { unzipSync } from 'fflate'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { type Leaf, loadReferenceData, maxInput, openRound } from './helpers/rounds.js'

/** The entries of a ZIP, by name, in the archive's order. */
function entriesOf (bytes: Buffer): Array<[string, Buffer]> {
  return Object.entries(unzipSync(new Uint8Array(bytes))).map(([name, content]) => [name, Buffer.from(content)])
}

/** A score sheet's cells, row by row, but its fourth heading (which says when it was exported, to the minute). */
async function cellsOf (bytes: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const sheet = workbook.worksheets[0] as ExcelJS.Worksheet
  const rows: unknown[][] = []
  sheet.eachRow((row, number) => { if (number !== 4) rows.push((row.values as unknown[]).slice(1)) })
  return rows
}

t.test('a round\'s self-assessment and appraisal sheets in one ZIP each: the units listed in order, each the unit\'s own sheet', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data, { unitTypes: ['department', 'district'] })
  const unitId = data.units.get('SO-TP') as string
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const legal = await loginAs(app, 'appraiser', { username: 'tham-dinh-tu-phap' })
  const unassigned = await loginAs(app, 'appraiser', { username: 'tham-dinh-chua-phan-cong' })
  const viewer = await loginAs(app, 'viewer')
  const get = (who: LoggedIn | null, url: string) => app.inject({ method: 'GET', url, headers: who?.headers ?? {} })

  // One unit has answered field 1; the legal appraiser follows field 1 of the departments.
  const selfUrl = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const leaves: Array<Leaf & { fieldCode: string }> = (await get(officer, selfUrl)).json().leaves
  const entries = leaves.filter((leaf) => leaf.fieldCode === '1').map((leaf) => ({ leafCode: leaf.code, input: maxInput(leaf), explanation: `Giải trình ${leaf.code}` }))
  t.equal((await app.inject({ method: 'PATCH', url: selfUrl, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries } })).statusCode, 200)
  t.equal((await app.inject({
    method: 'PUT',
    url: `/rounds/${round.id}/assignments`,
    headers: admin.headers,
    payload: { assignments: [{ unitType: 'department', fieldCode: '1', userId: legal.user.id }] }
  })).statusCode, 200)

  const progress = async (unitType?: string) => (await get(admin, `/rounds/${round.id}/progress${unitType ? `?unitType=${unitType}` : ''}`)).json()
    .map((line: { unit: { code: string } }) => line.unit.code) as string[]
  const districts = await progress('district')
  const departments = await progress('department')
  t.equal(districts.length, 27)
  t.equal(departments.length, 20)

  // The districts' self-assessments, for the Sở's files: one sheet per district, named as its own download, in order.
  const selfZip = await get(admin, `/rounds/${round.id}/self-assessment/export?unitType=district`)
  t.equal(selfZip.statusCode, 200)
  t.equal(selfZip.headers['content-type'], 'application/zip')
  t.equal(selfZip.headers['content-disposition'], 'attachment; filename="tu-danh-gia-2020-district.zip"')
  t.same(entriesOf(selfZip.rawPayload).map(([name]) => name), districts.map((code) => `tu-danh-gia-2020-${code}.xlsx`))

  // Every unit's self-assessment; the one that answered is its own download, cell for cell.
  const allSelf = entriesOf((await get(viewer, `/rounds/${round.id}/self-assessment/export`)).rawPayload)
  t.same(allSelf.map(([name]) => name), (await progress()).map((code) => `tu-danh-gia-2020-${code}.xlsx`), 'every unit type, in the list\'s order')
  const ownSelf = await get(officer, `${selfUrl}/export`)
  const archivedSelf = allSelf.find(([name]) => name === 'tu-danh-gia-2020-SO-TP.xlsx')?.[1] as Buffer
  const selfCells = await cellsOf(archivedSelf)
  t.same(selfCells, await cellsOf(ownSelf.rawPayload), 'the same cells as the unit\'s own download')
  t.ok(selfCells.some((row) => row[0] === '1.1.1' && row[5] === 'Giải trình 1.1.1'), 'with what the unit wrote')

  // Narrowed as the progress list is filtered: the one unit with a draft; no unit finalized yet.
  const drafts = entriesOf((await get(admin, `/rounds/${round.id}/self-assessment/export?selfStatus=draft`)).rawPayload)
  t.same(drafts.map(([name]) => name), ['tu-danh-gia-2020-SO-TP.xlsx'])
  t.equal((await get(admin, `/rounds/${round.id}/appraisal/export?appraisalStatus=finalized`)).statusCode, 404)
  t.equal((await get(admin, `/rounds/${round.id}/appraisal/export?appraisalStatus=done`)).json().errors[0].pointer, '/appraisalStatus')

  // While self-assessment is open the team reads no draft: the legal appraiser has nothing to export yet.
  t.equal((await get(legal, `/rounds/${round.id}/appraisal/export`)).statusCode, 404, 'drafts in an open round are the units\' own')
  t.equal((await get(legal, `/rounds/${round.id}/units/${unitId}/appraisal/export`)).json().code, 'SELF_ASSESSMENT_NOT_SUBMITTED')
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${round.id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${round.id}/transition`, headers: admin.headers, payload: { to: 'appraisal' } })).statusCode, 200)

  // The appraisal sheets: the admin's every unit and field; the legal appraiser's only the departments, field 1.
  const adminAppraisals = entriesOf((await get(admin, `/rounds/${round.id}/appraisal/export`)).rawPayload)
  t.equal(adminAppraisals.length, 47)
  const legalZip = await get(legal, `/rounds/${round.id}/appraisal/export`)
  t.equal(legalZip.statusCode, 200)
  t.equal(legalZip.headers['content-disposition'], 'attachment; filename="tham-dinh-2020.zip"')
  const legalSheets = entriesOf(legalZip.rawPayload)
  t.same(legalSheets.map(([name]) => name), departments.map((code) => `tham-dinh-2020-${code}.xlsx`))
  const legalOwn = await get(legal, `/rounds/${round.id}/units/${unitId}/appraisal/export`)
  const legalCells = await cellsOf(legalSheets.find(([name]) => name === 'tham-dinh-2020-SO-TP.xlsx')?.[1] as Buffer)
  t.same(legalCells, await cellsOf(legalOwn.rawPayload), 'the appraiser\'s sheet of a unit as its own download')
  t.match(String(legalCells[2]?.[0]), / · lĩnh vực 1$/, 'field 1 only')
  t.equal(legalCells.filter((row) => typeof row[0] === 'string' && /^\d+$/.test(row[0])).length, 1, 'one field line')

  // Nothing to export, and who may not.
  const none = await get(legal, `/rounds/${round.id}/appraisal/export?unitType=district`)
  t.equal(none.statusCode, 404)
  t.equal(none.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal((await get(unassigned, `/rounds/${round.id}/appraisal/export`)).statusCode, 404, 'an appraiser with no field follows no unit')
  t.equal((await get(admin, '/rounds/00000000-0000-4000-8000-000000000000/appraisal/export')).json().code, 'NOT_FOUND')
  t.equal((await get(legal, `/rounds/${round.id}/self-assessment/export`)).statusCode, 403, 'appraisers read answers through the appraisal sheet')
  for (const kind of ['self-assessment', 'appraisal']) {
    t.equal((await get(officer, `/rounds/${round.id}/${kind}/export`)).statusCode, 403, `a unit officer gets no other unit's ${kind}`)
    t.equal((await get(null, `/rounds/${round.id}/${kind}/export`)).statusCode, 401)
  }
})
