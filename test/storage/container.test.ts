// Zip-based evidence judged by its whole directory once stored (item 7 of the hardening): a real Office or OpenDocument
// file passes and gets its exact type; a zip that merely has a [Content_Types].xml entry, one carrying a program or a
// web page, a document with macros, a zip bomb and a damaged archive are refused. Run against the disk store; the S3
// store reads the same way through ranges (its store contract covers ranged reads).
import { join } from 'node:path'
import { Readable } from 'node:stream'
import t from 'tap'
import { EVIDENCE_TYPES } from '../../server/storage/content-type.js'
import { inspectContainer } from '../../server/storage/container.js'
import { UnsupportedFileTypeError } from '../../server/storage/errors.js'
import { LocalEvidenceStore } from '../../server/storage/local.js'
import { contentTypesXml, ooxml, samples, temporaryDirectory, zip } from './samples.js'

const MiB = 1024 * 1024
const WORD = { part: 'word/document.xml', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml' }

async function judge (t: Parameters<typeof temporaryDirectory>[0], content: Buffer) {
  const store = new LocalEvidenceStore(join(temporaryDirectory(t), 'evidence'))
  const stored = await store.put(Readable.from([content]), { maxBytes: 64 * MiB })
  return inspectContainer(store, stored.sha256, stored.size, stored.detectedType)
}

t.test('real documents pass with their exact type', async (t) => {
  t.equal(await judge(t, samples.docx()), EVIDENCE_TYPES.docx)
  t.equal(await judge(t, samples.xlsx()), EVIDENCE_TYPES.xlsx)
  t.equal(await judge(t, samples.pptx()), EVIDENCE_TYPES.pptx)
  t.equal(await judge(t, ooxml('docx', { dataDescriptor: true })), EVIDENCE_TYPES.docx, 'as streaming writers lay them out')
  t.equal(await judge(t, samples.odt()), EVIDENCE_TYPES.odt)
  t.equal(await judge(t, samples.pdf()), EVIDENCE_TYPES.pdf, 'other types are left as they are')
})

t.test('a zip with [Content_Types].xml but carrying setup.exe and index.html is refused', async (t) => {
  const disguised = zip([
    { name: '[Content_Types].xml', data: contentTypesXml([WORD]), deflate: true },
    { name: 'word/document.xml', data: '<document/>', deflate: true },
    { name: 'setup.exe', data: samples.exe() },
    { name: 'index.html', data: '<script>alert(1)</script>' }
  ])
  await t.rejects(judge(t, disguised), UnsupportedFileTypeError)
  await t.rejects(judge(t, zip([{ name: '[Content_Types].xml', data: contentTypesXml([]) }, { name: 'payload.bin', data: 'x' }])),
    { name: 'UnsupportedFileTypeError' }, 'no main part: not a document')
})

t.test('documents with macros are refused', async (t) => {
  const macro = zip([
    { name: '[Content_Types].xml', data: contentTypesXml([WORD, { part: 'word/vbaProject.bin', contentType: 'application/vnd.ms-office.vbaProject' }]), deflate: true },
    { name: 'word/document.xml', data: '<document/>', deflate: true },
    { name: 'word/vbaProject.bin', data: Buffer.alloc(100, 1) }
  ])
  const refusal = await judge(t, macro).then(() => null, (error: unknown) => error)
  t.type(refusal, UnsupportedFileTypeError)
  t.match((refusal as UnsupportedFileTypeError).reason, /macro/)
})

t.test('a zip bomb and a damaged archive are refused', async (t) => {
  const bomb = zip([
    { name: '[Content_Types].xml', data: contentTypesXml([WORD]), deflate: true },
    { name: 'word/document.xml', data: Buffer.alloc(40 * MiB, 0x20), deflate: true }
  ])
  t.ok(bomb.length < MiB, `the bomb is small (${bomb.length} bytes)`)
  const refusal = await judge(t, bomb).then(() => null, (error: unknown) => error)
  t.type(refusal, UnsupportedFileTypeError)
  t.match((refusal as UnsupportedFileTypeError).reason, /zip bomb/)
  const damaged = samples.docx().subarray(0, samples.docx().length - 30)
  await t.rejects(judge(t, damaged), UnsupportedFileTypeError)
})
