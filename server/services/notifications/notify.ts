// Writing notifications: one row per recipient, and its e-mail to send, in the transaction of the change they tell of.
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { notificationText, type NotificationFacts, type NotificationKind } from '../../domain/notifications.js'

export interface NotificationEvent {
  kind: NotificationKind
  /** A query of the recipients' user ids (see recipients.ts); inactive accounts are left out. */
  recipients: SQL
  /** The round it is about; absent for a notice of the service itself (a webhook endpoint disabled). */
  roundId?: string | undefined
  unitId?: string | undefined
  /** What the text needs besides the round's title and the unit's name, which are read here. */
  facts?: Omit<NotificationFacts, 'round' | 'unit'>
  /** The app's path it leads to. */
  link: string
  /** Sent at most once per recipient and key (reminders). */
  dedupeKey?: string | undefined
}

/**
 * Notifies the recipients of one event and queues an e-mail for each who has an address and has not opted out of
 * the kind. Runs inside the caller's transaction, so a change rolled back notifies no one; the mail job sends the
 * queued e-mails after the commit. Answers how many were notified (a reminder already sent counts none).
 */
export async function notify (tx: Executor, event: NotificationEvent): Promise<number> {
  const [context] = await queryRows<{ round_title: string | null, unit_name: string | null }>(tx, sql`
    select r.title as round_title, u.name as unit_name
    from (select 1) one
    left join rounds r on r.id = ${event.roundId ?? null}::uuid
    left join units u on u.id = ${event.unitId ?? null}::uuid`)
  if (!context || (event.roundId !== undefined && context.round_title === null)) return 0
  const text = notificationText(event.kind, {
    ...event.facts,
    round: context.round_title === null ? undefined : { title: context.round_title },
    unit: context.unit_name === null ? undefined : { name: context.unit_name }
  })
  const rows = await queryRows<{ id: string }>(tx, sql`
    with recipients as (
      select distinct u.id, u.email from users u where u.active and u.id in (${event.recipients})
    ), written as (
      insert into notifications (user_id, kind, title, body, link, round_id, unit_id, dedupe_key)
      select id, ${event.kind}, ${text.title}, ${text.body}, ${event.link}, ${event.roundId ?? null}::uuid, ${event.unitId ?? null}::uuid, ${event.dedupeKey ?? null}
      from recipients
      on conflict (user_id, dedupe_key) where dedupe_key is not null do nothing
      returning id, user_id
    ), mailed as (
      insert into mail_deliveries (notification_id, address)
      select w.id, r.email from written w join recipients r on r.id = w.user_id
      where coalesce(trim(r.email), '') <> ''
        and not exists (select 1 from notification_opt_outs o where o.user_id = w.user_id and o.kind = ${event.kind})
    )
    select id from written`)
  return rows.length
}
