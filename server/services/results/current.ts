// Whether a round's published results still say what its scores say. A round moved back to be corrected, then
// brought back to published without a new version, would show changed scores (a unit's own appraisal sheet) that no
// published version holds: the inputs are hashed as publishing hashes them and compared with the latest version's.
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { keptWhileUnchanged } from '../kept-while-unchanged.js'
import { resultInputHash } from './compute.js'
import { loadContext } from './inputs.js'

/** A unit type whose scores changed since its latest published version. */
export interface ChangedSincePublication { unitType: string, version: number }

/**
 * The unit types of the round (those listed, or all with a published version) whose inputs no longer hash to their
 * latest version's: each one read from the same rows publishing reads, so only a change publishing would see counts.
 */
export async function changedSincePublication (db: Executor, roundId: string, unitTypes?: readonly string[]): Promise<ChangedSincePublication[]> {
  const latest = await queryRows<{ unit_type_code: string, version: number, input_hash: string }>(db, sql`
    select distinct on (unit_type_code) unit_type_code, version, input_hash from result_versions
    where round_id = ${roundId} ${unitTypes === undefined ? sql`` : sql`and unit_type_code = any(${sql.param([...unitTypes])}::text[])`}
    order by unit_type_code, version desc`)
  const changed: ChangedSincePublication[] = []
  for (const row of latest) {
    // Hashing reads every entry of the unit type (a million at national scale): kept while no input has changed, so a
    // unit's sheet asked again and again does not read them again and again (inside a transaction it always reads).
    const { value: hash } = await keptWhileUnchanged(db, 'input-hash', `${roundId}|${row.unit_type_code}`,
      async () => await resultInputHash(db, await loadContext(db, roundId, row.unit_type_code)))
    if (hash !== row.input_hash) changed.push({ unitType: row.unit_type_code, version: Number(row.version) })
  }
  return changed
}
