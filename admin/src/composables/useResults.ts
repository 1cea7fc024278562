// Results of a round for one unit type (Kết quả). Admins read the provisional computation and the published versions
// through /rounds/{id}/results*, publish and export; everyone else reads the published versions through /public.
// Both sources are turned into one shape for the screen; every number, rank and classification is the API's.
import { computed, ref } from 'vue'
import { call, client } from '../api/client'
import { ApiError, UserMessage } from '../api/problem'
import type {
  AverageRow, BandRef, ClassificationCount, CsvDialect, PublicResults, PublishedRound, ResultCatalogRef, ResultComparison, ResultExportFormat, ResultField,
  ResultRoundRef, ResultSet, ResultStatus, ResultUnitRef, ResultVersionSummary, RoundStatus, UnitResult
} from '../api/types'
import { useLoader } from './useLoader'
import { useUnitTypes } from './useUnitTypes'
import { downloadFile } from '../download'

/** A round in the picker: every round for admins, the rounds with published results for the others. */
export interface ResultRoundOption {
  id: string
  code: string
  title: string
  year: number
  /** The round's status (admins only). */
  status: RoundStatus | null
  /** Unit types with published results, with their latest version. */
  published: PublishedRound['results']
}

export interface ResultUnitTypeOption {
  code: string
  name: string
  /** The latest published version, null when nothing is published yet. */
  latestVersion: number | null
}

/** One published version in the history: who (admins only), when, why, and the hash of its inputs. */
export interface ResultVersionItem {
  number: number
  publishedAt: string
  /** Who published it; null when the system did (demo data); undefined when the source does not say (public API). */
  publishedBy: string | null | undefined
  reason: string | null
  inputHash: string
  latest: boolean
}

export interface ResultFieldPoints {
  code: string
  self: number
  appraised: number
  /** The API's display text (2 places, half up), as the report prints it. */
  selfDisplay: string
  appraisedDisplay: string
}

/** A row of Bảng 1 with the unit's field points (Bảng 2). */
export interface ResultRow {
  rank: number
  unit: ResultUnitRef
  self: { points: number, display: string }
  appraised: { points: number, display: string, index: string, indexDisplay: string }
  classification: BandRef
  fields: ResultFieldPoints[]
  change: { previousRank: number, rankChange: number, indexChange: string, indexChangeDisplay: string } | null
  /** The full result (per-field ranks, what-if, year over year) when the source has it; else read on demand. */
  detail: UnitResult | null
}

export interface ResultView {
  status: ResultStatus
  round: ResultRoundRef
  unitType: { code: string, name: string }
  catalog: ResultCatalogRef
  version: { number: number, publishedAt: string, reason: string | null, inputHash: string } | null
  publishedBy: string | null | undefined
  /** When a provisional result was computed. */
  computedAt: string | null
  fields: ResultField[]
  average: { units: number, self: AverageRow, appraised: AverageRow } | null
  classificationCounts: ClassificationCount[]
  comparison: ResultComparison | null
  rows: ResultRow[]
}

/** What the screen shows: the provisional computation, a version number, or (null) the latest version. */
export type VersionChoice = 'provisional' | number | null

const PAGE = 100

async function fetchAllRounds () {
  const rounds = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await call(client.GET('/rounds', { params: { query: { limit: PAGE, offset } } }))
    rounds.push(...page.items)
    if (rounds.length >= page.total || page.items.length === 0) return rounds
  }
}

function fromResultSet (set: ResultSet): ResultView {
  return {
    status: set.status,
    round: set.round,
    unitType: set.unitType,
    catalog: set.catalog,
    version: set.version,
    publishedBy: set.status === 'published' ? set.publishedBy?.name ?? null : null,
    computedAt: set.status === 'provisional' ? set.computedAt : null,
    fields: set.fields,
    average: set.average,
    classificationCounts: set.classificationCounts,
    comparison: set.comparison,
    rows: set.units.map((unit) => ({
      rank: unit.rank,
      unit: unit.unit,
      self: { points: unit.self.points, display: unit.self.display },
      appraised: { points: unit.appraised.points, display: unit.appraised.display, index: unit.appraised.index, indexDisplay: unit.appraised.indexDisplay },
      classification: unit.classification,
      fields: unit.fields.map((field) => ({
        code: field.code,
        self: field.self.points,
        appraised: field.appraised.points,
        selfDisplay: field.self.display,
        appraisedDisplay: field.appraised.display
      })),
      change: unit.change,
      detail: unit
    }))
  }
}

