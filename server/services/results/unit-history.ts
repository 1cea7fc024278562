// One unit's published results across rounds (years): what an integrator or the portal shows as the unit's history,
// read from the latest published version of each round for the unit's type, in the database (the unit's line is
// picked out of each snapshot by a JSON path, not by loading every year's whole result set).
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { Errors } from '../../errors.js'
import { text as t } from '../../messages/text.js'
import { type ResultSet, toIso } from './inputs.js'

type SnapshotUnit = ResultSet['units'][number]

export interface UnitHistoryLine {
  round: ResultSet['round']
  version: { number: number, publishedAt: string }
  /** Units ranked in that version. */
  ranked: number
  rank: number
  self: { points: number, display: string }
  appraised: { points: number, display: string, index: string, indexDisplay: string }
  classification: SnapshotUnit['classification']
}

export interface UnitHistory {
  unit: { id: string, code: string, name: string }
  unitType: { code: string, name: string }
  items: UnitHistoryLine[]
}

/** The unit (by id or code, any case) and its line in the latest published version of every round of its type, newest year first. */
export async function publicUnitHistory (db: Executor, unit: string): Promise<UnitHistory> {
  const [found] = await queryRows<{ id: string, code: string, name: string, unit_type_code: string, unit_type_name: string }>(db, sql`
    select u.id, u.code, u.name, u.unit_type_code, ut.name as unit_type_name
    from units u join unit_types ut on ut.code = u.unit_type_code
    where u.id::text = lower(${unit}) or lower(u.code) = lower(${unit})
    limit 1`)
  if (!found) throw Errors.notFound(t(`There is no unit ${unit}.`, `Không có đơn vị ${unit}.`))
  const rows = await queryRows<{ version: number, published_at: unknown, round: ResultSet['round'], ranked: number, line: SnapshotUnit }>(db, sql`
    select v.version, v.published_at, v.snapshot -> 'round' as round, jsonb_array_length(v.snapshot -> 'units') as ranked, l.line
    from (select distinct on (round_id) id from result_versions where unit_type_code = ${found.unit_type_code} order by round_id, version desc) latest
    join result_versions v on v.id = latest.id
    join rounds r on r.id = v.round_id
    cross join lateral (select jsonb_path_query_first(v.snapshot, '$.units[*] ? (@.unit.id == $id)', jsonb_build_object('id', ${found.id}::text)) as line) l
    where l.line is not null
    order by r.year desc, r.code`)
  return {
    unit: { id: found.id, code: found.code, name: found.name },
    unitType: { code: found.unit_type_code, name: found.unit_type_name },
    items: rows.map((row) => ({
      round: row.round,
      version: { number: Number(row.version), publishedAt: toIso(row.published_at) },
      ranked: Number(row.ranked),
      rank: row.line.rank,
      self: { points: row.line.self.points, display: row.line.self.display },
      appraised: { points: row.line.appraised.points, display: row.line.appraised.display, index: row.line.appraised.index, indexDisplay: row.line.appraised.indexDisplay },
      classification: row.line.classification
    }))
  }
}
