// Catalog-level changes: create, update, delete a draft, publish (freeze) and clone with lineage.
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { recordCatalogLeaves } from '../../db/queries/catalog-leaves.js'
import { catalogsTable } from '../../db/schema/index.js'
import { type ClassificationBand, type RankingMethod, validateCatalog } from '../../domain/catalog.js'
import { Errors } from '../../errors.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'
import { text as t } from '../../messages/text.js'
import { type CatalogDetail, type CatalogRow, getCatalog, loadCatalog } from './store.js'
import { assertCatalogCodeFree, catalogMeta, classificationProblems, codeTaken, insertRows, invalidField, loadDraft, mapConstraintErrors, publishedError, refuseFieldProblems, treeRows, unitTypeExists } from './guards.js'

export interface NewCatalog {
  code: string
  year: number
  unitType: string
  title: string
  legalBasis?: string | undefined
  provenance?: string | null | undefined
  classification: ClassificationBand[]
  ranking?: RankingMethod | undefined
}

export async function createCatalog (db: Db, actor: Actor, input: NewCatalog): Promise<CatalogDetail> {
  refuseFieldProblems(classificationProblems(input.classification, '/classification'))
  if (!await unitTypeExists(db, input.unitType)) throw invalidField('/unitType', 'unknown', t(`is not a known unit type (${input.unitType})`, `không phải loại đơn vị đã có (${input.unitType})`))
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    await assertCatalogCodeFree(tx, input.code)
    const [row] = await tx.insert(catalogsTable).values({
      code: input.code,
      year: input.year,
      unitTypeCode: input.unitType,
      title: input.title,
      legalBasis: input.legalBasis ?? '',
      provenance: input.provenance ?? null,
      classification: input.classification,
      ranking: input.ranking ?? 'dense'
    }).returning()
    const created = row as CatalogRow
    await audit(tx, actor, { action: 'catalog.create', entityType: 'catalog', entityId: created.id, after: catalogMeta(created) })
    return getCatalog(tx, created.id)
  }), { unique: codeTaken(input.code) })
}

export interface CatalogChanges {
  code?: string | undefined
  year?: number | undefined
  title?: string | undefined
  legalBasis?: string | undefined
  provenance?: string | null | undefined
  classification?: ClassificationBand[] | undefined
  ranking?: RankingMethod | undefined
}

export async function updateCatalog (db: Db, actor: Actor, id: string, changes: CatalogChanges): Promise<CatalogDetail> {
  refuseFieldProblems(classificationProblems(changes.classification, '/classification'))
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const { catalog } = await loadDraft(tx, id, 'edited')
    if (changes.code !== undefined && changes.code !== catalog.code) await assertCatalogCodeFree(tx, changes.code, id)
    const [row] = await tx.update(catalogsTable).set({
      ...(changes.code !== undefined ? { code: changes.code } : {}),
      ...(changes.year !== undefined ? { year: changes.year } : {}),
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.legalBasis !== undefined ? { legalBasis: changes.legalBasis } : {}),
      ...(changes.provenance !== undefined ? { provenance: changes.provenance } : {}),
      ...(changes.classification !== undefined ? { classification: changes.classification } : {}),
      ...(changes.ranking !== undefined ? { ranking: changes.ranking } : {}),
      updatedAt: new Date()
    }).where(eq(catalogsTable.id, id)).returning()
    await audit(tx, actor, { action: 'catalog.update', entityType: 'catalog', entityId: id, before: catalogMeta(catalog), after: catalogMeta(row as CatalogRow) })
    return getCatalog(tx, id)
  }), { unique: codeTaken(changes.code ?? '') })
}

