// Benchmark server (spawned by bench-upload.ts): a bare Fastify app streaming multipart uploads into the evidence store
// (LocalEvidenceStore, or S3EvidenceStore when given an endpoint and bucket) and sampling its own RSS.
import { join } from 'node:path'
import Fastify from 'fastify'
import multipart from '@fastify/multipart'
import { LocalEvidenceStore } from '../server/storage/local.js'
import { S3EvidenceStore } from '../server/storage/s3.js'

const MiB = 1024 * 1024
const MAX_BYTES = 600 * MiB
const SAMPLE_EVERY_MS = 20

const [dataDir, s3Endpoint, s3Bucket] = process.argv.slice(2)
if (!dataDir) {
  console.error('usage: bench-upload-server.ts <data dir> [<s3 endpoint> <bucket>]')
  process.exit(2)
}

const store = s3Endpoint && s3Bucket
  ? new S3EvidenceStore({
    bucket: s3Bucket,
    prefix: 'evidence/',
    client: { endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }
  })
  : new LocalEvidenceStore(join(dataDir, 'evidence'))

// process.memoryUsage.rss() reads the resident set size without walking the V8 heap, so sampling it every 20 ms is cheap.
let peakRss = process.memoryUsage.rss()
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
}, SAMPLE_EVERY_MS).unref()

const app = Fastify({ logger: false })
await app.register(multipart, { limits: { fileSize: MAX_BYTES, files: 1, parts: 10 } })

app.get('/memory', async () => ({ rss: process.memoryUsage.rss(), peakRss, maxRss: process.resourceUsage().maxRSS * 1024 }))

app.post('/memory/reset', async () => {
  // --expose-gc lets the baseline be taken with the heap settled.
  const collect = (globalThis as { gc?: () => void }).gc
  collect?.()
  peakRss = process.memoryUsage.rss()
  return { rss: peakRss }
})

app.post('/upload', async (request, reply) => {
  const part = await request.file()
  if (!part) return reply.code(400).send({ error: 'no file part' })
  try {
    const stored = await store.put(part.file, { maxBytes: MAX_BYTES })
    return { ...stored, filename: part.filename }
  } catch (error) {
    // The rest of a refused body is never read: close the connection after answering rather than leave it hanging.
    reply.header('connection', 'close')
    throw error
  }
})

app.delete<{ Params: { sha256: string } }>('/objects/:sha256', async (request) => ({ deleted: await store.delete(request.params.sha256) }))

const address = await app.listen({ host: '127.0.0.1', port: 0 })
process.stdout.write(`${JSON.stringify({ address })}\n`)

const shutdown = () => { app.close().then(() => process.exit(0), () => process.exit(1)) }
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
