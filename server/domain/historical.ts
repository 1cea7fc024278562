// Historical results (rounds run before the service existed), loaded from a CSV (either dialect) or a spreadsheet's
// rows of field points: checking against the catalog, and a field's finest step.
import type { CatalogNode } from './catalog.js'
import { type CsvDialect, type CsvRow, DIALECT_MARKS, decimalOf, detectDialect, parseCsv, separatorFound, separatorName } from './csv.js'
import { type Milli, formatMilli, parseDecimal } from './decimal.js'
import { searchNormalize } from './text.js'
import { joinTexts, Text } from '../messages/text.js'
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
  | 'csv_malformed' | 'wrong_separator' | 'missing_column' | 'duplicate_column' | 'no_rows' | 'wrong_cell_count'
  | 'unknown_unit' | 'ambiguous_unit' | 'wrong_unit_type' | 'duplicate_unit'
  | 'missing_value' | 'not_a_number' | 'ambiguous_decimal' | 'negative' | 'above_maximum' | 'off_step' | 'total_mismatch' | 'invalid_rank'

export interface HistoricalProblem {
  /** 1-based line in the file (the row of a spreadsheet); null for problems of the whole file. */
  line: number | null
  /** The CSV column the problem is in, when it is one cell. */
  column: string | null
  unitCode: string | null
  code: HistoricalProblemCode
  message: Text
  /** For wrong_separator: the separator the line holds and the one its dialect separates with. */
  separator?: { found: string, expected: string }
}

/** What a Vietnamese message may name: the unit, the cell's text and the dialect the file is read in. */
interface ProblemDetail { unit: string, value: string, dialect: CsvDialect }

/** Each problem of a historical results file in Vietnamese, by its code (the English names the values). */
const historicalVi: Record<Exclude<HistoricalProblemCode, 'wrong_separator'>, (detail: ProblemDetail) => string> = {
  csv_malformed: () => 'tệp CSV không đúng định dạng',
  missing_column: () => 'thiếu cột này',
  duplicate_column: () => 'cột bị lặp',
  no_rows: () => 'tệp không có dòng dữ liệu nào',
  wrong_cell_count: () => 'số ô của dòng không khớp với dòng tiêu đề',
  unknown_unit: ({ unit }) => `không tìm thấy đơn vị ${unit}`.trim(),
  ambiguous_unit: () => 'tên đơn vị khớp với nhiều đơn vị; hãy ghi mã đơn vị (unit_code)',
  wrong_unit_type: ({ unit }) => `đơn vị ${unit} không thuộc loại đơn vị này`,
  duplicate_unit: ({ unit }) => `đơn vị ${unit} xuất hiện nhiều lần`,
  missing_value: () => 'thiếu giá trị',
  not_a_number: () => 'không phải là số (tối đa 3 chữ số thập phân)',
  ambiguous_decimal: ({ value, dialect }) => dialect === 'excel-vi'
    ? `giá trị "${value}" không rõ nghĩa: trong tệp Excel tiếng Việt, dấu thập phân là dấu phẩy (ví dụ 19,25) và dấu chấm là dấu phân cách hàng nghìn`
    : `giá trị "${value}" không rõ nghĩa: tệp CSV chuẩn dùng dấu chấm thập phân (ví dụ 19.25); tệp dùng dấu phẩy thập phân thì chọn định dạng Excel tiếng Việt (dấu ;)`,
  negative: () => 'không được âm',
  above_maximum: () => 'vượt điểm tối đa của lĩnh vực',
  off_step: () => 'không đúng bước điểm của lĩnh vực',
  total_mismatch: () => 'tổng điểm không khớp với tổng các lĩnh vực',
  invalid_rank: () => 'thứ hạng không hợp lệ'
}

const dialectNames: Record<CsvDialect, Text> = {
  standard: new Text('the standard CSV dialect', 'định dạng CSV chuẩn (dấu ,)'),
  'excel-vi': new Text('the excel-vi dialect', 'định dạng Excel tiếng Việt (dấu ;)')
}

