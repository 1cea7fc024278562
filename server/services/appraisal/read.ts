// Reading a unit's appraisal: every leaf with the self-assessed and appraised scores, evidence rules and open supplement requests.
import { sql, type Placeholder, type SQL } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { compiledStatement, queryRows, concurrently, jsonRows, toDate, toIso } from '../../db/rows.js'
import { selfEntriesSql } from '../../db/queries/self-assessment-save.js'
import { differsFromSelf, leafValueOf, type LeafValue, type SupplementStatus } from '../../domain/appraisal.js'
import type { EvidenceRule, ScoringMethod } from '../../domain/catalog.js'
import { milliToNumber, sumMilli, type Milli } from '../../domain/decimal.js'
import type { RoundStatus } from '../../domain/lifecycle.js'
import { matchedBand, type EnteredInput, storedInput } from '../../domain/scoring.js'
import { Errors } from '../../errors.js'
import { lastChangeColumn, parseLastChange, type LastChange } from '../audit.js'
import type { LoadedNode } from '../catalogs.js'
import { frozenCatalog } from '../catalog-shape.js'
import type { Actor } from '../context.js'
import { showInstant } from '../rounds.js'
import { text as t } from '../../messages/text.js'
import { type AppraisalContext, type FieldScope, type UnitRef, type UserRef, catalogOf, fieldScope, inScope, loadAppraisalContext, assertLeafInScope, assertSelfAssessmentShown } from './context.js'
import { userRef } from '../../db/queries/participation.js'

export interface EvidenceFileRef { id: string, filename: string | null, mime: string | null, size: number | null }

export interface AppraisalLeaf {
  code: string
  fieldCode: string
  title: string
  maxPoints: number
  scoring: ScoringMethod | null
  evidence: EvidenceRule
  guidance: string | null
  self: {
    input: EnteredInput | null
    points: number | null
    notApplicable: boolean
    explanation: string | null
    evidenceFiles: EvidenceFileRef[]
    updatedAt: string | null
    /** For a bands leaf: the index in scoring.bands the measurement fell into. */
    band: number | null
  }
  appraised: {
    input: EnteredInput
    points: number | null
    notApplicable: boolean
    reason: string | null
    appraisedBy: UserRef | null
    updatedAt: string
    band: number | null
  } | null
  /** Whether the appraised score differs from the self score; null until appraised. */
  differs: boolean | null
  /** Supplement requests on this leaf waiting for the unit (open) or for the appraiser's review (answered). */
  supplementRequests: { id: string, status: SupplementStatus, dueAt: string | null }[]
}

/** Points of the fields a caller sees: one field, or all of them together. */
export interface AppraisalPoints {
  maxPoints: number
  leaves: number
  appraised: number
  selfPoints: number
  appraisedPoints: number
  /** selfPoints − appraisedPoints, exact (as GET /rounds/{id}/gap). */
  gap: number
  /** Self − appraised points over the leaves appraised so far: what the appraisal has changed until now. */
  appraisedGap: number
}

export interface AppraisalField extends AppraisalPoints {
  code: string
  title: string
}

export interface AppraisalState {
  /** Null until something is saved. */
  id: string | null
  roundId: string
  roundCode: string
  unit: UnitRef
  catalog: { id: string, code: string, title: string }
  status: 'in_progress' | 'finalized'
  version: number
  finalizedAt: string | null
  finalizedBy: UserRef | null
  deadline: { roundStatus: RoundStatus, closesAt: string | null, supplementClosesAt: string | null, open: boolean }
  selfAssessment: { id: string | null, status: 'not_started' | 'draft' | 'submitted', submittedAt: string | null }
  fields: AppraisalField[]
  /** The fields above together. */
  totals: AppraisalPoints
  leaves: AppraisalLeaf[]
  /** The newest change of the appraisal (a save, an acceptance, finalization): after a 412 it says who changed what. */
  lastChange: LastChange | null
}

export interface SelfRow { input: EnteredInput | null, points: Milli | null, notApplicable: boolean, explanation: string | null, updatedAt: string | null }
interface AppraisedRow { input: EnteredInput, points: Milli | null, notApplicable: boolean, reason: string | null, appraisedBy: UserRef | null, updatedAt: string }

