// The criteria catalog (par-catalog/1): its types, the rules a publishable catalog must satisfy, and its shape.
import { type Milli, formatMilli, parseMilli, parsePoints, sumMilli } from './decimal.js'
import { Text } from '../messages/text.js'

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
  message: Text
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
  const report = (nodeCode: string | null, rule: CatalogRule, en: string, vi: string): void => {
    problems.push({ nodeCode, rule, message: new Text(en, vi) })
  }

  const counts = new Map<string, number>()
  for (const node of walkNodes(doc.nodes)) counts.set(node.code, (counts.get(node.code) ?? 0) + 1)
  for (const [code, count] of counts) {
    if (count > 1) report(code, 'duplicate_code', `The code ${code} is used by ${count} nodes; codes must be unique in a catalog.`, `Mã ${code} được dùng cho ${count} nút; mã phải là duy nhất trong bộ tiêu chí.`)
  }

  // Returns the node's own stated maximum in thousandths (what it is worth to its parent), or null when unusable.
  const checkNode = (node: CatalogNode): Milli | null => {
    const max = parsePoints(node.maxPoints)
    if (max === null) {
      report(node.code, 'invalid_points', `Node ${node.code} has maxPoints ${show(node.maxPoints)}, which is not a non-negative decimal with at most 3 decimal places.`, `Nút ${node.code}: điểm tối đa ${show(node.maxPoints)} không phải số thập phân không âm có tối đa 3 chữ số thập phân.`)
    }
    if (hasChildren(node)) {
      if (node.scoring !== undefined) {
        report(node.code, 'parent_with_scoring', `Node ${node.code} has children and a scoring method; only leaves are scored, a parent is the sum of its children.`, `Nút ${node.code} có nút con nên không có cách chấm điểm riêng; điểm của nút cha là tổng điểm các nút con.`)
      }
      const childMaxima = node.children.map(checkNode)
      if (max !== null && childMaxima.every((value) => value !== null)) {
        const sum = sumMilli(childMaxima as Milli[])
        if (sum !== max) {
          report(node.code, 'parent_sum_mismatch', `Node ${node.code} has maxPoints ${formatMilli(max)} but its children add up to ${formatMilli(sum)}.`, `Nút ${node.code} có điểm tối đa ${vn(max)} nhưng tổng điểm tối đa các nút con là ${vn(sum)}.`)
        }
      }
      return max
    }
    if (node.scoring === undefined) {
      // A field with no criteria yet is a leaf too: it is named as what it is, with what it lacks.
      const vi = node.kind === 'field'
        ? `Lĩnh vực ${node.code} chưa có tiêu chí nào, nên phải có cách chấm điểm; hãy thêm tiêu chí hoặc đặt khoảng điểm, các lựa chọn hoặc các ngưỡng.`
        : `Tiêu chí ${node.code} chưa có cách chấm điểm; mỗi tiêu chí cần khoảng điểm, các lựa chọn hoặc các ngưỡng.`
      report(node.code, 'leaf_without_scoring', `Leaf ${node.code} has no scoring method; every leaf needs range, options or bands.`, vi)
    } else if (max !== null) {
      checkScoring(node.code, max, node.scoring, report)
    }
    return max
  }

  const fieldMaxima = doc.nodes.map(checkNode)
  if (fieldMaxima.every((value) => value !== null)) {
    const total = sumMilli(fieldMaxima as Milli[])
    if (total !== TOTAL_MILLI) {
      report(null, 'total_not_100', `The top-level fields add up to ${formatMilli(total)} points; a catalog is worth exactly 100.`, `Tổng điểm các lĩnh vực là ${vn(total)}; bộ tiêu chí phải có tổng đúng 100 điểm.`)
    }
  }

  checkClassification(doc.classification, report)
  return problems
}

type Report = (nodeCode: string | null, rule: CatalogRule, en: string, vi: string) => void

/** A number of points as Vietnamese write it: a decimal comma. */
const vn = (milli: Milli): string => formatMilli(milli).replace('.', ',')

function show (value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value)
}

