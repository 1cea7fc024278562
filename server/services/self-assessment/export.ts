// A unit's self-assessment as the workbook a unit sends with its report (Biểu tự đánh giá, chấm điểm): the catalog tree
// in order, each field and criterion with its maximum and the points its leaves add up to (exactly), each leaf with its
// points or "Không áp dụng", the answer chosen or measured, the explanation and the evidence files' names, the total,
// and the signature block, laid out for an A4 landscape page. Built from the same read as the screen, so it shows the
// self-assessment as it stands: who may read that may export it.
import type { Db } from '../../db/client.js'
import { type Milli, milliToNumber, parsePoints, sumMilli } from '../../domain/decimal.js'
import { formatVietnamDateTime } from '../../domain/lifecycle.js'
import type { Actor } from '../context.js'
import { listEvidence } from '../evidence.js'
import { answerInWords, fileNamePart, type ScoreSheet, type ScoreSheetFile, scoreSheetWorkbook } from '../spreadsheet.js'
import type { SelfAssessment } from './context.js'
import { getSelfAssessment } from './read.js'

const NOT_APPLICABLE = 'Không áp dụng'

/** The self-assessment of a unit in a round as an XLSX workbook; the reader's access is the self-assessment's own. */
export async function exportSelfAssessment (db: Db, actor: Actor, roundId: string, unitId: string): Promise<ScoreSheetFile> {
  const assessment = await getSelfAssessment(db, actor, roundId, unitId)
  const files = new Map<string, string[]>()
  // The files' names are read only when a leaf has one.
  const listed = assessment.leaves.some((leaf) => leaf.evidenceFiles > 0) ? await listEvidence(db, actor, roundId, unitId) : []
  for (const file of listed) {
    for (const leafCode of file.leafCodes) files.set(leafCode, [...files.get(leafCode) ?? [], file.filename])
  }
  const body = await workbookOf(assessment, files)
  return { filename: `tu-danh-gia-${fileNamePart(assessment.roundCode)}-${fileNamePart(assessment.unit.code)}.xlsx`, body }
}

async function workbookOf (assessment: SelfAssessment, files: ReadonlyMap<string, string[]>): Promise<Buffer> {
  // Every section's points: the exact sum of its applicable answered leaves, by walking the tree once.
  const sections = new Map(assessment.sections.map((section) => [section.code, section]))
  const leaves = new Map(assessment.leaves.map((leaf) => [leaf.code, leaf]))
  const lines: ScoreSheet['lines'] = []
  const walk = (code: string, depth: number): Milli => {
    const leaf = leaves.get(code)
    if (leaf !== undefined) {
      // What is not there is an empty cell.
      const points = leaf.notApplicable ? NOT_APPLICABLE : leaf.points
      lines.push({
        values: [leaf.code, leaf.title, leaf.maxPoints, points, answerInWords(leaf.scoring, leaf.input) || null, leaf.explanation, files.get(leaf.code)?.join('\n') ?? null],
        depth,
        section: false
      })
      return leaf.points === null ? 0 : parsePoints(leaf.points) ?? 0
    }
    const section = sections.get(code)
    if (section === undefined) return 0
    // Its line goes before its children's; its points are known once they are walked.
    const values: ScoreSheet['lines'][number]['values'] = [section.code, section.title, section.maxPoints, null]
    lines.push({ values, depth, section: true })
    const sum = sumMilli(section.childCodes.map((child) => walk(child, depth + 1)))
    values[3] = milliToNumber(sum)
    return sum
  }
  for (const field of assessment.sections.filter((section) => section.parentCode === null)) walk(field.code, 0)
  const { totals } = assessment
  return await scoreSheetWorkbook({
    name: 'Tự đánh giá',
    headings: [
      'BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH',
      `${assessment.unit.name} · kỳ đánh giá ${assessment.roundCode}`,
      assessment.catalog.title,
      assessment.status === 'submitted' && assessment.submittedAt !== null
        ? `Đã nộp lúc ${formatVietnamDateTime(new Date(assessment.submittedAt))} (giờ Việt Nam)`
        : `Bản nháp, chưa nộp; xuất lúc ${formatVietnamDateTime(new Date(assessment.now))} (giờ Việt Nam)`
    ],
    columns: [
      { header: 'Mã', width: 9 },
      { header: 'Lĩnh vực, tiêu chí, tiêu chí thành phần', width: 50 },
      { header: 'Điểm tối đa', width: 10, kind: 'points' },
      { header: 'Điểm tự đánh giá', width: 12, kind: 'points' },
      { header: 'Nội dung tự đánh giá', width: 24, kind: 'text' },
      { header: 'Giải trình', width: 40, kind: 'text' },
      { header: 'Tài liệu kiểm chứng', width: 30, kind: 'text' }
    ],
    lines,
    total: ['', 'Tổng điểm tự đánh giá', totals.maxPoints, totals.points,
      `Đã chấm ${totals.answered}/${totals.leaves} tiêu chí` +
      (totals.percentDisplay === null ? '' : `; ${totals.percentDisplay.replace('.', ',')} % điểm tối đa áp dụng`)],
    signatures: [['NGƯỜI LẬP BIỂU', '(Ký, ghi rõ họ tên)'], ['THỦ TRƯỞNG ĐƠN VỊ', '(Ký tên, đóng dấu)']]
  }, new Date(assessment.now))
}
