// Login, logout, the current user and their own password.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { actorOf, userOf } from '../plugins/auth.js'
import { roles } from '../plugins/access.js'
import { ChangePasswordSchema, LoginResultSchema, LoginSchema, UserSchema } from '../schemas/auth.js'
import { problems, ref } from '../schemas/common.js'
import { login, logout, type LoginPolicy } from '../services/auth.js'
import { changeOwnPassword, getUser } from '../services/users.js'

/** Every user, even one whose temporary password must be changed first (every other route answers 403 PASSWORD_CHANGE_REQUIRED). */
const anyUser = { roles, beforePasswordChange: true } as const

const authRoutes: FastifyPluginAsyncTypebox<{ policy: LoginPolicy, loginRatePerMinute: number }> = async (app, options) => {
  app.post('/auth/login', {
    config: {
      access: { public: true },
      // Per address; the per-username lockout lives in the service.
      rateLimit: { max: options.loginRatePerMinute, timeWindow: '1 minute' }
    },
    schema: {
      operationId: 'login',
      summary: 'Log in with username and password; returns a bearer token',
      description: 'Failed logins are slowed, then the username is locked for a while from the address that failed (429 LOGIN_LOCKED); ' +
        'the owner can still log in from elsewhere. The answer never tells whether a username exists.',
      tags: ['auth'],
      body: ref(LoginSchema),
      response: { 200: ref(LoginResultSchema), ...problems(400, 401, 429) }
    }
  }, async (request) => login(app.db, options.policy, request.body.username, request.body.password, request.ip))

  app.post('/auth/logout', {
    config: { access: anyUser },
    schema: {
      operationId: 'logout',
      summary: 'Revoke the token used for this request',
      tags: ['auth'],
      response: { 204: { type: 'null', description: 'Logged out' }, ...problems(401, 403) }
    }
  }, async (request, reply) => {
    await logout(app.db, userOf(request).sessionId)
    return reply.code(204).send(null)
  })

  app.get('/auth/me', {
    config: { access: anyUser },
    schema: {
      operationId: 'getCurrentUser',
      summary: 'The logged-in user',
      tags: ['auth'],
      response: { 200: ref(UserSchema), ...problems(401, 403) }
    }
  }, async (request) => getUser(app.db, userOf(request).id))

  app.post('/auth/password', {
    config: { access: anyUser },
    schema: {
      operationId: 'changeOwnPassword',
      summary: 'Change your own password (the current one is required); all your tokens are revoked',
      description: 'A wrong current password counts as a failed login of the account from this address: after LOGIN_MAX_FAILURES the answer is 429 LOGIN_LOCKED.',
      tags: ['auth'],
      body: ref(ChangePasswordSchema),
      response: { 204: { type: 'null', description: 'Changed; log in again' }, ...problems(400, 401, 403, 429) }
    }
  }, async (request, reply) => {
    await changeOwnPassword(app.db, actorOf(request), userOf(request).id, request.body.oldPassword, request.body.newPassword, { policy: options.policy, address: request.ip })
    return reply.code(204).send(null)
  })
}

export default authRoutes
