// Progress and gap across a round's units: per unit and field, the leaves appraised and the self and appraised points,
// read from the per-field sums the triggers keep beside the entries (one row per unit, its fields as a JSON array).
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/client.js'
import { queryRows, toIso } from '../db/rows.js'
import { milliToNumber, type Milli } from '../domain/decimal.js'
import { appraiserOf, assertRoundExists, requestVisibleTo, type UnitRef } from './appraisal/context.js'
import { expireDueRequests } from './supplement-expiry.js'
import type { Actor } from './context.js'
import { roundFieldsSql, roundLeavesSql } from '../db/queries/round-units.js'

export interface FieldProgress { code: string, title: string, leaves: number, appraised: number }

export interface UnitProgress {
  unit: UnitRef
  selfAssessment: { status: 'not_started' | 'draft' | 'submitted', submittedAt: string | null }
  appraisal: { status: 'not_started' | 'in_progress' | 'finalized', version: number, finalizedAt: string | null }
  leaves: number
  appraised: number
  openRequests: number
  answeredRequests: number
  fields: FieldProgress[]
}

/**
 * Per participating unit and field, how many leaves are appraised, and how many supplement requests wait for the
 * unit (open) or for review (answered). An appraiser sees only the unit types and fields assigned to them.
 */
export async function appraisalProgress (db: Executor, actor: Actor, roundId: string, query: { unitType?: string | undefined } = {}): Promise<UnitProgress[]> {
  await assertRoundExists(db, roundId)
  await expireDueRequests(db, actor, { roundId })
  const userId = appraiserOf(actor)
  const visibleField = userId === null
    ? sql`true`
    : sql`exists (select 1 from appraisal_assignments aa where aa.round_id = ${roundId} and aa.unit_type_code = uc.unit_type_code and aa.field_code = f.field_code and aa.user_id = ${userId})`
  const ofType = query.unitType === undefined ? sql`true` : sql`uc.unit_type_code = ${query.unitType}`
  const [rows, requests] = await Promise.all([
    // One row per unit with its fields as one JSON array (code, title, leaves, appraised): the leaves from the catalog,
    // the appraised ones from the sums the triggers keep. (A row per unit and field costs more to send than to compute.)
    queryRows<Record<string, unknown>>(db, sql`
      with ${roundLeavesSql(roundId)}, ${roundFieldsSql}
      select uc.unit_id, uc.unit_code, uc.unit_name, uc.unit_type_code, uc.self_status, uc.submitted_at,
        uc.appraisal_status, uc.version, uc.finalized_at,
        json_agg(json_build_array(f.field_code, f.field_title, f.leaves, coalesce(afs.entries, 0)) order by f.field_position)::text as fields
      from unit_catalog uc
      join field f on f.catalog_id = uc.catalog_id
      left join appraisal_field_sums afs on afs.appraisal_id = uc.appraisal_id and afs.field_code = f.field_code
      where ${ofType} and ${visibleField}
      group by uc.unit_id, uc.unit_code, uc.unit_name, uc.unit_type_code, uc.sort_key, uc.self_status, uc.submitted_at,
        uc.appraisal_status, uc.version, uc.finalized_at
      order by uc.unit_type_code, uc.sort_key, uc.unit_code`),
    queryRows<Record<string, unknown>>(db, sql`
      with ${roundLeavesSql(roundId)}
      select sr.unit_id, (count(*) filter (where sr.status = 'open'))::int as open, (count(*) filter (where sr.status = 'answered'))::int as answered
      from supplement_requests sr
      where sr.round_id = ${roundId} and sr.status in ('open', 'answered') ${userId === null ? sql`` : sql`and ${requestVisibleTo(userId)}`}
      group by sr.unit_id`)
  ])
  const requestsOf = new Map(requests.map((row) => [String(row.unit_id), { open: Number(row.open), answered: Number(row.answered) }]))
  return rows.map((row) => {
    const unitId = String(row.unit_id)
    const fields = (JSON.parse(String(row.fields)) as Array<[string, string, number, number]>)
      .map(([code, title, leaves, appraised]) => ({ code, title, leaves, appraised }))
    return {
      unit: { id: unitId, code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
      selfAssessment: { status: row.self_status as UnitProgress['selfAssessment']['status'], submittedAt: toIso(row.submitted_at) },
      appraisal: { status: row.appraisal_status as UnitProgress['appraisal']['status'], version: Number(row.version), finalizedAt: toIso(row.finalized_at) },
      leaves: fields.reduce((sum, field) => sum + field.leaves, 0),
      appraised: fields.reduce((sum, field) => sum + field.appraised, 0),
      openRequests: requestsOf.get(unitId)?.open ?? 0,
      answeredRequests: requestsOf.get(unitId)?.answered ?? 0,
      fields
    }
  })
}

/** Points of one unit in one field (or overall), exact thousandths summed by the database. */
export interface PointsLine {
  maxPoints: Milli
  selfPoints: Milli
  appraisedPoints: Milli
  /** selfPoints − appraisedPoints. */
  gap: Milli
  /** Maximum without the leaves the unit marked not applicable. */
  selfApplicableMaximum: Milli
  /** Maximum without the leaves appraised as not applicable. */
  appraisedApplicableMaximum: Milli
  leaves: number
  selfAnswered: number
  appraised: number
}

export interface UnitPoints extends PointsLine {
  unit: UnitRef
  catalogId: string
  appraisalStatus: 'not_started' | 'in_progress' | 'finalized'
  fields: (PointsLine & { code: string, title: string })[]
}

/**
 * Self and appraised points per participating unit and field, and per unit overall, read from the per-field sums the
 * triggers keep beside self_assessment_entries and appraisal_entries: one row per unit, its fields as one JSON array of
 * integer thousandths, the unit's totals their exact integer sums. Units in
 * catalog order of unit type, then Vietnamese name order; fields in catalog order. For results and the gap.
 */
export async function unitFieldPoints (db: Executor, roundId: string, query: { unitType?: string | undefined } = {}): Promise<UnitPoints[]> {
  await assertRoundExists(db, roundId)
  // Per unit and field from the sums the triggers keep (points in thousandths, answered and appraised leaves); the
  // not-applicable leaves, few, through their partial indexes; grouping sets add each unit's overall line.
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    with ${roundLeavesSql(roundId)}, ${roundFieldsSql},
    self_na as (
      select e.self_assessment_id as owner, l.field_code, sum(l.max_points) as max_points
      from unit_catalog uc
      join self_assessment_entries e on e.self_assessment_id = uc.self_assessment_id and e.not_applicable
      join leaf l on l.catalog_id = uc.catalog_id and l.code = e.leaf_code
      group by e.self_assessment_id, l.field_code
    ), appraised_na as (
      select e.appraisal_id as owner, l.field_code, sum(l.max_points) as max_points
      from unit_catalog uc
      join appraisal_entries e on e.appraisal_id = uc.appraisal_id and e.not_applicable
      join leaf l on l.catalog_id = uc.catalog_id and l.code = e.leaf_code
      group by e.appraisal_id, l.field_code
    )
    select uc.unit_id, uc.unit_code, uc.unit_name, uc.unit_type_code, uc.catalog_id, uc.appraisal_status,
      json_agg(json_build_array(f.field_code, f.field_title,
        (f.max_points * 1000)::bigint,
        coalesce(ss.points_milli, 0),
        coalesce(afs.points_milli, 0),
        ((f.max_points - coalesce(sn.max_points, 0)) * 1000)::bigint,
        ((f.max_points - coalesce(an.max_points, 0)) * 1000)::bigint,
        f.leaves, coalesce(ss.answered, 0), coalesce(afs.entries, 0)) order by f.field_position)::text as fields
    from unit_catalog uc
    join field f on f.catalog_id = uc.catalog_id
    left join self_assessment_field_sums ss on ss.self_assessment_id = uc.self_assessment_id and ss.field_code = f.field_code
    left join appraisal_field_sums afs on afs.appraisal_id = uc.appraisal_id and afs.field_code = f.field_code
    left join self_na sn on sn.owner = uc.self_assessment_id and sn.field_code = f.field_code
    left join appraised_na an on an.owner = uc.appraisal_id and an.field_code = f.field_code
    ${query.unitType === undefined ? sql`` : sql`where uc.unit_type_code = ${query.unitType}`}
    group by uc.unit_id, uc.unit_code, uc.unit_name, uc.unit_type_code, uc.sort_key, uc.catalog_id, uc.appraisal_status
    order by uc.unit_type_code, uc.sort_key, uc.unit_code`)
  type FieldRow = [string, string, number, number, number, number, number, number, number, number]
  // Integer thousandths, summed exactly (a sum stays far below 2^53).
  const line = ([, , max, self, appraised, selfApplicable, appraisedApplicable, leaves, selfAnswered, appraisedCount]: FieldRow): PointsLine => ({
    maxPoints: max as Milli,
    selfPoints: self as Milli,
    appraisedPoints: appraised as Milli,
    gap: (self - appraised) as Milli,
    selfApplicableMaximum: selfApplicable as Milli,
    appraisedApplicableMaximum: appraisedApplicable as Milli,
    leaves,
    selfAnswered,
    appraised: appraisedCount
  })
  const total = (lines: PointsLine[]): PointsLine => {
    const sum = (pick: (line: PointsLine) => number) => lines.reduce((acc, line) => acc + pick(line), 0)
    return {
      maxPoints: sum((l) => l.maxPoints) as Milli,
      selfPoints: sum((l) => l.selfPoints) as Milli,
      appraisedPoints: sum((l) => l.appraisedPoints) as Milli,
      gap: sum((l) => l.gap) as Milli,
      selfApplicableMaximum: sum((l) => l.selfApplicableMaximum) as Milli,
      appraisedApplicableMaximum: sum((l) => l.appraisedApplicableMaximum) as Milli,
      leaves: sum((l) => l.leaves),
      selfAnswered: sum((l) => l.selfAnswered),
      appraised: sum((l) => l.appraised)
    }
  }
  return rows.map((row) => {
    const fields = (JSON.parse(String(row.fields)) as FieldRow[]).map((field) => ({ code: field[0], title: field[1], ...line(field) }))
    return {
      unit: { id: String(row.unit_id), code: String(row.unit_code), name: String(row.unit_name), unitType: String(row.unit_type_code) },
      catalogId: String(row.catalog_id),
      appraisalStatus: row.appraisal_status as UnitPoints['appraisalStatus'],
      ...total(fields),
      fields
    }
  })
}

export interface GapLine { selfPoints: number, appraisedPoints: number, gap: number, leaves: number, appraised: number }

export interface GapReport {
  roundId: string
  unitType: string | null
  units: (GapLine & { unit: UnitRef, finalized: boolean, fields: (GapLine & { code: string, title: string, maxPoints: number })[] })[]
}

/** Per unit and field: self points, appraised points and self − appraised, exact. */
export async function gapReport (db: Executor, roundId: string, query: { unitType?: string | undefined } = {}): Promise<GapReport> {
  const units = await unitFieldPoints(db, roundId, query)
  const gap = (line: PointsLine): GapLine => ({
    selfPoints: milliToNumber(line.selfPoints),
    appraisedPoints: milliToNumber(line.appraisedPoints),
    gap: milliToNumber(line.gap),
    leaves: line.leaves,
    appraised: line.appraised
  })
  return {
    roundId,
    unitType: query.unitType ?? null,
    units: units.map((unit) => ({
      unit: unit.unit,
      finalized: unit.appraisalStatus === 'finalized',
      ...gap(unit),
      fields: unit.fields.map((field) => ({ code: field.code, title: field.title, maxPoints: milliToNumber(field.maxPoints), ...gap(field) }))
    }))
  }
}
