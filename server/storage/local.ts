// Evidence store on the local file system: objects at <root>/ab/cd/<sha256>, uploads streamed through a temporary file in <root>/tmp.
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { SNIFF_BYTES, sniffContentType } from './content-type.js'
import { EvidenceNotFoundError, FileTooLargeError } from './errors.js'
import type { ByteRange, DetectedType, EvidenceStore, ObjectInfo, PutOptions, StoredObject } from './types.js'

const SHA256_HEX = /^[0-9a-f]{64}$/
const FILE_MODE = 0o640
const DIRECTORY_MODE = 0o750

/** Hashes, counts and sniffs the bytes passing through, failing the stream at the first byte past the limit or the first sign of a refused type. */
export class EvidenceIntake extends Transform {
  size = 0
  detectedType: DetectedType | undefined
  private readonly hash = createHash('sha256')
  private head: Buffer | undefined = Buffer.allocUnsafe(SNIFF_BYTES)
  private headLength = 0

  constructor (private readonly maxBytes: number) {
    super()
  }

  private digest: string | undefined

  /** The hex SHA-256 of everything that passed; read it only after the stream has ended. */
  get sha256 (): string {
    this.digest ??= this.hash.digest('hex')
    return this.digest
  }

  override _transform (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.maxBytes) return callback(new FileTooLargeError(this.maxBytes))
    try {
      this.sniff(chunk, false)
    } catch (error) {
      return callback(error as Error)
    }
    this.hash.update(chunk)
    callback(null, chunk)
  }

  override _flush (callback: TransformCallback): void {
    try {
      this.sniff(undefined, true)
    } catch (error) {
      return callback(error as Error)
    }
    callback()
  }

  private sniff (chunk: Buffer | undefined, complete: boolean): void {
    if (this.detectedType || !this.head) return
    if (chunk) this.headLength += chunk.copy(this.head, this.headLength, 0, Math.min(chunk.length, SNIFF_BYTES - this.headLength))
    this.detectedType = sniffContentType(this.head.subarray(0, this.headLength), complete)
    if (this.detectedType) this.head = undefined
  }
}

export class LocalEvidenceStore implements EvidenceStore {
  readonly rootDir: string
  /** Inside the root so that the final rename stays on one file system and is atomic. */
  readonly temporaryDir: string

  constructor (rootDir: string) {
    this.rootDir = resolve(rootDir)
    this.temporaryDir = join(this.rootDir, 'tmp')
  }

  async put (source: Readable, options: PutOptions): Promise<StoredObject> {
    const { maxBytes, signal } = options
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`)
    // Until pipeline() listens, an early source error must neither crash the process nor be lost: the pipeline sees it as `errored`.
    const holdError = (): void => {}
    source.on('error', holdError)
    // http.IncomingMessage (and streams wrapping it) report a client that went away with 'aborted'.
    const onAborted = (): void => { source.destroy(new Error('The upload was aborted by the client')) }
    source.once('aborted', onAborted)

    const temporaryPath = join(this.temporaryDir, `${randomUUID()}.part`)
    let output: Writable | undefined
    try {
      await mkdir(this.temporaryDir, { recursive: true, mode: DIRECTORY_MODE })
      const intake = new EvidenceIntake(maxBytes)
      // `flush` fsyncs before close, so a renamed object is on disk, not only in the page cache.
      output = createWriteStream(temporaryPath, { flags: 'wx', mode: FILE_MODE, flush: true })
      await pipeline(source, intake, output, ...(signal ? [{ signal }] : []))
      // busboy (@fastify/multipart) ends a file part normally at its own fileSize limit and only flags it.
      if ((source as { truncated?: boolean }).truncated === true) throw new FileTooLargeError(maxBytes)
      const sha256 = intake.sha256
      const size = intake.size
      const detectedType = intake.detectedType as DetectedType
      const deduplicated = await this.commit(temporaryPath, sha256, size)
      return { sha256, size, detectedType, deduplicated }
    } catch (error) {
      // pipeline() has destroyed the source already, unless it failed before starting: never leave a request half-read.
      if (!source.destroyed) source.destroy()
      await this.discard(temporaryPath, output)
      throw error
    } finally {
      source.off('error', holdError)
      source.off('aborted', onAborted)
    }
  }

  /** Moves a complete temporary file to its content address, or drops it when that content is already stored. */
  private async commit (temporaryPath: string, sha256: string, size: number): Promise<boolean> {
    const finalPath = this.pathOf(sha256) as string
    const existing = await stat(finalPath).catch(ifMissing(undefined))
    if (existing?.isFile() && existing.size === size) {
      // Touching it tells a garbage collector it is wanted again; if it vanished meanwhile, fall through and store ours.
      const now = new Date()
      const touched = await utimes(finalPath, now, now).then(() => true, ifMissing(false))
      if (touched) {
        await rm(temporaryPath, { force: true })
        return true
      }
    }
    await mkdir(dirname(finalPath), { recursive: true, mode: DIRECTORY_MODE })
    // Atomic: readers see no object or the whole object. A concurrent identical upload replaces it with the same bytes.
    await rename(temporaryPath, finalPath)
    await syncDirectory(dirname(finalPath))
    return false
  }

  private async discard (temporaryPath: string, output: Writable | undefined): Promise<void> {
    // Wait for the descriptor to close: an open file cannot be removed on Windows.
    if (output && !output.closed) {
      output.destroy()
      await new Promise((resolve) => output.once('close', resolve))
    }
    await rm(temporaryPath, { force: true })
  }

  async open (sha256: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(sha256)
    if (!path) throw new EvidenceNotFoundError(sha256)
    const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new EvidenceNotFoundError(sha256) : error
    })
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {})
  }

  async exists (sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== undefined
  }

  async stat (sha256: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(sha256)
    if (!path) return undefined
    const info = await stat(path).catch(ifMissing(undefined))
    return info?.isFile() ? { sha256: sha256.toLowerCase(), size: info.size, modifiedAt: info.mtime } : undefined
  }

  async delete (sha256: string): Promise<boolean> {
    const path = this.pathOf(sha256)
    if (!path) return false
    return rm(path).then(() => true, ifMissing(false))
  }

  /**
   * Removes temporary files left by a crash (a killed process cannot clean up after itself). Only files
   * idle for `olderThanMs` go, so uploads in progress in another process sharing the directory survive.
   */
  async removeStaleTemporaryFiles (olderThanMs = 60 * 60 * 1000): Promise<number> {
    const names = await readdir(this.temporaryDir).catch(ifMissing([] as string[]))
    let removed = 0
    for (const name of names) {
      const path = join(this.temporaryDir, name)
      const info = await stat(path).catch(ifMissing(undefined))
      if (info?.isFile() && Date.now() - info.mtimeMs > olderThanMs) {
        await rm(path, { force: true })
        removed++
      }
    }
    return removed
  }

  /** The object's path, or undefined for a key that is not a SHA-256 hex digest (so no key can point outside the root). */
  private pathOf (sha256: string): string | undefined {
    const key = String(sha256).toLowerCase()
    if (!SHA256_HEX.test(key)) return undefined
    return join(this.rootDir, key.slice(0, 2), key.slice(2, 4), key)
  }
}

function ifMissing<T> (value: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT') return value
    throw error
  }
}

/** Makes a rename durable; not every platform or file system can fsync a directory, and that is no reason to fail an upload. */
async function syncDirectory (path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined)
  if (!handle) return
  try {
    await handle.sync()
  } catch {
    // EISDIR, EINVAL, EPERM: unsupported here.
  } finally {
    await handle.close()
  }
}