function checkScoring (code: string, max: Milli, scoring: ScoringMethod, report: Report): void {
  switch (scoring.method) {
    case 'range': return checkRange(code, max, scoring, report)
    case 'options': return checkOptions(code, max, scoring, report)
    case 'bands': return checkBands(code, max, scoring, report)
    default:
      report(code, 'leaf_without_scoring', `Leaf ${code} has an unknown scoring method ${show((scoring as { method?: unknown }).method)}.`, `Tiêu chí ${code} có cách chấm điểm không xác định ${show((scoring as { method?: unknown }).method)}.`)
  }
}

function checkRange (code: string, max: Milli, scoring: RangeScoring, report: Report): void {
  const step = parseMilli(scoring.step)
  if (step === null) {
    report(code, 'invalid_points', `Leaf ${code} has step ${show(scoring.step)}, which is not a decimal with at most 3 decimal places.`, `Tiêu chí ${code}: bước điểm ${show(scoring.step)} không phải số thập phân có tối đa 3 chữ số thập phân.`)
  } else if (step <= 0) {
    report(code, 'step_not_dividing', `Leaf ${code} has step ${formatMilli(step)}; a step must be greater than 0.`, `Tiêu chí ${code}: bước điểm ${vn(step)} phải lớn hơn 0.`)
  } else if (max % step !== 0) {
    report(code, 'step_not_dividing', `The step ${formatMilli(step)} of leaf ${code} does not divide its maximum ${formatMilli(max)}, so the maximum could not be entered.`, `Bước điểm ${vn(step)} của tiêu chí ${code} không chia hết điểm tối đa ${vn(max)}, nên không thể nhập điểm tối đa.`)
  }
}

function checkOptions (code: string, max: Milli, scoring: OptionsScoring, report: Report): void {
  const seen = new Set<string>()
  const reportedDuplicates = new Set<string>()
  const scored: Milli[] = []
  for (const option of scoring.options) {
    if (seen.has(option.code) && !reportedDuplicates.has(option.code)) {
      reportedDuplicates.add(option.code)
      report(code, 'options_duplicate_code', `Leaf ${code} has more than one option with the code ${show(option.code)}.`, `Tiêu chí ${code} có nhiều lựa chọn cùng mã ${show(option.code)}.`)
    }
    seen.add(option.code)
    const notApplicable = option.notApplicable === true
    const hasPoints = option.points !== undefined
    if (notApplicable && hasPoints) {
      report(code, 'option_points_invalid', `Option ${show(option.code)} of leaf ${code} is marked not applicable and also has points; a not-applicable answer has no points.`, `Lựa chọn ${show(option.code)} của tiêu chí ${code} được đánh dấu không áp dụng nhưng lại có điểm.`)
      continue
    }
    if (!notApplicable && !hasPoints) {
      report(code, 'option_points_invalid', `Option ${show(option.code)} of leaf ${code} has no points and is not marked not applicable.`, `Lựa chọn ${show(option.code)} của tiêu chí ${code} không có điểm và không được đánh dấu không áp dụng.`)
      continue
    }
    if (notApplicable) continue
    const value = parsePoints(option.points)
    if (value === null) {
      report(code, 'invalid_points', `Option ${show(option.code)} of leaf ${code} has points ${show(option.points)}, which is not a non-negative decimal with at most 3 decimal places.`, `Lựa chọn ${show(option.code)} của tiêu chí ${code}: điểm ${show(option.points)} không phải số thập phân không âm có tối đa 3 chữ số thập phân.`)
      continue
    }
    scored.push(value)
  }
  if (scored.length === 0) {
    report(code, 'options_max_mismatch', `Leaf ${code} has no option with points, so its maximum ${formatMilli(max)} can never be given.`, `Tiêu chí ${code} không có lựa chọn nào có điểm, nên không bao giờ đạt được điểm tối đa ${vn(max)}.`)
    return
  }
  const highest = Math.max(...scored)
  const lowest = Math.min(...scored)
  if (highest !== max) {
    report(code, 'options_max_mismatch', `The highest option of leaf ${code} is worth ${formatMilli(highest)} but the leaf's maximum is ${formatMilli(max)}.`, `Lựa chọn cao nhất của tiêu chí ${code} được ${vn(highest)} điểm nhưng điểm tối đa của tiêu chí là ${vn(max)}.`)
  }
  if (lowest !== 0) {
    report(code, 'options_min_not_zero', `The lowest option of leaf ${code} is worth ${formatMilli(lowest)}; there must be an option worth 0.`, `Lựa chọn thấp nhất của tiêu chí ${code} được ${vn(lowest)} điểm; cần có một lựa chọn 0 điểm.`)
  }
}

