// The annual report's content as a docx Document, from the published results of each unit type, the structure of
// their catalogs and the rendered charts. Structure of the 2020 report: heading block, Phần 1 (the index), Phần 2
// (results per unit type: Bảng 1/3, charts, Bảng 2/4, one section per field), Phần 3 (conclusions for the staff to
// write, with the self-against-appraised gaps), "Nơi nhận" and signature. No I/O here.
import { AlignmentType, Document, Paragraph, Table, TextRun } from 'docx'
import type { FieldStats, RankingMethod } from '../../domain/catalog.js'
import {
  bandGroups, fieldAverages, fieldFigures, fieldShareChange, gapFigures, indexSpread, milliOf, movesOnPreviousYear
} from '../../domain/report-figures.js'
import { capitalize, joinAnd, lowerFirst, roman, upper, viDate, viDecimal, viMilli, viPoints } from '../../domain/report-format.js'
import {
  averagesSentence, bandItem, bandsSentence, fieldParagraph, gapSentences, movesSentences, overallLead, rankingSentence, spreadSentence,
  structureItem, structureLead, subjectsItem, unitsPhrase
} from '../../domain/report-sentences.js'
import type { ComputedResults } from '../../domain/results.js'
import type { ResultSet } from '../results.js'
import { CHART_WIDTH } from './charts.js'
import {
  body, bodyRow, caption, CM, cell, grid, heading, headerRow, headingBlock, image, note, partHeading, placeholder, section, signatureBlock, writtenSection,
  SIZE, styles, textWidth, type Issuer, type Orientation
} from './layout.js'

export interface ReportPart {
  unitType: { code: string, name: string }
  version: { id: string, number: number, publishedAt: string }
  results: ResultSet
  catalog: { title: string, legalBasis: string, ranking: RankingMethod, stats: FieldStats[] }
  /** The previous year's results the published comparison was made with, to state each field's change of share. */
  previous: { year: number, results: ComputedResults } | null
  /** PNG of each chart by name (index, averages, field-<code>), as its parts in order (one bar per unit: 30 units a part). */
  charts: ReadonlyMap<string, readonly Buffer[]>
}

export interface ReportInput {
  round: { code: string, title: string, year: number }
  issuer: Issuer
  /** The year of the date line. */
  issuedYear: number
  parts: ReportPart[]
}

type Block = Paragraph | Table

/** The document's pages as sections of one orientation each, so a wide table gets landscape pages of its own. */
class Pages {
  readonly sections: { orientation: Orientation, children: Block[] }[] = [{ orientation: 'portrait', children: [] }]

  add (...blocks: Block[]): void {
    (this.sections[this.sections.length - 1] as { children: Block[] }).children.push(...blocks)
  }

  /** Blocks on pages of their own in the given orientation, then back to portrait. */
  apart (orientation: Orientation, blocks: Block[]): void {
    if (orientation === 'portrait') return this.add(...blocks)
    this.sections.push({ orientation, children: blocks }, { orientation: 'portrait', children: [] })
  }
}

/** Numbers of tables and charts, running through the whole document as the report numbers them. */
class Counters {
  table = 0
  chart = 0
}

/**
 * A chart captioned below, as "Biểu đồ n. …": each of its parts (a chart of more units than fit a page) an image with
 * the caption and "(phần k/N)".
 */
