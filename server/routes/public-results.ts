// The public results API: published results only, no credentials, read-only, rate-limited, and cacheable (ETag from
// the version id, Cache-Control, 304 on If-None-Match). Served from the frozen snapshot, never recomputed.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { problems, ref } from '../schemas/common.js'
import {
  ConditionalHeaders, ExportQuery, PublicResultsSchema, PublicRoundParams, PublicUnitParams, PublicUnitResultSchema,
  PublicUnitHistorySchema, PublicVersionListSchema, PublishedRoundListSchema, VersionQuery
} from '../schemas/results.js'
import { publicUnitHistory } from '../services/results/unit-history.js'
import { exportResults } from '../services/exports.js'
import {
  getPublishedResults, listPublishedRounds, listPublishedVersions, publicResultsView, publicUnitView, publicVersionsView, type PublishedVersion
} from '../services/results.js'
import { answerConditional, exportResponse, notModifiedResponse, sendExport } from './results.js'
import { cachedViews } from './cached-views.js'

export interface PublicResultsOptions {
  /** Requests per minute per client address, per route. */
  ratePerMinute: number
  /** Who publishes the results (the province and its agency, as the annual report names them). */
  publisher: { province: string, agency: string }
}

// Portals and caches may keep the latest version a minute; a numbered version never changes.
const LATEST_CACHE = 'public, max-age=60'
const VERSION_CACHE = 'public, max-age=31536000, immutable'

/**
 * An answer computed each time (a list): its ETag is a hash of its JSON, so it changes exactly when the answer does;
 * 304 when the caller holds it, else the body, which a cache may keep a minute.
 */
function answerByContent<T> (request: FastifyRequest, reply: FastifyReply, body: T): T | FastifyReply {
  const tag = `"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)}"`
  return answerConditional(request, reply, tag, LATEST_CACHE) ? reply : body
}

const cacheControlOf = (version: number | undefined) => version === undefined ? LATEST_CACHE : VERSION_CACHE

