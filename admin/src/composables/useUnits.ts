// Units (đơn vị): the filtered, paginated list and every change an admin makes to units.
import { reactive } from 'vue'
import { call, client } from '../api/client'
import type { CreateUnit, Unit, UnitImportResult, UpdateUnit } from '../api/types'
import { useDebounced } from './useDebounced'
import { usePagedList } from './usePagedList'

export type ActiveFilter = '' | 'true' | 'false'

export const UNITS_PAGE_SIZE = 50

/** Every unit of the province (a few hundred at most), for select boxes. */
export async function fetchAllUnits (options: { active?: boolean } = {}): Promise<Unit[]> {
  const units: Unit[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await call(client.GET('/units', { params: { query: { limit: 500, offset, ...options } } }))
    units.push(...page.items)
    if (units.length >= page.total || page.items.length === 0) return units
  }
}

export function useUnits () {
  const filters = reactive({ q: '', unitType: '', active: '' as ActiveFilter })
  const { offset, list, search, goTo } = usePagedList((start) => call(client.GET('/units', {
    params: {
      query: {
        limit: UNITS_PAGE_SIZE,
        offset: start,
        q: filters.q.trim() || undefined,
        unitType: filters.unitType || undefined,
        active: filters.active === '' ? undefined : filters.active === 'true'
      }
    }
  })))

  useDebounced(() => filters.q, search)

  async function create (input: CreateUnit): Promise<Unit> {
    const unit = await call(client.POST('/units', { body: input }))
    await list.reload()
    return unit
  }

  async function update (id: string, changes: UpdateUnit): Promise<Unit> {
    const unit = await call(client.PATCH('/units/{id}', { params: { path: { id } }, body: changes }))
    await list.reload()
    return unit
  }

  async function setActive (id: string, active: boolean): Promise<Unit> {
    const params = { params: { path: { id } } }
    const unit = await call(active ? client.POST('/units/{id}/activate', params) : client.POST('/units/{id}/deactivate', params))
    await list.reload()
    return unit
  }

  /** Sends a par-units/1 file as it was read; the server checks it and lists every problem. */
  async function importDocument (document: unknown): Promise<UnitImportResult> {
    const result = await call(client.POST('/units/import', { body: document as never }))
    await list.reload()
    return result
  }

  return { filters, offset, list, search, goTo, create, update, setActive, importDocument }
}
