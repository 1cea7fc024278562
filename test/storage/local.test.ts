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
