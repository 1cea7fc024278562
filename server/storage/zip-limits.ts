// The bounds a zip archive must keep before anything in it is inflated: how many entries, and how far it expands. One
// guard for every zip the service opens: evidence documents (read from the store) and imported XLSX workbooks (a buffer).
import type { Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import yauzl from 'yauzl'
import { text, type Text } from '../messages/text.js'

export const MAX_ENTRIES = 5000
/** A document compresses its XML well, but not beyond this: more is a zip bomb. */
export const MAX_EXPANSION = 100
export const MAX_EXPANDED_BYTES = 512 * 1024 * 1024

const ZIP_BOMB = text('a zip bomb (it expands far beyond its size)', 'bom giải nén (giải nén ra lớn hơn kích thước tệp rất nhiều)')

/** Why an archive of this many entries is refused, or undefined. */
export function entriesRefusal (entryCount: number): Text | undefined {
  return entryCount > MAX_ENTRIES ? text(`an archive of ${entryCount} entries`, `tệp nén chứa ${entryCount} mục`) : undefined
}

/** Adds up the uncompressed sizes of an archive's entries as its directory is read, refusing once they pass the bounds. */
export class ExpansionGuard {
  private expanded = 0

  /** `size`: the archive's own size in bytes. */
  constructor (private readonly size: number) {}

  /** Counts one entry; why the archive is refused once the entries so far expand too far, else undefined. */
  add (uncompressedSize: number): Text | undefined {
    this.expanded += uncompressedSize
    return this.expanded > MAX_EXPANDED_BYTES || this.expanded > MAX_EXPANSION * Math.max(this.size, 64 * 1024) ? ZIP_BOMB : undefined
  }
}

/**
 * Why a zip archive held in memory is refused, or undefined when it keeps the bounds (or is no zip at all: its reader
 * says so). The directory is checked first; then every entry is inflated and discarded, so that an entry that holds
 * more than its directory declares fails here too (yauzl checks each entry's size), at most the bounds' worth of bytes.
 */
export async function zipRefusal (bytes: Buffer): Promise<Text | undefined> {
  let zip: yauzl.ZipFile
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.fromBuffer(bytes, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true },
        (error, opened) => error || !opened ? reject(error ?? new Error('no zip')) : resolve(opened))
    })
  } catch {
    return undefined
  }
  try {
    const many = entriesRefusal(zip.entryCount)
    if (many) return many
    const guard = new ExpansionGuard(bytes.length)
    const entries: yauzl.Entry[] = []
    const refusal = await new Promise<Text | undefined>((resolve, reject) => {
      zip.on('error', reject)
      zip.on('end', () => { resolve(undefined) })
      zip.on('entry', (entry: yauzl.Entry) => {
        const refused = guard.add(entry.uncompressedSize)
        if (refused) return resolve(refused)
        entries.push(entry)
        zip.readEntry()
      })
      zip.readEntry()
    })
    if (refusal) return refusal
    for (const entry of entries) {
      if (entry.fileName.endsWith('/')) continue
      try {
        const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (error, opened) => error || !opened ? reject(error) : resolve(opened)))
        stream.resume()
        await finished(stream)
      } catch (error) {
        // More bytes than the directory declared: the declared sizes lied to pass the check above.
        if (/too many bytes/i.test((error as Error).message)) return ZIP_BOMB
        return undefined
      }
    }
    return undefined
  } catch {
    return undefined
  } finally {
    zip.close()
  }
}
