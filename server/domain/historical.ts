// Historical results (rounds run before the service existed), loaded from a CSV of field points: parsing, checking
// against the catalog, and a field's finest step.
import type { CatalogNode } from './catalog.js'
import { parseCsv } from './csv.js'
import { type Milli, formatMilli, parseDecimal } from './decimal.js'
import { searchNormalize } from './text.js'
import { Text } from '../messages/text.js'
import { gcdNumber } from './ratio.js'

/**
 * The finest step of a field: its points are a sum of its leaves' values, so they are a multiple of the greatest
 * common divisor of every range step, option's points and band's points of its leaves (0.25 for every field of the
 * 2020 catalogs). A field none of whose leaves can score above 0 has step 0.
 */
export function fieldStep (leaves: readonly CatalogNode[]): Milli {
  let step = 0
  const add = (value: number | string | undefined) => {
    if (value === undefined) return
    const parsed = parseDecimal(value)
    if (parsed.ok && parsed.milli > 0) step = gcdNumber(step, parsed.milli)
  }
  for (const leaf of leaves) {
    const scoring = leaf.scoring
    if (scoring === undefined) continue
    if (scoring.method === 'range') add(scoring.step)
    else if (scoring.method === 'options') for (const option of scoring.options) add(option.points)
    else for (const band of scoring.bands) add(band.points)
  }
  return step
}

export interface HistoricalUnit {
  id: string
  code: string
  name: string
  shortName: string | null
  unitType: string
  aliases: readonly string[]
}

export interface HistoricalField {
  code: string
  maxPoints: Milli
  /** The field's finest step (fieldStep); 0 allows only 0. */
  step: Milli
}

export type HistoricalProblemCode =
  | 'csv_malformed' | 'missing_column' | 'duplicate_column' | 'no_rows' | 'wrong_cell_count'
  | 'unknown_unit' | 'ambiguous_unit' | 'wrong_unit_type' | 'duplicate_unit'
  | 'missing_value' | 'not_a_number' | 'negative' | 'above_maximum' | 'off_step' | 'total_mismatch' | 'invalid_rank'

export interface HistoricalProblem {
  /** 1-based line in the file; null for problems of the whole file. */
  line: number | null
  /** The CSV column the problem is in, when it is one cell. */
  column: string | null
  unitCode: string | null
  code: HistoricalProblemCode
  message: Text
}

/** Each problem of a historical results file in Vietnamese, by its code (the English names the values). */
const historicalVi: Record<HistoricalProblemCode, (unitCode: string) => string> = {
  csv_malformed: () => 'tệp CSV không đúng định dạng',
  missing_column: () => 'thiếu cột này',
  duplicate_column: () => 'cột bị lặp',
  no_rows: () => 'tệp không có dòng dữ liệu nào',
  wrong_cell_count: () => 'số ô của dòng không khớp với dòng tiêu đề',
  unknown_unit: (unit) => `không tìm thấy đơn vị ${unit}`.trim(),
  ambiguous_unit: () => 'tên đơn vị khớp với nhiều đơn vị; hãy ghi mã đơn vị (unit_code)',
  wrong_unit_type: (unit) => `đơn vị ${unit} không thuộc loại đơn vị này`,
  duplicate_unit: (unit) => `đơn vị ${unit} xuất hiện nhiều lần`,
  missing_value: () => 'thiếu giá trị',
  not_a_number: () => 'không phải là số (tối đa 3 chữ số thập phân)',
  negative: () => 'không được âm',
  above_maximum: () => 'vượt điểm tối đa của lĩnh vực',
  off_step: () => 'không đúng bước điểm của lĩnh vực',
  total_mismatch: () => 'tổng điểm không khớp với tổng các lĩnh vực',
  invalid_rank: () => 'thứ hạng không hợp lệ'
}

export interface HistoricalRecord {
  line: number
  unitId: string
  unitCode: string
  nameInReport: string
  fields: { code: string, self: Milli, appraised: Milli }[]
  reported: { totalSelf: Milli | null, totalAppraised: Milli | null, rank: number | null, classification: string | null }
}

/** The columns of a historical CSV: unit_code, name_in_report, then f<field code>_self and f<field code>_appraised per field. */
export function historicalColumns (fields: readonly Pick<HistoricalField, 'code'>[]): string[] {
  return ['unit_code', 'name_in_report', ...fields.flatMap((field) => [`f${field.code}_self`, `f${field.code}_appraised`])]
}

