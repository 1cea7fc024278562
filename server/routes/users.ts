// User accounts, API keys and the audit log: admin only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../plugins/auth.js'
import { ApiKeySchema, AuditPageSchema, CreateApiKeySchema, CreatedApiKeySchema, CreateUserSchema, ResetPasswordSchema, UpdateUserSchema, UserPageSchema, UserSchema } from '../schemas/auth.js'
import { IdParams, PageQuery, problems, ref } from '../schemas/common.js'
import { listAudit } from '../services/audit.js'
import { createApiKey, createUserAccount, getUser, listApiKeys, listUsers, resetPassword, revokeApiKey, updateUser } from '../services/users.js'
import { roles } from '../domain/roles.js'

const adminOnly = { roles: ['admin'] } as const

const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/users', {
    config: { access: adminOnly },
    schema: {
      operationId: 'listUsers',
      summary: 'List user accounts',
      tags: ['users'],
      querystring: Type.Intersect([PageQuery, Type.Object({
        role: Type.Optional(Type.Enum([...roles])),
        unitId: Type.Optional(Type.String({ format: 'uuid' })),
        active: Type.Optional(Type.Boolean())
      })]),
      response: { 200: ref(UserPageSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => listUsers(app.db, request.query))

  app.post('/users', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createUser',
      summary: 'Create a user account',
      tags: ['users'],
      body: ref(CreateUserSchema),
      response: { 201: ref(UserSchema), ...problems(400, 401, 403, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await createUserAccount(app.db, actorOf(request), request.body)))

  app.get('/users/:id', {
    config: { access: adminOnly },
    schema: {
      operationId: 'getUser',
      summary: 'One user account',
      tags: ['users'],
      params: IdParams,
      response: { 200: ref(UserSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => getUser(app.db, request.params.id))

  app.patch('/users/:id', {
    config: { access: adminOnly },
    schema: {
      operationId: 'updateUser',
      summary: 'Edit a user account (name, email, role, unit binding, active); deactivation revokes all its tokens',
      tags: ['users'],
      params: IdParams,
      body: ref(UpdateUserSchema),
      response: { 200: ref(UserSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => updateUser(app.db, actorOf(request), request.params.id, request.body))

  app.post('/users/:id/deactivate', {
    config: { access: adminOnly },
    schema: {
      operationId: 'deactivateUser',
      summary: 'Deactivate a user account and revoke all its tokens',
      tags: ['users'],
      params: IdParams,
      response: { 200: ref(UserSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => updateUser(app.db, actorOf(request), request.params.id, { active: false }))

  app.post('/users/:id/reset-password', {
    config: { access: adminOnly },
    schema: {
      operationId: 'resetUserPassword',
      summary: 'Set a new password for a user; all their tokens are revoked',
      tags: ['users'],
      params: IdParams,
      body: ref(ResetPasswordSchema),
      response: { 204: { type: 'null', description: 'Password reset' }, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    await resetPassword(app.db, actorOf(request), request.params.id, request.body.newPassword, request.body.mustChangePassword)
    return reply.code(204).send(null)
  })

  app.get('/api-keys', {
    config: { access: adminOnly },
    schema: {
      operationId: 'listApiKeys',
      summary: 'List API keys (never their secrets)',
      tags: ['api-keys'],
      response: { 200: Type.Array(ref(ApiKeySchema)), ...problems(401, 403) }
    }
  }, async () => listApiKeys(app.db))

  app.post('/api-keys', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createApiKey',
      summary: 'Create a read-only API key for an integrator; the secret is shown once',
      tags: ['api-keys'],
      body: ref(CreateApiKeySchema),
      response: { 201: ref(CreatedApiKeySchema), ...problems(400, 401, 403) }
    }
  }, async (request, reply) => reply.code(201).send(await createApiKey(app.db, actorOf(request), request.body)))

  app.post('/api-keys/:id/revoke', {
    config: { access: adminOnly },
    schema: {
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key; it stops working at once',
      tags: ['api-keys'],
      params: IdParams,
      response: { 200: ref(ApiKeySchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => revokeApiKey(app.db, actorOf(request), request.params.id))

  app.get('/audit', {
    config: { access: adminOnly },
    schema: {
      operationId: 'listAudit',
      summary: 'Query the audit log by entity, actor, action and time range (newest first)',
      tags: ['audit'],
      querystring: Type.Intersect([PageQuery, Type.Object({
        entityType: Type.Optional(Type.String()),
        entityId: Type.Optional(Type.String()),
        actorId: Type.Optional(Type.String({ format: 'uuid' })),
        action: Type.Optional(Type.String()),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' }))
      })]),
      response: { 200: ref(AuditPageSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => listAudit(app.db, request.query))
}

export default userRoutes
