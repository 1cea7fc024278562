// The fixed shape of a catalog as a self-assessment uses it: every node with its parent, field, order, maximum and
// scoring, and which are leaves. A published catalog never changes, so its shape is read once per process; every read
// and save of a self-assessment then needs only the unit's own rows.
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/client.js'
import { queryRows, toMilli } from '../db/rows.js'
import type { EvidenceRule, ScoringMethod } from '../domain/catalog.js'
import { type Milli } from '../domain/decimal.js'
import { Errors } from '../errors.js'
import { text as t } from '../messages/text.js'

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

/** The catalog's shape; cached only once published (a draft may still change). Catalog ids are random, so one cache serves every database. */
export async function catalogShape (db: Executor, catalogId: string): Promise<CatalogShape> {
  const cached = shapes.get(catalogId)
  if (cached) return cached
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    with recursive tree as (
      select n.id, n.code, null::text as parent_code, n.title, n.max_points, n.scoring, n.evidence, n.guidance, n.code as field_code, array[n.position] as path
      from catalog_nodes n where n.catalog_id = ${catalogId} and n.parent_id is null
      union all
      select n.id, n.code, t.code, n.title, n.max_points, n.scoring, n.evidence, n.guidance, t.field_code, t.path || n.position
      from catalog_nodes n join tree t on n.parent_id = t.id
    )
    select t.code, t.parent_code, t.field_code, t.title, t.max_points::text as max_points, t.scoring, t.evidence, t.guidance,
      not exists (select 1 from catalog_nodes c where c.parent_id = t.id) as leaf,
      (select status from catalogs where id = ${catalogId}) as status
    from tree t
    order by t.path`)
  if (rows.length === 0) throw Errors.notFound(t('No such catalog, or it has no nodes.', 'Không tìm thấy bộ tiêu chí, hoặc bộ tiêu chí chưa có nút nào.'))
  const nodes: ShapeNode[] = rows.map((row) => ({
    code: String(row.code),
    parentCode: row.parent_code === null ? null : String(row.parent_code),
    fieldCode: String(row.field_code),
    title: String(row.title),
    maxPoints: toMilli(row.max_points),
    scoring: (row.scoring ?? null) as ScoringMethod | null,
    evidence: (row.evidence ?? null) as EvidenceRule | null,
    guidance: row.guidance === null ? null : String(row.guidance),
    leaf: row.leaf === true,
    childCodes: []
  }))
  const byCode = new Map(nodes.map((node) => [node.code, node]))
  // In catalog order, so each node's children are listed in their order.
  for (const node of nodes) if (node.parentCode !== null) byCode.get(node.parentCode)?.childCodes.push(node.code)
  const shape: CatalogShape = {
    catalogId,
    nodes,
    byCode,
    leaves: nodes.filter((node) => node.leaf),
    fields: nodes.filter((node) => node.parentCode === null)
  }
  if (rows[0]?.status === 'published') {
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value as string)
    shapes.set(catalogId, shape)
  }
  return shape
}