/** What the unit answered per leaf (absent: nothing saved). */
export async function selfEntries (db: Executor, selfAssessmentId: string | null): Promise<Map<string, SelfRow>> {
  if (selfAssessmentId === null) return new Map()
  return selfRowsOf(await queryRows<Record<string, unknown>>(db, selfEntriesSql(sql`${selfAssessmentId}`)))
}

/** Rows of selfEntriesSql, as rows or as JSON objects (the same names and values). */
function selfRowsOf (rows: ReadonlyArray<Record<string, unknown>>): Map<string, SelfRow> {
  return new Map(rows.map((row) => [String(row.leaf_code), {
    input: storedInput(row.input ?? null),
    points: row.points_milli === null ? null : Number(row.points_milli) as Milli,
    notApplicable: row.not_applicable === true,
    explanation: row.explanation === null ? null : String(row.explanation),
    updatedAt: toIso(row.updated_at)
  }]))
}

export async function appraisedEntries (db: Executor, appraisalId: string | null): Promise<Map<string, AppraisedRow>> {
  if (appraisalId === null) return new Map()
  return appraisedRowsOf(await queryRows<Record<string, unknown>>(db, appraisedEntriesSql(sql`${appraisalId}`)))
}

const appraisedEntriesSql = (appraisalId: SQL) => sql`
  select e.leaf_code, e.input, e.points_milli, e.not_applicable, e.reason, e.updated_at, u.id as user_id, u.username, u.display_name
  from appraisal_entries e left join users u on u.id = e.appraised_by
  where e.appraisal_id = ${appraisalId}`

/** Rows of appraisedEntriesSql, as rows or as JSON objects. */
function appraisedRowsOf (rows: ReadonlyArray<Record<string, unknown>>): Map<string, AppraisedRow> {
  return new Map(rows.map((row) => [String(row.leaf_code), {
    input: row.input as EnteredInput,
    points: row.points_milli === null ? null : Number(row.points_milli) as Milli,
    notApplicable: row.not_applicable === true,
    reason: row.reason === null ? null : String(row.reason),
    appraisedBy: userRef(row.user_id, row.username, row.display_name),
    updatedAt: toIso(row.updated_at) as string
  }]))
}

interface PendingRequest { id: string, status: SupplementStatus, dueAt: Date | null, leafCodes: string[] }

export async function pendingRequests (db: Executor, roundId: string, unitId: string): Promise<PendingRequest[]> {
  return pendingOf(await queryRows<Record<string, unknown>>(db, pendingRequestsSql(roundId, unitId)))
}

/** The unit's requests waiting for it or for review, oldest first (created_at is selected for a JSON aggregate's order). */
const pendingRequestsSql = (roundId: string | Placeholder, unitId: string | Placeholder) => sql`
  select id, status, due_at, leaf_codes, created_at from supplement_requests
  where round_id = ${roundId} and unit_id = ${unitId} and status in ('open', 'answered')
  order by created_at, id`

function pendingOf (rows: ReadonlyArray<Record<string, unknown>>): PendingRequest[] {
  return rows.map((row) => ({ id: String(row.id), status: row.status as SupplementStatus, dueAt: toDate(row.due_at), leafCodes: row.leaf_codes as string[] }))
}

/** The self-assessment's evidence files per leaf, in the order they were linked. */
const filesSql = (selfAssessmentId: SQL) => sql`
  select x.leaf_code, x.file_id, f.filename, f.mime, f.size, x.created_at from evidence_links x
  left join evidence_files f on f.id = x.file_id
  where x.self_assessment_id = ${selfAssessmentId}`

/**
 * Everything the appraisal screen shows of a unit beyond its participation, in one statement: both sides' entries,
 * the evidence files, the pending requests and the appraisal's last change (read one by one, five round trips of
 * every read). Ordered lists are ordered inside their aggregates.
 */
