// Contract of results: computed (provisional) and published versions, the public read API, exports, settings and historical imports.
import { Type, type Static } from 'typebox'
import { CSV_DIALECTS } from '../domain/csv.js'
import { ClassificationBandSchema } from './catalogs.js'
import { ref, registerShared, unitPagePosition, unitPageQuery } from './common.js'

const exactPoints = (description: string) => Type.Number({ description: `${description}: exact, a JSON number of thousandths (e.g. 19.25)` })
const display = Type.String({ description: 'Rounded half up to 2 decimals, as the report prints it (9.125 → "9.13")', pattern: '^-?\\d+\\.\\d{2}$' })
const ratio = (description: string) => Type.String({ description: `${description}: the exact decimal when it ends within 9 places, otherwise 6 places. Ranks and classifications compare the exact ratio.` })
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const BandRefSchema = Type.Object({
  code: Type.String(),
  label: Type.String({ description: 'Xuất sắc, Tốt, Khá, Trung bình, Yếu…' })
}, { $id: 'BandRef' })

export const ResultUnitRefSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  name: Type.String()
}, { $id: 'ResultUnitRef' })

export const ScoreSchema = Type.Object({
  points: exactPoints('Points'),
  display,
  maximum: exactPoints('Applicable maximum (not-applicable leaves count in neither points nor maximum)'),
  index: ratio('points / maximum × 100'),
  indexDisplay: display
}, { $id: 'Score' })

export const FieldScoreSchema = Type.Object({
  points: exactPoints('Points of the field'),
  display,
  maximum: exactPoints('Applicable maximum of the field'),
  percent: ratio('points / applicable maximum × 100'),
  percentDisplay: display
}, { $id: 'FieldScore' })

export const FieldResultSchema = Type.Object({
  code: Type.String({ description: 'Field code of the catalog' }),
  self: ref(FieldScoreSchema),
  appraised: ref(FieldScoreSchema),
  rank: Type.Integer({ minimum: 1, description: 'Rank among the units by the appraised percentage of this field (the catalog\'s ranking method)' })
}, { $id: 'FieldResult' })

export const TargetsSchema = Type.Object({
  nextBand: nullable(ref(BandRefSchema)),
  pointsToNextBand: nullable(Type.Number({ description: 'Exact points to add to reach the next band; null in the top band' })),
  pointsToNextRank: nullable(Type.Number({ description: 'Exact points to add to tie with the nearest unit ranked above (and share its rank); 0 when first' }))
}, { $id: 'ResultTargets', description: 'What-if: what the unit needs for its next step up' })

export const FieldChangeSchema = Type.Object({
  code: Type.String(),
  previousCode: Type.String({ description: 'The matching field of the previous round\'s catalog (clone lineage)' }),
  previousPoints: Type.Number(),
  pointsChange: Type.Number({ description: 'Appraised points now minus then, exact' }),
  display
}, { $id: 'FieldChange' })

export const UnitChangeSchema = Type.Object({
  previousRank: Type.Integer(),
  rankChange: Type.Integer({ description: 'previousRank − rank: positive when the unit moved up' }),
  previousIndex: ratio('The appraised index then'),
  indexChange: ratio('Appraised index now minus then'),
  indexChangeDisplay: display,
  previousClassification: nullable(ref(BandRefSchema)),
  fields: Type.Array(ref(FieldChangeSchema))
}, { $id: 'UnitChange' })

export const UnitResultSchema = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  unit: ref(ResultUnitRefSchema),
  self: ref(ScoreSchema),
  appraised: ref(ScoreSchema),
  gap: Type.Object({ points: exactPoints('Self total − appraised total'), display }),
  classification: ref(BandRefSchema),
  fields: Type.Array(ref(FieldResultSchema)),
  progress: Type.Object({
    leaves: Type.Integer(),
    selfAnswered: Type.Integer(),
    appraised: Type.Integer()
  }, { description: 'Leaves of the catalog, leaves the unit answered and leaves appraised (provisional results are complete when both equal leaves)' }),
  targets: ref(TargetsSchema),
  change: nullable(ref(UnitChangeSchema))
}, { $id: 'UnitResult' })

const averageValue = {
  points: ratio('The exact mean'),
  display
}

export const AverageRowSchema = Type.Object({
  fields: Type.Array(Type.Object({
    code: Type.String(),
    ...averageValue,
    percentOfMaximum: ratio('The mean as a percentage of the field\'s maximum'),
    percentDisplay: display
  })),
  total: Type.Object(averageValue)
}, { $id: 'AverageRow' })

const averageChange = Type.Object({ code: Type.String(), change: ratio('Mean now minus mean then'), display })

