// Webhook endpoints for integrators (admins): register, list, change, rotate the secret, remove; deliveries and their
// attempts; redelivery. The messages themselves are described in the document's `webhooks` section.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../config.js'
import { actorOf } from '../plugins/auth.js'
import { IdParams, PageQuery, problems, ref } from '../schemas/common.js'
import {
  CreatedWebhookEndpointSchema, CreateWebhookEndpointSchema, UpdateWebhookEndpointSchema, WebhookDeliveryPageSchema, WebhookDeliveryParams,
  WebhookDeliverySchema, WebhookEndpointSchema, WebhookSecretSchema
} from '../schemas/webhooks.js'
import {
  createWebhookEndpoint, deleteWebhookEndpoint, getWebhookEndpoint, listWebhookDeliveries, listWebhookEndpoints, redeliverWebhook, rotateWebhookSecret,
  updateWebhookEndpoint
} from '../services/webhooks/endpoints.js'

const adminOnly = { roles: ['admin'] } as const

const webhookRoutes: FastifyPluginAsyncTypebox<Pick<Config, 'WEBHOOK_ALLOW_HTTP' | 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES'>> = async (app, options) => {
  const rules = { allowHttp: options.WEBHOOK_ALLOW_HTTP, allowPrivate: options.WEBHOOK_ALLOW_PRIVATE_ADDRESSES }

  app.get('/webhooks', {
    config: { access: adminOnly },
    schema: { operationId: 'listWebhookEndpoints', summary: 'The registered webhook endpoints (without their secrets)', tags: ['webhooks'], response: { 200: Type.Array(ref(WebhookEndpointSchema)), ...problems(401, 403) } }
  }, async () => listWebhookEndpoints(app.db))

  app.post('/webhooks', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createWebhookEndpoint',
      summary: 'Register an endpoint for some event types; the answer carries its signing secret, shown this once',
      description: 'The URL must be https (http only with WEBHOOK_ALLOW_HTTP) and not a loopback, private or link-local address (unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES): 400 VALIDATION_FAILED naming /url.',
      tags: ['webhooks'],
      body: ref(CreateWebhookEndpointSchema),
      response: { 201: ref(CreatedWebhookEndpointSchema), ...problems(400, 401, 403) }
    }
  }, async (request, reply) => reply.code(201).send(await createWebhookEndpoint(app.db, actorOf(request), rules, request.body)))

  app.get('/webhooks/:id', {
    config: { access: adminOnly },
    schema: { operationId: 'getWebhookEndpoint', summary: 'One webhook endpoint', tags: ['webhooks'], params: IdParams, response: { 200: ref(WebhookEndpointSchema), ...problems(400, 401, 403, 404) } }
  }, async (request) => getWebhookEndpoint(app.db, request.params.id))

  app.patch('/webhooks/:id', {
    config: { access: adminOnly },
    schema: {
      operationId: 'updateWebhookEndpoint',
      summary: 'Change an endpoint\'s URL, description or event types, or disable it, or enable it again',
      tags: ['webhooks'],
      params: IdParams,
      body: ref(UpdateWebhookEndpointSchema),
      response: { 200: ref(WebhookEndpointSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => updateWebhookEndpoint(app.db, actorOf(request), rules, request.params.id, request.body))

  app.delete('/webhooks/:id', {
    config: { access: adminOnly },
    schema: { operationId: 'deleteWebhookEndpoint', summary: 'Remove an endpoint and its deliveries', tags: ['webhooks'], params: IdParams, response: { 204: Type.Null(), ...problems(400, 401, 403, 404) } }
  }, async (request, reply) => {
    await deleteWebhookEndpoint(app.db, actorOf(request), request.params.id)
    return reply.code(204).send(null)
  })

  app.post('/webhooks/:id/rotate-secret', {
    config: { access: adminOnly },
    schema: { operationId: 'rotateWebhookSecret', summary: 'A new signing secret, shown this once; the old one signs nothing from now on', tags: ['webhooks'], params: IdParams, response: { 200: ref(WebhookSecretSchema), ...problems(400, 401, 403, 404) } }
  }, async (request) => rotateWebhookSecret(app.db, actorOf(request), request.params.id))

  app.get('/webhooks/:id/deliveries', {
    config: { access: adminOnly },
    schema: {
      operationId: 'listWebhookDeliveries',
      summary: 'The endpoint\'s deliveries, newest first, each with every attempt and its answer',
      tags: ['webhooks'],
      params: IdParams,
      querystring: PageQuery,
      response: { 200: ref(WebhookDeliveryPageSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => listWebhookDeliveries(app.db, request.params.id, request.query))

  app.post('/webhooks/:id/deliveries/:deliveryId/redeliver', {
    config: { access: adminOnly },
    schema: {
      operationId: 'redeliverWebhook',
      summary: 'Send a delivery again (with the same webhook-id) at the next run of the webhooks job, whatever became of it',
      tags: ['webhooks'],
      params: WebhookDeliveryParams,
      response: { 200: ref(WebhookDeliverySchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => redeliverWebhook(app.db, actorOf(request), request.params.id, request.params.deliveryId))
}

export default webhookRoutes
