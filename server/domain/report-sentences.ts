// The sentences of the annual report that carry figures, generated from the numbers in Vietnamese administrative
// style (92,75; 04/20; "giảm 1,20 điểm so với năm 2019"). Words of judgement are not written here: the document
// leaves marked places for the staff to write them.
import type { ClassificationBand, FieldStats } from './catalog.js'
import type { BandGroup, FieldAverage, FieldFigures, FieldShare, GapFigures, Moves, RankMove, Spread } from './report-figures.js'
import { EXTREMES_LISTED, HIGH_SHARE_PERCENT, milliOf } from './report-figures.js'
import { capitalize, changeWords, countOf, itemLetter, joinAnd, lowerFirst, twoDigits, viDecimal, viMilli, viPoints } from './report-format.js'

/** "các sở, ban, ngành cấp tỉnh" from the unit type's name "Sở, ban, ngành cấp tỉnh". */
export function unitsPhrase (unitTypeName: string): string {
  return `các ${lowerFirst(unitTypeName)}`
}

// ---------------------------------------------------------------------------------------------------------------
// Phần 1: the structure of the index

function criteriaCounts (criteria: number, subcriteria: number): string {
  return `${twoDigits(criteria)} tiêu chí${subcriteria > 0 ? ` và ${twoDigits(subcriteria)} tiêu chí thành phần` : ''}`
}

/** "Chỉ số CCHC của các sở, ban, ngành cấp tỉnh được xác định trên 07 lĩnh vực, 36 tiêu chí và 66 tiêu chí thành phần, …" */
export function structureLead (unitTypeName: string, stats: readonly FieldStats[]): string {
  const criteria = stats.reduce((sum, field) => sum + field.criteria, 0)
  const subcriteria = stats.reduce((sum, field) => sum + field.subcriteria, 0)
  const maximum = viMilli(stats.reduce((sum, field) => sum + milliOf(field.maxPoints), 0))
  return `Chỉ số CCHC của ${unitsPhrase(unitTypeName)} được xác định trên ${twoDigits(stats.length)} lĩnh vực, ` +
    `${criteriaCounts(criteria, subcriteria)}, với tổng điểm tối đa ${maximum} điểm. Cụ thể:`
}

/** "a) Công tác chỉ đạo, điều hành CCHC: 05 tiêu chí và 11 tiêu chí thành phần; tối đa 19 điểm." */
export function structureItem (index: number, field: FieldStats): string {
  return `${itemLetter(index)}) ${field.title}: ${criteriaCounts(field.criteria, field.subcriteria)}; tối đa ${viPoints(field.maxPoints)} điểm.`
}

/** A band's range of the index: "từ 90 điểm trở lên", "từ 80 đến dưới 90 điểm", "dưới 50 điểm". */
export function bandRange (min: number, below: number | null): string {
  if (below === null) return `từ ${viPoints(min)} điểm trở lên`
  if (min === 0) return `dưới ${viPoints(below)} điểm`
  return `từ ${viPoints(min)} đến dưới ${viPoints(below)} điểm`
}

/** "Kết quả được xếp thành 05 loại theo Chỉ số CCHC: Xuất sắc (từ 90 điểm trở lên); …; Yếu (dưới 50 điểm)." */
export function bandsSentence (bands: readonly ClassificationBand[]): string {
  const sorted = [...bands].sort((a, b) => b.min - a.min)
  const items = sorted.map((band, i) => `${band.label} (${bandRange(band.min, i === 0 ? null : (sorted[i - 1] as ClassificationBand).min)})`)
  return `Kết quả được xếp thành ${twoDigits(sorted.length)} loại theo Chỉ số CCHC: ${items.join('; ')}.`
}

/** "- Ở sở, ban, ngành cấp tỉnh: có 20 đơn vị thuộc đối tượng xác định Chỉ số CCHC năm 2020." */
export function subjectsItem (unitTypeName: string, units: number, year: number): string {
  return `- Ở ${lowerFirst(unitTypeName)}: có ${twoDigits(units)} đơn vị thuộc đối tượng xác định Chỉ số CCHC năm ${year}.`
}

