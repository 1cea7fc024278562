// Evidence files (tài liệu kiểm chứng) of a unit's self-assessment: streamed upload, list, download, attach, detach, remove.
import multipart, { type Multipart, type MultipartFile } from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError, Errors } from '../errors.js'
import { actorOf } from '../plugins/auth.js'
import { problems, ref } from '../schemas/common.js'
import {
  AttachEvidenceSchema, EvidenceContentResponse, EvidenceFileParams, EvidenceFileSchema, EvidenceLinkParams, EvidenceRulesSchema, UploadEvidenceBody,
  UploadEvidenceQuery
} from '../schemas/evidence.js'
import { RoundUnitParams } from '../schemas/rounds.js'
import { attachEvidence, deleteEvidence, detachEvidence, findEvidence, listEvidence, openEvidence, uploadEvidence } from '../services/evidence.js'
import { contentDisposition } from '../storage/filename.js'
import { text as t } from '../messages/text.js'
import { requestLanguage } from '../plugins/problem-details.js'
import { EVIDENCE_TYPES } from '../storage/content-type.js'

export interface EvidenceRoutesOptions {
  /** EVIDENCE_MAX_BYTES: the largest file accepted. */
  maxBytes: number
  /** When the store hands out direct addresses (S3), downloads answer 302 to one valid this long; 0 = streamed. */
  presignedSeconds?: number
}

// Viewers (read-only Sở Nội vụ staff) read a unit's self-assessment, so they read the evidence it rests on too.
const readers = {
  roles: ['admin', 'appraiser', 'unit_officer', 'viewer'],
  note: 'A unit officer reaches only their own unit (another unit answers 404); an appraiser only the files attached to leaves of the fields assigned to them (403 NOT_ASSIGNED with none for the unit\'s type), ' +
    'and while self-assessment is open only once the unit has submitted (409 SELF_ASSESSMENT_NOT_SUBMITTED before).'
} as const
const unitWrites = { roles: ['unit_officer'], note: 'Their own unit only (another unit answers 404).' } as const

const editableNote = 'Only while the leaves concerned are editable, as for a save of the self-assessment: SELF_ASSESSMENT_CLOSED unless the round is in ' +
  'self_assessment, DEADLINE_PASSED after the unit\'s deadline or extension (by the database clock), SELF_ASSESSMENT_SUBMITTED once submitted ' +
  '(withdraw first), SELF_ASSESSMENT_INVALID (422) for a code that is not a leaf of the catalog.'

type Parts = AsyncIterator<Multipart>

/**
 * busboy's refusal of a malformed body (no boundary, a boundary never met, a body cut off before its closing boundary)
 * is the client's: 400. Its errors carry no code, only these messages.
 */
function malformedBody (error: unknown): AppError | undefined {
  if (!(error instanceof Error) || error instanceof AppError || (error as { statusCode?: number }).statusCode) return undefined
  if (!/boundary|multipart|unexpected end of form/i.test(error.message)) return undefined
  return Errors.badRequest(t(`The body is not a valid multipart/form-data message: ${error.message}.`, 'Nội dung gửi lên không phải thông điệp multipart/form-data hợp lệ.'))
}

/** The next file part of the body (fields before it are skipped), or null at its end. */
async function nextFile (parts: Parts): Promise<MultipartFile | null> {
  for (;;) {
    const next = await parts.next().catch((error: unknown) => { throw malformedBody(error) ?? error })
    if (next.done === true) return null
    if (next.value.type === 'file') return next.value
  }
}

