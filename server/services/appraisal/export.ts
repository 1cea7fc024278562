// A unit's appraisal as the sheet the appraisal team keeps and signs (Kết quả thẩm định): per field, then per leaf, the
// unit's self score beside the appraised score, their difference (TĐG − TĐ, exact), what each side chose or measured, the reason for a changed score and
// who appraised it; the totals; whether the appraisal is finalized. Built from the same read as the appraisal screen,
// so an appraiser's sheet holds the fields assigned to them, and an admin's or a viewer's every field. The unit's own
// officer gets it too once the round's results for the unit's type are published (why each score is what it is),
// every field, without the appraisers' names.
import type { Db } from '../../db/client.js'
import { formatMilli, milliToNumber, parsePoints, sumMilli } from '../../domain/decimal.js'
import { viDecimal } from '../../domain/report-format.js'
import { formatVietnamDateTime } from '../../domain/lifecycle.js'
import type { Actor } from '../context.js'
import { changedSincePublication } from '../results/current.js'
import { publicationForUnit } from '../results/versions.js'
import { answerInWords, fileNamePart, type ScoreSheet, type ScoreSheetFile, scoreSheetWorkbook } from '../spreadsheet.js'
import { Errors } from '../../errors.js'
import { text as t } from '../../messages/text.js'
import { assertCanSee, percentOf } from '../self-assessment/context.js'
import { loadAppraisalContext } from './context.js'
import { type AppraisalLeaf, type AppraisalState, getAppraisal, stateOf } from './read.js'

const NOT_APPLICABLE = 'Không áp dụng'

/** Self − appraised points of a leaf, exact; null unless both sides are points. */
function difference (leaf: AppraisalLeaf): number | null {
  const self = parsePoints(leaf.self.points)
  const appraised = parsePoints(leaf.appraised?.points)
  return self === null || appraised === null ? null : milliToNumber(self - appraised)
}

/**
 * What the unit and the appraiser chose or measured (a range leaf's answer is its points alone): one answer when they
 * agree or only the unit has answered, else both, each side named.
 */
function answers (leaf: AppraisalLeaf): string | null {
  if (leaf.scoring === null) return null
  const self = answerInWords(leaf.scoring, leaf.self.input)
  const appraised = leaf.appraised === null ? '' : answerInWords(leaf.scoring, leaf.appraised.input)
  if (self === '' && appraised === '') return null
  if (leaf.appraised === null || self === appraised) return self || null
  return `TĐG: ${self || '—'}\nTĐ: ${appraised || '—'}`
}

/**
 * With a leaf appraised "not applicable" the maximum of the total is not the one the index divides by: the applicable
 * maximum after appraisal, and (on a sheet of every field) the index, exact and rounded half up as the report prints it.
 */
function applicable (appraisal: AppraisalState, everyField: boolean): string {
  if (!appraisal.leaves.some((leaf) => leaf.appraised?.notApplicable === true)) return ''
  const maximum = sumMilli(appraisal.leaves.filter((leaf) => leaf.appraised?.notApplicable !== true).map((leaf) => parsePoints(leaf.maxPoints) ?? 0))
  const index = everyField && appraisal.totals.appraised === appraisal.totals.leaves ? percentOf(parsePoints(appraisal.totals.appraisedPoints) ?? 0, maximum) : null
  return `; tối đa áp dụng sau thẩm định ${viDecimal(formatMilli(maximum))}${index === null ? '' : `; chỉ số ${viDecimal(index)}`}`
}

/**
 * A unit officer's own unit's appraisal, every field: only in a round that is published with results for the unit's
 * type (not while an admin has moved it back to correct it), and only while the scores are those the latest version
 * was published from (not a correction brought back to published without a new version), so the sheet says what
 * the published results say.
 */
async function publishedAppraisal (db: Db, actor: Actor, roundId: string, unitId: string): Promise<AppraisalState> {
  assertCanSee(actor, unitId)
  const publication = await publicationForUnit(db, roundId, unitId)
  if (publication === 'none') {
    throw Errors.resultsNotPublished(t('A unit reads its detailed appraisal once the round\'s results for its type are published.',
      'Đơn vị xem được kết quả thẩm định chi tiết sau khi kỳ đánh giá công bố kết quả của loại đơn vị mình.'))
  }
  // Published once, and being corrected: the results a unit reads stay the published version's, the sheet waits for the next.
  const beingCorrected = () => Errors.resultsNotPublished(t('The round\'s published results are being corrected; the detailed appraisal comes back with the new published version.',
    'Kết quả đã công bố của kỳ đánh giá đang được điều chỉnh; bảng kết quả thẩm định chi tiết sẽ có lại khi phiên bản kết quả mới được công bố.'))
  if (publication === 'moved_back') throw beingCorrected()
  const context = await loadAppraisalContext(db, actor, roundId, unitId)
  if ((await changedSincePublication(db, roundId, [context.unit.unitType])).length > 0) throw beingCorrected()
  return stateOf(db, context, { all: true })
}