/** How ties are ranked, from the catalog's ranking method. */
export function rankingSentence (method: 'dense' | 'competition'): string {
  return method === 'dense'
    ? 'Các đơn vị có Chỉ số CCHC bằng nhau được xếp cùng hạng; đơn vị kế tiếp được xếp hạng liền sau (ví dụ: 5, 5, 6).'
    : 'Các đơn vị có Chỉ số CCHC bằng nhau được xếp cùng hạng; đơn vị kế tiếp được xếp hạng sau khi đã tính các đơn vị cùng hạng (ví dụ: 5, 5, 7).'
}

// ---------------------------------------------------------------------------------------------------------------
// Phần 2: the overall index of a unit type

export interface YearChange {
  previousYear: number
  /** A signed display value ("-1.20"). */
  display: string
}

/**
 * The average and the classification counts: "Điểm thẩm định trung bình của các sở, … là 85,03 điểm, tăng 1,20 điểm so
 * với năm 2019. Về xếp loại: 07 đơn vị xếp loại Xuất sắc (từ 90 điểm trở lên); …; không có đơn vị xếp loại Yếu (…). Cụ thể:"
 */
export function overallLead (unitTypeName: string, averageDisplay: string, change: YearChange | null, groups: readonly BandGroup[]): string {
  const changeText = change === null ? '' : `, ${changeWords(change.display, 'điểm')} so với năm ${change.previousYear}`
  const counts = groups.map((group) => {
    const range = bandRange(group.band.min, group.below)
    return group.units.length === 0
      ? `không có đơn vị xếp loại ${group.band.label} (${range})`
      : `${twoDigits(group.units.length)} đơn vị xếp loại ${group.band.label} (${range})`
  })
  return `Điểm thẩm định trung bình của ${unitsPhrase(unitTypeName)} là ${viDecimal(averageDisplay)} điểm${changeText}. ` +
    `Về xếp loại: ${counts.join('; ')}. Cụ thể:`
}

/** "- Xếp loại Xuất sắc có 07 đơn vị: Sở Thông tin và Truyền thông (92,00 điểm), …"; null for an empty band. */
export function bandItem (group: BandGroup): string | null {
  if (group.units.length === 0) return null
  const units = group.units.map((unit) => `${unit.name} (${viDecimal(unit.indexDisplay)} điểm)`)
  return `- Xếp loại ${group.band.label} có ${twoDigits(group.units.length)} đơn vị: ${units.join(', ')}.`
}

function namesOf (names: readonly string[], one: string, many: string): string {
  return names.length === 1 ? `${one} là ${names[0] as string}` : `${many} là ${joinAnd(names)}`
}

/** The highest and lowest index and the difference; null when every unit has the same rank. */
export function spreadSentence (spread: Spread): string | null {
  if (spread.highest.indexDisplay === spread.lowest.indexDisplay && spread.differenceDisplay === '0.00') return null
  return `${namesOf(spread.highest.names, 'Đơn vị có Chỉ số CCHC cao nhất', 'Các đơn vị có Chỉ số CCHC cao nhất')} (${viDecimal(spread.highest.indexDisplay)} điểm); ` +
    `${namesOf(spread.lowest.names, 'đơn vị thấp nhất', 'các đơn vị thấp nhất')} (${viDecimal(spread.lowest.indexDisplay)} điểm); ` +
    `chênh lệch giữa mức cao nhất và thấp nhất là ${viDecimal(spread.differenceDisplay)} điểm.`
}

const rankMoveText = (move: RankMove) => `${move.name} (từ hạng ${move.from} ${move.to < move.from ? 'lên' : 'xuống'} hạng ${move.to})`

/** "03 đơn vị tăng hạng", or "không có đơn vị tăng hạng". */
const unitsThat = (count: number, what: string) => count === 0 ? `không có đơn vị ${what}` : `${twoDigits(count)} đơn vị ${what}`

/** The largest rise or fall: the units named, or (more than EXTREMES_LISTED tied) counted. */
function largestMove (moves: readonly RankMove[], direction: 'tăng' | 'giảm'): string {
  const first = moves[0] as RankMove
  if (moves.length > EXTREMES_LISTED) return `${direction} nhiều bậc nhất: ${twoDigits(moves.length)} đơn vị, cùng ${direction} ${Math.abs(first.from - first.to)} bậc`
  return `${direction} nhiều bậc nhất: ${moves.map(rankMoveText).join(', ')}`
}

