// Results of a round per unit type: computed live from leaf scores (sums in PostgreSQL, rules in domain/results),
// published as immutable versions with a hash of their inputs, compared with a previous round, and served from the
// frozen snapshot to the public.
import { createHash, randomUUID } from 'node:crypto'
import { and, desc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db, Executor } from '../db/client.js'
import { concurrently, queryRows } from '../db/rows.js'
import { resultSettingsTable, resultVersionsTable, roundsTable } from '../db/schema/index.js'
import type { ClassificationBand, RankingMethod } from '../domain/catalog.js'
import { formatMilli, parseMilli, type Milli } from '../domain/decimal.js'
import type { RoundStatus } from '../domain/lifecycle.js'
import {
  computeResults, previousFrom, type ComputedResults, type FieldSums, type PreviousResults, type ResultField, type ResultUnitInput
} from '../domain/results.js'
import { Errors } from '../errors.js'
import { audit } from './audit.js'
import type { Actor } from './context.js'
import { noSuch, statusName } from '../messages/problems.js'
import { text as t } from '../messages/text.js'
import { fieldProblem } from '../messages/validation.js'

export type ResultSource = 'entries' | 'historical'

export interface ResultVersionInfo {
  id: string
  number: number
  publishedAt: string
  reason: string | null
  inputHash: string
}

/** Computed results with what they are about; a published snapshot is exactly this object, frozen. */
export interface ResultSet extends ComputedResults {
  status: 'provisional' | 'published'
  source: ResultSource
  round: { id: string, code: string, title: string, year: number }
  unitType: { code: string, name: string }
  catalog: { id: string, code: string, title: string, ranking: RankingMethod, classification: ClassificationBand[] }
  version: ResultVersionInfo | null
  publishedBy: { id: string, name: string } | null
  computedAt: string
}

export interface ResultVersionSummary {
  id: string
  roundId: string
  unitType: string
  version: number
  publishedAt: string
  publishedBy: { id: string, name: string } | null
  reason: string | null
  catalogId: string
  inputHash: string
  latest: boolean
}

/** A published version as stored: its snapshot never changes, so it is cached by id for as long as it is used. */
export interface PublishedVersion {
  id: string
  roundId: string
  unitType: string
  version: number
  latest: boolean
  inputHash: string
  publishedAt: string
  snapshot: ResultSet
}

// ---------------------------------------------------------------------------------------------------------------
// Context

export interface ResultContext {
  round: { id: string, code: string, title: string, year: number, status: RoundStatus }
  unitType: { code: string, name: string }
  catalog: ResultSet['catalog']
  source: ResultSource
}

const toIso = (value: unknown): string => (value instanceof Date ? value : new Date(String(value))).toISOString()

function milli (text: unknown): Milli {
  const value = parseMilli(String(text))
  if (value === null) throw new Error(`not exact thousandths from the database: ${String(text)}`)
  return value
}

async function loadContext (db: Executor, roundId: string, unitType: string, options: { lock?: boolean } = {}): Promise<ResultContext> {
  const [round] = await queryRows<Record<string, unknown>>(db, sql`
    select id, code, title, year, status from rounds where id = ${roundId} ${options.lock ? sql`for update` : sql``}`)
  if (!round) throw Errors.notFound(noSuch.round)
  const [row] = await queryRows<Record<string, unknown>>(db, sql`
    select ut.code as unit_type, ut.name as unit_type_name, c.id, c.code, c.title, c.ranking, c.classification,
      exists (select 1 from historical_results h join units u on u.id = h.unit_id
        where h.round_id = ${roundId} and u.unit_type_code = ut.code) as historical
    from unit_types ut
    left join round_catalogs rc on rc.round_id = ${roundId} and rc.unit_type_code = ut.code
    left join catalogs c on c.id = rc.catalog_id
    where ut.code = ${unitType}`)
  if (!row) throw Errors.notFound(noSuch.unitType(unitType))
  if (row.id === null) throw Errors.notFound(t(`Round ${String(round.code)} has no catalog for unit type ${unitType}, so it has no results for it.`, `Kỳ đánh giá ${String(round.code)} không có bộ tiêu chí cho loại đơn vị ${unitType}, nên không có kết quả của loại này.`))
  return {
    round: { id: String(round.id), code: String(round.code), title: String(round.title), year: Number(round.year), status: round.status as RoundStatus },
    unitType: { code: String(row.unit_type), name: String(row.unit_type_name) },
    catalog: {
      id: String(row.id),
      code: String(row.code),
      title: String(row.title),
      ranking: row.ranking as RankingMethod,
      classification: row.classification as ClassificationBand[]
    },
    source: row.historical === true ? 'historical' : 'entries'
  }
}

