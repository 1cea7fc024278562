// Decides what an evidence file is from its first bytes (never its name or declared type) and refuses anything off the allowlist.
import { constants as zlibConstants, inflateRawSync } from 'node:zlib'
import { text, type Text } from '../messages/text.js'
import { UnsupportedFileTypeError } from './errors.js'
import type { DetectedType } from './types.js'

/** How much of the start of a file the sniffer looks at: enough for the first entries of an Office zip. */
export const SNIFF_BYTES = 64 * 1024

const type = (mime: string, extension: string, label: Text): DetectedType => Object.freeze({ mime, extension, label })

export const EVIDENCE_TYPES = Object.freeze({
  pdf: type('application/pdf', 'pdf', text('PDF document', 'tài liệu PDF')),
  jpeg: type('image/jpeg', 'jpg', text('JPEG image', 'ảnh JPEG')),
  png: type('image/png', 'png', text('PNG image', 'ảnh PNG')),
  docx: type('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx', text('Word document', 'tài liệu Word')),
  xlsx: type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx', text('Excel workbook', 'bảng tính Excel')),
  pptx: type('application/vnd.openxmlformats-officedocument.presentationml.presentation', 'pptx', text('PowerPoint presentation', 'bản trình chiếu PowerPoint')),
  /** An Office Open XML package whose kind (Word, Excel, PowerPoint) was not visible in the sniffed bytes. */
  ooxml: type('application/x-ooxml', 'ooxml', text('Office Open XML document', 'tài liệu Office Open XML')),
  odt: type('application/vnd.oasis.opendocument.text', 'odt', text('OpenDocument text', 'văn bản OpenDocument')),
  ods: type('application/vnd.oasis.opendocument.spreadsheet', 'ods', text('OpenDocument spreadsheet', 'bảng tính OpenDocument')),
  odp: type('application/vnd.oasis.opendocument.presentation', 'odp', text('OpenDocument presentation', 'bản trình chiếu OpenDocument')),
  doc: type('application/msword', 'doc', text('Word 97-2003 document', 'tài liệu Word 97-2003')),
  xls: type('application/vnd.ms-excel', 'xls', text('Excel 97-2003 workbook', 'bảng tính Excel 97-2003')),
  ppt: type('application/vnd.ms-powerpoint', 'ppt', text('PowerPoint 97-2003 presentation', 'bản trình chiếu PowerPoint 97-2003')),
  /** An OLE2 compound file whose directory was not visible in the sniffed bytes: a legacy Office file of unknown kind. */
  ole: type('application/x-ole-storage', 'ole', text('Office 97-2003 document', 'tài liệu Office 97-2003'))
})

const ZIP_LOCAL_HEADER = Buffer.from('PK\x03\x04', 'latin1')
const OLE2 = Buffer.from([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])

type Family = DetectedType | 'zip' | 'ole2'
const ACCEPTED: ReadonlyArray<readonly [Buffer, Family]> = [
  [Buffer.from('%PDF-', 'latin1'), EVIDENCE_TYPES.pdf],
  [Buffer.from([0xFF, 0xD8, 0xFF]), EVIDENCE_TYPES.jpeg],
  [Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), EVIDENCE_TYPES.png],
  [ZIP_LOCAL_HEADER, 'zip'],
  [OLE2, 'ole2']
]

const ODF_TYPES: Record<string, DetectedType> = {
  'application/vnd.oasis.opendocument.text': EVIDENCE_TYPES.odt,
  'application/vnd.oasis.opendocument.spreadsheet': EVIDENCE_TYPES.ods,
  'application/vnd.oasis.opendocument.presentation': EVIDENCE_TYPES.odp
}

const OOXML_MAIN_PARTS: ReadonlyArray<readonly [string, DetectedType]> = [
  ['wordprocessingml.document.main+xml', EVIDENCE_TYPES.docx],
  ['spreadsheetml.sheet.main+xml', EVIDENCE_TYPES.xlsx],
  ['presentationml.presentation.main+xml', EVIDENCE_TYPES.pptx]
]
const OOXML_PART_FOLDERS: ReadonlyArray<readonly [string, DetectedType]> = [
  ['word/', EVIDENCE_TYPES.docx],
  ['xl/', EVIDENCE_TYPES.xlsx],
  ['ppt/', EVIDENCE_TYPES.pptx]
]
// docm, xlsm, pptm, dotm, xlsb, xlam…: the main part's content type says so, and the VBA project is a part of its own.
const MACRO_CONTENT_TYPE = /macroEnabled(Template)?\.main|vbaProject/i

