// Demo data for a newcomer: on an empty database, the Thanh Hóa units, both 2020 catalogs (published) and the published 2020 department round.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { count } from 'drizzle-orm'
import type { Db } from '../db/client.js'
import { unitsTable } from '../db/schema/index.js'
import { fixturesDir } from '../paths.js'
import { importCatalog } from './catalogs.js'
import { systemActor } from './context.js'
import { loadDemoRound2020 } from './demo-round.js'
import { importUnits } from './units.js'

const readFixture = (...path: string[]): unknown => JSON.parse(readFileSync(join(fixturesDir, ...path), 'utf8'))

export const demoCatalogFiles = ['thanh-hoa-2020-so-nganh.json', 'thanh-hoa-2020-huyen.json']

/** Loads the demo data when the database has no units yet; returns whether it did. */
export async function loadDemoData (db: Db): Promise<boolean> {
  const [units] = await db.select({ value: count() }).from(unitsTable)
  if (Number(units?.value ?? 0) > 0) return false
  await importUnits(db, systemActor, readFixture('units', 'thanh-hoa-units.json'))
  for (const file of demoCatalogFiles) {
    await importCatalog(db, systemActor, readFixture('catalogs', file), { publish: true })
  }
  // The 2020 department round, scored leaf by leaf, appraised and published, so the results are there at once.
  await loadDemoRound2020(db)
  return true
}
