// Login, tokens, API key authentication and the lockout of a username per client address.
import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { loginFailuresTable, sessionsTable, usersTable } from '../db/schema/index.js'
import { queryRows } from '../db/rows.js'
import { AppError, Errors } from '../errors.js'
import type { Role, Scope } from '../domain/roles.js'
import type { ApiKeyPrincipal, UserPrincipal } from './context.js'
import { decoyHash, digest, newSecret, verifyPassword } from './secrets.js'
import { text as t } from '../messages/text.js'

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
  const minutes = Math.ceil(seconds / 60)
  return Errors.loginLocked(t(`Too many failed logins for this username. Try again in ${minutes} minute(s).`,
    `Đăng nhập sai quá nhiều lần với tên đăng nhập này. Vui lòng thử lại sau ${minutes} phút.`), { extra: { retryAfterSeconds: seconds } })
}

/** The lock on this username from this address, if one holds now. */
async function activeLock (db: Db, key: string, address: string): Promise<Date | null> {
  const [row] = await db.select({ lockedUntil: loginFailuresTable.lockedUntil }).from(loginFailuresTable)
    .where(and(eq(loginFailuresTable.username, key), eq(loginFailuresTable.address, address), gt(loginFailuresTable.lockedUntil, sql`now()`)))
  return row?.lockedUntil ?? null
}

/**
 * Counts one failed password for the username from the address, in one statement, and decides the lock from the count
 * the database returns, so parallel guesses cannot slip past it. A lock that holds is neither counted on nor renewed;
 * an expired one starts the count again. Throws the refusal: locked (429) or `otherwise`.
 */
export async function countFailure (db: Db, policy: LoginPolicy, username: string, address: string, otherwise: AppError): Promise<never> {
  const key = normalizeUsername(username)
  const lock = sql`now() + make_interval(mins => ${policy.lockMinutes})`
  const table = sql.raw('login_failures')
  const [row] = await queryRows<{ failures: number, locked_until: Date | string | null }>(db, sql`
    insert into login_failures (username, address, failures, locked_until, last_failure_at)
    values (${key}, ${address}, 1, case when 1 >= ${policy.maxFailures} then ${lock} end, now())
    on conflict (username, address) do update set
      failures = case when ${table}.locked_until > now() then ${table}.failures
                      when ${table}.locked_until is not null then 1
                      else ${table}.failures + 1 end,
      locked_until = case when ${table}.locked_until > now() then ${table}.locked_until
                          when ${table}.locked_until is null and ${table}.failures + 1 >= ${policy.maxFailures} then ${lock}
                          when ${table}.locked_until is not null and 1 >= ${policy.maxFailures} then ${lock}
                          end,
      last_failure_at = now()
    returning failures, locked_until`)
  const failures = Number(row?.failures ?? 1)
  const lockedUntil = row?.locked_until ? new Date(row.locked_until) : null
  if (failures > 2) await sleep(Math.min(5000, (failures - 2) * policy.delayStepMs))
  if (lockedUntil) throw lockedError(lockedUntil)
  throw otherwise
}

/** A correct password from the address ends its count of failures for the username. */
async function clearFailures (db: Db, key: string, address: string): Promise<void> {
  await db.delete(loginFailuresTable).where(and(eq(loginFailuresTable.username, key), eq(loginFailuresTable.address, address)))
}

/** Refuses at once while the username is locked for the address (checked before any password is verified). */
export async function assertNotLocked (db: Db, username: string, address: string): Promise<void> {
  const lockedUntil = await activeLock(db, normalizeUsername(username), address)
  if (lockedUntil) throw lockedError(lockedUntil)
}

/** Verifies a password under the lockout: a wrong one is counted (and may lock); a right one clears the count. */
export async function checkPasswordGuarded (db: Db, policy: LoginPolicy, username: string, address: string, passwordHash: string, password: string, wrong: AppError): Promise<void> {
  await assertNotLocked(db, username, address)
  if (!await verifyPassword(passwordHash, password)) await countFailure(db, policy, username, address, wrong)
  await clearFailures(db, normalizeUsername(username), address)
}

