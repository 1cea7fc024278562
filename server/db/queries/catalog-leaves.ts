// Which nodes of a published catalog are scored (its leaves), with the field each belongs to and its maximum: stored
// once when the catalog is published (record_catalog_leaves(), migrations/0012), read here by every query across units.
import { type SQL, sql } from 'drizzle-orm'
import type { Executor } from '../client.js'

/** Stores the leaves of a catalog in the transaction that publishes it. A published catalog never changes. */
export async function recordCatalogLeaves (db: Executor, catalogId: string): Promise<void> {
  await db.execute(sql`select record_catalog_leaves(${catalogId})`)
}

/**
 * The leaves of the published catalogs whose ids `catalogIds` selects (a value or a subquery), for a query's `leaf`
 * common table: catalog_id, code, field_code, max_points.
 */
export function leavesOf (catalogIds: SQL): SQL {
  return sql`select catalog_id, code, field_code, max_points from catalog_leaves where catalog_id in (${catalogIds})`
}
