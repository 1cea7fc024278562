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
  weakPassword: define('WEAK_PASSWORD', 400, 'The password is too weak'),
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
  uriTooLong: define('URI_TOO_LONG', 414, 'The address is too long'),
  headersTooLarge: define('HEADERS_TOO_LARGE', 431, 'The request headers are too large'),
  unsupportedMediaType: define('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported media type'),
  loginLocked: define('LOGIN_LOCKED', 429, 'Too many failed logins'),
  tooManyRequests: define('TOO_MANY_REQUESTS', 429, 'Too many requests'),
  internal: define('INTERNAL', 500, 'Internal server error'),
  notReady: define('NOT_READY', 503, 'The service is not ready'),
  unavailable: define('SERVICE_UNAVAILABLE', 503, 'The service is unavailable'),
  databaseUnavailable: define('DATABASE_UNAVAILABLE', 503, 'The database cannot be reached for the moment'),
  preconditionRequired: define('PRECONDITION_REQUIRED', 428, 'This change needs an If-Match header'),
  roundNotEditable: define('ROUND_NOT_EDITABLE', 409, 'The round cannot be changed this way in its current status'),
  roundTransitionInvalid: define('ROUND_TRANSITION_INVALID', 409, 'The round cannot move to that status'),
  roundNotReady: define('ROUND_NOT_READY', 409, 'The round is not ready for that status'),
  selfAssessmentClosed: define('SELF_ASSESSMENT_CLOSED', 409, 'Self-assessment is not open in this round'),
  deadlinePassed: define('DEADLINE_PASSED', 409, 'The self-assessment deadline has passed'),
  selfAssessmentSubmitted: define('SELF_ASSESSMENT_SUBMITTED', 409, 'The self-assessment has been submitted; withdraw it to change it'),
  selfAssessmentNotSubmitted: define('SELF_ASSESSMENT_NOT_SUBMITTED', 409, 'The self-assessment is not submitted'),
  selfAssessmentInvalid: define('SELF_ASSESSMENT_INVALID', 422, 'Some entries are not valid; nothing was saved'),
  selfAssessmentIncomplete: define('SELF_ASSESSMENT_INCOMPLETE', 422, 'The self-assessment is not complete'),
  notAssigned: define('NOT_ASSIGNED', 403, 'This is outside the fields assigned to you'),
  appraisalClosed: define('APPRAISAL_CLOSED', 409, 'Appraisal is not open in this round'),
  appraisalDeadlinePassed: define('APPRAISAL_DEADLINE_PASSED', 409, 'The appraisal deadline has passed'),
  appraisalFinalized: define('APPRAISAL_FINALIZED', 409, 'The appraisal of this unit is finalized'),
  appraisalNotFinalized: define('APPRAISAL_NOT_FINALIZED', 409, 'The appraisal of this unit is not finalized'),
  appraisalInvalid: define('APPRAISAL_INVALID', 422, 'Some appraised scores are not valid; nothing was saved'),
  appraisalIncomplete: define('APPRAISAL_INCOMPLETE', 409, 'The appraisal of this unit is not complete'),
  leafLocked: define('LEAF_LOCKED', 409, 'These leaves are not open for the unit'),
  supplementNotOpen: define('SUPPLEMENT_NOT_OPEN', 409, 'The supplement request is not open'),
  supplementClosed: define('SUPPLEMENT_CLOSED', 409, 'The supplement request is already closed'),
  resultsNotPublishable: define('RESULTS_NOT_PUBLISHABLE', 409, 'Results can be published only when the round is finalized or published'),
  resultsUnchanged: define('RESULTS_UNCHANGED', 409, 'Nothing changed since the latest published version'),
  resultsReasonRequired: define('RESULTS_REASON_REQUIRED', 400, 'A new version of published results needs a reason'),
  resultsNotPublished: define('RESULTS_NOT_PUBLISHED', 404, 'No published results'),
  resultsProvisionalHidden: define('RESULTS_PROVISIONAL_HIDDEN', 403, 'Provisional results of this round are not shared with API keys'),
  historicalResultsInvalid: define('HISTORICAL_RESULTS_INVALID', 422, 'The historical results are not valid; nothing was stored'),
  reportIncomplete: define('REPORT_INCOMPLETE', 409, 'Some unit types of the round have no published results to report')
}
