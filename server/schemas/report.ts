// Contract of the annual report: the DOCX of a round's published results, and the chart images of a published version.
import { Type } from 'typebox'
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
