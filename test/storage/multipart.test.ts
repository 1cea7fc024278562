// The store behind a real @fastify/multipart upload: a client that disconnects halfway or sends too much leaves no file behind.
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import multipart from '@fastify/multipart'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { LocalEvidenceStore } from '../../server/storage/local.js'
import type { StoredObject } from '../../server/storage/types.js'
import { listFiles, samples, temporaryDirectory } from './samples.js'

const MiB = 1024 * 1024

async function uploadServer (t: Test, maxBytes: number) {
  const root = join(temporaryDirectory(t), 'evidence')
  const store = new LocalEvidenceStore(root)
  const uploads: Array<Promise<StoredObject>> = []
  const app = Fastify({ logger: false })
  await app.register(multipart, { limits: { fileSize: 10 * MiB } })
  app.post('/upload', async (request, reply) => {
    const part = await request.file()
    if (!part) throw new Error('no file part')
    const upload = store.put(part.file, { maxBytes })
    uploads.push(upload)
    try {
      return await upload
    } catch (error) {
      // The rest of the body is never read once the store gives up: close the connection after the answer, or it hangs.
      reply.header('connection', 'close')
      throw error
    }
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  return { root, address, uploads }
}

function multipartHead (boundary: string, filename: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`)
}

t.test('a client that disconnects halfway through an upload leaves no temporary file', async (t) => {
  const { root, address, uploads } = await uploadServer(t, 5 * MiB)
  const boundary = 'par-test-boundary'
  const head = multipartHead(boundary, 'Báo cáo.pdf')
  const client = httpRequest(new URL('/upload', address), {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + 2 * MiB + 100 }
  })
  client.on('error', () => {}) // the socket is destroyed on purpose
  client.write(head)
  client.write(Buffer.concat([samples.pdf(), Buffer.alloc(512 * 1024, 1)]))
  while (uploads.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  client.destroy()
  await t.rejects(uploads[0]!, 'the store sees the cut, not a complete file')
  t.same(listFiles(root), [])
})

t.test('an upload over the limit is answered 413 and leaves no temporary file', async (t) => {
  const { root, address, uploads } = await uploadServer(t, MiB)
  const boundary = 'par-test-boundary'
  const form = Buffer.concat([
    multipartHead(boundary, 'lon.pdf'),
    samples.pdf(),
    Buffer.alloc(2 * MiB, 2),
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  const response = await fetch(new URL('/upload', address), {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: form
  })
  t.equal(response.status, 413)
  await t.rejects(uploads[0]!, { name: 'FileTooLargeError' })
  t.same(listFiles(root), [])
})

t.test('a complete upload is stored and answered with its hash and type', async (t) => {
  const { address } = await uploadServer(t, MiB)
  const form = new FormData()
  form.append('file', new Blob([samples.png()], { type: 'application/pdf' }), 'anh-chup.pdf')
  const response = await fetch(new URL('/upload', address), { method: 'POST', body: form })
  t.equal(response.status, 200)
  const stored = await response.json() as StoredObject
  t.equal(stored.detectedType.mime, 'image/png', 'the declared type and name are ignored')
  t.equal(stored.size, samples.png().length)
})
