// A unit's self-assessment as the workbook a unit sends with its report (Biểu tự đánh giá, chấm điểm): the catalog tree
// in order, each field and criterion with its maximum and the points its leaves add up to (exactly), each leaf with its
// points or "Không áp dụng", the answer chosen or measured, the explanation and the evidence files' names, the total,
// and the signature block, laid out for an A4 landscape page. Built from the same read as the screen, so it shows the
// self-assessment as it stands: who may read that may export it.
import type ExcelJS from 'exceljs'
import type { Db } from '../../db/client.js'
import type { ScoringMethod } from '../../domain/catalog.js'
import { type Milli, milliToNumber, parsePoints, sumMilli } from '../../domain/decimal.js'
import { formatVietnamDateTime } from '../../domain/lifecycle.js'
import type { Actor } from '../context.js'
import { listEvidence } from '../evidence.js'
import { border, loadExcel, pageLayout, styleHeader } from '../spreadsheet.js'
import type { EnteredInput } from '../../domain/scoring.js'
import type { SelfAssessment, SelfAssessmentLeaf, SelfAssessmentSection } from './context.js'
import { getSelfAssessment } from './read.js'

/** Up to three decimals (the catalogs' finest step), at least two, as the report prints points. */
const POINTS_FORMAT = '0.00#'
const COLUMNS = [
  { header: 'Mã', width: 9 },
  { header: 'Lĩnh vực, tiêu chí, tiêu chí thành phần', width: 50 },
  { header: 'Điểm tối đa', width: 10 },
  { header: 'Điểm tự đánh giá', width: 12 },
  { header: 'Nội dung tự đánh giá', width: 24 },
  { header: 'Giải trình', width: 40 },
  { header: 'Tài liệu kiểm chứng', width: 30 }
]
const HEADER_ROW = 6
export const SELF_ASSESSMENT_WORKBOOK_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const NOT_APPLICABLE = 'Không áp dụng'

export interface SelfAssessmentWorkbook {
  filename: string
  body: Buffer
}

/** The self-assessment of a unit in a round as an XLSX workbook; the reader's access is the self-assessment's own. */
export async function exportSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string): Promise<SelfAssessmentWorkbook> {
  const assessment = await getSelfAssessment(db, actor, roundId, unitId)
  const files = new Map<string, string[]>()
  for (const file of await listEvidence(db, actor, roundId, unitId)) {
    for (const leafCode of file.leafCodes) files.set(leafCode, [...files.get(leafCode) ?? [], file.filename])
  }
  const body = await workbookOf(assessment, files)
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-')
  return { filename: `tu-danh-gia-${safe(assessment.roundCode)}-${safe(assessment.unit.code)}.xlsx`, body }
}

/** What the unit chose or measured, in words; a range leaf's answer is its points alone. */
function answerText (scoring: ScoringMethod, input: EnteredInput | null): string {
  if (input === null) return ''
  if (scoring.method === 'options') return scoring.options.find((option) => option.code === input.option)?.label ?? ''
  if (scoring.method === 'bands' && input.measurement !== undefined) {
    return `${scoring.input.label}: ${String(input.measurement).replace('.', ',')}${scoring.input.unit ? ` ${scoring.input.unit}` : ''}`
  }
  return ''
}

