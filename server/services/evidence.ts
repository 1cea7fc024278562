// Evidence files (tài liệu kiểm chứng) of a unit's self-assessment: streamed into the store, recorded with their links
// to leaves and an audit row in one transaction, and removed from the store only when no record refers to them.
import type { Readable } from 'node:stream'
import { and, asc, eq, inArray, sql, TransactionRollbackError } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
import { evidenceFilesTable, evidenceLinksTable, roundsTable, roundUnitsTable, selfAssessmentsTable, unitsTable, usersTable } from '../db/schema/index.js'
import { Errors } from '../errors.js'
import { nameForType, refineByFilename } from '../storage/content-type.js'
import { inspectContainer } from '../storage/container.js'
import { sanitizeFilename } from '../storage/filename.js'
import type { EvidenceStore } from '../storage/types.js'
import { appraiserOf, assertSelfAssessmentShown, fieldScope, inScope } from './appraisal.js'
import { audit } from './audit.js'
import { loadCatalog } from './catalogs.js'
import type { Actor } from './context.js'
import { lockEditableLeaves } from './self-assessment.js'
import { assertRoundShown } from './rounds.js'
import { compareNodeCodes } from '../domain/catalog.js'
import { noSuch } from '../messages/problems.js'
import { text as t } from '../messages/text.js'

export interface EvidenceFile {
  id: string
  filename: string
  size: number
  mime: string
  sha256: string
  uploadedAt: string
  uploadedBy: { id: string, displayName: string } | null
  leafCodes: string[]
}

export interface Upload {
  /** The file's bytes as they arrive; never buffered whole. */
  source: Readable
  /** The name the client gave; it is sanitized before it is kept. */
  filename: string
  leafCodes: readonly string[]
  maxBytes: number
  /** Reads what the request holds after the file, once it is stored; throws (keeping nothing) when that is refused. */
  rest?: () => Promise<void>
}

/** Leaf codes in catalog order as far as codes tell it: 1.2 before 1.10. */

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** Which files of a unit the caller sees. */
interface Visibility {
  /** Null when the unit has not started its self-assessment. */
  selfAssessmentId: string | null
  /** Whether the caller sees the files of a leaf; absent: every leaf. */
  seesLeaf?: (leafCode: string) => boolean
}

/**
 * Who sees a unit's files: admins all; a unit officer only their own unit (another unit's files do not exist for
 * them, as with the self-assessment); an appraiser the files attached to leaves of the fields assigned to them
 * for the unit's type (none assigned: 403 NOT_ASSIGNED), once the unit has submitted or self-assessment is over (409
 * SELF_ASSESSMENT_NOT_SUBMITTED before). 404 when the unit does not take part in the round.
 */
async function visibility (db: Executor, actor: Actor, roundId: string, unitId: string): Promise<Visibility> {
  const principal = actor.principal
  if (principal?.kind === 'user' && principal.role === 'unit_officer' && principal.unitId !== unitId) {
    throw Errors.notFound(noSuch.selfAssessment)
  }
  const [row] = await db.select({
    id: selfAssessmentsTable.id,
    selfStatus: selfAssessmentsTable.status,
    catalogId: selfAssessmentsTable.catalogId,
    unitType: unitsTable.unitTypeCode,
    unitCode: unitsTable.code,
    unitName: unitsTable.name,
    roundStatus: roundsTable.status,
    roundCode: roundsTable.code
  })
    .from(roundUnitsTable)
    .innerJoin(roundsTable, eq(roundsTable.id, roundUnitsTable.roundId))
    .innerJoin(unitsTable, eq(unitsTable.id, roundUnitsTable.unitId))
    .leftJoin(selfAssessmentsTable, and(eq(selfAssessmentsTable.roundId, roundUnitsTable.roundId), eq(selfAssessmentsTable.unitId, roundUnitsTable.unitId)))
    .where(and(eq(roundUnitsTable.roundId, roundId), eq(roundUnitsTable.unitId, unitId)))
  if (!row) throw Errors.notFound(noSuch.participant)
  assertRoundShown(actor, row.roundStatus)
  if (appraiserOf(actor) === null) return { selfAssessmentId: row.id }
  const scope = await fieldScope(db, actor, roundId, row.unitType)
  assertSelfAssessmentShown(actor, { status: row.roundStatus, code: row.roundCode }, { code: row.unitCode, name: row.unitName }, row.selfStatus ?? 'not_started')
  if (scope.all || row.catalogId === null) return { selfAssessmentId: row.id }
  const catalog = await loadCatalog(db, row.catalogId)
  return {
    selfAssessmentId: row.id,
    seesLeaf: (leafCode) => {
      const node = catalog.byCode.get(leafCode)
      return node !== undefined && inScope(scope, node.fieldCode)
    }
  }
}

