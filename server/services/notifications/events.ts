// The events the services tell of, each called inside the service's own transaction.
import { sql, type SQL } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows, toDate } from '../../db/rows.js'
import { notify, type NotificationEvent } from './notify.js'
import { appraisersOfUnit, links, roundOfficers, unitOfficers, user } from './recipients.js'

/** A round opened for self-assessment: every participating unit's officers, with their unit's own deadline. */
export async function roundOpened (tx: Executor, roundId: string): Promise<void> {
  const units = await queryRows<{ unit_id: string, deadline: Date | string | null }>(tx, sql`
    select ru.unit_id, greatest(r.self_assessment_closes_at, ru.extension_until) as deadline
    from round_units ru join rounds r on r.id = ru.round_id where ru.round_id = ${roundId}`)
  await tellUnits(tx, roundId, 'round_opened', units, (unit) => ({ deadline: unit.deadline }))
}

/**
 * The round's self-assessment deadline moved while units are at it (`previous`: the round's deadline before): the
 * officers of each participating unit whose own deadline (the later of the round's and its extension) moved with it,
 * with that deadline and the one it replaces. A unit whose extension still runs past both hears nothing: nothing
 * changed for it, and a notice of a "new" deadline that is not its own would mislead it.
 */
export async function selfAssessmentDeadlineChanged (tx: Executor, roundId: string, previous: Date | null): Promise<void> {
  const units = await queryRows<{ unit_id: string, deadline: unknown, previous: unknown }>(tx, sql`
    select ru.unit_id, greatest(r.self_assessment_closes_at, ru.extension_until) as deadline,
      greatest(${previous?.toISOString() ?? null}::timestamptz, ru.extension_until) as previous
    from round_units ru join rounds r on r.id = ru.round_id
    where ru.round_id = ${roundId}
      and greatest(r.self_assessment_closes_at, ru.extension_until) is distinct from greatest(${previous?.toISOString() ?? null}::timestamptz, ru.extension_until)`)
  await tellUnits(tx, roundId, 'self_assessment_deadline_changed', units, (unit) => ({ deadline: toDate(unit.deadline), previousDeadline: toDate(unit.previous) }))
}

/** An admin granted, changed or took back one unit's extension (its own deadline before and after, and why): the unit's officers. */
export async function selfAssessmentExtension (tx: Executor, roundId: string, unitId: string, change: { deadline: Date | null, previous: Date | null, reason: string, revoked: boolean }): Promise<void> {
  await notify(tx, {
    kind: 'self_assessment_extension',
    recipients: unitOfficers(unitId),
    roundId,
    unitId,
    facts: { deadline: change.deadline, previousDeadline: change.previous, reason: change.reason, revoked: change.revoked },
    link: links.selfAssessment(roundId, unitId)
  })
}

/**
 * The round's supplement deadline moved during appraisal: the officers of the units with a request still open, each
 * told when its own requests are now due (a deadline moved earlier brings their due dates with it). Only those: the
 * round's supplement deadline is the latest an appraiser may set, not a date a unit works to; a unit without an open
 * request has nothing to answer, and a notice of a supplement deadline would read as a request it has missed. A unit
 * asked later is told the due date of its request then.
 */
export async function supplementDeadlineChanged (tx: Executor, roundId: string, previous: Date | null): Promise<void> {
  const units = await queryRows<{ unit_id: string, deadline: unknown, due_at: unknown }>(tx, sql`
    select s.unit_id, r.supplement_closes_at as deadline, min(s.due_at) as due_at
    from supplement_requests s join rounds r on r.id = s.round_id
    where s.round_id = ${roundId} and s.status = 'open'
    group by s.unit_id, r.supplement_closes_at`)
  await tellUnits(tx, roundId, 'supplement_deadline_changed', units, (unit) => ({ deadline: toDate(unit.deadline), previousDeadline: previous, dueAt: toDate(unit.due_at) }))
}

/** The round's appraisal deadline moved: every appraiser assigned in the round, with the deadline it replaces. */
export async function appraisalDeadlineChanged (tx: Executor, roundId: string, deadline: Date | null, previous: Date | null): Promise<void> {
  await notify(tx, {
    kind: 'appraisal_deadline_changed',
    recipients: sql`select user_id from appraisal_assignments where round_id = ${roundId}`,
    roundId,
    facts: { deadline, previousDeadline: previous },
    link: links.appraisalDesk()
  })
}

