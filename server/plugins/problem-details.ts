// Renders every error, unknown route and framework failure as an RFC 9457 application/problem+json document.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import fp from 'fastify-plugin'
import FindMyWay from 'find-my-way'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, Errors, type FieldProblem } from '../errors.js'
import { problemText as m } from '../messages/problems.js'
import { localize, negotiateLanguage, Text, type Language } from '../messages/text.js'
import { fieldProblemsText, keywordMessage } from '../messages/validation.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The language of problem documents for a client whose Accept-Language names neither Vietnamese nor English. */
    defaultLanguage: Language
  }
}

const TYPE_BASE = 'urn:par-index:problem:'
/** The methods a path may exist under for a 405 (HEAD goes with GET; OPTIONS is the CORS preflight's on every path). */
const CHECKED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

interface AjvError { instancePath?: string, keyword?: string, message?: string, params?: Record<string, unknown> }

function fieldProblems (error: FastifyError): FieldProblem[] {
  const where = (error as { validationContext?: string }).validationContext ?? 'body'
  return (error.validation as AjvError[] | undefined ?? []).map((item) => {
    let pointer = item.instancePath ?? ''
    const params = item.params ?? {}
    if (item.keyword === 'required' && typeof params.missingProperty === 'string') pointer += `/${params.missingProperty}`
    if (item.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') pointer += `/${params.additionalProperty}`
    // The validator's own English stays as it was; the Vietnamese comes from the keyword table.
    const said = keywordMessage(item.keyword, params)
    const message = item.message ? new Text(item.message, said.vi) : said
    return { in: where, pointer: pointer || '/', ...(item.keyword ? { keyword: item.keyword, params } : {}), message }
  })
}

/** Seconds a client should wait before retrying while the database is away. */
export const DATABASE_RETRY_SECONDS = 5

// Connection failures, and PostgreSQL's own "shutting down / starting up / connection lost" states.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006'])
const CONNECTION_MESSAGES = /Connection terminated|connection (is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery)|terminating connection/i

/** Whether the failure is the database being away (not the query being wrong): the error or any of its causes. */
export function isDatabaseUnavailable (error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, message } = current as { code?: unknown, message?: unknown }
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true
    if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true
  }
  return false
}

/** Maps any thrown value to the AppError that is shown to the client. */
export function toAppError (error: unknown): AppError {
  if (error instanceof AppError) return error
  if (isDatabaseUnavailable(error)) {
    return Errors.databaseUnavailable(m.databaseUnavailable, { extra: { retryAfterSeconds: DATABASE_RETRY_SECONDS } })
  }
  const fastifyError = error as FastifyError
  if (fastifyError?.validation) {
    const errors = fieldProblems(fastifyError)
    return Errors.validation(fieldProblemsText(errors), { errors })
  }
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return Errors.malformedJson(m.frameworkRefusal(fastifyError.message, Errors.malformedJson.title))
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return Errors.payloadTooLarge(m.frameworkRefusal(fastifyError.message, Errors.payloadTooLarge.title))
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return Errors.unsupportedMediaType(m.frameworkRefusal(fastifyError.message, Errors.unsupportedMediaType.title))
    case 'FST_ERR_NOT_FOUND':
      return Errors.routeNotFound(m.frameworkRefusal(fastifyError.message, Errors.routeNotFound.title))
  }
  const status = fastifyError?.statusCode
  if (status === 429) return Errors.tooManyRequests(m.frameworkRefusal(fastifyError.message, Errors.tooManyRequests.title))
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Framework and plugin client errors keep their status and their message (meant for clients), under the one stable
    // code BAD_REQUEST: a client branches on the codes of the README's list, never on a framework's own.
    return new AppError(Errors.badRequest.code, status, Errors.badRequest.title,
      m.frameworkRefusal(fastifyError.message, Errors.badRequest.title))
  }
  return Errors.internal(m.internal)
}

/** The language of a request's problem documents: its Accept-Language, else the service's default. */
export function requestLanguage (request: FastifyRequest): Language {
  return negotiateLanguage(request.headers['accept-language'], request.server.defaultLanguage ?? 'vi')
}

export function problemDocument (error: AppError, request: FastifyRequest, language = requestLanguage(request)) {
  return {
    type: TYPE_BASE + error.code.toLowerCase().replace(/_/g, '-'),
    title: error.title.in(language),
    status: error.statusCode,
    detail: error.detail.in(language),
    instance: request.url.split('?')[0] ?? request.url,
    code: error.code,
    requestId: request.id,
    ...(error.errors ? { errors: localize(error.errors, language) } : {}),
    ...(localize(error.extra ?? {}, language) as Record<string, unknown>)
  }
}

export function sendProblem (reply: FastifyReply, error: AppError): FastifyReply {
  // A refusal that says when to try again (a locked login, the database away) says it in the header too (RFC 9110 §10.2.3).
  const retryAfter = error.extra?.retryAfterSeconds
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter)) reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))))
  const language = requestLanguage(reply.request)
  reply.header('content-language', language)
  reply.header('vary', 'Accept-Language')
  // A refusal is never kept: a cache in front of the public results must not go on answering "not published" after
  // the results are out (nor a rate limit's 429 after it lifts).
  reply.header('cache-control', 'no-store')
  return reply.code(error.statusCode).type('application/problem+json').send(problemDocument(error, reply.request, language))
}

