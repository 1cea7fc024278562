// The page and type of an administrative document (Nghị định 30/2020/NĐ-CP): A4, Times New Roman 13–14, the margins,
// the heading block and signature block, and the docx pieces the report is built from (paragraphs, captions, tables,
// images, the staff's placeholders).
import {
  AlignmentType, BorderStyle, Header, HeadingLevel, HighlightColor, ImageRun, LineRuleType, PageNumber, PageOrientation, Paragraph, ShadingType, Table, TableCell,
  TableLayoutType, TableRow, TextRun, VerticalAlignTable, WidthType, type ISectionOptions, type IStylesOptions
} from 'docx'
import { upper } from '../../domain/report-format.js'

/** Twips per centimetre (1 cm = 567 twips). */
export const CM = 567
const A4 = { width: 11906, height: 16838 }
// Nghị định 30/2020: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
const MARGIN = { top: 2 * CM, bottom: 2 * CM, left: 3 * CM, right: Math.round(1.5 * CM) }

export type Orientation = 'portrait' | 'landscape'

/** The width of the text on a page, in twips. */
export function textWidth (orientation: Orientation): number {
  return (orientation === 'portrait' ? A4.width : A4.height) - MARGIN.left - MARGIN.right
}

/** The height of the text on a page, in twips. */
export function textHeight (orientation: Orientation): number {
  return (orientation === 'portrait' ? A4.height : A4.width) - MARGIN.top - MARGIN.bottom
}

const FONT = 'Times New Roman'
/** Sizes in half-points, as docx counts them. */
export const SIZE = { body: 28, heading: 26, table: 24, smallTable: 20, note: 24, recipients: 22 }

export const styles: IStylesOptions = {
  default: {
    document: {
      run: { font: FONT, size: SIZE.body },
      // lineRule auto (a multiple of single spacing) is explicit: LibreOffice otherwise clips inline images to one line.
      paragraph: { spacing: { after: 120, line: 300, lineRule: LineRuleType.AUTO } }
    },
    heading1: { run: { font: FONT, size: SIZE.body, bold: true, color: '000000' }, paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 240, after: 120 }, keepNext: true } },
    heading2: { run: { font: FONT, size: SIZE.body, bold: true, color: '000000' }, paragraph: { spacing: { before: 180, after: 120 }, keepNext: true } },
    heading3: { run: { font: FONT, size: SIZE.body, bold: true, color: '000000' }, paragraph: { spacing: { before: 120, after: 120 }, keepNext: true } },
    heading4: { run: { font: FONT, size: SIZE.body, bold: true, italics: true, color: '000000' }, paragraph: { spacing: { before: 120, after: 120 }, keepNext: true } }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Paragraphs

/** A paragraph of running text: justified, the first line indented 1 cm; `afterTable` leaves room under a table. */
export function body (text: string, options: { afterTable?: boolean } = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: CM },
    ...(options.afterTable ? { spacing: { before: 200 } } : {}),
    children: [new TextRun(text)]
  })
}

/**
 * A place the staff write (judgement, not figures): italic on a yellow highlight, so it cannot be missed or printed
 * by accident.
 */
export function placeholder (hint: string): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: CM },
    children: [new TextRun({ text: `[Nội dung do cán bộ soạn thảo: ${hint}]`, italics: true, highlight: HighlightColor.YELLOW })]
  })
}

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4] as const

/** A heading of level 1 (Phần), 2 (I.), 3 (1.) or 4 (2.1.). */
export function heading (level: 1 | 2 | 3 | 4, text: string): Paragraph {
  return new Paragraph({ heading: HEADINGS[level - 1], children: [new TextRun(text)] })
}

/** A heading over a passage the staff write: the heading, then the placeholder saying what goes there. */
export function writtenSection (level: 2 | 3 | 4, text: string, hint: string): Paragraph[] {
  return [heading(level, text), placeholder(hint)]
}

/** A part's two-line heading: "Phần 1" above its title in capitals, both centred. */
export function partHeading (label: string, title: string): Paragraph[] {
  return [
    new Paragraph({ heading: HeadingLevel.HEADING_1, spacing: { before: 360, after: 0 }, children: [new TextRun(label)] }),
    new Paragraph({ alignment: AlignmentType.CENTER, keepNext: true, spacing: { after: 240 }, children: [new TextRun({ text: upper(title), bold: true })] })
  ]
}

