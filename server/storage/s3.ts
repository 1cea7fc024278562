// Evidence store on S3-compatible object storage (AWS S3, MinIO, …): objects at <prefix>objects/<sha256>. An upload
// streams through the intake (hash, size, type) into a multipart upload at a temporary key, since its address is known
// only at its end; complete, it is copied to its address (or dropped when that content is there already) and the
// temporary object removed. A refused, failed or aborted upload aborts its multipart upload: nothing is left behind.
import { PassThrough, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  AbortMultipartUploadCommand, CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { EvidenceNotFoundError, FileTooLargeError } from './errors.js'
import { EvidenceIntake, SHA256_HEX, holdSourceErrors, isAbandoned, temporaryName, wasTruncated } from './intake.js'
import type { ByteRange, EvidenceStore, ObjectInfo, PutOptions, StoredObject } from './types.js'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { contentDisposition } from './filename.js'

export interface S3StoreOptions {
  bucket: string
  /** Key prefix of this service's objects, e.g. `evidence/` (may be empty). */
  prefix?: string
  /** The S3 client's settings: endpoint, region, credentials, forcePathStyle. */
  client: S3ClientConfig
  /** Size of a multipart upload's parts (min 5 MiB); memory held per upload is about partSize × queueSize. */
  partSize?: number
  queueSize?: number
}

const MiB = 1024 * 1024

/** The error of an object that is not there, by its name or status, as S3 and its imitations report it. */
function isMissing (error: unknown): boolean {
  const failure = error as { name?: string, $metadata?: { httpStatusCode?: number } }
  return failure?.name === 'NotFound' || failure?.name === 'NoSuchKey' || failure?.$metadata?.httpStatusCode === 404
}

export class S3EvidenceStore implements EvidenceStore {
  readonly client: S3Client
  readonly bucket: string
  private readonly prefix: string
  private readonly partSize: number
  private readonly queueSize: number

  constructor (options: S3StoreOptions) {
    this.client = new S3Client(options.client)
    this.bucket = options.bucket
    this.prefix = options.prefix ?? ''
    this.partSize = Math.max(5 * MiB, options.partSize ?? 5 * MiB)
    this.queueSize = options.queueSize ?? 2
  }

  /** Where temporary uploads go; objects there idle for an hour are a crashed process's. */
  get temporaryPrefix (): string {
    return `${this.prefix}tmp/`
  }

  async put (source: Readable, options: PutOptions): Promise<StoredObject> {
    const { maxBytes, signal } = options
    const release = holdSourceErrors(source, maxBytes)
    const temporaryKey = `${this.temporaryPrefix}${temporaryName()}`
    const body = new PassThrough()
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: temporaryKey, Body: body, ContentType: 'application/octet-stream' },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false
    })
    const uploaded = upload.done()
    // Should the bucket fail first, the stream feeding it must fail too, or the pipeline would wait for it forever.
    uploaded.catch((error: unknown) => { body.destroy(error as Error) })
    try {
      const intake = new EvidenceIntake(maxBytes)
      await pipeline(source, intake, body, ...(signal ? [{ signal }] : []))
      if (wasTruncated(source)) throw new FileTooLargeError(maxBytes)
      await uploaded
      const { sha256, size, detectedType } = intake.received()
      const deduplicated = await this.commit(temporaryKey, sha256, size)
      return { sha256, size, detectedType, deduplicated }
    } catch (error) {
      if (!source.destroyed) source.destroy()
      await upload.abort().catch(() => undefined)
      await uploaded.catch(() => undefined)
      // lib-storage stops sending on abort() but leaves the parts already sent: the multipart upload is ended here.
      const uploadId = (upload as unknown as { uploadId?: string }).uploadId
      if (uploadId) {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: temporaryKey, UploadId: uploadId })).catch(() => undefined)
      }
      // The upload may have completed before the failure (a refusal decided at the end): its object goes too.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temporaryKey })).catch(() => undefined)
      throw error
    } finally {
      release()
    }
  }

  /** Copies a complete temporary object to its content address, or drops it when that content is stored already. */
  private async commit (temporaryKey: string, sha256: string, size: number): Promise<boolean> {
    const key = this.keyOf(sha256) as string
    const existing = await this.stat(sha256)
    // Copying an object onto itself renews its modification time: a garbage collector sees it is wanted again.
    const deduplicated = existing?.size === size
    await this.client.send(deduplicated
      ? new CopyObjectCommand({ Bucket: this.bucket, Key: key, CopySource: this.copySource(key), MetadataDirective: 'REPLACE', ContentType: 'application/octet-stream' })
      : new CopyObjectCommand({ Bucket: this.bucket, Key: key, CopySource: this.copySource(temporaryKey) }))
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temporaryKey }))
    return deduplicated
  }

  private copySource (key: string): string {
    return `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`
  }

  async open (sha256: string, range?: ByteRange): Promise<Readable> {
    const key = this.keyOf(sha256)
    if (!key) throw new EvidenceNotFoundError(sha256)
    try {
      const answer = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(range ? { Range: `bytes=${range.start}-${range.end ?? ''}` } : {})
      }))
      return answer.Body as Readable
    } catch (error) {
      if (isMissing(error)) throw new EvidenceNotFoundError(sha256)
      throw error
    }
  }

  async downloadUrl (sha256: string, options: { filename: string, contentType: string, expiresSeconds: number }): Promise<string> {
    const key = this.keyOf(sha256)
    if (!key) throw new EvidenceNotFoundError(sha256)
    return getSignedUrl(this.client, new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: options.contentType,
      ResponseContentDisposition: contentDisposition(options.filename, 'attachment'),
      ResponseCacheControl: 'private, no-store'
    }), { expiresIn: options.expiresSeconds })
  }

  async exists (sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== undefined
  }

  async stat (sha256: string): Promise<ObjectInfo | undefined> {
    const key = this.keyOf(sha256)
    if (!key) return undefined
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))
      return { sha256: sha256.toLowerCase(), size: Number(head.ContentLength ?? 0), modifiedAt: head.LastModified ?? new Date(0) }
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async delete (sha256: string): Promise<boolean> {
    const key = this.keyOf(sha256)
    if (!key || !await this.exists(sha256)) return false
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
    return true
  }

  /**
   * Removes temporary objects a crashed process left, idle for `olderThanMs` (uploads in progress elsewhere are younger).
   * Unfinished multipart uploads are the bucket's to expire: give it an AbortIncompleteMultipartUpload lifecycle rule.
   */
  close (): void {
    this.client.destroy()
  }

  async removeStaleTemporaryFiles (olderThanMs = 60 * 60 * 1000): Promise<number> {
    let removed = 0
    let token: string | undefined
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.temporaryPrefix, ContinuationToken: token }))
      for (const item of page.Contents ?? []) {
        if (item.Key && item.LastModified && isAbandoned(item.Key.slice(this.temporaryPrefix.length), item.LastModified, olderThanMs)) {
          await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: item.Key }))
          removed++
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return removed
  }

  /** The object's key, or undefined for a key that is not a SHA-256 hex digest. */
  private keyOf (sha256: string): string | undefined {
    const key = String(sha256).toLowerCase()
    return SHA256_HEX.test(key) ? `${this.prefix}objects/${key}` : undefined
  }
}
