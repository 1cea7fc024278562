// User accounts and API keys: admin management, own password change, bootstrap admin. Every change is audited.
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { apiKeysTable, unitsTable, usersTable } from '../db/schema/index.js'
import { Errors } from '../errors.js'
import type { Role, Scope } from '../domain/roles.js'
import { audit } from './audit.js'
import { assertStrongPassword } from './password-policy.js'
import { checkPasswordGuarded, publicUser, revokeUserSessions, type LoginPolicy } from './auth.js'
import type { Actor } from './context.js'
import { digest, hashPassword, newSecret, randomPassword } from './secrets.js'
import { noSuch } from '../messages/problems.js'
import { text as t } from '../messages/text.js'
import { fieldProblem } from '../messages/validation.js'
import { searchNormalize } from '../domain/text.js'
import { likeContains } from './units.js'

type UserRow = typeof usersTable.$inferSelect

export interface NewUser {
  username: string
  displayName: string
  email?: string | null | undefined
  role: Role
  unitId?: string | null | undefined
  password: string
  /** The password is temporary: its owner must change it first. */
  mustChangePassword?: boolean | undefined
}

async function checkUnitBinding (db: Db, role: Role, unitId: string | null | undefined): Promise<void> {
  if (role === 'unit_officer') {
    if (!unitId) {
      throw Errors.validation(t('A unit officer must be bound to a unit (unitId).', 'Cán bộ đơn vị phải thuộc một đơn vị (unitId).'), {
        errors: [fieldProblem('body', '/unitId', 'required', { role }, t('is required for role unit_officer', 'bắt buộc với vai trò cán bộ đơn vị'))]
      })
    }
    const [unit] = await db.select({ id: unitsTable.id }).from(unitsTable).where(eq(unitsTable.id, unitId))
    if (!unit) throw Errors.validation(t('The unit does not exist.', 'Đơn vị không tồn tại.'), { errors: [fieldProblem('body', '/unitId', 'unknown', { what: 'unit', value: unitId })] })
  } else if (unitId) {
    throw Errors.validation(t('Only a unit officer is bound to a unit.', 'Chỉ cán bộ đơn vị mới gắn với một đơn vị.'), {
      errors: [fieldProblem('body', '/unitId', 'emptyForRole', { role }, t(`must be empty for role ${role}`, 'phải để trống với vai trò này'))]
    })
  }
}

/** The names among `usernames` an account already has, in lower case: logins compare usernames in lower case. */
export async function takenUsernames (db: Executor, usernames: readonly string[]): Promise<Set<string>> {
  const lower = usernames.map((name) => name.toLowerCase())
  const rows = await db.select({ name: sql<string>`lower(${usersTable.username})` }).from(usersTable).where(inArray(sql`lower(${usersTable.username})`, lower))
  return new Set(rows.map((row) => row.name))
}

/** A new account through the API: its initial password must meet the password rule. */
export async function createUserAccount (db: Db, actor: Actor, input: NewUser) {
  assertStrongPassword(input.password, { username: input.username, displayName: input.displayName }, '/password')
  return createUser(db, actor, input)
}

/** Creates a user (the API's createUserAccount, the start's bootstrap admin, tests) with the password given. */
export async function createUser (db: Db, actor: Actor, input: NewUser) {
  await checkUnitBinding(db, input.role, input.unitId)
  const passwordHash = await hashPassword(input.password)
  return db.transaction(async (tx) => {
    if ((await takenUsernames(tx, [input.username])).size > 0) throw Errors.conflict(t(`The username ${input.username} is taken.`, `Tên đăng nhập ${input.username} đã có người dùng.`))
    const [user] = await tx.insert(usersTable).values({
      username: input.username,
      displayName: input.displayName,
      email: input.email ?? null,
      role: input.role,
      unitId: input.unitId ?? null,
      passwordHash,
      passwordChangeRequired: input.mustChangePassword === true
    }).returning()
    const created = publicUser(user as UserRow)
    await audit(tx, actor, { action: 'user.create', entityType: 'user', entityId: created.id, after: created })
    return created
  })
}

