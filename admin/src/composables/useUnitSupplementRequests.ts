// A unit's supplement requests (yêu cầu bổ sung) in one round: the appraisers' reasons and due dates, and the
// unit's answer. A unit officer gets only their own unit's from the server; staff ask for the unit they look at.
import { computed, shallowRef, type Ref } from 'vue'
import { call, client } from '../api/client'
import type { SupplementRequest } from '../api/types'
import { useLoader } from './useLoader'

export function useUnitSupplementRequests (roundId: Ref<string>, unitId: Ref<string>) {
  const requests = useLoader(() => call(client.GET('/rounds/{id}/supplement-requests', {
    params: { path: { id: roundId.value }, query: { unitId: unitId.value } }
  })))
  const answering = shallowRef<string | null>(null)

  /** Open ones first (they need the unit), then the rest, newest first. */
  const sorted = computed(() => [...(requests.data.value ?? [])].sort((a, b) =>
    Number(b.status === 'open') - Number(a.status === 'open') || b.createdAt.localeCompare(a.createdAt)))
  const open = computed(() => sorted.value.filter((request) => request.status === 'open'))

  /** Answers a request with a note; its leaves lock again and the appraiser reviews them. */
  async function answer (id: string, note: string): Promise<SupplementRequest> {
    answering.value = id
    try {
      const answered = await call(client.POST('/supplement-requests/{id}/answer', { params: { path: { id } }, body: { answer: note } }))
      requests.data.value = (requests.data.value ?? []).map((request) => request.id === id ? answered : request)
      return answered
    } finally {
      answering.value = null
    }
  }

  return { requests, sorted, open, answering, answer }
}
