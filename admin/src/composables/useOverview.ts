// Counts for the home page: units, catalogs by status, rounds, the latest published results, accounts and the latest
// changes (the last two for admins).
import { call, client } from '../api/client'
import type { AuditEntry, RoundStatus, RoundSummary } from '../api/types'
import { useLoader } from './useLoader'

/** The round the Sở Nội vụ is running now, with where its units stand. */
export interface CurrentRound {
  id: string
  code: string
  title: string
  status: RoundStatus
  selfAssessmentClosesAt: string | null
  supplementClosesAt: string | null
  appraisalClosesAt: string | null
  participants: number
  submitted: number
  /** Not submitted although their own deadline (the round's or an extension) has passed. */
  late: number
  /** Units with at least one supplement request waiting for their answer. */
  withOpenRequests: number
  openRequests: number
}

/** In progress first (self-assessment, appraisal, finalized but not published), else one being prepared (draft). */
const CURRENT_ORDER: RoundStatus[] = ['self_assessment', 'appraisal', 'finalized', 'draft']

/** Another round under way at the same time (a new year opened before the last one is published): a link to it. */
export interface OtherRound { id: string, title: string, status: RoundStatus }

/** The rounds (the newest 100 are enough to find the current one) and how many there are in all. */
async function rounds (): Promise<{ total: number, current: CurrentRound | null, others: OtherRound[] }> {
  const { items, total } = await call(client.GET('/rounds', { params: { query: { limit: 100, offset: 0 } } }))
  const ranked = items
    .filter((round) => CURRENT_ORDER.includes(round.status))
    .sort((a, b) => CURRENT_ORDER.indexOf(a.status) - CURRENT_ORDER.indexOf(b.status) || b.year - a.year || b.createdAt.localeCompare(a.createdAt))
  const [first, ...rest] = ranked
  const others = first?.status === 'draft' ? [] : rest.filter((round) => round.status !== 'draft').map(({ id, title, status }) => ({ id, title, status }))
  return { total, current: first === undefined ? null : await currentRound(first), others }
}

async function currentRound (round: RoundSummary): Promise<CurrentRound> {
  const path = { params: { path: { id: round.id } } }
  const [selfAssessments, requests] = await Promise.all([
    call(client.GET('/rounds/{id}/self-assessments', path)),
    call(client.GET('/rounds/{id}/supplement-requests', { params: { path: { id: round.id }, query: { status: 'open' } } }))
  ])
  return {
    id: round.id,
    code: round.code,
    title: round.title,
    status: round.status,
    selfAssessmentClosesAt: round.selfAssessmentClosesAt,
    supplementClosesAt: round.supplementClosesAt,
    appraisalClosesAt: round.appraisalClosesAt,
    participants: round.participantCount,
    submitted: selfAssessments.filter((line) => line.status === 'submitted').length,
    late: selfAssessments.filter((line) => line.overdue).length,
    withOpenRequests: new Set(requests.map((request) => request.unit.id)).size,
    openRequests: requests.length
  }
}

export interface Overview {
  activeUnits: number
  publishedCatalogs: number
  draftCatalogs: number
  rounds: number
  /** The newest round with published results and each of its unit types' latest version, for shortcuts to them. */
  latestResults: { roundId: string, title: string, types: Array<{ unitType: string, unitTypeName: string, version: number, publishedAt: string }> } | null
  users: number | null
  recent: AuditEntry[]
  /** Rounds under way besides the current one. */
  otherRounds: OtherRound[]
  current: CurrentRound | null
}

export function useOverview (isAdmin: () => boolean) {
  return useLoader<Overview>(async () => {
    const page = { limit: 1, offset: 0 }
    const [units, published, drafts, roundList, publishedRounds] = await Promise.all([
      call(client.GET('/units', { params: { query: { ...page, active: true } } })),
      call(client.GET('/catalogs', { params: { query: { ...page, status: 'published' } } })),
      call(client.GET('/catalogs', { params: { query: { ...page, status: 'draft' } } })),
      rounds(),
      call(client.GET('/public/rounds', { cache: 'no-cache' }))
    ])
    const newest = publishedRounds.items[0]
    const latestResults = newest && newest.results.length > 0
      ? {
          roundId: newest.id,
          title: newest.title,
          types: newest.results.map((type) => ({ unitType: type.unitType, unitTypeName: type.unitTypeName, version: type.latestVersion, publishedAt: type.publishedAt }))
        }
      : null
    let users: number | null = null
    let recent: AuditEntry[] = []
    if (isAdmin()) {
      const [userPage, auditPage] = await Promise.all([
        call(client.GET('/users', { params: { query: { ...page, active: true } } })),
        call(client.GET('/audit', { params: { query: { limit: 6, offset: 0 } } }))
      ])
      users = userPage.total
      recent = auditPage.items
    }
    return { activeUnits: units.total, publishedCatalogs: published.total, draftCatalogs: drafts.total, rounds: roundList.total, latestResults, users, recent, current: roundList.current, otherRounds: roundList.others }
  })
}