export async function login (db: Db, policy: LoginPolicy, username: string, password: string, address = '') {
  const key = normalizeUsername(username)
  await assertNotLocked(db, key, address)
  const [user] = await db.select().from(usersTable).where(eq(sql`lower(${usersTable.username})`, key))
  const valid = await verifyPassword(user?.passwordHash ?? await decoyHash(), password)
  if (!user || !valid || !user.active) {
    await countFailure(db, policy, key, address, Errors.invalidCredentials(t('The username or password is wrong, or the account is inactive.', 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã ngừng hoạt động.')))
  }
  await clearFailures(db, key, address)
  const account = user as typeof usersTable.$inferSelect

  const token = newSecret()
  const expiresAt = new Date(Date.now() + policy.tokenTtlMinutes * 60_000)
  await db.insert(sessionsTable).values({ userId: account.id, tokenHash: digest(token), expiresAt })
  return { token, expiresAt: expiresAt.toISOString(), user: publicUser(account) }
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
    mustChangePassword: user.passwordChangeRequired,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString()
  }
}

/** The lookup of every request's session, built once per database and prepared (named), as it runs on every request. */
function sessionLookup (db: Db) {
  return db.select({
    id: usersTable.id,
    username: usersTable.username,
    displayName: usersTable.displayName,
    role: usersTable.role,
    unitId: usersTable.unitId,
    sessionId: sessionsTable.id,
    mustChangePassword: usersTable.passwordChangeRequired
  })
    .from(sessionsTable)
    .innerJoin(usersTable, eq(usersTable.id, sessionsTable.userId))
    .where(and(eq(sessionsTable.tokenHash, sql.placeholder('tokenHash')), isNull(sessionsTable.revokedAt), gt(sessionsTable.expiresAt, sql`now()`), eq(usersTable.active, true)))
    .prepare('par_session_lookup')
}
const sessionLookups = new WeakMap<Db, ReturnType<typeof sessionLookup>>()

export async function authenticateToken (db: Db, token: string): Promise<UserPrincipal | null> {
  let lookup = sessionLookups.get(db)
  if (lookup === undefined) sessionLookups.set(db, lookup = sessionLookup(db))
  const [row] = await lookup.execute({ tokenHash: digest(token) })
  if (!row) return null
  return { kind: 'user', ...row, role: row.role as Role }
}

/** A key that was valid until `expiredAt`: refused, and told so, rather than called unknown. */
export interface ExpiredApiKey { kind: 'expired', expiredAt: string }

/**
 * The key's principal, null for an unknown or revoked key, or when it expired. Its `last_used_at` is written at most
 * once a minute, so an integrator's burst of reads does not turn into a burst of writes on one row (one statement
 * either way); an expired key's is not.
 */
export async function authenticateApiKey (db: Db, key: string): Promise<ApiKeyPrincipal | ExpiredApiKey | null> {
  const [row] = await queryRows<{ id: string, name: string, scopes: string[], expires_at: string | Date | null, expired: boolean }>(db, sql`
    with found as (
      select id, name, scopes, last_used_at, expires_at, expires_at is not null and expires_at <= now() as expired
      from api_keys where key_hash = ${digest(key)} and revoked_at is null
    ), touched as (
      update api_keys set last_used_at = now()
      where id = (select id from found where not expired) and (last_used_at is null or last_used_at < now() - interval '1 minute')
      returning id
    )
    select id, name, scopes, expires_at, expired from found`)
  if (!row) return null
  if (row.expired) return { kind: 'expired', expiredAt: new Date(row.expires_at as string).toISOString() }
  return { kind: 'api_key', id: String(row.id), name: String(row.name), scopes: row.scopes as Scope[] }
}

export async function logout (db: Db, sessionId: string): Promise<void> {
  await db.update(sessionsTable).set({ revokedAt: sql`now()` }).where(eq(sessionsTable.id, sessionId))
}

/** Revokes every live token of a user (deactivation, password change and reset). */
export async function revokeUserSessions (db: Executor, userId: string): Promise<void> {
  await db.update(sessionsTable).set({ revokedAt: sql`now()` }).where(and(eq(sessionsTable.userId, userId), isNull(sessionsTable.revokedAt)))
}
