// API keys for integrators: list, create (the secret is returned once), revoke.
import { call, client } from '../api/client'
import type { CreatedApiKey, Scope } from '../api/types'
import { useLoader } from './useLoader'

export function useApiKeys () {
  const list = useLoader(() => call(client.GET('/api-keys')))

  async function create (name: string, scopes: Scope[], expiresAt: string | null): Promise<CreatedApiKey> {
    const created = await call(client.POST('/api-keys', { body: { name, scopes, expiresAt } }))
    await list.reload()
    return created
  }

  async function revoke (id: string): Promise<void> {
    await call(client.POST('/api-keys/{id}/revoke', { params: { path: { id } } }))
    await list.reload()
  }

  return { list, create, revoke }
}
