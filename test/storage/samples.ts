// Small but structurally valid sample files (PDF, images, zip-based and OLE2 Office documents) and test streams, built in memory.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { Readable } from 'node:stream'
import { deflateRawSync } from 'node:zlib'

interface Teardown { teardown: (fn: () => unknown) => void }

/** A fresh directory under the OS temp dir, removed when the test ends (t.testdir() is disabled in this project). */
export function temporaryDirectory (t: Teardown): string {
  const dir = mkdtempSync(join(tmpdir(), 'par-storage-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Every file under dir, as paths relative to it (directories left out). */
export function listFiles (dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
}

// ---- zip ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32 (data: Buffer): number {
  let crc = 0xFFFFFFFF
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xFF] as number) ^ (crc >>> 8)
  return (crc ^ 0xFFFFFFFF) >>> 0
}

export interface ZipEntry {
  name: string
  data: string | Buffer
  /** Deflate the entry (as Office does for most parts); stored otherwise. */
  deflate?: boolean
  /** Put sizes and CRC in a data descriptor after the data (flag bit 3), as streaming zip writers do. */
  dataDescriptor?: boolean
}

/** A minimal but complete zip archive: local headers, data, central directory, end record. */
export function zip (entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const raw = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data, 'utf8')
    const data = entry.deflate ? deflateRawSync(raw) : raw
    const name = Buffer.from(entry.name, 'utf8')
    const crc = crc32(raw)
    const flags = 0x800 | (entry.dataDescriptor ? 0x08 : 0)
    const method = entry.deflate ? 8 : 0
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034B50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    if (!entry.dataDescriptor) {
      local.writeUInt32LE(crc, 14)
      local.writeUInt32LE(data.length, 18)
      local.writeUInt32LE(raw.length, 22)
    }
    local.writeUInt16LE(name.length, 26)
    parts.push(local, name, data)
    let length = local.length + name.length + data.length
    if (entry.dataDescriptor) {
      const descriptor = Buffer.alloc(16)
      descriptor.writeUInt32LE(0x08074B50, 0)
      descriptor.writeUInt32LE(crc, 4)
      descriptor.writeUInt32LE(data.length, 8)
      descriptor.writeUInt32LE(raw.length, 12)
      parts.push(descriptor)
      length += descriptor.length
    }
    const header = Buffer.alloc(46)
    header.writeUInt32LE(0x02014B50, 0)
    header.writeUInt16LE(20, 4)
    header.writeUInt16LE(20, 6)
    header.writeUInt16LE(flags, 8)
    header.writeUInt16LE(method, 10)
    header.writeUInt32LE(crc, 16)
    header.writeUInt32LE(data.length, 20)
    header.writeUInt32LE(raw.length, 24)
    header.writeUInt16LE(name.length, 28)
    header.writeUInt32LE(offset, 42)
    central.push(header, name)
    offset += length
  }
  const directory = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054B50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...parts, directory, end])
}