export const HISTORICAL_OPTIONAL_COLUMNS = ['total_self_reported', 'total_appraised_reported', 'rank_reported', 'class_reported'] as const

/**
 * Checks a historical CSV against the round's catalog and the units, listing every problem at once:
 * unknown units (matched by code, else by the report's name against each unit's name, short name and aliases,
 * ignoring case and diacritics), units of another type or listed twice, missing or non-numeric values, values
 * above the field's maximum or off the field's finest step, and reported totals that are not the sum of the fields.
 * Extra columns are ignored; the four reported columns are optional and kept as the source of each row.
 */
export function validateHistoricalCsv (text: string, context: { unitType: string, fields: readonly HistoricalField[], units: readonly HistoricalUnit[] }): { records: HistoricalRecord[], problems: HistoricalProblem[] } {
  const problems: HistoricalProblem[] = []
  const report = (line: number | null, column: string | null, unitCode: string | null, code: HistoricalProblemCode, message: string) => {
    const where = [line !== null ? `Dòng ${line}` : 'Tệp', column !== null ? `cột ${column}` : null].filter(Boolean).join(', ')
    problems.push({ line, column, unitCode, code, message: new Text(message, `${where}: ${historicalVi[code](unitCode ?? '')}.`) })
  }
  const parsed = parseCsv(text)
  if (parsed.problem !== null) {
    report(parsed.problem.line, null, null, 'csv_malformed', parsed.problem.message)
    return { records: [], problems }
  }
  const [header, ...body] = parsed.rows
  if (header === undefined) {
    report(null, null, null, 'no_rows', 'The file is empty; it needs a header line and one line per unit.')
    return { records: [], problems }
  }
  const names = header.cells.map((name) => name.trim())
  const position = new Map<string, number>()
  names.forEach((name, i) => {
    if (position.has(name)) report(header.line, name, null, 'duplicate_column', `The column ${name} appears more than once in the header.`)
    else position.set(name, i)
  })
  for (const column of historicalColumns(context.fields)) {
    if (!position.has(column)) report(header.line, column, null, 'missing_column', `The header has no column ${column}; the columns are ${historicalColumns(context.fields).join(', ')}, optionally followed by ${HISTORICAL_OPTIONAL_COLUMNS.join(', ')}.`)
  }
  if (problems.length > 0) return { records: [], problems }
  if (body.length === 0) report(null, null, null, 'no_rows', 'The file has a header but no unit lines.')

  const byCode = new Map(context.units.map((unit) => [unit.code.toLowerCase(), unit]))
  const byName = new Map<string, HistoricalUnit[]>()
  for (const unit of context.units) {
    if (unit.unitType !== context.unitType) continue
    for (const name of new Set([unit.name, unit.shortName, ...unit.aliases].filter((n): n is string => Boolean(n)).map(searchNormalize))) {
      byName.set(name, [...(byName.get(name) ?? []), unit])
    }
  }

  const records: HistoricalRecord[] = []
  const seen = new Map<string, number>()
  for (const row of body) {
    const cell = (column: string): string => (row.cells[position.get(column) as number] ?? '').trim()
    if (row.cells.length !== names.length) {
      report(row.line, null, null, 'wrong_cell_count', `Line ${row.line} has ${row.cells.length} cells; the header has ${names.length}.`)
      continue
    }
    const code = cell('unit_code')
    const nameInReport = cell('name_in_report')
    let unit = code === '' ? undefined : byCode.get(code.toLowerCase())
    const label = code !== '' ? code : nameInReport
    if (unit === undefined) {
      const candidates = nameInReport === '' ? [] : byName.get(searchNormalize(nameInReport)) ?? []
      if (candidates.length > 1) {
        report(row.line, 'name_in_report', code || null, 'ambiguous_unit', `"${nameInReport}" matches ${candidates.map((c) => c.code).join(' and ')}; give the unit_code.`)
      } else if (candidates.length === 0) {
        report(row.line, code !== '' ? 'unit_code' : 'name_in_report', code || null, 'unknown_unit',
          `No ${context.unitType} unit has the code "${code}" or the name or alias "${nameInReport}".`)
      }
      unit = candidates.length === 1 ? candidates[0] : undefined
    }
    if (unit !== undefined && unit.unitType !== context.unitType) {
      report(row.line, 'unit_code', unit.code, 'wrong_unit_type', `Unit ${unit.code} (${unit.name}) is of type ${unit.unitType}, not ${context.unitType}.`)
      unit = undefined
    }
    if (unit !== undefined) {
      const firstLine = seen.get(unit.id)
      if (firstLine !== undefined) {
        report(row.line, 'unit_code', unit.code, 'duplicate_unit', `Unit ${unit.code} is on line ${firstLine} already.`)
        unit = undefined
      } else {
        seen.set(unit.id, row.line)
      }
    }

    const unitCode = unit?.code ?? (label || null)
    let rowValid = unit !== undefined
    const readPoints = (column: string, maximum: Milli | null, step: Milli | null, required: boolean): Milli | null => {
      const text = cell(column)
      if (text === '') {
        if (required) {
          report(row.line, column, unitCode, 'missing_value', `Line ${row.line} has no value in ${column}.`)
          rowValid = false
        }
        return null
      }
      const value = parseDecimal(text)
      if (!value.ok) {
        report(row.line, column, unitCode, 'not_a_number', `${column} on line ${row.line} is "${text}", not a number with at most 3 decimal places.`)
        rowValid = false
        return null
      }
      if (value.milli < 0) {
        report(row.line, column, unitCode, 'negative', `${column} on line ${row.line} is ${text}; points cannot be negative.`)
        rowValid = false
        return null
      }
      if (maximum !== null && value.milli > maximum) {
        report(row.line, column, unitCode, 'above_maximum', `${column} on line ${row.line} is ${formatMilli(value.milli)}, above the field's maximum ${formatMilli(maximum)}.`)
        rowValid = false
        return null
      }
      if (step !== null && (step === 0 ? value.milli !== 0 : value.milli % step !== 0)) {
        report(row.line, column, unitCode, 'off_step', `${column} on line ${row.line} is ${formatMilli(value.milli)}, which no scoring of the field's leaves gives: field points are multiples of ${formatMilli(step)}.`)
        rowValid = false
        return null
      }
      return value.milli
    }

    const values = context.fields.map((field) => ({
      code: field.code,
      self: readPoints(`f${field.code}_self`, field.maxPoints, field.step, true),
      appraised: readPoints(`f${field.code}_appraised`, field.maxPoints, field.step, true)
    }))
    const totals = {
      totalSelf: position.has('total_self_reported') ? readPoints('total_self_reported', null, null, false) : null,
      totalAppraised: position.has('total_appraised_reported') ? readPoints('total_appraised_reported', null, null, false) : null
    }
    for (const [side, column, reported] of [['self', 'total_self_reported', totals.totalSelf], ['appraised', 'total_appraised_reported', totals.totalAppraised]] as const) {
      const parts = values.map((value) => value[side])
      if (reported === null || parts.some((part) => part === null)) continue
      const sum = (parts as Milli[]).reduce((total, part) => total + part, 0)
      if (sum !== reported) {
        report(row.line, column, unitCode, 'total_mismatch', `The reported ${side} total on line ${row.line} is ${formatMilli(reported)}, but the fields add up to ${formatMilli(sum)}.`)
        rowValid = false
      }
    }
    let rank: number | null = null
    const rankText = position.has('rank_reported') ? cell('rank_reported') : ''
    if (rankText !== '') {
      if (/^\d{1,6}$/.test(rankText) && Number(rankText) >= 1) {
        rank = Number(rankText)
      } else {
        report(row.line, 'rank_reported', unitCode, 'invalid_rank', `rank_reported on line ${row.line} is "${rankText}", not a whole number from 1.`)
        rowValid = false
      }
    }
    if (!rowValid || unit === undefined) continue
    records.push({
      line: row.line,
      unitId: unit.id,
      unitCode: unit.code,
      nameInReport,
      fields: values.map((value) => ({ code: value.code, self: value.self as Milli, appraised: value.appraised as Milli })),
      reported: { ...totals, rank, classification: position.has('class_reported') ? cell('class_reported') || null : null }
    })
  }
  return { records, problems }
}
