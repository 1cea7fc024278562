// Answers are compressed as the client accepts (br or gzip, @fastify/compress), never for a client that does not, and
// never twice (the public results compress their own cached bodies).
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { loadReferenceData } from './helpers/rounds.js'

t.test('JSON answers in br or gzip as accepted, identical once decompressed', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  await loadReferenceData(app, admin)
  const plain = await app.inject({ method: 'GET', url: '/units?limit=100', headers: admin.headers })
  t.equal(plain.statusCode, 200)
  t.notOk(plain.headers['content-encoding'], 'a client that accepts no encoding gets plain JSON')
  t.ok(plain.rawPayload.length > 1024)

  const br = await app.inject({ method: 'GET', url: '/units?limit=100', headers: { ...admin.headers, 'accept-encoding': 'br, gzip' } })
  t.equal(br.headers['content-encoding'], 'br')
  t.match(String(br.headers.vary), /accept-encoding/i)
  t.ok(br.rawPayload.length < plain.rawPayload.length / 3, `${br.rawPayload.length} bytes instead of ${plain.rawPayload.length}`)
  t.same(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8')), plain.json())

  const gzip = await app.inject({ method: 'GET', url: '/units?limit=100', headers: { ...admin.headers, 'accept-encoding': 'gzip' } })
  t.equal(gzip.headers['content-encoding'], 'gzip')
  t.same(JSON.parse(gunzipSync(gzip.rawPayload).toString('utf8')), plain.json())

  // An answer of tens of kB (a page of units, a self-assessment) is compressed in one call, so its length is known and
  // said, rather than streamed in chunks through zlib (which took half the server's time of an officer's page load).
  t.ok(plain.rawPayload.length > 8 * 1024, `the page is a mid-sized answer (${plain.rawPayload.length} bytes)`)
  for (const compressed of [br, gzip]) {
    t.equal(Number(compressed.headers['content-length']), compressed.rawPayload.length, `${compressed.headers['content-encoding']}: Content-Length is the compressed size`)
    t.notOk(compressed.headers['transfer-encoding'], 'not chunked')
  }

  const small = await app.inject({ method: 'GET', url: '/healthz', headers: { 'accept-encoding': 'br' } })
  t.notOk(small.headers['content-encoding'], 'a few bytes are not worth compressing')
})