/**
 * Sniffs the start of a file. Returns the type once it is certain, `undefined` while more bytes are
 * needed, and throws UnsupportedFileTypeError as soon as the content cannot be an accepted type.
 * `complete` says the whole file is in `head`; with SNIFF_BYTES or more the answer is final anyway.
 */
export function sniffContentType (head: Uint8Array, complete: boolean): DetectedType | undefined {
  const bytes = asBuffer(head)
  const conclusive = complete || bytes.length >= SNIFF_BYTES
  for (const [magic, family] of ACCEPTED) {
    if (!startsWith(bytes, magic)) continue
    if (family === 'zip') return conclusive ? sniffZip(bytes.subarray(0, SNIFF_BYTES)) : undefined
    if (family === 'ole2') return conclusive ? sniffCompoundFile(bytes.subarray(0, SNIFF_BYTES)) : undefined
    return family
  }
  // A few bytes that may still grow into an accepted signature.
  if (!conclusive && ACCEPTED.some(([magic]) => startsWith(magic, bytes))) return undefined
  throw new UnsupportedFileTypeError(describe(bytes))
}

/** The type of a whole file, or of a file of which these are the first SNIFF_BYTES or more. */
export function detectContentType (content: Uint8Array): DetectedType {
  return sniffContentType(content, true) as DetectedType
}

/**
 * Narrows a generic result by the uploaded file's extension, only among the formats its content
 * allows: an OLE2 file may be called .doc, .xls or .ppt, an Office Open XML one .docx, .xlsx or .pptx.
 */
export function refineByFilename (detected: DetectedType, filename: string): DetectedType {
  const extension = /\.([A-Za-z]+)$/.exec(filename)?.[1]?.toLowerCase()
  const choices = detected === EVIDENCE_TYPES.ole
    ? [EVIDENCE_TYPES.doc, EVIDENCE_TYPES.xls, EVIDENCE_TYPES.ppt]
    : detected === EVIDENCE_TYPES.ooxml ? [EVIDENCE_TYPES.docx, EVIDENCE_TYPES.xlsx, EVIDENCE_TYPES.pptx] : []
  return choices.find((choice) => choice.extension === extension) ?? detected
}

/** Extensions a file of that type may carry (the first is the one given to a file whose name says otherwise). */
function extensionsOf (type: DetectedType): string[] {
  if (type === EVIDENCE_TYPES.jpeg) return ['jpg', 'jpeg', 'jpe']
  if (type === EVIDENCE_TYPES.ole) return ['doc', 'xls', 'ppt']
  if (type === EVIDENCE_TYPES.ooxml) return ['docx', 'xlsx', 'pptx']
  return [type.extension]
}

/**
 * The stored name of a file: its own when its extension fits the type its content has, otherwise with the right
 * extension in place of a wrong one (or added), so no program ever opens it as something else: "bao-cao.exe" holding a
 * PDF is kept as "bao-cao.pdf", "scan" as "scan.jpg".
 */
export function nameForType (filename: string, type: DetectedType): string {
  const match = /^(.*)\.([A-Za-z0-9]{1,8})$/.exec(filename)
  const allowed = extensionsOf(type)
  if (match && allowed.includes((match[2] ?? '').toLowerCase())) return filename
  const base = match && match[1] ? match[1] : filename
  return `${base}.${allowed[0] ?? type.extension}`
}

// ---- zip: OpenDocument and Office Open XML ----

interface LocalEntry {
  name: string
  flags: number
  method: number
  /** Undefined when the header defers it to a data descriptor (flag bit 3) or to zip64. */
  compressedSize: number | undefined
  dataStart: number
}

