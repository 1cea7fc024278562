// Shared pieces of the API contract: the problem document, references to named schemas, pagination.
import { Type, type Static, type TSchema } from 'typebox'
import { errorCodes } from '../errors.js'

export const FieldProblemSchema = Type.Object({
  in: Type.String({ description: 'Part of the request: body, querystring, params or headers' }),
  pointer: Type.String({ description: 'JSON pointer to the failing value, e.g. /nodes/0/maxPoints' }),
  keyword: Type.Optional(Type.String({ description: 'The rule the value breaks: a JSON Schema keyword (required, maxLength, format…) or one of the service\'s own (blank, future, unknown, duplicate…)' })),
  params: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'The rule\'s parameters, e.g. { "limit": 200 } for maxLength' })),
  message: Type.String({ description: 'What is wrong, in the language of the answer (Content-Language)' })
}, { $id: 'FieldProblem', additionalProperties: true })

export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI identifying the problem type' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String({ description: 'The request path' }),
  code: Type.Enum(errorCodes().map((error) => error.code), { description: 'Stable machine-readable error code (README lists each with its status and title)' }),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { description: 'Every failing field or rule' })),
  requiredScopes: Type.Optional(Type.Array(Type.String(), { description: 'A 403 FORBIDDEN to an API key: the scopes of which the route needs one (empty: the route is for logged-in accounts only)' })),
  expiredAt: Type.Optional(Type.String({ format: 'date-time', description: 'A 401 UNAUTHENTICATED to an expired API key: when it expired' }))
}, {
  $id: 'Problem',
  additionalProperties: true,
  description: 'RFC 9457 problem details. `title`, `detail` and each error\'s `message` are in Vietnamese or English as the request\'s ' +
    'Accept-Language prefers (Content-Language says which; with neither named, DEFAULT_LANGUAGE, Vietnamese unless set). Branch on `code`, ' +
    'and on each error\'s `code`, `rule` or `keyword`, never on the text. Sent with Cache-Control: no-store.'
})

export type Problem = Static<typeof ProblemSchema>

/** Schemas registered with app.addSchema so they appear as named components. */
export const sharedSchemas: TSchema[] = [FieldProblemSchema, ProblemSchema]

export function registerShared (...schemas: TSchema[]): void {
  for (const schema of schemas) if (!sharedSchemas.includes(schema)) sharedSchemas.push(schema)
}

/** A `$ref` to a named schema that keeps the TypeScript type of the target. */
export function ref<T extends TSchema & { $id?: string }> (schema: T): T {
  const id = (schema as { $id?: string }).$id
  if (!id) throw new Error('ref() needs a schema with an $id')
  registerShared(schema)
  return Type.Unsafe<Static<T>>({ $ref: `${id}#` }) as unknown as T
}

const problemContent = () => ({
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } }
})

/** Error responses of a route; 500 is always included. */
export function problems (...statuses: number[]): Record<number, ReturnType<typeof problemContent>> {
  const out: Record<number, ReturnType<typeof problemContent>> = {}
  for (const status of [...statuses, 500]) out[status] = problemContent()
  return out
}

/** Control and bidirectional-override characters: a name holding one reads other than it is (U+202E turns the text after it around) or breaks a line. */
const HIDDEN_CHARACTERS = '\\u0000-\\u001f\\u007f\\u202a-\\u202e\\u2066-\\u2069'

/**
 * A name people type and others read (a unit's, an account's, a round's or a catalog's title): at least one visible
 * character and no control or bidirectional-override characters.
 */
export function nameText ({ blankChecked = false, ...options }: { maxLength: number, description?: string, /** The service says a blank one is blank itself. */ blankChecked?: boolean }) {
  const visible = blankChecked ? '' : `[^${HIDDEN_CHARACTERS}\\s]`
  return Type.String({ minLength: 1, ...options, pattern: `^[^${HIDDEN_CHARACTERS}]*${visible}[^${HIDDEN_CHARACTERS}]*$` })
}

export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 })
})

/** limit and offset of a long list of units (a round's ranking, progress or gap), in the list's own order. */
export function unitPageQuery (order: string) {
  return {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Units per page; absent: every unit (a province\'s few dozen). A national list is read a page at a time.' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, description: `Units to skip in ${order} (default 0)` }))
  }
}

/** Where a page of units (unitPageQuery) is in the whole list. */
export function unitPagePosition (description: string) {
  return Type.Object({
    total: Type.Integer({ description: 'Units in the whole list' }),
    limit: Type.Integer(),
    offset: Type.Integer()
  }, { description })
}

export function page<T extends TSchema> (item: T, id: string) {
  return Type.Object({
    items: Type.Array(ref(item)),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer()
  }, { $id: id })
}

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) })
