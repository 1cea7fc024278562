// Criteria catalogs: drafts edited node by node, domain validation, publication (freeze), clone with lineage, par-catalog/1 import and export.
import { randomUUID } from 'node:crypto'
import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db, Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
import { catalogNodesTable, catalogsTable, unitTypesTable } from '../db/schema/index.js'
import {
  type CatalogDocument,
  type CatalogNode,
  type CatalogProblem,
  type CatalogRule,
  type ClassificationBand,
  type EvidenceRule,
  type FieldStats,
  type NodeKind,
  type RankingMethod,
  type ScoringMethod,
  catalogStats,
  validateCatalog
} from '../domain/catalog.js'
import { type Milli, milliToNumber, milliToString, parseDecimal, parseMilli, sumMilli } from '../domain/decimal.js'
import { AppError, Errors, type FieldProblem } from '../errors.js'
import { audit } from './audit.js'
import type { Actor } from './context.js'
import { noSuch } from '../messages/problems.js'
import { Text, text as t } from '../messages/text.js'
import { fieldProblem, fieldProblemsText } from '../messages/validation.js'

type CatalogRow = typeof catalogsTable.$inferSelect
type NodeInsert = typeof catalogNodesTable.$inferInsert
type CatalogStatus = CatalogRow['status']

/** A problem of an imported document: a domain rule, or one of the checks only an import needs. */
export interface ImportProblem {
  nodeCode: string | null
  rule: CatalogRule | 'invalid_shape' | 'invalid_kind' | 'unknown_unit_type'
  message: Text
  /** JSON pointer into the document, for shape problems. */
  pointer?: string
}

/** A stored node with everything later services need: its id, parent, field and parsed rules. */
export interface LoadedNode {
  id: string
  parentId: string | null
  code: string
  kind: NodeKind
  title: string
  position: number
  /** 0 for a field, 1 for a criterion, 2 and more below. */
  depth: number
  /** Code of the top-level field the node belongs to (its own code for a field). */
  fieldCode: string
  maxPoints: Milli
  scoring: ScoringMethod | null
  evidence: EvidenceRule | null
  guidance: string | null
  /** The node of the source catalog this one was cloned from. */
  source: { id: string, code: string } | null
  leaf: boolean
  parent: LoadedNode | null
  children: LoadedNode[]
  /** The same node in the domain document, for domain functions such as scoreLeaf. */
  node: CatalogNode
}

export interface LoadedCatalog {
  catalog: CatalogRow
  document: CatalogDocument
  /** The top-level fields, each with its subtree. */
  tree: LoadedNode[]
  /** Every node, parents before children, in document order. */
  nodes: LoadedNode[]
  /** Every leaf in document order. */
  leaves: LoadedNode[]
  byCode: Map<string, LoadedNode>
  byId: Map<string, LoadedNode>
}

export interface CatalogSummary {
  id: string
  code: string
  year: number
  unitType: string
  title: string
  status: CatalogStatus
  publishedAt: string | null
  sourceCatalogId: string | null
  totalMaxPoints: number
  leafCount: number
}

export interface ApiCatalogNode {
  id: string
  code: string
  kind: NodeKind
  title: string
  maxPoints: number
  scoring: ScoringMethod | null
  evidence: EvidenceRule | null
  guidance: string | null
  sourceNode: { id: string, code: string } | null
  children: ApiCatalogNode[]
}

export interface CatalogDetail extends CatalogSummary {
  legalBasis: string
  provenance: string | null
  classification: ClassificationBand[]
  ranking: RankingMethod
  createdAt: string
  updatedAt: string
  fieldStats: FieldStats[]
  nodes: ApiCatalogNode[]
  problems: CatalogProblem[]
}

const FORMAT = 'par-catalog/1'
const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
const NODE_KINDS: readonly NodeKind[] = ['field', 'criterion', 'subcriterion']
const EVIDENCE_RULES: readonly EvidenceRule[] = ['required', 'optional', 'none']
const RANKINGS: readonly RankingMethod[] = ['dense', 'competition']
const INSERT_CHUNK = 200

/** The kind a node must have at a depth: fields at the top, criteria below them, sub-criteria deeper. */
export function kindAtDepth (depth: number): NodeKind {
  return depth === 0 ? 'field' : depth === 1 ? 'criterion' : 'subcriterion'
}

// ---------------------------------------------------------------------------------------------------------------
// Loading

/**
 * The catalog with its node tree, as the domain document and as stored nodes with ids.
 * `lock` takes the catalog row FOR UPDATE so that edits and publication of one catalog are serialized.
 */