const evidenceRoutes: FastifyPluginAsyncTypebox<EvidenceRoutesOptions> = async (app, options) => {
  const presignedSeconds = options.presignedSeconds ?? 0
  // Only these routes parse multipart, so the JSON body limit of every other route stays as it is. The parser's own
  // limit sits above the store's, which refuses at exactly maxBytes + 1 while streaming.
  await app.register(multipart, { attachFieldsToBody: false, limits: { fileSize: options.maxBytes + 1, files: 1, fields: 10, fieldSize: 1024, parts: 11 } })

  const base = '/rounds/:id/units/:unitId/self-assessment/files'

  // The kinds a person picks (the package or compound file of an Office kind not told apart is not one of them).
  const pickable = Object.values(EVIDENCE_TYPES).filter((type) => type !== EVIDENCE_TYPES.ooxml && type !== EVIDENCE_TYPES.ole)
  app.get('/evidence-rules', {
    config: { access: { roles: ['admin', 'appraiser', 'unit_officer', 'viewer'] } },
    schema: {
      operationId: 'getEvidenceRules',
      summary: 'The largest evidence file and the kinds of file accepted',
      description: 'So a client can refuse a file too large, or of a kind never accepted, before sending it. The server checks every upload again.',
      tags: ['evidence'],
      response: { 200: ref(EvidenceRulesSchema), ...problems(401, 403) }
    }
  }, async (request) => {
    const language = requestLanguage(request)
    return { maxBytes: options.maxBytes, types: pickable.map((type) => ({ mime: type.mime, extension: type.extension, label: type.label.in(language) })) }
  })

  app.post(base, {
    config: { access: unitWrites, responseHeaders: { 201: ['location'] } },
    schema: {
      operationId: 'uploadEvidenceFile',
      summary: 'Upload an evidence file (tài liệu kiểm chứng), optionally attaching it to leaves in the same step',
      description: `One multipart/form-data part named \`file\`, streamed to storage (a file under another name, or a second file, is 400 and keeps nothing). At most ${options.maxBytes} bytes (413 PAYLOAD_TOO_LARGE beyond); ` +
        'the type is judged by the content, never by the name or the declared type: PDF, JPEG, PNG, Word, Excel, PowerPoint (97-2003 or Office Open XML) ' +
        'or OpenDocument (415 UNSUPPORTED_MEDIA_TYPE otherwise). A refused or interrupted upload keeps nothing. Identical content is stored once. ' + editableNote,
      tags: ['evidence'],
      params: RoundUnitParams,
      querystring: UploadEvidenceQuery,
      consumes: ['multipart/form-data'],
      body: UploadEvidenceBody,
      response: { 201: ref(EvidenceFileSchema), ...problems(400, 401, 403, 404, 409, 413, 415, 422) }
    }
  }, async (request, reply) => {
    let part: MultipartFile | null = null
    try {
      const parts = request.parts()[Symbol.asyncIterator]()
      part = await nextFile(parts)
      if (!part) throw Errors.badRequest(t('Send the file as a multipart/form-data part named "file".', 'Hãy gửi tệp trong phần multipart/form-data tên "file".'))
      if (part.fieldname !== 'file') {
        part.file.resume()
        throw Errors.badRequest(t(`The file came in a part named "${part.fieldname}"; send it in a part named "file".`, `Tệp được gửi trong phần tên "${part.fieldname}"; hãy gửi trong phần tên "file".`))
      }
      const file = await uploadEvidence(app.db, app.evidenceStore, actorOf(request), request.params.id, request.params.unitId, {
        source: part.file,
        filename: part.filename,
        leafCodes: request.query.leafCode ?? [],
        maxBytes: options.maxBytes,
        // A second file would otherwise be dropped unread while the answer says "created": one file per upload.
        rest: async () => {
          const another = await nextFile(parts).catch((error: unknown) => {
            if ((error as { code?: string }).code === 'FST_FILES_LIMIT') return true
            throw error
          })
          if (another) throw Errors.badRequest(t('Send one file per upload; nothing was kept.', 'Mỗi lần tải lên chỉ gửi một tệp; chưa lưu tệp nào.'))
        }
      })
      return reply.code(201).header('location', `${request.url.split('?')[0]}/${file.id}`).send(file)
    } catch (error) {
      // Nothing reads the rest of a refused upload's body: close the connection after answering, or the client waits on it.
      reply.header('connection', 'close')
      // A body cut off inside the file part fails the part's stream (and so the store) with busboy's error.
      throw (part?.file.errored === error ? malformedBody(error) : undefined) ?? error
    }
  })

  app.get(base, {
    config: { access: readers },
    schema: {
      operationId: 'listEvidenceFiles',
      summary: 'The evidence files of a unit\'s self-assessment, each with the leaves it is attached to',
      tags: ['evidence'],
      params: RoundUnitParams,
      response: { 200: Type.Array(ref(EvidenceFileSchema)), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => listEvidence(app.db, actorOf(request), request.params.id, request.params.unitId))

  app.get(`${base}/:fileId`, {
    config: { access: readers, responseHeaders: { 200: ['content-disposition'], 302: ['location'] } },
    schema: {
      operationId: 'downloadEvidenceFile',
      summary: 'Download an evidence file',
      tags: ['evidence'],
      params: EvidenceFileParams,
      response: { 200: EvidenceContentResponse, 302: Type.Null({ description: 'With S3_PRESIGNED_DOWNLOADS_SECONDS set: the file is at the short-lived address in Location' }), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    const store = app.evidenceStore
    if (presignedSeconds > 0 && store.downloadUrl) {
      const file = await findEvidence(app.db, actorOf(request), request.params.id, request.params.unitId, request.params.fileId)
      const location = await store.downloadUrl(file.sha256, { filename: file.filename, contentType: file.mime, expiresSeconds: presignedSeconds })
      return reply.code(302).header('location', location).header('cache-control', 'no-store').send()
    }
    const { file, content } = await openEvidence(app.db, app.evidenceStore, actorOf(request), request.params.id, request.params.unitId, request.params.fileId)
    return reply
      .header('content-type', file.mime)
      .header('content-length', file.size)
      .header('content-disposition', contentDisposition(file.filename, 'attachment'))
      .header('x-content-type-options', 'nosniff')
      // A unit's documents stay off the disk cache of a shared office computer, as every other logged-in answer.
      .header('cache-control', 'private, no-store')
      .send(content)
  })

  app.post(`${base}/:fileId/links`, {
    config: { access: unitWrites },
    schema: {
      operationId: 'attachEvidenceFile',
      summary: 'Attach an uploaded file to another leaf of the same self-assessment (again: no change)',
      description: editableNote,
      tags: ['evidence'],
      params: EvidenceFileParams,
      body: ref(AttachEvidenceSchema),
      response: { 200: ref(EvidenceFileSchema), ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => attachEvidence(app.db, actorOf(request), request.params.id, request.params.unitId, request.params.fileId, request.body.leafCode))

  app.delete(`${base}/:fileId/links/:leafCode`, {
    config: { access: unitWrites },
    schema: {
      operationId: 'detachEvidenceFile',
      summary: 'Detach a file from one leaf; it stays uploaded and attached to its other leaves',
      description: editableNote,
      tags: ['evidence'],
      params: EvidenceLinkParams,
      response: { 200: ref(EvidenceFileSchema), ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => detachEvidence(app.db, actorOf(request), request.params.id, request.params.unitId, request.params.fileId, request.params.leafCode))

  app.delete(`${base}/:fileId`, {
    config: { access: unitWrites },
    schema: {
      operationId: 'deleteEvidenceFile',
      summary: 'Remove an evidence file, only if every leaf it is attached to is editable',
      description: `Its bytes are deleted from storage when no other record shares the same content. ${editableNote}`,
      tags: ['evidence'],
      params: EvidenceFileParams,
      response: { 204: { type: 'null', description: 'Removed' }, ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    await deleteEvidence(app.db, app.evidenceStore, actorOf(request), request.params.id, request.params.unitId, request.params.fileId)
    return reply.code(204).send(null)
  })
}

export default evidenceRoutes