export async function listUsers (db: Db, query: { q?: string | undefined, role?: Role | undefined, unitId?: string | undefined, active?: boolean | undefined, limit: number, offset: number }) {
  const conditions: SQL[] = []
  const q = searchNormalize(query.q ?? '')
  if (q) {
    // The username or display name, or the unit an officer belongs to (its name or code, with or without diacritics).
    const plain = likeContains(query.q?.trim().toLowerCase() ?? '')
    const folded = likeContains(q)
    conditions.push(sql`(lower(${usersTable.username}) like ${folded} escape '\\' or lower(${usersTable.displayName}) like ${plain} escape '\\'
      or lower(${usersTable.displayName}) like ${folded} escape '\\' or lower(coalesce(${usersTable.email}, '')) like ${plain} escape '\\'
      or ${usersTable.unitId} in (select ${unitsTable.id} from ${unitsTable} where ${unitsTable.searchText} like ${folded} escape '\\'))`)
  }
  if (query.role) conditions.push(eq(usersTable.role, query.role))
  if (query.unitId) conditions.push(eq(usersTable.unitId, query.unitId))
  if (query.active !== undefined) conditions.push(eq(usersTable.active, query.active))
  const where = conditions.length ? and(...conditions) : undefined
  const [rows, [total]] = await Promise.all([
    db.select().from(usersTable).where(where).orderBy(asc(usersTable.username)).limit(query.limit).offset(query.offset),
    db.select({ value: count() }).from(usersTable).where(where)
  ])
  return { items: rows.map(publicUser), total: Number(total?.value ?? 0), limit: query.limit, offset: query.offset }
}

export async function getUser (db: Db, id: string) {
  const [user] = await db.select().from(usersTable).where(eq(usersTable.id, id))
  if (!user) throw Errors.notFound(noSuch.user)
  return publicUser(user)
}

export async function updateUser (db: Db, actor: Actor, id: string, changes: { displayName?: string | undefined, email?: string | null | undefined, role?: Role | undefined, unitId?: string | null | undefined, active?: boolean | undefined }) {
  const before = await getUser(db, id)
  const role = changes.role ?? before.role
  const unitId = changes.unitId !== undefined ? changes.unitId : (changes.role && changes.role !== 'unit_officer' ? null : before.unitId)
  await checkUnitBinding(db, role, unitId)
  if (actor.principal?.id === id && (changes.active === false || (changes.role && changes.role !== 'admin'))) {
    throw Errors.conflict(t('You cannot deactivate yourself or remove your own admin role.', 'Bạn không thể tự ngừng tài khoản của mình hoặc bỏ vai trò quản trị của chính mình.'))
  }
  return db.transaction(async (tx) => {
    const [row] = await tx.update(usersTable).set({
      ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
      ...(changes.email !== undefined ? { email: changes.email } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      role,
      unitId,
      updatedAt: new Date()
    }).where(eq(usersTable.id, id)).returning()
    const after = publicUser(row as UserRow)
    if (!after.active || after.role !== before.role || after.unitId !== before.unitId) await revokeUserSessions(tx, id)
    await audit(tx, actor, { action: changes.active === false && before.active ? 'user.deactivate' : 'user.update', entityType: 'user', entityId: id, before, after })
    return after
  })
}

/** Sets a user's password (admins); `mustChangePassword` makes it temporary, for its owner to change first. */
export async function resetPassword (db: Db, actor: Actor, id: string, newPassword: string, mustChangePassword = false): Promise<void> {
  const user = await getUser(db, id)
  assertStrongPassword(newPassword, { username: user.username, displayName: user.displayName }, '/newPassword')
  const passwordHash = await hashPassword(newPassword)
  await db.transaction(async (tx) => {
    await tx.update(usersTable).set({ passwordHash, passwordChangeRequired: mustChangePassword, updatedAt: new Date() }).where(eq(usersTable.id, id))
    await revokeUserSessions(tx, id)
    // The audit row records that the password changed, never the password or its hash.
    await audit(tx, actor, {
      action: 'user.reset_password',
      entityType: 'user',
      entityId: id,
      before: { password: '[redacted]', mustChangePassword: user.mustChangePassword },
      after: { password: '[changed]', mustChangePassword }
    })
  })
}

/**
 * Changes the caller's own password. The current one is checked under the login lockout, counted like a login failure
 * from the same address: a stolen token cannot be used to guess it.
 */
export async function changeOwnPassword (db: Db, actor: Actor, userId: string, oldPassword: string, newPassword: string, guard: { policy: LoginPolicy, address: string }): Promise<void> {
  const [user] = await db.select().from(usersTable).where(eq(usersTable.id, userId))
  if (!user) throw Errors.notFound(noSuch.user)
  const wrong = Errors.validation(t('The current password is wrong.', 'Mật khẩu hiện tại không đúng.'), { errors: [fieldProblem('body', '/oldPassword', 'wrong')] })
  await checkPasswordGuarded(db, guard.policy, user.username, guard.address, user.passwordHash, oldPassword, wrong)
  assertStrongPassword(newPassword, { username: user.username, displayName: user.displayName, current: oldPassword }, '/newPassword')
  const passwordHash = await hashPassword(newPassword)
  await db.transaction(async (tx) => {
    await tx.update(usersTable).set({ passwordHash, passwordChangeRequired: false, updatedAt: new Date() }).where(eq(usersTable.id, userId))
    await revokeUserSessions(tx, userId)
    await audit(tx, actor, { action: 'user.change_password', entityType: 'user', entityId: userId, before: { password: '[redacted]' }, after: { password: '[changed]' } })
  })
}

/**
 * First start: when no admin exists, create one. Returns the generated password when none was configured; that one
 * was printed to the log, so it is temporary: the admin chooses their own at the first login.
 */
export async function ensureAdmin (db: Db, actor: Actor, username: string, password?: string): Promise<{ created: boolean, generatedPassword?: string }> {
  const [admin] = await db.select({ id: usersTable.id }).from(usersTable).where(eq(usersTable.role, 'admin')).limit(1)
  if (admin) return { created: false }
  const chosen = password ?? randomPassword()
  await createUser(db, actor, { username, displayName: 'Quản trị hệ thống', role: 'admin', password: chosen, mustChangePassword: password === undefined })
  return password ? { created: true } : { created: true, generatedPassword: chosen }
}

function publicKey (row: typeof apiKeysTable.$inferSelect) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as Scope[],
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null
  }
}

