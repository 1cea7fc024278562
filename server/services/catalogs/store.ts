// Catalog store: a stored catalog loaded as a tree with its leaves and fields, and the read views the API answers.
import { and, asc, count, desc, eq, sql, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db, Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { catalogNodesTable, catalogsTable } from '../../db/schema/index.js'
import { type CatalogDocument, type CatalogNode, type CatalogProblem, type CatalogRule, type ClassificationBand, type EvidenceRule, type FieldStats, type NodeKind, type RankingMethod, type ScoringMethod, catalogStats, validateCatalog } from '../../domain/catalog.js'
import { type Milli, milliToNumber, parseMilli, sumMilli } from '../../domain/decimal.js'
import { draftCatalogReaders } from '../../domain/roles.js'
import { Errors } from '../../errors.js'
import { noSuch } from '../../messages/problems.js'
import { Text } from '../../messages/text.js'
import type { Actor } from '../context.js'

export type CatalogRow = typeof catalogsTable.$inferSelect
export type NodeInsert = typeof catalogNodesTable.$inferInsert
type CatalogStatus = CatalogRow['status']

/** A problem of an imported document: a domain rule, or one of the checks only an import needs. */
export interface ImportProblem {
  nodeCode: string | null
  rule: CatalogRule | 'invalid_shape' | 'invalid_kind' | 'unknown_unit_type'
  message: Text
  /** JSON pointer into the document, for shape problems. */
  pointer?: string
  /** For shape problems: the JSON Schema keyword that failed and its params (as for a request's field problems). */
  keyword?: string
  params?: Record<string, unknown>
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
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
export const NODE_KINDS: readonly NodeKind[] = ['field', 'criterion', 'subcriterion']
export const INSERT_CHUNK = 200

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

/** What a node says, as the API and the audit log show it (points as a number). */
export function nodeFields (node: Pick<LoadedNode, 'code' | 'kind' | 'title' | 'maxPoints' | 'scoring' | 'evidence' | 'guidance'>) {
  return {
    code: node.code,
    kind: node.kind,
    title: node.title,
    maxPoints: milliToNumber(node.maxPoints),
    scoring: node.scoring,
    evidence: node.evidence,
    guidance: node.guidance
  }
}

function apiNode (node: LoadedNode): ApiCatalogNode {
  return {
    id: node.id,
    ...nodeFields(node),
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

/** Whether the caller reads draft catalogs too (draftCatalogReaders), or published ones only. */
const readsDrafts = (actor: Actor): boolean => actor.principal?.kind === 'user' && draftCatalogReaders.includes(actor.principal.role)

/** A catalog as the caller may read it: a draft does not exist for a caller who reads published catalogs only. */
async function visibleCatalog (db: Executor, actor: Actor, id: string): Promise<LoadedCatalog> {
  const loaded = await loadCatalog(db, id)
  if (loaded.catalog.status !== 'published' && !readsDrafts(actor)) throw Errors.notFound(noSuch.catalog)
  return loaded
}

/** GET /catalogs/{id}: drafts only for draftCatalogReaders (404 for the others). */
export async function readCatalog (db: Executor, actor: Actor, id: string): Promise<CatalogDetail> {
  return detailOf(await visibleCatalog(db, actor, id))
}

export interface CatalogQuery {
  year?: number | undefined
  unitType?: string | undefined
  status?: CatalogStatus | undefined
  code?: string | undefined
  limit: number
  offset: number
}

/** The catalogs the caller may read (published ones only, unless the caller is one of draftCatalogReaders). */
export async function listCatalogs (db: Executor, actor: Actor, query: CatalogQuery) {
  const conditions: SQL[] = []
  if (!readsDrafts(actor)) conditions.push(eq(catalogsTable.status, 'published'))
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

export async function exportCatalog (db: Db, actor: Actor, id: string): Promise<CatalogDocument> {
  return (await visibleCatalog(db, actor, id)).document
}

export async function validateStoredCatalog (db: Executor, id: string): Promise<{ valid: boolean, problems: CatalogProblem[] }> {
  const loaded = await loadCatalog(db, id)
  const problems = validateCatalog(loaded.document)
  return { valid: problems.length === 0, problems }
}
