// Content sniffing: each accepted format is recognised from its bytes alone, and everything else is refused.
import t, { type Test } from 'tap'
import { EVIDENCE_TYPES, SNIFF_BYTES, detectContentType, refineByFilename, sniffContentType } from '../../server/storage/content-type.js'
import { UnsupportedFileTypeError } from '../../server/storage/errors.js'
import { text } from '../../server/messages/text.js'
import { INSTALLER_CLSID, compoundFile, contentTypesXml, ooxml, odf, samples, zip } from './samples.js'

function refusal (t: Test, content: Buffer, reason: RegExp): void {
  const error = t.throws(() => detectContentType(content)) as UnsupportedFileTypeError
  t.ok(error instanceof UnsupportedFileTypeError, 'is an UnsupportedFileTypeError')
  t.equal(error.statusCode, 415)
  t.equal(error.code, 'UNSUPPORTED_MEDIA_TYPE')
  t.match(error.reason, reason)
}

t.test('every accepted format is recognised by its content', async (t) => {
  for (const kind of ['pdf', 'jpeg', 'png', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'doc', 'xls', 'ppt'] as const) {
    t.same(detectContentType(samples[kind]()), EVIDENCE_TYPES[kind], kind)
  }
})

t.test('a detected type carries a media type, an extension and a label in both languages', async (t) => {
  t.same(detectContentType(samples.docx()), {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
    label: text('Word document', 'tài liệu Word')
  })
  t.same(detectContentType(samples.jpeg()), { mime: 'image/jpeg', extension: 'jpg', label: text('JPEG image', 'ảnh JPEG') })
})

t.test('an executable renamed to bao-cao.pdf is refused: the name plays no part', async (t) => {
  const declaredName = 'bao-cao.pdf'
  refusal(t, samples.exe(), /Windows executable/)
  const error = t.throws(() => detectContentType(samples.exe())) as UnsupportedFileTypeError
  t.match(error.message, /not an accepted evidence format/)
  t.notOk(error.message.includes(declaredName))
})

