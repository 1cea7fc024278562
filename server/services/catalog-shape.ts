// The fixed shape of a catalog as a self-assessment uses it: every node with its parent, field, order, maximum and
// scoring, and which are leaves. A published catalog never changes, so its shape is read once per process; every read
// and save of a self-assessment then needs only the unit's own rows. The appraisal's reads and writes keep the loaded
// catalog itself the same way (frozenCatalog).
import type { Executor } from '../db/client.js'
import type { EvidenceRule, ScoringMethod } from '../domain/catalog.js'
import { type Milli } from '../domain/decimal.js'
import { Errors } from '../errors.js'
import { text as t } from '../messages/text.js'
import { loadCatalog, type LoadedCatalog } from './catalogs/store.js'

export interface ShapeNode {
  code: string
  /** Null for a field. */
  parentCode: string | null
  fieldCode: string
  title: string
  maxPoints: Milli
  scoring: ScoringMethod | null
  evidence: EvidenceRule | null
  guidance: string | null
  leaf: boolean
  /** Its children's codes in catalog order. */
  childCodes: string[]
}

export interface CatalogShape {
  catalogId: string
  /** Every node in catalog order, each after its parent. */
  nodes: ShapeNode[]
  byCode: Map<string, ShapeNode>
  /** The scored nodes, in catalog order. */
  leaves: ShapeNode[]
  /** The top-level nodes, in catalog order. */
  fields: ShapeNode[]
}

/** Enough for every catalog of a few years in use at once; the oldest goes first. */
const MAX_SHAPES = 32
const shapes = new Map<string, CatalogShape>()
const loadedCatalogs = new Map<string, LoadedCatalog>()

/** Keeps `value` under a published catalog's id (catalog ids are random, so one cache serves every database). */
function remember<T> (cache: Map<string, T>, catalogId: string, value: T): void {
  if (cache.size >= MAX_SHAPES) cache.delete(cache.keys().next().value as string)
  cache.set(catalogId, value)
}

/**
 * The catalog as loadCatalog reads it; a published one from memory after its first read (it is frozen: a correction
 * is a new catalog). Shared: callers never change it. Not for a read that must lock the catalog.
 */
export async function frozenCatalog (db: Executor, catalogId: string): Promise<LoadedCatalog> {
  const cached = loadedCatalogs.get(catalogId)
  if (cached) return cached
  const loaded = await loadCatalog(db, catalogId)
  if (loaded.catalog.status === 'published') remember(loadedCatalogs, catalogId, loaded)
  return loaded
}

/** The catalog's shape; cached only once published (a draft may still change). */
export async function catalogShape (db: Executor, catalogId: string): Promise<CatalogShape> {
  const cached = shapes.get(catalogId)
  if (cached) return cached
  // The node tree is walked once, by the catalog store, for drafts and published catalogs alike.
  const loaded = await frozenCatalog(db, catalogId)
  if (loaded.nodes.length === 0) throw Errors.notFound(t('No such catalog, or it has no nodes.', 'Không tìm thấy bộ tiêu chí, hoặc bộ tiêu chí chưa có nút nào.'))
  const nodes: ShapeNode[] = loaded.nodes.map((node) => ({
    code: node.code,
    parentCode: node.parent?.code ?? null,
    fieldCode: node.fieldCode,
    title: node.title,
    maxPoints: node.maxPoints,
    scoring: node.scoring,
    evidence: node.evidence,
    guidance: node.guidance,
    leaf: node.leaf,
    childCodes: node.children.map((child) => child.code)
  }))
  const byCode = new Map(nodes.map((node) => [node.code, node]))
  const shape: CatalogShape = {
    catalogId,
    nodes,
    byCode,
    leaves: nodes.filter((node) => node.leaf),
    fields: nodes.filter((node) => node.parentCode === null)
  }
  if (loaded.catalog.status === 'published') remember(shapes, catalogId, shape)
  return shape
}