const unitRowsStatement = compiledStatement<{ selfId: string | null, appraisalId: string | null, roundId: string, unitId: string }>('appraisal_unit_rows', (p) => {
  const selfId = sql`${p.selfId}::uuid`
  const appraisalId = sql`${p.appraisalId}::uuid`
  return sql`
    select ${jsonRows(selfEntriesSql(selfId), sql`r.leaf_code`)} as self,
      ${jsonRows(appraisedEntriesSql(appraisalId), sql`r.leaf_code`)} as appraised,
      ${jsonRows(filesSql(selfId), sql`r.created_at, r.file_id`)} as files,
      ${jsonRows(pendingRequestsSql(p.roundId, p.unitId), sql`r.created_at, r.id`)} as requests,
      ${lastChangeColumn('appraisal', appraisalId)} as last_change`
})

async function readUnitRows (db: Executor, context: AppraisalContext) {
  const [row] = await unitRowsStatement<Record<string, unknown>>(db, { selfId: context.selfAssessment.id, appraisalId: context.appraisalId, roundId: context.roundId, unitId: context.unit.id })
  const read = row as Record<string, unknown>
  return {
    self: selfRowsOf(read.self as Array<Record<string, unknown>>),
    appraised: appraisedRowsOf(read.appraised as Array<Record<string, unknown>>),
    files: read.files as Array<Record<string, unknown>>,
    requests: pendingOf(read.requests as Array<Record<string, unknown>>),
    lastChange: parseLastChange(read.last_change)
  }
}

export const selfValue = (row: SelfRow | undefined): LeafValue | null => leafValueOf(row)

function leafOf (loaded: LoadedNode, self: SelfRow | undefined, appraised: AppraisedRow | undefined, files: EvidenceFileRef[], requests: PendingRequest[]): AppraisalLeaf {
  return {
    code: loaded.code,
    fieldCode: loaded.fieldCode,
    title: loaded.title,
    maxPoints: milliToNumber(loaded.maxPoints),
    scoring: loaded.scoring,
    evidence: loaded.evidence ?? 'optional',
    guidance: loaded.guidance,
    self: {
      input: self?.input ?? null,
      points: self?.points === null || self?.points === undefined ? null : milliToNumber(self.points),
      notApplicable: self?.notApplicable ?? false,
      explanation: self?.explanation ?? null,
      evidenceFiles: files,
      updatedAt: self?.updatedAt ?? null,
      band: matchedBand(loaded.scoring, self?.input)
    },
    appraised: appraised === undefined
      ? null
      : { ...appraised, points: appraised.points === null ? null : milliToNumber(appraised.points), band: matchedBand(loaded.scoring, appraised.input) },
    differs: appraised === undefined ? null : differsFromSelf(selfValue(self), appraised),
    supplementRequests: requests.filter((r) => r.leafCodes.includes(loaded.code)).map((r) => ({ id: r.id, status: r.status, dueAt: showInstant(r.dueAt) }))
  }
}

