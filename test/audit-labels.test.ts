// The audit log names what each entry is about as an admin knows it (an account, a unit, a round's code, a unit's
// self-assessment in a round), not only by its id; an entity since deleted has no label.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { loadReferenceData, openRound } from './helpers/rounds.js'

t.test('audit entries carry the label of their entity', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data, { code: 'KY-2020' })
  const unitId = data.units.get('SO-TP') as string
  const officer = await loginAs(app, 'unit_officer', { unitId })
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const read = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': read.headers.etag as string }, payload: { entries: [{ leafCode: '1.2.2', input: { value: 1 } }] } })).statusCode, 200)
  const user = await app.inject({ method: 'POST', url: '/users', headers: admin.headers, payload: { username: 'thamdinh.nv', displayName: 'Lê Văn Thẩm', role: 'appraiser', password: 'mat-khau-tam-2026' } })
  t.equal(user.statusCode, 201)

  const first = async (query: string) => {
    const response = await app.inject({ method: 'GET', url: `/audit?${query}&limit=1`, headers: admin.headers })
    if (response.statusCode !== 200) throw new Error(response.body)
    return response.json().items[0]
  }
  t.equal((await first('entityType=self_assessment')).entityLabel, 'Sở Tư pháp · KY-2020', 'a unit\'s self-assessment: the unit and the round')
  t.equal((await first('entityType=round')).entityLabel, 'KY-2020')
  t.equal((await first(`entityType=unit&entityId=${unitId}`)).entityLabel, 'Sở Tư pháp')
  t.equal((await first('entityType=catalog')).entityLabel?.startsWith('TH-2020-'), true, 'a catalog: its code')
  t.equal((await first(`entityType=user&entityId=${user.json().id as string}`)).entityLabel, 'Lê Văn Thẩm (thamdinh.nv)')
  // The ids an entry's change mentions are named too: the officer's unit, the round's catalogs.
  const officerAccount = await first(`entityType=user&entityId=${officer.user.id}`)
  t.equal(officerAccount.after.unitId, unitId)
  t.same(officerAccount.names, { [officer.user.id]: officerAccount.entityLabel, [unitId]: 'Sở Tư pháp' }, 'an officer\'s unit is named')
  const catalogs = await first('entityType=round&action=round.set_catalogs')
  t.equal(catalogs.names[data.catalogs.department], 'TH-2020-SO', 'a round\'s catalog is named by its code')
  t.same((await first(`entityType=unit&entityId=${unitId}`)).names, { [unitId]: 'Sở Tư pháp' })
  // An entry whose entity is gone keeps its id and has no label.
  const key = await app.inject({ method: 'POST', url: '/api-keys', headers: admin.headers, payload: { name: 'Cổng tỉnh', scopes: ['units:read'] } })
  t.equal((await first('entityType=api_key')).entityLabel, 'Cổng tỉnh')
  await app.db.execute(`delete from api_keys where id = '${key.json().apiKey.id as string}'`)
  const gone = await first('entityType=api_key')
  t.equal(gone.entityLabel, null)
  t.equal(gone.entityId, key.json().apiKey.id)
})
