// The shape of a par-catalog/1 document, checked by the API's own schemas (schemas/catalogs.ts) rather than by hand: every
// problem, each with its JSON pointer, the node it is on, and the schema keyword and params the messages are made of.
// A leaf's scoring is checked against the schema of the method it names, so a wrong method is one problem, not one
// per method. Two rules no schema says are added here: a node's kind must match its depth, and a title must not be blank.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { NodeKind } from '../../domain/catalog.js'
import { Text } from '../../messages/text.js'
import { errorPointer, keywordMessage } from '../../messages/validation.js'
import {
  BandsScoringSchema, CatalogDocumentNodeSchema, CatalogDocumentSchema, ClassificationBandSchema, OptionsScoringSchema, RangeScoringSchema
} from '../../schemas/catalogs.js'
import { type ImportProblem, NODE_KINDS, kindAtDepth } from './store.js'

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

interface Validators { document: ValidateFunction, scoring: Record<string, ValidateFunction> }
let validators: Validators | undefined

/** Compiled once, at the first import. */
function compiled (): Validators {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false })
    // The node schema as published, but with any scoring: scoring is checked below against its method's own schema.
    const properties = (CatalogDocumentNodeSchema as unknown as { properties: Json }).properties
    ajv.addSchema({ ...CatalogDocumentNodeSchema, properties: { ...properties, scoring: {} } })
    ajv.addSchema(ClassificationBandSchema)
    const scoring: Record<string, ValidateFunction> = {}
    for (const schema of [RangeScoringSchema, OptionsScoringSchema, BandsScoringSchema]) {
      const method = (schema as unknown as { properties: { method: { const: string } } }).properties.method.const
      const { $id: _id, ...anonymous } = schema as unknown as Json
      scoring[method] = ajv.compile(anonymous)
    }
    validators = { document: ajv.compile(CatalogDocumentSchema), scoring }
  }
  return validators
}

/** The code of the deepest node on the pointer's path (null above the nodes, or when that node has no string code). */
function nodeCodeAt (document: unknown, pointer: string): string | null {
  const steps = pointer.split('/').slice(1)
  let value: unknown = document
  let code: string | null = null
  for (let i = 0; i < steps.length && value !== undefined; i++) {
    const step = steps[i] as string
    value = isObject(value) ? value[step] : Array.isArray(value) ? value[Number(step)] : undefined
    const parent = steps[i - 1]
    if ((parent === 'nodes' && i === 1) || parent === 'children') code = isObject(value) && typeof value.code === 'string' ? value.code : null
  }
  return code
}

export function documentShapeProblems (input: unknown): ImportProblem[] {
  const problems: ImportProblem[] = []
  const report = (pointer: string, message: Text, rule: ImportProblem['rule'] = 'invalid_shape', keyword?: string, params?: Json): void => {
    const nodeCode = nodeCodeAt(input, pointer)
    const where = nodeCode !== null ? `Node ${nodeCode}: ` : ''
    const whereVi = nodeCode !== null ? `Nút ${nodeCode}: ` : ''
    problems.push({
      nodeCode,
      rule,
      message: new Text(`${where}${pointer || '/'} ${message.en}.`, `${whereVi}${pointer || '/'} ${message.vi}.`),
      pointer,
      ...(keyword ? { keyword, params: params ?? {} } : {})
    })
  }
  const fromErrors = (errors: ErrorObject[] | null | undefined, prefix = ''): void => {
    for (const error of errors ?? []) {
      report(prefix + errorPointer(error), keywordMessage(error.keyword, error.params), 'invalid_shape', error.keyword, error.params)
    }
  }

  const { document, scoring } = compiled()
  document(input)
  fromErrors(document.errors)
  if (!isObject(input)) return problems

  const blank = (value: unknown, pointer: string) => {
    if (typeof value === 'string' && value.length > 0 && value.trim() === '') report(pointer, keywordMessage('blank'), 'invalid_shape', 'blank')
  }
  blank(input.title, '/title')
  const node = (value: unknown, pointer: string, depth: number): void => {
    if (!isObject(value)) return
    blank(value.title, `${pointer}/title`)
    const expected = kindAtDepth(depth)
    if (typeof value.kind === 'string' && NODE_KINDS.includes(value.kind as NodeKind) && value.kind !== expected) {
      report(`${pointer}/kind`, new Text(`is ${value.kind} but a node at this level must be a ${expected}`, `là ${value.kind} nhưng nút ở cấp này phải là ${expected}`), 'invalid_kind')
    }
    if (value.scoring !== undefined) {
      const at = `${pointer}/scoring`
      const method = isObject(value.scoring) ? value.scoring.method : undefined
      const check = typeof method === 'string' ? scoring[method] : undefined
      if (!isObject(value.scoring)) {
        report(at, keywordMessage('type', { type: 'object' }), 'invalid_shape', 'type', { type: 'object' })
      } else if (!check) {
        const params = { allowedValues: Object.keys(scoring) }
        report(`${at}/method`, keywordMessage('enum', params), 'invalid_shape', 'enum', params)
      } else if (!check(value.scoring)) {
        fromErrors(check.errors, at)
      }
    }
    if (Array.isArray(value.children)) value.children.forEach((child, i) => node(child, `${pointer}/children/${i}`, depth + 1))
  }
  if (Array.isArray(input.nodes)) input.nodes.forEach((field, i) => node(field, `/nodes/${i}`, 0))
  return problems
}
