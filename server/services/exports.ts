// Exports of a published version of results: CSV (UTF-8 with BOM, for Excel; standard or excel-vi), XLSX laid out like
// the report's Bảng 1 and Bảng 2, and the JSON snapshot. Built from the frozen snapshot, once per version and format.
import type { Executor } from '../db/client.js'
import { type CsvDialect, type CsvValue, csvLine } from '../domain/csv.js'
import { formatVietnamDateTime } from '../domain/lifecycle.js'
import { viPoints } from '../domain/report-format.js'
import { getPublishedResults, type PublishedVersion, type ResultSet } from './results.js'
import { border, fileNamePart, loadExcel, pageLayout, styleHeader, XLSX_MEDIA_TYPE } from './spreadsheet.js'

export type ExportFormat = 'csv' | 'xlsx' | 'json'

export interface ExportFile {
  filename: string
  contentType: string
  body: Buffer
  etag: string
  /** Whether the version is the latest (the default without ?version=). */
  latest: boolean
}

export const EXPORT_MEDIA_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv',
  xlsx: XLSX_MEDIA_TYPE,
  json: 'application/json'
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: EXPORT_MEDIA_TYPES.xlsx,
  json: 'application/json; charset=utf-8'
}

const NUMBER_FORMAT = '#,##0.00'
const MAX_CACHED = 20
const caches = new WeakMap<object, Map<string, Omit<ExportFile, 'latest'>>>()

/** Vietnamese column labels of the report. */
const LABELS = {
  number: 'STT',
  unit: 'Đơn vị',
  unitCode: 'Mã đơn vị',
  self: 'TĐG',
  appraised: 'TĐ',
  selfTotal: 'Điểm tự đánh giá',
  appraisedTotal: 'Điểm thẩm định',
  rank: 'Xếp hạng',
  classification: 'Xếp loại',
  index: 'Chỉ số CCHC',
  total: 'Tổng điểm',
  average: 'Trung bình'
}

export interface ExportRequest {
  format: ExportFormat
  /** The CSV dialect (default standard); the other formats have none. */
  dialect?: CsvDialect | undefined
  /** The version number; default the latest. */
  version?: number | undefined
}

/** An export of a published version (default: the latest); only published results are exported. */
export async function exportResults (db: Executor, roundId: string, unitType: string, request: ExportRequest): Promise<ExportFile> {
  const published = await getPublishedResults(db, roundId, unitType, request.version)
  let cache = caches.get(db)
  if (cache === undefined) caches.set(db, cache = new Map())
  const variant = request.format === 'csv' && request.dialect === 'excel-vi' ? 'csv-excel-vi' : request.format
  const key = `${published.id}.${variant}`
  let file = cache.get(key)
  if (file === undefined) {
    file = await buildExport(published, request.format, variant)
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
    cache.set(key, file)
  }
  return { ...file, latest: published.latest }
}

/** variant: the format, or csv-excel-vi for the CSV in that dialect (its own file name and ETag). */
async function buildExport (published: PublishedVersion, format: ExportFormat, variant: string): Promise<Omit<ExportFile, 'latest'>> {
  const snapshot = published.snapshot
  const dialect = variant === 'csv-excel-vi' ? '-excel-vi' : ''
  const filename = `chi-so-cchc-${fileNamePart(snapshot.round.code)}-${fileNamePart(snapshot.unitType.code)}-v${published.version}${dialect}.${format}`
  // The JSON export is the snapshot without who published it, since both the admin and the public routes serve it.
  const { publishedBy: _publishedBy, ...withoutPublisher } = snapshot
  const body = format === 'csv'
    ? csvExport(snapshot, dialect === '' ? 'standard' : 'excel-vi')
    : format === 'xlsx' ? await xlsxExport(snapshot) : Buffer.from(JSON.stringify(sortKeys(withoutPublisher), null, 2) + '\n', 'utf8')
  return { filename, contentType: CONTENT_TYPES[format], body, etag: `"${published.id}.${variant}"` }
}

