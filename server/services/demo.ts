// Demo data for a newcomer: on an empty database, the Thanh Hóa units, both 2020 catalogs (published), the published
// 2020 department round and, with demo accounts, an open round of the current year to try every role.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { count } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { unitsTable } from '../db/schema/index.js'
import { fixturesDir } from '../paths.js'
import { importCatalog } from './catalogs.js'
import { systemActor } from './context.js'
import { loadDemoOpenRound, type DemoOpenRound } from './demo-open-round.js'
import { loadDemoRound2020 } from './demo-round.js'
import { importUnits } from './units.js'

const readFixture = (...path: string[]): unknown => JSON.parse(readFileSync(join(fixturesDir, ...path), 'utf8'))

export const demoCatalogFiles = ['thanh-hoa-2020-so-nganh.json', 'thanh-hoa-2020-huyen.json']

export interface DemoDataOptions {
  /**
   * Also create the open round of the current year with its demo accounts (one unit officer per unit, one appraiser
   * per field), all with this password, or a generated one when it is null.
   */
  accounts?: { password: string | null }
}

/**
 * Loads the demo data when the database has no units yet. Returns null when it did nothing; otherwise what it made,
 * with the demo accounts' password when it was generated (to be printed once).
 */
export async function loadDemoData (db: Db, options: DemoDataOptions = {}): Promise<{ openRound: DemoOpenRound | null } | null> {
  const [units] = await db.select({ value: count() }).from(unitsTable)
  if (Number(units?.value ?? 0) > 0) return null
  await importUnits(db, systemActor, readFixture('units', 'thanh-hoa-units.json'))
  for (const file of demoCatalogFiles) {
    await importCatalog(db, systemActor, readFixture('catalogs', file), { publish: true })
  }
  // The 2020 department round, scored leaf by leaf, appraised and published, so the results are there at once.
  await loadDemoRound2020(db)
  const openRound = options.accounts === undefined ? null : await loadDemoOpenRound(db, { password: options.accounts.password ?? undefined })
  return { openRound }
}
