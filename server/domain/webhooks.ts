// Webhooks for integrators: the events other systems can subscribe to, and the retry rule (pure: no I/O).

/** Every event type, listed once; the API's enum, the subscriptions and the OpenAPI `webhooks` section take them from here. */
export const webhookEventTypes = ['results.published', 'round.status_changed', 'self_assessment.submitted', 'appraisal.finalized'] as const
export type WebhookEventType = typeof webhookEventTypes[number]

/** A delivery is tried at most this many times before it is recorded as failed (redelivery starts it again). */
export const WEBHOOK_MAX_ATTEMPTS = 8

/**
 * Seconds to wait after the `attempt`-th failed try before the next: 30 s doubling each time, at most 6 hours
 * (30 s, 1 min, 2 min, 4 min … about 1 h 4 min after the 8th), the exponential backoff of at-least-once delivery.
 */
export function webhookRetryDelaySeconds (attempt: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempt - 1), 6 * 3600)
}
