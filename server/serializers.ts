// Response serializers compiled when a route first answers, not when the app starts, and shared by every app in the
// process that has the same schemas. Compiling all of them up front took about 3 s of every start (fast-json-stringify
// checks each schema against the JSON Schema meta-schema); a route no one calls now costs nothing.
import fastJsonStringify, { type Options } from 'fast-json-stringify'

type Serialize = (data: unknown) => string
type Schema = Record<string, unknown> & { $id?: string }

/** Compiled serializers by the text of their schema, external schemas and options: the same text compiles to the same code. */
const compiled = new Map<string, Serialize>()

/**
 * Schemas as serialized (forSerializing), by the shared schemas their references resolve against, then by the schema
 * itself: the shared ones are rewritten once per process.
 */
const rewrittenWith = new WeakMap<object, WeakMap<object, unknown>>()
const noShared = {}

/** Keywords that say nothing about how a value is written: a branch with only these (and its type) is a scalar one. */
const SCALAR_KEYWORDS = new Set(['type', 'const', 'enum', 'format', 'title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly',
  '$comment', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern'])
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null'])

/** The JSON type a scalar branch of a union writes (its `type`, or that of its constant or enumerated values), or null. */
function scalarType (branch: unknown): string | null {
  if (typeof branch !== 'object' || branch === null || Array.isArray(branch)) return null
  const keywords = branch as Record<string, unknown>
  if (!Object.keys(keywords).every((key) => SCALAR_KEYWORDS.has(key))) return null
  if (typeof keywords.type === 'string') return SCALAR_TYPES.has(keywords.type) ? keywords.type : null
  if (keywords.type !== undefined) return null
  const values = 'const' in keywords ? [keywords.const] : Array.isArray(keywords.enum) ? keywords.enum : []
  const types = new Set(values.map((value) => value === null ? 'null' : typeof value))
  const [type] = types
  return types.size === 1 && type !== undefined && SCALAR_TYPES.has(type) ? type : null
}

/**
 * What a union of scalar branches writes, when the value's JSON type alone says which branch it is: the distinct types
 * and the one format of its strings (null otherwise). Strings must all have that format or none has (so a Date written
 * as a date-time stays one), and integer and number must not both appear.
 */
function scalarUnion (branches: readonly unknown[]): { type: string | string[], format?: unknown } | null {
  const types = branches.map(scalarType)
  if (types.some((type) => type === null)) return null
  const distinct = [...new Set(types)] as string[]
  if (distinct.includes('integer') && distinct.includes('number')) return null
  const formatOf = (branch: unknown) => (branch as { format?: unknown }).format
  const formats = new Set(branches.map(formatOf).filter((format) => format !== undefined))
  const [format] = formats
  if (formats.size > 1) return null
  if (format !== undefined && !branches.every((branch, i) => (types[i] === 'string') === (formatOf(branch) !== undefined))) return null
  return { type: distinct.length === 1 ? distinct[0] as string : distinct, ...(format === undefined ? {} : { format }) }
}

/**
 * A union of an object and null, as the object schema with the types object and null: the object branch itself, or
 * the shared schema a `{ $ref }` branch names (rewritten too) when it refers to no other schema (so it may be written
 * in another document, and never into itself); null when that is not a plain object schema.
 */
function nullableObject (branches: readonly unknown[], shared: Record<string, unknown>): Record<string, unknown> | null {
  if (branches.length !== 2) return null
  const isNull = (branch: unknown) => scalarType(branch) === 'null'
  const other = branches.find((branch) => !isNull(branch)) as Record<string, unknown> | undefined
  if (!branches.some(isNull) || other === undefined || other.$id !== undefined) return null
  let object = other
  if (typeof other.$ref === 'string' && Object.keys(other).length === 1) {
    const match = /^([^#]+)#?$/.exec(other.$ref)
    const target = match ? shared[match[1] as string] : undefined
    if (typeof target !== 'object' || target === null || JSON.stringify(target).includes('"$ref"')) return null
    object = forSerializing(target, shared) as Record<string, unknown>
  }
  if (object.type !== 'object' || ['anyOf', 'oneOf', 'allOf', 'if', 'not'].some((key) => key in object)) return null
  const { $id: _id, ...rest } = object
  return { ...rest, type: ['object', 'null'] }
}

/**
 * The same schema for writing a response: a union (anyOf or oneOf) of scalar branches of distinct JSON types (say, a
 * date-time or null, or string literals) becomes a list of types, and a union of an object schema (or a reference to
 * one) and null becomes that object schema with the types object and null. fast-json-stringify chooses a union's branch by
 * validating the value against each branch in turn, with Ajv and its formats (the date-time checks of a
 * self-assessment's 100 leaves took more than half of writing it); from a list of types it chooses by the value's type
 * alone, and writes every valid value the same (test/serializers.test.ts). Other unions (of objects, of arrays) are
 * left to validation. `shared`: the shared schemas, by id, that references name.
 */
export function forSerializing (schema: unknown, shared: Record<string, unknown> = noShared): unknown {
  if (typeof schema !== 'object' || schema === null) return schema
  let rewritten = rewrittenWith.get(shared)
  if (rewritten === undefined) rewrittenWith.set(shared, rewritten = new WeakMap())
  const done = rewritten.get(schema)
  if (done !== undefined) return done
  let result: unknown
  if (Array.isArray(schema)) {
    result = schema.map((item) => forSerializing(item, shared))
  } else {
    const node = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, forSerializing(value, shared)]))
    const unionKey = Array.isArray(node.anyOf) ? 'anyOf' : Array.isArray(node.oneOf) ? 'oneOf' : null
    const branches = unionKey === null || node.type !== undefined ? null : node[unionKey] as unknown[]
    // What the union is written as instead, if its value's type alone decides its branch.
    const writtenAs = branches === null ? null : scalarUnion(branches) ?? nullableObject(branches, shared)
    if (unionKey !== null && writtenAs !== null) {
      const { [unionKey]: _branches, ...siblings } = node
      result = { ...siblings, ...writtenAs }
    } else {
      result = node
    }
  }
  rewritten.set(schema, result)
  return result
}

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
    const shared = externals ?? noShared
    serialize = fastJsonStringify(forSerializing(schema, shared) as Parameters<typeof fastJsonStringify>[0],
      { ...options, ...(schemas ? { schema: forSerializing(schemas, shared) } : {}) } as Options) as Serialize
    compiled.set(key, serialize)
  }
  return serialize
}

/**
 * The serializer of a schema that names no shared schema (an item of a long list, written one by one), compiled on its
 * first use and once per process, as a route's are.
 */
export function schemaSerializer (schema: object): Serialize {
  let serialize: Serialize | undefined
  return (data) => (serialize ??= compile(schema as Schema, undefined, () => '', undefined))(data)
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
