// Computing results live, the comparison with a previous round, and the hash of every input of a computation.
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { concurrently, databaseNow, queryRows, toDate, toIso } from '../../db/rows.js'
import { formatMilli, type Milli } from '../../domain/decimal.js'
import { computeResults, previousFrom, type PreviousResults, type ResultField, type ResultUnitInput } from '../../domain/results.js'
import { Errors } from '../../errors.js'
import type { Actor } from '../context.js'
import { text as t } from '../../messages/text.js'
import { fieldProblem } from '../../messages/validation.js'
import { type CatalogShape, type ResultContext, type ResultSet, leafSql, loadCatalogShape, loadContext, loadUnitSums, loadUnits, milli, unitSetSql } from './inputs.js'
import { unitsWrittenSince } from '../../db/queries/field-sums.js'
import { latestVersion, loadVersion } from './versions.js'
import { getResultSettings } from './settings.js'
import { computedFor } from './live-memo.js'
import { keptWhileUnchanged } from '../kept-while-unchanged.js'

export interface ComputeOptions {
  /** Round to compare with; undefined: the previous year's round; null: no comparison. */
  compareTo?: string | null | undefined
  /** Reuse the computation of the last request with the same inputs (live-memo.ts): for readers, never for publishing. */
  reuse?: boolean
}

/**
 * What a live computation read, kept with its answer (services/kept-while-unchanged.ts): after transactions that wrote
 * scores alone, only the units whose sums they wrote are read again (updateLiveResults).
 */
interface LiveResults {
  set: ResultSet
  context: ResultContext
  shape: CatalogShape
  units: readonly ResultUnitInput[]
  previous: PreviousResults | null
  /** The view whose computation is kept (live-memo.ts), or null when it is not (publishing). */
  memoView: string | null
}

export async function compute (db: Executor, context: ResultContext, options: ComputeOptions): Promise<ResultSet> {
  return (await computeLive(db, context, options)).set
}

async function computeLive (db: Executor, context: ResultContext, options: ComputeOptions): Promise<LiveResults> {
  const shape = await loadCatalogShape(db, context.catalog.id)
  const [units, previous, now] = await concurrently(db, [
    () => loadUnits(db, context, shape),
    () => options.compareTo === null ? null : previousResults(db, context, shape.fields, options.compareTo),
    () => databaseNow(db)
  ])
  const memoView = options.reuse === true ? `${context.round.id}|${context.unitType.code}|${options.compareTo ?? ''}` : null
  return resultsFrom(db, { context, shape, units, previous, memoView }, now)
}

function resultsFrom (db: Executor, inputs: Omit<LiveResults, 'set'>, now: Date): LiveResults {
  const { context, shape, units, previous, memoView } = inputs
  const input = { fields: shape.fields, units, bands: context.catalog.classification, ranking: context.catalog.ranking }
  const computed = memoView !== null ? computedFor(db, memoView, input, previous) : computeResults(input, previous)
  const set: ResultSet = {
    status: 'provisional',
    source: context.source,
    round: { id: context.round.id, code: context.round.code, title: context.round.title, year: context.round.year },
    unitType: context.unitType,
    catalog: context.catalog,
    version: null,
    publishedBy: null,
    computedAt: now.toISOString(),
    ...computed
  }
  return { ...inputs, set }
}

/**
 * The kept live results brought up to date after transactions that wrote scores alone (entries and their sums): the
 * units whose sums they wrote have theirs read again, every other input is as it was. Results from historical
 * figures, or compared with a previous round computed live (whose scores may be among those written), are read anew.
 */
async function updateLiveResults (db: Executor, kept: LiveResults, since: string, now: Date, readAnew: () => Promise<LiveResults>): Promise<LiveResults> {
  if (kept.context.source !== 'entries' || kept.previous?.source === 'provisional' || kept.memoView === null) return await readAnew()
  const written = await unitsWrittenSince(db, kept.context.round.id, since)
  const participating = new Set(kept.units.map((unit) => unit.id))
  const ids = written.filter((id) => participating.has(id))
  let units = kept.units
  if (ids.length > 0) {
    const sums = await loadUnitSums(db, kept.context, kept.shape, ids)
    const reread = new Set(ids)
    units = kept.units.map((unit) => reread.has(unit.id) ? { ...unit, fields: sums.get(unit.id) ?? new Map() } : unit)
  }
  return resultsFrom(db, { ...kept, units }, now)
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
  const compareTo = options.compareTo === undefined ? 'previous' : options.compareTo ?? 'none'
  const readAnew = async () => computeLive(db, await loadContext(db, roundId, unitType), { ...options, reuse: true })
  const { value, kept, now } = await keptWhileUnchanged(db, 'results', `${roundId}|${unitType}|${compareTo}`, readAnew,
    async (before, since, now) => await updateLiveResults(db, before, since, toDate(now) as Date, readAnew))
  return kept ? { ...value.set, computedAt: toIso(now) as string } : value.set
}

