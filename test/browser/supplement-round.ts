// The round of the officer's supplement check, set up through the API: its own round in appraisal with one district
// and one appraiser, and one open request the officer then answers on the screen.
import type { BrowserChecks } from './checks.js'

/** The round of the supplement check: its own, in appraisal, with one district and one appraiser, so no other check sees it. */
export const SUPPLEMENT = {
  code: 'KT-BO-SUNG',
  title: 'Kỳ thử nghiệm yêu cầu bổ sung',
  officer: 'h-muong-lat',
  unitCode: 'H-MUONG-LAT',
  appraiser: { username: 'thamdinh.bosung', displayName: 'Thành viên thẩm định thử nghiệm', password: 'Tham-dinh-bo-sung-2026' },
  reason: 'Bổ sung quyết định ban hành kế hoạch CCHC năm có chữ ký, đóng dấu và số liệu hoàn thành kế hoạch.'
}

/** Set-up through the API (the appraiser's screens are another check's): a round in appraisal and one open request on 1.1.1 and 1.1.2. */
export async function supplementRound (c: BrowserChecks): Promise<{ roundId: string }> {
  const day = 86_400_000
  const { token } = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: 'admin', password: c.adminPassword } })
  const rounds = await c.api<{ items: { id: string, status: string, year: number }[] }>('/rounds?limit=100', { token })
  const demo = rounds.items.find((round) => round.status === 'self_assessment')
  const detail = await c.api<{ catalogs: { unitType: string, catalogId: string }[] }>(`/rounds/${demo?.id ?? ''}`, { token })
  const catalogId = detail.catalogs.find((catalog) => catalog.unitType === 'district')?.catalogId ?? ''
  const units = await c.api<{ items: { id: string, code: string }[] }>(`/units?q=${SUPPLEMENT.unitCode}&limit=5`, { token })
  const unitId = units.items.find((unit) => unit.code === SUPPLEMENT.unitCode)?.id ?? ''
  const at = (days: number) => new Date(Date.now() + days * day).toISOString()
  const round = await c.api<{ id: string }>('/rounds', {
    method: 'POST',
    token,
    body: { code: SUPPLEMENT.code, title: SUPPLEMENT.title, year: demo?.year ?? 2026, selfAssessmentClosesAt: at(1), supplementClosesAt: at(10), appraisalClosesAt: at(20) }
  })
  await c.api(`/rounds/${round.id}/catalogs`, { method: 'PUT', token, body: { catalogs: [{ unitType: 'district', catalogId }] } })
  await c.api(`/rounds/${round.id}/participants`, { method: 'PUT', token, body: { unitIds: [unitId] } })
  await c.api(`/rounds/${round.id}/transition`, { method: 'POST', token, body: { to: 'self_assessment' } })
  // Self-assessment closes by its deadline before appraisal begins.
  await c.api(`/rounds/${round.id}`, { method: 'PATCH', token, body: { selfAssessmentClosesAt: at(-1 / 1440) } })
  await c.api(`/rounds/${round.id}/transition`, { method: 'POST', token, body: { to: 'appraisal' } })
  const appraiser = await c.api<{ id: string }>('/users', { method: 'POST', token, body: { ...SUPPLEMENT.appraiser, role: 'appraiser' } })
  await c.api(`/rounds/${round.id}/assignments`, { method: 'PUT', token, body: { assignments: [{ unitType: 'district', fieldCode: '1', userId: appraiser.id }] } })
  await c.api('/auth/logout', { method: 'POST', token })
  const login = await c.api<{ token: string }>('/auth/login', { method: 'POST', body: { username: SUPPLEMENT.appraiser.username, password: SUPPLEMENT.appraiser.password } })
  await c.api(`/rounds/${round.id}/units/${unitId}/supplement-requests`, {
    method: 'POST',
    token: login.token,
    body: { leafCodes: ['1.1.1', '1.1.2'], reason: SUPPLEMENT.reason, dueAt: at(3) }
  })
  await c.api('/auth/logout', { method: 'POST', token: login.token })
  return { roundId: round.id }
}
