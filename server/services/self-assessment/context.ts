// A self-assessment's shapes and what a request about one (round, unit) needs: the round, the unit's deadline by the
// database clock, its catalog, and who may see it.
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import type { EvidenceRule, ScoringMethod } from '../../domain/catalog.js'
import { milliToNumber, parseDecimal, type Milli } from '../../domain/decimal.js'
import type { RoundStatus } from '../../domain/lifecycle.js'
import { indexDisplay } from '../../domain/ranking.js'
import type { ScoringErrorCode } from '../../domain/scoring.js'
import { Errors } from '../../errors.js'
import type { LastChange } from '../audit.js'
import type { Actor } from '../context.js'
import { noCatalogForUnit, noSuch } from '../../messages/problems.js'
import type { Text } from '../../messages/text.js'

/** An input as the API takes and stores it: numbers are JSON numbers, never text. */
export interface EnteredInput {
  value?: number | undefined
  option?: string | undefined
  measurement?: number | undefined
}

/**
 * A stored input as the API can say it: one value, option or measurement of the right type. Anything else (a row
 * written outside the API, e.g. {"value": null}) reads as no input rather than failing the whole answer.
 */
export function storedInput (stored: unknown): EnteredInput | null {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return null
  const { value, option, measurement } = stored as Record<string, unknown>
  if (typeof value === 'number' && Number.isFinite(value)) return { value }
  if (typeof option === 'string') return { option }
  if (typeof measurement === 'number' && Number.isFinite(measurement)) return { measurement }
  return null
}

export interface EntryInput {
  leafCode: string
  /** Absent: keep the saved answer; null: clear it. */
  input?: EnteredInput | null | undefined
  /** Absent: keep the saved explanation; null or blank: clear it. */
  explanation?: string | null | undefined
}

export type EntryProblemCode = ScoringErrorCode | 'unknown_leaf' | 'not_a_leaf' | 'duplicate_leaf' | 'empty_entry'

export interface EntryProblem {
  leafCode: string
  code: EntryProblemCode | 'unanswered' | 'evidence_missing'
  message: Text
}

export interface FieldTotal {
  code: string
  title: string
  maxPoints: number
  points: number
  applicableMaximum: number
  answered: number
  leaves: number
  /** points / applicableMaximum × 100, rounded half up to 2 places ("45.25"); null when nothing applies. */
  percentDisplay: string | null
}

export interface SelfAssessmentTotals {
  points: number
  maxPoints: number
  applicableMaximum: number
  answered: number
  leaves: number
  /** The unit's self-assessed index so far: points / applicableMaximum × 100, rounded half up to 2 places. */
  percentDisplay: string | null
  fields: FieldTotal[]
}

/** A field or criterion above the leaves: what the screen needs to draw the tree. */
export interface SelfAssessmentSection {
  code: string
  /** Null for a field. */
  parentCode: string | null
  title: string
  maxPoints: number
  /** Its children (criteria and leaves) in catalog order. */
  childCodes: string[]
}

export interface SelfAssessmentLeaf {
  code: string
  fieldCode: string
  /** The criterion (or field) the leaf belongs to. */
  parentCode: string | null
  title: string
  maxPoints: number
  scoring: ScoringMethod
  evidence: EvidenceRule
  guidance: string | null
  input: EnteredInput | null
  points: number | null
  notApplicable: boolean
  explanation: string | null
  evidenceFiles: number
  updatedAt: string | null
  /** For a bands leaf with a measurement: the index of the band it fell into, in the catalog's list. */
  band: number | null
  /** What keeps this leaf from being submitted: unanswered, required evidence missing (domain completenessProblems). */
  missing: Array<'unanswered' | 'evidence_missing'>
  /** Whether the unit can change this leaf now: the self-assessment window is open and it is a draft, or a supplement request reopens it. */
  editable: boolean
  /** Open supplement requests that reopen this leaf now. */
  supplementRequestIds: string[]
}

/** The last change to a self-assessment: who made it, when, and which leaves a save touched. */
export type SelfAssessmentChange = LastChange

