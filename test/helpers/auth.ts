// Test users: created directly through the users service, then logged in through the API as a client would.
import type { FastifyInstance } from 'fastify'
import type { Role } from '../../server/plugins/access.js'
import { systemActor } from '../../server/services/context.js'
import { createApiKey, createUser } from '../../server/services/users.js'

export const TEST_PASSWORD = 'correct horse battery'

let counter = 0

export interface LoggedIn {
  token: string
  user: { id: string, username: string, role: Role, unitId: string | null }
  headers: { authorization: string }
}

export async function loginAs (app: FastifyInstance, role: Role, options: { unitId?: string, username?: string } = {}): Promise<LoggedIn> {
  const username = options.username ?? `${role.replace('_', '-')}-${++counter}`
  await createUser(app.db, systemActor, { username, displayName: `Test ${role}`, role, unitId: options.unitId ?? null, password: TEST_PASSWORD })
  const response = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: TEST_PASSWORD } })
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`)
  const body = response.json()
  return { token: body.token, user: body.user, headers: { authorization: `Bearer ${body.token}` } }
}

export async function apiKeyHeaders (app: FastifyInstance, scopes: ('results:read' | 'catalogs:read' | 'units:read')[] = ['results:read', 'catalogs:read', 'units:read']) {
  const { key } = await createApiKey(app.db, systemActor, { name: 'test integrator', scopes })
  return { 'x-api-key': key }
}

/** Calls the API as a logged-in user: `inject(who, 'POST', url, body, headers)`. */
export function injectAs (app: FastifyInstance) {
  return (who: LoggedIn, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { ...who.headers, ...headers }, ...(payload === undefined ? {} : { payload }) })
}
