// Contract of unit types, units and the par-units/1 import document.
import { Type } from 'typebox'
import { nameText, page, registerShared } from './common.js'

export const UNIT_CODE_PATTERN = '^[A-Z0-9][A-Z0-9-]*$'
export const UNIT_TYPE_CODE_PATTERN = '^[a-z][a-z0-9_]*$'

const unitCode = Type.String({ pattern: UNIT_CODE_PATTERN, maxLength: 64, description: 'Stable code in capitals, digits and hyphens, e.g. SO-TTTT' })
const unitTypeCode = Type.String({ pattern: UNIT_TYPE_CODE_PATTERN, maxLength: 64, description: 'Code of a unit type, e.g. department' })
// Names must contain something other than spaces; surrounding spaces are trimmed when stored.
const unitName = nameText({ maxLength: 300, description: 'Official name' })
const shortName = nameText({ maxLength: 100 })
const aliases = Type.Array(nameText({ maxLength: 300 }), {
  maxItems: 50,
  description: 'Other spellings of the name (as used in reports); search finds the unit by each of them'
})

export const UnitTypeSchema = Type.Object({
  code: Type.String(),
  name: Type.String()
}, { $id: 'UnitType' })

export const CreateUnitTypeSchema = Type.Object({
  code: unitTypeCode,
  name: nameText({ maxLength: 200 })
}, { $id: 'CreateUnitType', additionalProperties: false })

export const RenameUnitTypeSchema = Type.Object({
  name: CreateUnitTypeSchema.properties.name
}, { $id: 'RenameUnitType', additionalProperties: false })

export const UnitTypeParams = Type.Object({ code: unitTypeCode })

export const UnitSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  name: Type.String(),
  shortName: Type.Union([Type.String(), Type.Null()]),
  unitType: Type.String({ description: 'Code of the unit type' }),
  aliases: Type.Array(Type.String()),
  active: Type.Boolean({ description: 'Inactive units are kept (scores refer to them) but take part in no new round' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'Unit' })

export const UnitPageSchema = page(UnitSchema, 'UnitPage')

export const CreateUnitSchema = Type.Object({
  code: unitCode,
  name: unitName,
  shortName: Type.Optional(Type.Union([shortName, Type.Null()])),
  unitType: unitTypeCode,
  aliases: Type.Optional(aliases)
}, { $id: 'CreateUnit', additionalProperties: false })

export const UpdateUnitSchema = Type.Object({
  code: Type.Optional(unitCode),
  name: Type.Optional(unitName),
  shortName: Type.Optional(Type.Union([shortName, Type.Null()], { description: 'null clears it' })),
  unitType: Type.Optional(unitTypeCode),
  aliases: Type.Optional(aliases)
}, { $id: 'UpdateUnit', additionalProperties: false })

export const UnitListQuery = Type.Object({
  unitType: Type.Optional(unitTypeCode),
  active: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({
    maxLength: 200,
    description: 'Search in name, short name, aliases and code, ignoring case and Vietnamese diacritics ("dong son" finds "Huyện Đông Sơn")'
  }))
})

// Validated by the import service rather than by the route, so that every problem is listed as a 422.
export const UnitsDocumentSchema = Type.Object({
  format: Type.Literal('par-units/1'),
  province: Type.Optional(Type.String({ maxLength: 200 })),
  units: Type.Array(Type.Object({
    code: unitCode,
    name: unitName,
    unitType: unitTypeCode,
    shortName: Type.Optional(shortName),
    aliases: Type.Optional(aliases)
  }, { additionalProperties: false }), { maxItems: 10000 })
}, {
  $id: 'UnitsDocument',
  // Other top-level members (a description, a provenance line) are kept as metadata; a unit's members are strict.
  additionalProperties: true,
  description: 'Interchange format par-units/1: units are matched by code; new codes are created, changed units updated, units absent from the file left as they are'
})

export const UnitImportResultSchema = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer()
}, { $id: 'UnitImportResult' })

registerShared(UnitTypeSchema, CreateUnitTypeSchema, RenameUnitTypeSchema, UnitSchema, UnitPageSchema, CreateUnitSchema, UpdateUnitSchema,
  UnitsDocumentSchema, UnitImportResultSchema)
