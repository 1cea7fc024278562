// The annual report of a round as a Word document, built from published versions only: which unit types and versions,
// the catalogs' structure, the previous year's results the versions were compared with, the charts, then the DOCX.
import { Packer } from 'docx'
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import { catalogStats } from '../../domain/catalog.js'
import { viYear } from '../../domain/report-format.js'
import type { ComputedResults } from '../../domain/results.js'
import { Errors } from '../../errors.js'
import { loadCatalog } from '../catalogs.js'
import { computeLiveResults, getPublishedResults, type PublishedVersion } from '../results.js'
import { publishedCharts } from './charts.js'
import { reportDocument, type ReportPart } from './content.js'
import type { Issuer } from './layout.js'
import { noSuch } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'
import { fieldProblem } from '../../messages/validation.js'
import { DOCX_MEDIA_TYPE } from '../../schemas/report.js'

export { DOCX_MEDIA_TYPE }

/** Who issues the report (configuration: REPORT_PROVINCE, REPORT_AGENCY, REPORT_SYMBOL, REPORT_SIGNER_TITLE). */
export interface ReportSettings {
  province: string
  agency: string
  symbol: string
  signerTitle: string
}

export interface ReportRequest {
  /** Unit types in the report's order; default: every unit type taking part in the round. */
  unitTypes?: string[] | undefined
  /** Published version per unit type; default: the latest. */
  versions?: Record<string, number> | undefined
}

export interface ReportFile {
  filename: string
  contentType: string
  body: Buffer
  /** The unit types and versions the report was built from. */
  parts: { unitType: string, version: number }[]
}

/** "department:2,district:1" → { department: 2, district: 1 } (the schema checked the form). */
export function parseVersions (text: string | undefined): Record<string, number> | undefined {
  if (text === undefined) return undefined
  const out: Record<string, number> = {}
  for (const pair of text.split(',')) {
    const [unitType, version] = pair.split(':') as [string, string]
    if (unitType in out) {
      throw Errors.validation(t(`The version of ${unitType} is given twice.`, `Phiên bản của ${unitType} được nêu hai lần.`), {
        errors: [fieldProblem('querystring', '/versions', 'duplicate', { value: unitType }, t(`names ${unitType} twice`, `nêu ${unitType} hai lần`))]
      })
    }
    out[unitType] = Number(version)
  }
  return out
}

interface UnitTypeRow { code: string, name: string, taking_part: boolean, latest: number | null }

/** The unit types to report on, in order, with their names; every problem of the request is refused here. */
async function chooseUnitTypes (db: Executor, roundId: string, request: ReportRequest): Promise<{ code: string, name: string, latest: number }[]> {
  const [round] = await queryRows<{ id: string }>(db, sql`select id from rounds where id = ${roundId}`)
  if (!round) throw Errors.notFound(noSuch.round)
  const rows = await queryRows<UnitTypeRow>(db, sql`
    select ut.code, ut.name,
      exists (select 1 from round_units ru join units u on u.id = ru.unit_id where ru.round_id = ${roundId} and u.unit_type_code = ut.code) as taking_part,
      (select max(v.version) from result_versions v where v.round_id = ${roundId} and v.unit_type_code = ut.code) as latest
    from unit_types ut
    order by ut.created_at, ut.code`)
  const byCode = new Map(rows.map((row) => [row.code, row]))
  let chosen: UnitTypeRow[]
  if (request.unitTypes !== undefined) {
    const unknown = request.unitTypes.filter((code) => !byCode.has(code))
    if (unknown.length > 0) {
      throw Errors.validation(noSuch.unitType(unknown.join(', ')), {
        errors: [fieldProblem('querystring', '/unitTypes', 'unknown', { what: 'unit type', value: unknown.join(', ') }, t(`names unknown unit types: ${unknown.join(', ')}`, `có loại đơn vị không tồn tại: ${unknown.join(', ')}`))]
      })
    }
    chosen = [...new Set(request.unitTypes)].map((code) => byCode.get(code) as UnitTypeRow)
    const unpublished = chosen.filter((row) => row.latest === null)
    if (unpublished.length > 0) {
      throw Errors.resultsNotPublished(t(`No results of ${unpublished.map((row) => row.code).join(', ')} are published for this round.`,
        `Kỳ đánh giá chưa công bố kết quả của ${unpublished.map((row) => row.name).join('; ')}.`))
    }
  } else {
    chosen = rows.filter((row) => row.taking_part || row.latest !== null)
    const published = chosen.filter((row) => row.latest !== null)
    if (published.length === 0) throw Errors.resultsNotPublished(t('No results of this round are published yet; publish them first (POST /rounds/{id}/results/publish).', 'Kỳ đánh giá chưa công bố kết quả nào; hãy công bố kết quả trước.'))
    const unpublished = chosen.filter((row) => row.latest === null)
    if (unpublished.length > 0) {
      throw Errors.reportIncomplete(t(`The results of ${unpublished.map((row) => row.code).join(', ')} are not published yet: publish them, or ask for the report of ` +
        `unitTypes=${published.map((row) => row.code).join(',')} only.`,
      `Kết quả của ${unpublished.map((row) => row.name).join('; ')} chưa được công bố: hãy công bố, hoặc chỉ lập báo cáo cho ${published.map((row) => row.name).join('; ')}.`),
      { extra: { unitTypes: unpublished.map((row) => row.code) } })
    }
  }
  const named = new Set(chosen.map((row) => row.code))
  const strays = Object.keys(request.versions ?? {}).filter((code) => !named.has(code))
  if (strays.length > 0) {
    throw Errors.validation(t(`A version is given for ${strays.join(', ')}, which the report does not cover.`, `Có phiên bản cho ${strays.join(', ')}, loại đơn vị không thuộc báo cáo.`), {
      errors: [fieldProblem('querystring', '/versions', 'unknown', { what: 'unit type', value: strays.join(', ') },
        t(`names unit types outside the report: ${strays.join(', ')}`, `nêu loại đơn vị ngoài báo cáo: ${strays.join(', ')}`))]
    })
  }
  return chosen.map((row) => ({ code: row.code, name: row.name, latest: Number(row.latest) }))
}

