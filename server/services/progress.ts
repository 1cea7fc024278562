// Progress and gap across a round's units: per unit and field, the leaves appraised and the self and appraised points,
// read from the per-field sums the triggers keep beside the entries (db/queries/round-units.ts).
import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '../db/client.js'
import { queryRows } from '../db/rows.js'
import { appraisalAssignmentsTable } from '../db/schema/index.js'
import { milliToNumber, type Milli } from '../domain/decimal.js'
import { pointsGap } from '../domain/results.js'
import { appraiserOf, assertRoundExists, requestVisibleTo, type UnitRef } from './appraisal/context.js'
import { expireDueRequests } from './supplement-expiry.js'
import { keptWhileUnchanged } from './kept-while-unchanged.js'
import type { Actor } from './context.js'
import { type RoundCatalogs, type RoundField, type RoundUnit, readRoundUnits, roundLeavesSql } from '../db/queries/round-units.js'
import { unitsWrittenSince } from '../db/queries/field-sums.js'

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
  const [{ catalogs, units }, requests, assigned] = await Promise.all([
    keptProgressUnits(db, roundId, query.unitType),
    queryRows<Record<string, unknown>>(db, sql`
      with ${roundLeavesSql(roundId)}
      select sr.unit_id, (count(*) filter (where sr.status = 'open'))::int as open, (count(*) filter (where sr.status = 'answered'))::int as answered
      from supplement_requests sr
      where sr.round_id = ${roundId} and sr.status in ('open', 'answered') ${userId === null ? sql`` : sql`and ${requestVisibleTo(userId)}`}
      group by sr.unit_id`),
    userId === null
      ? null
      : db.select({ unitType: appraisalAssignmentsTable.unitTypeCode, field: appraisalAssignmentsTable.fieldCode }).from(appraisalAssignmentsTable)
        .where(and(eq(appraisalAssignmentsTable.roundId, roundId), eq(appraisalAssignmentsTable.userId, userId)))
  ])
  // An appraiser sees the fields assigned to them, and only the units where they have one.
  const visible = assigned === null ? null : new Set(assigned.map((row) => `${row.unitType}\u0000${row.field}`))
  // Every field, or the fields listed (none, for an appraiser not yet assigned): two scopes that never share a key.
  const scope = visible === null ? 'all' : ['only', ...[...visible].sort()].join('\u0001')
  const requestsOf = new Map(requests.map((row) => [String(row.unit_id), { open: Number(row.open), answered: Number(row.answered) }]))
  return units.flatMap((unit) => {
    const counts = requestsOf.get(unit.unit.id) ?? { open: 0, answered: 0 }
    // The same line object again for a unit read as before, seen with the same fields and the same requests waiting.
    const key = `${scope}\u0002${counts.open}\u0002${counts.answered}`
    let lines = progressLines.get(unit)
    if (lines === undefined) progressLines.set(unit, lines = new Map())
    let line = lines.get(key)
    if (line === undefined) {
      if (lines.size >= MAX_LINES_PER_UNIT) lines.clear()
      lines.set(key, line = progressLine(unit, catalogs.fields.get(unit.catalogId) ?? [], visible, counts))
    }
    return line === null ? [] : [line]
  })
}

/**
 * Each unit's progress lines by the scope and request counts they were made for, kept with the unit as read: a kept
 * answer gives back the same unit objects while nothing they show was written, so an unchanged line is the same object
 * (the route writes each line's JSON once).
 */
const progressLines = new WeakMap<RoundUnit, Map<string, UnitProgress | null>>()
/** Scopes (an admin's, each appraiser's) and request counts a unit's lines are kept for at most. */
const MAX_LINES_PER_UNIT = 16

/** A unit's line with the fields `visible` shows of its catalog's (all when null); null when it shows none. */
function progressLine (unit: RoundUnit, catalogFields: readonly RoundField[], visible: ReadonlySet<string> | null, counts: { open: number, answered: number }): UnitProgress | null {
  const fields = catalogFields
    .filter((field) => visible === null || visible.has(`${unit.unit.unitType}\u0000${field.code}`))
    .map((field) => ({ code: field.code, title: field.title, leaves: field.leaves, appraised: unit.sums.get(field.code)?.appraised ?? 0 }))
  if (fields.length === 0) return null
  return {
    unit: unit.unit,
    selfAssessment: unit.selfAssessment,
    appraisal: unit.appraisal,
    leaves: fields.reduce((sum, field) => sum + field.leaves, 0),
    appraised: fields.reduce((sum, field) => sum + field.appraised, 0),
    openRequests: counts.open,
    answeredRequests: counts.answered,
    fields
  }
}

export interface GapLine { selfPoints: number, appraisedPoints: number, gap: number, leaves: number, appraised: number }

export interface GapReport {
  roundId: string
  unitType: string | null
  units: (GapLine & { unit: UnitRef, finalized: boolean, fields: GapFieldLine[] })[]
}

export type GapFieldLine = GapLine & { code: string, title: string, maxPoints: number }

/** A gap report with the catalogs it was built from, as kept between requests. */
interface KeptGap { report: GapReport, catalogs: RoundCatalogs }

/**
 * The gap report as gapReport reads it; or as it was last read while nothing it is computed from has been written
 * since; or that one with the lines of the units whose scores alone were written since read again.
 */
