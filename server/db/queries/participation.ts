// A unit's participation in a round, read in one query for both the self-assessment and the appraisal services: the
// round with its deadlines judged by the database clock, the unit, the catalog that applies, and the unit's
// self-assessment and appraisal rows, each parsed once here.
import { sql, type Placeholder, type SQL } from 'drizzle-orm'
import type { RoundStatus } from '../../domain/lifecycle.js'
import type { Executor } from '../client.js'
import { compiledStatement, toDate } from '../rows.js'

export interface UnitRef { id: string, code: string, name: string, unitType: string }
export interface UserRef { id: string, username: string, displayName: string }

export interface Participation {
  round: { id: string, code: string, status: RoundStatus, selfAssessmentClosesAt: Date | null, appraisalClosesAt: Date | null, supplementClosesAt: Date | null }
  unit: UnitRef
  extensionUntil: Date | null
  /** now() < the later of the self-assessment deadline and the unit's extension, by the database clock. */
  beforeSelfAssessmentDeadline: boolean
  /** now() < the appraisal deadline, by the database clock. */
  beforeAppraisalDeadline: boolean
  /** The unit's self-assessment's catalog, or else the round's catalog for the unit's type. */
  catalogId: string | null
  selfAssessment: { id: string, status: 'draft' | 'submitted', version: number, submittedAt: Date | null, updatedAt: Date | null } | null
  appraisal: { id: string, status: 'in_progress' | 'finalized', version: number, finalizedAt: Date | null, finalizedBy: UserRef | null } | null
  /** The database clock of the read. */
  now: Date
}

export function userRef (id: unknown, username: unknown, displayName: unknown): UserRef | null {
  return id === null || id === undefined ? null : { id: String(id), username: String(username), displayName: String(displayName) }
}

/**
 * The select of a unit's participation (one row, or none when the unit does not take part). `lock` takes the round and
 * the participation row for share, so a status move or an extension waits for the write that asked. Other queries
 * use it as a CTE (a save locks and bumps its self-assessment in the same statement).
 */
export function participationSql (roundId: string | Placeholder, unitId: string | Placeholder, options: { lock?: boolean } = {}): SQL {
  return sql`
    select r.id as round_id, r.code as round_code, r.status as round_status,
      r.self_assessment_closes_at, r.appraisal_closes_at, r.supplement_closes_at, ru.extension_until,
      coalesce(now() < greatest(r.self_assessment_closes_at, ru.extension_until), false) as before_self_deadline,
      coalesce(now() < r.appraisal_closes_at, false) as before_appraisal_deadline,
      u.id as unit_id, u.code as unit_code, u.name as unit_name, u.unit_type_code,
      coalesce(sa.catalog_id, rc.catalog_id) as catalog_id,
      sa.id as self_assessment_id, sa.status as self_status, sa.version as self_version, sa.submitted_at, sa.updated_at,
      a.id as appraisal_id, a.status as appraisal_status, a.version as appraisal_version, a.finalized_at,
      fu.id as finalized_by_id, fu.username as finalized_by_username, fu.display_name as finalized_by_name,
      now() as now
    from rounds r
    join round_units ru on ru.round_id = r.id and ru.unit_id = ${unitId}
    join units u on u.id = ru.unit_id
    left join self_assessments sa on sa.round_id = r.id and sa.unit_id = u.id
    left join round_catalogs rc on rc.round_id = r.id and rc.unit_type_code = u.unit_type_code
    left join appraisals a on a.round_id = r.id and a.unit_id = u.id
    left join users fu on fu.id = a.finalized_by
    where r.id = ${roundId}
    ${options.lock === true ? sql`for share of r, ru` : sql``}`
}

/** participationSql without and with `lock`, each built once and prepared: most reads and writes of a unit start with it. */
const participationStatement = (lock: boolean) =>
  compiledStatement<{ roundId: string, unitId: string }>(`participation${lock ? '_lock' : ''}`, (p) => participationSql(p.roundId, p.unitId, { lock }))
const participationStatements = [participationStatement(false), participationStatement(true)] as const

/** The unit's participation in the round, or null when the unit does not take part (see participationSql for `lock`). */
export async function readParticipation (db: Executor, roundId: string, unitId: string, options: { lock?: boolean } = {}): Promise<Participation | null> {
  const [row] = await participationStatements[options.lock === true ? 1 : 0]<Record<string, unknown>>(db, { roundId, unitId })
  return row ? parseParticipation(row) : null
}

/** One row of participationSql, parsed. */
export function parseParticipation (row: Record<string, unknown>): Participation {
  return {
    round: {
      id: String(row.round_id),
      code: String(row.round_code),
      status: row.round_status as RoundStatus,
      selfAssessmentClosesAt: toDate(row.self_assessment_closes_at),
      appraisalClosesAt: toDate(row.appraisal_closes_at),
      supplementClosesAt: toDate(row.supplement_closes_at)
    },
    unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
    extensionUntil: toDate(row.extension_until),
    beforeSelfAssessmentDeadline: row.before_self_deadline === true,
    beforeAppraisalDeadline: row.before_appraisal_deadline === true,
    catalogId: row.catalog_id === null ? null : String(row.catalog_id),
    selfAssessment: row.self_assessment_id === null
      ? null
      : { id: String(row.self_assessment_id), status: row.self_status as 'draft' | 'submitted', version: Number(row.self_version), submittedAt: toDate(row.submitted_at), updatedAt: toDate(row.updated_at) },
    appraisal: row.appraisal_id === null
      ? null
      : {
          id: String(row.appraisal_id),
          status: row.appraisal_status as 'in_progress' | 'finalized',
          version: Number(row.appraisal_version),
          finalizedAt: toDate(row.finalized_at),
          finalizedBy: userRef(row.finalized_by_id, row.finalized_by_username, row.finalized_by_name)
        },
    now: toDate(row.now) as Date
  }
}
