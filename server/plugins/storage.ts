// The evidence file store (tài liệu kiểm chứng): each file once by its SHA-256, behind the EvidenceStore interface: in an
// S3-compatible bucket when S3_BUCKET is set (several instances share it), else under DATA_DIR/evidence.
import { join } from 'node:path'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { LocalEvidenceStore } from '../storage/local.js'
import type { EvidenceStore } from '../storage/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    evidenceStore: EvidenceStore
  }
}

export type StoragePluginOptions = Pick<Config, 'DATA_DIR' | 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE' | 'S3_PREFIX'>

/** The evidence store the settings name: the bucket, or DATA_DIR/evidence. The S3 client is loaded only for a bucket. */
export async function storeOf (options: StoragePluginOptions): Promise<EvidenceStore> {
  if (!options.S3_BUCKET) return new LocalEvidenceStore(join(options.DATA_DIR, 'evidence'))
  const { S3EvidenceStore } = await import('../storage/s3.js')
  return new S3EvidenceStore({
    bucket: options.S3_BUCKET,
    prefix: options.S3_PREFIX,
    client: {
      region: options.S3_REGION,
      forcePathStyle: options.S3_FORCE_PATH_STYLE,
      ...(options.S3_ENDPOINT ? { endpoint: options.S3_ENDPOINT } : {}),
      ...(options.S3_ACCESS_KEY_ID && options.S3_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: options.S3_ACCESS_KEY_ID, secretAccessKey: options.S3_SECRET_ACCESS_KEY } }
        : {})
    }
  })
}

async function storagePlugin (app: FastifyInstance, options: StoragePluginOptions): Promise<void> {
  const store = await storeOf(options)
  // A killed process cannot clean up its partial uploads; idle ones go at start (recent ones may belong to another process).
  await store.removeStaleTemporaryFiles().catch((error: unknown) => {
    app.log.warn({ err: error }, 'could not remove stale partial evidence uploads')
  })
  app.addHook('onClose', async () => { store.close?.() })
  app.decorate<EvidenceStore>('evidenceStore', store)
}

export default fp(storagePlugin, { name: 'storage' })
