// Results of a round (admins, and API keys with results:read): live computation, publication, versions, exports,
// the round's results settings, and historical results imported from a report.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { actorOf } from '../plugins/auth.js'
import { IdParams, problems, ref } from '../schemas/common.js'
import {
  ConditionalHeaders, ExportQuery, HistoricalImportQuery, HistoricalImportResultSchema, HistoricalImportSchema, HistoricalUnitSchema, PublishResultsSchema,
  ResultSetSchema, ResultSettingsSchema, ResultsQuery, ResultVersionSummarySchema, RoundVersionParams, UnitTypeQuery,
  UpdateResultSettingsSchema, VersionPageQuery, VersionQuery
} from '../schemas/results.js'
import { EXPORT_MEDIA_TYPES, exportResults, type ExportFile } from '../services/exports.js'
import { importHistoricalResults, listHistoricalResults, type HistoricalFile } from '../services/historical.js'
import {
  getLiveResults, getPublishedResults, getResultSettings, listResultVersions, publishResults, resultsPage, updateResultSettings
} from '../services/results.js'
import { XLSX_MEDIA_TYPE } from '../services/spreadsheet.js'
import { cachedViews } from './cached-views.js'

const adminOnly = { roles: ['admin'] } as const
const readers = { roles: ['admin'], scopes: ['results:read'] } as const

/** Whether If-None-Match names the current ETag (weak comparison, as RFC 9110 asks for GET). */
export function notModified (request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match']
  if (header === undefined) return false
  if (header.trim() === '*') return true
  const strip = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => strip(tag) === strip(etag))
}

/** Sets the validators and answers 304 when the client's copy is current; returns whether it did. */
export function answerConditional (request: FastifyRequest, reply: FastifyReply, etag: string, cacheControl: string): boolean {
  const vary = reply.getHeader('vary')
  reply.header('etag', etag).header('cache-control', cacheControl).header('vary', vary ? `${String(vary)}, accept-encoding` : 'accept-encoding')
  if (!notModified(request, etag)) return false
  reply.code(304).send()
  return true
}

/** Sends a file as a download under its name (an ASCII one: the callers build it from codes). */
export function sendAttachment (reply: FastifyReply, file: { filename: string, contentType: string, body: unknown }): FastifyReply {
  return reply.header('content-disposition', `attachment; filename="${file.filename}"`).type(file.contentType).send(file.body)
}

/** Sends an export file as a download, honouring If-None-Match. */
export function sendExport (request: FastifyRequest, reply: FastifyReply, file: ExportFile, cacheControl: string): FastifyReply {
  if (answerConditional(request, reply, file.etag, cacheControl)) return reply
  return sendAttachment(reply, file)
}

/** A score sheet to print and sign (a self-assessment, an appraisal): one XLSX workbook. */
export const workbookResponse = {
  description: 'The workbook (Content-Disposition: attachment)',
  content: { [XLSX_MEDIA_TYPE]: { schema: Type.String({ format: 'binary' }) } }
}

export const archiveResponse = {
  description: 'A ZIP archive of XLSX workbooks (Content-Disposition: attachment)',
  content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } }
}

export function sendWorkbook (reply: FastifyReply, file: { filename: string, body: Buffer }): FastifyReply {
  return sendAttachment(reply, { ...file, contentType: XLSX_MEDIA_TYPE })
}

export const notModifiedResponse = { 304: { description: 'Not modified: the copy named in If-None-Match is current', type: 'null' } } as const

export const exportResponse = {
  description: 'The export file (Content-Disposition: attachment)',
  content: {
    [EXPORT_MEDIA_TYPES.csv]: { schema: Type.String({ description: 'CSV, UTF-8 with BOM, CRLF lines; "," and decimal points, or ";" and decimal commas with dialect=excel-vi' }) },
    [EXPORT_MEDIA_TYPES.xlsx]: { schema: Type.String({ format: 'binary', description: 'Sheets "Bảng 1" and "Bảng 2"' }) },
    [EXPORT_MEDIA_TYPES.json]: { schema: Type.Object({}, { additionalProperties: true, description: 'The published snapshot (ResultSet), keys in alphabetical order' }) }
  }
}

/** Units per piece of JSON sent: 500 units are about 1 MB. */
const UNITS_PER_PIECE = 500