/** The catalog's leaves with their field (recursive over the node tree); shared by the queries below. */
function leafSql (catalogId: string) {
  return sql`tree as (
      select n.id, n.code, n.code as field_code, n.max_points from catalog_nodes n where n.catalog_id = ${catalogId} and n.parent_id is null
      union all
      select c.id, c.code, t.field_code, c.max_points from catalog_nodes c join tree t on c.parent_id = t.id
    ), leaf as (
      select t.code, t.field_code, t.max_points from tree t where not exists (select 1 from catalog_nodes c where c.parent_id = t.id)
    )`
}

/** The unit type's participants in the round; for historical results, the units imported. */
function unitSetSql (context: ResultContext) {
  return context.source === 'historical'
    ? sql`unit_set as (select distinct h.unit_id as id from historical_results h join units u on u.id = h.unit_id
        where h.round_id = ${context.round.id} and u.unit_type_code = ${context.unitType.code})`
    : sql`unit_set as (select ru.unit_id as id from round_units ru join units u on u.id = ru.unit_id
        where ru.round_id = ${context.round.id} and u.unit_type_code = ${context.unitType.code})`
}

interface CatalogShape {
  fields: ResultField[]
  /** Maximum of every leaf, by leaf code, as exact decimal text. */
  leafMaxima: Record<string, string>
}

async function loadCatalogShape (db: Executor, catalogId: string): Promise<CatalogShape> {
  const [fieldRows, leafRows] = await concurrently(db, [
    () => queryRows<Record<string, unknown>>(db, sql`
      with recursive ${leafSql(catalogId)}
      select f.code, f.title, f.max_points::text as max_points, (select count(*) from leaf l where l.field_code = f.code)::int as leaves
      from catalog_nodes f where f.catalog_id = ${catalogId} and f.parent_id is null
      order by f.position, f.code`),
    () => queryRows<{ code: string, max_points: string }>(db, sql`
      with recursive ${leafSql(catalogId)}
      select code, max_points::text as max_points from leaf`)
  ])
  return {
    fields: fieldRows.map((row) => ({ code: String(row.code), title: String(row.title), maxPoints: milli(row.max_points), leaves: Number(row.leaves) })),
    leafMaxima: Object.fromEntries(leafRows.map((row) => [String(row.code), String(row.max_points)]))
  }
}

/** The tables of one side of the scores; self-assessments on another catalog than the round's are left out. */
function sideOf (context: ResultContext, side: 'self' | 'appraised') {
  return side === 'self'
    ? { owners: sql.raw('self_assessments'), sums: sql.raw('self_assessment_field_sums'), entries: sql.raw('self_assessment_entries'), column: sql.raw('self_assessment_id'), filter: sql`and o.catalog_id = ${context.catalog.id}` }
    : { owners: sql.raw('appraisals'), sums: sql.raw('appraisal_field_sums'), entries: sql.raw('appraisal_entries'), column: sql.raw('appraisal_id'), filter: sql`` }
}

/**
 * Per unit and field, the self or appraised points in thousandths and how many leaves are answered, from the per-field
 * sums the entry tables' triggers keep (migration 0008: 7 rows per unit and side instead of one per leaf), packed into
 * one JSON array per unit, so 10,000 units come back as 10,000 rows.
 */
function fieldSumsSql (context: ResultContext, side: 'self' | 'appraised'): SQL {
  const { owners, sums, column, filter } = sideOf(context, side)
  return sql`
    select o.unit_id, json_agg(json_build_array(s.field_code, s.points_milli, s.answered)) as sums
    from ${owners} o join ${sums} s on s.${column} = o.id
    where o.round_id = ${context.round.id} ${filter} and o.unit_id in (${participantsSql(context)})
    group by o.unit_id`
}

/** The leaves each unit marks not applicable on one side, found through the partial not-applicable indexes. */
function notApplicableSql (context: ResultContext, side: 'self' | 'appraised'): SQL {
  const { owners, entries, column, filter } = sideOf(context, side)
  return sql`
    select o.unit_id, e.field_code, e.leaf_code
    from ${owners} o join ${entries} e on e.${column} = o.id and e.not_applicable
    where o.round_id = ${context.round.id} ${filter} and o.unit_id in (${participantsSql(context)})`
}

function participantsSql (context: ResultContext): SQL {
  return sql`select ru.unit_id from round_units ru join units u on u.id = ru.unit_id
    where ru.round_id = ${context.round.id} and u.unit_type_code = ${context.unitType.code}`
}

