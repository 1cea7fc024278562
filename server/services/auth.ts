// Login, tokens, API key authentication and the per-username lockout.
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { apiKeysTable, loginFailuresTable, sessionsTable, usersTable } from '../db/schema/index.js'
import { AppError, Errors } from '../errors.js'
import type { Role, Scope } from '../plugins/access.js'
import type { ApiKeyPrincipal, UserPrincipal } from './context.js'
import { decoyHash, digest, newSecret, verifyPassword } from './secrets.js'

export interface LoginPolicy {
  tokenTtlMinutes: number
  /** Failures after which the account is locked. */
  maxFailures: number
  lockMinutes: number
  /** Each failure after the first two delays the answer by this much more (slows guessing before the lock). */
  delayStepMs: number
}

export const defaultLoginPolicy: LoginPolicy = { tokenTtlMinutes: 480, maxFailures: 5, lockMinutes: 15, delayStepMs: 250 }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const normalizeUsername = (username: string) => username.trim().toLowerCase()

function lockedError (until: Date): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000))
  return Errors.loginLocked(`Too many failed logins for this username. Try again in ${Math.ceil(seconds / 60)} minute(s).`, { extra: { retryAfterSeconds: seconds } })
}

export async function login (db: Db, policy: LoginPolicy, username: string, password: string) {
  const key = normalizeUsername(username)
  const [failure] = await db.select().from(loginFailuresTable).where(eq(loginFailuresTable.username, key))
  if (failure?.lockedUntil && failure.lockedUntil > new Date()) throw lockedError(failure.lockedUntil)

  const [user] = await db.select().from(usersTable).where(eq(sql`lower(${usersTable.username})`, key))
  const valid = await verifyPassword(user?.passwordHash ?? await decoyHash(), password)
  if (!user || !valid || !user.active) {
    const failures = (failure?.failures ?? 0) + 1
    const lockedUntil = failures >= policy.maxFailures ? new Date(Date.now() + policy.lockMinutes * 60_000) : null
    await db.insert(loginFailuresTable).values({ username: key, failures, lockedUntil, lastFailureAt: new Date() })
      .onConflictDoUpdate({ target: loginFailuresTable.username, set: { failures, lockedUntil, lastFailureAt: new Date() } })
    if (failures > 2) await sleep(Math.min(5000, (failures - 2) * policy.delayStepMs))
    if (lockedUntil) throw lockedError(lockedUntil)
    throw Errors.invalidCredentials('The username or password is wrong, or the account is inactive.')
  }
  if (failure) await db.delete(loginFailuresTable).where(eq(loginFailuresTable.username, key))

  const token = newSecret()
  const expiresAt = new Date(Date.now() + policy.tokenTtlMinutes * 60_000)
  await db.insert(sessionsTable).values({ userId: user.id, tokenHash: digest(token), expiresAt })
  return { token, expiresAt: expiresAt.toISOString(), user: publicUser(user) }
}

export function publicUser (user: typeof usersTable.$inferSelect) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    unitId: user.unitId,
    active: user.active,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString()
  }
}

export async function authenticateToken (db: Db, token: string): Promise<UserPrincipal | null> {
  const [row] = await db.select({ session: sessionsTable, user: usersTable })
    .from(sessionsTable)
    .innerJoin(usersTable, eq(usersTable.id, sessionsTable.userId))
    .where(and(eq(sessionsTable.tokenHash, digest(token)), isNull(sessionsTable.revokedAt), gt(sessionsTable.expiresAt, sql`now()`), eq(usersTable.active, true)))
  if (!row) return null
  return {
    kind: 'user',
    id: row.user.id,
    username: row.user.username,
    displayName: row.user.displayName,
    role: row.user.role as Role,
    unitId: row.user.unitId,
    sessionId: row.session.id
  }
}

export async function authenticateApiKey (db: Db, key: string): Promise<ApiKeyPrincipal | null> {
  const [row] = await db.update(apiKeysTable)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeysTable.keyHash, digest(key)), isNull(apiKeysTable.revokedAt)))
    .returning()
  if (!row) return null
  return { kind: 'api_key', id: row.id, name: row.name, scopes: row.scopes as Scope[] }
}

export async function logout (db: Db, sessionId: string): Promise<void> {
  await db.update(sessionsTable).set({ revokedAt: sql`now()` }).where(eq(sessionsTable.id, sessionId))
}

/** Revokes every live token of a user (deactivation, password change and reset). */
export async function revokeUserSessions (db: Executor, userId: string): Promise<void> {
  await db.update(sessionsTable).set({ revokedAt: sql`now()` }).where(and(eq(sessionsTable.userId, userId), isNull(sessionsTable.revokedAt)))
}
