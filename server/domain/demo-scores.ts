// Leaf scores that add up to a field's points (demo and test data built from the report's field-level table).
import { type CatalogNode, hasChildren } from './catalog.js'
import { type Milli, milliToNumber, parseDecimal } from './decimal.js'
import type { EnteredInput } from './scoring.js'

export interface LeafChoice {
  leafCode: string
  points: Milli
  /** The input of the leaf's method that scores exactly these points. */
  input: EnteredInput
}

const readMilli = (value: number | string | undefined): Milli | null => {
  if (value === undefined) return null
  const parsed = parseDecimal(value)
  return parsed.ok ? parsed.milli : null
}

/** Every score a leaf can take (not applicable excluded), lowest first, each with an input that gives it. */
export function leafValues (leaf: CatalogNode): LeafChoice[] {
  const scoring = leaf.scoring
  const maximum = readMilli(leaf.maxPoints)
  if (hasChildren(leaf) || scoring === undefined || maximum === null) return []
  const choices = new Map<Milli, LeafChoice>()
  const add = (points: Milli | null, input: EnteredInput) => {
    if (points !== null && points >= 0 && points <= maximum && !choices.has(points)) choices.set(points, { leafCode: leaf.code, points, input })
  }
  if (scoring.method === 'range') {
    const step = readMilli(scoring.step)
    if (step !== null && step > 0) for (let points = 0; points <= maximum; points += step) add(points, { value: milliToNumber(points) })
  } else if (scoring.method === 'options') {
    for (const option of scoring.options) if (option.notApplicable !== true) add(readMilli(option.points), { option: option.code })
  } else {
    const inputMin = readMilli(scoring.input.min)
    const inputMax = readMilli(scoring.input.max)
    const bands = scoring.bands.map((band) => ({ min: readMilli(band.min), points: readMilli(band.points) }))
      .filter((band): band is { min: Milli, points: Milli } => band.min !== null && band.points !== null)
      .sort((a, b) => a.min - b.min)
    bands.forEach((band, i) => {
      // The band's own minimum is inside it (lower bounds are inclusive), unless the input range starts above it.
      const measurement = inputMin === null ? band.min : Math.max(band.min, inputMin)
      const next = bands[i + 1]
      if (inputMax !== null && measurement > inputMax) return
      if (next !== undefined && measurement >= next.min) return
      add(band.points, { measurement: milliToNumber(measurement) })
    })
  }
  return [...choices.values()].sort((a, b) => a.points - b.points)
}

/**
 * Scores for a field's leaves that add up exactly to `target` thousandths, each a valid value of its leaf's method,
 * or null when no such scores exist. Greedy over the leaves in order: each takes the valid value nearest its share
 * of what is left (share = left × leaf maximum / maximum of the leaves left), among the values that still let the
 * remaining leaves reach the rest exactly (known from the sums each suffix of leaves can make).
 */
export function distributePoints (leaves: readonly CatalogNode[], target: Milli): LeafChoice[] | null {
  const values = leaves.map(leafValues)
  // reachable[i]: every sum leaves i… can make together.
  const reachable: Set<Milli>[] = new Array(leaves.length + 1)
  reachable[leaves.length] = new Set([0])
  for (let i = leaves.length - 1; i >= 0; i--) {
    const next = reachable[i + 1] as Set<Milli>
    const sums = new Set<Milli>()
    for (const choice of values[i] as LeafChoice[]) for (const sum of next) if (choice.points + sum <= target) sums.add(choice.points + sum)
    reachable[i] = sums
  }
  if (!(reachable[0] as Set<Milli>).has(target)) return null
  const maxima = leaves.map((leaf) => readMilli(leaf.maxPoints) ?? 0)
  const out: LeafChoice[] = []
  let left = target
  leaves.forEach((_, i) => {
    const maximumLeft = maxima.slice(i).reduce((total, max) => total + max, 0)
    const share = maximumLeft === 0 ? 0 : left * (maxima[i] as number) / maximumLeft
    const candidates = [...(values[i] as LeafChoice[])].sort((a, b) => Math.abs(a.points - share) - Math.abs(b.points - share) || b.points - a.points)
    const choice = candidates.find((candidate) => (reachable[i + 1] as Set<Milli>).has(left - candidate.points)) as LeafChoice
    out.push(choice)
    left -= choice.points
  })
  return out
}