export async function deleteCatalog (db: Db, actor: Actor, id: string): Promise<void> {
  await mapConstraintErrors(() => db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'deleted')
    const clones = await tx.select({ code: catalogsTable.code }).from(catalogsTable).where(eq(catalogsTable.sourceCatalogId, id))
    if (clones.length > 0) {
      const names = clones.map((clone) => clone.code).join(', ')
      throw Errors.conflict(t(`Catalog ${loaded.catalog.code} cannot be deleted: ${names} ${clones.length === 1 ? 'was' : 'were'} cloned from it. Delete ${clones.length === 1 ? 'that draft' : 'those drafts'} first.`,
        `Không thể xóa bộ tiêu chí ${loaded.catalog.code}: ${names} được nhân bản từ bộ này. Hãy xóa bản nháp đó trước.`))
    }
    await tx.delete(catalogsTable).where(eq(catalogsTable.id, id))
    // The whole document goes into the audit row, so a draft deleted by mistake can be imported back.
    await audit(tx, actor, { action: 'catalog.delete', entityType: 'catalog', entityId: id, before: { ...catalogMeta(loaded.catalog), document: loaded.document } })
  }), {
    unique: t('The catalog changed while it was being deleted.', 'Bộ tiêu chí vừa thay đổi trong lúc xóa.'),
    foreignKey: t('The catalog is still referenced by other records and cannot be deleted.', 'Bộ tiêu chí vẫn đang được dữ liệu khác sử dụng nên không thể xóa.')
  })
}

export async function publishCatalog (db: Db, actor: Actor, id: string): Promise<CatalogDetail> {
  return db.transaction(async (tx) => {
    const loaded = await loadCatalog(tx, id, { lock: true })
    const { catalog } = loaded
    if (catalog.status === 'published') throw publishedError(catalog, 'republished')
    const problems = validateCatalog(loaded.document)
    if (problems.length > 0) {
      throw Errors.catalogInvalid(t(`Catalog ${catalog.code} cannot be published: it has ${problems.length} problem${problems.length === 1 ? '' : 's'}, listed in errors. Fix them and publish again.`,
        `Chưa thể công bố bộ tiêu chí ${catalog.code}: còn ${problems.length} vấn đề cần sửa.`), { errors: problems })
    }
    const publishedAt = new Date()
    await tx.update(catalogsTable).set({ status: 'published', publishedAt, updatedAt: publishedAt }).where(eq(catalogsTable.id, id))
    await recordCatalogLeaves(tx, id)
    await audit(tx, actor, { action: 'catalog.publish', entityType: 'catalog', entityId: id, before: { status: 'draft', publishedAt: null }, after: { status: 'published', publishedAt: publishedAt.toISOString() } })
    return getCatalog(tx, id)
  })
}

// "… năm 2020" becomes "… năm 2021" when no title is given: the usual way next year's catalog is named.
function retitle (title: string, fromYear: number, toYear: number): string {
  return fromYear === toYear ? title : title.replace(new RegExp(`(?<!\\d)${fromYear}(?!\\d)`, 'g'), String(toYear))
}

export async function cloneCatalog (db: Db, actor: Actor, id: string, input: { code: string, year: number, title?: string | undefined }): Promise<CatalogDetail> {
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const source = await loadCatalog(tx, id)
    await assertCatalogCodeFree(tx, input.code)
    const [row] = await tx.insert(catalogsTable).values({
      code: input.code,
      year: input.year,
      unitTypeCode: source.catalog.unitTypeCode,
      title: input.title ?? retitle(source.catalog.title, source.catalog.year, input.year),
      legalBasis: source.catalog.legalBasis,
      provenance: source.catalog.provenance,
      classification: source.catalog.classification,
      ranking: source.catalog.ranking,
      sourceCatalogId: source.catalog.id
    }).returning()
    const created = row as CatalogRow
    await insertRows(tx, treeRows(created.id, source.document.nodes, new Map(source.nodes.map((node) => [node.code, node.id]))))
    await audit(tx, actor, {
      action: 'catalog.clone',
      entityType: 'catalog',
      entityId: created.id,
      after: { ...catalogMeta(created), sourceCatalogId: source.catalog.id, sourceCatalogCode: source.catalog.code, nodes: source.nodes.length }
    })
    return getCatalog(tx, created.id)
  }), { unique: codeTaken(input.code) })
}