async function loadUnits (db: Executor, context: ResultContext, shape: CatalogShape): Promise<ResultUnitInput[]> {
  const { fields } = shape
  const units = await queryRows<Record<string, unknown>>(db, sql`
    with ${unitSetSql(context)}
    select u.id, u.code, u.name, u.sort_key from unit_set s join units u on u.id = s.id`)
  const byUnit = new Map<string, Map<string, FieldSums>>()
  const sumsOf = (unitId: string, fieldCode: string): FieldSums => {
    let perField = byUnit.get(unitId)
    if (perField === undefined) byUnit.set(unitId, perField = new Map())
    let sums = perField.get(fieldCode)
    if (sums === undefined) {
      perField.set(fieldCode, sums = { selfPoints: 0, selfNotApplicable: 0, selfAnswered: 0, appraisedPoints: 0, appraisedNotApplicable: 0, appraised: 0 })
    }
    return sums
  }
  if (context.source === 'historical') {
    // Historical results have no leaves: every leaf counts as answered and appraised, none as not applicable.
    const rows = await queryRows<Record<string, unknown>>(db, sql`
      with ${unitSetSql(context)}
      select h.unit_id, h.field_code, (h.self_points * 1000)::int as self_points, (h.appraised_points * 1000)::int as appraised_points
      from historical_results h where h.round_id = ${context.round.id} and h.unit_id in (select id from unit_set)`)
    const leavesOf = new Map(fields.map((field) => [field.code, field.leaves]))
    for (const row of rows) {
      const sums = sumsOf(String(row.unit_id), String(row.field_code))
      sums.selfPoints = Number(row.self_points)
      sums.appraisedPoints = Number(row.appraised_points)
      sums.selfAnswered = sums.appraised = leavesOf.get(String(row.field_code)) ?? 0
    }
  } else if (fields.length > 0) {
    // Settings for these statements only (SET LOCAL ends with the transaction), measured with bench:results: no JIT
    // (compiling took longer than the queries) and enough memory for the hash aggregates not to spill.
    const [selfSums, appraisedSums, selfNotApplicable, appraisedNotApplicable] = await db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`)
      return concurrently(tx, [
        () => queryRows<{ unit_id: string, sums: [string, number, number][] }>(tx, fieldSumsSql(context, 'self')),
        () => queryRows<{ unit_id: string, sums: [string, number, number][] }>(tx, fieldSumsSql(context, 'appraised')),
        () => queryRows<{ unit_id: string, field_code: string, leaf_code: string }>(tx, notApplicableSql(context, 'self')),
        () => queryRows<{ unit_id: string, field_code: string, leaf_code: string }>(tx, notApplicableSql(context, 'appraised'))
      ])
    })
    for (const row of selfSums) {
      for (const [fieldCode, points, answered] of row.sums) {
        const sums = sumsOf(row.unit_id, fieldCode)
        sums.selfPoints = Number(points)
        sums.selfAnswered = Number(answered)
      }
    }
    for (const row of appraisedSums) {
      for (const [fieldCode, points, appraised] of row.sums) {
        const sums = sumsOf(row.unit_id, fieldCode)
        sums.appraisedPoints = Number(points)
        sums.appraised = Number(appraised)
      }
    }
    // A not-applicable leaf counts in neither points nor maximum: its maximum, from the catalog, is taken off later.
    const leafMaximum = new Map(Object.entries(shape.leafMaxima).map(([code, maximum]) => [code, milli(maximum)]))
    for (const row of selfNotApplicable) sumsOf(row.unit_id, row.field_code).selfNotApplicable += leafMaximum.get(row.leaf_code) ?? 0
    for (const row of appraisedNotApplicable) sumsOf(row.unit_id, row.field_code).appraisedNotApplicable += leafMaximum.get(row.leaf_code) ?? 0
  }
  return units.map((unit) => ({
    id: String(unit.id),
    code: String(unit.code),
    name: String(unit.name),
    sortKey: String(unit.sort_key),
    fields: byUnit.get(String(unit.id)) ?? new Map()
  }))
}

// ---------------------------------------------------------------------------------------------------------------
// Computing

export interface ComputeOptions {
  /** Round to compare with; undefined: the previous year's round; null: no comparison. */
  compareTo?: string | null | undefined
}

async function compute (db: Executor, context: ResultContext, options: ComputeOptions): Promise<ResultSet> {
  const shape = await loadCatalogShape(db, context.catalog.id)
  const fields = shape.fields
  const [units, previous, [now]] = await concurrently(db, [
    () => loadUnits(db, context, shape),
    () => options.compareTo === null ? null : previousResults(db, context, fields, options.compareTo),
    () => queryRows<{ now: unknown }>(db, sql`select now() as now`)
  ])
  const computed = computeResults({ fields, units, bands: context.catalog.classification, ranking: context.catalog.ranking }, previous)
  return {
    status: 'provisional',
    source: context.source,
    round: { id: context.round.id, code: context.round.code, title: context.round.title, year: context.round.year },
    unitType: context.unitType,
    catalog: context.catalog,
    version: null,
    publishedBy: null,
    computedAt: toIso(now?.now ?? new Date()),
    ...computed
  }
}

/**
 * The results of a round for one unit type computed now from the current scores (provisional until published):
 * admins at any time; API keys only when an admin allowed it for the round.
 */
export async function getLiveResults (db: Executor, actor: Actor, roundId: string, unitType: string, options: ComputeOptions = {}): Promise<ResultSet> {
  if (actor.principal?.kind === 'api_key') {
    const settings = await getResultSettings(db, roundId)
    if (!settings.provisionalForKeys) {
      throw Errors.resultsProvisionalHidden(t('An admin has not shared this round\'s provisional results with API keys; read the published versions instead.', 'Quản trị viên chưa chia sẻ kết quả tạm thời của kỳ này cho khóa API; hãy đọc các phiên bản đã công bố.'))
    }
  }
  return computeLiveResults(db, roundId, unitType, options)
}

/** The computation itself, without access rules (publishing, the demo loader and benchmarks use it). */
export async function computeLiveResults (db: Executor, roundId: string, unitType: string, options: ComputeOptions = {}): Promise<ResultSet> {
  return compute(db, await loadContext(db, roundId, unitType), options)
}

// ---------------------------------------------------------------------------------------------------------------
// Year over year

/**
 * The previous round's results for the comparison: its latest published version when there is one, otherwise its
 * historical results or a live computation. Fields are matched through the clone lineage of the catalogs
 * (catalog_nodes.source_node_id, followed back through several clones).
 */
async function previousResults (db: Executor, context: ResultContext, fields: readonly ResultField[], compareTo: string | undefined): Promise<PreviousResults | null> {
  let previousId: string | undefined = compareTo
  if (previousId === undefined) {
    const [row] = await queryRows<{ id: string }>(db, sql`
      select r.id from rounds r
      where r.year = ${context.round.year - 1} and r.id <> ${context.round.id}
        and exists (select 1 from round_catalogs rc where rc.round_id = r.id and rc.unit_type_code = ${context.unitType.code})
      order by exists (select 1 from result_versions v where v.round_id = r.id and v.unit_type_code = ${context.unitType.code}) desc,
        exists (select 1 from historical_results h join units u on u.id = h.unit_id where h.round_id = r.id and u.unit_type_code = ${context.unitType.code}) desc,
        r.code
      limit 1`)
    if (!row) return null
    previousId = row.id
  } else if (previousId === context.round.id) {
    throw Errors.validation(t('A round cannot be compared with itself.', 'Không thể so sánh một kỳ đánh giá với chính nó.'), { errors: [fieldProblem('querystring', '/compareTo', 'sameRound', {}, t('is this round', 'là chính kỳ này'))] })
  }
  const published = await latestVersion(db, previousId, context.unitType.code)
  let results: ResultSet
  let source: PreviousResults['source']
  if (published !== null) {
    results = (await loadVersion(db, published.id)).snapshot
    source = 'published'
  } else {
    const previousContext = await loadContext(db, previousId, context.unitType.code)
    results = await compute(db, previousContext, { compareTo: null })
    source = previousContext.source === 'historical' ? 'historical' : 'provisional'
  }
  const fieldMap = await matchFields(db, context.catalog.id, results.catalog.id, fields)
  return previousFrom(results, {
    round: { id: results.round.id, code: results.round.code, year: results.round.year },
    source,
    version: results.version?.number ?? null,
    fieldMap
  })
}

async function matchFields (db: Executor, catalogId: string, previousCatalogId: string, fields: readonly ResultField[]): Promise<Map<string, string>> {
  if (catalogId === previousCatalogId) return new Map(fields.map((field) => [field.code, field.code]))
  const rows = await queryRows<{ code: string, previous_code: string }>(db, sql`
    with recursive lineage as (
      select n.code, n.source_node_id as ancestor, 1 as depth
      from catalog_nodes n where n.catalog_id = ${catalogId} and n.parent_id is null and n.source_node_id is not null
      union all
      select l.code, p.source_node_id, l.depth + 1
      from lineage l join catalog_nodes p on p.id = l.ancestor
      where p.catalog_id <> ${previousCatalogId} and p.source_node_id is not null and l.depth < 50
    )
    select l.code, p.code as previous_code
    from lineage l join catalog_nodes p on p.id = l.ancestor
    where p.catalog_id = ${previousCatalogId} and p.parent_id is null`)
  return new Map(rows.map((row) => [row.code, row.previous_code]))
}

// ---------------------------------------------------------------------------------------------------------------
// Input hash

/**
 * SHA-256 of the canonical JSON of every input of the results:
 *   {"format":"par-results-input/1","unitType":…,"catalogId":…,"source":"entries",
 *    "units":[{"id","code","name"} sorted by id],
 *    "entries":[[unitId, leafCode, selfPoints|null, selfNotApplicable, appraisedPoints|null, appraisedNotApplicable] sorted by unitId, leafCode]}
 * Points are the shortest exact decimal text ("1.5"); self entries without an input (an explanation only) are left
 * out. Historical results list [unitId, fieldCode, selfPoints, appraisedPoints] instead. Explanations, reasons and
 * evidence are not inputs: changing them does not change the hash. The published catalog never changes, so its id
 * stands for its fields, maxima, bands and ranking method.
 */
export async function resultInputHash (db: Executor, context: ResultContext): Promise<string> {
  const hash = createHash('sha256')
  const units = await queryRows<{ id: string, code: string, name: string }>(db, sql`
    with ${unitSetSql(context)}
    select u.id::text as id, u.code, u.name from unit_set s join units u on u.id = s.id order by u.id::text collate "C"`)
  hash.update(`{"format":"par-results-input/1","unitType":${JSON.stringify(context.unitType.code)},"catalogId":${JSON.stringify(context.catalog.id)},"source":${JSON.stringify(context.source)},"units":[`)
  units.forEach((unit, i) => hash.update((i === 0 ? '' : ',') + JSON.stringify({ id: unit.id, code: unit.code, name: unit.name })))
  hash.update('],"entries":[')
  const points = (value: unknown) => value === null || value === undefined ? null : formatMilli(milli(value))
  if (context.source === 'historical') {
    const rows = await queryRows<Record<string, unknown>>(db, sql`
      with ${unitSetSql(context)}
      select h.unit_id::text as unit_id, h.field_code, h.self_points::text as s, h.appraised_points::text as a
      from historical_results h where h.round_id = ${context.round.id} and h.unit_id in (select id from unit_set)
      order by h.unit_id::text collate "C", h.field_code collate "C"`)
    rows.forEach((row, i) => hash.update((i === 0 ? '' : ',') + JSON.stringify([row.unit_id, row.field_code, points(row.s), points(row.a)])))
  } else {
    const rows = await queryRows<Record<string, unknown>>(db, sql`
      with recursive ${leafSql(context.catalog.id)}, ${unitSetSql(context)},
      s as (
        select sa.unit_id, e.leaf_code, e.points, e.not_applicable from self_assessment_entries e
        join self_assessments sa on sa.id = e.self_assessment_id
        where sa.round_id = ${context.round.id} and sa.catalog_id = ${context.catalog.id} and sa.unit_id in (select id from unit_set)
          and e.input is not null and e.leaf_code in (select code from leaf)
      ), a as (
        select ap.unit_id, e.leaf_code, e.points, e.not_applicable from appraisal_entries e
        join appraisals ap on ap.id = e.appraisal_id
        where ap.round_id = ${context.round.id} and ap.unit_id in (select id from unit_set) and e.leaf_code in (select code from leaf)
      )
      select coalesce(s.unit_id, a.unit_id)::text as unit_id, coalesce(s.leaf_code, a.leaf_code) as leaf_code,
        s.points::text as s_points, s.not_applicable as s_na, a.points::text as a_points, a.not_applicable as a_na
      from s full join a on a.unit_id = s.unit_id and a.leaf_code = s.leaf_code
      order by coalesce(s.unit_id, a.unit_id)::text collate "C", coalesce(s.leaf_code, a.leaf_code) collate "C"`)
    rows.forEach((row, i) => hash.update((i === 0 ? '' : ',') + JSON.stringify([
      row.unit_id, row.leaf_code, points(row.s_points), row.s_na === true, points(row.a_points), row.a_na === true
    ])))
  }
  hash.update(']}')
  return hash.digest('hex')
}

// ---------------------------------------------------------------------------------------------------------------
// Publishing

// Per database (tests run many apps in one process): snapshots by version id, and which version a request means.
const caches = new WeakMap<object, { versions: Map<string, PublishedVersion>, pointers: Map<string, { pointer: VersionPointer, until: number }> }>()
const MAX_CACHED_VERSIONS = 50
const MAX_CACHED_POINTERS = 1000
export const POINTER_TTL_MS = 5000

function cacheOf (db: Executor) {
  let cache = caches.get(db)
  if (cache === undefined) caches.set(db, cache = { versions: new Map(), pointers: new Map() })
  return cache
}

function publisherOf (actor: Actor): { id: string, name: string } | null {
  const principal = actor.principal
  return principal?.kind === 'user' ? { id: principal.id, name: principal.displayName } : null
}

/**
 * Freezes the results of a round for one unit type as the next version, when the round is finalized or published.
 * The first publication moves a finalized round to published. A later version needs a reason, and is refused with
 * 409 RESULTS_UNCHANGED when its input hash equals the latest version's: nothing changed, so there is nothing to
 * correct (checked before the reason). The version, the round's move and the audit entry are one transaction.
 */
export async function publishResults (db: Db, actor: Actor, roundId: string, input: { unitType: string, reason?: string | null | undefined }): Promise<ResultVersionSummary> {
  const reason = input.reason?.trim() || null
  const summary = await db.transaction(async (tx) => {
    const context = await loadContext(tx, roundId, input.unitType, { lock: true })
    const status = context.round.status
    if (status !== 'finalized' && status !== 'published') {
      throw Errors.resultsNotPublishable(t(`Round ${context.round.code} is in status ${status}; finalize it first (appraisal complete), then publish.`,
        `Kỳ đánh giá ${context.round.code} đang ở trạng thái “${statusName(status)}”; chỉ công bố được kết quả khi kỳ đã chốt kết quả thẩm định.`), { extra: { roundStatus: status } })
    }
    const [latest] = await tx.select().from(resultVersionsTable)
      .where(and(eq(resultVersionsTable.roundId, roundId), eq(resultVersionsTable.unitTypeCode, context.unitType.code)))
      .orderBy(desc(resultVersionsTable.version)).limit(1)
    const inputHash = await resultInputHash(tx, context)
    if (latest && latest.inputHash === inputHash) {
      throw Errors.resultsUnchanged(t(`Version ${latest.version} was published from exactly these inputs (hash ${inputHash.slice(0, 12)}…); nothing to publish.`,
        `Không có gì thay đổi so với phiên bản ${latest.version}: điểm, bộ tiêu chí và danh sách đơn vị giống hệt, nên không cần công bố lại.`), {
        extra: { latestVersion: latest.version, inputHash }
      })
    }
    if (latest && reason === null) {
      throw Errors.resultsReasonRequired(t(`Version ${latest.version} is published; say why version ${latest.version + 1} replaces it.`,
        `Phiên bản ${latest.version} đã được công bố; cần nhập lý do để công bố phiên bản ${latest.version + 1} thay thế.`), {
        errors: [fieldProblem('body', '/reason', 'required', {}, t('is required for a new version of published results', 'bắt buộc khi công bố phiên bản mới'))]
      })
    }
    const results = await compute(tx, context, {})
    if (results.units.length === 0) {
      throw Errors.resultsNotPublishable(t(`Round ${context.round.code} has no ${context.unitType.code} units to publish results for.`, `Kỳ đánh giá ${context.round.code} không có đơn vị nào thuộc loại ${context.unitType.code} để công bố kết quả.`), { extra: { roundStatus: status } })
    }
    const number = (latest?.version ?? 0) + 1
    const id = randomUUID()
    const publishedAt = new Date(results.computedAt)
    const publishedBy = publisherOf(actor)
    const snapshot: ResultSet = {
      ...results,
      status: 'published',
      version: { id, number, publishedAt: publishedAt.toISOString(), reason, inputHash },
      publishedBy
    }
    await tx.insert(resultVersionsTable).values({
      id,
      roundId,
      unitTypeCode: context.unitType.code,
      version: number,
      publishedAt,
      publishedBy: publishedBy?.id ?? null,
      reason,
      catalogId: context.catalog.id,
      inputHash,
      snapshot
    })
    if (status === 'finalized') {
      await tx.update(roundsTable).set({ status: 'published', updatedAt: sql`now()` }).where(eq(roundsTable.id, roundId))
      await audit(tx, actor, { action: 'round.transition', entityType: 'round', entityId: roundId, before: { status }, after: { status: 'published' }, reason: `Kết quả của loại đơn vị ${context.unitType.name} đã được công bố` })
    }
    const summary: ResultVersionSummary = {
      id,
      roundId,
      unitType: context.unitType.code,
      version: number,
      publishedAt: publishedAt.toISOString(),
      publishedBy,
      reason,
      catalogId: context.catalog.id,
      inputHash,
      latest: true
    }
    await audit(tx, actor, {
      action: 'results.publish',
      entityType: 'result_version',
      entityId: id,
      before: latest ? { version: latest.version, inputHash: latest.inputHash } : null,
      after: { roundId, unitType: context.unitType.code, version: number, catalogId: context.catalog.id, inputHash, units: results.units.length },
      reason
    })
    return summary
  })
  const pointers = cacheOf(db).pointers
  for (const key of [...pointers.keys()]) if (key.startsWith(`${roundId}|`)) pointers.delete(key)
  return summary
}

// ---------------------------------------------------------------------------------------------------------------
// Reading published versions

type VersionRow = typeof resultVersionsTable.$inferSelect

function summaryOf (row: Omit<VersionRow, 'snapshot'>, latest: boolean, publishedBy: { id: string, name: string } | null): ResultVersionSummary {
  return {
    id: row.id,
    roundId: row.roundId,
    unitType: row.unitTypeCode,
    version: row.version,
    publishedAt: row.publishedAt.toISOString(),
    publishedBy,
    reason: row.reason,
    catalogId: row.catalogId,
    inputHash: row.inputHash,
    latest
  }
}

/** Every published version of a round's results for a unit type, newest first. */
export async function listResultVersions (db: Executor, roundId: string, unitType: string): Promise<ResultVersionSummary[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select v.id, v.round_id, v.unit_type_code, v.version, v.published_at, v.reason, v.catalog_id, v.input_hash,
      v.published_by, u.display_name
    from result_versions v left join users u on u.id = v.published_by
    where v.round_id = ${roundId} and v.unit_type_code = ${unitType}
    order by v.version desc`)
  if (rows.length === 0) await assertRoundExists(db, roundId)
  return rows.map((row, i) => summaryOf({
    id: String(row.id),
    roundId: String(row.round_id),
    unitTypeCode: String(row.unit_type_code),
    version: Number(row.version),
    publishedAt: new Date(toIso(row.published_at)),
    publishedBy: row.published_by === null ? null : String(row.published_by),
    reason: row.reason === null ? null : String(row.reason),
    catalogId: String(row.catalog_id),
    inputHash: String(row.input_hash)
  }, i === 0, row.published_by === null ? null : { id: String(row.published_by), name: String(row.display_name ?? '') }))
}

async function assertRoundExists (db: Executor, roundId: string): Promise<void> {
  const [round] = await db.select({ id: roundsTable.id }).from(roundsTable).where(eq(roundsTable.id, roundId))
  if (!round) throw Errors.notFound(noSuch.round)
}

interface VersionPointer { id: string, version: number, latest: boolean }

async function latestVersion (db: Executor, roundId: string, unitType: string): Promise<VersionPointer | null> {
  const [row] = await queryRows<{ id: string, version: number }>(db, sql`
    select id, version from result_versions where round_id = ${roundId} and unit_type_code = ${unitType} order by version desc limit 1`)
  return row ? { id: String(row.id), version: Number(row.version), latest: true } : null
}

/**
 * Which version a request means: the given number, or the latest. The answer is kept for a few seconds
 * (POINTER_TTL_MS), since the public API asks it on every request; a publication in this process forgets it at once,
 * another instance of the service sees a new version within those seconds.
 */
export async function resolveVersion (db: Executor, roundId: string, unitType: string, version?: number | undefined): Promise<VersionPointer> {
  const pointers = cacheOf(db).pointers
  const key = `${roundId}|${unitType}|${version ?? 'latest'}`
  const cached = pointers.get(key)
  if (cached !== undefined && cached.until > Date.now()) return cached.pointer
  const rows = await queryRows<{ id: string, version: number, latest: number }>(db, sql`
    select id, version, (select max(version) from result_versions where round_id = ${roundId} and unit_type_code = ${unitType}) as latest
    from result_versions where round_id = ${roundId} and unit_type_code = ${unitType}
    ${version === undefined ? sql`order by version desc limit 1` : sql`and version = ${version}`}`)
  const row = rows[0]
  if (!row) {
    throw Errors.resultsNotPublished(version === undefined
      ? t(`No results of unit type ${unitType} are published for this round.`, `Kỳ đánh giá chưa công bố kết quả của loại đơn vị ${unitType}.`)
      : t(`There is no published version ${version} of these results.`, `Không có phiên bản ${version} đã công bố của kết quả này.`))
  }
  const pointer = { id: String(row.id), version: Number(row.version), latest: Number(row.version) === Number(row.latest) }
  if (pointers.size >= MAX_CACHED_POINTERS) pointers.delete(pointers.keys().next().value as string)
  pointers.set(key, { pointer, until: Date.now() + POINTER_TTL_MS })
  return pointer
}

/** A published version with its snapshot, by id (cached: versions are immutable). */
export async function loadVersion (db: Executor, id: string): Promise<PublishedVersion> {
  const cache = cacheOf(db).versions
  const cached = cache.get(id)
  if (cached !== undefined) return cached
  const [row] = await db.select().from(resultVersionsTable).where(eq(resultVersionsTable.id, id))
  if (!row) throw Errors.resultsNotPublished(t('No such published version.', 'Không có phiên bản đã công bố này.'))
  const version: PublishedVersion = {
    id: row.id,
    roundId: row.roundId,
    unitType: row.unitTypeCode,
    version: row.version,
    latest: false,
    inputHash: row.inputHash,
    publishedAt: row.publishedAt.toISOString(),
    snapshot: row.snapshot as ResultSet
  }
  if (cache.size >= MAX_CACHED_VERSIONS) cache.delete(cache.keys().next().value as string)
  cache.set(id, version)
  return version
}

/** A published version (default: the latest) with its snapshot. */
export async function getPublishedResults (db: Executor, roundId: string, unitType: string, version?: number | undefined): Promise<PublishedVersion> {
  const pointer = await resolveVersion(db, roundId, unitType, version)
  return { ...(await loadVersion(db, pointer.id)), latest: pointer.latest }
}

export interface PublishedRound {
  id: string
  code: string
  title: string
  year: number
  results: { unitType: string, unitTypeName: string, latestVersion: number, publishedAt: string }[]
}

/** Rounds with at least one published version, newest year first, with the latest version per unit type. */
export async function listPublishedRounds (db: Executor): Promise<PublishedRound[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select r.id, r.code, r.title, r.year, v.unit_type_code, ut.name as unit_type_name, v.version, v.published_at
    from rounds r
    join lateral (
      select distinct on (unit_type_code) unit_type_code, version, published_at
      from result_versions where round_id = r.id order by unit_type_code, version desc
    ) v on true
    join unit_types ut on ut.code = v.unit_type_code
    order by r.year desc, r.code, v.unit_type_code`)
  const rounds = new Map<string, PublishedRound>()
  for (const row of rows) {
    const id = String(row.id)
    let round = rounds.get(id)
    if (round === undefined) rounds.set(id, round = { id, code: String(row.code), title: String(row.title), year: Number(row.year), results: [] })
    round.results.push({ unitType: String(row.unit_type_code), unitTypeName: String(row.unit_type_name), latestVersion: Number(row.version), publishedAt: toIso(row.published_at) })
  }
  return [...rounds.values()]
}

// ---------------------------------------------------------------------------------------------------------------
// Views of a published snapshot for the public API

// Nothing here changes after publication (not even whether the version is still the latest), so a version's body is stable.
const publicVersion = (version: PublishedVersion) => ({
  number: version.version,
  publishedAt: version.publishedAt,
  reason: version.snapshot.version?.reason ?? null,
  inputHash: version.inputHash
})

const header = (version: PublishedVersion) => {
  const { round, unitType, catalog } = version.snapshot
  return { round, unitType, catalog, version: publicVersion(version) }
}

/** The report's Bảng 1 (with each unit's field points, Bảng 2) as one page, plus the average row and counts. */
export function publicResultsView (version: PublishedVersion, page: { limit: number, offset: number }) {
  const snapshot = version.snapshot
  return {
    ...header(version),
    fields: snapshot.fields,
    average: snapshot.average,
    classificationCounts: snapshot.classificationCounts,
    comparison: snapshot.comparison,
    items: snapshot.units.slice(page.offset, page.offset + page.limit).map((unit) => ({
      rank: unit.rank,
      unit: unit.unit,
      self: { points: unit.self.points, display: unit.self.display },
      appraised: { points: unit.appraised.points, display: unit.appraised.display, index: unit.appraised.index, indexDisplay: unit.appraised.indexDisplay },
      classification: unit.classification,
      fields: unit.fields.map((field) => ({
        code: field.code, self: field.self.points, selfDisplay: field.self.display, appraised: field.appraised.points, appraisedDisplay: field.appraised.display
      })),
      change: unit.change === null
        ? null
        : { previousRank: unit.change.previousRank, rankChange: unit.change.rankChange, indexChange: unit.change.indexChange, indexChangeDisplay: unit.change.indexChangeDisplay }
    })),
    total: snapshot.units.length,
    limit: page.limit,
    offset: page.offset
  }
}

/** One unit's published result with its per-field breakdown; the unit by id or by code. */
export function publicUnitView (version: PublishedVersion, unit: string) {
  const wanted = unit.toLowerCase()
  const result = version.snapshot.units.find((candidate) => candidate.unit.id === wanted || candidate.unit.code.toLowerCase() === wanted)
  if (result === undefined) throw Errors.notFound(t(`Unit ${unit} is not in these results.`, `Đơn vị ${unit} không có trong kết quả này.`))
  return { ...header(version), fields: version.snapshot.fields, result }
}

export function publicVersionsView (versions: ResultVersionSummary[]) {
  return {
    items: versions.map((version) => ({ number: version.version, publishedAt: version.publishedAt, reason: version.reason, inputHash: version.inputHash, latest: version.latest }))
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Settings

export interface ResultSettings {
  roundId: string
  provisionalForKeys: boolean
  updatedAt: string | null
}

export async function getResultSettings (db: Executor, roundId: string): Promise<ResultSettings> {
  await assertRoundExists(db, roundId)
  const [row] = await db.select().from(resultSettingsTable).where(eq(resultSettingsTable.roundId, roundId))
  return { roundId, provisionalForKeys: row?.provisionalForKeys ?? false, updatedAt: row?.updatedAt.toISOString() ?? null }
}

/** Lets API keys with results:read read the round's provisional results, or stops it. */
export async function updateResultSettings (db: Db, actor: Actor, roundId: string, changes: { provisionalForKeys: boolean }): Promise<ResultSettings> {
  return db.transaction(async (tx) => {
    const before = await getResultSettings(tx, roundId)
    const updatedBy = actor.principal?.kind === 'user' ? actor.principal.id : null
    await tx.insert(resultSettingsTable).values({ roundId, provisionalForKeys: changes.provisionalForKeys, updatedBy })
      .onConflictDoUpdate({ target: resultSettingsTable.roundId, set: { provisionalForKeys: changes.provisionalForKeys, updatedBy, updatedAt: sql`now()` } })
    const after = await getResultSettings(tx, roundId)
    await audit(tx, actor, { action: 'results.settings', entityType: 'round', entityId: roundId, before: { provisionalForKeys: before.provisionalForKeys }, after: { provisionalForKeys: after.provisionalForKeys } })
    return after
  })
}
