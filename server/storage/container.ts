// Zip-based evidence (Office Open XML and OpenDocument) inspected whole once stored, through yauzl reading the stored
// object by ranges (so on disk and in a bucket alike): a real document's content types, no executable, script or macro
// inside, a bounded number of entries and expansion (zip-limits). The sniffer only saw the first 64 KB; this sees the directory.
import { PassThrough, type Readable } from 'node:stream'
import yauzl from 'yauzl'
import { EVIDENCE_TYPES } from './content-type.js'
import { text } from '../messages/text.js'
import { UnsupportedFileTypeError } from './errors.js'
import type { DetectedType, EvidenceStore } from './types.js'
import { ExpansionGuard, entriesRefusal } from './zip-limits.js'

const ZIP_TYPES = new Set<DetectedType>([EVIDENCE_TYPES.ooxml, EVIDENCE_TYPES.docx, EVIDENCE_TYPES.xlsx, EVIDENCE_TYPES.pptx,
  EVIDENCE_TYPES.odt, EVIDENCE_TYPES.ods, EVIDENCE_TYPES.odp])
const OOXML_MAIN: ReadonlyArray<readonly [RegExp, DetectedType]> = [
  [/wordprocessingml\.document\.main\+xml/, EVIDENCE_TYPES.docx],
  [/spreadsheetml\.sheet\.main\+xml/, EVIDENCE_TYPES.xlsx],
  [/presentationml\.presentation\.main\+xml/, EVIDENCE_TYPES.pptx]
]
const EXECUTABLE = /\.(exe|dll|com|scr|msi|bat|cmd|ps1|vbs|vbe|js|jse|wsf|wsh|hta|jar|sh|html?|svg|xhtml|lnk|app|apk)$/i
const MACROS = /(^|\/)vbaProject\.bin$|(^|\/)vbaData\.xml$|^Basic\/|^Scripts\//i

class StoreReader extends yauzl.RandomAccessReader {
  constructor (private readonly store: EvidenceStore, private readonly sha256: string) {
    super()
  }

  override _readStreamForRange (start: number, end: number): Readable {
    const out = new PassThrough()
    if (end <= start) {
      out.end()
      return out
    }
    this.store.open(this.sha256, { start, end: end - 1 }).then(
      (stream) => { stream.on('error', (error) => out.destroy(error)).pipe(out) },
      (error: unknown) => { out.destroy(error as Error) })
    return out
  }
}

function openZip (reader: yauzl.RandomAccessReader, size: number): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(reader, size, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true },
      (error, zip) => error || !zip ? reject(error ?? new Error('no zip')) : resolve(zip))
  })
}

async function readEntry (zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number): Promise<string> {
  if (entry.uncompressedSize > limit) throw new UnsupportedFileTypeError(text('a document whose parts are implausibly large', 'tài liệu có thành phần lớn bất thường'))
  const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, opened) => error || !opened ? reject(error) : resolve(opened)))
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Checks a stored zip-based document; resolves to its exact type (docx, xlsx or pptx for Office Open XML), or throws
 * UnsupportedFileTypeError saying what it really is. Other types are returned as they are.
 */
export async function inspectContainer (store: EvidenceStore, sha256: string, size: number, detected: DetectedType): Promise<DetectedType> {
  if (!ZIP_TYPES.has(detected)) return detected
  const reader = new StoreReader(store, sha256)
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(reader, size)
  } catch {
    throw new UnsupportedFileTypeError(text('a damaged or disguised zip archive', 'tệp nén zip bị hỏng hoặc ngụy trang'))
  }
  try {
    const many = entriesRefusal(zip.entryCount)
    if (many) throw new UnsupportedFileTypeError(many)
    const guard = new ExpansionGuard(size)
    let contentTypes: string | null = null
    let mimetype: string | null = null
    const names: string[] = []
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject)
      zip.on('end', resolve)
      zip.on('entry', (entry: yauzl.Entry) => {
        (async () => {
          const name = entry.fileName
          names.push(name)
          const tooFar = guard.add(entry.uncompressedSize)
          if (tooFar) throw new UnsupportedFileTypeError(tooFar)
          if (EXECUTABLE.test(name)) throw new UnsupportedFileTypeError(text(`an archive carrying a program or web page (${name.split('/').pop() ?? name})`, `tệp nén chứa chương trình hoặc trang web (${name.split('/').pop() ?? name})`))
          if (MACROS.test(name)) throw new UnsupportedFileTypeError(text('a document with macros', 'tài liệu có macro'))
          if (name === '[Content_Types].xml') contentTypes = await readEntry(zip, entry, 1024 * 1024)
          if (name === 'mimetype') mimetype = (await readEntry(zip, entry, 200)).trim()
          zip.readEntry()
        })().catch(reject)
      })
      zip.readEntry()
    })
    if (detected === EVIDENCE_TYPES.odt || detected === EVIDENCE_TYPES.ods || detected === EVIDENCE_TYPES.odp) {
      if (mimetype !== detected.mime) throw new UnsupportedFileTypeError(text('a zip archive that is not an OpenDocument file', 'tệp nén zip không phải tài liệu OpenDocument'))
      return detected
    }
    const types = contentTypes as string | null
    if (types === null) throw new UnsupportedFileTypeError(text('a zip archive without Office content types', 'tệp nén zip không khai báo kiểu nội dung Office'))
    if (/macroEnabled|vbaProject/i.test(types)) throw new UnsupportedFileTypeError(text('a document with macros', 'tài liệu có macro'))
    const main = OOXML_MAIN.filter(([pattern]) => pattern.test(types)).map(([, type]) => type)
    const actual = main.length === 1 ? main[0] : undefined
    if (!actual) throw new UnsupportedFileTypeError(text('a zip archive that is not a Word, Excel or PowerPoint document', 'tệp nén zip không phải tài liệu Word, Excel hay PowerPoint'))
    const folder = actual === EVIDENCE_TYPES.docx ? 'word/' : actual === EVIDENCE_TYPES.xlsx ? 'xl/' : 'ppt/'
    if (!names.some((name) => name.startsWith(folder))) throw new UnsupportedFileTypeError(text('a zip archive posing as an Office document', 'tệp nén zip giả dạng tài liệu Office'))
    if (detected !== EVIDENCE_TYPES.ooxml && detected !== actual) throw new UnsupportedFileTypeError(text(`a ${actual.label.en} posing as a ${detected.label.en}`, `${actual.label.vi} giả dạng ${detected.label.vi}`))
    return actual
  } finally {
    zip.close()
  }
}