/** A table's caption, above it ("Bảng 1: …"), or a chart's, below it ("Biểu đồ 1. …"): bold, centred. */
export function caption (text: string, position: 'above' | 'below'): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    keepNext: position === 'above',
    spacing: { before: position === 'above' ? 120 : 0, after: 120 },
    children: [new TextRun({ text, bold: true })]
  })
}

/** A small note under a table. */
export function note (text: string): Paragraph {
  return new Paragraph({ alignment: AlignmentType.JUSTIFIED, children: [new TextRun({ text, italics: true, size: SIZE.note })] })
}

/** Width and height of a PNG from its header (IHDR), in pixels. */
export function pngSize (png: Buffer): { width: number, height: number } {
  if (png.length < 24 || png.readUInt32BE(12) !== 0x49484452) throw new Error('Not a PNG image')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

/**
 * A chart image, centred, `widthPx` wide at 96 dpi (the image is drawn at twice that), kept on the page with its
 * caption and no taller than the page allows.
 */
export function image (png: Buffer, widthPx: number, orientation: Orientation, description: string): Paragraph {
  const size = pngSize(png)
  let width = widthPx
  let height = Math.round(size.height * widthPx / size.width)
  // 15 twips to the pixel; leave room for the caption.
  const room = Math.floor(textHeight(orientation) / 15) - 60
  if (height > room) {
    width = Math.round(width * room / height)
    height = room
  }
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    keepNext: true,
    spacing: { before: 120, after: 0, line: 240, lineRule: LineRuleType.AUTO },
    children: [new ImageRun({ type: 'png', data: png, transformation: { width, height }, altText: { name: description, description, title: description } })]
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Tables

export interface CellOptions {
  bold?: boolean
  align?: 'left' | 'center' | 'right'
  columnSpan?: number
  rowSpan?: number
  shade?: boolean
  size?: number
}

const ALIGN = { left: AlignmentType.LEFT, center: AlignmentType.CENTER, right: AlignmentType.RIGHT }

/** A table cell of one or more lines. */
export function cell (text: string | string[], options: CellOptions = {}): TableCell {
  const lines = Array.isArray(text) ? text : [text]
  // Small type is for wide tables that must fit a page (Bảng 2/4): no room between the lines there.
  const padding = (options.size ?? SIZE.table) < SIZE.table ? 0 : 20
  return new TableCell({
    verticalAlign: VerticalAlignTable.CENTER,
    ...(options.columnSpan !== undefined ? { columnSpan: options.columnSpan } : {}),
    ...(options.rowSpan !== undefined ? { rowSpan: options.rowSpan } : {}),
    ...(options.shade ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'E7ECF2' } } : {}),
    children: lines.map((line) => new Paragraph({
      alignment: ALIGN[options.align ?? 'left'],
      spacing: { before: padding, after: padding, line: 240, lineRule: LineRuleType.AUTO },
      children: [new TextRun({ text: line, bold: options.bold ?? false, size: options.size ?? SIZE.table })]
    }))
  })
}

/** A header row, repeated at the top of every page the table runs onto. */
export function headerRow (cells: TableCell[]): TableRow {
  return new TableRow({ tableHeader: true, cantSplit: true, children: cells })
}

/** A body row, never split across pages. */
export function bodyRow (cells: TableCell[]): TableRow {
  return new TableRow({ cantSplit: true, children: cells })
}

/** A bordered table of fixed column widths (twips). */
export function grid (rows: TableRow[], columnWidths: number[], options: { cellMargin?: number } = {}): Table {
  const margin = options.cellMargin ?? 80
  return new Table({
    rows,
    columnWidths,
    width: { size: columnWidths.reduce((sum, width) => sum + width, 0), type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER,
    margins: { left: margin, right: margin, top: 0, bottom: 0 }
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Heading block, signature, page setup

const NO_BORDERS = {
  top: { style: BorderStyle.NONE, size: 0, color: 'auto' },
  bottom: { style: BorderStyle.NONE, size: 0, color: 'auto' },
  left: { style: BorderStyle.NONE, size: 0, color: 'auto' },
  right: { style: BorderStyle.NONE, size: 0, color: 'auto' },
  insideHorizontal: { style: BorderStyle.NONE, size: 0, color: 'auto' },
  insideVertical: { style: BorderStyle.NONE, size: 0, color: 'auto' }
}

function line (text: string, options: { bold?: boolean, italics?: boolean, size?: number } = {}): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO },
    children: [new TextRun({ text, bold: options.bold ?? false, italics: options.italics ?? false, size: options.size ?? SIZE.heading })]
  })
}

