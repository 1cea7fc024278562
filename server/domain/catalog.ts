// The criteria catalog (par-catalog/1): its types, the rules a publishable catalog must satisfy, and its shape.
import { type Milli, formatMilli, parseDecimal, parseMilli, sumMilli } from './decimal.js'

export interface RangeScoring {
  method: 'range'
  step: number
}

export interface ScoringOption {
  code: string
  label: string
  points?: number
  notApplicable?: boolean
}

export interface OptionsScoring {
  method: 'options'
  options: ScoringOption[]
}

export interface ScoringBand {
  min: number
  points: number
}

export interface BandsScoring {
  method: 'bands'
  input: { label: string, unit?: string, min: number, max: number }
  bands: ScoringBand[]
}

export type ScoringMethod = RangeScoring | OptionsScoring | BandsScoring

export type NodeKind = 'field' | 'criterion' | 'subcriterion'
export type EvidenceRule = 'required' | 'optional' | 'none'

export interface CatalogNode {
  code: string
  kind: NodeKind
  title: string
  maxPoints: number
  children?: CatalogNode[]
  scoring?: ScoringMethod
  /** Absent means 'optional'. */
  evidence?: EvidenceRule
  guidance?: string
}

export interface ClassificationBand {
  code: string
  label: string
  /** Lowest index (0–100) of the band, inclusive. */
  min: number
}

export type RankingMethod = 'dense' | 'competition'

export interface CatalogDocument {
  format: 'par-catalog/1'
  code: string
  title: string
  year: number
  unitType: string
  legalBasis: string
  provenance?: string
  classification: ClassificationBand[]
  ranking: RankingMethod
  nodes: CatalogNode[]
}

export type CatalogRule =
  | 'duplicate_code'
  | 'parent_sum_mismatch'
  | 'total_not_100'
  | 'leaf_without_scoring'
  | 'parent_with_scoring'
  | 'options_max_mismatch'
  | 'options_min_not_zero'
  | 'options_duplicate_code'
  | 'option_points_invalid'
  | 'bands_unsorted'
  | 'bands_overlap'
  | 'bands_top_mismatch'
  | 'bands_points_invalid'
  | 'bands_input_range'
  | 'step_not_dividing'
  | 'invalid_points'
  | 'classification_invalid'

export interface CatalogProblem {
  /** The node the problem is on; null for catalog-wide problems (total, classification). */
  nodeCode: string | null
  rule: CatalogRule
  message: string
}

export interface FieldStats {
  code: string
  title: string
  maxPoints: number
  /** Direct children of the field. */
  criteria: number
  /** Children of those children. */
  subcriteria: number
  leaves: number
}

export interface CatalogLeaf {
  /** Code of the top-level field the leaf belongs to, which is how appraisers and reports group leaves. */
  fieldCode: string
  node: CatalogNode
}

export const TOTAL_MILLI: Milli = 100_000

export function hasChildren (node: CatalogNode): node is CatalogNode & { children: CatalogNode[] } {
  return Array.isArray(node.children) && node.children.length > 0
}

export function evidenceRule (node: CatalogNode): EvidenceRule {
  return node.evidence ?? 'optional'
}

/** Every node, parents before their children, in document order. */
export function walkNodes (nodes: readonly CatalogNode[]): CatalogNode[] {
  const out: CatalogNode[] = []
  const visit = (node: CatalogNode): void => {
    out.push(node)
    for (const child of node.children ?? []) visit(child)
  }
  for (const node of nodes) visit(node)
  return out
}

/** Every leaf with its field code, in document order; a field without children is itself a leaf. */
export function leaves (doc: Pick<CatalogDocument, 'nodes'>): CatalogLeaf[] {
  const out: CatalogLeaf[] = []
  for (const field of doc.nodes) {
    for (const node of walkNodes([field])) {
      if (!hasChildren(node)) out.push({ fieldCode: field.code, node })
    }
  }
  return out
}

