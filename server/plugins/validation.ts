// Request validation: JSON bodies are checked strictly (a string is never taken for a number), while
// querystring, params and headers, which arrive as text, are coerced to their declared types. Beyond each route's
// schema, every request part is refused (400, naming the field) when it holds what no field of this API may and the
// database cannot store: control characters (NUL and the like; tabs and line breaks are text), lone UTF-16
// surrogates, numbers outside what a PostgreSQL integer holds or not finite, and date-times outside years 1–9999.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

/** The largest magnitude a number of a request may have: PostgreSQL's integer. */
export const MAX_NUMBER = 2_147_483_647
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const wellFormed = (text: string) => !LONE_SURROGATE.test(text)

/** What is wrong with one value itself (a string or a number), or null. */
function flaw (value: unknown): { keyword: string, message: string, params?: Record<string, unknown> } | null {
  if (typeof value === 'string') {
    if (CONTROL.test(value)) return { keyword: 'noControlCharacters', message: 'must not contain control characters (such as NUL)' }
    if (!wellFormed(value)) return { keyword: 'wellFormedUnicode', message: 'must be valid Unicode text (it holds a lone surrogate)' }
  } else if (typeof value === 'number' && (!Number.isFinite(value) || Math.abs(value) > MAX_NUMBER)) {
    return { keyword: 'numberRange', message: `must be a finite number between -${MAX_NUMBER} and ${MAX_NUMBER}`, params: { limit: MAX_NUMBER } }
  }
  return null
}

const badKey = (key: string) => CONTROL.test(key) || !wellFormed(key)
/** A binary body (an uploaded workbook) is bytes, not text; its reader judges it. */
const walked = (value: unknown, depth: number): value is object => value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && depth < 64

/** Whether nothing in the value is hostile: the usual case, checked without building a path or a list. */
function clean (value: unknown, depth = 0): boolean {
  if (!walked(value, depth)) return flaw(value) === null
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue
    if (badKey(key) || !clean((value as Record<string, unknown>)[key], depth + 1)) return false
  }
  return true
}

/** Every hostile part of a value that is not clean, with its path (at most 20). */
function hostile (value: unknown, path: string, found: ErrorObject[], depth = 0): void {
  if (found.length >= 20) return
  if (!walked(value, depth)) {
    const problem = flaw(value)
    if (problem) found.push({ instancePath: path, schemaPath: '#', keyword: problem.keyword, params: problem.params ?? {}, message: problem.message })
    return
  }
  for (const [key, item] of Object.entries(value)) {
    if (badKey(key)) found.push({ instancePath: path, schemaPath: '#', keyword: 'noControlCharacters', params: {}, message: 'must not have a property name with control characters or lone surrogates' })
    else hostile(item, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, found, depth + 1)
  }
}

/** The schema's own validator, then the checks every request part gets (see the header of this file). */
function guarded (validate: ValidateFunction): ValidateFunction {
  const check = ((data: unknown) => {
    const valid = validate(data)
    if (clean(data)) {
      check.errors = validate.errors
      return valid
    }
    const found: ErrorObject[] = []
    hostile(data, '', found)
    check.errors = [...(validate.errors ?? []), ...found]
    return false
  }) as ValidateFunction
  check.errors = null
  return check
}

/** A date-time (RFC 3339, as ajv-formats reads it) of a year the database can hold and people mean: 0001–9999. */
function dateTimeInRange (format: { validate: (text: string) => boolean } | ((text: string) => boolean)) {
  const standard = typeof format === 'function' ? format : format.validate
  return (text: string) => standard(text) && /^(?!0000)\d{4}-/.test(text) && !Number.isNaN(Date.parse(text))
}

function makeAjv (app: FastifyInstance, coerce: boolean): Ajv {
  const options: Options = { allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: coerce ? 'array' : false, strict: false }
  const ajv = addFormats(new Ajv(options))
  const dateTime = ajv.formats['date-time'] as Parameters<typeof dateTimeInRange>[0]
  ajv.addFormat('date-time', dateTimeInRange(dateTime))
  for (const schema of Object.values(app.getSchemas())) ajv.addSchema(schema as object)
  return ajv
}

/** A validator compiled at its first use: start-up then compiles none of the routes' schemas (0.15 s of every start). */
function lazy (compile: () => ValidateFunction): ValidateFunction {
  let validate: ValidateFunction | undefined
  const check = ((data: unknown) => {
    validate ??= compile()
    const valid = validate(data)
    check.errors = validate.errors
    return valid
  }) as ValidateFunction
  check.errors = null
  return check
}

export function installValidation (app: FastifyInstance, options: { eager?: boolean } = {}): void {
  let strict: Ajv | undefined
  let coercing: Ajv | undefined
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const compile = () => {
      if (httpPart === 'body') {
        strict ??= makeAjv(app, false)
        return guarded(strict.compile(schema))
      }
      coercing ??= makeAjv(app, true)
      return guarded(coercing.compile(schema))
    }
    return options.eager ? compile() : lazy(compile)
  })
}
