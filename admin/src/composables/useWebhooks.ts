// Webhook endpoints (admins): list, register (the signing secret is returned once), enable or disable, rotate the
// secret, remove; one endpoint's deliveries with their attempts, and redelivery.
import { call, client } from '../api/client'
import type { WebhookEventType } from '../api/types'
import { useLoader } from './useLoader'

export function useWebhooks () {
  const list = useLoader(() => call(client.GET('/webhooks')))

  async function create (url: string, description: string, eventTypes: WebhookEventType[]) {
    const created = await call(client.POST('/webhooks', { body: { url, description: description.trim() || null, eventTypes } }))
    await list.reload()
    return created
  }

  async function setActive (id: string, active: boolean): Promise<void> {
    await call(client.PATCH('/webhooks/{id}', { params: { path: { id } }, body: { active } }))
    await list.reload()
  }

  async function rotate (id: string): Promise<string> {
    return (await call(client.POST('/webhooks/{id}/rotate-secret', { params: { path: { id } } }))).secret
  }

  async function remove (id: string): Promise<void> {
    await call(client.DELETE('/webhooks/{id}', { params: { path: { id } } }))
    await list.reload()
  }

  const deliveries = (id: string) => call(client.GET('/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 50, offset: 0 } } }))

  async function redeliver (id: string, deliveryId: string): Promise<void> {
    await call(client.POST('/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { path: { id, deliveryId } } }))
  }

  return { list, create, setActive, rotate, remove, deliveries, redeliver }
}
