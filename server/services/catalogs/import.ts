// par-catalog/1 import: the document's shape checked, then the domain rules, then a draft created or replaced.
import { eq } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { recordCatalogLeaves } from '../../db/queries/catalog-leaves.js'
import { catalogNodesTable, catalogsTable } from '../../db/schema/index.js'
import { type CatalogDocument, validateCatalog } from '../../domain/catalog.js'
import { Errors } from '../../errors.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'
import { otherFormat } from '../import-format.js'
import { text as t } from '../../messages/text.js'
import { type CatalogDetail, type ImportProblem, getCatalog, loadCatalog } from './store.js'
import { documentShapeProblems } from './document-shape.js'
import { catalogMeta, codeTaken, insertRows, mapConstraintErrors, publishedError, treeRows, unitTypeExists } from './guards.js'

/** Every problem of a document to import: shape first, then (on a sound shape) the domain rules and the unit type. */
export async function importProblems (db: Executor, input: unknown): Promise<ImportProblem[]> {
  const wrong = otherFormat(input, 'par-catalog/1')
  if (wrong) return [{ nodeCode: null, rule: 'invalid_shape', pointer: '/format', keyword: 'const', message: wrong }]
  const shape = documentShapeProblems(input)
  // The domain validator trusts the shape; a kind at the wrong level does not break it, anything else might.
  if (shape.some((problem) => problem.rule === 'invalid_shape')) return shape
  const document = input as CatalogDocument
  const problems: ImportProblem[] = [...shape, ...validateCatalog(document)]
  if (!await unitTypeExists(db, document.unitType)) {
    problems.push({
      nodeCode: null,
      rule: 'unknown_unit_type',
      message: t(`The unit type ${document.unitType} does not exist; create it first or use one of the known unit types.`, `Loại đơn vị ${document.unitType} không tồn tại; hãy tạo trước hoặc dùng một loại đơn vị đã có.`)
    })
  }
  return problems
}

export interface ImportOptions {
  /** Publish at once (the document is valid, or nothing is imported). */
  publish?: boolean | undefined
  /** Replace the content of the existing draft with the same code instead of refusing. */
  replace?: boolean | undefined
}

/**
 * Imports a par-catalog/1 document as a draft (or published at once). Refuses an invalid document with every
 * problem (422, nothing stored). A code already in use is refused with 409, unless the catalog is a draft and
 * `replace` is set; a published catalog is never replaced.
 */
export async function importCatalog (db: Db, actor: Actor, document: unknown, options: ImportOptions = {}): Promise<CatalogDetail & { replaced: boolean }> {
  const problems = await importProblems(db, document)
  if (problems.length > 0) {
    throw Errors.importInvalid(t(`The catalog document has ${problems.length} problem${problems.length === 1 ? '' : 's'}, listed in errors; nothing was imported.`,
      `Tệp bộ tiêu chí có ${problems.length} vấn đề; chưa nhập gì.`), { errors: problems })
  }
  const doc = document as CatalogDocument
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const [existing] = await tx.select().from(catalogsTable).where(eq(catalogsTable.code, doc.code)).for('update')
    const now = new Date()
    const meta = {
      code: doc.code,
      year: doc.year,
      unitTypeCode: doc.unitType,
      title: doc.title,
      legalBasis: doc.legalBasis,
      provenance: doc.provenance ?? null,
      classification: doc.classification,
      ranking: doc.ranking,
      status: options.publish ? 'published' as const : 'draft' as const,
      publishedAt: options.publish ? now : null,
      updatedAt: now
    }
    let catalogId: string
    let before: unknown = null
    let sourceByCode: Map<string, string | null> | undefined
    if (existing) {
      if (existing.status === 'published') throw publishedError(existing, 'replaced')
      if (!options.replace) {
        throw Errors.conflict(t(`A draft catalog with the code ${doc.code} exists. Import with replace=true to replace its content, or give the document another code.`,
          `Đã có bộ tiêu chí nháp mã ${doc.code}. Hãy chọn thay thế nội dung bản nháp đó, hoặc đặt mã khác cho tệp.`))
      }
      const previous = await loadCatalog(tx, existing.id)
      before = { ...catalogMeta(existing), document: previous.document }
      // A cloned draft keeps its lineage for the nodes whose code survives the re-import.
      sourceByCode = new Map(previous.nodes.map((node) => [node.code, node.source?.id ?? null]))
      await tx.delete(catalogNodesTable).where(eq(catalogNodesTable.catalogId, existing.id))
      await tx.update(catalogsTable).set(meta).where(eq(catalogsTable.id, existing.id))
      catalogId = existing.id
    } else {
      const [row] = await tx.insert(catalogsTable).values(meta).returning({ id: catalogsTable.id })
      catalogId = (row as { id: string }).id
    }
    await insertRows(tx, treeRows(catalogId, doc.nodes, sourceByCode))
    if (options.publish) await recordCatalogLeaves(tx, catalogId)
    await audit(tx, actor, {
      action: 'catalog.import',
      entityType: 'catalog',
      entityId: catalogId,
      before,
      after: { status: meta.status, document: doc }
    })
    return { ...await getCatalog(tx, catalogId), replaced: existing !== undefined }
  }), { unique: codeTaken(doc.code) })
}