t.test('executables, scripts, web pages, other archives and empty files are refused', async (t) => {
  refusal(t, Buffer.from('\x7FELF\x02\x01\x01\0', 'latin1'), /Linux executable/)
  refusal(t, Buffer.from('#!/bin/sh\nrm -rf /\n'), /script/)
  refusal(t, Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'), /HTML/)
  refusal(t, Buffer.from('\xEF\xBB\xBF  <svg xmlns="http://www.w3.org/2000/svg"/>', 'latin1'), /SVG/)
  refusal(t, Buffer.from('Rar!\x1A\x07\0', 'latin1'), /RAR/)
  refusal(t, Buffer.from('GIF89a\x01\0\x01\0', 'latin1'), /GIF/)
  refusal(t, Buffer.from('Bảng điểm tự đánh giá'), /unrecognised/)
  refusal(t, Buffer.alloc(0), /empty file/)
  refusal(t, Buffer.from('%PD'), /unrecognised/)
})

t.test('a zip that is neither Office Open XML nor OpenDocument is refused', async (t) => {
  refusal(t, zip([{ name: 'readme.txt', data: 'hello' }, { name: 'setup.exe', data: samples.exe() }]), /zip archive/)
  refusal(t, zip([]), /empty zip/)
  // A look-alike with word/ parts but no [Content_Types].xml is not an Office document.
  refusal(t, zip([{ name: 'word/document.xml', data: '<document/>' }]), /zip archive/)
})

t.test('OpenDocument files of other kinds and EPUB books are refused', async (t) => {
  refusal(t, odf('application/vnd.oasis.opendocument.graphics'), /opendocument\.graphics/)
  refusal(t, odf('application/epub+zip'), /epub\+zip/)
  refusal(t, zip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.text', deflate: true }]), /zip archive/)
})

t.test('macro-enabled Office documents are refused', async (t) => {
  const docm = zip([
    { name: '[Content_Types].xml', data: contentTypesXml([{ part: 'word/document.xml', contentType: 'application/vnd.ms-word.document.macroEnabled.main+xml' }]), deflate: true },
    { name: 'word/document.xml', data: '<document/>', deflate: true }
  ])
  refusal(t, docm, /macro-enabled/)
  const withProject = zip([
    { name: '[Content_Types].xml', data: contentTypesXml(), deflate: true },
    { name: 'xl/workbook.xml', data: '<workbook/>' },
    { name: 'xl/vbaProject.bin', data: Buffer.alloc(100) }
  ])
  refusal(t, withProject, /macro-enabled/)
})

t.test('Office Open XML is recognised whether its parts are stored, deflated or followed by data descriptors', async (t) => {
  t.equal(detectContentType(ooxml('docx', { deflate: false })), EVIDENCE_TYPES.docx)
  t.equal(detectContentType(ooxml('xlsx', { deflate: true })), EVIDENCE_TYPES.xlsx)
  t.equal(detectContentType(ooxml('pptx', { deflate: true, dataDescriptor: true })), EVIDENCE_TYPES.pptx)
})

t.test('without a main part in [Content_Types].xml, the part folders tell the kind', async (t) => {
  const xlsx = zip([
    { name: '[Content_Types].xml', data: contentTypesXml(), deflate: true },
    { name: 'xl/workbook.xml', data: '<workbook/>', deflate: true }
  ])
  t.equal(detectContentType(xlsx), EVIDENCE_TYPES.xlsx)
})

t.test('an Office Open XML package whose kind lies beyond the first 64 KB is accepted as generic, and the name may narrow it', async (t) => {
  const late = zip([
    { name: '[Content_Types].xml', data: contentTypesXml() },
    { name: 'docProps/thumbnail.jpeg', data: Buffer.alloc(SNIFF_BYTES + 1000, 1) },
    { name: 'word/document.xml', data: '<document/>' }
  ])
  const detected = detectContentType(late)
  t.equal(detected, EVIDENCE_TYPES.ooxml)
  t.equal(refineByFilename(detected, 'Báo cáo.DOCX'), EVIDENCE_TYPES.docx)
  t.equal(refineByFilename(detected, 'Báo cáo.doc'), EVIDENCE_TYPES.ooxml, 'not a legacy type: the content is a zip')
  t.equal(refineByFilename(detected, 'setup.exe'), EVIDENCE_TYPES.ooxml)
  t.equal(refineByFilename(EVIDENCE_TYPES.pdf, 'x.docx'), EVIDENCE_TYPES.pdf, 'a specific type is never overridden')
})

t.test('legacy Office files are told apart by their streams, even in a later directory sector', async (t) => {
  // samples.doc() has WordDocument as the fifth entry: the second directory sector, reached through the FAT.
  t.equal(detectContentType(samples.doc()), EVIDENCE_TYPES.doc)
  t.equal(detectContentType(compoundFile(['Book'])), EVIDENCE_TYPES.xls)
})

t.test('a compound file whose directory lies beyond the first 64 KB is accepted as generic OLE2', async (t) => {
  const far = compoundFile(['WordDocument'], { padSectors: SNIFF_BYTES / 512 + 4 })
  const detected = detectContentType(far)
  t.equal(detected, EVIDENCE_TYPES.ole)
  t.equal(detected.mime, 'application/x-ole-storage')
  t.equal(refineByFilename(detected, 'bien-ban.xls'), EVIDENCE_TYPES.xls)
  t.equal(refineByFilename(detected, 'bien-ban.docx'), EVIDENCE_TYPES.ole)
})

t.test('Windows Installer packages and other compound files are refused', async (t) => {
  refusal(t, compoundFile(['\u4840\u3F3F'], { rootClsid: INSTALLER_CLSID }), /Windows Installer/)
  refusal(t, compoundFile(['__substg1.0_0037001F', '__properties_version1.0']), /not a Word, Excel or PowerPoint/)
  refusal(t, Buffer.from([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]), /truncated/)
})

t.test('sniffing a stream answers as soon as it can', async (t) => {
  t.equal(sniffContentType(Buffer.from('%P'), false), undefined, 'a prefix of %PDF- waits for more')
  t.equal(sniffContentType(Buffer.from('%PDF-'), false), EVIDENCE_TYPES.pdf)
  t.throws(() => sniffContentType(Buffer.from('MZ'), false), UnsupportedFileTypeError, 'an executable is refused at its second byte')
  const docx = samples.docx()
  t.equal(sniffContentType(docx.subarray(0, 100), false), undefined, 'a zip waits for 64 KB or its end')
  t.equal(sniffContentType(docx, true), EVIDENCE_TYPES.docx)
  const padded = Buffer.concat([docx, Buffer.alloc(SNIFF_BYTES)])
  t.equal(sniffContentType(padded, false), EVIDENCE_TYPES.docx, '64 KB is enough to decide')
})
