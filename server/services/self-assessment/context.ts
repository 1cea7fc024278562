// A self-assessment's shapes and what a request about one (round, unit) needs: the round, the unit's deadline by the
// database clock, its catalog, and who may see it.
import type { Executor } from '../../db/client.js'
import { toMilli } from '../../db/rows.js'
import type { EvidenceRule, ScoringMethod } from '../../domain/catalog.js'
import { milliToNumber, type Milli } from '../../domain/decimal.js'
import type { RoundStatus } from '../../domain/lifecycle.js'
import { indexDisplay } from '../../domain/ranking.js'
import type { EnteredInput, ScoringErrorCode } from '../../domain/scoring.js'
import { Errors } from '../../errors.js'
import type { LastChange } from '../audit.js'
import type { Actor } from '../context.js'
import { noCatalogForUnit, noSuch } from '../../messages/problems.js'
import type { Text } from '../../messages/text.js'
import { readParticipation, type Participation } from '../../db/queries/participation.js'

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

/**
 * What a save answers: the leaves it saved, as the full read shows them, the new totals and the new version (also the
 * ETag). The rest of the self-assessment is as the caller last read it, so a screen merges this into its state.
 */
export interface SavedSelfAssessment {
  id: string
  status: 'draft' | 'submitted'
  version: number
  updatedAt: string
  totals: SelfAssessmentTotals
  /** The saved leaves, in catalog order. */
  leaves: SelfAssessmentLeaf[]
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
  /** The unit's appraisal while it is in progress (a change of the unit's score may withdraw an acceptance in it). */
  appraisalInProgress: string | null
  /** The database clock of the read. */
  now: Date
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
  const participation = await readParticipation(db, roundId, unitId, { lock })
  if (!participation) throw Errors.notFound(noSuch.participant)
  return contextOf(participation)
}

export function contextOf (participation: Participation): Context {
  const { round, selfAssessment } = participation
  return {
    roundId: round.id,
    roundCode: round.code,
    roundStatus: round.status,
    closesAt: round.selfAssessmentClosesAt,
    extensionUntil: participation.extensionUntil,
    beforeDeadline: participation.beforeSelfAssessmentDeadline,
    unit: participation.unit,
    selfAssessmentId: selfAssessment?.id ?? null,
    catalogId: participation.catalogId,
    status: selfAssessment?.status ?? 'draft',
    version: selfAssessment?.version ?? 0,
    submittedAt: selfAssessment?.submittedAt ?? null,
    updatedAt: selfAssessment?.updatedAt ?? null,
    appraisalInProgress: participation.appraisal?.status === 'in_progress' ? participation.appraisal.id : null,
    now: participation.now
  }
}

export function catalogOf (context: Context): string {
  if (context.catalogId === null) {
    throw Errors.conflict(noCatalogForUnit(context.roundCode, context.unit.unitType))
  }
  return context.catalogId
}
