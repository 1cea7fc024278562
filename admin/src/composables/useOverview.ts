// Counts for the home page: units, catalogs by status, rounds, the latest published results, accounts and the latest
// changes (the last two for admins).
import { call, client } from '../api/client'
import type { AuditEntry } from '../api/types'
import { useLoader } from './useLoader'

export interface Overview {
  activeUnits: number
  publishedCatalogs: number
  draftCatalogs: number
  rounds: number
  /** The newest round with published results and its first unit type, for a shortcut to them. */
  latestResults: { roundId: string, title: string, unitType: string, unitTypeName: string, version: number, publishedAt: string } | null
  users: number | null
  recent: AuditEntry[]
}

export function useOverview (isAdmin: () => boolean) {
  return useLoader<Overview>(async () => {
    const page = { limit: 1, offset: 0 }
    const [units, published, drafts, rounds, publishedRounds] = await Promise.all([
      call(client.GET('/units', { params: { query: { ...page, active: true } } })),
      call(client.GET('/catalogs', { params: { query: { ...page, status: 'published' } } })),
      call(client.GET('/catalogs', { params: { query: { ...page, status: 'draft' } } })),
      call(client.GET('/rounds', { params: { query: page } })),
      call(client.GET('/public/rounds'))
    ])
    const newest = publishedRounds.items[0]
    const firstType = newest?.results[0]
    const latestResults = newest && firstType
      ? { roundId: newest.id, title: newest.title, unitType: firstType.unitType, unitTypeName: firstType.unitTypeName, version: firstType.latestVersion, publishedAt: firstType.publishedAt }
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
    return { activeUnits: units.total, publishedCatalogs: published.total, draftCatalogs: drafts.total, rounds: rounds.total, latestResults, users, recent }
  })
}