/** A unit submitted its self-assessment: the appraisers of its unit type in the round. */
export async function selfAssessmentSubmitted (tx: Executor, roundId: string, unitId: string): Promise<void> {
  await notify(tx, { kind: 'self_assessment_submitted', recipients: appraisersOfUnit(roundId, unitId), roundId, unitId, link: links.appraisal(roundId, unitId) })
}

/** A unit took its submitted self-assessment back to edit it: the same appraisers, who no longer read it until it is submitted again. */
export async function selfAssessmentWithdrawn (tx: Executor, roundId: string, unitId: string): Promise<void> {
  await notify(tx, { kind: 'self_assessment_withdrawn', recipients: appraisersOfUnit(roundId, unitId), roundId, unitId, link: links.appraisalDesk() })
}

interface SupplementFacts { roundId: string, unitId: string, leafCodes: readonly string[], dueAt?: Date | string, reason?: string | null, createdBy: string }

/** One event of a supplement request, leading the recipient to the unit's self-assessment or its appraisal. */
async function supplementEvent (tx: Executor, kind: 'supplement_requested' | 'supplement_answered' | 'supplement_closed' | 'supplement_expired', recipients: SQL, request: SupplementFacts, page: 'selfAssessment' | 'appraisal'): Promise<void> {
  await notify(tx, {
    kind,
    recipients,
    roundId: request.roundId,
    unitId: request.unitId,
    facts: { leafCodes: request.leafCodes, deadline: request.dueAt, reason: request.reason },
    link: links[page](request.roundId, request.unitId)
  })
}

/** An appraiser asked a unit for more evidence: the unit's officers. */
export const supplementRequested = (tx: Executor, request: SupplementFacts) => supplementEvent(tx, 'supplement_requested', unitOfficers(request.unitId), request, 'selfAssessment')

/** The unit answered: the appraiser who asked. */
export const supplementAnswered = (tx: Executor, request: SupplementFacts) => supplementEvent(tx, 'supplement_answered', user(request.createdBy), request, 'appraisal')

/** The appraiser closed a request, with their comment: the unit's officers. */
export const supplementClosed = (tx: Executor, request: SupplementFacts) => supplementEvent(tx, 'supplement_closed', unitOfficers(request.unitId), request, 'selfAssessment')

/** A request passed its due date unanswered: the unit's officers and the appraiser who asked. */
export const supplementExpired = (tx: Executor, request: SupplementFacts) =>
  supplementEvent(tx, 'supplement_expired', sql`${unitOfficers(request.unitId)} union ${user(request.createdBy)}`, request, 'selfAssessment')

/** A unit's appraisal was finalized, or reopened with a reason: the unit's officers. */
export async function appraisalChanged (tx: Executor, roundId: string, unitId: string, change: { finalized: true } | { finalized: false, reason: string }): Promise<void> {
  await notify(tx, {
    kind: change.finalized ? 'appraisal_finalized' : 'appraisal_reopened',
    recipients: unitOfficers(unitId),
    roundId,
    unitId,
    facts: { reason: change.finalized ? null : change.reason },
    link: links.myUnit()
  })
}

/** Results of a unit type were published: the officers of its units and its appraisers. */
export async function resultsPublished (tx: Executor, roundId: string, unitType: { code: string, name: string }, version: number, reason: string | null): Promise<void> {
  const facts = { unitType: unitType.name, version, reason }
  await notify(tx, { kind: 'results_published', recipients: roundOfficers(roundId, unitType.code), roundId, facts, link: links.unitResults(roundId) })
  await notify(tx, {
    kind: 'results_published',
    recipients: sql`select user_id from appraisal_assignments where round_id = ${roundId} and unit_type_code = ${unitType.code}`,
    roundId,
    facts,
    link: links.results()
  })
}

/** One notice of `kind` to the officers of each unit, with that unit's own facts, leading to its self-assessment. */
async function tellUnits<Unit extends { unit_id: string }> (tx: Executor, roundId: string, kind: NotificationEvent['kind'], units: readonly Unit[],
  facts: (unit: Unit) => NonNullable<NotificationEvent['facts']>): Promise<void> {
  for (const unit of units) {
    await notify(tx, { kind, recipients: unitOfficers(unit.unit_id), roundId, unitId: unit.unit_id, facts: facts(unit), link: links.selfAssessment(roundId, unit.unit_id) })
  }
}
