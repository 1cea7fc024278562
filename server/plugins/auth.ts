// Authentication (bearer tokens for users, X-API-Key for integrators) and enforcement of each route's access rule.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Errors } from '../errors.js'
import { authenticateApiKey, authenticateToken } from '../services/auth.js'
import type { Actor, Principal, UserPrincipal } from '../services/context.js'
import type { Access } from './access.js'
import { onlyUsers } from '../messages/problems.js'
import { text as t } from '../messages/text.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

async function resolvePrincipal (app: FastifyInstance, request: FastifyRequest): Promise<Principal | null> {
  const authorization = request.headers.authorization
  const apiKey = request.headers['x-api-key']
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization)
    if (!match?.[1]) throw Errors.unauthenticated(t('The Authorization header must be "Bearer <token>".', 'Tiêu đề Authorization phải có dạng "Bearer <token>".'))
    const principal = await authenticateToken(app.db, match[1])
    if (!principal) throw Errors.unauthenticated(t('The token is invalid, expired or revoked. Log in again.', 'Phiên đăng nhập không hợp lệ, đã hết hạn hoặc đã bị thu hồi. Vui lòng đăng nhập lại.'))
    return principal
  }
  if (typeof apiKey === 'string') {
    const principal = await authenticateApiKey(app.db, apiKey)
    if (!principal) throw Errors.unauthenticated(t('The API key is invalid or revoked.', 'Khóa API không hợp lệ hoặc đã bị thu hồi.'))
    if (principal.kind === 'expired') {
      throw Errors.unauthenticated(t(`The API key expired at ${principal.expiredAt}; ask the administrator for a new one.`,
        `Khóa API đã hết hạn lúc ${principal.expiredAt}; hãy đề nghị quản trị viên cấp khóa mới.`), { extra: { expiredAt: principal.expiredAt } })
    }
    return principal
  }
  return null
}

/** Whether a principal passes a route's declared rule. Exported for the access-matrix test. */
export function allows (access: Access, principal: Principal | null): boolean {
  if ('public' in access) return true
  if (!principal) return false
  if (principal.kind === 'user') return access.roles.includes(principal.role)
  return (access.scopes ?? []).some((scope) => principal.scopes.includes(scope))
}

/** Why an API key may not call a route: the scope it lacks, or that the route is not for keys at all. */
function keyRefusal (scopes: readonly string[]) {
  const needed = scopes.join(' or ')
  return scopes.length > 0
    ? t(`This API key lacks the scope this route needs: ${needed}.`, `Khóa API này thiếu quyền mà địa chỉ này cần: ${needed}.`)
    : t('API keys cannot call this route: it is for logged-in accounts only (API keys only read results, rounds, units and catalogs).',
      'Khóa API không gọi được địa chỉ này: chỉ dành cho tài khoản đăng nhập (khóa API chỉ đọc kết quả, kỳ đánh giá, đơn vị và bộ tiêu chí).')
}

async function authPlugin (app: FastifyInstance, options: { apiKeyRatePerMinute?: number }): Promise<void> {
  app.decorateRequest('principal', null)
  // An integrator's key is counted on its own, wherever its requests come from (a public route keeps its per-address limit).
  const limitKey = app.rateLimit({
    max: options.apiKeyRatePerMinute ?? 1200,
    timeWindow: '1 minute',
    keyGenerator: (request) => `api-key:${request.principal?.id ?? ''}`
  })
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access
    if (!access) return // unknown route: the not-found handler answers
    const isPublic = 'public' in access
    // Public routes ignore bad credentials rather than failing, so a stale token never blocks public data.
    try {
      request.principal = await resolvePrincipal(app, request)
    } catch (error) {
      if (!isPublic) throw error
    }
    if (request.principal) {
      // The access log names who called (the account or the API key, by id; never a secret).
      const who = request.principal.kind === 'user' ? { userId: request.principal.id } : { apiKeyId: request.principal.id }
      request.log = request.log.child(who)
      reply.log = request.log
    }
    if (isPublic) return
    if (!request.principal) throw Errors.unauthenticated(t('Log in (Authorization: Bearer <token>) or send an API key (X-API-Key).', 'Cần đăng nhập (Authorization: Bearer <token>) hoặc gửi khóa API (X-API-Key).'))
    if (!allows(access, request.principal)) {
      if (request.principal.kind === 'api_key') throw Errors.forbidden(keyRefusal(access.scopes ?? []), { extra: { requiredScopes: access.scopes ?? [] } })
      throw Errors.forbidden(t(`The role ${request.principal.role} may not do this.`, 'Vai trò của bạn không được làm thao tác này.'))
    }
    if (request.principal.kind === 'api_key') await limitKey.call(app, request, reply)
    if (request.principal.kind === 'user' && request.principal.mustChangePassword === true && !access.beforePasswordChange) {
      throw Errors.passwordChangeRequired(t('The password of this account was set by an admin: change it first (POST /auth/password), then log in again.',
        'Mật khẩu của tài khoản do quản trị viên cấp: hãy đổi mật khẩu trước (POST /auth/password) rồi đăng nhập lại.'))
    }
  })
}

export default fp(authPlugin, { name: 'auth', dependencies: ['db', 'access', '@fastify/rate-limit'] })

export function actorOf (request: FastifyRequest): Actor {
  return { principal: request.principal, requestId: request.id, clientAddress: request.ip }
}

/** The calling user; routes that only users reach use it. */
export function userOf (request: FastifyRequest): UserPrincipal {
  const principal = request.principal
  if (principal?.kind !== 'user') throw Errors.forbidden(onlyUsers)
  return principal
}