async function workbookOf (assessment: SelfAssessment, files: ReadonlyMap<string, string[]>): Promise<Buffer> {
  const Excel = await loadExcel()
  const workbook = new Excel.Workbook()
  workbook.creator = 'PAR Index'
  workbook.created = new Date(assessment.now)
  const sheet = workbook.addWorksheet('Tự đánh giá')
  sheet.columns = COLUMNS.map(({ width }) => ({ width }))
  const width = COLUMNS.length

  const heading = (row: number, text: string, font: Partial<ExcelJS.Font>) => {
    sheet.mergeCells(row, 1, row, width)
    const cell = sheet.getCell(row, 1)
    cell.value = text
    cell.font = font
    cell.alignment = { horizontal: 'center', wrapText: true }
  }
  heading(1, 'BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH', { bold: true, size: 14 })
  heading(2, `${assessment.unit.name} · kỳ đánh giá ${assessment.roundCode}`, { bold: true, size: 12 })
  heading(3, assessment.catalog.title, { italic: true })
  heading(4, assessment.status === 'submitted' && assessment.submittedAt !== null
    ? `Đã nộp lúc ${formatVietnamDateTime(new Date(assessment.submittedAt))} (giờ Việt Nam)`
    : `Bản nháp, chưa nộp; xuất lúc ${formatVietnamDateTime(new Date(assessment.now))} (giờ Việt Nam)`, {})
  const header = sheet.getRow(HEADER_ROW)
  header.values = COLUMNS.map((column) => column.header)
  styleHeader(header)

  // Every section's points: the exact sum of its applicable answered leaves, by walking the tree once.
  const sections = new Map(assessment.sections.map((section) => [section.code, section]))
  const leaves = new Map(assessment.leaves.map((leaf) => [leaf.code, leaf]))
  const lines: Array<{ node: SelfAssessmentSection, depth: number, points: Milli } | { node: SelfAssessmentLeaf, depth: number }> = []
  const walk = (code: string, depth: number): Milli => {
    const leaf = leaves.get(code)
    if (leaf !== undefined) {
      lines.push({ node: leaf, depth })
      return leaf.points === null ? 0 : parsePoints(leaf.points) ?? 0
    }
    const section = sections.get(code)
    if (section === undefined) return 0
    const line = { node: section, depth, points: 0 }
    lines.push(line)
    line.points = sumMilli(section.childCodes.map((child) => walk(child, depth + 1)))
    return line.points
  }
  for (const field of assessment.sections.filter((section) => section.parentCode === null)) walk(field.code, 0)

  let rowNumber = HEADER_ROW
  for (const line of lines) {
    const row = sheet.getRow(++rowNumber)
    if ('points' in line) {
      row.values = [line.node.code, line.node.title, line.node.maxPoints, milliToNumber(line.points)]
      row.font = { bold: true }
      if (line.depth === 0) row.eachCell((cell) => { cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7F0F9' } } })
    } else {
      const leaf = line.node
      // What is not there is an empty cell, not an empty text.
      const points = leaf.notApplicable ? NOT_APPLICABLE : leaf.points
      row.values = [leaf.code, leaf.title, leaf.maxPoints, points, answerText(leaf.scoring, leaf.input) || null, leaf.explanation, files.get(leaf.code)?.join('\n') ?? null]
    }
    row.getCell(2).alignment = { wrapText: true, vertical: 'top', indent: line.depth }
    for (const column of [5, 6, 7]) row.getCell(column).alignment = { wrapText: true, vertical: 'top' }
    for (const column of [3, 4]) row.getCell(column).numFmt = POINTS_FORMAT
  }
  const total = sheet.getRow(++rowNumber)
  total.values = ['', 'Tổng điểm tự đánh giá', assessment.totals.maxPoints, assessment.totals.points,
    `Đã chấm ${assessment.totals.answered}/${assessment.totals.leaves} tiêu chí` +
      (assessment.totals.percentDisplay === null ? '' : `; ${assessment.totals.percentDisplay.replace('.', ',')} % điểm tối đa áp dụng`)]
  total.font = { bold: true }
  for (const column of [3, 4]) total.getCell(column).numFmt = POINTS_FORMAT
  sheet.mergeCells(rowNumber, 5, rowNumber, width)
  border(sheet, HEADER_ROW, rowNumber, width)

  // The signatures the report carries: who drew the table up, and the head of the unit.
  const signatures = rowNumber + 2
  const sign = (row: number, text: string, columns: [number, number], font: Partial<ExcelJS.Font>) => {
    sheet.mergeCells(row, columns[0], row, columns[1])
    const cell = sheet.getCell(row, columns[0])
    cell.value = text
    cell.font = font
    cell.alignment = { horizontal: 'center' }
  }
  sign(signatures, 'NGƯỜI LẬP BIỂU', [1, 3], { bold: true })
  sign(signatures + 1, '(Ký, ghi rõ họ tên)', [1, 3], { italic: true })
  sign(signatures, 'THỦ TRƯỞNG ĐƠN VỊ', [5, 7], { bold: true })
  sign(signatures + 1, '(Ký tên, đóng dấu)', [5, 7], { italic: true })
  pageLayout(sheet, { from: HEADER_ROW, to: HEADER_ROW })
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