export function catalogStats (doc: Pick<CatalogDocument, 'nodes'>): FieldStats[] {
  return doc.nodes.map((field) => {
    const criteria = field.children ?? []
    return {
      code: field.code,
      title: field.title,
      maxPoints: field.maxPoints,
      criteria: criteria.length,
      subcriteria: criteria.reduce((count, criterion) => count + (criterion.children?.length ?? 0), 0),
      leaves: walkNodes([field]).filter((node) => !hasChildren(node)).length
    }
  })
}

/**
 * Every rule a catalog breaks, all at once, so an admin fixes a draft in one pass instead of one error per upload.
 * Assumes the JSON shape was checked by the API schema; this checks the arithmetic and the scoring rules.
 * A value that is itself invalid is reported once and left out of the sums that depend on it, so one typo
 * does not surface as a cascade of mismatches up the tree.
 */
export function validateCatalog (doc: CatalogDocument): CatalogProblem[] {
  const problems: CatalogProblem[] = []
  const report = (nodeCode: string | null, rule: CatalogRule, message: string): void => {
    problems.push({ nodeCode, rule, message })
  }

  const counts = new Map<string, number>()
  for (const node of walkNodes(doc.nodes)) counts.set(node.code, (counts.get(node.code) ?? 0) + 1)
  for (const [code, count] of counts) {
    if (count > 1) report(code, 'duplicate_code', `The code ${code} is used by ${count} nodes; codes must be unique in a catalog.`)
  }

  // Returns the node's own stated maximum in thousandths (what it is worth to its parent), or null when unusable.
  const checkNode = (node: CatalogNode): Milli | null => {
    const max = points(node.maxPoints)
    if (max === null) {
      report(node.code, 'invalid_points', `Node ${node.code} has maxPoints ${show(node.maxPoints)}, which is not a non-negative decimal with at most 3 decimal places.`)
    }
    if (hasChildren(node)) {
      if (node.scoring !== undefined) {
        report(node.code, 'parent_with_scoring', `Node ${node.code} has children and a scoring method; only leaves are scored, a parent is the sum of its children.`)
      }
      const childMaxima = node.children.map(checkNode)
      if (max !== null && childMaxima.every((value) => value !== null)) {
        const sum = sumMilli(childMaxima as Milli[])
        if (sum !== max) {
          report(node.code, 'parent_sum_mismatch', `Node ${node.code} has maxPoints ${formatMilli(max)} but its children add up to ${formatMilli(sum)}.`)
        }
      }
      return max
    }
    if (node.scoring === undefined) {
      report(node.code, 'leaf_without_scoring', `Leaf ${node.code} has no scoring method; every leaf needs range, options or bands.`)
    } else if (max !== null) {
      checkScoring(node.code, max, node.scoring, report)
    }
    return max
  }

  const fieldMaxima = doc.nodes.map(checkNode)
  if (fieldMaxima.every((value) => value !== null)) {
    const total = sumMilli(fieldMaxima as Milli[])
    if (total !== TOTAL_MILLI) {
      report(null, 'total_not_100', `The top-level fields add up to ${formatMilli(total)} points; a catalog is worth exactly 100.`)
    }
  }

  checkClassification(doc.classification, report)
  return problems
}

type Report = (nodeCode: string | null, rule: CatalogRule, message: string) => void

// Points must be non-negative decimals with at most 3 places.
function points (value: unknown): Milli | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null
  const milli = parseMilli(value)
  return milli !== null && milli >= 0 ? milli : null
}

// Measurement bounds may be negative (a change, a difference), but must still be exact.
function decimal (value: unknown): Milli | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null
  const parsed = parseDecimal(value)
  return parsed.ok ? parsed.milli : null
}

function show (value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value)
}

function checkScoring (code: string, max: Milli, scoring: ScoringMethod, report: Report): void {
  switch (scoring.method) {
    case 'range': return checkRange(code, max, scoring, report)
    case 'options': return checkOptions(code, max, scoring, report)
    case 'bands': return checkBands(code, max, scoring, report)
    default:
      report(code, 'leaf_without_scoring', `Leaf ${code} has an unknown scoring method ${show((scoring as { method?: unknown }).method)}.`)
  }
}

