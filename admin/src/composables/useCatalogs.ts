// Criteria catalogs (bộ tiêu chí): the list by year, unit type and status, creating one and importing a file.
import { reactive } from 'vue'
import { call, client } from '../api/client'
import type { Catalog, CreateCatalog } from '../api/types'
import type { components } from '../api/schema'
import { usePagedList } from './usePagedList'

export const CATALOGS_PAGE_SIZE = 50

type CatalogDocument = components['schemas']['CatalogDocument']

export function useCatalogs () {
  const filters = reactive({ year: '', unitType: '', status: '' as '' | 'draft' | 'published' })
  const { offset, list, search, goTo } = usePagedList((start) => {
    const year = Number.parseInt(filters.year, 10)
    return call(client.GET('/catalogs', {
      params: {
        query: {
          limit: CATALOGS_PAGE_SIZE,
          offset: start,
          year: Number.isInteger(year) ? year : undefined,
          unitType: filters.unitType || undefined,
          status: filters.status || undefined
        }
      }
    }))
  })

  async function create (input: CreateCatalog): Promise<Catalog> {
    return call(client.POST('/catalogs', { body: input }))
  }

  /** Imports a par-catalog/1 file as a draft; `replace` overwrites the draft that has the same code. */
  async function importDocument (document: unknown, replace = false): Promise<Catalog> {
    return call(client.POST('/catalogs/import', {
      params: { query: { publish: false, replace } },
      body: document as CatalogDocument
    }))
  }

  return { filters, offset, list, search, goTo, create, importDocument }
}
