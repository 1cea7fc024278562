// Webhooks for integrators: endpoints (admins), their deliveries with every attempt, and the messages they receive.
import { Type } from 'typebox'
import { webhookEventTypes } from '../domain/webhooks.js'
import { page, ref, registerShared } from './common.js'

const uuid = Type.String({ format: 'uuid' })
const instant = Type.String({ format: 'date-time' })
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const WebhookEventTypeSchema = Type.Enum([...webhookEventTypes], { $id: 'WebhookEventType', description: 'What happened (see the document\'s webhooks section)' })

const url = Type.String({ minLength: 1, maxLength: 2000, description: 'Where the messages are POSTed: https (http only with WEBHOOK_ALLOW_HTTP), never a private address (unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES)', examples: ['https://egov.thanhhoa.gov.vn/hooks/cchc'] })
const description = Type.String({ maxLength: 500 })
const eventTypes = Type.Array(ref(WebhookEventTypeSchema), { minItems: 1, uniqueItems: true })

export const WebhookEndpointSchema = Type.Object({
  id: uuid,
  url: Type.String(),
  description: nullable(Type.String()),
  eventTypes: Type.Array(ref(WebhookEventTypeSchema)),
  active: Type.Boolean({ description: 'False once disabled (by an admin, or after WEBHOOK_DISABLE_AFTER_FAILURES failed attempts in a row)' }),
  consecutiveFailures: Type.Integer({ description: 'Failed attempts in a row' }),
  disabledAt: nullable(instant),
  createdAt: instant,
  updatedAt: instant
}, { $id: 'WebhookEndpoint' })

export const CreatedWebhookEndpointSchema = Type.Intersect([ref(WebhookEndpointSchema), Type.Object({
  secret: Type.String({ description: 'The signing secret (Standard Webhooks, whsec_…). Shown only now and on rotation: keep it' })
})], { $id: 'CreatedWebhookEndpoint' })

export const CreateWebhookEndpointSchema = Type.Object({
  url,
  description: Type.Optional(nullable(description)),
  eventTypes
}, { $id: 'CreateWebhookEndpoint', additionalProperties: false, examples: [{ url: 'https://egov.thanhhoa.gov.vn/hooks/cchc', description: 'Cổng dịch vụ công tỉnh', eventTypes: ['results.published'] }] })

export const UpdateWebhookEndpointSchema = Type.Object({
  url: Type.Optional(url),
  description: Type.Optional(nullable(description)),
  eventTypes: Type.Optional(eventTypes),
  active: Type.Optional(Type.Boolean({ description: 'true re-enables a disabled endpoint (its count of failures starts again); false stops deliveries' }))
}, { $id: 'UpdateWebhookEndpoint', additionalProperties: false, minProperties: 1 })

export const WebhookSecretSchema = Type.Object({ secret: Type.String() }, { $id: 'WebhookSecret' })

export const WebhookAttemptSchema = Type.Object({
  at: instant,
  statusCode: nullable(Type.Integer({ description: 'The receiver\'s answer; null when none came (refused, timed out)' })),
  error: nullable(Type.String()),
  durationMs: Type.Integer()
}, { $id: 'WebhookAttempt' })

export const WebhookDeliverySchema = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Also the message\'s webhook-id, the same at every attempt' }),
  eventId: uuid,
  eventType: ref(WebhookEventTypeSchema),
  status: Type.Enum(['pending', 'delivered', 'failed'], { description: 'failed after the last attempt; redelivery makes it pending again' }),
  attempts: Type.Integer(),
  nextAttemptAt: nullable(instant),
  lastStatusCode: nullable(Type.Integer()),
  lastError: nullable(Type.String()),
  deliveredAt: nullable(instant),
  createdAt: instant,
  log: Type.Array(ref(WebhookAttemptSchema), { description: 'Every attempt, oldest first' })
}, { $id: 'WebhookDelivery' })

export const WebhookDeliveryPageSchema = page(WebhookDeliverySchema, 'WebhookDeliveryPage')

export const WebhookDeliveryParams = Type.Object({ id: uuid, deliveryId: uuid })

// The messages (the document's `webhooks` section): { type, timestamp, data }, signed per Standard Webhooks.
const roundRef = { roundId: uuid, roundCode: Type.String() }
export const webhookPayloads = {
  'results.published': Type.Object({ ...roundRef, unitType: Type.String(), version: Type.Integer(), inputHash: Type.String({ description: 'SHA-256 of every input of the version' }), publishedAt: instant, catalogId: uuid }, { $id: 'WebhookResultsPublished' }),
  'round.status_changed': Type.Object({ ...roundRef, from: Type.String(), to: Type.String() }, { $id: 'WebhookRoundStatusChanged' }),
  'self_assessment.submitted': Type.Object({ ...roundRef, unitId: uuid, unitCode: Type.String(), version: Type.Integer(), submittedAt: instant }, { $id: 'WebhookSelfAssessmentSubmitted' }),
  'appraisal.finalized': Type.Object({ ...roundRef, unitId: uuid, unitCode: Type.String(), version: Type.Integer(), finalizedAt: instant }, { $id: 'WebhookAppraisalFinalized' })
} as const

registerShared(WebhookEventTypeSchema, WebhookEndpointSchema, CreatedWebhookEndpointSchema, CreateWebhookEndpointSchema, UpdateWebhookEndpointSchema,
  WebhookSecretSchema, WebhookAttemptSchema, WebhookDeliverySchema, WebhookDeliveryPageSchema, ...Object.values(webhookPayloads))