function checkBands (code: string, max: Milli, scoring: BandsScoring, report: Report): void {
  const inputMin = parseMilli(scoring.input.min)
  const inputMax = parseMilli(scoring.input.max)
  if (inputMin === null || inputMax === null) {
    report(code, 'bands_input_range', `The input range ${show(scoring.input.min)} to ${show(scoring.input.max)} of leaf ${code} is not made of decimals with at most 3 decimal places.`, `Khoảng số liệu ${show(scoring.input.min)} đến ${show(scoring.input.max)} của tiêu chí ${code} không phải số thập phân có tối đa 3 chữ số thập phân.`)
  } else if (inputMin >= inputMax) {
    report(code, 'bands_input_range', `The input range of leaf ${code} runs from ${formatMilli(inputMin)} to ${formatMilli(inputMax)}; its minimum must be below its maximum.`, `Khoảng số liệu của tiêu chí ${code} từ ${vn(inputMin)} đến ${vn(inputMax)}; giá trị nhỏ nhất phải nhỏ hơn giá trị lớn nhất.`)
  }
  const rangeUsable = inputMin !== null && inputMax !== null && inputMin < inputMax

  if (scoring.bands.length === 0) {
    report(code, 'bands_input_range', `Leaf ${code} has no bands, so no measurement can be scored.`, `Tiêu chí ${code} chưa có ngưỡng nào, nên không chấm được số liệu.`)
    return
  }

  const bands: { min: Milli, points: Milli | null }[] = []
  for (const band of scoring.bands) {
    const min = parseMilli(band.min)
    if (min === null) {
      report(code, 'bands_input_range', `A band of leaf ${code} starts at ${show(band.min)}, which is not a decimal with at most 3 decimal places.`, `Một ngưỡng của tiêu chí ${code} bắt đầu từ ${show(band.min)}, không phải số thập phân có tối đa 3 chữ số thập phân.`)
    }
    const parsedPoints = parseMilli(band.points)
    if (parsedPoints === null) {
      report(code, 'invalid_points', `A band of leaf ${code} gives ${show(band.points)} points, which is not a decimal with at most 3 decimal places.`, `Một ngưỡng của tiêu chí ${code} cho ${show(band.points)} điểm, không phải số thập phân có tối đa 3 chữ số thập phân.`)
    } else if (parsedPoints < 0 || parsedPoints > max) {
      report(code, 'bands_points_invalid', `A band of leaf ${code} gives ${formatMilli(parsedPoints)} points; band points must lie between 0 and the maximum ${formatMilli(max)}.`, `Một ngưỡng của tiêu chí ${code} cho ${vn(parsedPoints)} điểm; điểm của ngưỡng phải từ 0 đến điểm tối đa ${vn(max)}.`)
    }
    if (min !== null) bands.push({ min, points: parsedPoints })
    if (min !== null && rangeUsable && (min < (inputMin as Milli) || min > (inputMax as Milli))) {
      report(code, 'bands_input_range', `A band of leaf ${code} starts at ${formatMilli(min)}, outside the input range ${formatMilli(inputMin as Milli)} to ${formatMilli(inputMax as Milli)}.`, `Một ngưỡng của tiêu chí ${code} bắt đầu từ ${vn(min)}, nằm ngoài khoảng số liệu ${vn(inputMin as Milli)} đến ${vn(inputMax as Milli)}.`)
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
    report(code, 'bands_unsorted', `The bands of leaf ${code} must be listed from the highest minimum to the lowest; they are listed as ${bands.map((band) => formatMilli(band.min)).join(', ')}.`, `Các ngưỡng của tiêu chí ${code} phải xếp từ mức bắt đầu cao nhất đến thấp nhất; hiện đang là ${bands.map((band) => vn(band.min)).join('; ')}.`)
  }
  const mins = new Map<Milli, number>()
  for (const band of bands) mins.set(band.min, (mins.get(band.min) ?? 0) + 1)
  for (const [min, count] of mins) {
    if (count > 1) report(code, 'bands_overlap', `${count} bands of leaf ${code} start at ${formatMilli(min)}; each band needs its own minimum.`, `${count} ngưỡng của tiêu chí ${code} cùng bắt đầu từ ${vn(min)}; mỗi ngưỡng cần mức bắt đầu riêng.`)
  }

  const top = bands.reduce((best, band) => (band.min > best.min ? band : best))
  // A top band outside 0..max was already reported as bands_points_invalid; saying it twice adds nothing.
  if (top.points !== null && top.points >= 0 && top.points <= max && top.points !== max) {
    report(code, 'bands_top_mismatch', `The highest band of leaf ${code} gives ${formatMilli(top.points)} points but the leaf's maximum is ${formatMilli(max)}.`, `Ngưỡng cao nhất của tiêu chí ${code} cho ${vn(top.points)} điểm nhưng điểm tối đa của tiêu chí là ${vn(max)}.`)
  }
  const lowest = Math.min(...bands.map((band) => band.min))
  if (rangeUsable && lowest !== inputMin) {
    report(code, 'bands_input_range', `The lowest band of leaf ${code} starts at ${formatMilli(lowest)} but the input range starts at ${formatMilli(inputMin as Milli)}, so some measurements would get no points.`, `Ngưỡng thấp nhất của tiêu chí ${code} bắt đầu từ ${vn(lowest)} nhưng khoảng số liệu bắt đầu từ ${vn(inputMin as Milli)}, nên một số số liệu sẽ không có điểm.`)
  }
}

function checkClassification (bands: readonly ClassificationBand[], report: Report): void {
  const mins: (Milli | null)[] = bands.map((band) => parseMilli(band.min))
  bands.forEach((band, i) => {
    const min = mins[i]
    if (min === null || min === undefined) {
      report(null, 'classification_invalid', `Classification band ${show(band.code)} starts at ${show(band.min)}, which is not a decimal with at most 3 decimal places.`, `Mức xếp loại ${show(band.code)} bắt đầu từ ${show(band.min)}, không phải số thập phân có tối đa 3 chữ số thập phân.`)
    } else if (min < 0 || min > TOTAL_MILLI) {
      report(null, 'classification_invalid', `Classification band ${show(band.code)} starts at ${formatMilli(min)}; band minimums lie between 0 and 100.`, `Mức xếp loại ${show(band.code)} bắt đầu từ ${vn(min)}; mức bắt đầu phải từ 0 đến 100.`)
    }
  })
  for (let i = 1; i < bands.length; i++) {
    const previous = mins[i - 1]
    const current = mins[i]
    if (previous === null || previous === undefined || current === null || current === undefined) continue
    if (current >= previous) {
      report(null, 'classification_invalid', `Classification band ${show(bands[i]?.code)} (from ${formatMilli(current)}) is listed after band ${show(bands[i - 1]?.code)} (from ${formatMilli(previous)}); bands must be listed from the highest minimum down, each minimum lower than the one before.`, `Mức xếp loại ${show(bands[i]?.code)} (từ ${vn(current)}) đứng sau mức ${show(bands[i - 1]?.code)} (từ ${vn(previous)}); các mức phải xếp từ cao xuống thấp.`)
    }
  }
  if (!mins.some((min) => min === 0)) {
    report(null, 'classification_invalid', 'No classification band starts at 0, so a low index would have no classification.', 'Không có mức xếp loại nào bắt đầu từ 0, nên chỉ số thấp sẽ không được xếp loại.')
  }
  const codes = new Set<string>()
  for (const band of bands) {
    if (codes.has(band.code)) report(null, 'classification_invalid', `More than one classification band has the code ${show(band.code)}.`, `Có nhiều mức xếp loại cùng mã ${show(band.code)}.`)
    codes.add(band.code)
  }
}

/** Orders node codes as a catalog reads ("1.2" before "1.10"). */
export const compareNodeCodes = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true })