export async function loadCatalog (db: Executor, id: string, options: { lock?: boolean } = {}): Promise<LoadedCatalog> {
  const query = db.select().from(catalogsTable).where(eq(catalogsTable.id, id))
  const [catalog] = options.lock ? await query.for('update') : await query
  if (!catalog) throw Errors.notFound(noSuch.catalog)

  const source = alias(catalogNodesTable, 'source')
  const rows = await db.select({ node: catalogNodesTable, sourceCode: source.code })
    .from(catalogNodesTable)
    .leftJoin(source, eq(source.id, catalogNodesTable.sourceNodeId))
    .where(eq(catalogNodesTable.catalogId, id))
    .orderBy(asc(catalogNodesTable.position), asc(catalogNodesTable.code))

  const childrenOf = new Map<string | null, typeof rows>()
  for (const row of rows) {
    const list = childrenOf.get(row.node.parentId) ?? []
    list.push(row)
    childrenOf.set(row.node.parentId, list)
  }
  const nodes: LoadedNode[] = []
  const build = (row: typeof rows[number], parent: LoadedNode | null, depth: number, fieldCode: string): LoadedNode => {
    const { node: stored } = row
    const maxPoints = parseMilli(stored.maxPoints)
    if (maxPoints === null) throw new Error(`catalog node ${stored.id} has an unreadable maximum ${stored.maxPoints}`)
    const node: CatalogNode = { code: stored.code, kind: stored.kind, title: stored.title, maxPoints: milliToNumber(maxPoints) }
    const loaded: LoadedNode = {
      id: stored.id,
      parentId: stored.parentId,
      code: stored.code,
      kind: stored.kind,
      title: stored.title,
      position: stored.position,
      depth,
      fieldCode,
      maxPoints,
      scoring: stored.scoring ?? null,
      evidence: stored.evidence ?? null,
      guidance: stored.guidance ?? null,
      source: stored.sourceNodeId !== null && row.sourceCode !== null ? { id: stored.sourceNodeId, code: row.sourceCode } : null,
      leaf: true,
      parent,
      children: [],
      node
    }
    nodes.push(loaded)
    loaded.children = (childrenOf.get(stored.id) ?? []).map((child) => build(child, loaded, depth + 1, fieldCode))
    loaded.leaf = loaded.children.length === 0
    // Key order follows the interchange format, so an export reads like the files admins write.
    if (!loaded.leaf) node.children = loaded.children.map((child) => child.node)
    if (loaded.scoring !== null) node.scoring = loaded.scoring
    if (loaded.evidence !== null) node.evidence = loaded.evidence
    if (loaded.guidance !== null) node.guidance = loaded.guidance
    return loaded
  }
  const tree = (childrenOf.get(null) ?? []).map((row) => build(row, null, 0, row.node.code))

  const document: CatalogDocument = {
    format: FORMAT,
    code: catalog.code,
    title: catalog.title,
    year: catalog.year,
    unitType: catalog.unitTypeCode,
    legalBasis: catalog.legalBasis,
    ...(catalog.provenance !== null ? { provenance: catalog.provenance } : {}),
    classification: catalog.classification,
    ranking: catalog.ranking,
    nodes: tree.map((field) => field.node)
  }
  return {
    catalog,
    document,
    tree,
    nodes,
    leaves: nodes.filter((node) => node.leaf),
    byCode: new Map(nodes.map((node) => [node.code, node])),
    byId: new Map(nodes.map((node) => [node.id, node]))
  }
}

/** The domain document with the stored node ids; the name the demo loader and later services use. */
export const loadCatalogDocument = loadCatalog

// ---------------------------------------------------------------------------------------------------------------
// Reading

function iso (value: Date | null): string | null {
  return value === null ? null : value.toISOString()
}

function summaryOf (row: CatalogRow, totalMaxPoints: Milli, leafCount: number): CatalogSummary {
  return {
    id: row.id,
    code: row.code,
    year: row.year,
    unitType: row.unitTypeCode,
    title: row.title,
    status: row.status,
    publishedAt: iso(row.publishedAt),
    sourceCatalogId: row.sourceCatalogId,
    totalMaxPoints: milliToNumber(totalMaxPoints),
    leafCount
  }
}

function apiNode (node: LoadedNode): ApiCatalogNode {
  return {
    id: node.id,
    code: node.code,
    kind: node.kind,
    title: node.title,
    maxPoints: milliToNumber(node.maxPoints),
    scoring: node.scoring,
    evidence: node.evidence,
    guidance: node.guidance,
    sourceNode: node.source,
    children: node.children.map(apiNode)
  }
}

function detailOf (loaded: LoadedCatalog): CatalogDetail {
  const { catalog, document } = loaded
  return {
    ...summaryOf(catalog, sumMilli(loaded.tree.map((field) => field.maxPoints)), loaded.leaves.length),
    legalBasis: catalog.legalBasis,
    provenance: catalog.provenance,
    classification: catalog.classification,
    ranking: catalog.ranking,
    createdAt: catalog.createdAt.toISOString(),
    updatedAt: catalog.updatedAt.toISOString(),
    fieldStats: catalogStats(document),
    nodes: loaded.tree.map(apiNode),
    // A published catalog passed validation when it was frozen and cannot have changed since.
    problems: catalog.status === 'published' ? [] : validateCatalog(document)
  }
}

export async function getCatalog (db: Executor, id: string): Promise<CatalogDetail> {
  return detailOf(await loadCatalog(db, id))
}

