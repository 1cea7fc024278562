// Evidence through the API with the files in an S3 bucket (S3_BUCKET, against s3rver on a socket): upload, download,
// the same content stored once, refusals and a client cut mid-upload leaving nothing in the
// bucket, and removal deleting the object.
import { createHash, randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { openRoundForOfficer } from './helpers/rounds.js'
import { startS3, watchMultipart } from './helpers/s3.js'
import type { S3EvidenceStore } from '../server/storage/s3.js'
import { samples, temporaryDirectory } from './storage/samples.js'

const MiB = 1024 * 1024
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const peer = await startS3(t)

function multipart (boundary: string, filename: string, content: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
}

t.test('evidence files live in the bucket: stored once, read back, refused ones and a cut upload leave nothing', async (t) => {
  const s3 = await peer.bucketConfig()
  const bucket = s3.S3_BUCKET
  const app = await buildTestApp(t, { config: { DATA_DIR: temporaryDirectory(t), EVIDENCE_MAX_BYTES: 8 * MiB, ...s3 } })
  const uploads = watchMultipart((app.evidenceStore as S3EvidenceStore).client)
  const { round, unitId, officer } = await openRoundForOfficer(app)
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment/files`
  const upload = (filename: string, content: Buffer) => {
    const boundary = `par-${randomBytes(6).toString('hex')}`
    return app.inject({
      method: 'POST',
      url: `${url}?leafCode=1.1.1`,
      headers: { ...officer.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: multipart(boundary, filename, content)
    })
  }
  const rows = async () => (await queryRows<{ count: number }>(app.db, sql`select count(*)::int as count from evidence_files`))[0]!.count

  // Bigger than a part: a multipart upload into the bucket.
  const content = Buffer.concat([samples.pdf(), randomBytes(6 * MiB)])
  const created = await upload('Báo cáo.pdf', content)
  t.equal(created.statusCode, 201, created.body)
  const file = created.json()
  t.equal(file.sha256, sha256(content))
  t.same(await peer.contents(bucket), [`evidence/objects/${file.sha256}`], 'one object under its hash, nothing temporary')
  const download = await app.inject({ method: 'GET', url: `${url}/${file.id}`, headers: officer.headers })
  t.equal(download.statusCode, 200)
  t.ok(download.rawPayload.equals(content), 'the same bytes come back from the bucket')

  const again = await upload('Bản sao.pdf', content)
  t.equal(again.statusCode, 201)
  t.same(await peer.contents(bucket), [`evidence/objects/${file.sha256}`], 'the same content is stored once')

  const contents = async () => [...await peer.contents(bucket), ...uploads.unfinished()]
  const before = { rows: await rows(), contents: await contents() }
  t.equal((await upload('bao-cao.pdf', Buffer.concat([samples.exe(), randomBytes(1024)]))).statusCode, 415)
  t.equal((await upload('lon.pdf', Buffer.concat([samples.pdf(), randomBytes(9 * MiB)]))).statusCode, 413)
  t.same({ rows: await rows(), contents: await contents() }, before, 'refused files leave no row, no object and no unfinished upload')

  // A client that goes away after a part has reached the bucket.
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const boundary = 'par-cut-boundary'
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dang-do.pdf"\r\nContent-Type: application/pdf\r\n\r\n`)
  const client = httpRequest(new URL(url, address), {
    method: 'POST',
    headers: { ...officer.headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + 8 * MiB }
  })
  client.on('error', () => {}) // destroyed on purpose
  client.write(head)
  client.write(Buffer.concat([samples.pdf(), randomBytes(7 * MiB)]))
  const sent = uploads.partsSent()
  for (let waited = 0; uploads.partsSent() === sent && waited < 15_000; waited += 50) await pause(50)
  t.equal(uploads.unfinished().length, 1, 'a part of the upload reached the bucket')
  client.destroy()
  for (let waited = 0; uploads.unfinished().length > 0 && waited < 15_000; waited += 50) await pause(50)
  t.same({ rows: await rows(), contents: await contents() }, before, 'the cut upload left nothing')

  for (const id of [file.id, again.json().id]) {
    t.equal((await app.inject({ method: 'DELETE', url: `${url}/${id}`, headers: officer.headers })).statusCode, 204)
  }
  t.same(await contents(), [], 'removing the last file that refers to it deletes the object')
})

t.test('with S3_PRESIGNED_DOWNLOADS_SECONDS a download is a redirect to a short-lived address of the bucket', async (t) => {
  const s3 = await peer.bucketConfig()
  const app = await buildTestApp(t, { config: { DATA_DIR: temporaryDirectory(t), ...s3, S3_PRESIGNED_DOWNLOADS_SECONDS: 120 } })
  const { data, round, unitId, officer } = await openRoundForOfficer(app)
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment/files`
  const boundary = `par-${randomBytes(6).toString('hex')}`
  const content = Buffer.concat([samples.pdf(), randomBytes(4096)])
  const created = await app.inject({
    method: 'POST',
    url: `${url}?leafCode=1.1.1`,
    headers: { ...officer.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: multipart(boundary, 'Quyết định.pdf', content)
  })
  t.equal(created.statusCode, 201)
  const download = await app.inject({ method: 'GET', url: `${url}/${created.json().id}`, headers: officer.headers })
  t.equal(download.statusCode, 302)
  t.equal(download.headers['cache-control'], 'no-store')
  const location = new URL(String(download.headers.location))
  t.equal(location.origin, new URL(s3.S3_ENDPOINT as string).origin, 'the address is the bucket\'s')
  t.equal(location.searchParams.get('X-Amz-Expires'), '120')
  t.match(location.searchParams.get('response-content-disposition'), /attachment; filename=.*filename\*=UTF-8''Quy%E1%BA%BFt/)
  t.equal(location.searchParams.get('response-cache-control'), 'private, no-store', 'the bucket answers it uncached too')
  const fetched = await fetch(location)
  t.equal(fetched.status, 200)
  t.ok(Buffer.from(await fetched.arrayBuffer()).equals(content), 'the bucket serves the same bytes')
  const outsider = await loginAs(app, 'unit_officer', { unitId: data.units.get('SO-YT')! })
  t.equal((await app.inject({ method: 'GET', url: `${url}/${created.json().id}`, headers: outsider.headers })).statusCode, 404, 'no address for another unit')
})
