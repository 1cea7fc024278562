// Contract of the annual report: the DOCX of a round's published results, and the chart images of a published version.
import { Type } from 'typebox'
import { VersionQuery } from './results.js'
import { UNIT_TYPE_CODE_PATTERN } from './units.js'

/** The media type of a Word document (the annual report). */
export const DOCX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'

const unitTypeCode = UNIT_TYPE_CODE_PATTERN.slice(1, -1)

export const ReportFormat = Type.Enum(['docx'], { default: 'docx', description: 'docx (Word, OOXML); the only format for now' })

export const ReportQuery = Type.Object({
  format: ReportFormat,
  unitTypes: Type.Optional(Type.String({
    pattern: `^${unitTypeCode}(,${unitTypeCode})*$`,
    maxLength: 500,
    description: 'Comma-separated unit types to report on, in order (e.g. department,district). Default: every unit type taking part in the round; ' +
      'then each must have a published version (409 REPORT_INCOMPLETE names those that do not).'
  })),
  versions: Type.Optional(Type.String({
    pattern: `^${unitTypeCode}:[1-9][0-9]{0,5}(,${unitTypeCode}:[1-9][0-9]{0,5})*$`,
    maxLength: 500,
    description: 'The published version to use per unit type, e.g. department:2,district:1. Default: the latest version of each.'
  }))
})

/**
 * A chart of one bar per unit (index.png, field-<code>.png) comes in parts of this many units, each an image of its
 * own: 30 bars fit a portrait page of the report at full size. A province's few dozen units of a type fit in one.
 */
export const UNITS_PER_CHART_PART = 30

export const ChartQuery = Type.Object({
  ...VersionQuery.properties,
  part: Type.Optional(Type.Integer({
    minimum: 1,
    maximum: 100000,
    default: 1,
    description: `Which part of a chart of one bar per unit: units ${UNITS_PER_CHART_PART}·(part − 1) + 1 to ${UNITS_PER_CHART_PART}·part of its order ` +
      '(rank order for index.png, the field\'s order for field-<code>.png). The answer\'s X-Chart-Parts header says how many there are; averages.png has one.'
  })),
  layout: Type.Optional(Type.Enum(['wide', 'narrow'], {
    default: 'wide',
    description: 'wide: as in the report, 605 CSS px drawn 1210 px wide, the names beside the bars; narrow: for a phone\'s screen, 360 CSS px drawn ' +
      '720 px wide, each name above its bar'
  }))
})

export const ChartParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  unitType: Type.String({ minLength: 1, maxLength: 64 }),
  chart: Type.String({
    pattern: '^(index|averages|field-[A-Za-z0-9][A-Za-z0-9._-]{0,39})\\.png$',
    maxLength: 50,
    description: 'index.png (the index of every unit, coloured by classification), averages.png (each field\'s average as % of its maximum), ' +
      'field-<field code>.png (every unit\'s % of that field, with the average)'
  })
})