/** Local file headers found in the sniffed bytes, in order; sizes are trusted to skip over data when known. */
function localEntries (bytes: Buffer): LocalEntry[] {
  const entries: LocalEntry[] = []
  let at = 0
  while (at !== -1 && at + 30 <= bytes.length && entries.length < 1000) {
    const flags = bytes.readUInt16LE(at + 6)
    const method = bytes.readUInt16LE(at + 8)
    const size = bytes.readUInt32LE(at + 18)
    const nameLength = bytes.readUInt16LE(at + 26)
    const extraLength = bytes.readUInt16LE(at + 28)
    const nameEnd = at + 30 + nameLength
    let next = at + 4
    if (nameLength > 0 && nameEnd <= bytes.length) {
      const compressedSize = (flags & 0x08) !== 0 || size === 0xFFFFFFFF ? undefined : size
      const dataStart = nameEnd + extraLength
      entries.push({ name: bytes.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', at + 30, nameEnd), flags, method, compressedSize, dataStart })
      next = compressedSize === undefined ? dataStart : dataStart + compressedSize
    }
    at = bytes.indexOf(ZIP_LOCAL_HEADER, next)
  }
  return entries
}

/** An entry's content when it is stored or deflated and starts within the sniffed bytes; possibly cut short. */
function entryContent (bytes: Buffer, entry: LocalEntry, maxBytes = 256 * 1024): Buffer | undefined {
  if (entry.dataStart > bytes.length) return undefined
  const end = entry.compressedSize === undefined ? bytes.length : Math.min(bytes.length, entry.dataStart + entry.compressedSize)
  const data = bytes.subarray(entry.dataStart, end)
  if (entry.method === 0) return data.subarray(0, maxBytes)
  if (entry.method !== 8) return undefined
  try {
    // Sync flush yields what can be inflated from a cut-off stream; the output cap keeps a zip bomb harmless.
    return inflateRawSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxBytes })
  } catch {
    return undefined
  }
}

function sniffZip (bytes: Buffer): DetectedType {
  const entries = localEntries(bytes)
  const first = entries[0]
  if (first?.name === 'mimetype') {
    // ODF: the first entry is `mimetype`, stored uncompressed, so its content sits right after the header.
    const mimetype = first.method === 0 ? entryContent(bytes, first, 200)?.toString('latin1') : undefined
    const detected = mimetype === undefined ? undefined : ODF_TYPES[mimetype]
    if (detected) return detected
    throw new UnsupportedFileTypeError(mimetype ? otherPackage(mimetype) : text('a zip archive', 'tệp nén zip'))
  }
  const contentTypes = entries.find((entry) => entry.name === '[Content_Types].xml')
  if (!contentTypes) throw new UnsupportedFileTypeError(text('a zip archive', 'tệp nén zip'))
  if (entries.some((entry) => entry.name.toLowerCase().endsWith('vbaproject.bin'))) throw new UnsupportedFileTypeError(text('a macro-enabled Office document', 'tài liệu Office có macro'))
  const declared = entryContent(bytes, contentTypes)?.toString('utf8')
  if (declared !== undefined) {
    if (MACRO_CONTENT_TYPE.test(declared)) throw new UnsupportedFileTypeError(text('a macro-enabled Office document', 'tài liệu Office có macro'))
    const main = OOXML_MAIN_PARTS.find(([contentType]) => declared.includes(contentType))
    if (main) return main[1]
  }
  const folder = OOXML_PART_FOLDERS.find(([prefix]) => entries.some((entry) => entry.name.startsWith(prefix)))
  return folder ? folder[1] : EVIDENCE_TYPES.ooxml
}

// ---- OLE2 compound files: Word, Excel and PowerPoint 97-2003 ----

const END_OF_CHAIN = 0xFFFFFFFE
const MAX_REGULAR_SECTOR = 0xFFFFFFFA
const OFFICE_STREAMS: Record<string, DetectedType> = {
  WordDocument: EVIDENCE_TYPES.doc,
  Workbook: EVIDENCE_TYPES.xls,
  Book: EVIDENCE_TYPES.xls,
  'PowerPoint Document': EVIDENCE_TYPES.ppt
}
// Root CLSIDs of Windows Installer packages, patches and transforms ({000C1084-0000-0000-C000-000000000046} and kin).
const INSTALLER_CLSID_FIRST = new Set([0x000C1082, 0x000C1084, 0x000C1086])
const OLE_CLSID_TAIL = Buffer.from([0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46])

/**
 * Walks the compound file's directory as far as the sniffed bytes reach, following its sector chain
 * through the FAT. The kind comes from the stream names (WordDocument, Workbook, PowerPoint Document).
 */