// The snapshot comes back from jsonb with its keys reordered; the export lists them alphabetically, the same every time.
function sortKeys (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
  }
  return value
}

/** A decimal figure of the snapshot (exact points as JSON numbers, ratios and displays as decimal strings) for csvLine. */
const decimal = (value: number | string | undefined): CsvValue => value === undefined ? null : { decimal: String(value) }

/**
 * One line per unit in rank order, as Bảng 1 and Bảng 2 side by side: STT, code, unit, self and appraised points per
 * field, the totals, the index, rank and classification; then the "Trung bình" line. Unit values are exact; the
 * average line has the report's 2-decimal values. A BOM makes Excel read the Vietnamese text as UTF-8. The excel-vi
 * dialect separates with ";" and writes every decimal figure with a comma, as Excel on a Vietnamese Windows reads it.
 */
function csvExport (snapshot: ResultSet, dialect: CsvDialect): Buffer {
  const header = [
    LABELS.number, LABELS.unitCode, LABELS.unit,
    ...snapshot.fields.flatMap((field) => [`${field.code} ${LABELS.self}`, `${field.code} ${LABELS.appraised}`]),
    `${LABELS.total} ${LABELS.self}`, `${LABELS.total} ${LABELS.appraised}`, LABELS.index, LABELS.rank, LABELS.classification
  ]
  const lines = [csvLine(header, dialect)]
  snapshot.units.forEach((unit, i) => {
    lines.push(csvLine([
      String(i + 1), unit.unit.code, unit.unit.name,
      ...unit.fields.flatMap((field) => [decimal(field.self.points), decimal(field.appraised.points)]),
      decimal(unit.self.points), decimal(unit.appraised.points), decimal(unit.appraised.index), String(unit.rank), unit.classification.label
    ], dialect))
  })
  const average = snapshot.average
  if (average !== null) {
    lines.push(csvLine([
      '', '', LABELS.average,
      ...snapshot.fields.flatMap((_, f) => [decimal(average.self.fields[f]?.display), decimal(average.appraised.fields[f]?.display)]),
      decimal(average.self.total.display), decimal(average.appraised.total.display), '', '', ''
    ], dialect))
  }
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8')
}

/**
 * Two sheets laid out like the report. "Bảng 1": STT, unit, self total, appraised total, index (Chỉ số CCHC), rank,
 * classification. "Bảng 2": per unit the self (TĐG) and appraised (TĐ) points of each field (its maximum in the header,
 * with the decimal comma: "(20,5)") and of the total, and the classification, as the report's Bảng 2; then the average
 * row. Under each title, the version and when it was published, in Vietnam's time (dd/MM/yyyy HH:mm).
 * Cells hold numbers with the format #,##0.00, which Excel shows with the reader's decimal comma; the index is the
 * exact ratio of the results. Average cells hold the mean rounded half up to 2 places, as the report prints it
 * (19.325 → 19.33). Header rows are frozen and repeat on every printed page (A4 landscape, fit to the page's width).
 */
