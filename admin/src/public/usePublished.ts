// What the public page knows of the published rounds: read once per visit from GET /public/rounds, and the addresses
// of a published version's charts and downloads (plain links to the public API, so they work without the app too).
import { call, client } from '../api/client'
import type { CsvDialect, PublishedRound, PublishedRoundList, ResultExportFormat } from '../api/types'

let list: Promise<PublishedRoundList> | null = null

/**
 * GET /public/rounds: one request per visit (a failure is retried next time). The API lets browsers keep the list for a
 * minute; `fresh` asks the server again, for an address naming a round just published.
 */
function publishedList (fresh = false): Promise<PublishedRoundList> {
  if (fresh) list = null
  list ??= call(client.GET('/public/rounds', fresh ? { cache: 'no-cache' } : {})).catch((error: unknown) => {
    list = null
    throw error
  })
  return list
}

/** Rounds with published results, newest year first. */
export function publishedRounds (fresh = false): Promise<PublishedRound[]> {
  return publishedList(fresh).then((read) => read.items)
}

/** Who publishes the results: the province and its agency, for the banner (from the same request as the rounds). */
export function publisher (): Promise<PublishedRoundList['publisher']> {
  return publishedList().then((read) => read.publisher)
}

export interface PublishedChoice {
  round: PublishedRound
  result: PublishedRound['results'][number]
}

/** The published round with that code and its results for that unit type; null when nothing of it is published. */
export async function findPublished (roundCode: string, unitType: string): Promise<PublishedChoice | null> {
  const find = (list: PublishedRound[]): PublishedChoice | null => {
    const round = list.find((candidate) => candidate.code === roundCode)
    const result = round?.results.find((candidate) => candidate.unitType === unitType)
    return round && result ? { round, result } : null
  }
  return find(await publishedRounds()) ?? find(await publishedRounds(true))
}

/** The name of a unit type as published rounds give it; null when no published round has results of that type. */
export async function publishedUnitTypeName (unitType: string): Promise<string | null> {
  const rounds = await publishedRounds()
  return rounds.flatMap((round) => round.results).find((result) => result.unitType === unitType)?.unitTypeName ?? null
}

const resultsPath = (roundId: string, unitType: string) =>
  `/public/rounds/${encodeURIComponent(roundId)}/results/${encodeURIComponent(unitType)}`

/** A chart of one bar per unit comes from the API in parts of this many units (GET …/charts/{chart}?part=k), as in the report. */
export const UNITS_PER_CHART_PART = 30

/** A chart of the report as the API draws it (index, averages or field-<code>), of a numbered version: cached for good. */
export function chartUrl (roundId: string, unitType: string, version: number, chart: string, part = 1, layout: 'wide' | 'narrow' = 'wide'): string {
  return `${resultsPath(roundId, unitType)}/charts/${encodeURIComponent(chart)}.png?version=${version}${part > 1 ? `&part=${part}` : ''}${layout === 'narrow' ? '&layout=narrow' : ''}`
}

/** Where a phone's screen takes the charts drawn for it (the API's layout=narrow: each name above its bar). */
export const NARROW_CHARTS = '(max-width: 640px)'

/**
 * The parts of a chart of one bar per unit: their numbers, and each one's height for a width of 1210 px as the API
 * draws it before its labels wrap (24 px a bar, 70 px of axis and legend, twice for print), so a part not loaded yet
 * keeps about its room and the parts below it wait for their turn.
 */
export function chartParts (bars: number): { part: number, of: number, from: number, to: number, height: number, narrowHeight: number }[] {
  const of = Math.max(1, Math.ceil(bars / UNITS_PER_CHART_PART))
  return Array.from({ length: of }, (_, k) => {
    const from = k * UNITS_PER_CHART_PART + 1
    const to = Math.min(bars, from + UNITS_PER_CHART_PART - 1)
    // Narrow: 720 px wide, 46 px a unit whose name takes one line, and the legend.
    return { part: k + 1, of, from, to, height: 2 * ((to - from + 1) * 24 + 70), narrowHeight: 2 * ((to - from + 1) * 46 + 90) }
  })
}

/** The download of a numbered version as CSV (in the dialect asked for), XLSX or JSON. */
export function exportUrl (roundId: string, unitType: string, version: number, format: ResultExportFormat, dialect?: CsvDialect): string {
  return `${resultsPath(roundId, unitType)}/export?version=${version}&format=${format}${dialect ? `&dialect=${dialect}` : ''}`
}

/** The version asked for in the address (?version=n), or undefined for the latest. */
export function versionOf (query: unknown): number | undefined {
  const text = Array.isArray(query) ? query[0] : query
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text)) return undefined
  const number = Number(text)
  return number >= 1 ? number : undefined
}
