// User accounts, API keys and the audit log: admin only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../plugins/auth.js'
import {
  ApiKeySchema, AuditPageSchema, CreateApiKeySchema, CreatedApiKeySchema, CreateUnitOfficersSchema, CreateUserSchema, ResetPasswordSchema,
  UnitOfficersOutcomeSchema, UpdateUserSchema, UserPageSchema, UserSchema
} from '../schemas/auth.js'
import { IdParams, PageQuery, problems, ref } from '../schemas/common.js'
import { listAudit } from '../services/audit.js'
import { createApiKey, createUserAccount, getUser, listApiKeys, listUsers, resetPassword, revokeApiKey, updateUser } from '../services/users.js'
import { roles } from '../domain/roles.js'
import { createUnitOfficers } from '../services/unit-officers.js'

const adminOnly = { roles: ['admin'] } as const

const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/users', {
    config: { access: adminOnly },
    schema: {
      operationId: 'listUsers',
      summary: 'List user accounts',
      tags: ['users'],
      querystring: Type.Intersect([PageQuery, Type.Object({
        q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the username, display name or email, or of the name or code of the officer\'s unit (with or without Vietnamese diacritics)' })),
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

  app.post('/users/unit-officers', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createUnitOfficers',
      summary: 'Create the officer account of every active unit that has none, each with a temporary password shown once',
      description: 'Of every active unit, or of one unit type (unitType), or of the units listed (unitIds). Each unit without an active officer ' +
        'gets one: the username is the unit\'s code in lower case (h-dong-son), the name "Cán bộ CCHC – <unit>", and a random temporary password ' +
        '(three groups of four, e.g. Tx7k-9pQm-4hZr) that the officer must change at the first login (mustChangePassword). The passwords are ' +
        'in this answer only (Cache-Control: no-store); the service keeps their hashes. A unit that has an officer, or whose username is taken, ' +
        'is listed in `skipped`. One transaction; each account is audited.',
      tags: ['users'],
      body: ref(CreateUnitOfficersSchema),
      response: { 200: ref(UnitOfficersOutcomeSchema), ...problems(400, 401, 403) }
    }
  }, async (request, reply) => {
    const outcome = await createUnitOfficers(app.db, actorOf(request), request.body)
    return reply.header('cache-control', 'no-store').send(outcome)
  })

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
