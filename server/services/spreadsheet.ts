// Excel workbooks: exceljs loaded on the first workbook rather than at start (it is the heaviest module the service
// has, 0.2 s), the layout the exports share (header rows, borders, A4 landscape print set-up), and the first sheet of an
// uploaded workbook read as rows of text, as a CSV would give them.
import type ExcelJS from 'exceljs'
import type { CsvRow } from '../domain/csv.js'

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
