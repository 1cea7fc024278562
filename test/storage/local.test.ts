// The file-system evidence store: the store contract (contract.ts), plus what only a disk has: the layout of its files
// and the sweep of a crashed process's temporary files.
import { existsSync, writeFileSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { EvidenceNotFoundError } from '../../server/storage/errors.js'
import { LocalEvidenceStore } from '../../server/storage/local.js'
import { storeContract, type StoreUnderTest } from './contract.js'
import { chunked, listFiles, samples, temporaryDirectory } from './samples.js'

const MiB = 1024 * 1024

function newStore (t: Test): { store: LocalEvidenceStore, root: string } {
  const root = join(temporaryDirectory(t), 'evidence')
  return { store: new LocalEvidenceStore(root), root }
}

async function underTest (t: Test): Promise<StoreUnderTest> {
  const { store, root } = newStore(t)
  return {
    store,
    contents: async () => existsSync(root) ? listFiles(root) : [],
    addressOf: (sha256) => join(sha256.slice(0, 2), sha256.slice(2, 4), sha256)
  }
}

await storeContract(t, underTest)

t.test('objects live at <root>/ab/cd/<sha256>, uploads pass through <root>/tmp', async (t) => {
  const { store, root } = newStore(t)
  const stored = await store.put(chunked(samples.pdf()), { maxBytes: MiB })
  t.ok(existsSync(join(root, stored.sha256.slice(0, 2), stored.sha256.slice(2, 4), stored.sha256)))
  t.ok(existsSync(join(root, 'tmp')), 'the temporary directory was used')
  t.same(listFiles(join(root, 'tmp')), [], 'and is empty')
})

t.test('a key that is not a SHA-256 digest never reaches the file system', async (t) => {
  const { store, root } = newStore(t)
  writeFileSync(join(root, '..', 'secret'), 'not evidence')
  for (const key of ['../secret', '../../etc/passwd', '', 'a'.repeat(63), `${'a'.repeat(64)}/..`]) {
    t.equal(await store.exists(key), false, JSON.stringify(key))
    t.equal(await store.delete(key), false)
    await t.rejects(store.open(key), EvidenceNotFoundError)
  }
  t.ok(existsSync(join(root, '..', 'secret')))
})

t.test('stale temporary files from a crash are swept, uploads in progress are not', async (t) => {
  const { store, root } = newStore(t)
  await store.put(chunked(samples.pdf()), { maxBytes: MiB })
  const stale = join(root, 'tmp', 'crashed.part')
  const active = join(root, 'tmp', 'active.part')
  writeFileSync(stale, 'half an upload')
  writeFileSync(active, 'an upload in progress')
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000)
  utimesSync(stale, twoHoursAgo, twoHoursAgo)
  t.equal(await store.removeStaleTemporaryFiles(), 1)
  t.notOk(existsSync(stale))
  t.ok(existsSync(active))
})

t.test('an upload\'s file is synced while it is written; its close waits for a sync under way, whose failure fails the upload', async (t) => {
  const { createWriteStream, readFileSync } = await import('node:fs')
  const { pipeline } = await import('node:stream/promises')
  const { Readable } = await import('node:stream')
  const { fdatasync } = await import('node:fs')
  const { syncingFileSystem } = await import('../../server/storage/local.js')
  const directory = temporaryDirectory(t)
  const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, i))
  const events: string[] = []
  // A slow sync (50 ms), recorded with the bytes written before it started.
  let bytes = 0
  const slowSync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    events.push(`sync after ${bytes}`)
    setTimeout(() => fdatasync(fd, (error) => { events.push('synced'); callback(error) }), 50)
  }
  const fileSystem = syncingFileSystem(MiB, slowSync)
  const counting = { ...fileSystem, writev: (fd: number, buffers: Buffer[], position: number | null, callback: (error: NodeJS.ErrnoException | null, written: number, buffers: NodeJS.ArrayBufferView[]) => void) => fileSystem.writev(fd, buffers, position, (error, written, data) => { bytes += written; callback(error, written, data) }), close: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => { events.push('close'); fileSystem.close(fd, (error) => { events.push('closed'); callback(error) }) } }
  const path = join(directory, 'synced.part')
  await pipeline(Readable.from(chunks), createWriteStream(path, { flags: 'wx', flush: true, highWaterMark: 256 * 1024, fs: counting }))
  t.same(readFileSync(path), Buffer.concat(chunks), 'the bytes as written')
  const syncs = events.filter((event) => event.startsWith('sync after'))
  t.ok(syncs.length >= 1, `synced while written (${syncs.join(', ')})`)
  t.ok(syncs.every((event) => Number(event.split(' ')[2]) < 40 * 64 * 1024), 'each before the last byte')
  t.ok(events.indexOf('closed') > events.lastIndexOf('synced'), 'closed only once the last sync had ended')

  // A sync that fails: the final fsync reports it, so the stream (and an upload) fails.
  const failing = syncingFileSystem(MiB, (_fd, callback) => { setImmediate(() => callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))) })
  await t.rejects(pipeline(Readable.from(chunks), createWriteStream(join(directory, 'failing.part'), { flags: 'wx', flush: true, highWaterMark: 256 * 1024, fs: failing })), { code: 'EIO' })
})
