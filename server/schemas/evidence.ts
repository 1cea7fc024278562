// Contract of the evidence files (tài liệu kiểm chứng) of a unit's self-assessment.
import { Type } from 'typebox'
import { nodeCode } from './catalogs.js'
import { registerShared } from './common.js'

const uuid = Type.String({ format: 'uuid' })

export const EvidenceFileSchema = Type.Object({
  id: uuid,
  filename: Type.String({ description: 'The original file name, sanitized: no path, no control or bidi characters, Vietnamese letters kept' }),
  size: Type.Integer({ minimum: 0, description: 'Bytes' }),
  mime: Type.String({ description: 'Media type detected from the content (never from the name or the declared type), e.g. application/pdf' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the content, lowercase hex' }),
  uploadedAt: Type.String({ format: 'date-time' }),
  uploadedBy: Type.Union([Type.Object({ id: uuid, displayName: Type.String() }), Type.Null()]),
  leafCodes: Type.Array(Type.String(), { description: 'The leaves of the self-assessment the file is attached to, in code order (1.2 before 1.10); empty when uploaded only' })
}, { $id: 'EvidenceFile' })

export const AttachEvidenceSchema = Type.Object({
  leafCode: nodeCode
}, { $id: 'AttachEvidence', additionalProperties: false, description: 'A leaf of the same self-assessment to attach the file to' })

export const EvidenceFileParams = Type.Object({ id: uuid, unitId: uuid, fileId: uuid })
export const EvidenceLinkParams = Type.Object({ id: uuid, unitId: uuid, fileId: uuid, leafCode: nodeCode })

export const UploadEvidenceQuery = Type.Object({
  leafCode: Type.Optional(Type.Array(nodeCode, {
    maxItems: 100,
    description: 'Leaves to attach the file to in the same step; repeat the parameter for several (?leafCode=1.1.1&leafCode=1.2.1); none = upload only'
  }))
})

/**
 * The multipart body, for the OpenAPI document. It has no `type` on purpose: the file is streamed, not parsed,
 * so the body the validator sees is empty and must pass.
 */
export const UploadEvidenceBody = {
  content: {
    'multipart/form-data': {
      schema: {
        properties: {
          file: { type: 'string', format: 'binary', description: 'The file: PDF, JPEG, PNG, Word, Excel, PowerPoint (97-2003 or Office Open XML) or OpenDocument, judged by its content' }
        },
        required: ['file']
      }
    }
  }
}

/** The download: the stored bytes, served with their detected media type. */
export const EvidenceContentResponse = {
  description: 'The file\'s bytes. Content-Type is the detected type (e.g. application/pdf), Content-Disposition an attachment with the original name (filename*=UTF-8\'\'…), X-Content-Type-Options nosniff.',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
}

export const EvidenceRulesSchema = Type.Object({
  maxBytes: Type.Integer({ minimum: 1, description: 'The largest evidence file accepted, in bytes (EVIDENCE_MAX_BYTES); a larger upload is 413 PAYLOAD_TOO_LARGE' }),
  types: Type.Array(Type.Object({
    mime: Type.String(),
    extension: Type.String({ description: 'The extension a file of this type is kept under, without the dot' }),
    label: Type.String({ description: 'In the language asked for (Accept-Language)' })
  }), { description: 'The kinds of file accepted, told by their content (the name and the declared type are not trusted)' })
}, { $id: 'EvidenceRules', description: 'What an evidence upload may be, to say before a file is sent rather than after' })

registerShared(EvidenceFileSchema, AttachEvidenceSchema, EvidenceRulesSchema)
