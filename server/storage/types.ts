// The evidence store contract: content-addressed by SHA-256, streaming in and out, with no file-system paths so S3 can implement it too.
import type { Readable } from 'node:stream'
import type { Text } from '../messages/text.js'

/** What the content turned out to be, decided from its bytes alone. */
export interface DetectedType {
  /** Media type to serve the file with, e.g. `application/pdf`. */
  mime: string
  /** Canonical extension without a dot, e.g. `pdf`, `docx`. */
  extension: string
  /** Human-readable name of the format in both languages, e.g. `PDF document` / `tài liệu PDF`. */
  label: Text
}

export interface StoredObject {
  /** Lowercase hex SHA-256 of the content: the object's key. */
  sha256: string
  /** Size in bytes. */
  size: number
  detectedType: DetectedType
  /** True when identical content was already stored and this upload was discarded in its favour. */
  deduplicated: boolean
}

export interface ObjectInfo {
  sha256: string
  size: number
  /** When the object was last written or last re-uploaded (deduplicated); a garbage collector should spare recent ones. */
  modifiedAt: Date
}

export interface PutOptions {
  /** The upload is refused with FileTooLargeError as soon as it goes past this many bytes. */
  maxBytes: number
  /** Aborts the upload (e.g. when the client disconnects); the partial object is discarded. */
  signal?: AbortSignal
}

/** An inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  start: number
  end?: number
}

/**
 * A store of evidence files (tài liệu kiểm chứng) keyed by the SHA-256 of their content.
 *
 * `put` consumes the source as a stream, never holding it whole in memory; it hashes, counts and
 * sniffs it on the way, and either stores it completely or leaves nothing behind. Keys given to the
 * other methods that are not 64 hex digits are treated as absent.
 */
export interface EvidenceStore {
  /**
   * Stores the stream's content. Rejects with FileTooLargeError, UnsupportedFileTypeError, or the
   * source's own error when it fails or closes before its end; in every such case nothing is kept.
   */
  put (source: Readable, options: PutOptions): Promise<StoredObject>
  /** Reads the object (or the given byte range); rejects with EvidenceNotFoundError when it is absent. */
  open (sha256: string, range?: ByteRange): Promise<Readable>
  exists (sha256: string): Promise<boolean>
  /** Size and modification time, or undefined when absent. */
  stat (sha256: string): Promise<ObjectInfo | undefined>
  /** Removes the object; resolves to false when it was already absent. Callers must check no record still refers to it. */
  delete (sha256: string): Promise<boolean>
  /**
   * A short-lived address from which a browser downloads the object directly, with the given name and type (an
   * S3 presigned URL); absent where the store cannot hand one out (local disk).
   */
  downloadUrl?: (sha256: string, options: { filename: string, contentType: string, expiresSeconds: number }) => Promise<string>
  /** Removes the partial uploads a killed process left, idle for `olderThanMs`; resolves to how many went. */
  removeStaleTemporaryFiles (olderThanMs?: number): Promise<number>
  /** Releases what the store holds open (the S3 client's connections); absent where there is nothing to release. */
  close?: () => void
}