function chart (part: ReportPart, name: string, number: number, text: string): Block[] {
  const pngs = part.charts.get(name)
  if (pngs === undefined || pngs.length === 0) throw new Error(`The chart ${name} of ${part.unitType.code} was not rendered`)
  return pngs.flatMap((png, k) => {
    const of = pngs.length > 1 ? ` (phần ${k + 1}/${pngs.length})` : ''
    return [image(png, CHART_WIDTH, 'portrait', `Biểu đồ ${number}${of}`), caption(`Biểu đồ ${number}. ${text}${of}`, 'below')]
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

/** Bảng 1/3: rank, unit, self points, appraised points, index, classification, in rank order. */
function summaryTable (results: ResultSet): Table {
  const widths = [1.6, 6.0, 2.2, 2.2, 2.2, 2.3].map((cm) => Math.round(cm * CM))
  const header = headerRow(['Xếp hạng', 'Tên đơn vị', 'Điểm tự đánh giá', 'Điểm thẩm định', 'Chỉ số CCHC', 'Xếp loại']
    .map((text) => cell(text, { bold: true, align: 'center', shade: true })))
  const rows = results.units.map((unit) => bodyRow([
    cell(String(unit.rank), { align: 'center' }),
    cell(unit.unit.name),
    cell(viDecimal(unit.self.display), { align: 'center' }),
    cell(viDecimal(unit.appraised.display), { align: 'center' }),
    cell(viDecimal(unit.appraised.indexDisplay), { align: 'center' }),
    cell(unit.classification.label, { align: 'center' })
  ]))
  return grid([header, ...rows], widths)
}

/** Whether Bảng 2/4 needs landscape pages: above three fields its columns do not fit across a portrait page. */
export function fieldTableOrientation (fields: number): Orientation {
  return fields > 3 ? 'landscape' : 'portrait'
}

/**
 * Bảng 2/4: per unit (rank order) the self (TĐG) and appraised (TĐ) points of each field and the totals, with the
 * classification; then the average row ("Trung bình") and the maxima row ("Điểm tối đa").
 */
function fieldTable (results: ResultSet, orientation: Orientation): Table {
  const fields = results.fields
  // Fixed columns (STT, name, classification); the two total columns a little wider than the fields' ("100,00").
  const fixed = [0.8, 4.6, 1.8].map((cm) => Math.round(cm * CM))
  const totalWidth = Math.round(1.25 * CM)
  const numberWidth = Math.floor((textWidth(orientation) - fixed.reduce((sum, width) => sum + width, 0) - 2 * totalWidth) / (2 * fields.length))
  const widths = [fixed[0] as number, fixed[1] as number, ...Array.from({ length: 2 * fields.length }, () => numberWidth), totalWidth, totalWidth, fixed[2] as number]
  const size = SIZE.smallTable
  const head = (text: string | string[], options: Parameters<typeof cell>[1] = {}) => cell(text, { bold: true, align: 'center', shade: true, size, ...options })
  const number = (display: string) => cell(viDecimal(display), { align: 'center', size })
  const first = headerRow([
    head('STT', { rowSpan: 2 }),
    head('Tên đơn vị', { rowSpan: 2 }),
    ...fields.map((field) => head([`Lĩnh vực ${field.code}`, `(${viPoints(field.maxPoints)} điểm)`], { columnSpan: 2 })),
    head('Tổng điểm', { columnSpan: 2 }),
    head('Xếp loại', { rowSpan: 2 })
  ])
  const second = headerRow(Array.from({ length: fields.length + 1 }, () => [head('TĐG'), head('TĐ')]).flat())
  const rows = results.units.map((unit, i) => bodyRow([
    cell(String(i + 1), { align: 'center', size }),
    cell(unit.unit.name, { size }),
    ...unit.fields.flatMap((field) => [number(field.self.display), number(field.appraised.display)]),
    number(unit.self.display),
    number(unit.appraised.display),
    cell(unit.classification.label, { align: 'center', size })
  ]))
  const average = results.average
  if (average !== null) {
    const bold = (display: string) => cell(viDecimal(display), { align: 'center', size, bold: true })
    rows.push(bodyRow([
      cell('', { size }),
      cell('Trung bình', { bold: true, size }),
      ...fields.flatMap((_, f) => [bold(average.self.fields[f]?.display ?? ''), bold(average.appraised.fields[f]?.display ?? '')]),
      bold(average.self.total.display),
      bold(average.appraised.total.display),
      cell('', { size })
    ]))
  }
  const total = fields.reduce((sum, field) => sum + milliOf(field.maxPoints), 0)
  rows.push(bodyRow([
    cell('', { size }),
    cell('Điểm tối đa', { bold: true, size }),
    ...fields.map((field) => cell(viPoints(field.maxPoints), { align: 'center', size, columnSpan: 2 })),
    cell(viMilli(total), { align: 'center', size, columnSpan: 2 }),
    cell('', { size })
  ]))
  return grid([first, second, ...rows], widths, { cellMargin: 30 })
}

// ---------------------------------------------------------------------------------------------------------------
// The parts of the document

function opening (input: ReportInput): Block[] {
  const { round, parts } = input
  const whom = joinAnd(parts.map((part) => unitsPhrase(part.unitType.name)))
  // One "Thực hiện …" line per legal basis, naming the catalogs it issued.
  const bases = new Map<string, string[]>()
  for (const part of parts) bases.set(part.catalog.legalBasis, [...(bases.get(part.catalog.legalBasis) ?? []), lowerFirst(part.catalog.title)])
  return [
    headingBlock(input.issuer, input.issuedYear),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 360, after: 0 }, children: [new TextRun({ text: 'BÁO CÁO', bold: true })] }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [new TextRun({ text: `Kết quả xác định Chỉ số cải cách hành chính năm ${round.year} của ${whom}`, bold: true })]
    }),
    ...[...bases].map(([basis, titles]) => body(`Thực hiện ${basis} về ${joinAnd(titles)}.`)),
    body(`Trên cơ sở kết quả tự đánh giá, chấm điểm của các cơ quan, đơn vị và kết quả thẩm định của Tổ Thẩm định, ${input.issuer.agency} báo cáo ` +
      `kết quả xác định Chỉ số cải cách hành chính (CCHC) năm ${round.year} của ${whom} gồm những nội dung chính sau:`)
  ]
}

