// The `webhooks` job: sends the deliveries due, signed per Standard Webhooks, at least once: a failed attempt is tried
// again after a doubling wait, up to WEBHOOK_MAX_ATTEMPTS; every attempt is logged with its answer; an endpoint failing
// WEBHOOK_DISABLE_AFTER_FAILURES times in a row is disabled and the admins are told (in the app and by e-mail).
import { createHmac } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { queryRows, toDate } from '../../db/rows.js'
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelaySeconds } from '../../domain/webhooks.js'
import { notify } from '../notifications/notify.js'
import { admins, links } from '../notifications/recipients.js'
import { guardedLookup, type TargetRules } from './target.js'

export interface WebhookSending extends TargetRules {
  timeoutMs: number
  /** Failed attempts in a row after which an endpoint is disabled. */
  disableAfter: number
}

/** The three Standard Webhooks headers of a message: its id, the time, and `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export function signWebhook (secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` }
}

interface Answer { statusCode: number | null, error: string | null }

/** One POST, through the guarded lookup, within the timeout; the answer's body is read and dropped. */
function post (url: string, body: string, headers: Record<string, string>, sending: WebhookSending): Promise<Answer> {
  return new Promise((resolve) => {
    const target = new URL(url)
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'par-index-webhooks/1', ...headers },
      lookup: guardedLookup(sending),
      timeout: sending.timeoutMs
    }, (response) => {
      response.resume()
      response.on('end', () => resolve({ statusCode: response.statusCode ?? null, error: null }))
      response.on('error', (error) => resolve({ statusCode: response.statusCode ?? null, error: error.message }))
    })
    request.on('timeout', () => request.destroy(new Error(`no answer within ${sending.timeoutMs} ms`)))
    request.on('error', (error) => resolve({ statusCode: null, error: error.message.slice(0, 500) }))
    request.end(body)
  })
}

interface Claimed { id: string, endpoint_id: string, url: string, secret: string, attempts: number, type: string, data: unknown, created_at: unknown }

/** Sends up to `batch` due deliveries (claimed with SKIP LOCKED: each goes out once across instances) at once. */
export async function deliverPendingWebhooks (db: Db, sending: WebhookSending, batch = 20): Promise<{ delivered: number, retrying: number, failed: number, disabled: number }> {
  // Claimed for the length of an attempt and a minute more, so no other run takes it while it is in flight.
  const claimed = await queryRows<Claimed>(db, sql`
    with due as (
      select d.id from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id
      where d.status = 'pending' and d.next_attempt_at <= now() and w.active
      order by d.next_attempt_at limit ${batch} for update of d skip locked
    )
    update webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${sending.timeoutMs / 1000 + 60})
    from due, webhook_endpoints w, webhook_events e
    where d.id = due.id and w.id = d.endpoint_id and e.id = d.event_id
    returning d.id, d.endpoint_id, w.url, w.secret, d.attempts, e.type, e.data, e.created_at`)
  const outcome = { delivered: 0, retrying: 0, failed: 0, disabled: 0 }
  await Promise.all(claimed.map(async (delivery) => {
    const body = JSON.stringify({ type: delivery.type, timestamp: toDate(delivery.created_at)?.toISOString(), data: delivery.data })
    const started = Date.now()
    const answer = await post(delivery.url, body, signWebhook(delivery.secret, delivery.id, Math.floor(started / 1000), body), sending)
    const ok = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300
    const error = ok ? null : answer.error ?? `answered ${answer.statusCode}`
    const attempts = Number(delivery.attempts)
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into webhook_attempts (delivery_id, status_code, error, duration_ms) values (${delivery.id}, ${answer.statusCode}, ${error}, ${Date.now() - started})`)
      if (ok) {
        await tx.execute(sql`update webhook_deliveries set status = 'delivered', delivered_at = now(), last_status_code = ${answer.statusCode}, last_error = null where id = ${delivery.id}`)
        await tx.execute(sql`update webhook_endpoints set consecutive_failures = 0 where id = ${delivery.endpoint_id} and consecutive_failures > 0`)
        outcome.delivered++
        return
      }
      const last = attempts >= WEBHOOK_MAX_ATTEMPTS
      await tx.execute(sql`update webhook_deliveries set status = ${last ? 'failed' : 'pending'}, last_status_code = ${answer.statusCode}, last_error = ${error},
        next_attempt_at = now() + make_interval(secs => ${webhookRetryDelaySeconds(attempts)}) where id = ${delivery.id}`)
      if (last) outcome.failed++
      else outcome.retrying++
      // SET reads the row as it was, so only the attempt that reaches the limit disables (and tells of) the endpoint.
      const [endpoint] = await queryRows<{ url: string, consecutive_failures: number, just_disabled: boolean }>(tx, sql`
        update webhook_endpoints set consecutive_failures = consecutive_failures + 1,
          active = active and consecutive_failures + 1 < ${sending.disableAfter},
          disabled_at = case when active and consecutive_failures + 1 >= ${sending.disableAfter} then now() else disabled_at end
        where id = ${delivery.endpoint_id}
        returning url, consecutive_failures, (not active and disabled_at = now()) as just_disabled`)
      if (endpoint?.just_disabled === true) {
        outcome.disabled++
        await notify(tx, { kind: 'webhook_disabled', recipients: admins(), facts: { url: endpoint.url, count: Number(endpoint.consecutive_failures) }, link: links.webhooks() })
      }
    })
  }))
  return outcome
}