/** The computation itself, without access rules (publishing, the demo loader and benchmarks use it). */
export async function computeLiveResults (db: Executor, roundId: string, unitType: string, options: ComputeOptions = {}): Promise<ResultSet> {
  return await compute(db, await loadContext(db, roundId, unitType), options)
}

/**
 * The previous round's results for the comparison. By default the round of the year before that has official figures
 * (its latest published version, else its imported historical results), never one still under way, so a published
 * version never freezes another round's live figures. `compareTo` names any round: its published version, historical
 * results, or else a live computation (an admin's look, marked provisional). Fields are matched through the clone
 * lineage of the catalogs (catalog_nodes.source_node_id, followed back through several clones).
 */
async function previousResults (db: Executor, context: ResultContext, fields: readonly ResultField[], compareTo: string | undefined): Promise<PreviousResults | null> {
  let previousId: string | undefined = compareTo
  if (previousId === undefined) {
    // Only official figures of the year before: its published results, or a report's imported ones. A round of that
    // year still under way is no comparison (its live figures would be frozen into a published version).
    const [row] = await queryRows<{ id: string }>(db, sql`
      select r.id from (
        select r.id, r.code,
          exists (select 1 from result_versions v where v.round_id = r.id and v.unit_type_code = ${context.unitType.code}) as published,
          exists (select 1 from historical_results h join units u on u.id = h.unit_id where h.round_id = r.id and u.unit_type_code = ${context.unitType.code}) as historical
        from rounds r
        where r.year = ${context.round.year - 1} and r.id <> ${context.round.id}
          and exists (select 1 from round_catalogs rc where rc.round_id = r.id and rc.unit_type_code = ${context.unitType.code})
      ) r
      where r.published or r.historical
      order by r.published desc, r.historical desc, r.code
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
  // Entries hold thousandths; the same text as a decimal would give, so hashes of versions published before stay true.
  const entryPoints = (value: unknown) => value === null || value === undefined ? null : formatMilli(Number(value) as Milli)
  if (context.source === 'historical') {
    const rows = await queryRows<Record<string, unknown>>(db, sql`
      with ${unitSetSql(context)}
      select h.unit_id::text as unit_id, h.field_code, h.self_points::text as s, h.appraised_points::text as a
      from historical_results h where h.round_id = ${context.round.id} and h.unit_id in (select id from unit_set)
      order by h.unit_id::text collate "C", h.field_code collate "C"`)
    rows.forEach((row, i) => hash.update((i === 0 ? '' : ',') + JSON.stringify([row.unit_id, row.field_code, points(row.s), points(row.a)])))
  } else {
    const rows = await queryRows<Record<string, unknown>>(db, sql`
      with ${leafSql(context.catalog.id)}, ${unitSetSql(context)},
      s as (
        select sa.unit_id, e.leaf_code, e.points_milli, e.not_applicable from self_assessment_entries e
        join self_assessments sa on sa.id = e.self_assessment_id
        where sa.round_id = ${context.round.id} and sa.catalog_id = ${context.catalog.id} and sa.unit_id in (select id from unit_set)
          and e.input is not null and e.leaf_code in (select code from leaf)
      ), a as (
        select ap.unit_id, e.leaf_code, e.points_milli, e.not_applicable from appraisal_entries e
        join appraisals ap on ap.id = e.appraisal_id
        where ap.round_id = ${context.round.id} and ap.unit_id in (select id from unit_set) and e.leaf_code in (select code from leaf)
      )
      select coalesce(s.unit_id, a.unit_id)::text as unit_id, coalesce(s.leaf_code, a.leaf_code) as leaf_code,
        s.points_milli as s_points, s.not_applicable as s_na, a.points_milli as a_points, a.not_applicable as a_na
      from s full join a on a.unit_id = s.unit_id and a.leaf_code = s.leaf_code
      order by coalesce(s.unit_id, a.unit_id)::text collate "C", coalesce(s.leaf_code, a.leaf_code) collate "C"`)
    rows.forEach((row, i) => hash.update((i === 0 ? '' : ',') + JSON.stringify([
      row.unit_id, row.leaf_code, entryPoints(row.s_points), row.s_na === true, entryPoints(row.a_points), row.a_na === true
    ])))
  }
  hash.update(']}')
  return hash.digest('hex')
}