function checkRange (code: string, max: Milli, scoring: RangeScoring, report: Report): void {
  const step = decimal(scoring.step)
  if (step === null) {
    report(code, 'invalid_points', `Leaf ${code} has step ${show(scoring.step)}, which is not a decimal with at most 3 decimal places.`)
  } else if (step <= 0) {
    report(code, 'step_not_dividing', `Leaf ${code} has step ${formatMilli(step)}; a step must be greater than 0.`)
  } else if (max % step !== 0) {
    report(code, 'step_not_dividing', `The step ${formatMilli(step)} of leaf ${code} does not divide its maximum ${formatMilli(max)}, so the maximum could not be entered.`)
  }
}

function checkOptions (code: string, max: Milli, scoring: OptionsScoring, report: Report): void {
  const seen = new Set<string>()
  const reportedDuplicates = new Set<string>()
  const scored: Milli[] = []
  for (const option of scoring.options) {
    if (seen.has(option.code) && !reportedDuplicates.has(option.code)) {
      reportedDuplicates.add(option.code)
      report(code, 'options_duplicate_code', `Leaf ${code} has more than one option with the code ${show(option.code)}.`)
    }
    seen.add(option.code)
    const notApplicable = option.notApplicable === true
    const hasPoints = option.points !== undefined
    if (notApplicable && hasPoints) {
      report(code, 'option_points_invalid', `Option ${show(option.code)} of leaf ${code} is marked not applicable and also has points; a not-applicable answer has no points.`)
      continue
    }
    if (!notApplicable && !hasPoints) {
      report(code, 'option_points_invalid', `Option ${show(option.code)} of leaf ${code} has no points and is not marked not applicable.`)
      continue
    }
    if (notApplicable) continue
    const value = points(option.points)
    if (value === null) {
      report(code, 'invalid_points', `Option ${show(option.code)} of leaf ${code} has points ${show(option.points)}, which is not a non-negative decimal with at most 3 decimal places.`)
      continue
    }
    scored.push(value)
  }
  if (scored.length === 0) {
    report(code, 'options_max_mismatch', `Leaf ${code} has no option with points, so its maximum ${formatMilli(max)} can never be given.`)
    return
  }
  const highest = Math.max(...scored)
  const lowest = Math.min(...scored)
  if (highest !== max) {
    report(code, 'options_max_mismatch', `The highest option of leaf ${code} is worth ${formatMilli(highest)} but the leaf's maximum is ${formatMilli(max)}.`)
  }
  if (lowest !== 0) {
    report(code, 'options_min_not_zero', `The lowest option of leaf ${code} is worth ${formatMilli(lowest)}; there must be an option worth 0.`)
  }
}