/** The JSON of a set's units as UTF-8 pieces, by the array: a reused computation (live-memo.ts) keeps its array, so its bytes too. */
const unitsPieces = new WeakMap<object, Buffer[]>()

/**
 * A piece's bytes, by its first unit and its number of units, with the units it was written from: a computation on
 * from the kept one gives an unchanged unit as the object it had before (resultsState in domain/results.ts), so a piece whose units are all the same objects,
 * in the same order, is the same JSON. After one score changes, the units whose rank moved are in one piece or a few.
 * (A page of 50 starting at the same unit as a piece of all units is kept beside it, not in its place.)
 */
const pieceBytes = new WeakMap<object, Map<number, { units: readonly object[], bytes: Buffer }>>()

const OPEN = Buffer.from('[')
const COMMA = Buffer.from(',')
const CLOSE = Buffer.from(']')

/**
 * Each unit is written and encoded on its own, then joined 500 at a time: at 10,000 units that took half the time
 * of JSON.stringify and Buffer.from of 500 units at a time (Node 20 and 24: encoding a long text cost the most).
 */
function unitsJson (units: readonly object[]): Buffer[] {
  const pieces: Buffer[] = [OPEN]
  for (let start = 0; start < units.length; start += UNITS_PER_PIECE) {
    if (start > 0) pieces.push(COMMA)
    const members = units.slice(start, start + UNITS_PER_PIECE)
    const first = members[0] as object
    let bySize = pieceBytes.get(first)
    if (bySize === undefined) pieceBytes.set(first, bySize = new Map())
    const kept = bySize.get(members.length)
    if (kept !== undefined && kept.units.every((unit, i) => unit === members[i])) {
      pieces.push(kept.bytes)
      continue
    }
    const parts: Buffer[] = []
    for (const unit of members) {
      if (parts.length > 0) parts.push(COMMA)
      parts.push(Buffer.from(JSON.stringify(unit), 'utf8'))
    }
    const bytes = Buffer.concat(parts)
    bySize.set(members.length, { units: members, bytes })
    pieces.push(bytes)
  }
  pieces.push(CLOSE)
  return pieces
}

/**
 * A result set (or a page of it) as the pieces of the JSON that JSON.stringify would write for it with its units last,
 * the units' part written once per computation: at 10,000 units they are 21 MB, whose text and UTF-8 took most of an
 * answer's time, and joining the pieces into one Buffer copied all of it again on every request (7 % of its CPU).
 */
export function resultSetJson (set: { units: readonly object[] }): Buffer[] {
  const { units, ...rest } = set
  let pieces = unitsPieces.get(units)
  if (pieces === undefined) unitsPieces.set(units, pieces = unitsJson(units))
  const head = JSON.stringify(rest)
  return [Buffer.from(`${head.slice(0, -1)}${head === '{}' ? '' : ','}"units":`, 'utf8'), ...pieces, Buffer.from('}')]
}

/** Sends the pieces as a stream of known length. */
function sendResultSet (reply: FastifyReply, set: { units: readonly object[] }): FastifyReply {
  const pieces = resultSetJson(set)
  return reply
    .type('application/json; charset=utf-8')
    .header('content-length', pieces.reduce((length, piece) => length + piece.length, 0))
    .send(Readable.from(pieces, { objectMode: false }))
}

const resultsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sendVersion = cachedViews()
  // Historical results arrive as the CSV or the workbook itself; only the routes of this plugin read these bodies.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })
  app.addContentTypeParser(EXPORT_MEDIA_TYPES.xlsx, { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })

  app.get('/rounds/:id/results', {
    config: { access: { ...readers, note: 'API keys only when an admin shared the round\'s provisional results with them (PATCH /rounds/{id}/results/settings); otherwise 403 RESULTS_PROVISIONAL_HIDDEN — published versions are under /rounds/{id}/results/versions and /public.' } },
    schema: {
      operationId: 'getRoundResults',
      summary: 'Results of a round for one unit type, computed now from the current scores (provisional until published)',
      description: 'Per unit and field the self and appraised points, applicable maxima and percentages; per unit totals, index, gap, classification, rank, rank per field and what-if targets; ' +
        'the average row and counts per classification; and the change against a previous round (compareTo, default the previous year\'s round; fields matched by clone lineage). ' +
        'Sums are computed by the database; ranks compare exact ratios. ' +
        'With limit (and offset), `units` is that page of the ranking and `page` says where it is; the other parts are always of all units.',
      tags: ['results'],
      params: IdParams,
      querystring: ResultsQuery,
      response: { 200: ref(ResultSetSchema), ...problems(400, 401, 403, 404) }
    },
    // Serialized by JSON.stringify (sendResultSet), not the schema: the schema's serializer took 4× as long at 10,000
    // units (bench:results). The results service builds the set field by field; test/results-publish.test.ts holds it
    // to the published version's, which the schema serializes. The route's problem documents are JSON.stringify's too.
    serializerCompiler: () => (data: unknown) => JSON.stringify(data)
  }, async (request, reply) => sendResultSet(reply, resultsPage(await getLiveResults(app.db, actorOf(request), request.params.id, request.query.unitType, { compareTo: request.query.compareTo }), request.query)))

  app.post('/rounds/:id/results/publish', {
    config: { access: adminOnly },
    schema: {
      operationId: 'publishRoundResults',
      summary: 'Publish the results of a unit type as the next immutable version (round finalized or published)',
      description: 'Freezes the results with the version number, time, publisher, catalog and the SHA-256 of every input (leaf scores, catalog id, units). ' +
        'The first publication moves a finalized round to published. Every later version needs a `reason` (400 RESULTS_REASON_REQUIRED). ' +
        'When the inputs are exactly those of the latest version, nothing changed: 409 RESULTS_UNCHANGED (checked before the reason). ' +
        'Earlier versions stay readable and byte-identical.',
      tags: ['results'],
      params: IdParams,
      body: ref(PublishResultsSchema),
      response: { 201: ref(ResultVersionSummarySchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await publishResults(app.db, actorOf(request), request.params.id, request.body)))

  app.get('/rounds/:id/results/versions', {
    config: { access: readers },
    schema: {
      operationId: 'listRoundResultVersions',
      summary: 'Published versions of a round\'s results for one unit type, newest first',
      tags: ['results'],
      params: IdParams,
      querystring: UnitTypeQuery,
      response: { 200: Type.Array(ref(ResultVersionSummarySchema)), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => listResultVersions(app.db, request.params.id, request.query.unitType))

  app.get('/rounds/:id/results/versions/:version', {
    config: { access: readers, responseHeaders: { 200: ['cache-control', 'vary'], 304: ['cache-control', 'vary'] } },
    schema: {
      operationId: 'getRoundResultVersion',
      summary: 'One published version: the frozen snapshot, exactly as published',
      description: 'ETag is the version id; send it in If-None-Match to get 304. With limit (and offset), `units` is that page of the ranking and `page` says where it is. ' +
        'A version never changes, so its answer is serialized (and gzipped) once and served from those bytes.',
      tags: ['results'],
      params: RoundVersionParams,
      querystring: VersionPageQuery,
      headers: ConditionalHeaders,
      response: { 200: ref(ResultSetSchema), ...notModifiedResponse, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const published = await getPublishedResults(app.db, request.params.id, request.query.unitType, request.params.version)
    if (answerConditional(request, reply, `"${published.id}"`, 'private, no-cache')) return reply
    const { limit, offset } = request.query
    return sendVersion(request, reply, `${published.id}:${limit ?? ''}:${offset ?? ''}`, () => resultsPage(published.snapshot, { limit, offset }))
  })

  app.get('/rounds/:id/results/export', {
    config: { access: readers, responseHeaders: { 200: ['cache-control', 'vary', 'content-disposition'], 304: ['cache-control', 'vary'] } },
    schema: {
      operationId: 'exportRoundResults',
      summary: 'Export a published version (default the latest) as CSV (standard or excel-vi), XLSX (Bảng 1 and Bảng 2) or JSON',
      tags: ['results'],
      params: IdParams,
      querystring: Type.Intersect([UnitTypeQuery, VersionQuery, ExportQuery]),
      headers: ConditionalHeaders,
      response: { 200: exportResponse, ...notModifiedResponse, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const { unitType, format, dialect, version } = request.query
    const file = await exportResults(app.db, request.params.id, unitType, { format, dialect, version })
    return sendExport(request, reply, file, 'private, no-cache')
  })

  app.get('/rounds/:id/results/settings', {
    config: { access: adminOnly },
    schema: {
      operationId: 'getRoundResultSettings',
      summary: 'Whether API keys may read the round\'s provisional results',
      tags: ['results'],
      params: IdParams,
      response: { 200: ref(ResultSettingsSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => getResultSettings(app.db, request.params.id))

  app.patch('/rounds/:id/results/settings', {
    config: { access: adminOnly },
    schema: {
      operationId: 'updateRoundResultSettings',
      summary: 'Share (or stop sharing) the round\'s provisional results with API keys that have results:read',
      tags: ['results'],
      params: IdParams,
      body: ref(UpdateResultSettingsSchema),
      response: { 200: ref(ResultSettingsSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => updateResultSettings(app.db, actorOf(request), request.params.id, request.body))

  app.post('/rounds/:id/historical-results', {
    config: { access: adminOnly },
    schema: {
      operationId: 'importHistoricalResults',
      summary: 'Load a report\'s per-field results of a unit type into a round (a CSV or XLSX body, or JSON { csv } or { xlsx })',
      description: 'A CSV in the standard dialect ("," and decimal points) or excel-vi (";" and decimal commas, as Excel saves CSV on a Vietnamese Windows): ' +
        '?dialect= names it, otherwise its header line does. An XLSX workbook (the body itself, or base64 in JSON) is read from its first sheet, numbers as numbers, once it keeps the zip bounds of evidence files ' +
        '(at most 5,000 entries and 100× expansion; a zip bomb is refused before it is opened, 422 HISTORICAL_RESULTS_INVALID). ' +
        'A file whose lines read as one column because another separator splits them is refused with `wrong_separator`, naming the separator found and the one expected; ' +
        'a decimal written with the other dialect\'s mark is ambiguous (`ambiguous_decimal`: "1.000" is a thousand in Vietnamese). ' +
        'Columns: unit_code, name_in_report, then f<field code>_self and f<field code>_appraised for every field of the round\'s catalog, optionally ' +
        'total_self_reported, total_appraised_reported, rank_reported, class_reported (kept as each row\'s source). A unit is matched by code, else by the report\'s name ' +
        'against its name, short name and aliases (case and diacritics ignored). A value must be at most the field\'s maximum and a multiple of the field\'s finest step: ' +
        'the greatest common divisor of its leaves\' range steps, option points and band points (0.25 in the 2020 catalogs), since field points are sums of leaf scores. ' +
        'A reported total must equal the sum of its fields. Every problem is listed in `errors` (422 HISTORICAL_RESULTS_INVALID) and nothing is stored; ' +
        'a valid file replaces the unit type\'s earlier historical results in the round. 409 when the round has leaf-level scores for the unit type.',
      tags: ['results'],
      params: IdParams,
      querystring: HistoricalImportQuery,
      body: {
        content: {
          'text/csv': { schema: Type.String({ minLength: 1 }) },
          'application/json': { schema: ref(HistoricalImportSchema) },
          // No `type`: the body is the workbook's bytes (a Buffer), which a string schema would refuse.
          [EXPORT_MEDIA_TYPES.xlsx]: { schema: { format: 'binary', description: 'The XLSX workbook' } }
        }
      },
      response: { 200: ref(HistoricalImportResultSchema), ...problems(400, 401, 403, 404, 409, 415, 422) }
    }
  }, async (request) => {
    const body = request.body as Buffer | string | { csv?: string, xlsx?: string }
    const { unitType, dialect } = request.query
    const file: HistoricalFile = Buffer.isBuffer(body)
      ? { xlsx: body }
      : typeof body === 'string' ? { csv: body, dialect } : body.xlsx !== undefined ? { xlsx: Buffer.from(body.xlsx, 'base64') } : { csv: body.csv ?? '', dialect }
    return importHistoricalResults(app.db, actorOf(request), request.params.id, unitType, file)
  })

  app.get('/rounds/:id/historical-results', {
    config: { access: readers },
    schema: {
      operationId: 'listHistoricalResults',
      summary: 'The historical results stored for a round and unit type',
      tags: ['results'],
      params: IdParams,
      querystring: UnitTypeQuery,
      response: { 200: Type.Array(ref(HistoricalUnitSchema)), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => listHistoricalResults(app.db, request.params.id, request.query.unitType))
}

export default resultsRoutes
