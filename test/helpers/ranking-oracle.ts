// The ranking rule written plainly, as DOMAIN.md states it: the oracle the tests hold the service's fast ranking
// (server/domain/results.ts, rankPositions) to. It is not used by the service.
import type { RankingMethod } from '../../server/domain/catalog.js'
import { compareIndex, compareNames, type RankableUnit, type Ranked } from '../../server/domain/ranking.js'

/**
 * Highest index first. Equal indices share a rank: dense gives the next index rank + 1 (5, 5, 6),
 * competition skips the places taken (5, 5, 7). Within a tie, units are listed in Vietnamese name order.
 * The input is not modified.
 */
export function rankUnits<T extends RankableUnit> (units: readonly T[], method: RankingMethod = 'dense'): Ranked<T>[] {
  const sorted = [...units].sort((a, b) => compareIndex(b, a) || compareNames(a.name, b.name))
  const ranked: Ranked<T>[] = []
  let rank = 0
  sorted.forEach((unit, position) => {
    const previous = sorted[position - 1]
    if (previous === undefined || compareIndex(previous, unit) !== 0) {
      rank = method === 'dense' ? rank + 1 : position + 1
    }
    ranked.push({ ...unit, rank })
  })
  return ranked
}
