// The S3 evidence store against a real S3 API on a socket (s3rver from npm, started here on a free port): the same
// store contract as the local disk (contract.ts), plus S3's own: objects under <prefix>objects/<sha256>, and the sweep
// of temporary objects a crashed process left.
import { PutObjectCommand } from '@aws-sdk/client-s3'
import t, { type Test } from 'tap'
import { S3EvidenceStore } from '../../server/storage/s3.js'
import { S3_CREDENTIALS, startS3, watchMultipart } from '../helpers/s3.js'
import { storeContract, type StoreUnderTest } from './contract.js'
import { chunked, samples } from './samples.js'

const MiB = 1024 * 1024
const peer = await startS3(t)

async function newStore (t: Test, prefix = 'evidence/'): Promise<S3EvidenceStore> {
  const { S3_BUCKET: bucket } = await peer.bucketConfig()
  const store = new S3EvidenceStore({
    bucket,
    prefix,
    client: { endpoint: peer.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS },
    // The smallest parts S3 allows, so a few MiB already make a multipart upload.
    partSize: 5 * MiB
  })
  t.teardown(() => store.client.destroy())
  return store
}

async function underTest (t: Test): Promise<StoreUnderTest> {
  const store = await newStore(t)
  const multipart = watchMultipart(store.client)
  return {
    store,
    contents: async () => [...await peer.contents(store.bucket), ...multipart.unfinished()],
    addressOf: (sha256) => `evidence/objects/${sha256}`
  }
}

await storeContract(t, underTest)

t.test('a multipart upload of several parts is stored whole under its hash', async (t) => {
  const store = await newStore(t)
  const multipart = watchMultipart(store.client)
  const content = Buffer.concat([samples.pdf(), Buffer.alloc(12 * MiB, 7)])
  const stored = await store.put(chunked(content, 64 * 1024), { maxBytes: 16 * MiB })
  t.same(await peer.contents(store.bucket), [`evidence/objects/${stored.sha256}`])
  t.equal(multipart.partsSent(), 3, 'three parts of 5 MiB at most')
  t.same(multipart.unfinished(), [])
  t.equal((await store.stat(stored.sha256))?.size, content.length)
})

t.test('an upload refused after parts were sent ends its multipart upload', async (t) => {
  const store = await newStore(t)
  const multipart = watchMultipart(store.client)
  await t.rejects(store.put(chunked(Buffer.concat([samples.pdf(), Buffer.alloc(12 * MiB, 7)]), 64 * 1024), { maxBytes: 11 * MiB }), { name: 'FileTooLargeError' })
  t.ok(multipart.partsSent() >= 1, `parts had reached the bucket (${multipart.partsSent()})`)
  t.same(multipart.unfinished(), [], 'and the upload was aborted')
  t.same(await peer.contents(store.bucket), [])
})

t.test('temporary objects a crashed process left are swept after an hour, uploads in progress are not', async (t) => {
  const store = await newStore(t, '')
  await store.put(chunked(samples.pdf()), { maxBytes: MiB })
  await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: 'tmp/active', Body: 'an upload in progress' }))
  t.equal(await store.removeStaleTemporaryFiles(60 * 60 * 1000), 0, 'a fresh temporary object stays')
  t.equal(await store.removeStaleTemporaryFiles(0), 1, 'an idle one goes')
  t.same((await peer.contents(store.bucket)).filter((key) => key.startsWith('tmp/')), [])
})