async function xlsxExport (snapshot: ResultSet): Promise<Buffer> {
  const Excel = await loadExcel()
  const workbook = new Excel.Workbook()
  workbook.creator = 'PAR Index'
  workbook.created = new Date(snapshot.version?.publishedAt ?? snapshot.computedAt)
  const title = `${snapshot.round.title} — ${snapshot.unitType.name}`
  const versionLine = snapshot.version === null
    ? 'Tạm tính'
    : `Phiên bản ${snapshot.version.number}, công bố lúc ${formatVietnamDateTime(new Date(snapshot.version.publishedAt))} (giờ Việt Nam)`

  const summary = workbook.addWorksheet('Bảng 1')
  summary.columns = [{ width: 6 }, { width: 48 }, { width: 16 }, { width: 16 }, { width: 14 }, { width: 10 }, { width: 14 }]
  summary.mergeCells(1, 1, 1, 7)
  summary.getCell(1, 1).value = `Bảng 1. Kết quả Chỉ số CCHC: ${title}`
  summary.getCell(1, 1).font = { bold: true, size: 13 }
  summary.getCell(2, 1).value = versionLine
  const summaryHeader = summary.getRow(3)
  summaryHeader.values = [LABELS.number, LABELS.unit, LABELS.selfTotal, LABELS.appraisedTotal, LABELS.index, LABELS.rank, LABELS.classification]
  styleHeader(summaryHeader)
  snapshot.units.forEach((unit, i) => {
    const row = summary.getRow(4 + i)
    row.values = [i + 1, unit.unit.name, unit.self.points, unit.appraised.points, Number(unit.appraised.index), unit.rank, unit.classification.label]
    for (const column of [3, 4, 5]) row.getCell(column).numFmt = NUMBER_FORMAT
  })
  border(summary, 3, 3 + snapshot.units.length, 7)
  pageLayout(summary, { from: 3, to: 3 })

  const detail = workbook.addWorksheet('Bảng 2')
  // STT, unit, both sides of each field and of the total, then the classification as the report's Bảng 2 ends.
  const columns = 2 + 2 * snapshot.fields.length + 2 + 1
  detail.columns = [{ width: 6 }, { width: 48 }, ...Array.from({ length: columns - 2 }, () => ({ width: 10 }))]
  detail.mergeCells(1, 1, 1, columns)
  detail.getCell(1, 1).value = `Bảng 2. Điểm tự đánh giá (TĐG) và điểm thẩm định (TĐ) theo lĩnh vực: ${title}`
  detail.getCell(1, 1).font = { bold: true, size: 13 }
  detail.getCell(2, 1).value = versionLine
  detail.mergeCells(3, 1, 4, 1)
  detail.mergeCells(3, 2, 4, 2)
  detail.getCell(3, 1).value = LABELS.number
  detail.getCell(3, 2).value = LABELS.unit
  snapshot.fields.forEach((field, f) => {
    const column = 3 + 2 * f
    detail.mergeCells(3, column, 3, column + 1)
    detail.getCell(3, column).value = `${field.code}. ${field.title} (${viPoints(field.maxPoints)})`
    detail.getCell(4, column).value = LABELS.self
    detail.getCell(4, column + 1).value = LABELS.appraised
  })
  detail.mergeCells(3, columns - 2, 3, columns - 1)
  detail.getCell(3, columns - 2).value = LABELS.total
  detail.getCell(4, columns - 2).value = LABELS.self
  detail.getCell(4, columns - 1).value = LABELS.appraised
  detail.mergeCells(3, columns, 4, columns)
  detail.getCell(3, columns).value = LABELS.classification
  detail.getColumn(columns).width = 14
  styleHeader(detail.getRow(3))
  styleHeader(detail.getRow(4))
  detail.getRow(3).height = 60
  const numberRow = (rowNumber: number, first: (string | number)[], values: number[], classification: string | null) => {
    const row = detail.getRow(rowNumber)
    row.values = [...first, ...values, ...(classification === null ? [] : [classification])]
    for (let c = 3; c < columns; c++) row.getCell(c).numFmt = NUMBER_FORMAT
    return row
  }
  snapshot.units.forEach((unit, i) => {
    numberRow(5 + i, [i + 1, unit.unit.name], [...unit.fields.flatMap((field) => [field.self.points, field.appraised.points]), unit.self.points, unit.appraised.points],
      unit.classification.label)
  })
  const average = snapshot.average
  const last = 5 + snapshot.units.length
  if (average !== null) {
    const row = numberRow(last, ['', LABELS.average], [
      ...snapshot.fields.flatMap((_, f) => [Number(average.self.fields[f]?.display), Number(average.appraised.fields[f]?.display)]),
      Number(average.self.total.display), Number(average.appraised.total.display)
    ], null)
    row.font = { bold: true }
  }
  border(detail, 3, average === null ? last - 1 : last, columns)
  pageLayout(detail, { from: 3, to: 4 }, 2)
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
