// What the OpenAPI document says beyond the route schemas, for clients generated from it: the response headers the
// service sends (request id, ETag, Retry-After, rate limits, Location), and per error status the problem codes it can
// carry. Applied to the document only; the route schemas that validate and serialize are left as they are.
import { WEBHOOK_MAX_ATTEMPTS, webhookEventTypes } from '../domain/webhooks.js'
import { errorCodes } from '../errors.js'
import { webhookPayloads } from '../schemas/webhooks.js'

type Schema = Record<string, unknown>
type Header = { type: 'string' | 'integer', description: string }

/** A route's own headers beyond those found from its responses, by status (route config `responseHeaders`). */
export type ResponseHeaders = Record<number, ReadonlyArray<'etag' | 'location' | 'x-total-count' | 'x-chart-parts' | 'cache-control' | 'vary' | 'content-disposition'>>

const REQUEST_ID: Header = { type: 'string', description: 'The request\'s id, also in the problem document and the server\'s log; quote it when reporting a problem' }
const ETAG: Header = { type: 'string', description: 'The version of the resource; send it back in If-Match to change it, or in If-None-Match to get 304 when unchanged' }
const LOCATION: Header = { type: 'string', description: 'The address of what was created, or of where to fetch it' }
const TOTAL_COUNT: Header = { type: 'integer', description: 'Items in the whole list, of which the answer may be a page (limit, offset)' }
const CHART_PARTS: Header = { type: 'integer', description: 'How many parts (images) the chart has, each asked for with ?part=k' }
const CACHE_CONTROL: Header = {
  type: 'string',
  description: 'How long the answer may be kept: public, max-age=60 for what changes with a new publication (the latest version, lists); ' +
    'public, max-age=31536000, immutable for a numbered version, which never changes; private, no-cache for an admin\'s copy of a version'
}
const VARY: Header = { type: 'string', description: 'The request headers the answer depends on (Accept-Encoding, and Accept-Language where the text is translated)' }
const CONTENT_DISPOSITION: Header = { type: 'string', description: 'attachment, with the file\'s name (filename*= in UTF-8 where the name is Vietnamese)' }
const NO_STORE: Header = { type: 'string', description: 'no-store: an answer to a logged-in caller or an API key is not kept by caches' }
/** The headers a route may declare as its own (route config `responseHeaders`). */
const OWN_HEADERS: Record<ResponseHeaders[number][number], Header> = {
  etag: ETAG, location: LOCATION, 'x-total-count': TOTAL_COUNT, 'x-chart-parts': CHART_PARTS, 'cache-control': CACHE_CONTROL, vary: VARY, 'content-disposition': CONTENT_DISPOSITION
}
const RETRY_AFTER: Header = { type: 'integer', description: 'Seconds to wait before trying again' }
const RATE_LIMIT: Record<string, Header> = {
  'x-ratelimit-limit': { type: 'integer', description: 'Requests allowed per window (a minute) from one client address' },
  'x-ratelimit-remaining': { type: 'integer', description: 'Requests left in the current window' },
  'x-ratelimit-reset': { type: 'integer', description: 'Seconds until the window starts again' }
}

/**
 * The headers of each response of one route: the request id on all; ETag on the successes of routes that answer
 * conditionally (304, 412 or 428 documented); Cache-Control: no-store on the successes of a route that needs a login
 * or a key (app.ts), unless the route says otherwise; Retry-After on 429 and 503; the rate limits on every answer of
 * a rate-limited route; and the route's own (`responseHeaders`). (Every problem document is no-store too: said once,
 * in the Problem schema, rather than on each of the document's thousand error responses.)
 */
export function withResponseHeaders (response: Schema, options: { rateLimited: boolean, authenticated?: boolean, own?: ResponseHeaders | undefined }): Schema {
  const statuses = Object.keys(response)
  const conditional = statuses.some((status) => ['304', '412', '428'].includes(status))
  return Object.fromEntries(statuses.map((status) => {
    const code = Number(status)
    const headers: Record<string, Header> = { 'x-request-id': REQUEST_ID }
    if (conditional && code >= 200 && code < 300) headers.etag = ETAG
    if (options.authenticated === true && code >= 200 && code < 300) headers['cache-control'] = NO_STORE
    if (code === 429 || code === 503) headers['retry-after'] = RETRY_AFTER
    if (options.rateLimited) Object.assign(headers, RATE_LIMIT)
    for (const name of options.own?.[code] ?? []) headers[name] = OWN_HEADERS[name]
    return [status, { ...(response[status] as Schema), headers }]
  }))
}

const problemRef = '#/components/schemas/Problem'

/**
 * The document's problem responses, each referring to a schema of its status (`Problem404`…) that lists the codes of
 * that status from the one table of errors; the items of `errors` described by the shapes the service writes.
 */