/** A line that reads as one column because its cells are separated by another character than the dialect's. */
function wrongSeparator (line: number, found: string, dialect: CsvDialect): HistoricalProblem {
  const expected = DIALECT_MARKS[dialect].separator
  const other = (Object.keys(DIALECT_MARKS) as CsvDialect[]).find((candidate) => DIALECT_MARKS[candidate].separator === found)
  const foundName = separatorName(found)
  const expectedName = separatorName(expected)
  const advice = other !== undefined
    ? new Text(`send it as ${dialectNames[other].en} (dialect=${other}), or save it again with ${expectedName.en} separators.`,
      `hãy chọn ${dialectNames[other].vi}, hoặc lưu lại tệp với dấu phân cách ${expectedName.vi}.`)
    : new Text(`save it again as CSV with ${expectedName.en} (or ";" with dialect=excel-vi) separators.`,
      `hãy lưu lại tệp dạng CSV với dấu phân cách ${expectedName.vi} (hoặc ";" theo định dạng Excel tiếng Việt).`)
  return {
    line,
    column: null,
    unitCode: null,
    code: 'wrong_separator',
    separator: { found, expected },
    message: joinTexts([
      new Text(`Line ${line} reads as a single column: its cells are separated by ${foundName.en}, but ${dialectNames[dialect].en} separates them with ${expectedName.en};`,
        `Dòng ${line}: chỉ đọc được một cột vì các ô được phân cách bằng ${foundName.vi}, nhưng ${dialectNames[dialect].vi} cần dấu phân cách ${expectedName.vi};`),
      advice
    ])
  }
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

export interface HistoricalContext { unitType: string, fields: readonly HistoricalField[], units: readonly HistoricalUnit[] }
export interface HistoricalCheck { records: HistoricalRecord[], problems: HistoricalProblem[] }

/**
 * Checks a historical CSV in its dialect (given, or detected from the header line: ";" is excel-vi) as
 * validateHistoricalRows does. A file whose header reads as a single column because it is separated by another
 * character is refused with that one problem (wrong_separator), naming the separator found and the one expected.
 */
export function validateHistoricalCsv (text: string, context: HistoricalContext, dialect: CsvDialect = detectDialect(text)): HistoricalCheck {
  const parsed = parseCsv(text, DIALECT_MARKS[dialect].separator)
  if (parsed.problem !== null) {
    const { line, message } = parsed.problem
    return { records: [], problems: [{ line, column: null, unitCode: null, code: 'csv_malformed', message: new Text(message, `Dòng ${line}: ${historicalVi.csv_malformed({ unit: '', value: '', dialect })}.`) }] }
  }
  return validateHistoricalRows(parsed.rows, context, dialect)
}

/**
 * Checks the rows of a historical file (a CSV's, or a spreadsheet's cells as text) against the round's catalog and
 * the units, listing every problem at once: unknown units (matched by code, else by the report's name against each
 * unit's name, short name and aliases, ignoring case and diacritics), units of another type or listed twice, missing
 * or non-numeric values, decimals written with the other dialect's mark (ambiguous: "1.000" is a thousand in
 * Vietnamese), values above the field's maximum or off the field's finest step, and reported totals that are not the
 * sum of the fields. Extra columns are ignored; the four reported columns are optional and kept as the source of each row.
 */
export function validateHistoricalRows (rows: readonly CsvRow[], context: HistoricalContext, dialect: CsvDialect): HistoricalCheck {
  const problems: HistoricalProblem[] = []
  const report = (line: number | null, column: string | null, unitCode: string | null, code: Exclude<HistoricalProblemCode, 'wrong_separator'>, message: string, value = '') => {
    const where = [line !== null ? `Dòng ${line}` : 'Tệp', column !== null ? `cột ${column}` : null].filter(Boolean).join(', ')
    problems.push({ line, column, unitCode, code, message: new Text(message, `${where}: ${historicalVi[code]({ unit: unitCode ?? '', value, dialect })}.`) })
  }
  const separator = DIALECT_MARKS[dialect].separator
  const [header, ...body] = rows
  if (header === undefined) {
    report(null, null, null, 'no_rows', 'The file is empty; it needs a header line and one line per unit.')
    return { records: [], problems }
  }
  const headerSeparator = header.cells.length === 1 ? separatorFound(header.cells[0] ?? '', separator) : null
  if (headerSeparator !== null) return { records: [], problems: [wrongSeparator(header.line, headerSeparator, dialect)] }
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
      const found = row.cells.length === 1 ? separatorFound(row.cells[0] ?? '', separator) : null
      if (found !== null) problems.push(wrongSeparator(row.line, found, dialect))
      else report(row.line, null, null, 'wrong_cell_count', `Line ${row.line} has ${row.cells.length} cells; the header has ${names.length}.`)
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
      const decimal = decimalOf(text, dialect)
      if (decimal === null) {
        const example = dialect === 'excel-vi' ? '19,25' : '19.25'
        report(row.line, column, unitCode, 'ambiguous_decimal', `${column} on line ${row.line} is "${text}", whose decimal mark is ambiguous: ${dialectNames[dialect].en} writes decimals with "${DIALECT_MARKS[dialect].decimal}" (${example})` +
          (dialect === 'excel-vi' ? ', and "." separates thousands.' : '; a file with decimal commas is sent as dialect=excel-vi (";" separators).'), text)
        rowValid = false
        return null
      }
      const value = parseDecimal(decimal)
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
