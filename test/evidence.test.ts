// Evidence files through the API as the portal would use them: upload, submit, download; bad uploads keep nothing; sharing and removal.
import t from 'tap'
import { createHash, randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs, type LoggedIn } from './helpers/auth.js'
import { openRoundForOfficer, maxInput } from './helpers/rounds.js'
import { contentTypesXml, listFiles, samples, temporaryDirectory, zip } from './storage/samples.js'

type App = Awaited<ReturnType<typeof buildTestApp>>
type Test = Parameters<typeof buildTestApp>[0]

const KiB = 1024
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function multipartHead (boundary: string, filename: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`, 'utf8')
}

/** One unit's evidence files as the portal calls them. */
function files (app: App, who: LoggedIn, roundId: string, unitId: string) {
  const url = `/rounds/${roundId}/units/${unitId}/self-assessment/files`
  return {
    url,
    upload: (filename: string, content: Buffer, leafCodes: string[] = []) => {
      const boundary = `par-${randomBytes(8).toString('hex')}`
      const query = leafCodes.map((code) => `leafCode=${encodeURIComponent(code)}`).join('&')
      return app.inject({
        method: 'POST',
        url: query ? `${url}?${query}` : url,
        headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([multipartHead(boundary, filename), content, Buffer.from(`\r\n--${boundary}--\r\n`)])
      })
    },
    list: () => app.inject({ method: 'GET', url, headers: who.headers }),
    download: (id: string) => app.inject({ method: 'GET', url: `${url}/${id}`, headers: who.headers }),
    attach: (id: string, leafCode: string) => app.inject({ method: 'POST', url: `${url}/${id}/links`, headers: who.headers, payload: { leafCode } }),
    detach: (id: string, leafCode: string) => app.inject({ method: 'DELETE', url: `${url}/${id}/links/${leafCode}`, headers: who.headers }),
    remove: (id: string) => app.inject({ method: 'DELETE', url: `${url}/${id}`, headers: who.headers })
  }
}

async function setup (t: Test, config: { EVIDENCE_MAX_BYTES?: number, JOBS_ENABLED?: boolean, JOBS_SCHEDULE?: boolean, EVIDENCE_UNATTACHED_GRACE_HOURS?: number } = {}) {
  const dataDir = temporaryDirectory(t)
  const app = await buildTestApp(t, { config: { DATA_DIR: dataDir, ...config } })
  const { admin, data, round, unitId, officer } = await openRoundForOfficer(app)
  const root = join(dataDir, 'evidence')
  /** Evidence rows in the database and files on disk (empty directories left out). */
  const stored = async () => ({
    rows: (await queryRows<{ count: number }>(app.db, sql`select count(*)::int as count from evidence_files`))[0]!.count,
    files: listFiles(root).length
  })
  return { app, admin, data, round, unitId, officer, root, stored, unit: files(app, officer, round.id, unitId) }
}

t.test('a PDF uploaded for a required-evidence leaf lets the unit submit without an explanation, and downloads as the same bytes under its Vietnamese name', async (t) => {
  const { app, admin, round, unitId, officer, unit, stored } = await setup(t)
  const url = `/rounds/${round.id}/units/${unitId}/self-assessment`
  const state = (await app.inject({ method: 'GET', url, headers: officer.headers })).json()
  const leaves: { code: string, maxPoints: number, scoring: any, evidence: string }[] = state.leaves
  t.equal(leaves.find((leaf) => leaf.code === '1.1.1')?.evidence, 'required')
  // Everything answered; every required-evidence leaf but 1.1.1 explained.
  const entries = leaves.map((leaf) => ({
    leafCode: leaf.code,
    input: maxInput(leaf),
    ...(leaf.evidence === 'required' && leaf.code !== '1.1.1' ? { explanation: `Minh chứng cho tiêu chí ${leaf.code}` } : {})
  }))
  let saved = await app.inject({ method: 'PATCH', url, headers: { ...officer.headers, 'if-match': '"0"' }, payload: { entries } })
  t.equal(saved.statusCode, 200)
  let submit = await app.inject({ method: 'POST', url: `${url}/submit`, headers: { ...officer.headers, 'if-match': saved.headers.etag as string } })
  t.equal(submit.statusCode, 422)
  t.match(submit.json().errors, [{ leafCode: '1.1.1', code: 'evidence_missing' }])
  t.equal(submit.json().errors.length, 1, 'only the leaf without file or explanation is missing')

  // Larger than the 1 MiB JSON body limit, which must not apply to uploads.
  const content = Buffer.concat([samples.pdf(), randomBytes(1536 * KiB)])
  const name = 'Báo cáo CCHC năm 2020.pdf'
  const upload = await unit.upload(name, content, ['1.1.1'])
  t.equal(upload.statusCode, 201)
  const file = upload.json()
  t.match(file, { filename: name, size: content.length, mime: 'application/pdf', sha256: sha256(content), uploadedAt: String, uploadedBy: { id: officer.user.id }, leafCodes: ['1.1.1'] })
  t.equal(upload.headers.location, `${unit.url}/${file.id}`)
  t.same(await stored(), { rows: 1, files: 1 })

  saved = await app.inject({ method: 'GET', url, headers: officer.headers })
  t.equal(saved.json().leaves.find((leaf: { code: string }) => leaf.code === '1.1.1').evidenceFiles, 1, 'the leaf counts its file')
  submit = await app.inject({ method: 'POST', url: `${url}/submit`, headers: { ...officer.headers, 'if-match': saved.headers.etag as string } })
  t.equal(submit.statusCode, 200, 'the file documents the leaf: no explanation needed')

  for (const reader of [officer, admin]) {
    const download = await files(app, reader, round.id, unitId).download(file.id)
    t.equal(download.statusCode, 200)
    t.ok(download.rawPayload.equals(content), 'identical bytes')
    t.equal(download.headers['content-type'], 'application/pdf')
    t.equal(download.headers['x-content-type-options'], 'nosniff')
    t.equal(download.headers['cache-control'], 'private, no-store', 'kept off the disk cache of a shared computer')
    t.equal(Number(download.headers['content-length']), content.length)
    const disposition = String(download.headers['content-disposition'])
    t.match(disposition, /^attachment; filename="Bao cao CCHC nam 2020\.pdf"; filename\*=UTF-8''/)
    t.equal(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1]!), name)
  }
  t.same((await files(app, admin, round.id, unitId).list()).json(), [file], 'admins list every unit\'s files')

  const late = await unit.upload('them.pdf', samples.pdf(), ['1.1.2'])
  t.equal(late.statusCode, 409)
  t.equal(late.json().code, 'SELF_ASSESSMENT_SUBMITTED', 'a submitted self-assessment takes no more files')
  t.same(await stored(), { rows: 1, files: 1 })
  const actions = await queryRows<{ action: string }>(app.db, sql`select action from audit_log where entity_type = 'evidence_file'`)
  t.same(actions.map((row) => row.action), ['evidence.upload'])
})

t.test('the same content is stored once; a file serves several leaves; detaching keeps it; removing it deletes the bytes only when nothing else refers to them', async (t) => {
  const { app, unit, stored } = await setup(t)
  const content = Buffer.concat([samples.pdf(), randomBytes(500)])
  const first = (await unit.upload('Quyết định.pdf', content, ['1.1.1'])).json()
  const second = (await unit.upload('Quyết định (bản sao).pdf', content)).json()
  t.equal(second.sha256, first.sha256)
  t.same(second.leafCodes, [], 'uploaded without a leaf')
  t.same(await stored(), { rows: 2, files: 1 }, 'two records, one object')

  let attached = await unit.attach(second.id, '1.1.3')
  t.equal(attached.statusCode, 200)
  attached = await unit.attach(second.id, '1.1.2')
  t.same(attached.json().leafCodes, ['1.1.2', '1.1.3'])
  t.same((await unit.attach(second.id, '1.1.2')).json().leafCodes, ['1.1.2', '1.1.3'], 'attaching again changes nothing')
  t.equal((await unit.attach(second.id, '1.1')).statusCode, 422, 'only leaves take files')

  const detached = await unit.detach(second.id, '1.1.3')
  t.equal(detached.statusCode, 200)
  t.same(detached.json().leafCodes, ['1.1.2'])
  t.equal((await unit.detach(second.id, '1.1.3')).statusCode, 404, 'not attached any more')
  t.same((await unit.list()).json().map((file: { id: string, leafCodes: string[] }) => [file.id, file.leafCodes]), [[first.id, ['1.1.1']], [second.id, ['1.1.2']]])

  t.equal((await unit.remove(first.id)).statusCode, 204)
  t.same(await stored(), { rows: 1, files: 1 }, 'the other record still needs the bytes')
  t.equal((await unit.download(first.id)).statusCode, 404)
  t.ok((await unit.download(second.id)).rawPayload.equals(content))
  t.equal((await unit.remove(second.id)).statusCode, 204)
  t.same(await stored(), { rows: 0, files: 0 }, 'the last record gone, the bytes go')
  t.equal((await unit.remove(second.id)).statusCode, 404)

  // When the record cannot be written after the bytes are stored, the bytes go too, unless another record shares them.
  const kept = (await unit.upload('giu-lai.pdf', content)).json()
  await app.db.execute(sql`alter table evidence_files add constraint test_refuse check (filename not like 'bi-tu-choi%')`)
  t.equal((await unit.upload('bi-tu-choi.pdf', content)).statusCode, 500)
  t.equal((await unit.upload('bi-tu-choi.pdf', samples.jpeg())).statusCode, 500)
  t.same(await stored(), { rows: 1, files: 1 })
  t.ok((await unit.download(kept.id)).rawPayload.equals(content), 'the shared bytes are still there')

  const actions = await queryRows<{ action: string }>(app.db, sql`select action from audit_log where entity_type = 'evidence_file' order by id`)
  t.same(actions.map((row) => row.action), [
    'evidence.upload', 'evidence.upload', 'evidence.attach', 'evidence.attach', 'evidence.detach', 'evidence.delete', 'evidence.delete', 'evidence.upload'
  ])
})

t.test('refused uploads and refused callers change nothing: a renamed executable, an oversized file, a wrong leaf, a cut connection, another unit, unassigned fields, the deadline', async (t) => {
  const maxBytes = 64 * KiB
  const { app, admin, data, round, unitId, officer, unit, root, stored } = await setup(t, { EVIDENCE_MAX_BYTES: maxBytes })

  const executable = await unit.upload('Báo cáo.pdf', samples.exe(), ['1.1.1'])
  t.equal(executable.statusCode, 415)
  t.equal(executable.json().code, 'UNSUPPORTED_MEDIA_TYPE')
  t.match(executable.json().detail, /Windows executable/)
  t.same(await stored(), { rows: 0, files: 0 })

  // What is accepted is said before anything is sent: the limit as configured, and the kinds of file by their content.
  const rules = await app.inject({ method: 'GET', url: '/evidence-rules', headers: { ...officer.headers, 'accept-language': 'vi' } })
  t.equal(rules.statusCode, 200)
  t.equal(rules.json().maxBytes, maxBytes)
  t.match(rules.json().types, [{ mime: 'application/pdf', extension: 'pdf', label: 'tài liệu PDF' }])
  t.ok(rules.json().types.some((type: { extension: string }) => type.extension === 'docx'))
  t.notOk(rules.json().types.some((type: { extension: string }) => type.extension === 'ole'), 'no kind a person cannot pick')
  t.equal((await app.inject({ method: 'GET', url: '/evidence-rules' })).statusCode, 401)

  const oversized = await unit.upload('lon.pdf', Buffer.concat([samples.pdf(), Buffer.alloc(maxBytes)]), ['1.1.1'])
  t.equal(oversized.statusCode, 413)
  t.equal(oversized.json().code, 'PAYLOAD_TOO_LARGE')
  t.equal(oversized.headers.connection, 'close', 'the unread rest of the body does not hold the connection')
  t.same(await stored(), { rows: 0, files: 0 })

  for (const leafCode of ['9.9.9', '1.1']) {
    const wrongLeaf = await unit.upload('a.pdf', samples.pdf(), [leafCode])
    t.equal(wrongLeaf.statusCode, 422)
    t.match(wrongLeaf.json(), { code: 'SELF_ASSESSMENT_INVALID', errors: [{ leafCode }] })
  }
  t.same(await stored(), { rows: 0, files: 0 })

  // The contract's one part named "file": a file under another name, or two files, is refused whole, not half kept.
  const raw = (boundary: string, parts: { name: string, filename: string, content: Buffer }[]) => app.inject({
    method: 'POST',
    url: `${unit.url}?leafCode=1.1.1`,
    headers: { ...officer.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      ...parts.flatMap((part) => [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
        'Content-Type: application/pdf\r\n\r\n'), part.content, Buffer.from('\r\n')]),
      Buffer.from(`--${boundary}--\r\n`)
    ])
  })
  const misnamed = await raw('par-misnamed', [{ name: 'doc', filename: 'a.pdf', content: samples.pdf() }])
  t.equal(misnamed.statusCode, 400)
  t.match(misnamed.json(), { code: 'BAD_REQUEST', detail: /"doc"/ })
  const two = await raw('par-two-files', [{ name: 'file', filename: 'a.pdf', content: samples.pdf() }, { name: 'file', filename: 'b.png', content: samples.png() }])
  t.equal(two.statusCode, 400, 'the second file is not dropped silently after the first is kept')
  t.match(two.json(), { code: 'BAD_REQUEST', detail: /one file/ })
  t.same(await stored(), { rows: 0, files: 0 }, 'neither file kept')

  // What is allowed: exactly the limit, a hostile name (kept sanitized), Office documents by their content.
  const exact = await unit.upload('vua-du.pdf', Buffer.concat([samples.pdf(), Buffer.alloc(maxBytes - samples.pdf().length)]))
  t.equal(exact.statusCode, 201, 'exactly the limit is accepted')
  const hostile = (await unit.upload('../../etc/Tờ\u0001trình\u001f <x>.pdf', samples.png(), ['1.1.1', '1.1.2'])).json()
  // A PNG called .pdf is stored as what it is: the extension follows the content, so nothing opens it as a PDF.
  t.match(hostile, { filename: 'Tờtrình x.png', mime: 'image/png', leafCodes: ['1.1.1', '1.1.2'] })
  const file = (await unit.upload('Kế hoạch.pdf', samples.pdf(), ['1.1.1', '2.1.1'])).json()
  const loose = (await unit.upload('Phụ lục.docx', samples.docx())).json()
  const legal = (await unit.upload('Văn bản.xlsx', samples.xlsx(), ['2.1.2'])).json()
  t.equal(loose.mime, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
  t.equal(legal.mime, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  const before = { stored: await stored(), onDisk: listFiles(root), listed: (await unit.list()).json() }
  t.same(before.stored, { rows: 5, files: 5 })

  // A client that goes away halfway through its upload.
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const boundary = 'par-cut-boundary'
  const head = multipartHead(boundary, 'dang-do.pdf')
  const client = httpRequest(new URL(unit.url, address), {
    method: 'POST',
    headers: { ...officer.headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + maxBytes }
  })
  client.on('error', () => {}) // destroyed on purpose
  client.write(head)
  client.write(Buffer.concat([samples.pdf(), randomBytes(16 * KiB)]))
  const partial = () => listFiles(root).some((path) => path.startsWith('tmp'))
  for (let waited = 0; !partial() && waited < 10_000; waited += 20) await pause(20)
  t.ok(partial(), 'the upload was streaming into a temporary file')
  client.destroy()
  for (let waited = 0; partial() && waited < 10_000; waited += 20) await pause(20)
  await pause(100)
  t.same(listFiles(root), before.onDisk, 'the partial upload left nothing')
  t.same(await stored(), before.stored)

  const intruder = files(app, await loginAs(app, 'unit_officer', { unitId: data.units.get('SO-TC')! }), round.id, unitId)
  const attempts = {
    upload: await intruder.upload('x.pdf', samples.pdf(), ['1.1.2']),
    list: await intruder.list(),
    download: await intruder.download(file.id),
    attach: await intruder.attach(file.id, '1.1.2'),
    detach: await intruder.detach(file.id, '1.1.1'),
    remove: await intruder.remove(file.id)
  }
  for (const [name, response] of Object.entries(attempts)) t.equal(response.statusCode, 404, `${name} by another unit's officer: not found`)
  const viewer = files(app, await loginAs(app, 'viewer'), round.id, unitId)
  // Viewers read the self-assessment (read-only staff), so they read the evidence it rests on; only the unit writes.
  t.equal((await viewer.list()).statusCode, 200, 'viewers list')
  t.equal((await viewer.download(file.id)).statusCode, 200, 'viewers download')
  t.equal((await viewer.remove(file.id)).statusCode, 403, 'viewers read, units write')
  t.equal((await files(app, admin, round.id, unitId).remove(file.id)).statusCode, 403, 'admins read, units write')

  const past = new Date(Date.now() - 60_000).toISOString()
  t.equal((await app.inject({ method: 'PATCH', url: `/rounds/${round.id}`, headers: admin.headers, payload: { selfAssessmentClosesAt: past } })).statusCode, 200)
  const late = {
    upload: await unit.upload('muon.pdf', samples.pdf(), ['1.1.2']),
    uploadOnly: await unit.upload('muon.pdf', samples.pdf()),
    attach: await unit.attach(file.id, '1.1.2'),
    detach: await unit.detach(file.id, '1.1.1'),
    remove: await unit.remove(file.id),
    removeLoose: await unit.remove(loose.id)
  }
  for (const [name, response] of Object.entries(late)) {
    t.equal(response.statusCode, 409, `${name} after the deadline is refused`)
    t.equal(response.json().code, 'DEADLINE_PASSED')
  }
  t.same(await stored(), before.stored)
  t.same((await unit.list()).json(), before.listed, 'nothing changed')
  t.equal((await unit.download(file.id)).statusCode, 200, 'files can still be read')

  // Appraisers see the files of the leaves of their fields, and of each file only those leaves.
  const [fieldOne, fieldTwo, unassigned] = [await loginAs(app, 'appraiser'), await loginAs(app, 'appraiser'), await loginAs(app, 'appraiser')]
  const assigned = await app.inject({
    method: 'PUT',
    url: `/rounds/${round.id}/assignments`,
    headers: admin.headers,
    payload: { assignments: [{ unitType: 'department', fieldCode: '1', userId: fieldOne.user.id }, { unitType: 'department', fieldCode: '2', userId: fieldTwo.user.id }] }
  })
  t.equal(assigned.statusCode, 200)
  // Not while the unit's self-assessment is a draft in an open round: that is its own work in progress.
  const early = await files(app, fieldOne, round.id, unitId).list()
  t.equal(early.statusCode, 409)
  t.equal(early.json().code, 'SELF_ASSESSMENT_NOT_SUBMITTED')
  t.equal((await files(app, fieldOne, round.id, unitId).download(file.id)).statusCode, 409, 'nor a file of it')
  // Self-assessment over (the deadline passed), the round moves to appraisal: the team reads what the unit left.
  t.equal((await app.inject({ method: 'POST', url: `/rounds/${round.id}/transition`, headers: admin.headers, payload: { to: 'appraisal' } })).statusCode, 200)
  const seen = async (who: LoggedIn) => (await files(app, who, round.id, unitId).list()).json().map((f: { id: string, leafCodes: string[] }) => [f.id, f.leafCodes])
  t.same(await seen(fieldOne), [[hostile.id, ['1.1.1', '1.1.2']], [file.id, ['1.1.1']]])
  t.same(await seen(fieldTwo), [[file.id, ['2.1.1']], [legal.id, ['2.1.2']]])
  t.equal((await files(app, fieldOne, round.id, unitId).download(file.id)).statusCode, 200)
  t.equal((await files(app, fieldOne, round.id, unitId).download(legal.id)).statusCode, 404, 'a file of another field is not there for them')
  t.equal((await files(app, fieldOne, round.id, unitId).download(loose.id)).statusCode, 404, 'nor is a file attached to no leaf')
  const outsider = await files(app, unassigned, round.id, unitId).list()
  t.equal(outsider.statusCode, 403)
  t.equal(outsider.json().code, 'NOT_ASSIGNED')
})

