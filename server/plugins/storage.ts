// The evidence file store (tài liệu kiểm chứng): each file once by its SHA-256 under DATA_DIR/evidence, behind the EvidenceStore interface.
import { join } from 'node:path'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { LocalEvidenceStore } from '../storage/local.js'
import type { EvidenceStore } from '../storage/types.js'

declare module 'fastify' {
  interface FastifyInstance {
    evidenceStore: EvidenceStore
  }
}

export interface StoragePluginOptions {
  /** DATA_DIR; the files live in its `evidence` directory. */
  dataDir: string
}

async function storagePlugin (app: FastifyInstance, options: StoragePluginOptions): Promise<void> {
  const store = new LocalEvidenceStore(join(options.dataDir, 'evidence'))
  // A killed process cannot clean up its partial uploads; idle ones go at start (recent ones may belong to another process).
  await store.removeStaleTemporaryFiles().catch((error: unknown) => {
    app.log.warn({ err: error }, 'could not remove stale partial evidence uploads')
  })
  // Nothing to close: the store holds no open handles between requests.
  app.decorate('evidenceStore', store)
}

export default fp(storagePlugin, { name: 'storage' })
