// What every evidence store does with an upload on its way in: hash, count and sniff the bytes, refusing at the first
// byte past the limit or the first sign of a refused type; and keep a source's early errors and aborts from crashing.
import { createHash, randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { SNIFF_BYTES, sniffContentType } from './content-type.js'
import { FileTooLargeError } from './errors.js'
import type { DetectedType } from './types.js'

export const SHA256_HEX = /^[0-9a-f]{64}$/

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

  /** What the store records of the file, once the stream has ended: its hash, size and the type its bytes show. */
  received (): { sha256: string, size: number, detectedType: DetectedType } {
    return { sha256: this.sha256, size: this.size, detectedType: this.detectedType as DetectedType }
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

/**
 * Until pipeline() listens, an early source error must neither crash the process nor be lost (the pipeline sees it as
 * `errored`); a client that went away ('aborted', from http.IncomingMessage and streams wrapping it) fails the source.
 * Also checks maxBytes. Returns the function that detaches these listeners.
 */
export function holdSourceErrors (source: Readable, maxBytes: number): () => void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`)
  const holdError = (): void => {}
  source.on('error', holdError)
  const onAborted = (): void => { source.destroy(new Error('The upload was aborted by the client')) }
  source.once('aborted', onAborted)
  return () => {
    source.off('error', holdError)
    source.off('aborted', onAborted)
  }
}

/** busboy (@fastify/multipart) ends a file part normally at its own fileSize limit and only flags it. */
export function wasTruncated (source: Readable): boolean {
  return (source as { truncated?: boolean }).truncated === true
}

/**
 * The name of an upload's temporary file or object: it says which process on which host writes it, so that at start a
 * process can tell the partial uploads of a process that died (a crash, a restart mid-upload) from those in progress
 * in another live process sharing the directory or bucket.
 */
export function temporaryName (): string {
  return `${encodeURIComponent(hostname())}~${process.pid}~${randomUUID()}.part`
}

/**
 * Whether a temporary upload is abandoned: its writer, on this host, is no longer running; or it has been idle for
 * `olderThanMs` whoever wrote it (another host's process cannot be asked).
 */
export function isAbandoned (name: string, modifiedAt: Date, olderThanMs: number): boolean {
  if (Date.now() - modifiedAt.getTime() > olderThanMs) return true
  const [host, pid] = name.split('~')
  if (host === undefined || pid === undefined || !/^\d+$/.test(pid) || decodeURIComponent(host) !== hostname()) return false
  if (Number(pid) === process.pid) return false
  try {
    process.kill(Number(pid), 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
