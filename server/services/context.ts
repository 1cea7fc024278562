// Who is acting and under which request: passed from routes to every service that changes data.
import type { Role, Scope } from '../domain/roles.js'

export interface UserPrincipal {
  kind: 'user'
  id: string
  username: string
  displayName: string
  role: Role
  unitId: string | null
  sessionId: string
  /** The account's password was set by an admin as temporary: only the password change, /auth/me and logout are open. */
  mustChangePassword?: boolean
}

export interface ApiKeyPrincipal {
  kind: 'api_key'
  id: string
  name: string
  scopes: Scope[]
}

export type Principal = UserPrincipal | ApiKeyPrincipal

export interface Actor {
  principal: Principal | null
  requestId?: string | undefined
  /** The client's address (request.ip: behind a trusted proxy, the forwarded client). */
  clientAddress?: string | undefined
}

/** The actor of work done by the service itself (bootstrap, demo data). */
export const systemActor: Actor = { principal: null }
