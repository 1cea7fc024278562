// Contract of criteria catalogs: the par-catalog/1 interchange document, the stored tree with ids and lineage, and node edits.
import { Type, type Static } from 'typebox'
import type { CatalogNode as DocumentNode } from '../domain/catalog.js'
import { nameText, page, ref, registerShared } from './common.js'

const CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$'

/** Catalog codes appear in file names and lists; node codes appear in URLs (/nodes/{code}), so both avoid spaces and slashes. */
export const catalogCode = Type.String({ minLength: 1, maxLength: 64, pattern: CODE_PATTERN, description: 'Stable code of the catalog, e.g. TH-2020-SO' })
export const nodeCode = Type.String({ minLength: 1, maxLength: 40, pattern: CODE_PATTERN, description: 'Stable code of the node, unique in its catalog, e.g. 1.2.3' })
const year = Type.Integer({ minimum: 2000, maximum: 2100 })
const unitType = Type.String({ minLength: 1, maxLength: 64, description: 'Code of a unit type, e.g. department or district' })
// A blank title is said by the catalog's own check (rule blank), with its node code.
const title = nameText({ maxLength: 1000, blankChecked: true })
const nodeKind = Type.Enum(['field', 'criterion', 'subcriterion'], { description: 'field at the top level, criterion below a field, subcriterion deeper' })
const evidence = Type.Enum(['required', 'optional', 'none'], { description: 'Whether the unit must attach evidence documents; absent or null means optional' })
const ranking = Type.Enum(['dense', 'competition'], { description: 'dense: 5, 5, 6 (default); competition: 5, 5, 7' })
const maxPoints = Type.Number({ minimum: 0, maximum: 100, description: 'Maximum points: a decimal with at most 3 decimal places' })
const decimal = (description: string) => Type.Number({ description: `${description}; a decimal with at most 3 decimal places` })
const status = Type.Enum(['draft', 'published'])
const timestamp = Type.String({ format: 'date-time' })

export const ClassificationBandSchema = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 64 }),
  label: Type.String({ minLength: 1, maxLength: 200 }),
  min: Type.Number({ description: 'Lowest index (0–100) of the band, inclusive' })
}, { $id: 'ClassificationBand', additionalProperties: false })

export const RangeScoringSchema = Type.Object({
  method: Type.Literal('range'),
  step: decimal('Any multiple of the step from 0 to the maximum may be entered')
}, { $id: 'RangeScoring', additionalProperties: false })

export const OptionsScoringSchema = Type.Object({
  method: Type.Literal('options'),
  options: Type.Array(Type.Object({
    code: Type.String({ minLength: 1, maxLength: 40 }),
    label: Type.String({ minLength: 1, maxLength: 1000 }),
    points: Type.Optional(decimal('Points of this answer')),
    notApplicable: Type.Optional(Type.Boolean({ description: 'This answer means the leaf does not apply to the unit (Không áp dụng); it has no points' }))
  }, { additionalProperties: false }), { minItems: 1 })
}, { $id: 'OptionsScoring', additionalProperties: false })

export const BandsScoringSchema = Type.Object({
  method: Type.Literal('bands'),
  input: Type.Object({
    label: Type.String({ minLength: 1, maxLength: 500 }),
    unit: Type.Optional(Type.String({ maxLength: 40 })),
    min: decimal('Lowest measurement that can be entered'),
    max: decimal('Highest measurement that can be entered')
  }, { additionalProperties: false }),
  bands: Type.Array(Type.Object({
    min: decimal('Lowest measurement of the band, inclusive'),
    points: decimal('Points given for a measurement in the band')
  }, { additionalProperties: false }), { minItems: 1, description: 'From the highest minimum down' })
}, { $id: 'BandsScoring', additionalProperties: false })

export const ScoringMethodSchema = Type.Union([ref(RangeScoringSchema), ref(OptionsScoringSchema), ref(BandsScoringSchema)], {
  $id: 'ScoringMethod',
  description: 'How a leaf is scored: range (multiples of a step), options (fixed answers) or bands (a measurement mapped to points)'
})