export interface SelfAssessment {
  /** Null until something is saved. */
  id: string | null
  roundId: string
  roundCode: string
  unit: { id: string, code: string, name: string, unitType: string }
  catalog: { id: string, code: string, title: string }
  status: 'draft' | 'submitted'
  version: number
  submittedAt: string | null
  updatedAt: string | null
  deadline: {
    roundStatus: RoundStatus
    closesAt: string | null
    extensionUntil: string | null
    effectiveClosesAt: string | null
    open: boolean
  }
  totals: SelfAssessmentTotals
  /** The fields and criteria above the leaves, in catalog order (each after its parent). */
  sections: SelfAssessmentSection[]
  leaves: SelfAssessmentLeaf[]
  lastChange: SelfAssessmentChange | null
  /** The database clock when this was read, so a screen's countdown does not depend on the reader's own clock. */
  now: string
}

/** What a request about one (round, unit) needs: the round's status and the unit's deadline by the database clock. */
export interface Context {
  roundId: string
  roundCode: string
  roundStatus: RoundStatus
  closesAt: Date | null
  extensionUntil: Date | null
  /** now() < the later of the deadline and the extension, evaluated by the database. */
  beforeDeadline: boolean
  unit: { id: string, code: string, name: string, unitType: string }
  selfAssessmentId: string | null
  catalogId: string | null
  status: 'draft' | 'submitted'
  version: number
  submittedAt: Date | null
  updatedAt: Date | null
  /** The database clock of the read. */
  now: Date
}

export const toDate = (value: unknown): Date | null => value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value))

export function toMilli (text: unknown): Milli {
  const parsed = parseDecimal(String(text))
  if (!parsed.ok) throw new Error(`not an exact decimal from the database: ${String(text)}`)
  return parsed.milli
}

export function toNumber (text: unknown): number {
  return milliToNumber(toMilli(text))
}

/** Points as a percentage of the applicable maximum, exact and rounded half up for display; null when nothing applies. */
export function percentOf (points: Milli, applicableMaximum: Milli): string | null {
  return applicableMaximum === 0 ? null : indexDisplay(points, applicableMaximum)
}

/** A unit officer reaches only their own unit; another unit's self-assessment does not exist for them. */
export function assertCanSee (actor: Actor, unitId: string): void {
  const principal = actor.principal
  if (principal?.kind === 'user' && principal.role === 'unit_officer' && principal.unitId !== unitId) {
    throw Errors.notFound(noSuch.selfAssessment)
  }
}

/** Writes lock the round and the unit's participation row for share, so a status move or extension waits for them. */
export async function loadContext (db: Executor, roundId: string, unitId: string, lock: boolean): Promise<Context> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    select r.id as round_id, r.code as round_code, r.status as round_status,
      r.self_assessment_closes_at as closes_at, ru.extension_until,
      coalesce(now() < greatest(r.self_assessment_closes_at, ru.extension_until), false) as before_deadline,
      u.id as unit_id, u.code as unit_code, u.name as unit_name, u.unit_type_code,
      sa.id as self_assessment_id, coalesce(sa.catalog_id, rc.catalog_id) as catalog_id,
      coalesce(sa.status, 'draft') as status, coalesce(sa.version, 0) as version, sa.submitted_at, sa.updated_at, now() as now
    from rounds r
    join round_units ru on ru.round_id = r.id and ru.unit_id = ${unitId}
    join units u on u.id = ru.unit_id
    left join self_assessments sa on sa.round_id = r.id and sa.unit_id = u.id
    left join round_catalogs rc on rc.round_id = r.id and rc.unit_type_code = u.unit_type_code
    where r.id = ${roundId}
    ${lock ? sql`for share of r, ru` : sql``}`)
  if (!row) throw Errors.notFound(noSuch.participant)
  return {
    roundId: String(row.round_id),
    roundCode: String(row.round_code),
    roundStatus: row.round_status as RoundStatus,
    closesAt: toDate(row.closes_at),
    extensionUntil: toDate(row.extension_until),
    beforeDeadline: row.before_deadline === true,
    unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
    selfAssessmentId: row.self_assessment_id === null ? null : String(row.self_assessment_id),
    catalogId: row.catalog_id === null ? null : String(row.catalog_id),
    status: row.status as 'draft' | 'submitted',
    version: Number(row.version),
    submittedAt: toDate(row.submitted_at),
    updatedAt: toDate(row.updated_at),
    now: toDate(row.now) as Date
  }
}

export function catalogOf (context: Context): string {
  if (context.catalogId === null) {
    throw Errors.conflict(noCatalogForUnit(context.roundCode, context.unit.unitType))
  }
  return context.catalogId
}