export interface CatalogQuery {
  year?: number | undefined
  unitType?: string | undefined
  status?: CatalogStatus | undefined
  code?: string | undefined
  limit: number
  offset: number
}

export async function listCatalogs (db: Executor, query: CatalogQuery) {
  const conditions: SQL[] = []
  if (query.year !== undefined) conditions.push(eq(catalogsTable.year, query.year))
  if (query.unitType) conditions.push(eq(catalogsTable.unitTypeCode, query.unitType))
  if (query.status) conditions.push(eq(catalogsTable.status, query.status))
  if (query.code) conditions.push(eq(catalogsTable.code, query.code))
  const where = conditions.length > 0 ? and(...conditions) : undefined
  const [rows, [total]] = await Promise.all([
    db.select().from(catalogsTable).where(where)
      .orderBy(desc(catalogsTable.year), asc(catalogsTable.unitTypeCode), asc(catalogsTable.code))
      .limit(query.limit).offset(query.offset),
    db.select({ value: count() }).from(catalogsTable).where(where)
  ])
  const totals = await catalogTotals(db, rows.map((row) => row.id))
  return {
    items: rows.map((row) => {
      const totalsOfRow = totals.get(row.id)
      return summaryOf(row, totalsOfRow?.maxPoints ?? 0, totalsOfRow?.leaves ?? 0)
    }),
    total: Number(total?.value ?? 0),
    limit: query.limit,
    offset: query.offset
  }
}

// Sums in SQL numeric, which is exact; the text form is parsed into thousandths, never through a float.
async function catalogTotals (db: Executor, ids: string[]): Promise<Map<string, { maxPoints: Milli, leaves: number }>> {
  const out = new Map<string, { maxPoints: Milli, leaves: number }>()
  if (ids.length === 0) return out
  const rows = await queryRows<{ catalog_id: string, total: string, leaves: number | string }>(db, sql`
    select n.catalog_id,
           coalesce(sum(n.max_points) filter (where n.parent_id is null), 0)::text as total,
           (count(*) filter (where not exists (select 1 from catalog_nodes k where k.parent_id = n.id)))::int as leaves
    from catalog_nodes n
    where n.catalog_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})
    group by n.catalog_id`)
  for (const row of rows) out.set(row.catalog_id, { maxPoints: parseMilli(row.total) ?? 0, leaves: Number(row.leaves) })
  return out
}

export async function exportCatalog (db: Db, id: string): Promise<CatalogDocument> {
  return (await loadCatalog(db, id)).document
}

export async function validateStoredCatalog (db: Executor, id: string): Promise<{ valid: boolean, problems: CatalogProblem[] }> {
  const loaded = await loadCatalog(db, id)
  const problems = validateCatalog(loaded.document)
  return { valid: problems.length === 0, problems }
}

// ---------------------------------------------------------------------------------------------------------------
// Guards and helpers shared by the changes

/** What a change would do to a catalog, in each language. */
const actions = {
  edited: t('edited', 'chỉnh sửa'),
  deleted: t('deleted', 'xóa'),
  republished: t('published again', 'công bố lại'),
  replaced: t('replaced by an import', 'thay thế bằng tệp nhập')
}

function publishedError (catalog: CatalogRow, action: keyof typeof actions) {
  const on = catalog.publishedAt ? catalog.publishedAt.toISOString().slice(0, 10) : null
  return Errors.catalogPublished(t(
    `Catalog ${catalog.code} was published${on ? ` on ${on}` : ''} and is frozen, so it cannot be ${actions[action].en}. ` +
    `A correction or next year's catalog is a new version: clone it (POST /catalogs/${catalog.id}/clone), edit the draft and publish that.`,
    `Bộ tiêu chí ${catalog.code} đã công bố${on ? ` ngày ${on.slice(8, 10)}/${on.slice(5, 7)}/${on.slice(0, 4)}` : ''} và được cố định, nên không thể ${actions[action].vi}. ` +
    'Muốn sửa hoặc làm bộ tiêu chí năm sau, hãy nhân bản để tạo bản nháp mới, chỉnh sửa rồi công bố bản đó.'),
  { extra: { catalogId: catalog.id, catalogCode: catalog.code } }
  )
}

/** Locks the catalog and loads it, refusing when it is published. */
async function loadDraft (tx: Executor, id: string, action: keyof typeof actions): Promise<LoadedCatalog> {
  const loaded = await loadCatalog(tx, id, { lock: true })
  if (loaded.catalog.status === 'published') throw publishedError(loaded.catalog, action)
  return loaded
}

function postgresCode (error: unknown): string | undefined {
  let current: unknown = error
  // Drizzle wraps driver errors; the SQLSTATE is on the cause.
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Unique and foreign-key violations that slip past the checks (concurrent requests) become 409, not 500. */
async function mapConstraintErrors<T> (work: () => Promise<T>, describe: { unique: Text, foreignKey?: Text }): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof AppError) throw error
    const code = postgresCode(error)
    if (code === '23505') throw Errors.conflict(describe.unique)
    if (code === '23503' && describe.foreignKey) throw Errors.conflict(describe.foreignKey)
    throw error
  }
}

