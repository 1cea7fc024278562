// Published versions of results: immutable snapshots with the hash of their inputs, cached per database, and read back.
import { eq, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { resultVersionsTable, roundsTable } from '../../db/schema/index.js'
import { Errors } from '../../errors.js'
import { noSuch } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'
import { type PublishedVersion, type ResultSet, type ResultVersionSummary, toIso } from './inputs.js'

// Per database (tests run many apps in one process): snapshots by version id, and which version a request means. Both
// hold the lookup while it runs, so that the requests arriving together (fifty portal connections when a pointer
// expires, or after a restart) share one query, and one copy of a snapshot of megabytes instead of one each.
const caches = new WeakMap<object, { versions: Map<string, Promise<PublishedVersion>>, pointers: Map<string, { pointer: Promise<VersionPointer>, until: number }> }>()
const MAX_CACHED_VERSIONS = 50
const MAX_CACHED_POINTERS = 1000
export const POINTER_TTL_MS = 5000

export function cacheOf (db: Executor) {
  let cache = caches.get(db)
  if (cache === undefined) caches.set(db, cache = { versions: new Map(), pointers: new Map() })
  return cache
}

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

/**
 * Whether the round stands published (not moved back to be corrected) with results for the unit's type: from then on
 * a unit may read its own appraisal, which the published results were computed from.
 */
export async function publishedForUnit (db: Executor, roundId: string, unitId: string): Promise<boolean> {
  return await publicationForUnit(db, roundId, unitId) === 'published'
}

/**
 * Where a round's results for a unit's type stand: never published, published, or published once but the round moved
 * back from published since (an admin correcting it: the published version is still what everyone reads).
 */
export async function publicationForUnit (db: Executor, roundId: string, unitId: string): Promise<'none' | 'published' | 'moved_back'> {
  const [row] = await queryRows<{ status: string, versions: boolean }>(db, sql`
    select r.status, exists (select 1 from result_versions v where v.round_id = r.id and v.unit_type_code = u.unit_type_code) as versions
    from rounds r, units u where r.id = ${roundId} and u.id = ${unitId}`)
  if (row?.versions !== true) return 'none'
  return row.status === 'published' ? 'published' : 'moved_back'
}

/** Every published version of a round's results for a unit type, newest first. */
export async function listResultVersions (db: Executor, roundId: string, unitType: string): Promise<ResultVersionSummary[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql`
    select v.id, v.round_id, v.unit_type_code, v.version, v.published_at, v.reason, v.catalog_id, v.input_hash,
      v.published_by, u.display_name
    from result_versions v left join users u on u.id = v.published_by
    where v.round_id = ${roundId} and v.unit_type_code = ${unitType}
    order by v.version desc`)
  if (rows.length === 0) await assertRoundAndTypeExist(db, roundId, unitType)
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

export async function assertRoundExists (db: Executor, roundId: string): Promise<void> {
  const [round] = await db.select({ id: roundsTable.id }).from(roundsTable).where(eq(roundsTable.id, roundId))
  if (!round) throw Errors.notFound(noSuch.round)
}

/** Before saying "not published": a round or unit type that does not exist is 404 NOT_FOUND, not something that may come. */
function assertFound (found: { round: boolean, type: boolean } | undefined, unitType: string): void {
  if (found?.round !== true) throw Errors.notFound(noSuch.round)
  if (found.type !== true) throw Errors.notFound(noSuch.unitType(unitType))
}

/** Whether the round and the unit type exist, as columns `round` and `type` beside what else a statement selects. */
const existsColumns = (roundId: string, unitType: string) =>
  sql`exists (select 1 from rounds where id = ${roundId}) as round, exists (select 1 from unit_types where code = ${unitType}) as type`

/** Nothing of the unit type published in the round: the code for a client's code, the type's own name for a person. */
function notPublished (unitType: { code: string, name: string }) {
  return Errors.resultsNotPublished(t(`No results of unit type ${unitType.code} are published for this round.`, `Kỳ đánh giá chưa công bố kết quả của ${unitType.name}.`))
}

/** Every published version, newest first, as listResultVersions; refused (RESULTS_NOT_PUBLISHED) when there is none. */
export async function listPublishedVersions (db: Executor, roundId: string, unitType: string): Promise<ResultVersionSummary[]> {
  const versions = await listResultVersions(db, roundId, unitType)
  if (versions.length > 0) return versions
  const [type] = await queryRows<{ name: string }>(db, sql`select name from unit_types where code = ${unitType}`)
  throw notPublished({ code: unitType, name: type?.name ?? unitType })
}

async function assertRoundAndTypeExist (db: Executor, roundId: string, unitType: string): Promise<void> {
  const [row] = await queryRows<{ round: boolean, type: boolean }>(db, sql`select ${existsColumns(roundId, unitType)}`)
  assertFound(row, unitType)
}

interface VersionPointer { id: string, version: number, latest: boolean }

export async function latestVersion (db: Executor, roundId: string, unitType: string): Promise<VersionPointer | null> {
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
  const pointer = queryPointer(db, roundId, unitType, version)
  if (pointers.size >= MAX_CACHED_POINTERS) pointers.delete(pointers.keys().next().value as string)
  const entry = { pointer, until: Date.now() + POINTER_TTL_MS }
  pointers.set(key, entry)
  // A failed lookup (no such version, the database away) is not kept.
  pointer.catch(() => { if (pointers.get(key) === entry) pointers.delete(key) })
  return pointer
}

async function queryPointer (db: Executor, roundId: string, unitType: string, version: number | undefined): Promise<VersionPointer> {
  // One statement, also on a miss: whether the round and the unit type exist tells "not found" from "not published".
  const [row] = await queryRows<{ id: string | null, version: number | null, latest: number | null, round: boolean, type: boolean, type_name: string | null }>(db, sql`
    select v.id, v.version, (select max(version) from result_versions where round_id = ${roundId} and unit_type_code = ${unitType}) as latest,
      ${existsColumns(roundId, unitType)}, (select name from unit_types where code = ${unitType}) as type_name
    from (select 1) as one left join lateral (
      select id, version from result_versions where round_id = ${roundId} and unit_type_code = ${unitType}
      ${version === undefined ? sql`order by version desc limit 1` : sql`and version = ${version}`}) v on true`)
  assertFound(row, unitType)
  if (row === undefined || row.id === null) {
    throw version === undefined
      ? notPublished({ code: unitType, name: row?.type_name ?? unitType })
      : Errors.resultsNotPublished(t(`There is no published version ${version} of these results.`, `Không có phiên bản ${version} đã công bố của kết quả này.`))
  }
  return { id: String(row.id), version: Number(row.version), latest: Number(row.version) === Number(row.latest) }
}

/** A published version with its snapshot, by id (cached: versions are immutable). */
export async function loadVersion (db: Executor, id: string): Promise<PublishedVersion> {
  const cache = cacheOf(db).versions
  const cached = cache.get(id)
  if (cached !== undefined) return cached
  const loading = queryVersion(db, id)
  if (cache.size >= MAX_CACHED_VERSIONS) cache.delete(cache.keys().next().value as string)
  cache.set(id, loading)
  loading.catch(() => { if (cache.get(id) === loading) cache.delete(id) })
  return loading
}

async function queryVersion (db: Executor, id: string): Promise<PublishedVersion> {
  const [row] = await db.select().from(resultVersionsTable).where(eq(resultVersionsTable.id, id))
  if (!row) throw Errors.resultsNotPublished(t('No such published version.', 'Không có phiên bản đã công bố này.'))
  return {
    id: row.id,
    roundId: row.roundId,
    unitType: row.unitTypeCode,
    version: row.version,
    latest: false,
    inputHash: row.inputHash,
    publishedAt: row.publishedAt.toISOString(),
    snapshot: row.snapshot as ResultSet
  }
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