/** Rank and class moves on the previous year: counts, the largest rise and fall, every change of class. */
export function movesSentences (moves: Moves, previousYear: number): string[] {
  const counts = [unitsThat(moves.up, 'tăng hạng'), unitsThat(moves.down, 'giảm hạng'), unitsThat(moves.same, 'giữ nguyên thứ hạng')]
  const newcomers = moves.newcomers > 0 ? `; ${twoDigits(moves.newcomers)} đơn vị chưa có kết quả năm ${previousYear}` : ''
  const out = [`So với năm ${previousYear}, trong ${twoDigits(moves.compared)} đơn vị có kết quả cả hai năm: ${counts.join(', ')}${newcomers}.`]
  const extremes: string[] = []
  if (moves.biggestRise.length > 0) extremes.push(largestMove(moves.biggestRise, 'tăng'))
  if (moves.biggestFall.length > 0) extremes.push(largestMove(moves.biggestFall, 'giảm'))
  if (extremes.length > 0) out.push(`${capitalize(extremes.join('; '))}.`)
  out.push(moves.classChanges.length === 0
    ? `Không có đơn vị nào thay đổi xếp loại so với năm ${previousYear}.`
    : `Các đơn vị thay đổi xếp loại so với năm ${previousYear}: ${moves.classChanges.map((move) =>
      `${move.name} (từ ${move.from} ${move.direction === 'up' ? 'lên' : move.direction === 'down' ? 'xuống' : 'sang'} ${move.to})`).join(', ')}.`)
  return out
}

/**
 * Each field's average share of its maximum and the highest and lowest: "Giá trị trung bình của các lĩnh vực so với
 * điểm tối đa (Biểu đồ 2): … Cao nhất là lĩnh vực … (95,00%), thấp nhất là lĩnh vực … (75,26%)."
 */
export function averagesSentence (averages: { fields: readonly FieldAverage[], highest: readonly FieldAverage[], lowest: readonly FieldAverage[] }, chartNumber: number): string {
  const items = averages.fields.map((field) => `${field.title} đạt ${viDecimal(field.percentDisplay)}%`)
  const named = (fields: readonly FieldAverage[]) => `${joinAnd(fields.map((field) => field.title))} (${viDecimal(fields[0]?.percentDisplay ?? '0.00')}%)`
  const extremes = averages.fields.length > 1 && averages.highest.length < averages.fields.length
    ? ` Cao nhất là lĩnh vực ${named(averages.highest)}; thấp nhất là lĩnh vực ${named(averages.lowest)}.`
    : ''
  return `Giá trị trung bình của các lĩnh vực so với điểm tối đa (Biểu đồ ${chartNumber}): ${items.join('; ')}.${extremes}`
}

// ---------------------------------------------------------------------------------------------------------------
// Phần 2: one field

export interface ShareChange {
  previousYear: number
  previousPercentDisplay: string
  /** Percentage points, signed display value. */
  changeDisplay: string
}

const shareText = (share: FieldShare) => `${share.name} (${viDecimal(share.display)}/${viPoints(share.maximum)} điểm, ${viDecimal(share.percentDisplay)}%)`

function extremeSentence (shares: readonly FieldShare[], which: 'cao nhất' | 'thấp nhất'): string {
  if (shares.length > EXTREMES_LISTED) return `Có ${twoDigits(shares.length)} đơn vị cùng đạt tỷ lệ ${which} (${viDecimal(shares[0]?.percentDisplay ?? '0.00')}%).`
  return shares.length === 1
    ? `Đơn vị đạt tỷ lệ ${which} là ${shareText(shares[0] as FieldShare)}.`
    : `Các đơn vị đạt tỷ lệ ${which} là ${joinAnd(shares.map(shareText))}.`
}

/**
 * The paragraph of figures of one field: its average and the change on the previous year; how many units reached the
 * maximum, 80 % to below it, and below 80 % (the three add up to the units); the highest and the lowest units.
 */