const codeTaken = (code: string) => t(`The catalog code ${code} is already used by another catalog.`, `Mã bộ tiêu chí ${code} đã được dùng cho bộ tiêu chí khác.`)
const nodeCodeTaken = (code: string) => t(`The node code ${code} is already used in this catalog.`, `Mã nút ${code} đã có trong bộ tiêu chí này.`)

async function assertCatalogCodeFree (tx: Executor, code: string, exceptId?: string): Promise<void> {
  const [existing] = await tx.select({ id: catalogsTable.id, status: catalogsTable.status }).from(catalogsTable).where(eq(catalogsTable.code, code))
  if (existing && existing.id !== exceptId) throw Errors.conflict(codeTaken(code))
}

async function unitTypeExists (db: Executor, code: string): Promise<boolean> {
  const [row] = await db.select({ code: unitTypesTable.code }).from(unitTypesTable).where(eq(unitTypesTable.code, code))
  return row !== undefined
}

function invalidField (pointer: string, keyword: string, message: Text) {
  const errors = [fieldProblem('body', pointer, keyword, {}, message)]
  return Errors.validation(fieldProblemsText(errors), { errors })
}

function refuseFieldProblems (problems: FieldProblem[]): void {
  if (problems.length > 0) throw Errors.validation(fieldProblemsText(problems), { errors: problems })
}

function decimalProblem (value: unknown, pointer: string, nonNegative = false): FieldProblem | null {
  const parsed = typeof value === 'number' ? parseDecimal(value) : { ok: false as const }
  if (!parsed.ok) {
    return fieldProblem('body', pointer, 'decimal', {}, nonNegative
      ? t('must be a non-negative decimal with at most 3 decimal places', 'phải là số thập phân không âm có tối đa 3 chữ số thập phân')
      : t('must be a decimal with at most 3 decimal places', 'phải là số thập phân có tối đa 3 chữ số thập phân'))
  }
  if (nonNegative && parsed.milli < 0) return fieldProblem('body', pointer, 'minimum', { limit: 0 }, t('must not be negative', 'không được âm'))
  return null
}

// Precision is a shape rule checked at once; whether the numbers fit together (sums, steps, bands) is validation, reported later.
function scoringDecimalProblems (scoring: ScoringMethod | null | undefined, pointer: string): FieldProblem[] {
  const problems: (FieldProblem | null)[] = []
  if (!scoring) return []
  if (scoring.method === 'range') problems.push(decimalProblem(scoring.step, `${pointer}/step`))
  if (scoring.method === 'options') {
    scoring.options.forEach((option, i) => {
      if (option.points !== undefined) problems.push(decimalProblem(option.points, `${pointer}/options/${i}/points`))
    })
  }
  if (scoring.method === 'bands') {
    problems.push(decimalProblem(scoring.input.min, `${pointer}/input/min`), decimalProblem(scoring.input.max, `${pointer}/input/max`))
    scoring.bands.forEach((band, i) => {
      problems.push(decimalProblem(band.min, `${pointer}/bands/${i}/min`), decimalProblem(band.points, `${pointer}/bands/${i}/points`))
    })
  }
  return problems.filter((problem): problem is FieldProblem => problem !== null)
}

function classificationProblems (bands: readonly ClassificationBand[] | undefined, pointer: string): FieldProblem[] {
  return (bands ?? []).map((band, i) => decimalProblem(band.min, `${pointer}/${i}/min`)).filter((problem): problem is FieldProblem => problem !== null)
}

function pointsText (value: number): string {
  const milli = parseMilli(value)
  if (milli === null || milli < 0) throw new Error(`points ${value} were not checked before storing`)
  return milliToString(milli)
}

function catalogMeta (row: CatalogRow) {
  return {
    code: row.code,
    year: row.year,
    unitType: row.unitTypeCode,
    title: row.title,
    legalBasis: row.legalBasis,
    provenance: row.provenance,
    classification: row.classification,
    ranking: row.ranking,
    status: row.status
  }
}

interface NodeState {
  code: string
  kind: NodeKind
  title: string
  maxPoints: Milli
  scoring: ScoringMethod | null
  evidence: EvidenceRule | null
  guidance: string | null
}

function nodeSnapshot (node: NodeState, parentCode: string | null, position: number) {
  return {
    code: node.code,
    kind: node.kind,
    title: node.title,
    maxPoints: milliToNumber(node.maxPoints),
    scoring: node.scoring,
    evidence: node.evidence,
    guidance: node.guidance,
    parentCode,
    position
  }
}

async function touch (tx: Executor, id: string): Promise<void> {
  await tx.update(catalogsTable).set({ updatedAt: new Date() }).where(eq(catalogsTable.id, id))
}

/** Writes positions 0..n-1 for siblings in the given order, touching only rows whose position changed. */
async function renumber (tx: Executor, siblings: readonly { id: string, position: number }[]): Promise<void> {
  for (const [index, sibling] of siblings.entries()) {
    if (sibling.position !== index) {
      await tx.update(catalogNodesTable).set({ position: index }).where(eq(catalogNodesTable.id, sibling.id))
    }
  }
}

