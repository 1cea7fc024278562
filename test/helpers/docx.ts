// Reads a DOCX back as a test would check it: the document XML, its tables as rows of cell texts (with which rows
// repeat as headers), its paragraphs outside tables, its sections' orientation and its media files (jszip + the XML).
import JSZip from 'jszip'

export interface DocxRow { header: boolean, cells: string[] }
export interface DocxTable { rows: DocxRow[], /** Offset of the table in the document XML. */ at: number }

export interface DocxContent {
  xml: string
  /** word/styles.xml: the document defaults (font, size) and heading styles. */
  styles: string
  tables: DocxTable[]
  /** Text of every paragraph outside tables, in order. */
  paragraphs: string[]
  /** Orientation of each section, in order, with the offset where the section ends. */
  sections: { orientation: 'portrait' | 'landscape', end: number }[]
  media: { name: string, bytes: Buffer }[]
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'' }
const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] as string)

/** The text of a piece of WordprocessingML: its w:t runs, paragraphs joined by a line break. */
function textOf (xml: string): string {
  const paragraphs = [...xml.matchAll(/<w:p(?:\s[^>]*)?>([\s\S]*?)<\/w:p>/g)].map((match) =>
    [...(match[1] as string).matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((text) => decode(text[1] as string)).join(''))
  return paragraphs.join('\n')
}

export async function readDocx (body: Buffer): Promise<DocxContent> {
  const zip = await JSZip.loadAsync(body)
  const xml = await zip.file('word/document.xml')?.async('string')
  const styles = await zip.file('word/styles.xml')?.async('string')
  if (xml === undefined || styles === undefined) throw new Error('The DOCX has no word/document.xml or word/styles.xml')
  const tables = [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((table) => ({
    at: table.index ?? 0,
    rows: [...(table[1] as string).matchAll(/<w:tr(?:\s[^>]*)?>([\s\S]*?)<\/w:tr>/g)].map((row) => ({
      header: /<w:tblHeader\/>/.test(row[1] as string),
      cells: [...(row[1] as string).matchAll(/<w:tc(?:\s[^>]*)?>([\s\S]*?)<\/w:tc>/g)].map((cell) => textOf(cell[1] as string))
    }))
  }))
  const outside = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '')
  const paragraphs = textOf(outside).split('\n').filter((text) => text.trim() !== '')
  const sections = [...xml.matchAll(/<w:sectPr[\s\S]*?<w:pgSz[^>]*w:orient="(portrait|landscape)"[^>]*\/>/g)].map((match) => ({
    orientation: match[1] as 'portrait' | 'landscape',
    end: match.index ?? 0
  }))
  const media: DocxContent['media'] = []
  for (const name of Object.keys(zip.files).filter((path) => path.startsWith('word/media/')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    media.push({ name, bytes: Buffer.from(await (zip.file(name) as JSZip.JSZipObject).async('uint8array')) })
  }
  return { xml, styles, tables, paragraphs, sections, media }
}

/** The table whose first row's first cell is `firstHeader`. */
export function tableStartingWith (content: DocxContent, firstHeader: string): DocxTable {
  const table = content.tables.find((candidate) => candidate.rows[0]?.cells[0] === firstHeader)
  if (table === undefined) throw new Error(`No table starts with "${firstHeader}"`)
  return table
}

/** The orientation of the section a position of the document XML is in. */
export function orientationAt (content: DocxContent, offset: number): 'portrait' | 'landscape' | null {
  return content.sections.find((section) => section.end >= offset)?.orientation ?? null
}

/** PNG width and height from its IHDR, or null when the bytes are not a PNG. */
export function pngInfo (bytes: Buffer): { width: number, height: number } | null {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('ascii', 12, 16) !== 'IHDR') return null
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}