export async function keptGapReport (db: Executor, roundId: string, query: { unitType?: string | undefined } = {}): Promise<GapReport> {
  const load = () => readGap(db, roundId, query)
  const { value } = await keptWhileUnchanged(db, 'gap', `${roundId}|${query.unitType ?? ''}`, load, async (kept, since) => {
    const written = await readWrittenAgain(db, roundId, since, kept.report.units.map((line) => line.unit.id), { unitType: query.unitType, self: true, catalogs: kept.catalogs })
    if (written === null) return await load()
    if (written.length === 0) return kept
    const lines = [...kept.report.units]
    for (const [i, unit] of written) {
      const fields = kept.catalogs.fields.get(unit.catalogId)
      const line = fields === undefined ? null : gapLine(unit, fields)
      // A unit on a catalog the round did not use: read everything again.
      if (line === null) return await load()
      lines[i] = line
    }
    return { report: { ...kept.report, units: lines }, catalogs: kept.catalogs }
  })
  return value.report
}

/**
 * The round's units with their appraised sums as progress reads them (readRoundUnits); or as they were last read
 * while nothing they come from has been written since; or those with the units read again whose sums, self-assessment
 * or appraisal a write of scores alone changed since (a submission or a version bump changes no sums).
 */
async function keptProgressUnits (db: Executor, roundId: string, unitType: string | undefined): Promise<{ catalogs: RoundCatalogs, units: RoundUnit[] }> {
  const load = () => readRoundUnits(db, roundId, { unitType })
  const { value } = await keptWhileUnchanged(db, 'progress', `${roundId}|${unitType ?? ''}`, load, async (kept, since) => {
    const written = await readWrittenAgain(db, roundId, since, kept.units.map((unit) => unit.unit.id), { unitType, catalogs: kept.catalogs, owners: true })
    if (written === null) return await load()
    if (written.length === 0) return kept
    const units = [...kept.units]
    for (const [i, unit] of written) units[i] = unit
    return { catalogs: kept.catalogs, units }
  })
  return value
}

/**
 * The units among `ids` (a kept answer's, in its order) written since `snapshot` (unitsWrittenSince), read again, each
 * with its position in `ids`; null when one of them can no longer be read as it was (no longer listed, say): the
 * caller then reads everything again. Units not in `ids` (of another unit type) are not read.
 */
async function readWrittenAgain (db: Executor, roundId: string, snapshot: string, ids: readonly string[],
  options: { unitType: string | undefined, self?: boolean, catalogs: RoundCatalogs, owners?: boolean }): Promise<Array<[number, RoundUnit]> | null> {
  const position = new Map(ids.map((id, i) => [id, i]))
  const written = (await unitsWrittenSince(db, roundId, snapshot, { owners: options.owners })).filter((id) => position.has(id))
  if (written.length === 0) return []
  const { units } = await readRoundUnits(db, roundId, { unitType: options.unitType, self: options.self, only: written, catalogs: options.catalogs })
  if (units.length !== written.length) return null
  return units.map((unit) => [position.get(unit.unit.id) as number, unit])
}

/**
 * Per unit and field: self points, appraised points and self − appraised, from the per-field sums the triggers keep;
 * a unit's line sums its fields in integer thousandths. Units in catalog order of unit type, then Vietnamese name
 * order; fields in catalog order.
 */
export async function gapReport (db: Executor, roundId: string, query: { unitType?: string | undefined } = {}): Promise<GapReport> {
  return (await readGap(db, roundId, query)).report
}

async function readGap (db: Executor, roundId: string, query: { unitType?: string | undefined }): Promise<KeptGap> {
  await assertRoundExists(db, roundId)
  const { catalogs, units } = await readRoundUnits(db, roundId, { unitType: query.unitType, self: true })
  const lines: GapReport['units'] = []
  for (const unit of units) {
    const line = gapLine(unit, catalogs.fields.get(unit.catalogId) ?? [])
    if (line !== null) lines.push(line)
  }
  return { report: { roundId, unitType: query.unitType ?? null, units: lines }, catalogs }
}

/** A unit's line: its fields summed in integer thousandths (null when its catalog has no fields). */
function gapLine (unit: RoundUnit, catalogFields: readonly RoundField[]): GapReport['units'][number] | null {
  if (catalogFields.length === 0) return null
  // Each object is written whole, in one shape (10,000 units × 7 fields: building them from spread parts took a third
  // of the report's time in allocation and GC).
  let selfPoints = 0 as Milli
  let appraisedPoints = 0 as Milli
  let leaves = 0
  let appraised = 0
  const fields = catalogFields.map((field): GapFieldLine => {
    const sums = unit.sums.get(field.code)
    const self = sums?.selfPoints ?? 0 as Milli
    const appraisedField = sums?.appraisedPoints ?? 0 as Milli
    const appraisedLeaves = sums?.appraised ?? 0
    selfPoints = (selfPoints + self) as Milli
    appraisedPoints = (appraisedPoints + appraisedField) as Milli
    leaves += field.leaves
    appraised += appraisedLeaves
    return {
      code: field.code,
      title: field.title,
      maxPoints: milliToNumber(field.maxPoints),
      selfPoints: milliToNumber(self),
      appraisedPoints: milliToNumber(appraisedField),
      gap: milliToNumber(pointsGap(self, appraisedField)),
      leaves: field.leaves,
      appraised: appraisedLeaves
    }
  })
  return {
    unit: unit.unit,
    finalized: unit.appraisal.status === 'finalized',
    selfPoints: milliToNumber(selfPoints),
    appraisedPoints: milliToNumber(appraisedPoints),
    gap: milliToNumber(pointsGap(selfPoints, appraisedPoints)),
    leaves,
    appraised,
    fields
  }
}