/** Rows for a document tree, parents before children, with fresh ids; `sourceByCode` records clone lineage. */
function treeRows (catalogId: string, nodes: readonly CatalogNode[], sourceByCode?: ReadonlyMap<string, string | null>): NodeInsert[] {
  const rows: NodeInsert[] = []
  const visit = (node: CatalogNode, parentId: string | null, position: number): void => {
    const id = randomUUID()
    rows.push({
      id,
      catalogId,
      parentId,
      code: node.code,
      kind: node.kind,
      title: node.title,
      maxPoints: pointsText(node.maxPoints),
      position,
      scoring: node.scoring ?? null,
      evidence: node.evidence ?? null,
      guidance: node.guidance ?? null,
      sourceNodeId: sourceByCode?.get(node.code) ?? null
    })
    node.children?.forEach((child, index) => visit(child, id, index))
  }
  nodes.forEach((node, index) => visit(node, null, index))
  return rows
}

async function insertRows (tx: Executor, rows: NodeInsert[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await tx.insert(catalogNodesTable).values(rows.slice(start, start + INSERT_CHUNK))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog-level changes

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

// ---------------------------------------------------------------------------------------------------------------
// Import

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Shape of a par-catalog/1 document: every property present, of the right type, and no unknown ones (a misspelt
 * `evidense` must not silently become the default). Reports every problem; the domain rules run only on a sound shape.
 * Also checks that each node's kind matches its depth (field, criterion, subcriterion).
 */
/** The fixed phrases of the shape check in Vietnamese. */
const shapePhrasesVi: Record<string, string> = {
  'is not a property of the format': 'không phải thuộc tính của định dạng',
  'is required': 'bắt buộc có',
  'must be a string': 'phải là chuỗi ký tự',
  'must not be empty': 'không được để trống',
  'may only contain letters, digits, ".", "_" and "-", starting with a letter or digit': 'chỉ gồm chữ, số, ".", "_" và "-", bắt đầu bằng chữ hoặc số',
  'must be a number': 'phải là số',
  'must be an array': 'phải là danh sách',
  'must be an object with a method': 'phải là đối tượng có cách chấm điểm (method)',
  'must be an object': 'phải là đối tượng',
  'must be true or false': 'phải là true hoặc false',
  'must be one of range, options, bands': 'phải là range, options hoặc bands',
  'must be a node object': 'phải là một nút',
  'must be a JSON object in the par-catalog/1 format': 'phải là đối tượng JSON theo định dạng par-catalog/1',
  'must be a year between 2000 and 2100': 'phải là năm từ 2000 đến 2100'
}

export function documentShapeProblems (input: unknown): ImportProblem[] {
  const problems: ImportProblem[] = []
  const report = (nodeCode: string | null, pointer: string, message: string | Text, rule: ImportProblem['rule'] = 'invalid_shape'): void => {
    const said = typeof message === 'string' ? new Text(message, shapePhrasesVi[message] ?? message) : message
    const where = nodeCode !== null ? `Node ${nodeCode}: ` : ''
    const whereVi = nodeCode !== null ? `Nút ${nodeCode}: ` : ''
    problems.push({ nodeCode, rule, message: new Text(`${where}${pointer || '/'} ${said.en}.`, `${whereVi}${pointer || '/'} ${said.vi}.`), pointer })
  }
  const keys = (value: Json, allowed: readonly string[], required: readonly string[], nodeCode: string | null, pointer: string): void => {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) report(nodeCode, `${pointer}/${key}`, 'is not a property of the format')
    for (const key of required) if (value[key] === undefined) report(nodeCode, `${pointer}/${key}`, 'is required')
  }
  const text = (value: unknown, nodeCode: string | null, pointer: string, options: { empty?: boolean, pattern?: RegExp, max?: number } = {}): void => {
    if (value === undefined) return
    if (typeof value !== 'string') return report(nodeCode, pointer, 'must be a string')
    if (!options.empty && value.trim() === '') return report(nodeCode, pointer, 'must not be empty')
    if (options.max !== undefined && value.length > options.max) return report(nodeCode, pointer, t(`must be at most ${options.max} characters`, `không được dài quá ${options.max} ký tự`))
    if (options.pattern && !options.pattern.test(value)) report(nodeCode, pointer, 'may only contain letters, digits, ".", "_" and "-", starting with a letter or digit')
  }
  const number = (value: unknown, nodeCode: string | null, pointer: string): void => {
    if (value === undefined) return
    if (typeof value !== 'number' || !Number.isFinite(value)) report(nodeCode, pointer, 'must be a number')
  }
  const oneOf = (value: unknown, allowed: readonly string[], nodeCode: string | null, pointer: string): void => {
    if (value === undefined) return
    if (typeof value !== 'string' || !allowed.includes(value)) report(nodeCode, pointer, t(`must be one of ${allowed.join(', ')}`, `phải là một trong ${allowed.join(', ')}`))
  }
  const array = (value: unknown, nodeCode: string | null, pointer: string): unknown[] => {
    if (value === undefined) return []
    if (!Array.isArray(value)) {
      report(nodeCode, pointer, 'must be an array')
      return []
    }
    return value
  }

  const scoring = (value: unknown, code: string | null, pointer: string): void => {
    if (!isObject(value)) return report(code, pointer, 'must be an object with a method')
    switch (value.method) {
      case 'range':
        keys(value, ['method', 'step'], ['step'], code, pointer)
        number(value.step, code, `${pointer}/step`)
        return
      case 'options':
        keys(value, ['method', 'options'], ['options'], code, pointer)
        array(value.options, code, `${pointer}/options`).forEach((option, i) => {
          const at = `${pointer}/options/${i}`
          if (!isObject(option)) return report(code, at, 'must be an object')
          keys(option, ['code', 'label', 'points', 'notApplicable'], ['code', 'label'], code, at)
          text(option.code, code, `${at}/code`)
          text(option.label, code, `${at}/label`)
          number(option.points, code, `${at}/points`)
          if (option.notApplicable !== undefined && typeof option.notApplicable !== 'boolean') report(code, `${at}/notApplicable`, 'must be true or false')
        })
        return
      case 'bands': {
        keys(value, ['method', 'input', 'bands'], ['input', 'bands'], code, pointer)
        if (value.input !== undefined) {
          if (!isObject(value.input)) {
            report(code, `${pointer}/input`, 'must be an object')
          } else {
            keys(value.input, ['label', 'unit', 'min', 'max'], ['label', 'min', 'max'], code, `${pointer}/input`)
            text(value.input.label, code, `${pointer}/input/label`)
            text(value.input.unit, code, `${pointer}/input/unit`, { empty: true })
            number(value.input.min, code, `${pointer}/input/min`)
            number(value.input.max, code, `${pointer}/input/max`)
          }
        }
        array(value.bands, code, `${pointer}/bands`).forEach((band, i) => {
          const at = `${pointer}/bands/${i}`
          if (!isObject(band)) return report(code, at, 'must be an object')
          keys(band, ['min', 'points'], ['min', 'points'], code, at)
          number(band.min, code, `${at}/min`)
          number(band.points, code, `${at}/points`)
        })
        return
      }
      default:
        report(code, `${pointer}/method`, 'must be one of range, options, bands')
    }
  }

  const node = (value: unknown, pointer: string, depth: number): void => {
    if (!isObject(value)) return report(null, pointer, 'must be a node object')
    const code = typeof value.code === 'string' ? value.code : null
    keys(value, ['code', 'kind', 'title', 'maxPoints', 'children', 'scoring', 'evidence', 'guidance'], ['code', 'kind', 'title', 'maxPoints'], code, pointer)
    text(value.code, code, `${pointer}/code`, { pattern: CODE_PATTERN, max: 40 })
    oneOf(value.kind, NODE_KINDS, code, `${pointer}/kind`)
    const expected = kindAtDepth(depth)
    if (typeof value.kind === 'string' && NODE_KINDS.includes(value.kind as NodeKind) && value.kind !== expected) {
      report(code, `${pointer}/kind`, t(`is ${value.kind} but a node at this level must be a ${expected}`, `là ${value.kind} nhưng nút ở cấp này phải là ${expected}`), 'invalid_kind')
    }
    text(value.title, code, `${pointer}/title`)
    number(value.maxPoints, code, `${pointer}/maxPoints`)
    if (value.scoring !== undefined) scoring(value.scoring, code, `${pointer}/scoring`)
    oneOf(value.evidence, EVIDENCE_RULES, code, `${pointer}/evidence`)
    text(value.guidance, code, `${pointer}/guidance`, { empty: true })
    array(value.children, code, `${pointer}/children`).forEach((child, i) => node(child, `${pointer}/children/${i}`, depth + 1))
  }

  if (!isObject(input)) {
    report(null, '', 'must be a JSON object in the par-catalog/1 format')
    return problems
  }
  keys(input, ['format', 'code', 'title', 'year', 'unitType', 'legalBasis', 'provenance', 'classification', 'ranking', 'nodes'],
    ['format', 'code', 'title', 'year', 'unitType', 'legalBasis', 'classification', 'ranking', 'nodes'], null, '')
  if (input.format !== undefined && input.format !== FORMAT) report(null, '/format', t(`must be "${FORMAT}"`, `phải là "${FORMAT}"`))
  text(input.code, null, '/code', { pattern: CODE_PATTERN, max: 64 })
  text(input.title, null, '/title')
  if (input.year !== undefined && (typeof input.year !== 'number' || !Number.isInteger(input.year) || input.year < 2000 || input.year > 2100)) {
    report(null, '/year', 'must be a year between 2000 and 2100')
  }
  text(input.unitType, null, '/unitType')
  text(input.legalBasis, null, '/legalBasis', { empty: true })
  text(input.provenance, null, '/provenance', { empty: true })
  oneOf(input.ranking, RANKINGS, null, '/ranking')
  array(input.classification, null, '/classification').forEach((band, i) => {
    const at = `/classification/${i}`
    if (!isObject(band)) return report(null, at, 'must be an object')
    keys(band, ['code', 'label', 'min'], ['code', 'label', 'min'], null, at)
    text(band.code, null, `${at}/code`)
    text(band.label, null, `${at}/label`)
    number(band.min, null, `${at}/min`)
  })
  array(input.nodes, null, '/nodes').forEach((field, i) => node(field, `/nodes/${i}`, 0))
  return problems
}

/** Every problem of a document to import: shape first, then (on a sound shape) the domain rules and the unit type. */
export async function importProblems (db: Executor, input: unknown): Promise<ImportProblem[]> {
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

// ---------------------------------------------------------------------------------------------------------------
// Node changes on a draft. Each may leave the draft temporarily invalid (sums mismatch while editing); only the
// shape is refused at once. Every change locks the catalog row, so publication never races an edit.

export interface NewNodeInput {
  parentCode: string | null
  position?: number | undefined
  node: {
    code: string
    kind?: NodeKind | undefined
    title: string
    maxPoints: number
    scoring?: ScoringMethod | undefined
    evidence?: EvidenceRule | undefined
    guidance?: string | undefined
  }
}

function findNode (loaded: LoadedCatalog, code: string): LoadedNode {
  const node = loaded.byCode.get(code)
  if (!node) throw Errors.notFound(t(`Catalog ${loaded.catalog.code} has no node ${code}.`, `Bộ tiêu chí ${loaded.catalog.code} không có nút ${code}.`))
  return node
}

function findParent (loaded: LoadedCatalog, parentCode: string | null): LoadedNode | null {
  if (parentCode === null) return null
  const parent = loaded.byCode.get(parentCode)
  if (!parent) throw invalidField('/parentCode', 'unknown', t(`names no node of catalog ${loaded.catalog.code} (${parentCode})`, `không phải nút của bộ tiêu chí ${loaded.catalog.code} (${parentCode})`))
  return parent
}

function assertCodeFree (loaded: LoadedCatalog, code: string): void {
  if (loaded.byCode.has(code)) throw Errors.conflict(t(`Catalog ${loaded.catalog.code} already has a node ${code}; node codes are unique in a catalog.`, `Bộ tiêu chí ${loaded.catalog.code} đã có nút mã ${code}; mã nút không được trùng trong một bộ tiêu chí.`))
}

export async function addNode (db: Db, actor: Actor, id: string, input: NewNodeInput): Promise<CatalogDetail> {
  refuseFieldProblems([
    decimalProblem(input.node.maxPoints, '/node/maxPoints', true),
    ...scoringDecimalProblems(input.node.scoring, '/node/scoring')
  ].filter((problem): problem is FieldProblem => problem !== null))
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const parent = findParent(loaded, input.parentCode)
    assertCodeFree(loaded, input.node.code)
    const kind = kindAtDepth(parent ? parent.depth + 1 : 0)
    if (input.node.kind !== undefined && input.node.kind !== kind) throw invalidField('/node/kind', 'kind', t(`must be ${kind} at this level (or left out)`, `phải là ${kind} ở cấp này (hoặc để trống)`))
    const siblings: { id: string, position: number }[] = [...(parent ? parent.children : loaded.tree)]
    const position = Math.min(input.position ?? siblings.length, siblings.length)
    const state: NodeState = {
      code: input.node.code,
      kind,
      title: input.node.title,
      maxPoints: parseMilli(input.node.maxPoints) as Milli,
      scoring: input.node.scoring ?? null,
      evidence: input.node.evidence ?? null,
      guidance: input.node.guidance ?? null
    }
    const nodeId = randomUUID()
    // Make room first: the new row is inserted at its final position.
    siblings.splice(position, 0, { id: nodeId, position })
    await renumber(tx, siblings)
    await tx.insert(catalogNodesTable).values({
      id: nodeId,
      catalogId: id,
      parentId: parent?.id ?? null,
      code: state.code,
      kind: state.kind,
      title: state.title,
      maxPoints: milliToString(state.maxPoints),
      position,
      scoring: state.scoring,
      evidence: state.evidence,
      guidance: state.guidance
    })
    await touch(tx, id)
    await audit(tx, actor, { action: 'catalog.node.add', entityType: 'catalog', entityId: id, after: nodeSnapshot(state, parent?.code ?? null, position) })
    return getCatalog(tx, id)
  }), { unique: nodeCodeTaken(input.node.code) })
}