/** Only the files, and of each only the leaves, the caller sees. */
function visibleFiles (files: EvidenceFile[], { seesLeaf }: Visibility): EvidenceFile[] {
  if (!seesLeaf) return files
  return files.map((file) => ({ ...file, leafCodes: file.leafCodes.filter(seesLeaf) })).filter((file) => file.leafCodes.length > 0)
}

/** Files of a self-assessment (all, or the one with this id), each with its leaves. */
async function filesOf (db: Executor, selfAssessmentId: string, fileId?: string): Promise<EvidenceFile[]> {
  const rows = await db.select({
    id: evidenceFilesTable.id,
    filename: evidenceFilesTable.filename,
    size: evidenceFilesTable.size,
    mime: evidenceFilesTable.mime,
    sha256: evidenceFilesTable.sha256,
    uploadedAt: evidenceFilesTable.uploadedAt,
    uploaderId: usersTable.id,
    uploaderName: usersTable.displayName
  }).from(evidenceFilesTable)
    .leftJoin(usersTable, eq(usersTable.id, evidenceFilesTable.uploadedBy))
    .where(and(eq(evidenceFilesTable.selfAssessmentId, selfAssessmentId), fileId === undefined ? undefined : eq(evidenceFilesTable.id, fileId)))
    .orderBy(asc(evidenceFilesTable.uploadedAt), asc(evidenceFilesTable.id))
  if (rows.length === 0) return []
  const links = await db.select({ fileId: evidenceLinksTable.fileId, leafCode: evidenceLinksTable.leafCode }).from(evidenceLinksTable)
    .where(inArray(evidenceLinksTable.fileId, rows.map((row) => row.id)))
  return rows.map((row) => ({
    id: row.id,
    filename: row.filename,
    size: row.size,
    mime: row.mime,
    sha256: row.sha256,
    uploadedAt: row.uploadedAt.toISOString(),
    uploadedBy: row.uploaderId === null ? null : { id: row.uploaderId, displayName: row.uploaderName ?? '' },
    leafCodes: links.filter((link) => link.fileId === row.id).map((link) => link.leafCode).sort(compareNodeCodes)
  }))
}

async function fileOf (db: Executor, selfAssessmentId: string | null, fileId: string): Promise<EvidenceFile> {
  const [file] = selfAssessmentId === null ? [] : await filesOf(db, selfAssessmentId, fileId)
  if (!file) throw Errors.notFound(t('No such evidence file in this self-assessment.', 'Không tìm thấy tệp tài liệu kiểm chứng này trong bản tự đánh giá.'))
  return file
}

export async function listEvidence (db: Db, actor: Actor, roundId: string, unitId: string): Promise<EvidenceFile[]> {
  const visible = await visibility(db, actor, roundId, unitId)
  return visible.selfAssessmentId === null ? [] : visibleFiles(await filesOf(db, visible.selfAssessmentId), visible)
}

/** The record of a file the caller may download (the same checks as the list). */
export async function findEvidence (db: Db, actor: Actor, roundId: string, unitId: string, fileId: string): Promise<EvidenceFile> {
  const visible = await visibility(db, actor, roundId, unitId)
  const [file] = visibleFiles([await fileOf(db, visible.selfAssessmentId, fileId)], visible)
  if (!file) throw Errors.notFound(t('No such evidence file in the fields assigned to you.', 'Không tìm thấy tệp tài liệu kiểm chứng này trong các lĩnh vực được phân công cho bạn.'))
  return file
}

