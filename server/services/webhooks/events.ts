// Writing webhook events: in the transaction of the change they tell of (an outbox: a change rolled back tells no
// system), one delivery for each active endpoint subscribed to the type; the `webhooks` job sends them after the commit.
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import type { WebhookEventType } from '../../domain/webhooks.js'

/** Records the event and its deliveries in one statement; nothing at all when no endpoint subscribes to the type. */
export async function emitWebhook (tx: Executor, type: WebhookEventType, data: Record<string, unknown>): Promise<void> {
  await tx.execute(sql`
    with subscribed as (
      select id from webhook_endpoints where active and ${type} = any(event_types)
    ), event as (
      insert into webhook_events (type, data) select ${type}, ${JSON.stringify(data)}::jsonb where exists (select 1 from subscribed)
      returning id
    )
    insert into webhook_deliveries (endpoint_id, event_id) select s.id, e.id from subscribed s cross join event e`)
}