/** The appraisal of a unit in a round as an XLSX workbook, of the fields the caller may read. */
export async function exportAppraisal (db: Db, actor: Actor, roundId: string, unitId: string): Promise<ScoreSheetFile> {
  const principal = actor.principal
  const forTheUnit = principal?.kind === 'user' && principal.role === 'unit_officer'
  const appraisal = forTheUnit ? await publishedAppraisal(db, actor, roundId, unitId) : await getAppraisal(db, actor, roundId, unitId)
  // The unit learns why each score is what it is; who in the team wrote it stays the team's.
  const named = <T>(values: T[]): T[] => forTheUnit ? values.slice(0, -1) : values
  const lines: ScoreSheet['lines'] = []
  for (const field of appraisal.fields) {
    lines.push({ values: [field.code, field.title, field.maxPoints, field.selfPoints, field.appraisedPoints, field.gap], depth: 0, section: true })
    for (const leaf of appraisal.leaves.filter((candidate) => candidate.fieldCode === field.code)) {
      const { self, appraised } = leaf
      lines.push({
        values: named([
          leaf.code, leaf.title, leaf.maxPoints,
          self.notApplicable ? NOT_APPLICABLE : self.points,
          appraised === null ? null : appraised.notApplicable ? NOT_APPLICABLE : appraised.points,
          difference(leaf),
          answers(leaf),
          appraised?.reason ?? null,
          appraised?.appraisedBy?.displayName ?? null
        ]),
        depth: 1,
        section: false
      })
    }
  }
  const { totals } = appraisal
  const forAppraiser = principal?.kind === 'user' && principal.role === 'appraiser'
  const now = new Date()
  const body = await scoreSheetWorkbook({
    name: 'Thẩm định',
    headings: [
      'KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH',
      `${appraisal.unit.name} · kỳ đánh giá ${appraisal.roundCode}`,
      `${appraisal.catalog.title} · lĩnh vực ${appraisal.fields.map((field) => field.code).join(', ')}`,
      appraisal.status === 'finalized' && appraisal.finalizedAt !== null
        ? `Đã chốt lúc ${formatVietnamDateTime(new Date(appraisal.finalizedAt))} (giờ Việt Nam)${appraisal.finalizedBy && !forTheUnit ? `, ${appraisal.finalizedBy.displayName}` : ''}`
        : `Đang thẩm định, chưa chốt; xuất lúc ${formatVietnamDateTime(now)} (giờ Việt Nam)`
    ],
    columns: named<ScoreSheet['columns'][number]>([
      { header: 'Mã', width: 9 },
      { header: 'Lĩnh vực, tiêu chí', width: 50 },
      { header: 'Điểm tối đa', width: 10, kind: 'points' },
      { header: 'Điểm tự đánh giá (TĐG)', width: 13, kind: 'points' },
      { header: 'Điểm thẩm định (TĐ)', width: 13, kind: 'points' },
      { header: 'Chênh lệch (TĐG − TĐ)', width: 13, kind: 'points' },
      { header: 'Nội dung tự đánh giá / thẩm định', width: 26, kind: 'text' },
      { header: 'Lý do điều chỉnh', width: 40, kind: 'text' },
      { header: 'Người thẩm định', width: 22, kind: 'text' }
    ]),
    lines,
    total: ['', 'Tổng cộng', totals.maxPoints, totals.selfPoints, totals.appraisedPoints, totals.gap, `Đã thẩm định ${totals.appraised}/${totals.leaves} tiêu chí${applicable(appraisal, !forAppraiser)}`],
    signatures: [['NGƯỜI THẨM ĐỊNH', '(Ký, ghi rõ họ tên)'], ['TỔ TRƯỞNG TỔ THẨM ĐỊNH', '(Ký, ghi rõ họ tên)']]
  }, now)
  return { filename: `tham-dinh-${fileNamePart(appraisal.roundCode)}-${fileNamePart(appraisal.unit.code)}.xlsx`, body }
}
