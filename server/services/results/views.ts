// Views of results: a page of a result set, and the views of a published snapshot for the public API.
import { Errors } from '../../errors.js'
import { text as t } from '../../messages/text.js'
import type { PublishedVersion, ResultSet, ResultVersionSummary } from './inputs.js'
import { unitPage, type UnitPageAsked, type UnitPagePosition } from '../unit-pages.js'

/**
 * A result set with only a page of its units (in rank order) when a page is asked; the fields, averages, class counts
 * and comparison stay those of every unit, so each page can be read on its own. Without limit or offset, the set as it is.
 */
export function resultsPage (set: ResultSet, asked: UnitPageAsked): ResultSet & { page?: UnitPagePosition } {
  const { items, page } = unitPage(set.units, asked)
  return page === undefined ? set : { ...set, units: items, page }
}

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