/**
 * What of a failure goes to the log: for a failed query its statement and the database's error, never the values it was
 * given (a password hash, a person's data). Drizzle puts them in its message and in `params`.
 */
export function loggable (error: unknown): unknown {
  if (!(error instanceof Error) || !('query' in error) || !('params' in error)) return error
  // The database's message and detail may quote the values ("invalid input syntax for type integer: …"): only its
  // SQLSTATE and the names of what it refused are kept.
  const cause = (error.cause ?? {}) as Record<string, unknown>
  const names = ['code', 'constraint', 'table', 'column', 'dataType', 'routine']
    .flatMap((key) => typeof cause[key] === 'string' && cause[key] !== '' ? [`${key} ${String(cause[key])}`] : [])
  const safe = new Error(`Failed query: ${String((error as { query: unknown }).query)}${names.length ? ` (${names.join(', ')})` : ''}`)
  safe.name = error.name
  safe.stack = `${safe.name}: ${safe.message}\n${(error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).join('\n')}`
  return safe
}

/** Headers every answer carries, also those the framework sends before any hook runs. */
const BARE_HEADERS = {
  'content-type': 'application/problem+json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer'
}

/**
 * Fastify's own refusals before routing (`frameworkErrors`): a parameter past the router's length is 414, a malformed
 * address 400; as problem documents with the usual headers and request id, never echoing the address.
 */
export function frameworkErrorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = error.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? Errors.uriTooLong(m.addressTooLong)
    : error.code === 'FST_ERR_BAD_URL'
      ? Errors.badRequest(m.addressInvalid)
      : toAppError(error)
  const language = requestLanguage(request)
  reply.headers({ ...BARE_HEADERS, 'x-request-id': request.id, 'content-language': language, vary: 'Accept-Language' })
  // The address is what was refused: it is not repeated back.
  reply.code(appError.statusCode).send({ ...problemDocument(appError, request, language), instance: undefined })
}

/**
 * The HTTP parser's refusals, before Fastify sees a request (`clientErrorHandler`): headers too large (431), a timeout
 * (408) or anything unreadable (400), as problem documents with the usual headers on a closing connection. The
 * request's headers could not be read, so the document is in the service's default language.
 */
export const clientErrorHandler = (language: Language) => (error: NodeJS.ErrnoException, socket: import('node:net').Socket): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
  const appError = error.code === 'HPE_HEADER_OVERFLOW'
    ? Errors.headersTooLarge(m.headersTooLarge)
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? Errors.requestTimeout(m.requestTimeout)
      : Errors.badRequest(m.unreadableHttp)
  const id = randomUUID()
  const body = JSON.stringify({
    type: TYPE_BASE + appError.code.toLowerCase().replace(/_/g, '-'),
    title: appError.title.in(language),
    status: appError.statusCode,
    detail: appError.detail.in(language),
    code: appError.code,
    requestId: id
  })
  const headers = { ...BARE_HEADERS, 'x-request-id': id, 'content-language': language, 'content-length': Buffer.byteLength(body), connection: 'close' }
  socket.end(`HTTP/1.1 ${appError.statusCode} ${http.STATUS_CODES[appError.statusCode] ?? 'Error'}\r\n` +
    Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\r\n') + `\r\n\r\n${body}`)
}

async function problemDetails (app: FastifyInstance, options: { defaultLanguage?: Language }): Promise<void> {
  app.decorate('defaultLanguage', options.defaultLanguage ?? 'vi')
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error)
    if (appError.code === Errors.databaseUnavailable.code) request.log.warn({ err: loggable(error) }, 'the database is unavailable')
    else if (appError.statusCode >= 500) request.log.error({ err: loggable(error) }, 'request failed')
    else request.log.info({ code: appError.code, status: appError.statusCode }, appError.message)
    return sendProblem(reply, appError)
  })
  // Every route's path by method, in a router of its own (Fastify's, find-my-way), so that a path that exists under
  // another method answers 405 with Allow rather than 404. HEAD follows GET and OPTIONS is the CORS preflight's.
  const known = FindMyWay({ maxParamLength: 200 })
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!CHECKED_METHODS.includes(method)) continue
      try {
        known.on(method as 'GET', route.url, () => undefined)
      } catch {
        // The same path again (a route registered in two contexts): already known.
      }
    }
  })
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? ''
    const allowed = CHECKED_METHODS.filter((method) => method !== request.method && known.find(method as 'GET', path) !== null)
    if (allowed.length > 0) {
      reply.header('allow', [...allowed, ...allowed.includes('GET') ? ['HEAD'] : []].join(', '))
      return sendProblem(reply, Errors.methodNotAllowed(m.wrongMethod(request.method, path, allowed)))
    }
    return sendProblem(reply, Errors.routeNotFound(m.noRoute(request.method, path)))
  })
}

export default fp(problemDetails, { name: 'problem-details' })