export interface NodeChanges {
  code?: string | undefined
  kind?: NodeKind | undefined
  title?: string | undefined
  maxPoints?: number | undefined
  scoring?: ScoringMethod | null | undefined
  evidence?: EvidenceRule | null | undefined
  guidance?: string | null | undefined
}

export async function updateNode (db: Db, actor: Actor, id: string, code: string, changes: NodeChanges): Promise<CatalogDetail> {
  refuseFieldProblems([
    changes.maxPoints !== undefined ? decimalProblem(changes.maxPoints, '/maxPoints', true) : null,
    ...scoringDecimalProblems(changes.scoring, '/scoring')
  ].filter((problem): problem is FieldProblem => problem !== null))
  return mapConstraintErrors(() => db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const node = findNode(loaded, code)
    if (changes.code !== undefined && changes.code !== node.code) assertCodeFree(loaded, changes.code)
    if (changes.kind !== undefined && changes.kind !== node.kind) {
      throw invalidField('/kind', 'kind', t(`must stay ${node.kind}: the kind follows the level of the node (move it to change its level)`, `phải giữ là ${node.kind}: loại nút theo cấp của nút (hãy di chuyển nút để đổi cấp)`))
    }
    const after: NodeState = {
      code: changes.code ?? node.code,
      kind: node.kind,
      title: changes.title ?? node.title,
      maxPoints: changes.maxPoints !== undefined ? parseMilli(changes.maxPoints) as Milli : node.maxPoints,
      scoring: changes.scoring !== undefined ? changes.scoring : node.scoring,
      evidence: changes.evidence !== undefined ? changes.evidence : node.evidence,
      guidance: changes.guidance !== undefined ? changes.guidance : node.guidance
    }
    await tx.update(catalogNodesTable).set({
      code: after.code,
      title: after.title,
      maxPoints: milliToString(after.maxPoints),
      scoring: after.scoring,
      evidence: after.evidence,
      guidance: after.guidance
    }).where(eq(catalogNodesTable.id, node.id))
    await touch(tx, id)
    const parentCode = node.parent?.code ?? null
    await audit(tx, actor, { action: 'catalog.node.update', entityType: 'catalog', entityId: id, before: nodeSnapshot(node, parentCode, node.position), after: nodeSnapshot(after, parentCode, node.position) })
    return getCatalog(tx, id)
  }), { unique: nodeCodeTaken(changes.code ?? code) })
}

