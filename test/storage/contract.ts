// The contract every evidence store keeps, run against each implementation (the local disk in local.test.ts, S3 in
// s3.test.ts): streamed, hashed, sniffed, size-limited, stored once, and never leaving anything behind on a refusal.
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import type { Test } from 'tap'
import { EVIDENCE_TYPES } from '../../server/storage/content-type.js'
import { EvidenceNotFoundError, FileTooLargeError, UnsupportedFileTypeError } from '../../server/storage/errors.js'
import type { EvidenceStore } from '../../server/storage/types.js'
import { chunked, failingAfter, generated, samples, zip } from './samples.js'

const MiB = 1024 * 1024
const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** A store under test, with what it holds: every object and temporary file, by its address. */
export interface StoreUnderTest {
  store: EvidenceStore
  /** Everything stored, temporary files and unfinished uploads included, sorted. */
  contents: () => Promise<string[]>
  /** Where an object of that hash is, as `contents` names it. */
  addressOf: (sha256: string) => string
}

/** Runs the contract as subtests of t; each subtest gets an empty store from `open`. */
export async function storeContract (t: Test, open: (t: Test) => Promise<StoreUnderTest>): Promise<void> {
  await t.test('each accepted format is stored under its hash, with its size and detected type, and reads back intact', async (t) => {
    const { store, contents } = await open(t)
    for (const kind of ['pdf', 'jpeg', 'png', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'doc', 'xls', 'ppt'] as const) {
      const content = samples[kind]()
      const stored = await store.put(chunked(content, 7), { maxBytes: MiB })
      t.equal(stored.sha256, sha256Of(content), `${kind}: hash`)
      t.equal(stored.size, content.length, `${kind}: size`)
      t.equal(stored.detectedType, EVIDENCE_TYPES[kind], `${kind}: type`)
      t.equal(stored.deduplicated, false)
      t.same(await buffer(await store.open(stored.sha256)), content, `${kind}: reads back`)
    }
    t.equal((await contents()).length, 12, 'twelve objects and no temporary file')
  })

  await t.test('a file of several megabytes in small chunks is hashed exactly', async (t) => {
    const { store } = await open(t)
    const content = Buffer.concat([samples.pdf(), Buffer.alloc(5 * MiB + 123, 0xAB)])
    const stored = await store.put(chunked(content, 4093), { maxBytes: 8 * MiB })
    t.equal(stored.sha256, sha256Of(content))
    t.equal(stored.size, content.length)
  })

  await t.test('an executable posing as bao-cao.pdf is refused and nothing is kept', async (t) => {
    const { store, contents } = await open(t)
    const upload = Object.assign(chunked(Buffer.concat([samples.exe(), Buffer.alloc(200_000)]), 1000), { filename: 'bao-cao.pdf' })
    await t.rejects(store.put(upload, { maxBytes: MiB }), UnsupportedFileTypeError)
    await t.rejects(store.put(chunked(samples.exe()), { maxBytes: MiB }), { name: 'UnsupportedFileTypeError', reason: 'a Windows executable', statusCode: 415 })
    t.same(await contents(), [])
  })

  await t.test('a refusal decided only at 64 KB (a zip that is not an Office file) still leaves nothing', async (t) => {
    const { store, contents } = await open(t)
    const archive = zip([{ name: 'a.bin', data: Buffer.alloc(100_000, 1) }, { name: 'b.txt', data: 'x' }])
    await t.rejects(store.put(chunked(archive, 5000), { maxBytes: MiB }), UnsupportedFileTypeError)
    t.same(await contents(), [])
  })

  await t.test('a stream over the limit is refused while streaming, and no temporary file is left', async (t) => {
    const { store, contents } = await open(t)
    const source = generated(samples.pdf(), 20 * MiB)
    await t.rejects(store.put(source, { maxBytes: MiB }), { name: 'FileTooLargeError', statusCode: 413, maxBytes: MiB })
    t.ok(source.produced() < 3 * MiB, `stopped reading early (read ${source.produced()} bytes of 20 MiB)`)
    t.same(await contents(), [])
  })

  await t.test('a stream of exactly the limit is accepted', async (t) => {
    const { store } = await open(t)
    const stored = await store.put(generated(samples.pdf(), MiB), { maxBytes: MiB })
    t.equal(stored.size, MiB)
  })

  await t.test('a multipart part cut at the parser limit (busboy `truncated`) counts as too large', async (t) => {
    const { store, contents } = await open(t)
    const part = Object.assign(chunked(samples.pdf()), { truncated: true })
    await t.rejects(store.put(part, { maxBytes: MiB }), FileTooLargeError)
    t.same(await contents(), [])
  })

  await t.test('a source that fails halfway makes put reject with its error and leaves nothing', async (t) => {
    const { store, contents } = await open(t)
    const cut = new Error('socket hang up')
    await t.rejects(store.put(failingAfter(Buffer.concat([samples.pdf(), Buffer.alloc(300_000)]), 200_000, cut), { maxBytes: MiB }), cut)
    t.same(await contents(), [])
  })

  await t.test('a source that closes before its end (no error) is not taken for a complete file', async (t) => {
    const { store, contents } = await open(t)
    await t.rejects(store.put(failingAfter(samples.pdf(), 20), { maxBytes: MiB }), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
    t.same(await contents(), [])
  })

  await t.test("a request that emits 'aborted' (the client went away) leaves nothing", async (t) => {
    const { store, contents } = await open(t)
    const request = new Readable({ read () {} })
    request.push(samples.pdf())
    setTimeout(() => request.emit('aborted'), 20)
    await t.rejects(store.put(request, { maxBytes: MiB }), /aborted/)
    t.same(await contents(), [])
  })

  await t.test('a source that failed before put was even called rejects instead of crashing', async (t) => {
    const { store, contents } = await open(t)
    const broken = new Readable({ read () {} })
    broken.destroy(new Error('early failure'))
    await t.rejects(store.put(broken, { maxBytes: MiB }), /early failure/)
    t.same(await contents(), [])
  })

  await t.test('an abort signal cancels the upload and leaves nothing', async (t) => {
    const { store, contents } = await open(t)
    const controller = new AbortController()
    const slow = new Readable({ read () {} })
    slow.push(samples.pdf())
    setTimeout(() => controller.abort(), 20)
    await t.rejects(store.put(slow, { maxBytes: MiB, signal: controller.signal }), { name: 'AbortError' })
    t.same(await contents(), [])
  })

  await t.test('the same content uploaded twice is stored once', async (t) => {
    const { store, contents, addressOf } = await open(t)
    const content = samples.docx()
    const first = await store.put(chunked(content), { maxBytes: MiB })
    const second = await store.put(chunked(content, 3), { maxBytes: MiB })
    t.equal(second.sha256, first.sha256)
    t.equal(first.deduplicated, false)
    t.equal(second.deduplicated, true)
    t.same(await contents(), [addressOf(first.sha256)])
  })

  await t.test('concurrent uploads of the same content end with one object', async (t) => {
    const { store, contents, addressOf } = await open(t)
    const content = Buffer.concat([samples.png(), Buffer.alloc(300_000, 9)])
    const results = await Promise.all([1, 2, 3, 4].map(() => store.put(chunked(content, 10_000), { maxBytes: MiB })))
    t.equal(new Set(results.map((result) => result.sha256)).size, 1)
    t.same(await contents(), [addressOf(results[0]!.sha256)])
    t.same(await buffer(await store.open(results[0]!.sha256)), content)
  })

  await t.test('exists, stat, open with a range, and delete', async (t) => {
    const { store } = await open(t)
    const content = samples.pdf()
    const { sha256 } = await store.put(chunked(content), { maxBytes: MiB })
    t.equal(await store.exists(sha256), true)
    t.equal(await store.exists(sha256.toUpperCase()), true, 'keys are case-insensitive hex')
    const info = await store.stat(sha256)
    t.equal(info?.size, content.length)
    t.ok(info?.modifiedAt instanceof Date)
    t.same(await buffer(await store.open(sha256, { start: 0, end: 4 })), Buffer.from('%PDF-'))
    t.equal(await store.delete(sha256), true)
    t.equal(await store.delete(sha256), false)
    t.equal(await store.exists(sha256), false)
    t.equal(await store.stat(sha256), undefined)
    await t.rejects(store.open(sha256), EvidenceNotFoundError)
  })

  await t.test('a key that is not a SHA-256 digest is absent, whatever it names', async (t) => {
    const { store } = await open(t)
    for (const key of ['../secret', '../../etc/passwd', '', 'a'.repeat(63), `${'a'.repeat(64)}/..`]) {
      t.equal(await store.exists(key), false, JSON.stringify(key))
      t.equal(await store.delete(key), false)
      await t.rejects(store.open(key), EvidenceNotFoundError)
    }
  })
}
