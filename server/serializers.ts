// Response serializers compiled when a route first answers, not when the app starts, and shared by every app in the
// process that has the same schemas. Compiling all of them up front took about 3 s of every start (fast-json-stringify
// checks each schema against the JSON Schema meta-schema); a route no one calls now costs nothing.
import fastJsonStringify, { type Options } from 'fast-json-stringify'

type Serialize = (data: unknown) => string
type Schema = Record<string, unknown> & { $id?: string }

/** Compiled serializers by the text of their schema, external schemas and options: the same text compiles to the same code. */
const compiled = new Map<string, Serialize>()

function compile (schema: Schema, externals: Record<string, unknown> | undefined, externalsKey: () => string, options: Options | undefined): Serialize {
  const key = `${JSON.stringify(schema)}\u0000${externalsKey()}\u0000${JSON.stringify(options ?? {})}`
  let serialize = compiled.get(key)
  if (!serialize) {
    // As @fastify/fast-json-stringify-compiler does: a schema that is itself shared is not passed again as an external.
    let schemas = externals
    if (schemas && schema.$id && schemas[schema.$id]) {
      schemas = { ...schemas }
      delete schemas[schema.$id]
    }
    serialize = fastJsonStringify(schema as unknown as Parameters<typeof fastJsonStringify>[0], { ...options, ...(schemas ? { schema: schemas } : {}) } as Options) as Serialize
    compiled.set(key, serialize)
  }
  return serialize
}

/**
 * A `schemaController.compilersFactory.buildSerializer` for Fastify: the default compiler, deferred to the first answer
 * of each route and status. With `eager`, every serializer is compiled at start-up, so a schema fast-json-stringify
 * cannot compile fails the start (the test of every route's schemas uses it).
 */
export function serializerFactory (options: { eager?: boolean } = {}) {
  return function buildSerializer (externalSchemas: unknown, options_: unknown) {
    const externals = externalSchemas as Record<string, unknown> | undefined
    const serializerOptions = options_ as Options | undefined
    let externalsText: string | undefined
    const externalsKey = () => (externalsText ??= JSON.stringify(externals ?? {}))
    return function compileRoute ({ schema: routeSchema }: { schema?: unknown }): Serialize {
      const schema = routeSchema as Schema
      if (options.eager) return compile(schema, externals, externalsKey, serializerOptions)
      let serialize: Serialize | undefined
      return (data) => (serialize ??= compile(schema, externals, externalsKey, serializerOptions))(data)
    }
  }
}