function partOne (input: ReportInput): Block[] {
  const { parts, round } = input
  const blocks: Block[] = [
    heading(2, 'I. MỤC ĐÍCH, YÊU CẦU CỦA VIỆC XÁC ĐỊNH CHỈ SỐ CCHC'),
    ...writtenSection(3, '1. Mục đích', 'mục đích của việc xác định Chỉ số CCHC năm ' + round.year),
    ...writtenSection(3, '2. Yêu cầu', 'yêu cầu của việc xác định Chỉ số CCHC'),
    heading(2, 'II. CẤU TRÚC CHỈ SỐ CẢI CÁCH HÀNH CHÍNH')
  ]
  parts.forEach((part, p) => {
    blocks.push(
      heading(3, `${p + 1}. Chỉ số cải cách hành chính của ${unitsPhrase(part.unitType.name)}`),
      body(structureLead(part.unitType.name, part.catalog.stats)),
      ...part.catalog.stats.map((field, i) => body(structureItem(i, field))),
      body(bandsSentence(part.results.catalog.classification))
    )
  })
  blocks.push(
    heading(2, 'III. ĐỐI TƯỢNG VÀ PHƯƠNG PHÁP ĐÁNH GIÁ, XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH'),
    heading(3, '1. Đối tượng'),
    ...parts.map((part) => body(subjectsItem(part.unitType.name, part.results.units.length, round.year))),
    heading(3, '2. Phương pháp đánh giá, xác định Chỉ số CCHC'),
    body('- Tự đánh giá: các cơ quan, đơn vị tự theo dõi, đánh giá và chấm điểm kết quả thực hiện nhiệm vụ CCHC theo từng tiêu chí, tiêu chí thành phần trên phần mềm chấm điểm, kèm theo tài liệu kiểm chứng.'),
    body('- Thẩm định: Tổ Thẩm định rà soát, thẩm định kết quả tự đánh giá của từng cơ quan, đơn vị; yêu cầu bổ sung tài liệu kiểm chứng khi cần; điểm thẩm định khác điểm tự đánh giá đều có lý do.'),
    body(`- Tổng hợp: ${input.issuer.agency} tổng hợp kết quả, xác định Chỉ số CCHC bằng tỷ lệ giữa điểm thẩm định và tổng điểm tối đa của các tiêu chí áp dụng, xếp hạng và xếp loại các cơ quan, đơn vị. ` +
      [...new Set(parts.map((part) => part.catalog.ranking))].map(rankingSentence).join(' '))
  )
  return blocks
}

function versionNote (parts: readonly ReportPart[]): Paragraph {
  return note(`(Số liệu lấy từ kết quả đã công bố: ${parts.map((part) =>
    `${lowerFirst(part.unitType.name)} phiên bản ${part.version.number}, công bố ngày ${viDate(part.version.publishedAt)}`).join('; ')}.)`)
}