export const ComparisonSchema = Type.Object({
  round: Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), year: Type.Integer() }),
  source: Type.Enum(['published', 'historical', 'provisional'], { description: 'The previous round\'s latest published version, its imported historical results, or (only for a round named by compareTo) a live computation' }),
  version: nullable(Type.Integer()),
  fields: Type.Array(Type.Object({ code: Type.String(), previousCode: Type.String() }), { description: 'Fields matched through the catalogs\' clone lineage' }),
  average: nullable(Type.Object({
    self: Type.Object({ fields: Type.Array(averageChange), total: averageChange }),
    appraised: Type.Object({ fields: Type.Array(averageChange), total: averageChange })
  }))
}, { $id: 'ResultComparison', description: 'Year-over-year change against a previous round' })

export const ResultFieldSchema = Type.Object({
  code: Type.String(),
  title: Type.String(),
  maxPoints: Type.Number(),
  leaves: Type.Integer()
}, { $id: 'ResultField' })

export const ClassificationCountSchema = Type.Object({
  code: Type.String(),
  label: Type.String(),
  min: Type.Number(),
  count: Type.Integer()
}, { $id: 'ClassificationCount' })

export const ResultRoundRefSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  title: Type.String(),
  year: Type.Integer()
}, { $id: 'ResultRoundRef' })

export const ResultCatalogRefSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  title: Type.String(),
  ranking: Type.Enum(['dense', 'competition']),
  classification: Type.Array(ref(ClassificationBandSchema))
}, { $id: 'ResultCatalogRef' })

export const ResultVersionInfoSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  number: Type.Integer({ minimum: 1 }),
  publishedAt: Type.String({ format: 'date-time' }),
  reason: nullable(Type.String()),
  inputHash: Type.String({ description: 'SHA-256 (hex) of the canonical JSON of every input: catalog id, units, and each leaf\'s self and appraised points and not-applicable flags' })
}, { $id: 'ResultVersionInfo' })

const averageBlock = nullable(Type.Object({ units: Type.Integer(), self: ref(AverageRowSchema), appraised: ref(AverageRowSchema) }, { description: 'The report\'s average row ("Trung bình")' }))

export const ResultSetSchema = Type.Object({
  status: Type.Enum(['provisional', 'published'], { description: 'provisional: computed now from the current scores; published: a frozen version' }),
  source: Type.Enum(['entries', 'historical'], { description: 'Leaf scores of the round, or historical field results imported from a report' }),
  round: ref(ResultRoundRefSchema),
  unitType: Type.Object({ code: Type.String(), name: Type.String() }),
  catalog: ref(ResultCatalogRefSchema),
  version: nullable(ref(ResultVersionInfoSchema)),
  publishedBy: nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  computedAt: Type.String({ format: 'date-time' }),
  fields: Type.Array(ref(ResultFieldSchema)),
  units: Type.Array(ref(UnitResultSchema), { description: 'In rank order; equal indices in Vietnamese order of name' }),
  average: averageBlock,
  classificationCounts: Type.Array(ref(ClassificationCountSchema)),
  comparison: nullable(ref(ComparisonSchema)),
  page: Type.Optional(unitPagePosition('Present when limit or offset was asked: `units` holds that page of the ranking, while fields, average, classification counts and comparison are of all units'))
}, { $id: 'ResultSet' })

export type ResultSetBody = Static<typeof ResultSetSchema>

export const ResultVersionSummarySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  roundId: Type.String({ format: 'uuid' }),
  unitType: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  publishedAt: Type.String({ format: 'date-time' }),
  publishedBy: nullable(Type.Object({ id: Type.String(), name: Type.String() })),
  reason: nullable(Type.String()),
  catalogId: Type.String({ format: 'uuid' }),
  inputHash: Type.String(),
  latest: Type.Boolean()
}, { $id: 'ResultVersionSummary' })

export const PublishResultsSchema = Type.Object({
  unitType: Type.String({ minLength: 1, maxLength: 64 }),
  reason: Type.Optional(nullable(Type.String({ maxLength: 2000, description: 'Required for every version after the first' })))
}, { $id: 'PublishResults', additionalProperties: false, examples: [{ unitType: 'department' }, { unitType: 'department', reason: 'Sửa điểm tiêu chí 1.1.2 của Sở Tư pháp theo kết luận của Hội đồng thẩm định' }] })

export const ResultSettingsSchema = Type.Object({
  roundId: Type.String({ format: 'uuid' }),
  provisionalForKeys: Type.Boolean({ description: 'API keys with results:read may read provisional (live) results of this round' }),
  updatedAt: nullable(Type.String({ format: 'date-time' }))
}, { $id: 'ResultSettings' })

export const UpdateResultSettingsSchema = Type.Object({
  provisionalForKeys: Type.Boolean()
}, { $id: 'UpdateResultSettings', additionalProperties: false })

// ---- public API ----

