// Counts for the home page: units, catalogs by status, accounts and the latest changes (the last two for admins).
import { call, client } from '../api/client'
import type { AuditEntry } from '../api/types'
import { useLoader } from './useLoader'

export interface Overview {
  activeUnits: number
  publishedCatalogs: number
  draftCatalogs: number
  users: number | null
  recent: AuditEntry[]
}

export function useOverview (isAdmin: () => boolean) {
  return useLoader<Overview>(async () => {
    const page = { limit: 1, offset: 0 }
    const [units, published, drafts] = await Promise.all([
      call(client.GET('/units', { params: { query: { ...page, active: true } } })),
      call(client.GET('/catalogs', { params: { query: { ...page, status: 'published' } } })),
      call(client.GET('/catalogs', { params: { query: { ...page, status: 'draft' } } }))
    ])
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
    return { activeUnits: units.total, publishedCatalogs: published.total, draftCatalogs: drafts.total, users, recent }
  })
}