function unitTypeResults (pages: Pages, counters: Counters, part: ReportPart, index: number, year: number): void {
  const { results } = part
  const who = unitsPhrase(part.unitType.name)
  const comparison = results.comparison
  const previousYear = comparison?.round.year ?? null
  pages.add(heading(2, `${roman(index + 1)}. KẾT QUẢ CHỈ SỐ CCHC CỦA ${upper(who)}`), heading(3, '1. Chỉ số tổng hợp'))

  const summaryNumber = ++counters.table
  pages.add(caption(`Bảng ${summaryNumber}: Kết quả Chỉ số CCHC của ${who}`, 'above'), summaryTable(results))
  const totalChange = comparison?.average?.appraised.total ?? null
  const groups = bandGroups(results, results.catalog.classification)
  pages.add(
    body(overallLead(part.unitType.name, results.average?.appraised.total.display ?? '0.00',
      totalChange !== null && previousYear !== null ? { previousYear, display: totalChange.display } : null, groups), { afterTable: true }),
    ...groups.flatMap((group) => { const item = bandItem(group); return item === null ? [] : [body(item)] })
  )
  const spread = indexSpread(results)
  const spreadText = spread === null ? null : spreadSentence(spread)
  if (spreadText !== null) pages.add(body(spreadText))
  const moves = movesOnPreviousYear(results, results.catalog.classification)
  if (moves !== null && previousYear !== null) pages.add(...movesSentences(moves, previousYear).map((text) => body(text)))
  pages.add(placeholder(`nhận xét chung về Chỉ số CCHC năm ${year} của ${who}`))

  const indexChart = ++counters.chart
  pages.add(...chart(part, 'index', indexChart, `Chỉ số cải cách hành chính năm ${year} của ${who}`))

  const fieldsNumber = ++counters.table
  const orientation = fieldTableOrientation(results.fields.length)
  pages.apart(orientation, [
    caption(`Bảng ${fieldsNumber}: Điểm theo từng lĩnh vực của Chỉ số CCHC của ${who}`, 'above'),
    fieldTable(results, orientation),
    note(`Ghi chú: TĐG là điểm tự đánh giá, TĐ là điểm thẩm định. ${results.fields.map((field) => `Lĩnh vực ${field.code}: ${field.title}`).join('; ')}.`)
  ])

  const averagesChart = ++counters.chart
  pages.add(
    body(averagesSentence(fieldAverages(results), averagesChart)),
    ...chart(part, 'averages', averagesChart, 'Giá trị trung bình của các lĩnh vực so với điểm tối đa'),
    heading(3, '2. Các chỉ số thành phần')
  )
  const fieldMap = new Map((comparison?.fields ?? []).map((field) => [field.code, field.previousCode]))
  results.fields.forEach((field, f) => {
    const number = ++counters.chart
    const previousCode = fieldMap.get(field.code)
    const share = part.previous !== null && previousCode !== undefined ? fieldShareChange(results, part.previous.results, field.code, previousCode) : null
    pages.add(
      heading(4, `2.${f + 1}. ${field.title}`),
      ...chart(part, `field-${field.code}`, number, field.title),
      body(fieldParagraph(fieldFigures(results, field.code), number, share === null || part.previous === null ? null : { previousYear: part.previous.year, ...share })),
      placeholder(`đánh giá, phân tích kết quả của lĩnh vực ${lowerFirst(field.title)}`)
    )
  })
}

function partThree (input: ReportInput): Block[] {
  const { parts, round } = input
  const blocks: Block[] = [
    heading(2, 'I. NHẬN XÉT, ĐÁNH GIÁ'),
    ...writtenSection(3, '1. Nhận xét chung', `nhận xét chung về kết quả Chỉ số CCHC năm ${round.year}`),
    heading(3, '2. Ưu điểm và hạn chế'),
    ...writtenSection(4, '2.1. Ưu điểm', 'những ưu điểm'),
    ...writtenSection(4, '2.2. Hạn chế', 'những hạn chế, tồn tại'),
    heading(3, '3. Chênh lệch giữa điểm tự đánh giá và điểm thẩm định')
  ]
  for (const part of parts) {
    const gap = gapFigures(part.results)
    if (gap !== null) blocks.push(...gapSentences(part.unitType.name, gap).map((text) => body(text)))
  }
  blocks.push(
    heading(2, 'II. ĐỀ XUẤT, KIẾN NGHỊ'),
    ...writtenSection(3, '1. Với UBND tỉnh, Chủ tịch UBND tỉnh', 'đề xuất, kiến nghị với UBND tỉnh, Chủ tịch UBND tỉnh'),
    ...writtenSection(3, `2. Với ${joinAnd(parts.map((part) => unitsPhrase(part.unitType.name)))}`, 'đề xuất, kiến nghị với các cơ quan, đơn vị')
  )
  return blocks
}

/** The whole report as a docx Document. */
export function reportDocument (input: ReportInput): Document {
  const pages = new Pages()
  const counters = new Counters()
  pages.add(...opening(input), ...partHeading('Phần 1', 'Tổng quan về Chỉ số cải cách hành chính'), ...partOne(input))
  pages.add(...partHeading('Phần 2', `Kết quả xác định Chỉ số CCHC năm ${input.round.year}`), versionNote(input.parts))
  input.parts.forEach((part, i) => unitTypeResults(pages, counters, part, i, input.round.year))
  const recipients = [
    'Bộ Nội vụ (để b/c);',
    'Chủ tịch UBND tỉnh (để b/c);',
    ...input.parts.map((part) => `${capitalize(unitsPhrase(part.unitType.name))};`),
    'Lưu: VT, CCHC.'
  ]
  pages.add(...partHeading('Phần 3', 'Kết luận'), ...partThree(input), signatureBlock(input.issuer, recipients))
  const title = `Báo cáo kết quả xác định Chỉ số CCHC năm ${input.round.year}`
  return new Document({
    creator: input.issuer.agency,
    title,
    description: `${title}; ${input.parts.map((part) => `${part.unitType.code} v${part.version.number}`).join(', ')}`,
    styles,
    sections: pages.sections
      .filter((page, i) => i === 0 || page.children.length > 0)
      .map((page, i) => section(page.children, page.orientation, i === 0))
  })
}