const publicVersionProperties = {
  number: Type.Integer({ minimum: 1 }),
  publishedAt: Type.String({ format: 'date-time' }),
  reason: nullable(Type.String({ description: 'Why this version replaced the one before; null for the first' })),
  inputHash: Type.String()
}

export const PublicVersionSchema = Type.Object(publicVersionProperties, {
  $id: 'PublicResultVersion',
  description: 'Which published version a body is; it never changes, so a numbered version\'s body stays the same byte for byte'
})

export const PublicVersionListItemSchema = Type.Object({
  ...publicVersionProperties,
  latest: Type.Boolean({ description: 'Served when no version is asked for' })
}, { $id: 'PublicResultVersionListItem' })

export const PublishedRoundSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  title: Type.String(),
  year: Type.Integer(),
  results: Type.Array(Type.Object({
    unitType: Type.String(),
    unitTypeName: Type.String(),
    latestVersion: Type.Integer(),
    publishedAt: Type.String({ format: 'date-time' })
  }))
}, { $id: 'PublishedRound' })

export const PublishedRoundListSchema = Type.Object({
  publisher: Type.Object({
    province: Type.String({ description: 'The province whose units these are (REPORT_PROVINCE), as in "UBND tỉnh Thanh Hóa"', examples: ['Thanh Hóa'] }),
    agency: Type.String({ description: 'The agency that publishes the results (REPORT_AGENCY)', examples: ['Sở Nội vụ'] })
  }, { description: 'Who publishes these results: what a portal or a citizen reading them from another site needs to name them' }),
  items: Type.Array(ref(PublishedRoundSchema))
}, { $id: 'PublishedRoundList' })

export const PublicUnitSummarySchema = Type.Object({
  rank: Type.Integer({ minimum: 1 }),
  unit: ref(ResultUnitRefSchema),
  self: Type.Object({ points: Type.Number(), display }),
  appraised: Type.Object({ points: Type.Number(), display, index: ratio('Appraised index'), indexDisplay: display }),
  classification: ref(BandRefSchema),
  fields: Type.Array(Type.Object({ code: Type.String(), self: Type.Number(), selfDisplay: display, appraised: Type.Number(), appraisedDisplay: display }), {
    description: 'Self and appraised points per field (the report\'s Bảng 2), exact, with their display values (2 places, half up)'
  }),
  change: nullable(Type.Object({ previousRank: Type.Integer(), rankChange: Type.Integer(), indexChange: Type.String(), indexChangeDisplay: display }))
}, { $id: 'PublicUnitSummary' })

export const PublicResultsSchema = Type.Object({
  round: ref(ResultRoundRefSchema),
  unitType: Type.Object({ code: Type.String(), name: Type.String() }),
  catalog: ref(ResultCatalogRefSchema),
  version: ref(PublicVersionSchema),
  fields: Type.Array(ref(ResultFieldSchema)),
  average: averageBlock,
  classificationCounts: Type.Array(ref(ClassificationCountSchema)),
  comparison: nullable(ref(ComparisonSchema)),
  items: Type.Array(ref(PublicUnitSummarySchema), { description: 'The report\'s Bảng 1 in rank order, a page of it' }),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer()
}, { $id: 'PublicResults' })

export const PublicUnitResultSchema = Type.Object({
  round: ref(ResultRoundRefSchema),
  unitType: Type.Object({ code: Type.String(), name: Type.String() }),
  catalog: ref(ResultCatalogRefSchema),
  version: ref(PublicVersionSchema),
  fields: Type.Array(ref(ResultFieldSchema)),
  result: ref(UnitResultSchema)
}, { $id: 'PublicUnitResult' })

export const PublicUnitHistorySchema = Type.Object({
  unit: ref(ResultUnitRefSchema),
  unitType: Type.Object({ code: Type.String(), name: Type.String() }),
  items: Type.Array(Type.Object({
    round: ref(ResultRoundRefSchema),
    version: Type.Object({ number: Type.Integer({ minimum: 1 }), publishedAt: Type.String({ format: 'date-time' }) }, { description: 'The latest published version of that round, which these figures are' }),
    ranked: Type.Integer({ minimum: 1, description: 'Units ranked in that version' }),
    rank: Type.Integer({ minimum: 1 }),
    self: Type.Object({ points: exactPoints('Self-assessed total'), display }),
    appraised: Type.Object({ points: exactPoints('Appraised total'), display, index: ratio('Appraised index'), indexDisplay: display }),
    classification: ref(BandRefSchema)
  }), { description: 'Every round whose published results rank the unit, newest year first' })
}, { $id: 'PublicUnitHistory', description: 'One unit\'s published results across rounds (years), from the latest version of each' })

export const PublicVersionListSchema = Type.Object({ items: Type.Array(ref(PublicVersionListItemSchema)) }, { $id: 'PublicResultVersionList' })

// ---- historical results ----