function checkBands (code: string, max: Milli, scoring: BandsScoring, report: Report): void {
  const inputMin = decimal(scoring.input.min)
  const inputMax = decimal(scoring.input.max)
  if (inputMin === null || inputMax === null) {
    report(code, 'bands_input_range', `The input range ${show(scoring.input.min)} to ${show(scoring.input.max)} of leaf ${code} is not made of decimals with at most 3 decimal places.`)
  } else if (inputMin >= inputMax) {
    report(code, 'bands_input_range', `The input range of leaf ${code} runs from ${formatMilli(inputMin)} to ${formatMilli(inputMax)}; its minimum must be below its maximum.`)
  }
  const rangeUsable = inputMin !== null && inputMax !== null && inputMin < inputMax

  if (scoring.bands.length === 0) {
    report(code, 'bands_input_range', `Leaf ${code} has no bands, so no measurement can be scored.`)
    return
  }

  const bands: { min: Milli, points: Milli | null }[] = []
  for (const band of scoring.bands) {
    const min = decimal(band.min)
    if (min === null) {
      report(code, 'bands_input_range', `A band of leaf ${code} starts at ${show(band.min)}, which is not a decimal with at most 3 decimal places.`)
    }
    const parsedPoints = decimal(band.points)
    if (parsedPoints === null) {
      report(code, 'invalid_points', `A band of leaf ${code} gives ${show(band.points)} points, which is not a decimal with at most 3 decimal places.`)
    } else if (parsedPoints < 0 || parsedPoints > max) {
      report(code, 'bands_points_invalid', `A band of leaf ${code} gives ${formatMilli(parsedPoints)} points; band points must lie between 0 and the maximum ${formatMilli(max)}.`)
    }
    if (min !== null) bands.push({ min, points: parsedPoints })
    if (min !== null && rangeUsable && (min < (inputMin as Milli) || min > (inputMax as Milli))) {
      report(code, 'bands_input_range', `A band of leaf ${code} starts at ${formatMilli(min)}, outside the input range ${formatMilli(inputMin as Milli)} to ${formatMilli(inputMax as Milli)}.`)
    }
  }
  if (bands.length === 0) return

  // Order is part of the contract: scoring reads bands top-down, so a misordered list is a likely slip.
  let unsorted = false
  for (let i = 1; i < bands.length; i++) {
    const previous = bands[i - 1] as { min: Milli }
    const current = bands[i] as { min: Milli }
    if (current.min > previous.min) unsorted = true
  }
  if (unsorted) {
    report(code, 'bands_unsorted', `The bands of leaf ${code} must be listed from the highest minimum to the lowest; they are listed as ${bands.map((band) => formatMilli(band.min)).join(', ')}.`)
  }
  const mins = new Map<Milli, number>()
  for (const band of bands) mins.set(band.min, (mins.get(band.min) ?? 0) + 1)
  for (const [min, count] of mins) {
    if (count > 1) report(code, 'bands_overlap', `${count} bands of leaf ${code} start at ${formatMilli(min)}; each band needs its own minimum.`)
  }

  const top = bands.reduce((best, band) => (band.min > best.min ? band : best))
  // A top band outside 0..max was already reported as bands_points_invalid; saying it twice adds nothing.
  if (top.points !== null && top.points >= 0 && top.points <= max && top.points !== max) {
    report(code, 'bands_top_mismatch', `The highest band of leaf ${code} gives ${formatMilli(top.points)} points but the leaf's maximum is ${formatMilli(max)}.`)
  }
  const lowest = Math.min(...bands.map((band) => band.min))
  if (rangeUsable && lowest !== inputMin) {
    report(code, 'bands_input_range', `The lowest band of leaf ${code} starts at ${formatMilli(lowest)} but the input range starts at ${formatMilli(inputMin as Milli)}, so some measurements would get no points.`)
  }
}

function checkClassification (bands: readonly ClassificationBand[], report: Report): void {
  const mins: (Milli | null)[] = bands.map((band) => decimal(band.min))
  bands.forEach((band, i) => {
    const min = mins[i]
    if (min === null || min === undefined) {
      report(null, 'classification_invalid', `Classification band ${show(band.code)} starts at ${show(band.min)}, which is not a decimal with at most 3 decimal places.`)
    } else if (min < 0 || min > TOTAL_MILLI) {
      report(null, 'classification_invalid', `Classification band ${show(band.code)} starts at ${formatMilli(min)}; band minimums lie between 0 and 100.`)
    }
  })
  for (let i = 1; i < bands.length; i++) {
    const previous = mins[i - 1]
    const current = mins[i]
    if (previous === null || previous === undefined || current === null || current === undefined) continue
    if (current >= previous) {
      report(null, 'classification_invalid', `Classification band ${show(bands[i]?.code)} (from ${formatMilli(current)}) is listed after band ${show(bands[i - 1]?.code)} (from ${formatMilli(previous)}); bands must be listed from the highest minimum down, each minimum lower than the one before.`)
    }
  }
  if (!mins.some((min) => min === 0)) {
    report(null, 'classification_invalid', 'No classification band starts at 0, so a low index would have no classification.')
  }
  const codes = new Set<string>()
  for (const band of bands) {
    if (codes.has(band.code)) report(null, 'classification_invalid', `More than one classification band has the code ${show(band.code)}.`)
    codes.add(band.code)
  }
}

/** Orders node codes as a catalog reads ("1.2" before "1.10"). */
export const compareNodeCodes = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true })
