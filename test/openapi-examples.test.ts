// The request examples of the OpenAPI document are what an integrator tries first: each one, sent as it stands to the
// reference data, is accepted.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { openRoundForOfficer } from './helpers/rounds.js'

t.test('the documented request examples are accepted as they stand', async (t) => {
  const app = await buildTestApp(t)
  const { admin, officer, url } = await openRoundForOfficer(app)
  const schemas = (await app.inject({ method: 'GET', url: '/openapi.json' })).json().components.schemas
  const example = (id: string) => {
    const examples = schemas[id]?.examples as unknown[] | undefined
    t.ok(examples?.length, `${id} has an example`)
    return examples?.[0] as Record<string, unknown>
  }

  const save = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: example('SaveSelfAssessment') })
  t.equal(save.statusCode, 200, save.body)
  t.same(save.json().leaves.map((leaf: { code: string }) => leaf.code), ['1.1.1', '1.1.2', '3.5.1'])

  const round = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: example('CreateRound') })
  t.equal(round.statusCode, 201, round.body)
})