export async function moveNode (db: Db, actor: Actor, id: string, code: string, input: { parentCode: string | null, position: number }): Promise<CatalogDetail> {
  return db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const node = findNode(loaded, code)
    const parent = findParent(loaded, input.parentCode)
    for (let ancestor = parent; ancestor !== null; ancestor = ancestor.parent) {
      if (ancestor === node) throw invalidField('/parentCode', 'cycle', t(`is ${node.code} itself or one of its descendants; a node cannot be moved under itself`, `là chính nút ${node.code} hoặc nút con của nó; không thể chuyển một nút vào dưới chính nó`))
    }
    const oldSiblings = (node.parent ? node.parent.children : loaded.tree).filter((sibling) => sibling !== node)
    const newSiblings: { id: string, position: number }[] = (parent ? parent.children : loaded.tree).filter((sibling) => sibling !== node)
    const position = Math.min(input.position, newSiblings.length)
    newSiblings.splice(position, 0, node)

    if (node.parentId !== (parent?.id ?? null)) {
      await tx.update(catalogNodesTable).set({ parentId: parent?.id ?? null }).where(eq(catalogNodesTable.id, node.id))
      await renumber(tx, oldSiblings)
    }
    await renumber(tx, newSiblings)
    // The kind follows the level: a criterion moved under another criterion becomes a sub-criterion, with its subtree.
    const depthChange = (parent ? parent.depth + 1 : 0) - node.depth
    if (depthChange !== 0) {
      const relabel = async (current: LoadedNode): Promise<void> => {
        const kind = kindAtDepth(current.depth + depthChange)
        if (kind !== current.kind) await tx.update(catalogNodesTable).set({ kind }).where(eq(catalogNodesTable.id, current.id))
        for (const child of current.children) await relabel(child)
      }
      await relabel(node)
    }
    await touch(tx, id)
    await audit(tx, actor, {
      action: 'catalog.node.move',
      entityType: 'catalog',
      entityId: id,
      before: { code: node.code, kind: node.kind, parentCode: node.parent?.code ?? null, position: node.position },
      after: { code: node.code, kind: kindAtDepth(node.depth + depthChange), parentCode: parent?.code ?? null, position }
    })
    return getCatalog(tx, id)
  })
}

export async function deleteNode (db: Db, actor: Actor, id: string, code: string): Promise<CatalogDetail> {
  return db.transaction(async (tx) => {
    const loaded = await loadDraft(tx, id, 'edited')
    const node = findNode(loaded, code)
    // The subtree goes with it (the parent reference cascades).
    await tx.delete(catalogNodesTable).where(eq(catalogNodesTable.id, node.id))
    await renumber(tx, (node.parent ? node.parent.children : loaded.tree).filter((sibling) => sibling !== node))
    await touch(tx, id)
    await audit(tx, actor, {
      action: 'catalog.node.delete',
      entityType: 'catalog',
      entityId: id,
      before: { parentCode: node.parent?.code ?? null, position: node.position, node: node.node }
    })
    return getCatalog(tx, id)
  })
}
