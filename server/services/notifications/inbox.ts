// A user's own notifications: listed unread first, marked read, and the kinds they want no e-mail of.
import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { notificationOptOutsTable, notificationsTable, usersTable } from '../../db/schema/index.js'
import { notificationKinds, notificationKindsOf, type NotificationKind } from '../../domain/notifications.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'

function toNotification (row: typeof notificationsTable.$inferSelect) {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    roundId: row.roundId,
    unitId: row.unitId,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null
  }
}

async function unreadCount (db: Executor, userId: string): Promise<number> {
  const [row] = await db.select({ value: count() }).from(notificationsTable).where(and(eq(notificationsTable.userId, userId), isNull(notificationsTable.readAt)))
  return Number(row?.value ?? 0)
}

/** The user's notifications, unread first, newest first within each. */
export async function listNotifications (db: Db, userId: string, query: { unread?: boolean | undefined, limit: number, offset: number }) {
  const where = query.unread === true ? and(eq(notificationsTable.userId, userId), isNull(notificationsTable.readAt)) : eq(notificationsTable.userId, userId)
  const [rows, [total], unread] = await Promise.all([
    db.select().from(notificationsTable).where(where)
      .orderBy(sql`${notificationsTable.readAt} is not null`, desc(notificationsTable.createdAt), desc(notificationsTable.id))
      .limit(query.limit).offset(query.offset),
    db.select({ value: count() }).from(notificationsTable).where(where),
    unreadCount(db, userId)
  ])
  return { items: rows.map(toNotification), total: Number(total?.value ?? 0), unread, limit: query.limit, offset: query.offset }
}

/**
 * Marks the user's given notifications read (all of them when no ids are given). Ids of someone else's notifications
 * are ignored like unknown ones, so the answer never tells whether they exist.
 */
export async function markNotificationsRead (db: Db, userId: string, ids?: readonly string[]): Promise<{ marked: number, unread: number }> {
  const mine = and(eq(notificationsTable.userId, userId), isNull(notificationsTable.readAt))
  if (ids !== undefined && ids.length === 0) return { marked: 0, unread: await unreadCount(db, userId) }
  const where = ids === undefined ? mine : and(mine, inArray(notificationsTable.id, [...ids]))
  const marked = await db.update(notificationsTable).set({ readAt: sql`now()` }).where(where).returning({ id: notificationsTable.id })
  return { marked: marked.length, unread: await unreadCount(db, userId) }
}

/** One of the user's own notifications marked read; null when the user has none with that id. */
export async function markNotificationRead (db: Db, userId: string, id: string) {
  const [row] = await db.update(notificationsTable).set({ readAt: sql`coalesce(${notificationsTable.readAt}, now())` })
    .where(and(eq(notificationsTable.id, id), eq(notificationsTable.userId, userId))).returning()
  return row ? toNotification(row) : null
}

export async function notificationPreferences (db: Executor, userId: string) {
  const [user] = await db.select({ email: usersTable.email, role: usersTable.role }).from(usersTable).where(eq(usersTable.id, userId))
  const optOuts = await db.select({ kind: notificationOptOutsTable.kind }).from(notificationOptOutsTable).where(eq(notificationOptOutsTable.userId, userId))
  const chosen = new Set(optOuts.map((row) => row.kind))
  return {
    email: user?.email ?? null,
    emailOptOuts: notificationKinds.filter((kind) => chosen.has(kind)),
    kinds: user ? notificationKindsOf(user.role) : []
  }
}

/**
 * Replaces the user's e-mail opt-outs with the given kinds and, when `email` is given, sets their own address (audited
 * as a change of the account, as an admin's would be).
 */
export async function setNotificationPreferences (db: Db, actor: Actor, userId: string, choice: { emailOptOuts: readonly NotificationKind[], email?: string | null | undefined }) {
  return db.transaction(async (tx) => {
    await tx.delete(notificationOptOutsTable).where(eq(notificationOptOutsTable.userId, userId))
    if (choice.emailOptOuts.length > 0) await tx.insert(notificationOptOutsTable).values([...new Set(choice.emailOptOuts)].map((kind) => ({ userId, kind })))
    if (choice.email !== undefined) {
      const email = choice.email === null || choice.email.trim() === '' ? null : choice.email.trim()
      const [before] = await tx.select({ email: usersTable.email }).from(usersTable).where(eq(usersTable.id, userId)).for('update')
      if (before !== undefined && before.email !== email) {
        await tx.update(usersTable).set({ email, updatedAt: new Date() }).where(eq(usersTable.id, userId))
        await audit(tx, actor, { action: 'user.update', entityType: 'user', entityId: userId, before: { email: before.email }, after: { email } })
      }
    }
    return notificationPreferences(tx, userId)
  })
}