const OOXML_MAIN: Record<'docx' | 'xlsx' | 'pptx', { part: string, contentType: string }> = {
  docx: { part: 'word/document.xml', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml' },
  xlsx: { part: 'xl/workbook.xml', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml' },
  pptx: { part: 'ppt/presentation.xml', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml' }
}

export function contentTypesXml (overrides: Array<{ part: string, contentType: string }> = []): string {
  return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    overrides.map(({ part, contentType }) => `<Override PartName="/${part}" ContentType="${contentType}"/>`).join('') +
    '</Types>'
}

/** An Office Open XML package laid out as Office writes it: [Content_Types].xml first, deflated. */
export function ooxml (kind: 'docx' | 'xlsx' | 'pptx', options: { deflate?: boolean, dataDescriptor?: boolean } = {}): Buffer {
  const main = OOXML_MAIN[kind]
  const { deflate = true, dataDescriptor = false } = options
  return zip([
    { name: '[Content_Types].xml', data: contentTypesXml([main]), deflate, dataDescriptor },
    { name: '_rels/.rels', data: `<?xml version="1.0"?><Relationships><Relationship Id="rId1" Target="${main.part}"/></Relationships>`, deflate, dataDescriptor },
    { name: main.part, data: '<?xml version="1.0"?><document/>', deflate, dataDescriptor }
  ])
}

/** An OpenDocument package: `mimetype` first and stored, as the ODF specification requires. */
export function odf (mimetype: string): Buffer {
  return zip([
    { name: 'mimetype', data: mimetype },
    { name: 'META-INF/manifest.xml', data: '<?xml version="1.0"?><manifest:manifest/>', deflate: true },
    { name: 'content.xml', data: '<?xml version="1.0"?><office:document-content/>', deflate: true }
  ])
}

// ---- OLE2 compound files ----

const SECTOR = 512
const FREE = 0xFFFFFFFF
const END_OF_CHAIN = 0xFFFFFFFE
const FAT_SECTOR = 0xFFFFFFFD

function directoryEntry (name: string, objectType: number, clsid?: Buffer): Buffer {
  const entry = Buffer.alloc(128)
  entry.write(name, 0, 'utf16le')
  entry.writeUInt16LE((name.length + 1) * 2, 0x40)
  entry.writeUInt8(objectType, 0x42)
  entry.writeUInt32LE(FREE, 0x44)
  entry.writeUInt32LE(FREE, 0x48)
  entry.writeUInt32LE(FREE, 0x4C)
  clsid?.copy(entry, 0x50)
  entry.writeUInt32LE(END_OF_CHAIN, 0x74)
  return entry
}

/**
 * A compound file (v3, 512-byte sectors) whose directory holds a root entry and the given streams,
 * spread over as many directory sectors as needed (four entries each), chained through the FAT.
 * `padSectors` empty sectors come before the directory, to push it past the sniffed bytes.
 */
export function compoundFile (streams: string[], options: { rootClsid?: Buffer, padSectors?: number } = {}): Buffer {
  const entries = [directoryEntry('Root Entry', 5, options.rootClsid), ...streams.map((name) => directoryEntry(name, 2))]
  const directorySectors = Math.ceil(entries.length / 4)
  const padSectors = options.padSectors ?? 0
  const firstDirectory = 1 + padSectors
  const header = Buffer.alloc(SECTOR)
  Buffer.from([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).copy(header, 0)
  header.writeUInt16LE(0x3E, 0x18)
  header.writeUInt16LE(3, 0x1A)
  header.writeUInt16LE(0xFFFE, 0x1C)
  header.writeUInt16LE(9, 0x1E)
  header.writeUInt16LE(6, 0x20)
  header.writeUInt32LE(1, 0x2C) // one FAT sector
  header.writeUInt32LE(firstDirectory, 0x30)
  header.writeUInt32LE(4096, 0x38)
  header.writeUInt32LE(END_OF_CHAIN, 0x3C)
  header.writeUInt32LE(END_OF_CHAIN, 0x44)
  for (let index = 0; index < 109; index++) header.writeUInt32LE(index === 0 ? 0 : FREE, 0x4C + 4 * index)
  const fat = Buffer.alloc(SECTOR, 0xFF)
  fat.writeUInt32LE(FAT_SECTOR, 0)
  for (let index = 0; index < directorySectors; index++) {
    // One FAT sector maps 128 sectors; a directory padded further out is unreachable anyway, which is what such tests want.
    if (firstDirectory + index >= SECTOR / 4) break
    fat.writeUInt32LE(index === directorySectors - 1 ? END_OF_CHAIN : firstDirectory + index + 1, 4 * (firstDirectory + index))
  }
  const padding = Buffer.alloc(padSectors * SECTOR)
  const directory = Buffer.alloc(directorySectors * SECTOR)
  entries.forEach((entry, index) => entry.copy(directory, index * 128))
  return Buffer.concat([header, fat, padding, directory])
}

/** Root CLSID of Windows Installer packages: {000C1084-0000-0000-C000-000000000046}. */
export const INSTALLER_CLSID = Buffer.from([0x84, 0x10, 0x0C, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46])

// ---- the rest ----

export const samples = {
  pdf: () => Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  jpeg: () => Buffer.concat([Buffer.from([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]), Buffer.from('JFIF\0', 'latin1'), Buffer.alloc(64, 7), Buffer.from([0xFF, 0xD9])]),
  png: () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), Buffer.from('\0\0\0\rIHDR', 'latin1'), Buffer.alloc(64, 3)]),
  docx: () => ooxml('docx'),
  xlsx: () => ooxml('xlsx'),
  pptx: () => ooxml('pptx'),
  odt: () => odf('application/vnd.oasis.opendocument.text'),
  ods: () => odf('application/vnd.oasis.opendocument.spreadsheet'),
  odp: () => odf('application/vnd.oasis.opendocument.presentation'),
  doc: () => compoundFile(['1Table', 'SummaryInformation', 'DocumentSummaryInformation', 'WordDocument']),
  xls: () => compoundFile(['Workbook', 'SummaryInformation']),
  ppt: () => compoundFile(['Current User', 'SummaryInformation', 'Pictures', 'PowerPoint Document']),
  /** A Windows executable: `MZ`, the DOS stub and a PE header. */
  exe: () => Buffer.concat([Buffer.from('MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0', 'latin1'), Buffer.alloc(48), Buffer.from('This program cannot be run in DOS mode.\r\r\n$', 'latin1'), Buffer.from('PE\0\0', 'latin1')])
}

/** A byte stream of `data` in chunks of `chunkSize`, produced on demand. */
export function chunked (data: Buffer, chunkSize = 1000): Readable {
  let offset = 0
  return new Readable({
    read () {
      if (offset >= data.length) {
        this.push(null)
        return
      }
      this.push(data.subarray(offset, offset + chunkSize))
      offset += chunkSize
    }
  })
}

/** A stream of `total` bytes starting with `prefix`, generated chunk by chunk; `produced()` says how far it got. */
export function generated (prefix: Buffer, total: number, chunkSize = 64 * 1024): Readable & { produced: () => number } {
  let offset = 0
  const stream = new Readable({
    read () {
      if (offset >= total) {
        this.push(null)
        return
      }
      const chunk = Buffer.alloc(Math.min(chunkSize, total - offset), offset & 0xFF)
      if (offset === 0) prefix.copy(chunk)
      offset += chunk.length
      this.push(chunk)
    }
  })
  return Object.assign(stream, { produced: () => offset })
}

/** Like an upload cut off halfway: pushes part of `data`, then fails with `error` (or just closes when none is given). */
export function failingAfter (data: Buffer, bytes: number, error?: Error): Readable {
  let sent = false
  return new Readable({
    read () {
      if (!sent) {
        sent = true
        this.push(data.subarray(0, bytes))
        return
      }
      setImmediate(() => this.destroy(error))
    }
  })
}
