// Round test setup through the API as an admin would: the Thanh Hóa units and 2020 catalogs, then a round.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { fixturesDir } from '../../server/paths.js'
import { loginAs, type LoggedIn } from './auth.js'

const fixture = (...path: string[]): unknown => JSON.parse(readFileSync(join(fixturesDir, ...path), 'utf8'))

export interface ReferenceData {
  /** Unit id by unit code. */
  units: Map<string, string>
  /** Published catalog id by unit type. */
  catalogs: { department: string, district: string }
}

function expectStatus (response: { statusCode: number, body: string }, status: number, what: string): void {
  if (response.statusCode !== status) throw new Error(`${what}: expected ${status}, got ${response.statusCode}: ${response.body}`)
}

export async function loadReferenceData (app: FastifyInstance, admin: LoggedIn): Promise<ReferenceData> {
  const imported = await app.inject({ method: 'POST', url: '/units/import', headers: admin.headers, payload: fixture('units', 'thanh-hoa-units.json') as object })
  expectStatus(imported, 200, 'import units')
  const catalogs: Record<string, string> = {}
  for (const file of ['thanh-hoa-2020-so-nganh.json', 'thanh-hoa-2020-huyen.json']) {
    const response = await app.inject({ method: 'POST', url: '/catalogs/import?publish=true', headers: admin.headers, payload: fixture('catalogs', file) as object })
    expectStatus(response, 201, `import ${file}`)
    catalogs[response.json().unitType] = response.json().id
  }
  const list = await app.inject({ method: 'GET', url: '/units?limit=500', headers: admin.headers })
  expectStatus(list, 200, 'list units')
  const units = new Map<string, string>(list.json().items.map((unit: { code: string, id: string }) => [unit.code, unit.id]))
  return { units, catalogs: catalogs as unknown as ReferenceData['catalogs'] }
}

/** A draft round without deadlines whose department catalog is the given one: a year of a report's historical results. */
export async function historicalRound (app: FastifyInstance, admin: LoggedIn, round: { code: string, year: number, catalogId: string }): Promise<string> {
  const created = await app.inject({ method: 'POST', url: '/rounds', headers: admin.headers, payload: { code: round.code, title: `Kỳ đánh giá Chỉ số CCHC năm ${round.year}`, year: round.year } })
  expectStatus(created, 201, 'create round')
  const id: string = created.json().id
  const catalogs = await app.inject({ method: 'PUT', url: `/rounds/${id}/catalogs`, headers: admin.headers, payload: { catalogs: [{ unitType: 'department', catalogId: round.catalogId }] } })
  expectStatus(catalogs, 200, 'set the round\'s catalog')
  return id
}

const DAY = 24 * 60 * 60 * 1000

/** Deadlines relative to the test machine's clock (the same clock as the database's). */
export function deadlinesFromNow (selfAssessmentDays = 10) {
  const now = Date.now()
  return {
    selfAssessmentClosesAt: new Date(now + selfAssessmentDays * DAY).toISOString(),
    supplementClosesAt: new Date(now + (selfAssessmentDays + 20) * DAY).toISOString(),
    appraisalClosesAt: new Date(now + (selfAssessmentDays + 30) * DAY).toISOString()
  }
}

/** A round open for self-assessment with both catalogs and the given units (default: all departments). */
export async function openRound (app: FastifyInstance, admin: LoggedIn, data: ReferenceData, options: { code?: string, unitTypes?: string[] } = {}) {
  const created = await app.inject({
    method: 'POST',
    url: '/rounds',
    headers: admin.headers,
    payload: { code: options.code ?? '2020', title: 'Kỳ đánh giá Chỉ số CCHC năm 2020', year: 2020, ...deadlinesFromNow() }
  })
  expectStatus(created, 201, 'create round')
  const id: string = created.json().id
  const catalogs = await app.inject({
    method: 'PUT',
    url: `/rounds/${id}/catalogs`,
    headers: admin.headers,
    payload: { catalogs: [{ unitType: 'department', catalogId: data.catalogs.department }, { unitType: 'district', catalogId: data.catalogs.district }] }
  })
  expectStatus(catalogs, 200, 'set catalogs')
  const participants = await app.inject({ method: 'POST', url: `/rounds/${id}/participants`, headers: admin.headers, payload: { unitTypes: options.unitTypes ?? ['department'] } })
  expectStatus(participants, 200, 'add participants')
  const opened = await app.inject({ method: 'POST', url: `/rounds/${id}/transition`, headers: admin.headers, payload: { to: 'self_assessment' } })
  expectStatus(opened, 200, 'open round')
  return opened.json()
}

export interface Leaf {
  code: string
  maxPoints: number
  scoring: { method: 'range' | 'options' | 'bands', step?: number, options?: { code: string, points?: number, notApplicable?: boolean }[], bands?: { min: number, points: number }[] }
}

/** The input that scores a leaf's maximum. */
export function maxInput (leaf: Leaf): { value?: number, option?: string, measurement?: number } {
  switch (leaf.scoring.method) {
    case 'range': return { value: leaf.maxPoints }
    case 'options': return { option: leaf.scoring.options!.find((option) => option.points === leaf.maxPoints)!.code }
    case 'bands': return { measurement: leaf.scoring.bands!.find((band) => band.points === leaf.maxPoints)!.min }
  }
}

/**
 * The usual start of a unit's story: the admin loads the reference data and opens a round, and a unit's officer (Sở Tư
 * pháp unless said) logs in. `url` is the unit's self-assessment.
 */
export async function openRoundForOfficer (app: FastifyInstance, options: { unitCode?: string } = {}) {
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round = await openRound(app, admin, data)
  const unitId = data.units.get(options.unitCode ?? 'SO-TP') as string
  const officer = await loginAs(app, 'unit_officer', { unitId })
  return { admin, data, round, unitId, officer, url: `/rounds/${round.id}/units/${unitId}/self-assessment` }
}
