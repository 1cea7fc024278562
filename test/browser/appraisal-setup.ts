// The appraisal checks' own round, set up through the API as an admin and the units' officers would (appraisal.ts
// then uses only the screens): three departments that answered and submitted, the demo appraiser on field 1, and a
// unit's answer to a supplement request.
import { samplePdf } from './appraisal-steps.js'
import { assert, roundOpenUntilTomorrow, type BrowserChecks } from './checks.js'

export const ROUND_CODE = 'TD-THU'
export const APPRAISER = 'thamdinh1'
/** Departments of the test round: A has a PDF on 1.1.1; all three submit. */
export const UNITS = { a: { code: 'SO-XD', name: 'Sở Xây dựng' }, b: { code: 'SO-YT', name: 'Sở Y tế' }, c: { code: 'THANH-TRA', name: 'Thanh tra tỉnh' } } as const
export const PDF_NAME = 'Kế hoạch CCHC năm của Sở Xây dựng.pdf'

// ---------------------------------------------------------------------------------------------------------------
// Set-up through the API

interface Leaf { code: string, fieldCode: string, maxPoints: number, scoring: { method: string, options?: { code: string, points?: number }[], bands?: { min: number, points: number }[] } }

/** The input that scores a leaf's maximum. */
function maxInput (leaf: Leaf): Record<string, unknown> {
  if (leaf.scoring.method === 'range') return { value: leaf.maxPoints }
  if (leaf.scoring.method === 'options') return { option: leaf.scoring.options?.find((option) => option.points === leaf.maxPoints)?.code }
  return { measurement: leaf.scoring.bands?.find((band) => band.points === leaf.maxPoints)?.min }
}

async function login (c: BrowserChecks, username: string, password: string): Promise<{ token: string, user: { id: string, unitId: string | null } }> {
  return c.api('/auth/login', { method: 'POST', body: { username, password } })
}