function fromPublic (first: PublicResults, items: PublicResults['items']): ResultView {
  return {
    status: 'published',
    round: first.round,
    unitType: first.unitType,
    catalog: first.catalog,
    version: first.version,
    publishedBy: undefined,
    computedAt: null,
    fields: first.fields,
    average: first.average,
    classificationCounts: first.classificationCounts,
    comparison: first.comparison,
    rows: items.map((item) => ({
      rank: item.rank,
      unit: item.unit,
      self: item.self,
      appraised: item.appraised,
      classification: item.classification,
      fields: item.fields,
      change: item.change,
      detail: null
    }))
  }
}

/** Published results of a round for one unit type through the public API (the latest version unless one is named). */
export async function fetchPublicResults (id: string, unitType: string, version?: number): Promise<ResultView> {
  // The public list comes a page at a time; a province has a few dozen units of a type, so one page is usual.
  const first = await call(client.GET('/public/rounds/{id}/results/{unitType}', {
    params: { path: { id, unitType }, query: { version, limit: 1000, offset: 0 } },
    cache: 'no-cache'
  }))
  const items = [...first.items]
  while (items.length < first.total) {
    const page = await call(client.GET('/public/rounds/{id}/results/{unitType}', {
      params: { path: { id, unitType }, query: { version, limit: 1000, offset: items.length } }
    }))
    if (page.items.length === 0) break
    items.push(...page.items)
  }
  return fromPublic(first, items)
}

