// A unit's supplement requests (yêu cầu bổ sung) in a round, as the appraisal screen uses them: list (kept current), ask,
// close.
import { ref, watch, type Ref } from 'vue'
import { call, client } from '../api/client'
import type { SupplementRequest } from '../api/types'
import { useLoader } from './useLoader'

export function useSupplementRequests (roundId: Ref<string>, unitId: Ref<string>) {
  const fetchList = () => call(client.GET('/rounds/{id}/supplement-requests', {
    params: { path: { id: roundId.value }, query: { unitId: unitId.value } }
  }))
  const list = useLoader<SupplementRequest[]>(fetchList)

  /** The list opens by itself when a request waits (for the unit or for review) or one more is answered; then the appraiser decides. */
  const opened = ref(false)
  const answeredCount = (requests: SupplementRequest[] | undefined) => (requests ?? []).filter((request) => request.status === 'answered').length
  watch(() => list.data.value, (requests, before) => {
    const waiting = (requests ?? []).some((request) => request.status === 'answered' || request.status === 'open')
    const more = before === undefined || (requests ?? []).length > before.length || answeredCount(requests) > answeredCount(before)
    if (waiting && more) opened.value = true
  })

  /**
   * The list as it is now, taken quietly (no loading state; a failure keeps the list shown). Returns the requests the
   * unit answered since the list was last taken.
   */
  async function refresh (): Promise<SupplementRequest[]> {
    const shown = list.data.value
    const unit = unitId.value
    const next = await fetchList()
    if (shown === undefined || list.data.value !== shown || unitId.value !== unit) return []
    list.data.value = next
    const answeredBefore = new Set(shown.filter((request) => request.answeredAt !== null).map((request) => request.id))
    return next.filter((request) => request.answeredAt !== null && !answeredBefore.has(request.id))
  }

  async function create (leafCodes: string[], reason: string, dueAt: string): Promise<SupplementRequest> {
    const created = await call(client.POST('/rounds/{id}/units/{unitId}/supplement-requests', {
      params: { path: { id: roundId.value, unitId: unitId.value } },
      body: { leafCodes, reason, dueAt }
    }))
    await list.reload()
    return created
  }

  async function close (id: string, comment: string): Promise<SupplementRequest> {
    const closed = await call(client.POST('/supplement-requests/{id}/close', {
      params: { path: { id } },
      body: { comment: comment.trim() === '' ? null : comment }
    }))
    await list.reload()
    return closed
  }

  return { list, opened, refresh, create, close }
}
