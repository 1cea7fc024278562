// Sending the queued e-mails of notifications over SMTP, each attempt recorded on its delivery row.
import { sql } from 'drizzle-orm'
import type { Transporter } from 'nodemailer'
import type { Db } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { mailText } from '../../domain/notifications.js'

/** Attempts before a delivery is given up as failed; the waits between them double from one minute. */
export const MAIL_MAX_ATTEMPTS = 5

export interface Mailer {
  transport: Transporter
  from: string
  appUrl: string
}

/** Opens the SMTP transport of SMTP_URL (smtp:// or smtps://user:pass@host:port); nodemailer is loaded only then. */
export async function smtpMailer (settings: { url: string, from: string, appUrl: string }): Promise<Mailer> {
  const nodemailer = await import('nodemailer')
  return { transport: nodemailer.createTransport(settings.url), from: settings.from, appUrl: settings.appUrl }
}

/**
 * Sends the pending e-mails that are due, at most `batch` per run. Each is claimed first (its next attempt moved
 * ahead, FOR UPDATE SKIP LOCKED), so two instances never send the same one, and sent outside any transaction. A
 * failure is retried with a doubling wait until MAIL_MAX_ATTEMPTS; without a mailer (no SMTP_URL) every pending
 * e-mail is marked skipped. Answers how many were sent.
 */
export async function deliverPendingMail (db: Db, mailer: Mailer | null, batch = 50): Promise<{ sent: number, failed: number, skipped: number }> {
  if (mailer === null) {
    const skipped = await queryRows(db, sql`
      update mail_deliveries set status = 'skipped', last_error = 'SMTP_URL is not set' where status = 'pending' returning id`)
    return { sent: 0, failed: 0, skipped: skipped.length }
  }
  const claimed = await queryRows<{ id: string, address: string, attempts: number, title: string, body: string, link: string }>(db, sql`
    with due as (
      select id from mail_deliveries where status = 'pending' and next_attempt_at <= now()
      order by next_attempt_at limit ${batch} for update skip locked
    )
    update mail_deliveries d set attempts = d.attempts + 1,
      next_attempt_at = now() + make_interval(mins => power(2, d.attempts)::int)
    from due, notifications n
    where d.id = due.id and n.id = d.notification_id
    returning d.id, d.address, d.attempts, n.title, n.body, n.link`)
  let sent = 0
  let failed = 0
  for (const delivery of claimed) {
    const message = mailText(delivery, mailer.appUrl)
    try {
      const info = await mailer.transport.sendMail({ from: mailer.from, to: delivery.address, subject: message.subject, text: message.text }) as { messageId?: string }
      await db.execute(sql`update mail_deliveries set status = 'sent', sent_at = now(), message_id = ${info.messageId ?? null}, last_error = null where id = ${delivery.id}`)
      sent++
    } catch (error) {
      const last = delivery.attempts >= MAIL_MAX_ATTEMPTS
      await db.execute(sql`update mail_deliveries set status = ${last ? 'failed' : 'pending'}, last_error = ${String((error as Error).message).slice(0, 500)} where id = ${delivery.id}`)
      if (last) failed++
    }
  }
  return { sent, failed, skipped: 0 }
}