async function upload (c: BrowserChecks, token: string, path: string, file: Buffer, name: string, type: string): Promise<void> {
  const form = new FormData()
  form.append('file', new Blob([file], { type }), name)
  const response = await fetch(`${c.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
  if (!response.ok) throw new Error(`upload ${path} answered ${response.status}: ${await response.text()}`)
}

/**
 * A department round in appraisal: three units answered every leaf (unit A a little below the maximum on field 1 and
 * with a PDF on 1.1.1), submitted; the demo appraiser thamdinh1 assigned field 1.
 */
export async function setUpRound (c: BrowserChecks): Promise<{ roundId: string, unitIds: Record<keyof typeof UNITS, string> }> {
  const { token } = await login(c, 'admin', c.adminPassword)
  const as = (path: string, method: string, body?: unknown) => c.api<any>(path, { method, token, body })
  const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()))
  const catalog = (await as(`/catalogs?code=TH-${year}-SO&limit=1&offset=0`, 'GET')).items[0]
  assert(catalog, `the demo catalog TH-${year}-SO is missing`)
  const units = new Map<string, string>((await as('/units?limit=500&offset=0', 'GET')).items.map((unit: { code: string, id: string }) => [unit.code, unit.id]))
  const unitIds = Object.fromEntries(Object.entries(UNITS).map(([key, unit]) => [key, units.get(unit.code) as string])) as Record<keyof typeof UNITS, string>
  const appraiser = (await as('/users?role=appraiser&limit=100&offset=0', 'GET')).items.find((user: { username: string }) => user.username === APPRAISER)
  const round = await as('/rounds', 'POST', roundOpenUntilTomorrow(ROUND_CODE, 'Kỳ thử nghiệm thẩm định'))
  await as(`/rounds/${round.id}/catalogs`, 'PUT', { catalogs: [{ unitType: 'department', catalogId: catalog.id }] })
  await as(`/rounds/${round.id}/participants`, 'POST', { unitIds: Object.values(unitIds) })
  await as(`/rounds/${round.id}/assignments`, 'PUT', { assignments: [{ unitType: 'department', fieldCode: '1', userId: appraiser.id }] })
  await as(`/rounds/${round.id}/transition`, 'POST', { to: 'self_assessment' })

  for (const [key, unit] of Object.entries(UNITS) as [keyof typeof UNITS, (typeof UNITS)[keyof typeof UNITS]][]) {
    const officer = await login(c, unit.code.toLowerCase(), c.demoPassword)
    const path = `/rounds/${round.id}/units/${unitIds[key]}/self-assessment`
    const read = await fetch(`${c.baseUrl}${path}`, { headers: { authorization: `Bearer ${officer.token}` } })
    const leaves = ((await read.json()) as { leaves: Leaf[] }).leaves
    // Unit A scores itself below the maximum on two range leaves of field 1, so the appraiser has something to weigh.
    const below: Record<string, Record<string, unknown>> = key === 'a' ? { '1.1.2': { value: 0.5 }, '1.3.3': { value: 1 } } : {}
    const entries = leaves.map((leaf) => ({ leafCode: leaf.code, input: below[leaf.code] ?? maxInput(leaf), explanation: `${unit.name}: minh chứng cho tiêu chí ${leaf.code} có trong hồ sơ.` }))
    const saved = await fetch(`${c.baseUrl}${path}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${officer.token}`, 'content-type': 'application/json', 'if-match': read.headers.get('etag') ?? '*' },
      body: JSON.stringify({ entries })
    })
    assert(saved.ok, `the self-assessment of ${unit.code} answered ${saved.status}`)
    if (key === 'a') {
      await upload(c, officer.token, `${path}/files?leafCode=1.1.1`, samplePdf([`UBND TINH THANH HOA - ${unit.code}`, `Ke hoach CCHC nam ${year}`, 'So 12/KH ngay 10/01']), PDF_NAME, 'application/pdf')
    }
    const submitted = await fetch(`${c.baseUrl}${path}/submit`, { method: 'POST', headers: { authorization: `Bearer ${officer.token}`, 'if-match': '*' } })
    assert(submitted.ok, `the submission of ${unit.code} answered ${submitted.status}`)
  }

  await as(`/rounds/${round.id}`, 'PATCH', { selfAssessmentClosesAt: new Date(Date.now() - 60_000).toISOString() })
  await as(`/rounds/${round.id}/transition`, 'POST', { to: 'appraisal' })
  await as('/auth/logout', 'POST')
  return { roundId: round.id, unitIds }
}

/**
 * The officer of a unit answers its open supplement request: a new self score on its first leaf (`score`), a file on
 * it, then the answer (API set-up).
 */
export async function answerAsOfficer (c: BrowserChecks, roundId: string, unitId: string, unitCode: string, answer: string, score: number): Promise<void> {
  const officer = await login(c, unitCode.toLowerCase(), c.demoPassword)
  const requests = await c.api<{ id: string, status: string, leafCodes: string[] }[]>(`/rounds/${roundId}/supplement-requests?status=open`, { token: officer.token })
  const request = requests[0]
  assert(request, `no open request for ${unitCode}`)
  const path = `/rounds/${roundId}/units/${unitId}/self-assessment`
  const read = await fetch(`${c.baseUrl}${path}`, { headers: { authorization: `Bearer ${officer.token}` } })
  const saved = await fetch(`${c.baseUrl}${path}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${officer.token}`, 'content-type': 'application/json', 'if-match': read.headers.get('etag') ?? '*' },
    body: JSON.stringify({ entries: [{ leafCode: request.leafCodes[0], input: { value: score } }] })
  })
  assert(saved.ok, `the supplement's new score answered ${saved.status}: ${await saved.text()}`)
  await upload(c, officer.token, `${path}/files?leafCode=${request.leafCodes[0]}`,
    samplePdf(['Bao cao bo sung', `Tieu chi ${request.leafCodes[0]}`]), 'Báo cáo bổ sung.pdf', 'application/pdf')
  await c.api(`/supplement-requests/${request.id}/answer`, { method: 'POST', token: officer.token, body: { answer } })
}