export const HistoricalImportSchema = Type.Object({
  csv: Type.Optional(Type.String({ minLength: 1, description: 'The CSV text (same as a text/csv body), in the dialect of ?dialect= or the one its header line shows' })),
  xlsx: Type.Optional(Type.String({ minLength: 1, contentEncoding: 'base64', pattern: '^[A-Za-z0-9+/=\\s]+$', description: 'An XLSX workbook in base64 (same as an XLSX body): its first sheet has the CSV\'s columns' }))
}, { $id: 'HistoricalImport', additionalProperties: false, minProperties: 1, maxProperties: 1, description: 'Either csv or xlsx' })

export const HistoricalImportResultSchema = Type.Object({
  roundId: Type.String({ format: 'uuid' }),
  unitType: Type.String(),
  units: Type.Integer({ description: 'Units stored' }),
  replaced: Type.Integer({ description: 'Units whose earlier historical results were replaced' })
}, { $id: 'HistoricalImportResult' })

export const HistoricalUnitSchema = Type.Object({
  unit: ref(ResultUnitRefSchema),
  fields: Type.Array(Type.Object({ code: Type.String(), self: Type.Number(), appraised: Type.Number() })),
  source: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  importedAt: Type.String({ format: 'date-time' })
}, { $id: 'HistoricalUnit' })

// ---- parameters ----

/** The unit type a list is of, by its code (as long as a code can be: a longer value names none). */
const unitTypeCode = Type.String({ minLength: 1, maxLength: 64, description: 'Unit type code, e.g. department', examples: ['department'] })

export const UnitTypeQuery = Type.Object({ unitType: unitTypeCode })

const pageOfUnits = unitPageQuery('rank order')

/** A published version of one unit type's results, whole or a page of its units. */
export const VersionPageQuery = Type.Object({
  unitType: Type.String({ minLength: 1, description: 'Unit type code, e.g. department', examples: ['department'] }),
  ...pageOfUnits
})

export const ResultsQuery = Type.Object({
  unitType: unitTypeCode,
  ...pageOfUnits,
  compareTo: Type.Optional(Type.String({ format: 'uuid', description: 'Round to compare with (its published results, imported historical results, or else computed now: provisional); default: the round of the previous year whose results for this unit type are published or imported, never one still under way' }))
})

export const VersionQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'Version number; default: the latest' }))
})

export const ExportFormat = Type.Enum(['csv', 'xlsx', 'json'], { description: 'csv (UTF-8 with BOM), xlsx (Bảng 1 and Bảng 2), json (the published snapshot)' })

const dialectDescription = 'standard: "," separators and decimal points (RFC 4180); excel-vi: ";" separators and decimal commas, as Excel reads and writes CSV on a Vietnamese Windows'

/** The CSV dialect of an export (format=csv only; the other formats ignore it). */
export const ExportQuery = Type.Object({
  format: ExportFormat,
  dialect: Type.Optional(Type.Enum(CSV_DIALECTS, { default: 'standard', description: `The CSV dialect. ${dialectDescription}. Both are UTF-8 with BOM and CRLF lines.` }))
})

export const HistoricalImportQuery = Type.Object({
  unitType: Type.String({ minLength: 1, description: 'Unit type code, e.g. department', examples: ['department'] }),
  dialect: Type.Optional(Type.Enum(CSV_DIALECTS, { description: `The dialect of a CSV (absent: read from its header line, ";" meaning excel-vi). ${dialectDescription}.` }))
})

export const RoundVersionParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  version: Type.Integer({ minimum: 1 })
})

export const PublicRoundParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  unitType: Type.String({ minLength: 1, maxLength: 64 })
})

export const PublicUnitParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  unitType: Type.String({ minLength: 1, maxLength: 64 }),
  unit: Type.String({ minLength: 1, maxLength: 100, description: 'Unit id or unit code' })
})

export const ConditionalHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ description: 'ETag of a copy you hold: 304 when it is still current' }))
})

registerShared(
  BandRefSchema, ResultUnitRefSchema, ScoreSchema, FieldScoreSchema, FieldResultSchema, TargetsSchema, FieldChangeSchema, UnitChangeSchema,
  UnitResultSchema, AverageRowSchema, ComparisonSchema, ResultFieldSchema, ClassificationCountSchema, ResultRoundRefSchema, ResultCatalogRefSchema,
  ResultVersionInfoSchema, ResultSetSchema, ResultVersionSummarySchema, PublishResultsSchema, ResultSettingsSchema, UpdateResultSettingsSchema,
  PublicVersionSchema, PublicVersionListItemSchema, PublishedRoundSchema, PublishedRoundListSchema, PublicUnitSummarySchema, PublicResultsSchema, PublicUnitResultSchema,
  PublicVersionListSchema, PublicUnitHistorySchema, HistoricalImportSchema, HistoricalImportResultSchema, HistoricalUnitSchema
)
