// Contract of users, login, API keys and the audit log.
import { Type } from 'typebox'
import { nameText, page, ref, registerShared } from './common.js'
import { roles, scopes } from '../domain/roles.js'

const role = Type.Enum([...roles])
const scope = Type.Enum([...scopes])

export const UserSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  role,
  unitId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  active: Type.Boolean(),
  mustChangePassword: Type.Boolean({ description: 'The password was set by an admin as temporary: until its owner changes it (POST /auth/password), every route but that one, GET /auth/me and logout answers 403 PASSWORD_CHANGE_REQUIRED' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'User' })

export const UserPageSchema = page(UserSchema, 'UserPage')

const password = Type.String({ minLength: 1, maxLength: 200, description: 'At least 10 characters, not the username (nor the current password), and hard to guess: a zxcvbn score of 3 or more (400 WEAK_PASSWORD says why)' })
const username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' })

/** Whether the password given is temporary, for its owner to change at the first login. */
const mustChangePassword = Type.Optional(Type.Boolean({
  default: false,
  description: 'true: the password is temporary (the admin hands it over); its owner must change it before doing anything else (403 PASSWORD_CHANGE_REQUIRED until then)'
}))

export const CreateUserSchema = Type.Object({
  username,
  displayName: nameText({ maxLength: 200 }),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
  role,
  unitId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  password,
  mustChangePassword
}, { $id: 'CreateUser', additionalProperties: false })

export const UpdateUserSchema = Type.Object({
  displayName: Type.Optional(nameText({ maxLength: 200 })),
  email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 200 }), Type.Null()])),
  role: Type.Optional(role),
  unitId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
  active: Type.Optional(Type.Boolean())
}, { $id: 'UpdateUser', additionalProperties: false })

export const LoginSchema = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 200 })
}, { $id: 'Login', additionalProperties: false, examples: [{ username: 'so-tp', password: 'Mật-khẩu-của-bạn-2020' }] })

export const LoginResultSchema = Type.Object({
  token: Type.String({ description: 'Send as "Authorization: Bearer <token>"' }),
  expiresAt: Type.String({ format: 'date-time' }),
  user: ref(UserSchema)
}, { $id: 'LoginResult' })

export const ChangePasswordSchema = Type.Object({
  oldPassword: Type.String({ minLength: 1, maxLength: 200 }),
  newPassword: password
}, { $id: 'ChangePassword', additionalProperties: false })

export const ResetPasswordSchema = Type.Object({ newPassword: password, mustChangePassword }, { $id: 'ResetPassword', additionalProperties: false })

export const ApiKeySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String({ description: 'First characters of the key, to recognise it' }),
  scopes: Type.Array(scope),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'After this instant the key is refused (401 UNAUTHENTICATED with expiredAt); null: until revoked' })
}, { $id: 'ApiKey' })

export const CreatedApiKeySchema = Type.Object({
  apiKey: ref(ApiKeySchema),
  key: Type.String({ description: 'The secret, shown only once: send it as X-API-Key' })
}, { $id: 'CreatedApiKey' })

export const CreateApiKeySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  scopes: Type.Array(scope, { minItems: 1, uniqueItems: true }),
  expiresAt: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the key stops working (in the future); omitted or null: until revoked' }))
}, { $id: 'CreateApiKey', additionalProperties: false })

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.Enum(['user', 'api_key', 'system']),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  entityLabel: Type.Union([Type.String(), Type.Null()], { description: 'What the entity is, as people know it: an account\'s name, a unit\'s, a round\'s or catalog\'s code, "Sở Tư pháp · 2026" for a unit\'s self-assessment or appraisal; null when it no longer exists' }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  names: Type.Record(Type.String(), Type.String(), { description: 'The ids that before and after mention (a user\'s unitId, a round\'s catalogId, a clone\'s source…), each with what people know it by: a unit\'s name, a catalog\'s or round\'s code, an account\'s name. Ids of things since deleted are left out; at most 200 per entry' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  clientAddress: Type.Union([Type.String(), Type.Null()], { description: 'The client\'s address; behind a trusted proxy (TRUST_PROXY), the forwarded one' })
}, { $id: 'AuditEntry' })

export const AuditPageSchema = page(AuditEntrySchema, 'AuditPage')

export const CreateUnitOfficersSchema = Type.Object({
  unitType: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only the units of this type (e.g. district)' })),
  unitIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 5000, uniqueItems: true, description: 'Only these units (each active); absent: every active unit' }))
}, { $id: 'CreateUnitOfficers', additionalProperties: false })

const officerUnit = Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), name: Type.String(), unitType: Type.String() })

export const UnitOfficersOutcomeSchema = Type.Object({
  created: Type.Array(Type.Object({
    unit: officerUnit,
    user: UserSchema,
    password: Type.String({ description: 'The temporary password, shown this once: the officer changes it at the first login' })
  })),
  skipped: Type.Array(Type.Object({
    unit: officerUnit,
    reason: Type.Union([Type.Literal('has_officer'), Type.Literal('username_taken')], { description: 'has_officer: the unit has an active officer; username_taken: its username (the code in lower case) is someone else\'s' }),
    username: Type.String()
  }))
}, { $id: 'UnitOfficersOutcome' })

registerShared(UserSchema, UserPageSchema, CreateUserSchema, UpdateUserSchema, LoginSchema, LoginResultSchema,
  ChangePasswordSchema, ResetPasswordSchema, ApiKeySchema, CreatedApiKeySchema, CreateApiKeySchema, AuditEntrySchema, AuditPageSchema,
  CreateUnitOfficersSchema, UnitOfficersOutcomeSchema)
