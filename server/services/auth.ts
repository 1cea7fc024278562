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

/**
 * Counts an attempt for the username from the address before its password is verified, in one statement, and decides
 * from the count the database returns whether it may be verified at all: only the first `maxFailures` of a period
 * are, however many arrive at once, so parallel guesses cannot slip past the lock (a guess counted after the lock
 * was set is refused without being checked, even the right one). The attempt that reaches the limit sets the lock;
 * if its password is right, clearing the count lifts the lock again. Attempts during a lock are counted and renew
 * nothing; the first after a lock has expired starts the count again.
 */
async function countAttempt (db: Db, policy: LoginPolicy, key: string, address: string): Promise<{ attempt: number, lockedUntil: Date | null }> {
  const lock = sql`now() + make_interval(mins => ${policy.lockMinutes})`
  const table = sql.raw('login_failures')
  const [row] = await queryRows<{ failures: number, locked_until: Date | string | null }>(db, sql`
    insert into login_failures (username, address, failures, locked_until, last_failure_at)
    values (${key}, ${address}, 1, case when 1 >= ${policy.maxFailures} then ${lock} end, now())
    on conflict (username, address) do update set
      failures = case when ${table}.locked_until <= now() then 1 else ${table}.failures + 1 end,
      locked_until = case when ${table}.locked_until > now() then ${table}.locked_until
                          when ${table}.locked_until is null and ${table}.failures + 1 >= ${policy.maxFailures} then ${lock}
                          when ${table}.locked_until is not null and 1 >= ${policy.maxFailures} then ${lock}
                          end,
      last_failure_at = now()
    returning failures, locked_until`)
  const attempt = Number(row?.failures ?? 1)
  const lockedUntil = row?.locked_until ? new Date(row.locked_until) : null
  if (attempt > policy.maxFailures && lockedUntil) throw lockedError(lockedUntil)
  return { attempt, lockedUntil }
}

/** A counted attempt whose password was wrong: slowed down after the first two, then refused (locked, or `otherwise`). */
async function refuseAttempt (policy: LoginPolicy, counted: { attempt: number, lockedUntil: Date | null }, otherwise: AppError): Promise<never> {
  if (counted.attempt > 2) await sleep(Math.min(5000, (counted.attempt - 2) * policy.delayStepMs))
  if (counted.lockedUntil) throw lockedError(counted.lockedUntil)
  throw otherwise
}

/** A correct password from the address ends its count of attempts for the username (and a lock its own attempt set). */
async function clearFailures (db: Db, key: string, address: string): Promise<void> {
  await db.delete(loginFailuresTable).where(and(eq(loginFailuresTable.username, key), eq(loginFailuresTable.address, address)))
}

/**
 * One attempt under the lockout: counted first (and refused unchecked past the limit), then `check` (the password, and
 * whatever else must hold); a failed one is slowed and refused with `wrong`, a right one clears the count.
 */
async function guardedAttempt (db: Db, policy: LoginPolicy, username: string, address: string, check: () => Promise<boolean>, wrong: AppError): Promise<void> {
  const key = normalizeUsername(username)
  const counted = await countAttempt(db, policy, key, address)
  if (!await check()) await refuseAttempt(policy, counted, wrong)
  await clearFailures(db, key, address)
}

/** Verifies a password under the lockout (guardedAttempt). */
export async function checkPasswordGuarded (db: Db, policy: LoginPolicy, username: string, address: string, passwordHash: string, password: string, wrong: AppError): Promise<void> {
  await guardedAttempt(db, policy, username, address, () => verifyPassword(passwordHash, password), wrong)
}

export async function login (db: Db, policy: LoginPolicy, username: string, password: string, address = '') {
  let user: typeof usersTable.$inferSelect | undefined
  await guardedAttempt(db, policy, username, address, async () => {
    [user] = await db.select().from(usersTable).where(eq(sql`lower(${usersTable.username})`, normalizeUsername(username)))
    const valid = await verifyPassword(user?.passwordHash ?? await decoyHash(), password)
    return user !== undefined && valid && user.active
  }, Errors.invalidCredentials(t('The username or password is wrong, or the account is inactive.', 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã ngừng hoạt động.')))
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