/**
 * The report's file name: the year, and the version once a unit type of the report has more than one published
 * version, so that the report of version 2 is not saved over that of version 1 (“… (phiên bản 2).docx”; each unit
 * type named when their versions differ).
 */
export function reportFilename (year: number, parts: ReadonlyArray<{ unitType: { name: string, latest: number }, version: number }>): string {
  const base = `Báo cáo Chỉ số CCHC năm ${year}`
  if (!parts.some((part) => part.unitType.latest > 1)) return `${base}.docx`
  const numbers = new Set(parts.map((part) => part.version))
  const versions = numbers.size === 1
    ? `phiên bản ${parts[0]?.version ?? ''}`
    : parts.map((part) => `${part.unitType.name} phiên bản ${part.version}`).join('; ')
  return `${base} (${versions}).docx`
}

/**
 * The previous year's results a version was compared with when it was published: that round's published version,
 * or (for imported historical results) its computation, through the results service as the comparison itself did.
 */
async function previousOf (db: Executor, published: PublishedVersion): Promise<ReportPart['previous']> {
  const comparison = published.snapshot.comparison
  if (comparison === null) return null
  let results: ComputedResults
  if (comparison.source === 'published' && comparison.version !== null) {
    results = (await getPublishedResults(db, comparison.round.id, published.unitType, comparison.version)).snapshot
  } else {
    results = await computeLiveResults(db, comparison.round.id, published.unitType, { compareTo: null })
  }
  return { year: comparison.round.year, results }
}

async function reportPart (db: Executor, roundId: string, unitType: { code: string, name: string }, version: number | undefined): Promise<ReportPart> {
  const published = await getPublishedResults(db, roundId, unitType.code, version)
  const results = published.snapshot
  const [catalog, previous, charts] = await Promise.all([loadCatalog(db, results.catalog.id), previousOf(db, published), publishedCharts(published.id, results)])
  return {
    unitType,
    version: { id: published.id, number: published.version, publishedAt: published.publishedAt },
    results,
    catalog: { title: catalog.catalog.title, legalBasis: catalog.catalog.legalBasis, ranking: results.catalog.ranking, stats: catalogStats(catalog.document) },
    previous,
    charts
  }
}

/**
 * The report of a round as DOCX: for each unit type (the chosen ones, or every one taking part), its latest published
 * version or the one asked for. 404 when a unit type asked for has nothing published; 409 REPORT_INCOMPLETE when, by
 * default, some unit types taking part are published and others not.
 */
export async function buildReport (db: Executor, roundId: string, request: ReportRequest, settings: ReportSettings, now: Date = new Date()): Promise<ReportFile> {
  const unitTypes = await chooseUnitTypes(db, roundId, request)
  const parts: ReportPart[] = []
  // One unit type after another: drawing charts holds the event loop, and two parts' canvases at once would double the memory.
  for (const unitType of unitTypes) parts.push(await reportPart(db, roundId, unitType, request.versions?.[unitType.code]))
  const round = (parts[0] as ReportPart).results.round
  const issuer: Issuer = {
    parent: `UBND tỉnh ${settings.province}`,
    agency: settings.agency,
    place: settings.province,
    symbol: settings.symbol,
    signerTitle: settings.signerTitle
  }
  const document = reportDocument({ round: { code: round.code, title: round.title, year: round.year }, issuer, issuedYear: viYear(now), parts })
  return {
    filename: reportFilename(round.year, unitTypes.map((unitType, i) => ({ unitType, version: (parts[i] as ReportPart).version.number }))),
    contentType: DOCX_MEDIA_TYPE,
    body: await Packer.toBuffer(document),
    parts: parts.map((part) => ({ unitType: part.unitType.code, version: part.version.number }))
  }
}

/** Reports being built, by round, request and issuer. */
const building = new Map<string, Promise<ReportFile>>()

/**
 * The report as buildReport builds it, shared by the requests for the same report that arrive while it is being built:
 * a round of 2,000 units of a type takes about 28 s and 1.2 GB at its peak, so an admin who clicks again while waiting
 * (or two admins at once) must not start a second build beside the first. Nothing is kept once it is built: the next
 * request builds it again, from the versions published then.
 */
export function sharedReport (db: Executor, roundId: string, request: ReportRequest, settings: ReportSettings): Promise<ReportFile> {
  const key = JSON.stringify([roundId, request.unitTypes ?? null, request.versions ?? null, settings])
  let pending = building.get(key)
  if (pending === undefined) {
    pending = buildReport(db, roundId, request, settings).finally(() => building.delete(key))
    building.set(key, pending)
  }
  return pending
}
