// The audit log (nhật ký): filtered by entity, actor, action and time range, newest first.
import { computed, reactive } from 'vue'
import { call, client } from '../api/client'
import { parseDateTimeInput } from '../format'
import { usePagedList } from './usePagedList'

export const AUDIT_PAGE_SIZE = 25

export function useAudit () {
  const filters = reactive({ entityType: '', entityId: '', actorId: '', action: '', from: '', to: '' })
  const { offset, list, search: firstPage, goTo } = usePagedList((start) => call(client.GET('/audit', {
    params: {
      query: {
        limit: AUDIT_PAGE_SIZE,
        offset: start,
        entityType: filters.entityType || undefined,
        entityId: filters.entityId.trim() || undefined,
        actorId: filters.actorId || undefined,
        action: filters.action.trim() || undefined,
        from: parseDateTimeInput(filters.from) ?? undefined,
        to: parseDateTimeInput(filters.to, true) ?? undefined
      }
    }
  })))

  /** Which time boxes hold something that is not a date, so the search waits for a correction. */
  const invalidTimes = computed(() => ({
    from: parseDateTimeInput(filters.from) === null,
    to: parseDateTimeInput(filters.to, true) === null
  }))

  function search (): void {
    if (invalidTimes.value.from || invalidTimes.value.to) return
    firstPage()
  }

  function reset (): void {
    Object.assign(filters, { entityType: '', entityId: '', actorId: '', action: '', from: '', to: '' })
    search()
  }

  return { filters, invalidTimes, offset, list, search, goTo, reset }
}