t.test('a multipart body cut off before its closing boundary is 400 BAD_REQUEST and leaves no file', async (t) => {
  const { app, officer, unit, root, stored } = await setup(t)
  const response = await app.inject({
    method: 'POST',
    url: `${unit.url}?leafCode=1.1.1`,
    headers: { ...officer.headers, 'content-type': 'multipart/form-data; boundary=XB' },
    payload: '--XB\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.4\n'
  })
  t.equal(response.statusCode, 400, response.body)
  t.match(response.headers['content-type'], /application\/problem\+json/)
  t.match(response.json(), { code: 'BAD_REQUEST', detail: /multipart\/form-data/ })
  t.same(await stored(), { rows: 0, files: 0 })
  t.same(listFiles(root), [], 'no temporary file either')
})

t.test('a refused file type is described in the language of the answer: Vietnamese wholly in Vietnamese, English in English', async (t) => {
  const { app, officer, unit, stored } = await setup(t)
  const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>')
  const cases = [
    { language: 'vi', detail: 'Nội dung tệp không thuộc định dạng tài liệu kiểm chứng được chấp nhận (PDF, JPEG, PNG, Word, Excel, PowerPoint hoặc OpenDocument); tệp có vẻ là trang HTML, ảnh SVG hoặc tài liệu XML', reason: 'trang HTML, ảnh SVG hoặc tài liệu XML' },
    { language: 'en', detail: 'The file content is not an accepted evidence format (PDF, JPEG, PNG, Word, Excel, PowerPoint or OpenDocument): it looks like an HTML, SVG or XML document', reason: 'an HTML, SVG or XML document' }
  ]
  for (const { language, detail, reason } of cases) {
    const boundary = `par-${language}`
    const response = await app.inject({
      method: 'POST',
      url: unit.url,
      headers: { ...officer.headers, 'accept-language': language, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([multipartHead(boundary, 'trang.pdf'), html, Buffer.from(`\r\n--${boundary}--\r\n`)])
    })
    t.equal(response.statusCode, 415)
    t.match(response.json(), { code: 'UNSUPPORTED_MEDIA_TYPE', detail, reason }, language)
  }
  // A document with macros: the other refusals are said in Vietnamese too.
  const docm = zip([
    { name: '[Content_Types].xml', data: contentTypesXml([{ part: 'word/vbaProject.bin', contentType: 'application/vnd.ms-office.vbaProject' }]), deflate: true },
    { name: 'word/document.xml', data: '<document/>', deflate: true },
    { name: 'word/vbaProject.bin', data: Buffer.alloc(100, 1) }
  ])
  const macro = await app.inject({
    method: 'POST',
    url: unit.url,
    headers: { ...officer.headers, 'accept-language': 'vi', 'content-type': 'multipart/form-data; boundary=par-macro' },
    payload: Buffer.concat([multipartHead('par-macro', 'macro.docx'), docm, Buffer.from('\r\n--par-macro--\r\n')])
  })
  t.equal(macro.statusCode, 415)
  t.match(macro.json().detail, /; tệp có vẻ là tài liệu (Office )?có macro$/)
  t.same(await stored(), { rows: 0, files: 0 })
})

t.test('the evidence-cleanup job removes files attached to no leaf past the grace period, with an audit row, keeping shared bytes', async (t) => {
  const { app, admin, unit, stored } = await setup(t, { JOBS_ENABLED: true, JOBS_SCHEDULE: false, EVIDENCE_UNATTACHED_GRACE_HOURS: 2 })
  const shared = Buffer.concat([samples.pdf(), randomBytes(300)])
  const attached = (await unit.upload('Kế hoạch CCHC.pdf', shared, ['1.1.1'])).json()
  const copy = (await unit.upload('Kế hoạch CCHC (bản sao).pdf', shared)).json()
  const forgotten = (await unit.upload('Báo cáo cũ.pdf', Buffer.concat([samples.pdf(), randomBytes(300)]))).json()
  const fresh = (await unit.upload('Báo cáo mới.pdf', Buffer.concat([samples.pdf(), randomBytes(300)]))).json()
  const detached = (await unit.upload('Quyết định.pdf', Buffer.concat([samples.pdf(), randomBytes(300)]), ['1.1.2'])).json()
  // Three hours pass for four of them (their rows and audit rows moved back; the audit log's guard held off for it),
  // past the grace of two; the detached one is let go of afterwards, which starts its grace again.
  const aged = [attached.id, copy.id, forgotten.id, detached.id]
  await app.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update`)
    await tx.execute(sql`update evidence_files set uploaded_at = uploaded_at - interval '3 hours' where id in ${aged}`)
    await tx.execute(sql`update audit_log set at = at - interval '3 hours' where entity_type = 'evidence_file' and entity_id in ${aged}`)
    await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update`)
  })
  t.equal((await unit.detach(detached.id, '1.1.2')).statusCode, 200)
  t.same(await stored(), { rows: 5, files: 4 })

  const run = await app.jobs.run('evidence-cleanup')
  t.match(run, { state: 'completed', output: { removed: 2 } })
  t.same((await unit.list()).json().map((file: { id: string }) => file.id).sort(), [attached.id, fresh.id, detached.id].sort(), 'the attached, the fresh and the just detached stay')
  t.same(await stored(), { rows: 3, files: 3 }, 'the forgotten file\'s bytes are gone; the copy\'s stay with the attached file')
  t.equal((await unit.download(forgotten.id)).statusCode, 404)
  t.equal((await unit.download(attached.id)).statusCode, 200)
  const audit = (await app.inject({ method: 'GET', url: '/audit?action=evidence.remove_unattached', headers: admin.headers })).json()
  t.same(audit.items.map((item: { entityId: string }) => item.entityId).sort(), [copy.id, forgotten.id].sort(), 'one audit row each')
  t.match(audit.items[0], { actorType: 'system', actorId: null, reason: 'Không gắn với tiêu chí nào sau 2 giờ', before: { filename: String, sha256: String } })
  t.match(await app.jobs.run('evidence-cleanup'), { output: { removed: 0 } }, 'a second run finds nothing')
})
