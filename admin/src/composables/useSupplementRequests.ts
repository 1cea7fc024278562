// A unit's supplement requests (yêu cầu bổ sung) in a round, as the appraisal screen uses them: list, ask, close.
import type { Ref } from 'vue'
import { call, client } from '../api/client'
import type { SupplementRequest } from '../api/types'
import { useLoader } from './useLoader'

export function useSupplementRequests (roundId: Ref<string>, unitId: Ref<string>) {
  const list = useLoader<SupplementRequest[]>(() => call(client.GET('/rounds/{id}/supplement-requests', {
    params: { path: { id: roundId.value }, query: { unitId: unitId.value } }
  })))

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

  return { list, create, close }
}