export async function createApiKey (db: Db, actor: Actor, input: { name: string, scopes: Scope[], expiresAt?: string | null | undefined }) {
  const prefix = newSecret(6).slice(0, 8)
  const key = `par_${prefix}_${newSecret()}`
  const expiresAt = input.expiresAt === undefined || input.expiresAt === null ? null : new Date(input.expiresAt)
  if (expiresAt !== null && expiresAt.getTime() <= Date.now()) {
    throw Errors.validation(t('The key\'s expiry must be in the future.', 'Thời hạn của khóa phải là thời điểm trong tương lai.'), { errors: [fieldProblem('body', '/expiresAt', 'future')] })
  }
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(apiKeysTable).values({
      name: input.name,
      prefix,
      keyHash: digest(key),
      scopes: input.scopes,
      expiresAt,
      createdBy: actor.principal?.kind === 'user' ? actor.principal.id : null
    }).returning()
    const apiKey = publicKey(row as typeof apiKeysTable.$inferSelect)
    await audit(tx, actor, { action: 'api_key.create', entityType: 'api_key', entityId: apiKey.id, after: apiKey })
    return { apiKey, key }
  })
}

export async function listApiKeys (db: Db) {
  const rows = await db.select().from(apiKeysTable).orderBy(asc(apiKeysTable.createdAt))
  return rows.map(publicKey)
}

export async function revokeApiKey (db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(apiKeysTable).where(eq(apiKeysTable.id, id))
    if (!row) throw Errors.notFound(t('No such API key.', 'Không tìm thấy khóa API.'))
    if (row.revokedAt) throw Errors.conflict(t('The key is already revoked.', 'Khóa đã bị thu hồi rồi.'))
    const [updated] = await tx.update(apiKeysTable).set({ revokedAt: new Date() }).where(eq(apiKeysTable.id, id)).returning()
    const after = publicKey(updated as typeof apiKeysTable.$inferSelect)
    await audit(tx, actor, { action: 'api_key.revoke', entityType: 'api_key', entityId: id, before: publicKey(row), after })
    return after
  })
}