export function fieldParagraph (figures: FieldFigures, chartNumber: number, change: ShareChange | null): string {
  const sentences: string[] = []
  const changeText = change === null
    ? ''
    : `, ${changeWords(change.changeDisplay, 'điểm phần trăm')} so với năm ${change.previousYear} (${viDecimal(change.previousPercentDisplay)}%)`
  sentences.push(`Biểu đồ ${chartNumber} cho thấy giá trị trung bình của lĩnh vực này đạt ${viDecimal(figures.average.display)}/${viPoints(figures.maxPoints)} điểm, ` +
    `bằng ${viDecimal(figures.average.percentDisplay)}% số điểm tối đa${changeText}.`)

  const total = figures.units
  const maximum = figures.fullMaximumEverywhere ? ` (${viPoints(figures.maxPoints)}/${viPoints(figures.maxPoints)} điểm)` : ''
  const listed = figures.atMaximum.length > 0 && figures.atMaximum.length <= EXTREMES_LISTED ? `: ${joinAnd(figures.atMaximum.map((share) => share.name))}` : ''
  const parts = [
    figures.atMaximum.length === 0 ? 'không có đơn vị nào đạt điểm tối đa' : `${countOf(figures.atMaximum.length, total)} đơn vị đạt điểm tối đa${maximum}${listed}`,
    figures.fromHighShare === 0
      ? `không có đơn vị nào đạt từ ${HIGH_SHARE_PERCENT}% đến dưới 100% số điểm`
      : `${countOf(figures.fromHighShare, total)} đơn vị đạt từ ${HIGH_SHARE_PERCENT}% đến dưới 100% số điểm`,
    figures.belowHighShare === 0
      ? `không có đơn vị nào dưới ${HIGH_SHARE_PERCENT}%`
      : `${countOf(figures.belowHighShare, total)} đơn vị đạt dưới ${HIGH_SHARE_PERCENT}%`
  ]
  const opening = figures.atMaximum.length === 0 ? capitalize(parts[0] as string) : `Có ${parts[0] as string}`
  sentences.push(`${opening}; ${parts.slice(1).join('; ')}.`)

  // The units at the maximum are named above already; the highest is worth a sentence only when nobody reached it.
  if (figures.atMaximum.length === 0 && figures.highest.length > 0) sentences.push(extremeSentence(figures.highest, 'cao nhất'))
  const lowestDiffers = figures.lowest[0] !== undefined && figures.highest[0] !== undefined && figures.lowest[0].percentDisplay !== figures.highest[0].percentDisplay
  if (lowestDiffers) sentences.push(extremeSentence(figures.lowest, 'thấp nhất'))
  return sentences.join(' ')
}

// ---------------------------------------------------------------------------------------------------------------
// Phần 3: self against appraised

export function gapSentences (unitTypeName: string, gap: GapFigures): string[] {
  const others: string[] = []
  if (gap.equal > 0) others.push(`${countOf(gap.equal, gap.units)} đơn vị có hai điểm bằng nhau`)
  if (gap.below > 0) others.push(`${countOf(gap.below, gap.units)} đơn vị tự đánh giá thấp hơn điểm thẩm định`)
  const out = [
    `Ở ${unitsPhrase(unitTypeName)}, điểm tự đánh giá trung bình là ${viDecimal(gap.selfAverageDisplay)} điểm, điểm thẩm định trung bình là ` +
    `${viDecimal(gap.appraisedAverageDisplay)} điểm, chênh lệch trung bình ${viDecimal(gap.meanGapDisplay)} điểm; ` +
    `${gap.above === 0 ? 'không có đơn vị nào' : `${countOf(gap.above, gap.units)} đơn vị`} có điểm tự đánh giá cao hơn điểm thẩm định${others.length > 0 ? `, ${others.join(', ')}` : ''}.`
  ]
  if (gap.largest.length > 0) {
    out.push(`Các đơn vị có điểm tự đánh giá cao hơn điểm thẩm định nhiều nhất: ${gap.largest.map((unit) =>
      `${unit.name} (tự đánh giá ${viDecimal(unit.selfDisplay)} điểm, thẩm định ${viDecimal(unit.appraisedDisplay)} điểm, chênh lệch ${viDecimal(unit.gapDisplay)} điểm)`).join('; ')}.`)
  }
  return out
}