/** A node of the interchange document; the same shape at every depth. */
export const CatalogDocumentNodeSchema = Type.Object({
  code: nodeCode,
  kind: nodeKind,
  title,
  maxPoints,
  children: Type.Optional(Type.Array(Type.Unsafe<DocumentNode>({ $ref: 'CatalogDocumentNode#' }))),
  scoring: Type.Optional(ref(ScoringMethodSchema)),
  evidence: Type.Optional(evidence),
  guidance: Type.Optional(Type.String({ maxLength: 10000 }))
}, { $id: 'CatalogDocumentNode', additionalProperties: false })

export const CatalogDocumentSchema = Type.Object({
  format: Type.Literal('par-catalog/1'),
  code: catalogCode,
  title,
  year,
  unitType,
  legalBasis: Type.String({ maxLength: 2000 }),
  provenance: Type.Optional(Type.String({ maxLength: 4000 })),
  classification: Type.Array(ref(ClassificationBandSchema)),
  ranking,
  nodes: Type.Array(ref(CatalogDocumentNodeSchema))
}, { $id: 'CatalogDocument', additionalProperties: false, description: 'A catalog in the interchange format par-catalog/1' })

export const CatalogProblemSchema = Type.Object({
  nodeCode: Type.Union([Type.String(), Type.Null()], { description: 'The node the problem is on; null for catalog-wide problems' }),
  rule: Type.String({ description: 'A domain rule (parent_sum_mismatch, total_not_100, options_min_not_zero, …) or, for imports, invalid_shape, invalid_kind or unknown_unit_type' }),
  message: Type.String(),
  pointer: Type.Optional(Type.String({ description: 'JSON pointer into the imported document, for shape problems' })),
  keyword: Type.Optional(Type.String({ description: 'For shape problems: the JSON Schema keyword that failed (required, type, enum, additionalProperties…) or blank' })),
  params: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'The keyword\'s params, e.g. { "missingProperty": "title" }' }))
}, { $id: 'CatalogProblem' })

export const CatalogValidationSchema = Type.Object({
  valid: Type.Boolean(),
  problems: Type.Array(ref(CatalogProblemSchema))
}, { $id: 'CatalogValidation' })

export const CatalogFieldStatsSchema = Type.Object({
  code: Type.String(),
  title: Type.String(),
  maxPoints: Type.Number(),
  criteria: Type.Integer({ description: 'Direct children of the field' }),
  subcriteria: Type.Integer({ description: 'Children of those children' }),
  leaves: Type.Integer()
}, { $id: 'CatalogFieldStats' })

/** A stored node: the document node plus its id and the node of the source catalog it was cloned from. */
export const CatalogNodeSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  kind: nodeKind,
  title: Type.String(),
  maxPoints: Type.Number(),
  scoring: Type.Union([ref(ScoringMethodSchema), Type.Null()]),
  evidence: Type.Union([evidence, Type.Null()]),
  guidance: Type.Union([Type.String(), Type.Null()]),
  sourceNode: Type.Union([Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String() }), Type.Null()], {
    description: 'The node of the source catalog this node was cloned from, to compare across years'
  }),
  children: Type.Array(Type.Unsafe<unknown>({ $ref: 'CatalogNode#' }))
}, { $id: 'CatalogNode' })

const summaryProperties = {
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  year: Type.Integer(),
  unitType: Type.String(),
  title: Type.String(),
  status,
  publishedAt: Type.Union([timestamp, Type.Null()]),
  sourceCatalogId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'The catalog this one was cloned from' }),
  totalMaxPoints: Type.Number({ description: 'Sum of the field maxima (100 for a valid catalog)' }),
  leafCount: Type.Integer()
}

export const CatalogSummarySchema = Type.Object(summaryProperties, { $id: 'CatalogSummary' })

export const CatalogPageSchema = page(CatalogSummarySchema, 'CatalogPage')

export const CatalogSchema = Type.Object({
  ...summaryProperties,
  legalBasis: Type.String(),
  provenance: Type.Union([Type.String(), Type.Null()]),
  classification: Type.Array(ref(ClassificationBandSchema)),
  ranking,
  createdAt: timestamp,
  updatedAt: timestamp,
  fieldStats: Type.Array(ref(CatalogFieldStatsSchema)),
  nodes: Type.Array(ref(CatalogNodeSchema)),
  problems: Type.Array(ref(CatalogProblemSchema), { description: 'What stops the draft from being published; empty for a published catalog' })
}, { $id: 'Catalog' })

