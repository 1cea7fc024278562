// Every route declares who may call it (config.access); a route without a declaration refuses to register.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

import type { Role, Scope } from '../domain/roles.js'

export { roles, scopes, type Role, type Scope } from '../domain/roles.js'

/**
 * `public`: anyone, no credentials. Otherwise the user roles that may call the route and the API key
 * scopes that may (keys are read-only, so only GET routes may list scopes).
 */
export type Access = { public: true } | {
  roles: readonly Role[]
  scopes?: readonly Scope[]
  note?: string
  /** Open to an account that must change its temporary password first (the password change itself, who am I, logout). */
  beforePasswordChange?: true
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
}

/** Where the interactive API docs are served (swagger.ts); they alone may run inline scripts (security-headers.ts). */
export const DOCS_PREFIX = '/docs'

/** Routes that plugins register for themselves (the interactive docs, the admin app's files) are public by nature. */
const exempt = (url: string, method: unknown) => url.startsWith(DOCS_PREFIX) || url.startsWith('/admin/') || method === 'OPTIONS'

export function describeAccess (access: Access, description?: string): Record<string, unknown> {
  if ('public' in access) return { security: [], 'x-access': { public: true } }
  const who = access.roles.length > 0 ? `Roles: ${access.roles.join(', ')}.` : 'No user role.'
  const keys = access.scopes?.length ? ` API keys with scope ${access.scopes.join(' or ')} (each key a limited number of requests a minute, API_KEY_RATE_PER_MINUTE; past it, 429 with Retry-After).` : ''
  const note = `${access.note ? ` ${access.note}` : ''}${access.beforePasswordChange ? ' Open to an account that must change its temporary password first.' : ''}`
  const security: Record<string, string[]>[] = [{ bearerAuth: [] }]
  if (access.scopes?.length) security.push({ apiKey: [...access.scopes] })
  return {
    security,
    'x-access': { roles: access.roles, scopes: access.scopes ?? [] },
    description: `${description ? description + '\n\n' : ''}**Access.** ${who}${keys}${note}`
  }
}

async function accessPlugin (app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (exempt(route.url, route.method)) {
      route.config = { ...(route.config ?? {}), access: { public: true } }
      return
    }
    const access = (route.config as { access?: Access } | undefined)?.access
    if (!access) throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule (config.access)`)
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (!('public' in access) && access.scopes?.length && methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
      throw new Error(`Route ${String(route.method)} ${route.url} lets API keys write; keys are read-only`)
    }
  })
}

export default fp(accessPlugin, { name: 'access' })
