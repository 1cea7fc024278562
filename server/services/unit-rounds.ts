// "Đơn vị của tôi": the rounds one unit takes part in, each with its own deadline, how far its self-assessment is,
// its supplement requests and whether results are published, so a unit officer's landing page is one request.
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/client.js'
import { queryRows, toDate } from '../db/rows.js'
import { effectiveDeadline, type RoundStatus } from '../domain/lifecycle.js'
import { Errors } from '../errors.js'
import type { Actor } from './context.js'
import { officerUnitOf, showInstant } from './rounds.js'
import { getSelfAssessment, type SelfAssessment } from './self-assessment.js'
import { noSuch } from '../messages/problems.js'

export interface UnitRound {
  round: { id: string, code: string, title: string, year: number, status: RoundStatus }
  deadline: SelfAssessment['deadline'] & { extensionReason: string | null }
  selfAssessment: {
    status: 'not_started' | 'draft' | 'submitted'
    submittedAt: string | null
    version: number
    points: number
    applicableMaximum: number
    percentDisplay: string | null
    answered: number
    leaves: number
    unanswered: number
    evidenceMissing: number
  } | null
  supplementRequests: { open: number, answered: number, nextDueAt: string | null }
  resultsPublished: boolean
}

export interface UnitRounds {
  unit: { id: string, code: string, name: string, unitType: string }
  /** The database clock, so a countdown does not depend on the reader's own clock. */
  now: string
  items: UnitRound[]
}

/**
 * Newest year first. A unit officer reads only their own unit (another unit answers 404) and not rounds still in
 * draft; admins and viewers read any unit. The self-assessment figures come from the same state the self-assessment
 * screen reads, so the landing page and the screen never disagree.
 */
export async function listUnitRounds (db: Executor, actor: Actor, unitId: string): Promise<UnitRounds> {
  const officerUnit = officerUnitOf(actor)
  if (officerUnit !== null && officerUnit !== unitId) throw Errors.notFound(noSuch.unit)
  const [unit] = await queryRows<Record<string, unknown>>(db, sql`
    select id, code, name, unit_type_code, now() as now from units where id = ${unitId}`)
  if (!unit) throw Errors.notFound(noSuch.unit)
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select r.id, r.code, r.title, r.year, r.status, ru.extension_reason,
      exists (select 1 from round_catalogs rc where rc.round_id = r.id and rc.unit_type_code = ${unit.unit_type_code}) as has_catalog,
      exists (select 1 from result_versions v where v.round_id = r.id and v.unit_type_code = ${unit.unit_type_code}) as results_published,
      (select count(*) from supplement_requests sr where sr.round_id = r.id and sr.unit_id = ru.unit_id and sr.status = 'open' and sr.due_at > now())::int as open_requests,
      (select min(sr.due_at) from supplement_requests sr where sr.round_id = r.id and sr.unit_id = ru.unit_id and sr.status = 'open' and sr.due_at > now()) as next_due_at,
      (select count(*) from supplement_requests sr where sr.round_id = r.id and sr.unit_id = ru.unit_id and sr.status = 'answered')::int as answered_requests
    from round_units ru join rounds r on r.id = ru.round_id
    where ru.unit_id = ${unitId} ${officerUnit === null ? sql`` : sql`and r.status <> 'draft'`}
    order by r.year desc, r.code`)
  const items: UnitRound[] = []
  // One round a year: reading each state in turn costs a handful of queries per year, and keeps one source of truth.
  for (const row of rows) {
    const state = row.has_catalog === true ? await getSelfAssessment(db, actor, String(row.id), unitId) : null
    items.push({
      round: { id: String(row.id), code: String(row.code), title: String(row.title), year: Number(row.year), status: row.status as RoundStatus },
      deadline: {
        ...(state?.deadline ?? await roundDeadline(db, String(row.id), unitId)),
        extensionReason: row.extension_reason === null ? null : String(row.extension_reason)
      },
      selfAssessment: state === null
        ? null
        : {
            status: state.id === null ? 'not_started' : state.status,
            submittedAt: state.submittedAt,
            version: state.version,
            points: state.totals.points,
            applicableMaximum: state.totals.applicableMaximum,
            percentDisplay: state.totals.percentDisplay,
            answered: state.totals.answered,
            leaves: state.totals.leaves,
            unanswered: state.leaves.filter((leaf) => leaf.missing.includes('unanswered')).length,
            evidenceMissing: state.leaves.filter((leaf) => leaf.missing.includes('evidence_missing')).length
          },
      supplementRequests: { open: Number(row.open_requests), answered: Number(row.answered_requests), nextDueAt: showInstant(toDate(row.next_due_at)) },
      resultsPublished: row.results_published === true
    })
  }
  return {
    unit: { id: String(unit.id), code: String(unit.code), name: String(unit.name), unitType: String(unit.unit_type_code) },
    now: (toDate(unit.now) as Date).toISOString(),
    items
  }
}

/** The deadline of a round that has no catalog for the unit yet (nothing to assess, so it is never open). */
async function roundDeadline (db: Executor, roundId: string, unitId: string): Promise<SelfAssessment['deadline']> {
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    select r.status, r.self_assessment_closes_at, ru.extension_until
    from rounds r join round_units ru on ru.round_id = r.id and ru.unit_id = ${unitId} where r.id = ${roundId}`)
  const closesAt = toDate(row?.self_assessment_closes_at)
  const extensionUntil = toDate(row?.extension_until)
  return {
    roundStatus: row?.status as RoundStatus,
    closesAt: showInstant(closesAt),
    extensionUntil: showInstant(extensionUntil),
    effectiveClosesAt: showInstant(effectiveDeadline(closesAt, extensionUntil)),
    open: false
  }
}
