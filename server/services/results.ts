// Results of a round per unit type: computed live from leaf scores (sums in PostgreSQL, rules in domain/results),
// published as immutable versions with a hash of their inputs, compared with a previous round, and served from the
// frozen snapshot to the public. The parts live in services/results/.
export { type ResultSource, type ResultVersionInfo, type ResultSet, type ResultVersionSummary, type PublishedVersion, type ResultContext } from './results/inputs.js'
export { type ComputeOptions, getLiveResults, computeLiveResults, resultInputHash } from './results/compute.js'
export { POINTER_TTL_MS, publishedForUnit, listResultVersions, listPublishedVersions, resolveVersion, loadVersion, getPublishedResults, type PublishedRound, listPublishedRounds } from './results/versions.js'
export { publicResultsView, publicUnitView, publicVersionsView, resultsPage } from './results/views.js'
export { publishResults } from './results/publish.js'
export { type ResultSettings, getResultSettings, updateResultSettings } from './results/settings.js'