export async function stateOf (db: Executor, context: AppraisalContext, scope: FieldScope): Promise<AppraisalState> {
  const [catalog, { self, appraised, files, requests, lastChange }] = await concurrently(db, [
    () => frozenCatalog(db, catalogOf(context)),
    () => readUnitRows(db, context)
  ])
  const filesOf = new Map<string, EvidenceFileRef[]>()
  for (const row of files) {
    const list = filesOf.get(String(row.leaf_code)) ?? []
    list.push({ id: String(row.file_id), filename: row.filename === null ? null : String(row.filename), mime: row.mime === null ? null : String(row.mime), size: row.size === null ? null : Number(row.size) })
    filesOf.set(String(row.leaf_code), list)
  }
  const leaves = catalog.leaves.filter((leaf) => inScope(scope, leaf.fieldCode))
  // Exact thousandths throughout; numbers only at the end, so no gap is a float subtraction.
  const pointsOf = (ofLeaves: LoadedNode[], maxPoints: Milli): AppraisalPoints => {
    const selfOf = (leaf: LoadedNode) => self.get(leaf.code)?.points ?? 0
    const appraisedOf = (leaf: LoadedNode) => appraised.get(leaf.code)?.points ?? 0
    const done = ofLeaves.filter((leaf) => appraised.has(leaf.code))
    const selfPoints = sumMilli(ofLeaves.map(selfOf))
    const appraisedPoints = sumMilli(ofLeaves.map(appraisedOf))
    return {
      maxPoints: milliToNumber(maxPoints),
      leaves: ofLeaves.length,
      appraised: done.length,
      selfPoints: milliToNumber(selfPoints),
      appraisedPoints: milliToNumber(appraisedPoints),
      gap: milliToNumber(sumMilli([selfPoints, -appraisedPoints])),
      appraisedGap: milliToNumber(sumMilli([...done.map(selfOf), -appraisedPoints]))
    }
  }
  const visibleFields = catalog.tree.filter((field) => inScope(scope, field.code))
  const fields = visibleFields.map((field) => ({
    code: field.code,
    title: field.title,
    ...pointsOf(leaves.filter((leaf) => leaf.fieldCode === field.code), field.maxPoints)
  }))
  return {
    id: context.appraisalId,
    roundId: context.roundId,
    roundCode: context.roundCode,
    unit: context.unit,
    catalog: { id: catalog.catalog.id, code: catalog.catalog.code, title: catalog.catalog.title },
    status: context.status,
    version: context.version,
    finalizedAt: context.finalizedAt?.toISOString() ?? null,
    finalizedBy: context.finalizedBy,
    deadline: {
      roundStatus: context.roundStatus,
      closesAt: showInstant(context.appraisalClosesAt),
      supplementClosesAt: showInstant(context.supplementClosesAt),
      open: context.roundStatus === 'appraisal' && context.beforeDeadline && context.status === 'in_progress'
    },
    selfAssessment: { id: context.selfAssessment.id, status: context.selfAssessment.status, submittedAt: context.selfAssessment.submittedAt?.toISOString() ?? null },
    fields,
    totals: pointsOf(leaves, sumMilli(visibleFields.map((field) => field.maxPoints))),
    leaves: leaves.map((leaf) => leafOf(leaf, self.get(leaf.code), appraised.get(leaf.code), filesOf.get(leaf.code) ?? [], requests)),
    lastChange
  }
}

/**
 * A unit's appraisal: per leaf the self score, explanation and evidence files beside the appraised score.
 * An appraiser sees only the leaves of the fields assigned to them (none assigned for the unit's type: 403), and only
 * once the unit has submitted or self-assessment is over (409 SELF_ASSESSMENT_NOT_SUBMITTED before).
 */
export async function getAppraisal (db: Executor, actor: Actor, roundId: string, unitId: string): Promise<AppraisalState> {
  const { context, scope } = await shownAppraisal(db, actor, roundId, unitId)
  return stateOf(db, context, scope)
}

/** A unit's appraisal context and the fields the caller sees of it, once the caller may read its self-assessment. */
async function shownAppraisal (db: Executor, actor: Actor, roundId: string, unitId: string): Promise<{ context: AppraisalContext, scope: FieldScope }> {
  const context = await loadAppraisalContext(db, actor, roundId, unitId)
  const scope = await fieldScope(db, actor, roundId, context.unit.unitType)
  assertSelfAssessmentShown(actor, { status: context.roundStatus, code: context.roundCode }, context.unit, context.selfAssessment.status)
  return { context, scope }
}

/**
 * One leaf of a unit's catalog as the actor may see it: unknown leaves are 404, a leaf outside an appraiser's fields
 * 403 NOT_ASSIGNED.
 */
export async function visibleLeaf (db: Executor, actor: Actor, roundId: string, unitId: string, leafCode: string) {
  const { context, scope } = await shownAppraisal(db, actor, roundId, unitId)
  const catalog = await frozenCatalog(db, catalogOf(context))
  const node = catalog.byCode.get(leafCode)
  if (!node || !node.leaf) throw Errors.notFound(t(`The catalog has no leaf ${leafCode}.`, `Bộ tiêu chí không có tiêu chí ${leafCode}.`))
  assertLeafInScope(scope, node)
  return { context, node }
}

/** One leaf of a unit's appraisal; a leaf outside an appraiser's fields is refused with 403 NOT_ASSIGNED. */
export async function getAppraisalLeaf (db: Executor, actor: Actor, roundId: string, unitId: string, leafCode: string): Promise<AppraisalLeaf> {
  const { context, node } = await visibleLeaf(db, actor, roundId, unitId, leafCode)
  const state = await stateOf(db, context, { all: false, fields: new Set([node.fieldCode]) })
  return state.leaves.find((leaf) => leaf.code === leafCode) as AppraisalLeaf
}
