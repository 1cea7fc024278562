// Request validation: JSON bodies are checked strictly (a string is never taken for a number), while
// querystring, params and headers, which arrive as text, are coerced to their declared types.
import { Ajv, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function makeAjv (app: FastifyInstance, coerce: boolean): Ajv {
  const options: Options = { allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes: coerce ? 'array' : false, strict: false }
  const ajv = addFormats(new Ajv(options))
  for (const schema of Object.values(app.getSchemas())) ajv.addSchema(schema as object)
  return ajv
}

export function installValidation (app: FastifyInstance): void {
  let strict: Ajv | undefined
  let coercing: Ajv | undefined
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart === 'body') {
      strict ??= makeAjv(app, false)
      return strict.compile(schema)
    }
    coercing ??= makeAjv(app, true)
    return coercing.compile(schema)
  })
}