export function useResults (isAdmin: () => boolean) {
  const { load: loadUnitTypes, unitTypeName } = useUnitTypes()
  const roundId = ref('')
  const unitType = ref('')

  const rounds = useLoader<ResultRoundOption[]>(async () => {
    // Staff screens ask the server each time (ETag → 304): a browser may keep the public list a minute, and an admin
    // who has just published must see it here at once (the Word report's unit types follow it).
    const published = (await call(client.GET('/public/rounds', { cache: 'no-cache' }))).items
    if (!isAdmin()) return published.map(({ id, code, title, year, results }) => ({ id, code, title, year, status: null, published: results }))
    const [all] = await Promise.all([fetchAllRounds(), loadUnitTypes()])
    const publishedById = new Map(published.map((round) => [round.id, round.results]))
    return all
      .map(({ id, code, title, year, status }) => ({ id, code, title, year, status, published: publishedById.get(id) ?? [] }))
      .sort((a, b) => b.year - a.year || a.code.localeCompare(b.code, 'vi'))
  })

  const round = computed(() => rounds.data.value?.find((candidate) => candidate.id === roundId.value) ?? null)

  /** The unit types of the chosen round: its catalogs (admins) and those with published results. */
  const unitTypes = useLoader<ResultUnitTypeOption[]>(async () => {
    const current = round.value
    if (!current) return []
    const options = new Map<string, ResultUnitTypeOption>(current.published.map((item) => [item.unitType, { code: item.unitType, name: item.unitTypeName, latestVersion: item.latestVersion }]))
    if (isAdmin()) {
      const detail = await call(client.GET('/rounds/{id}', { params: { path: { id: current.id } } }))
      for (const catalog of detail.catalogs) {
        if (!options.has(catalog.unitType)) options.set(catalog.unitType, { code: catalog.unitType, name: unitTypeName(catalog.unitType), latestVersion: null })
      }
    }
    return [...options.values()]
  })

  const versions = useLoader<ResultVersionItem[]>(async () => {
    if (!roundId.value || !unitType.value) return []
    if (isAdmin()) {
      const list: ResultVersionSummary[] = await call(client.GET('/rounds/{id}/results/versions', {
        params: { path: { id: roundId.value }, query: { unitType: unitType.value } }
      }))
      return list.map((item) => ({
        number: item.version,
        publishedAt: item.publishedAt,
        publishedBy: item.publishedBy?.name ?? null,
        reason: item.reason,
        inputHash: item.inputHash,
        latest: item.latest
      }))
    }
    try {
      const list = await call(client.GET('/public/rounds/{id}/results/{unitType}/versions', { params: { path: { id: roundId.value, unitType: unitType.value } }, cache: 'no-cache' }))
      return list.items.map((item) => ({ ...item, publishedBy: undefined }))
    } catch (caught) {
      // Nothing published yet is an empty history, not a failure.
      if (caught instanceof ApiError && caught.code === 'RESULTS_NOT_PUBLISHED') return []
      throw caught
    }
  })

  /** The version shown: 'provisional', or the number of a published version. */
  const shown = ref<'provisional' | number | null>(null)

  const results = useLoader<ResultView | null>(async () => {
    const id = roundId.value
    const type = unitType.value
    const version = shown.value
    if (!id || !type || version === null) return null
    if (version === 'provisional') {
      return fromResultSet(await call(client.GET('/rounds/{id}/results', { params: { path: { id }, query: { unitType: type } } })))
    }
    if (isAdmin()) {
      return fromResultSet(await call(client.GET('/rounds/{id}/results/versions/{version}', {
        params: { path: { id, version }, query: { unitType: type } }
      })))
    }
    return fetchPublicResults(id, type, version)
  })

  /** Which version to show for a choice from the address: the latest published, else (admins) the provisional one. */
  function resolveChoice (choice: VersionChoice): 'provisional' | number | null {
    const list = versions.data.value ?? []
    if (choice === 'provisional') return isAdmin() ? 'provisional' : (list[0]?.number ?? null)
    if (typeof choice === 'number' && list.some((item) => item.number === choice)) return choice
    return list[0]?.number ?? (isAdmin() ? 'provisional' : null)
  }

  /** A unit's full result (per-field ranks, what-if targets, year over year), from the row or the public API. */
  async function unitDetail (row: ResultRow): Promise<UnitResult> {
    if (row.detail) return row.detail
    const view = results.data.value
    if (!view) throw new UserMessage('Chưa tải kết quả')
    const result = await call(client.GET('/public/rounds/{id}/results/{unitType}/units/{unit}', {
      params: { path: { id: view.round.id, unitType: view.unitType.code, unit: row.unit.id }, query: { version: view.version?.number } }
    }))
    return result.result
  }

  /** Publishes the current results as the next version; a later version needs a reason. */
  async function publish (reason: string | null): Promise<number> {
    const summary = await call(client.POST('/rounds/{id}/results/publish', {
      params: { path: { id: roundId.value } },
      body: { unitType: unitType.value, ...(reason ? { reason } : {}) }
    }))
    await Promise.all([versions.reload(), rounds.reload()])
    return summary.version
  }

  /** Downloads the shown published version (a CSV in the dialect asked for); returns the file name. */
  async function download (format: ResultExportFormat, dialect?: CsvDialect): Promise<string> {
    const view = results.data.value
    const version = view?.version?.number
    if (!view || version === undefined) throw new UserMessage('Chỉ xuất được kết quả đã công bố')
    const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-')
    const fallbackName = `chi-so-cchc-${safe(view.round.code)}-${safe(view.unitType.code)}-v${version}${dialect === 'excel-vi' ? '-excel-vi' : ''}.${format}`
    return await downloadFile(isAdmin()
      ? client.GET('/rounds/{id}/results/export', {
        params: { path: { id: view.round.id }, query: { unitType: view.unitType.code, version, format, dialect } },
        parseAs: 'blob'
      })
      : client.GET('/public/rounds/{id}/results/{unitType}/export', {
        params: { path: { id: view.round.id, unitType: view.unitType.code }, query: { version, format, dialect } },
        parseAs: 'blob'
      }), fallbackName)
  }

  return { roundId, unitType, shown, round, rounds, unitTypes, versions, results, resolveChoice, unitDetail, publish, download }
}

/** Colours of the classification bands, best first: green, blue, amber, orange, red. */
const BAND_COLOURS = ['#1a7f37', '#2563a8', '#c08a00', '#d9622b', '#b42318']

/** Position of a band among the catalog's bands, best (highest minimum) first; -1 when unknown. */
export function bandPosition (catalog: ResultCatalogRef, code: string): number {
  return [...catalog.classification].sort((a, b) => b.min - a.min).findIndex((band) => band.code === code)
}

/** The colour of a classification band in the tables and charts: the best green, the lowest red, the others between. */
export function bandColour (catalog: ResultCatalogRef, code: string): string {
  const position = bandPosition(catalog, code)
  const bands = catalog.classification.length
  if (position < 0) return '#5f6b7a'
  const slot = bands > BAND_COLOURS.length || bands < 2 ? position : Math.round(position * (BAND_COLOURS.length - 1) / (bands - 1))
  return BAND_COLOURS[Math.min(slot, BAND_COLOURS.length - 1)] ?? '#5f6b7a'
}
