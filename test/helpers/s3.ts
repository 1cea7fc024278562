// A real S3 API on a socket for the tests: s3rver from npm, started once per test file on a free port, with a new
// bucket per test; what a bucket holds; and which multipart uploads a client left unfinished (s3rver cannot list them
// nor really abort them, so the client's own requests tell).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import type { Config } from '../../server/config.js'

interface Teardown { teardown: (fn: () => unknown) => void }

export interface S3Peer {
  endpoint: string
  /** A client of the peer, for the tests' own looks into a bucket. */
  client: S3Client
  /** Creates a new, empty bucket and returns the service's settings to use it. */
  bucketConfig: () => Promise<Partial<Config> & { S3_BUCKET: string }>
  /** Every key in the bucket, sorted. */
  contents: (bucket: string) => Promise<string[]>
}

export interface MultipartWatch {
  /** Multipart uploads the client created and neither completed nor aborted: `unfinished upload <id> (n parts)`. */
  unfinished: () => string[]
  /** Parts the client has sent, in all. */
  partsSent: () => number
}

/** Follows a client's multipart uploads through its own requests. */
export function watchMultipart (client: S3Client): MultipartWatch {
  const open = new Map<string, number>()
  let parts = 0
  client.middlewareStack.add((next, context) => async (args) => {
    const input = args.input as { UploadId?: string }
    // s3rver answers an abort with 405 (it cannot abort); what is checked is that the client asks.
    if (context.commandName === 'AbortMultipartUploadCommand' && input.UploadId) open.delete(input.UploadId)
    const result = await next(args)
    const output = result.output as { UploadId?: string }
    if (context.commandName === 'CreateMultipartUploadCommand' && output.UploadId) open.set(output.UploadId, 0)
    if (context.commandName === 'UploadPartCommand' && input.UploadId) {
      parts++
      open.set(input.UploadId, (open.get(input.UploadId) ?? 0) + 1)
    }
    if (context.commandName === 'CompleteMultipartUploadCommand' && input.UploadId) open.delete(input.UploadId)
    return result
  }, { step: 'initialize', name: 'parMultipartWatch' })
  return {
    unfinished: () => [...open].map(([id, count]) => `unfinished upload ${id} (${count} parts)`),
    partsSent: () => parts
  }
}

export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

export async function startS3 (t: Teardown): Promise<S3Peer> {
  const directory = mkdtempSync(join(tmpdir(), 'par-s3rver-'))
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory })
  const { port } = await server.run()
  t.teardown(async () => {
    await server.close()
    rmSync(directory, { recursive: true, force: true })
  })
  const endpoint = `http://127.0.0.1:${port}`
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS })
  t.teardown(() => client.destroy())
  return {
    endpoint,
    client,
    bucketConfig: async () => {
      const config = {
        S3_BUCKET: `par-${randomBytes(5).toString('hex')}`,
        S3_ENDPOINT: endpoint,
        S3_REGION: 'us-east-1',
        S3_FORCE_PATH_STYLE: true,
        S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey
      }
      await client.send(new CreateBucketCommand({ Bucket: config.S3_BUCKET }))
      return config
    },
    contents: async (bucket) => {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
      return (listed.Contents ?? []).map((item) => item.Key as string).sort()
    }
  }
}