function sniffCompoundFile (bytes: Buffer): DetectedType {
  if (bytes.length < 512) throw new UnsupportedFileTypeError(text('a truncated compound file', 'tệp phức hợp bị cắt dở'))
  const sectorShift = bytes.readUInt16LE(0x1E)
  if (sectorShift !== 9 && sectorShift !== 12) return EVIDENCE_TYPES.ole
  const sectorSize = 1 << sectorShift
  const sectorOffset = (sector: number) => (sector + 1) * sectorSize
  const nextSector = (sector: number): number | undefined => {
    const perFatSector = sectorSize / 4
    const fatIndex = Math.floor(sector / perFatSector)
    if (fatIndex >= 109) return undefined // listed in the DIFAT chain beyond the header: not worth following for a sniff
    const fatSector = bytes.readUInt32LE(0x4C + 4 * fatIndex)
    if (fatSector >= MAX_REGULAR_SECTOR) return undefined
    const at = sectorOffset(fatSector) + (sector % perFatSector) * 4
    return at + 4 <= bytes.length ? bytes.readUInt32LE(at) : undefined
  }

  let sector = bytes.readUInt32LE(0x30)
  let directoryComplete = false
  for (let hops = 0; hops < 256; hops++) {
    if (sector === END_OF_CHAIN) { directoryComplete = true; break }
    if (sector >= MAX_REGULAR_SECTOR) break
    const start = sectorOffset(sector)
    if (start + sectorSize > bytes.length) break
    for (let entry = start; entry < start + sectorSize; entry += 128) {
      const objectType = bytes[entry + 0x42]
      if (objectType === 5 && INSTALLER_CLSID_FIRST.has(bytes.readUInt32LE(entry + 0x50)) && bytes.subarray(entry + 0x54, entry + 0x60).equals(OLE_CLSID_TAIL)) {
        throw new UnsupportedFileTypeError(text('a Windows Installer package', 'gói cài đặt Windows Installer'))
      }
      if (objectType !== 2) continue // only streams name the kind of document
      const nameBytes = Math.min(64, bytes.readUInt16LE(entry + 0x40))
      const name = bytes.toString('utf16le', entry, entry + Math.max(0, nameBytes - 2))
      const detected = OFFICE_STREAMS[name]
      if (detected) return detected
    }
    const next = nextSector(sector)
    if (next === undefined) break
    sector = next
  }
  if (directoryComplete) throw new UnsupportedFileTypeError(text('a compound file that is not a Word, Excel or PowerPoint document', 'tệp phức hợp không phải tài liệu Word, Excel hay PowerPoint'))
  return EVIDENCE_TYPES.ole
}

// ---- refusals ----

// Each refusal said in both languages, the Vietnamese to follow "tệp có vẻ là".
const REFUSED: ReadonlyArray<readonly [Buffer, Text]> = [
  [Buffer.from('MZ', 'latin1'), text('a Windows executable', 'chương trình chạy trên Windows')],
  [Buffer.from('\x7FELF', 'latin1'), text('a Linux executable', 'chương trình chạy trên Linux')],
  [Buffer.from([0xCF, 0xFA, 0xED, 0xFE]), text('a macOS executable', 'chương trình chạy trên macOS')],
  [Buffer.from([0xCE, 0xFA, 0xED, 0xFE]), text('a macOS executable', 'chương trình chạy trên macOS')],
  [Buffer.from([0xCA, 0xFE, 0xBA, 0xBE]), text('a macOS executable or Java class', 'chương trình chạy trên macOS hoặc lớp Java')],
  [Buffer.from('#!', 'latin1'), text('a script', 'một tập lệnh')],
  [Buffer.from('PK\x05\x06', 'latin1'), text('an empty zip archive', 'tệp nén zip rỗng')],
  [Buffer.from('Rar!', 'latin1'), text('a RAR archive', 'tệp nén RAR')],
  [Buffer.from([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]), text('a 7-Zip archive', 'tệp nén 7-Zip')],
  [Buffer.from([0x1F, 0x8B]), text('a gzip archive', 'tệp nén gzip')],
  [Buffer.from('GIF8', 'latin1'), text('a GIF image', 'ảnh GIF')],
  [Buffer.from('{\\rtf', 'latin1'), text('an RTF document', 'văn bản RTF')]
]

function describe (bytes: Buffer): Text {
  if (bytes.length === 0) return text('an empty file', 'tệp rỗng')
  const known = REFUSED.find(([magic]) => startsWith(bytes, magic))
  if (known) return known[1]
  const start = bytes.subarray(0, 1024).toString('latin1').replace(/^\xEF\xBB\xBF/, '').trimStart().toLowerCase()
  if (/^<(!doctype html|html|head|body|script|svg|\?xml)/.test(start)) return text('an HTML, SVG or XML document', 'trang HTML, ảnh SVG hoặc tài liệu XML')
  return text('an unrecognised format', 'một định dạng không nhận ra được')
}

function otherPackage (mimetype: string): Text {
  const shown = mimetype.replace(/[^\x20-\x7E]/g, '?').slice(0, 80)
  return text(`an OpenDocument or packaged file of another kind (${shown})`, `tệp OpenDocument hoặc tệp đóng gói loại khác (${shown})`)
}

function startsWith (bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false
  for (let index = 0; index < prefix.length; index++) if (bytes[index] !== prefix[index]) return false
  return true
}

function asBuffer (bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