/** The file's record and its bytes as a stream from the store. */
export async function openEvidence (db: Db, store: EvidenceStore, actor: Actor, roundId: string, unitId: string, fileId: string): Promise<{ file: EvidenceFile, content: Readable }> {
  const file = await findEvidence(db, actor, roundId, unitId, fileId)
  return { file, content: await store.open(file.sha256) }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/**
 * Serializes, per content hash, "record a new reference" against "drop the object if unreferenced", so an upload
 * deduplicated onto an object can never be recorded after a removal decided the object was unwanted.
 */
async function lockObject (tx: Executor, sha256: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`evidence:${sha256}`}, 0))`)
}

/** Deletes the stored object when no evidence_files row refers to its hash any more. */
export async function releaseObject (db: Db, store: EvidenceStore, sha256: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockObject(tx, sha256)
    const [referenced] = await tx.select({ id: evidenceFilesTable.id }).from(evidenceFilesTable).where(eq(evidenceFilesTable.sha256, sha256)).limit(1)
    if (!referenced) await store.delete(sha256)
  })
}

/** Checks the leaves are editable without changing anything, so a refused upload is answered before its body is read. */
async function assertEditable (db: Db, actor: Actor, roundId: string, unitId: string, leafCodes: readonly string[]): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await lockEditableLeaves(tx, actor, roundId, unitId, leafCodes)
      tx.rollback()
    })
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error
  }
}

const uploaderOf = (actor: Actor): string | null => actor.principal?.kind === 'user' ? actor.principal.id : null

const auditedFile = (file: EvidenceFile, selfAssessmentId: string) =>
  ({ selfAssessmentId, filename: file.filename, size: file.size, mime: file.mime, sha256: file.sha256, leafCodes: file.leafCodes })

/**
 * Streams the upload into the store (which checks size and type while it streams, and keeps nothing on failure),
 * then records the file, its links and the audit row in one transaction. If that fails, the object goes again
 * unless another record refers to the same content.
 */
export async function uploadEvidence (db: Db, store: EvidenceStore, actor: Actor, roundId: string, unitId: string, upload: Upload): Promise<EvidenceFile> {
  const leafCodes = [...new Set(upload.leafCodes)]
  try {
    await assertEditable(db, actor, roundId, unitId, leafCodes)
  } catch (error) {
    upload.source.destroy()
    throw error
  }
  const stored = await store.put(upload.source, { maxBytes: upload.maxBytes })
  try {
    await upload.rest?.()
    // A zip-based document is judged by its whole directory now that it is stored: a refusal keeps nothing.
    const type = refineByFilename(await inspectContainer(store, stored.sha256, stored.size, stored.detectedType), upload.filename)
    const filename = nameForType(sanitizeFilename(upload.filename), type)
    return await db.transaction(async (tx) => {
      // Checked again: the deadline may have passed, or the unit submitted, while the file was arriving.
      const { selfAssessmentId } = await lockEditableLeaves(tx, actor, roundId, unitId, leafCodes)
      await lockObject(tx, stored.sha256)
      if (!(await store.exists(stored.sha256))) {
        throw Errors.conflict(t('The same content was removed while this upload was arriving; upload the file again.', 'Một tệp cùng nội dung vừa bị gỡ trong lúc tải lên; vui lòng tải tệp lên lại.'))
      }
      const [row] = await tx.insert(evidenceFilesTable).values({
        selfAssessmentId,
        sha256: stored.sha256,
        filename,
        size: stored.size,
        mime: type.mime,
        uploadedBy: uploaderOf(actor)
      }).returning({ id: evidenceFilesTable.id })
      const fileId = (row as { id: string }).id
      if (leafCodes.length > 0) await tx.insert(evidenceLinksTable).values(leafCodes.map((leafCode) => ({ selfAssessmentId, leafCode, fileId })))
      const file = await fileOf(tx, selfAssessmentId, fileId)
      await audit(tx, actor, { action: 'evidence.upload', entityType: 'evidence_file', entityId: fileId, after: { ...auditedFile(file, selfAssessmentId), deduplicated: stored.deduplicated } })
      return file
    })
  } catch (error) {
    // The caller hears about the first failure; an object left behind by a failed clean-up is unreferenced garbage, not data.
    await releaseObject(db, store, stored.sha256).catch(() => undefined)
    throw error
  }
}

/** Attaches an uploaded file to another leaf of the same self-assessment; attaching it twice changes nothing. */
export async function attachEvidence (db: Db, actor: Actor, roundId: string, unitId: string, fileId: string, leafCode: string): Promise<EvidenceFile> {
  return db.transaction(async (tx) => {
    const { selfAssessmentId } = await lockEditableLeaves(tx, actor, roundId, unitId, [leafCode])
    const before = await fileOf(tx, selfAssessmentId, fileId)
    if (before.leafCodes.includes(leafCode)) return before
    await tx.insert(evidenceLinksTable).values({ selfAssessmentId, leafCode, fileId })
    const after = await fileOf(tx, selfAssessmentId, fileId)
    await audit(tx, actor, { action: 'evidence.attach', entityType: 'evidence_file', entityId: fileId, before: { selfAssessmentId, leafCodes: before.leafCodes }, after: { selfAssessmentId, leafCodes: after.leafCodes } })
    return after
  })
}

/** Detaches a file from one leaf; the file stays uploaded (and attached to its other leaves). */
export async function detachEvidence (db: Db, actor: Actor, roundId: string, unitId: string, fileId: string, leafCode: string): Promise<EvidenceFile> {
  return db.transaction(async (tx) => {
    const { selfAssessmentId } = await lockEditableLeaves(tx, actor, roundId, unitId, [leafCode])
    const before = await fileOf(tx, selfAssessmentId, fileId)
    if (!before.leafCodes.includes(leafCode)) throw Errors.notFound(t(`The file is not attached to leaf ${leafCode}.`, `Tệp không được gắn với tiêu chí ${leafCode}.`))
    await tx.delete(evidenceLinksTable).where(and(eq(evidenceLinksTable.fileId, fileId), eq(evidenceLinksTable.leafCode, leafCode)))
    const after = await fileOf(tx, selfAssessmentId, fileId)
    await audit(tx, actor, { action: 'evidence.detach', entityType: 'evidence_file', entityId: fileId, before: { selfAssessmentId, leafCodes: before.leafCodes }, after: { selfAssessmentId, leafCodes: after.leafCodes } })
    return after
  })
}

/** Removes a file, only if every leaf it is attached to is editable; its bytes go when no other record shares them. */
export async function deleteEvidence (db: Db, store: EvidenceStore, actor: Actor, roundId: string, unitId: string, fileId: string): Promise<void> {
  const sha256 = await db.transaction(async (tx) => {
    const seen = await fileOf(tx, (await visibility(tx, actor, roundId, unitId)).selfAssessmentId, fileId)
    const { selfAssessmentId } = await lockEditableLeaves(tx, actor, roundId, unitId, seen.leafCodes)
    // Under the lock no other change to this self-assessment's evidence can run; a link added in between is checked too.
    const file = await fileOf(tx, selfAssessmentId, fileId)
    const added = file.leafCodes.filter((code) => !seen.leafCodes.includes(code))
    if (added.length > 0) await lockEditableLeaves(tx, actor, roundId, unitId, added)
    await tx.delete(evidenceFilesTable).where(eq(evidenceFilesTable.id, fileId))
    await audit(tx, actor, { action: 'evidence.delete', entityType: 'evidence_file', entityId: fileId, before: auditedFile(file, selfAssessmentId) })
    return file.sha256
  })
  // After commit: removing the object inside the transaction would lose the bytes of a row that a failed commit keeps.
  await releaseObject(db, store, sha256)
}

/** Evidence contents stored (each once, whatever the number of files pointing at it) and their bytes, for /metrics. */
export async function storedEvidenceTotals (db: Executor): Promise<{ files: number, bytes: number }> {
  const [row] = await queryRows<{ files: number, bytes: string }>(db, sql`
    select count(*)::int as files, coalesce(sum(size), 0)::text as bytes from (select distinct sha256, size from evidence_files) stored`)
  return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) }
}
