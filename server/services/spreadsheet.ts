// Excel workbooks: exceljs loaded on the first workbook rather than at start (it is the heaviest module the service
// has, 0.2 s), the layout the exports share (header rows, borders, A4 landscape print set-up), and the first sheet of an
// uploaded workbook read as rows of text, as a CSV would give them.
import type ExcelJS from 'exceljs'
import type { ScoringMethod } from '../domain/catalog.js'
import type { CsvRow } from '../domain/csv.js'
import type { EnteredInput } from '../domain/scoring.js'

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** A code as it can stand in a file name: ASCII letters, digits, '.', '_' and '-'. */
export const fileNamePart = (text: string): string => text.replace(/[^A-Za-z0-9._-]+/g, '-')

export async function loadExcel (): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default
}

export function styleHeader (row: ExcelJS.Row): void {
  row.font = { bold: true }
  row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true }
}

export function border (sheet: ExcelJS.Worksheet, fromRow: number, toRow: number, columns: number): void {
  for (let r = fromRow; r <= toRow; r++) {
    for (let c = 1; c <= columns; c++) {
      sheet.getCell(r, c).border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } }
    }
  }
}

/** A sheet's print set-up: A4 landscape, one page wide, the header rows on every page; and those rows frozen on screen. */
export function pageLayout (sheet: ExcelJS.Worksheet, headerRows: { from: number, to: number }, frozenColumns = 0): void {
  sheet.views = [{ state: 'frozen', xSplit: frozenColumns, ySplit: headerRows.to }]
  sheet.pageSetup = {
    ...sheet.pageSetup,
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    printTitlesRow: `${headerRows.from}:${headerRows.to}`
  }
}

/** A cell's value as the text a CSV would hold: numbers in their shortest exact form (19.25), a formula's result. */
function cellText (value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.toISOString()
  if ('richText' in value) return value.richText.map((part) => part.text).join('')
  if ('text' in value) return String(value.text)
  if ('result' in value) return value.result === undefined || typeof value.result === 'object' ? '' : String(value.result)
  if ('error' in value) return value.error
  return ''
}

/**
 * The first worksheet's rows (their sheet row number as the line), blank rows left out. Every row has the header's
 * number of cells (Excel does not store empty trailing cells), more only when it holds something beyond the header.
 * Null when the bytes are not a workbook.
 */
export async function firstSheetRows (bytes: Buffer): Promise<CsvRow[] | null> {
  const Excel = await loadExcel()
  const workbook = new Excel.Workbook()
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    return null
  }
  const sheet = workbook.worksheets[0]
  if (sheet === undefined) return []
  const rows: CsvRow[] = []
  let width = 0
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells = Array.from({ length: row.cellCount }, (_, i) => cellText(row.getCell(i + 1).value).trim())
    while (cells.length > width && cells[cells.length - 1] === '') cells.pop()
    if (cells.every((cell) => cell === '')) return
    if (rows.length === 0) width = cells.length
    while (cells.length < width) cells.push('')
    rows.push({ line: rowNumber, cells })
  })
  return rows
}

/** What was chosen or measured for a leaf, in words (the option's label, the measurement with its unit); a range leaf's answer is its points alone. */
export function answerInWords (scoring: ScoringMethod, input: EnteredInput | null): string {
  if (input === null) return ''
  if (scoring.method === 'options') return scoring.options.find((option) => option.code === input.option)?.label ?? ''
  if (scoring.method === 'bands' && input.measurement !== undefined) {
    return `${scoring.input.label}: ${String(input.measurement).replace('.', ',')}${scoring.input.unit ? ` ${scoring.input.unit}` : ''}`
  }
  return ''
}

/** Up to three decimals (the catalogs' finest step), at least two, as the report prints points. */
const POINTS_FORMAT = '0.00#'
const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7F0F9' } }

/**
 * A one-sheet table of a unit's scores to print and sign: headings, then one line per field, criterion and leaf (a
 * field's line shaded, a section's in bold, each indented by its depth), a total line whose last value spans the rest
 * of the row, and two signatures under it. Columns marked `points` hold numbers written as points; `text` columns wrap.
 * An absent value is an empty cell (null), not an empty text.
 */
export interface ScoreSheet {
  name: string
  headings: string[]
  columns: Array<{ header: string, width: number, kind?: 'points' | 'text' }>
  lines: Array<{ values: ExcelJS.CellValue[], depth: number, section: boolean }>
  total: ExcelJS.CellValue[]
  signatures: [left: [title: string, note: string], right: [title: string, note: string]]
}

/** A score sheet's workbook and the name to save it under. */
export interface ScoreSheetFile {
  filename: string
  body: Buffer
}

/** The workbook of a score sheet: A4 landscape, one page wide, the header row on every page. */
export async function scoreSheetWorkbook (content: ScoreSheet, created: Date): Promise<Buffer> {
  const Excel = await loadExcel()
  const workbook = new Excel.Workbook()
  workbook.creator = 'PAR Index'
  workbook.created = created
  const sheet = workbook.addWorksheet(content.name)
  sheet.columns = content.columns.map(({ width }) => ({ width }))
  const width = content.columns.length
  const merged = (row: number, from: number, to: number, text: string, font: Partial<ExcelJS.Font>, wrap = false) => {
    sheet.mergeCells(row, from, row, to)
    const cell = sheet.getCell(row, from)
    cell.value = text
    cell.font = font
    cell.alignment = { horizontal: 'center', wrapText: wrap }
  }
  content.headings.forEach((text, i) => merged(i + 1, 1, width, text, i === 0 ? { bold: true, size: 14 } : i === 1 ? { bold: true, size: 12 } : { italic: i === 2 }, true))
  const headerRow = content.headings.length + 2
  const header = sheet.getRow(headerRow)
  header.values = content.columns.map((column) => column.header)
  styleHeader(header)

  const format = (row: ExcelJS.Row) => {
    content.columns.forEach((column, c) => {
      if (column.kind === 'points') row.getCell(c + 1).numFmt = POINTS_FORMAT
      if (column.kind === 'text') row.getCell(c + 1).alignment = { wrapText: true, vertical: 'top' }
    })
  }
  let rowNumber = headerRow
  for (const line of content.lines) {
    const row = sheet.getRow(++rowNumber)
    row.values = line.values
    format(row)
    row.getCell(2).alignment = { wrapText: true, vertical: 'top', indent: line.depth }
    if (line.section) row.font = { bold: true }
    if (line.section && line.depth === 0) for (let c = 1; c <= width; c++) row.getCell(c).fill = SECTION_FILL
  }
  const total = sheet.getRow(++rowNumber)
  total.values = content.total
  format(total)
  total.font = { bold: true }
  if (content.total.length < width) sheet.mergeCells(rowNumber, content.total.length, rowNumber, width)
  border(sheet, headerRow, rowNumber, width)

  const half = Math.floor(width / 2)
  content.signatures.forEach(([title, note], side) => {
    const [from, to] = side === 0 ? [1, half] : [width - half + 1, width]
    merged(rowNumber + 2, from, to, title, { bold: true })
    merged(rowNumber + 3, from, to, note, { italic: true })
  })
  pageLayout(sheet, { from: headerRow, to: headerRow })
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