export const CreateCatalogSchema = Type.Object({
  code: catalogCode,
  year,
  unitType,
  title,
  legalBasis: Type.Optional(Type.String({ maxLength: 2000 })),
  provenance: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
  classification: Type.Array(ref(ClassificationBandSchema), { description: 'From the highest minimum down; one band starts at 0' }),
  ranking: Type.Optional(ranking)
}, { $id: 'CreateCatalog', additionalProperties: false })

export const UpdateCatalogSchema = Type.Object({
  code: Type.Optional(catalogCode),
  year: Type.Optional(year),
  title: Type.Optional(title),
  legalBasis: Type.Optional(Type.String({ maxLength: 2000 })),
  provenance: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
  classification: Type.Optional(Type.Array(ref(ClassificationBandSchema))),
  ranking: Type.Optional(ranking)
}, { $id: 'UpdateCatalog', additionalProperties: false, minProperties: 1 })

export const CloneCatalogSchema = Type.Object({
  code: catalogCode,
  year,
  title: Type.Optional(title)
}, { $id: 'CloneCatalog', additionalProperties: false })

export const NewCatalogNodeSchema = Type.Object({
  code: nodeCode,
  kind: Type.Optional(nodeKind),
  title,
  maxPoints,
  scoring: Type.Optional(ref(ScoringMethodSchema)),
  evidence: Type.Optional(evidence),
  guidance: Type.Optional(Type.String({ maxLength: 10000 }))
}, { $id: 'NewCatalogNode', additionalProperties: false, description: 'kind may be left out: it follows from the depth' })

export const AddCatalogNodeSchema = Type.Object({
  parentCode: Type.Union([Type.String(), Type.Null()], { description: 'Code of the parent node; null for a top-level field' }),
  position: Type.Optional(Type.Integer({ minimum: 0, description: 'Index among the siblings (0 = first); absent or past the end appends' })),
  node: ref(NewCatalogNodeSchema)
}, { $id: 'AddCatalogNode', additionalProperties: false })

export const UpdateCatalogNodeSchema = Type.Object({
  code: Type.Optional(nodeCode),
  kind: Type.Optional(nodeKind),
  title: Type.Optional(title),
  maxPoints: Type.Optional(maxPoints),
  scoring: Type.Optional(Type.Union([ref(ScoringMethodSchema), Type.Null()])),
  evidence: Type.Optional(Type.Union([evidence, Type.Null()])),
  guidance: Type.Optional(Type.Union([Type.String({ maxLength: 10000 }), Type.Null()]))
}, { $id: 'UpdateCatalogNode', additionalProperties: false, minProperties: 1, description: 'null removes scoring, evidence or guidance' })

export const MoveCatalogNodeSchema = Type.Object({
  parentCode: Type.Union([Type.String(), Type.Null()], { description: 'Code of the new parent; null for the top level' }),
  position: Type.Integer({ minimum: 0, description: 'Index among the new siblings (0 = first); past the end appends' })
}, { $id: 'MoveCatalogNode', additionalProperties: false })

export type ClassificationBandInput = Static<typeof ClassificationBandSchema>
export type CreateCatalogInput = Static<typeof CreateCatalogSchema>
export type UpdateCatalogInput = Static<typeof UpdateCatalogSchema>
export type CloneCatalogInput = Static<typeof CloneCatalogSchema>
export type AddCatalogNodeInput = Static<typeof AddCatalogNodeSchema>
export type UpdateCatalogNodeInput = Static<typeof UpdateCatalogNodeSchema>
export type MoveCatalogNodeInput = Static<typeof MoveCatalogNodeSchema>

registerShared(ClassificationBandSchema, RangeScoringSchema, OptionsScoringSchema, BandsScoringSchema, ScoringMethodSchema,
  CatalogDocumentNodeSchema, CatalogDocumentSchema, CatalogProblemSchema, CatalogValidationSchema, CatalogFieldStatsSchema,
  CatalogNodeSchema, CatalogSummarySchema, CatalogPageSchema, CatalogSchema, CreateCatalogSchema, UpdateCatalogSchema,
  CloneCatalogSchema, NewCatalogNodeSchema, AddCatalogNodeSchema, UpdateCatalogNodeSchema, MoveCatalogNodeSchema)
