// A round's result settings: whether keys may read provisional results.
import { eq, sql } from 'drizzle-orm'
import type { Db, Executor } from '../../db/client.js'
import { resultSettingsTable } from '../../db/schema/index.js'
import { audit } from '../audit.js'
import type { Actor } from '../context.js'
import { assertRoundExists } from './versions.js'

export interface ResultSettings {
  roundId: string
  provisionalForKeys: boolean
  updatedAt: string | null
}

export async function getResultSettings (db: Executor, roundId: string): Promise<ResultSettings> {
  await assertRoundExists(db, roundId)
  const [row] = await db.select().from(resultSettingsTable).where(eq(resultSettingsTable.roundId, roundId))
  return { roundId, provisionalForKeys: row?.provisionalForKeys ?? false, updatedAt: row?.updatedAt.toISOString() ?? null }
}

/** Lets API keys with results:read read the round's provisional results, or stops it. */
export async function updateResultSettings (db: Db, actor: Actor, roundId: string, changes: { provisionalForKeys: boolean }): Promise<ResultSettings> {
  return db.transaction(async (tx) => {
    const before = await getResultSettings(tx, roundId)
    const updatedBy = actor.principal?.kind === 'user' ? actor.principal.id : null
    await tx.insert(resultSettingsTable).values({ roundId, provisionalForKeys: changes.provisionalForKeys, updatedBy })
      .onConflictDoUpdate({ target: resultSettingsTable.roundId, set: { provisionalForKeys: changes.provisionalForKeys, updatedBy, updatedAt: sql`now()` } })
    const after = await getResultSettings(tx, roundId)
    await audit(tx, actor, { action: 'results.settings', entityType: 'round', entityId: roundId, before: { provisionalForKeys: before.provisionalForKeys }, after: { provisionalForKeys: after.provisionalForKeys } })
    return after
  })
}