export function withProblemCodes (document: Schema): Schema {
  const components = (document.components ?? {}) as { schemas?: Record<string, Schema> }
  const schemas = components.schemas ?? {}
  const codesOf = new Map<number, string[]>()
  for (const { code, status } of errorCodes()) codesOf.set(status, [...codesOf.get(status) ?? [], code])
  const used = new Set<number>()
  const paths = document.paths as Record<string, Record<string, { responses?: Record<string, Schema> }>>
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const content = response.content as Record<string, { schema?: Schema }> | undefined
        const problem = content?.['application/problem+json']
        if (problem?.schema?.$ref !== problemRef || !codesOf.has(Number(status))) continue
        problem.schema = { $ref: `${problemRef}${status}` }
        used.add(Number(status))
      }
    }
  }
  for (const status of [...used].sort()) {
    schemas[`Problem${status}`] = {
      description: `A problem document of status ${status}: its \`code\` is one of these`,
      allOf: [{ $ref: problemRef }, { type: 'object', properties: { code: { type: 'string', enum: codesOf.get(status) } } }]
    }
  }
  const problem = schemas.Problem as { properties?: Record<string, Schema> } | undefined
  const errors = problem?.properties?.errors
  if (errors) {
    errors.items = {
      anyOf: [
        ...['FieldProblem', 'EntryProblem', 'AppraisalEntryProblem', 'FinalizationProblem'].filter((name) => name in schemas).map((name) => ({ $ref: `#/components/schemas/${name}` })),
        { type: 'object', additionalProperties: true, description: 'A rule problem of an import (row, column or pointer, with its rule)' }
      ]
    }
  }
  return document
}

const WEBHOOK_HEADERS = [
  ['webhook-id', 'The message\'s id: the same at every attempt of it, to recognize a repeat'],
  ['webhook-timestamp', 'When this attempt was sent, in seconds since 1970 (UTC); refuse a message much older than now'],
  ['webhook-signature', '`v1,` and the base64 HMAC-SHA256, keyed with the endpoint\'s secret (the base64 after `whsec_`), of `{webhook-id}.{webhook-timestamp}.{body}`']
] as const

/**
 * The document's `webhooks` section: for each event type, the message POSTed to the endpoints subscribed to it
 * (Standard Webhooks: the three headers, the body { type, timestamp, data }) and what the service does with the answer.
 */
export function withWebhooks (document: Schema): Schema {
  document.webhooks = Object.fromEntries(webhookEventTypes.map((type) => [type, {
    post: {
      operationId: `webhook-${type.replace(/[._]/g, '-')}`,
      summary: `The message of ${type}`,
      description: 'POSTed to every active endpoint subscribed to this type, at least once: an answer outside 2xx, or none within ' +
        `WEBHOOK_TIMEOUT_SECONDS, is tried again after a doubling wait (30 s, 1 min, 2 min…), ${WEBHOOK_MAX_ATTEMPTS} attempts in all. ` +
        'Messages go out with the service\'s job that runs every minute: the first within about a minute of the event, each retry at the ' +
        'first run after its wait. ' +
        'A receiver must verify the signature and may get a message twice (the same webhook-id).',
      tags: ['webhooks'],
      security: [],
      parameters: WEBHOOK_HEADERS.map(([name, description]) => ({ in: 'header', name, required: true, description, schema: { type: 'string' } })),
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['type', 'timestamp', 'data'],
              properties: {
                type: { type: 'string', const: type },
                timestamp: { type: 'string', format: 'date-time', description: 'When it happened' },
                data: { $ref: `#/components/schemas/${String((webhookPayloads[type] as { $id?: string }).$id)}` }
              }
            }
          }
        }
      },
      responses: {
        200: { description: 'Any 2xx answer: received' },
        '4XX': { description: 'Refused: tried again later, as any answer outside 2xx' }
      }
    }
  }]))
  return document
}

/**
 * What generators need and TypeBox does not write: a parameter with a default is not required (the service fills the
 * default in), and every enum says its type (string, integer or number, from its values).
 */
export function withTypedParameters (document: Schema): Schema {
  const paths = document.paths as Record<string, Record<string, { parameters?: Array<{ required?: boolean, schema?: Schema }> }>>
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.schema !== undefined && 'default' in parameter.schema) parameter.required = false
      }
    }
  }
  const typeEnums = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(typeEnums)
    if (node === null || typeof node !== 'object') return
    const schema = node as Schema
    if (Array.isArray(schema.enum) && schema.type === undefined) {
      const values = schema.enum as unknown[]
      if (values.every((value) => typeof value === 'string')) schema.type = 'string'
      else if (values.every((value) => Number.isInteger(value))) schema.type = 'integer'
      else if (values.every((value) => typeof value === 'number')) schema.type = 'number'
    }
    Object.values(schema).forEach(typeEnums)
  }
  typeEnums(document)
  return document
}
