// Excel workbooks: exceljs loaded on the first workbook rather than at start (it is the heaviest module the service
// has, 0.2 s).
import type ExcelJS from 'exceljs'

export async function loadExcel (): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default
}