/** The short rule under the agency's name and under the motto: an empty paragraph's top border between indents. */
function rule (indent: number): Paragraph {
  return new Paragraph({
    spacing: { before: 0, after: 120, line: 240, lineRule: LineRuleType.AUTO },
    indent: { left: indent, right: indent },
    border: { top: { style: BorderStyle.SINGLE, size: 6, color: '000000', space: 1 } },
    children: [new TextRun({ text: '', size: 4 })]
  })
}

const plainCell = (children: Paragraph[], width: number) => new TableCell({ borders: NO_BORDERS, width: { size: width, type: WidthType.DXA }, children })

function borderless (left: Paragraph[], right: Paragraph[], leftWidth: number, rightWidth: number): Table {
  return new Table({
    rows: [new TableRow({ cantSplit: true, children: [plainCell(left, leftWidth), plainCell(right, rightWidth)] })],
    columnWidths: [leftWidth, rightWidth],
    width: { size: leftWidth + rightWidth, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS
  })
}

export interface Issuer {
  /** The agency above the issuer, e.g. "UBND tỉnh Thanh Hóa". */
  parent: string
  /** The issuing agency, e.g. "Sở Nội vụ". */
  agency: string
  /** The place in the date line, e.g. "Thanh Hóa". */
  place: string
  /** The document symbol after the number, e.g. "BC-SNV". */
  symbol: string
  /** The signer's title, e.g. "Giám đốc". */
  signerTitle: string
}

/** The heading block: agency, number, national motto, place and date (day and month left blank for signing). */
export function headingBlock (issuer: Issuer, year: number): Table {
  const width = textWidth('portrait')
  const left = Math.round(width * 0.36)
  return borderless([
    line(upper(issuer.parent)),
    line(upper(issuer.agency), { bold: true }),
    rule(Math.round(1.8 * CM)),
    line(`Số:        /${issuer.symbol}`)
  ], [
    line('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true }),
    line('Độc lập - Tự do - Hạnh phúc', { bold: true, size: SIZE.body }),
    rule(Math.round(2.6 * CM)),
    line(`${issuer.place}, ngày      tháng      năm ${year}`, { italics: true, size: SIZE.body })
  ], left, width - left)
}

/** "Nơi nhận" on the left, the signer's title on the right with room to sign. */
export function signatureBlock (issuer: Issuer, recipients: string[]): Table {
  const width = textWidth('portrait')
  const left = Math.round(width * 0.5)
  const recipientLines = recipients.map((recipient) => new Paragraph({
    spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO },
    children: [new TextRun({ text: `- ${recipient}`, size: SIZE.recipients })]
  }))
  return borderless([
    new Paragraph({ spacing: { before: 240, after: 0 }, children: [new TextRun({ text: 'Nơi nhận:', bold: true, italics: true, size: SIZE.table })] }),
    ...recipientLines
  ], [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 240, after: 0 }, children: [new TextRun({ text: upper(issuer.signerTitle), bold: true })] }),
    ...Array.from({ length: 4 }, () => new Paragraph({ spacing: { after: 0 }, children: [new TextRun(' ')] })),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: '[Họ và tên người ký]', italics: true, highlight: HighlightColor.YELLOW })] })
  ], left, width - left)
}

/** Page numbers at the top centre, from the second page on (Nghị định 30/2020). */
function pageNumberHeader () {
  return new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT], size: SIZE.heading })] })
}

/** A section of pages of one orientation; the first section has no page number on its first page. */
export function section (children: ISectionOptions['children'], orientation: Orientation, first: boolean): ISectionOptions {
  return {
    properties: {
      titlePage: first,
      page: {
        size: { width: A4.width, height: A4.height, orientation: orientation === 'portrait' ? PageOrientation.PORTRAIT : PageOrientation.LANDSCAPE },
        margin: { ...MARGIN, header: CM, footer: CM }
      }
    },
    headers: { default: new Header({ children: [pageNumberHeader()] }), ...(first ? { first: new Header({ children: [] }) } : {}) },
    children
  }
}
