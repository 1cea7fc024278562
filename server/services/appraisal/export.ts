// A unit's appraisal as the sheet the appraisal team keeps and signs (Kết quả thẩm định): per field, then per leaf, the
// unit's self score beside the appraised score, their difference (TĐG − TĐ, exact), the reason for a changed score and
// who appraised it; the totals; whether the appraisal is finalized. Built from the same read as the appraisal screen,
// so an appraiser's sheet holds the fields assigned to them, and an admin's or a viewer's every field.
import type { Db } from '../../db/client.js'
import { milliToNumber, parsePoints } from '../../domain/decimal.js'
import { formatVietnamDateTime } from '../../domain/lifecycle.js'
import type { Actor } from '../context.js'
import { fileNamePart, type ScoreSheet, type ScoreSheetFile, scoreSheetWorkbook } from '../spreadsheet.js'
import { type AppraisalLeaf, getAppraisal } from './read.js'

const NOT_APPLICABLE = 'Không áp dụng'

/** Self − appraised points of a leaf, exact; null unless both sides are points. */
function difference (leaf: AppraisalLeaf): number | null {
  const self = parsePoints(leaf.self.points)
  const appraised = parsePoints(leaf.appraised?.points)
  return self === null || appraised === null ? null : milliToNumber(self - appraised)
}

/** The appraisal of a unit in a round as an XLSX workbook, of the fields the caller may read. */
export async function exportAppraisal (db: Db, actor: Actor, roundId: string, unitId: string): Promise<ScoreSheetFile> {
  const appraisal = await getAppraisal(db, actor, roundId, unitId)
  const lines: ScoreSheet['lines'] = []
  for (const field of appraisal.fields) {
    lines.push({ values: [field.code, field.title, field.maxPoints, field.selfPoints, field.appraisedPoints, field.gap], depth: 0, section: true })
    for (const leaf of appraisal.leaves.filter((candidate) => candidate.fieldCode === field.code)) {
      const { self, appraised } = leaf
      lines.push({
        values: [
          leaf.code, leaf.title, leaf.maxPoints,
          self.notApplicable ? NOT_APPLICABLE : self.points,
          appraised === null ? null : appraised.notApplicable ? NOT_APPLICABLE : appraised.points,
          difference(leaf),
          appraised?.reason ?? null,
          appraised?.appraisedBy?.displayName ?? null
        ],
        depth: 1,
        section: false
      })
    }
  }
  const { totals } = appraisal
  const now = new Date()
  const body = await scoreSheetWorkbook({
    name: 'Thẩm định',
    headings: [
      'KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH',
      `${appraisal.unit.name} · kỳ đánh giá ${appraisal.roundCode}`,
      `${appraisal.catalog.title} · lĩnh vực ${appraisal.fields.map((field) => field.code).join(', ')}`,
      appraisal.status === 'finalized' && appraisal.finalizedAt !== null
        ? `Đã chốt lúc ${formatVietnamDateTime(new Date(appraisal.finalizedAt))} (giờ Việt Nam)${appraisal.finalizedBy ? `, ${appraisal.finalizedBy.displayName}` : ''}`
        : `Đang thẩm định, chưa chốt; xuất lúc ${formatVietnamDateTime(now)} (giờ Việt Nam)`
    ],
    columns: [
      { header: 'Mã', width: 9 },
      { header: 'Lĩnh vực, tiêu chí', width: 50 },
      { header: 'Điểm tối đa', width: 10, kind: 'points' },
      { header: 'Điểm tự đánh giá (TĐG)', width: 13, kind: 'points' },
      { header: 'Điểm thẩm định (TĐ)', width: 13, kind: 'points' },
      { header: 'Chênh lệch (TĐG − TĐ)', width: 13, kind: 'points' },
      { header: 'Lý do điều chỉnh', width: 40, kind: 'text' },
      { header: 'Người thẩm định', width: 22, kind: 'text' }
    ],
    lines,
    total: ['', 'Tổng cộng', totals.maxPoints, totals.selfPoints, totals.appraisedPoints, totals.gap, `Đã thẩm định ${totals.appraised}/${totals.leaves} tiêu chí`],
    signatures: [['NGƯỜI THẨM ĐỊNH', '(Ký, ghi rõ họ tên)'], ['TỔ TRƯỞNG TỔ THẨM ĐỊNH', '(Ký, ghi rõ họ tên)']]
  }, now)
  return { filename: `tham-dinh-${fileNamePart(appraisal.roundCode)}-${fileNamePart(appraisal.unit.code)}.xlsx`, body }
}
