// Every error code the API can answer with, declared once; the problem plugin renders them as RFC 9457 documents.

export interface FieldProblem {
  /** Where the value was: body, querystring, params or headers. */
  in: string
  /** JSON pointer to the failing value inside that part of the request. */
  pointer: string
  message: string
}

/** An error that carries its own stable code, status and optional details for the problem document. */
export class AppError extends Error {
  readonly statusCode: number
  readonly code: string
  readonly title: string
  readonly errors?: unknown[]
  readonly extra?: Record<string, unknown>

  constructor (code: string, statusCode: number, title: string, detail?: string, options: { errors?: unknown[], extra?: Record<string, unknown> } = {}) {
    super(detail ?? title)
    this.name = 'AppError'
    this.code = code
    this.statusCode = statusCode
    this.title = title
    if (options.errors) this.errors = options.errors
    if (options.extra) this.extra = options.extra
  }
}

type Details = { errors?: unknown[], extra?: Record<string, unknown> }
const define = (code: string, statusCode: number, title: string) =>
  Object.assign((detail?: string, details: Details = {}) => new AppError(code, statusCode, title, detail, details), { code, statusCode, title })

export const Errors = {
  validation: define('VALIDATION_FAILED', 400, 'The request is not valid'),
  malformedJson: define('MALFORMED_JSON', 400, 'The request body is not valid JSON'),
  badRequest: define('BAD_REQUEST', 400, 'Bad request'),
  unauthenticated: define('UNAUTHENTICATED', 401, 'Authentication is required'),
  invalidCredentials: define('INVALID_CREDENTIALS', 401, 'Invalid username or password'),
  forbidden: define('FORBIDDEN', 403, 'You are not allowed to do this'),
  notFound: define('NOT_FOUND', 404, 'Not found'),
  routeNotFound: define('ROUTE_NOT_FOUND', 404, 'No such route'),
  methodNotAllowed: define('METHOD_NOT_ALLOWED', 405, 'Method not allowed'),
  conflict: define('CONFLICT', 409, 'The request conflicts with the current state'),
  catalogPublished: define('CATALOG_PUBLISHED', 409, 'A published catalog cannot be changed'),
  catalogInvalid: define('CATALOG_INVALID', 422, 'The catalog is not valid'),
  importInvalid: define('IMPORT_INVALID', 422, 'The import file is not valid'),
  preconditionFailed: define('PRECONDITION_FAILED', 412, 'The resource has changed since you read it'),
  payloadTooLarge: define('PAYLOAD_TOO_LARGE', 413, 'The request body is too large'),
  unsupportedMediaType: define('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type'),
  loginLocked: define('LOGIN_LOCKED', 429, 'Too many failed logins'),
  tooManyRequests: define('TOO_MANY_REQUESTS', 429, 'Too many requests'),
  internal: define('INTERNAL', 500, 'Internal server error'),
  notReady: define('NOT_READY', 503, 'The service is not ready'),
  unavailable: define('SERVICE_UNAVAILABLE', 503, 'The service is unavailable')
}