const publicResultsRoutes: FastifyPluginAsyncTypebox<PublicResultsOptions> = async (app, options) => {
  const config = { access: { public: true }, rateLimit: { max: options.ratePerMinute, timeWindow: '1 minute' }, responseHeaders: { 200: ['cache-control', 'vary'], 304: ['cache-control', 'vary'] } } as const
  const exportConfig = { ...config, responseHeaders: { 200: ['cache-control', 'vary', 'content-disposition'], 304: ['cache-control', 'vary'] } } as const

  const sendView = cachedViews()
  // Weak: the identity and gzip forms of a view are the same content, so they share one validator.
  const etagOf = (version: PublishedVersion) => `W/"${version.id}"`

  app.get('/public/rounds', {
    config,
    schema: {
      operationId: 'listPublishedRounds',
      summary: 'Rounds with published results, newest year first, with the latest version per unit type, and who publishes them',
      tags: ['public'],
      headers: ConditionalHeaders,
      response: { 200: ref(PublishedRoundListSchema), ...notModifiedResponse, ...problems(429) }
    }
  }, async (request, reply) => {
    return answerByContent(request, reply, { publisher: options.publisher, items: await listPublishedRounds(app.db) })
  })

  app.get('/public/units/:unit/results', {
    config,
    schema: {
      operationId: 'getPublicUnitHistory',
      summary: 'One unit\'s published results across rounds (years), newest first: rank among how many, index, classification, self and appraised totals',
      description: 'The unit by id or by code (any case); the rounds of its unit type whose published results rank it, each from its latest version. ' +
        'For the per-field breakdown of one year, follow `round.id` to /public/rounds/{id}/results/{unitType}/units/{unit}.',
      tags: ['public'],
      params: Type.Pick(PublicUnitParams, ['unit']),
      headers: ConditionalHeaders,
      response: { 200: ref(PublicUnitHistorySchema), ...notModifiedResponse, ...problems(400, 404, 429) }
    }
  }, async (request, reply) => {
    return answerByContent(request, reply, await publicUnitHistory(app.db, request.params.unit))
  })

  app.get('/public/rounds/:id/results/:unitType', {
    config,
    schema: {
      operationId: 'getPublicResults',
      summary: 'Published results of a round for one unit type: Bảng 1 (with each unit\'s field points), the average row and counts per classification',
      description: 'The latest version by default, or ?version=n. Units in rank order, a page at a time (limit up to 1000). ' +
        'ETag is the version id; Cache-Control is public, max-age=60 for the latest and immutable for a numbered version.',
      tags: ['public'],
      params: PublicRoundParams,
      querystring: Type.Intersect([VersionQuery, Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Units per page (default 50, as every list of this API)' }),
        offset: Type.Integer({ minimum: 0, default: 0 })
      })]),
      headers: ConditionalHeaders,
      response: { 200: ref(PublicResultsSchema), ...notModifiedResponse, ...problems(400, 404, 429) }
    }
  }, async (request, reply) => {
    const { version, limit, offset } = request.query
    const published = await getPublishedResults(app.db, request.params.id, request.params.unitType, version)
    if (answerConditional(request, reply, etagOf(published), cacheControlOf(version))) return reply
    return sendView(request, reply, `${published.id}:${limit}:${offset}`, () => publicResultsView(published, { limit, offset }))
  })

  app.get('/public/rounds/:id/results/:unitType/units/:unit', {
    config,
    schema: {
      operationId: 'getPublicUnitResult',
      summary: 'One unit\'s published result with its per-field breakdown, rank per field, what-if targets and change on the previous year',
      description: 'The unit by id or by code. The latest version by default, or ?version=n.',
      tags: ['public'],
      params: PublicUnitParams,
      querystring: VersionQuery,
      headers: ConditionalHeaders,
      response: { 200: ref(PublicUnitResultSchema), ...notModifiedResponse, ...problems(400, 404, 429) }
    }
  }, async (request, reply) => {
    const { version } = request.query
    const published = await getPublishedResults(app.db, request.params.id, request.params.unitType, version)
    const view = publicUnitView(published, request.params.unit)
    if (answerConditional(request, reply, etagOf(published), cacheControlOf(version))) return reply
    return sendView(request, reply, `${published.id}:unit:${view.result.unit.id}`, () => view)
  })

  app.get('/public/rounds/:id/results/:unitType/versions', {
    config,
    schema: {
      operationId: 'listPublicResultVersions',
      summary: 'Every published version of a round\'s results for one unit type, newest first; each stays readable',
      tags: ['public'],
      description: 'ETag names the newest version (a list changes only when a version is published), so If-None-Match answers 304 until the next publication.',
      params: PublicRoundParams,
      headers: ConditionalHeaders,
      response: { 200: ref(PublicVersionListSchema), ...notModifiedResponse, ...problems(400, 404, 429) }
    }
  }, async (request, reply) => {
    const versions = await listPublishedVersions(app.db, request.params.id, request.params.unitType)
    const newest = versions[0]!
    if (answerConditional(request, reply, `W/"versions-${newest.id}"`, LATEST_CACHE)) return reply
    return publicVersionsView(versions)
  })

  app.get('/public/rounds/:id/results/:unitType/export', {
    config: exportConfig,
    schema: {
      operationId: 'exportPublicResults',
      summary: 'Download published results as CSV (UTF-8 with BOM; standard or excel-vi), XLSX (Bảng 1 and Bảng 2) or JSON',
      tags: ['public'],
      params: PublicRoundParams,
      querystring: Type.Intersect([VersionQuery, ExportQuery]),
      headers: ConditionalHeaders,
      response: { 200: exportResponse, ...notModifiedResponse, ...problems(400, 404, 429) }
    }
  }, async (request, reply) => {
    const { format, dialect, version } = request.query
    const file = await exportResults(app.db, request.params.id, request.params.unitType, { format, dialect, version })
    return sendExport(request, reply, file, cacheControlOf(request.query.version))
  })
}

export default publicResultsRoutes
