// Turns what a unit or an appraiser entered for one leaf into exact points, or says precisely why it cannot.
import { type CatalogNode, type BandsScoring, type OptionsScoring, type RangeScoring, type ScoringMethod, hasChildren } from './catalog.js'
import { type Milli, formatMilli, parseDecimal, parseMilli, parsePoints } from './decimal.js'
import { Text } from '../messages/text.js'

/** One input per scoring method: value for range, option for options, measurement for bands. */
export interface LeafInput {
  value?: number | string
  option?: string
  measurement?: number | string
}

/** An input as the API takes, stores and answers it: numbers are JSON numbers, never text; only the method's own key. */
export interface EnteredInput {
  value?: number | undefined
  option?: string | undefined
  measurement?: number | undefined
}

/**
 * A stored input as the API can say it: one value, option or measurement of the right type. Anything else (a row
 * written outside the API, e.g. {"value": null}) reads as no input rather than failing the whole answer.
 */
export function storedInput (stored: unknown): EnteredInput | null {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return null
  const { value, option, measurement } = stored as Record<string, unknown>
  if (typeof value === 'number' && Number.isFinite(value)) return { value }
  if (typeof option === 'string') return { option }
  if (typeof measurement === 'number' && Number.isFinite(measurement)) return { measurement }
  return null
}

/** Only the input of the leaf's method is stored, in a fixed key order, so audit diffs compare like with like. */
export function normalizeInput (input: EnteredInput): EnteredInput {
  const out: EnteredInput = {}
  if (input.value !== undefined) out.value = input.value
  if (input.option !== undefined) out.option = input.option
  if (input.measurement !== undefined) out.measurement = input.measurement
  return out
}

export type ScoringErrorCode =
  | 'not_a_number'
  | 'negative'
  | 'above_maximum'
  | 'off_step'
  | 'unknown_option'
  | 'measurement_out_of_range'
  | 'wrong_input'
  | 'no_scoring_method'

export interface ScoringError {
  code: ScoringErrorCode
  message: Text
}

/** Why a value is refused, in Vietnamese, by the refusal's code (the English names the values). */
const refusalsVi: Record<ScoringErrorCode, string> = {
  not_a_number: 'không phải là số hợp lệ (tối đa 3 chữ số thập phân)',
  negative: 'điểm không được âm',
  above_maximum: 'vượt quá điểm tối đa của tiêu chí',
  off_step: 'không đúng bước điểm của tiêu chí',
  unknown_option: 'lựa chọn không có trong tiêu chí',
  measurement_out_of_range: 'số liệu nằm ngoài khoảng cho phép',
  wrong_input: 'không đúng cách nhập của tiêu chí',
  no_scoring_method: 'tiêu chí chưa có cách chấm điểm dùng được'
}

export type LeafScore =
  | { ok: true, notApplicable: false, points: Milli }
  | { ok: true, notApplicable: true }
  | { ok: false, error: ScoringError }

type InputName = keyof LeafInput

const INPUT_FOR_METHOD = {
  range: 'value',
  options: 'option',
  bands: 'measurement'
} as const satisfies Record<'range' | 'options' | 'bands', InputName>

/**
 * Scores one leaf. Nothing is clamped or rounded: a value the method cannot take exactly is refused,
 * because a silently adjusted score would differ from what the officer or appraiser signed off.
 * Assumes a catalog that passed validateCatalog; a leaf it cannot read is reported as no_scoring_method.
 */
export function scoreLeaf (leaf: CatalogNode, input: LeafInput): LeafScore {
  const scoring = leaf.scoring
  if (hasChildren(leaf) || scoring === undefined) {
    return fail('no_scoring_method', `Node ${leaf.code} has no scoring method of its own; only leaves are scored.`)
  }
  const expected: InputName | undefined = (INPUT_FOR_METHOD as Record<string, InputName>)[scoring.method]
  if (expected === undefined) {
    return fail('no_scoring_method', `Leaf ${leaf.code} has an unknown scoring method.`)
  }
  // Any other input present means the client misunderstood the leaf; guessing which one it meant would hide that.
  const given = (Object.keys(INPUT_FOR_METHOD) as (keyof typeof INPUT_FOR_METHOD)[])
    .map((method) => INPUT_FOR_METHOD[method])
    .filter((name) => input[name] !== undefined && input[name] !== null)
  const extra = given.filter((name) => name !== expected)
  if (extra.length > 0) {
    return fail('wrong_input', `Leaf ${leaf.code} is scored by ${describeInput(expected)}, not by ${extra.map(describeInput).join(' or ')}.`)
  }
  if (!given.includes(expected)) {
    return fail('wrong_input', `Leaf ${leaf.code} is scored by ${describeInput(expected)}, and none was given.`)
  }

  const max = parsePoints(leaf.maxPoints)
  if (max === null) {
    return fail('no_scoring_method', `Leaf ${leaf.code} has an unusable maximum ${String(leaf.maxPoints)}.`)
  }
  switch (scoring.method) {
    case 'range': return scoreRange(leaf.code, max, scoring, input.value as number | string)
    case 'options': return scoreOption(leaf.code, scoring, input.option as string)
    case 'bands': return scoreBands(leaf.code, scoring, input.measurement as number | string)
  }
}

function scoreRange (code: string, max: Milli, scoring: RangeScoring, value: number | string): LeafScore {
  const step = parsePoints(scoring.step)
  if (step === null || step === 0) {
    return fail('no_scoring_method', `Leaf ${code} has an unusable step ${String(scoring.step)}.`)
  }
  const parsed = parseDecimal(value)
  if (!parsed.ok) {
    if (parsed.reason === 'out_of_range') {
      return isNegativeText(value)
        ? fail('negative', `${quote(value)} is negative; points cannot be below 0.`)
        : fail('above_maximum', `${quote(value)} is above the maximum ${formatMilli(max)} of leaf ${code}.`)
    }
    return notANumber(value, parsed.reason)
  }
  const points = parsed.milli
  if (points < 0) return fail('negative', `${formatMilli(points)} is negative; points cannot be below 0.`)
  if (points > max) return fail('above_maximum', `${formatMilli(points)} is above the maximum ${formatMilli(max)} of leaf ${code}.`, `vượt quá điểm tối đa ${vi(max)} của tiêu chí`)
  if (points % step !== 0) {
    // The nearest values the step allows, so the officer knows what to type instead.
    const below = points - (points % step)
    const nearest = [below, below + step].filter((value) => value >= 0 && value <= max).map(vi).join(' hoặc ')
    return fail('off_step', `${formatMilli(points)} is not a multiple of the step ${formatMilli(step)}.`, `không đúng bước điểm ${vi(step)} của tiêu chí (gần nhất: ${nearest})`)
  }
  return { ok: true, notApplicable: false, points }
}

function scoreOption (code: string, scoring: OptionsScoring, optionCode: string): LeafScore {
  const option = scoring.options.find((candidate) => candidate.code === optionCode)
  if (option === undefined) {
    const known = scoring.options.map((candidate) => candidate.code).join(', ')
    return fail('unknown_option', `${quote(optionCode)} is not an option of leaf ${code}; the options are ${known}.`)
  }
  // Not applicable is not zero: the leaf's maximum leaves the unit's applicable maximum too.
  if (option.notApplicable === true) return { ok: true, notApplicable: true }
  const points = parsePoints(option.points)
  if (points === null) {
    return fail('no_scoring_method', `Option ${option.code} of leaf ${code} has no usable points.`)
  }
  return { ok: true, notApplicable: false, points }
}

function scoreBands (code: string, scoring: BandsScoring, measurement: number | string): LeafScore {
  const inputMin = parseMilli(scoring.input.min)
  const inputMax = parseMilli(scoring.input.max)
  if (inputMin === null || inputMax === null) {
    return fail('no_scoring_method', `Leaf ${code} has an unusable input range.`)
  }
  const unit = scoring.input.unit === undefined || scoring.input.unit === '' ? '' : ` ${scoring.input.unit}`
  const range = `${formatMilli(inputMin)} to ${formatMilli(inputMax)}${unit}`
  const parsed = parseDecimal(measurement)
  if (!parsed.ok) {
    if (parsed.reason === 'out_of_range') {
      return fail('measurement_out_of_range', `${quote(measurement)} is outside the range ${range} of "${scoring.input.label}" for leaf ${code}.`)
    }
    return notANumber(measurement, parsed.reason)
  }
  const value = parsed.milli
  if (value < inputMin || value > inputMax) {
    return fail('measurement_out_of_range', `${formatMilli(value)} is outside the range ${range} of "${scoring.input.label}" for leaf ${code}.`)
  }
  const band = bandFor(scoring, value)
  if (band === null) {
    return fail('no_scoring_method', `No band of leaf ${code} covers ${formatMilli(value)}.`)
  }
  return { ok: true, notApplicable: false, points: band.points }
}

/** The band a measurement (in thousandths) falls into: the one with the highest lower bound not above it. */
function bandFor (scoring: BandsScoring, value: Milli): { index: number, min: Milli, points: Milli } | null {
  const bands = scoring.bands
    .map((band, index) => ({ index, min: parseMilli(band.min), points: parsePoints(band.points) }))
    .filter((band): band is { index: number, min: Milli, points: Milli } => band.min !== null && band.points !== null)
    .sort((a, b) => b.min - a.min)
  return bands.find((candidate) => candidate.min <= value) ?? null
}

/**
 * For a bands leaf with a saved measurement, which of its bands (index in the catalog's list) the measurement fell
 * into, so a screen can show the band without knowing the rule; null for other methods or without a measurement.
 */
export function matchedBand (scoring: ScoringMethod | null | undefined, input: LeafInput | null | undefined): number | null {
  if (scoring?.method !== 'bands' || input?.measurement === undefined || input.measurement === null) return null
  const value = parseMilli(input.measurement)
  return value === null ? null : bandFor(scoring, value)?.index ?? null
}

/** A refusal: the English names the values; the Vietnamese is the code's own sentence, or one naming the values. */
/**
 * The input that gives a leaf its fewest points, never "not applicable": 0 for a range, the option worth least, and
 * for bands the lowest measurement of the band worth least (within the input's range). What the appraisal team records
 * for a leaf the unit never scored, with one reason for all of them. Null when the leaf cannot be scored.
 */
export function lowestInput (leaf: CatalogNode): { input: EnteredInput, points: Milli } | null {
  const scoring = leaf.scoring
  if (scoring === undefined || hasChildren(leaf)) return null
  const candidates: EnteredInput[] = scoring.method === 'range'
    ? [{ value: 0 }]
    : scoring.method === 'options'
      ? scoring.options.filter((option) => option.notApplicable !== true).map((option) => ({ option: option.code }))
      : scoring.bands.map((band) => ({ measurement: Math.min(Math.max(band.min, scoring.input.min), scoring.input.max) }))
  let lowest: { input: EnteredInput, points: Milli } | null = null
  for (const input of candidates) {
    const score = scoreLeaf(leaf, input)
    if (score.ok && !score.notApplicable && (lowest === null || score.points < lowest.points)) lowest = { input, points: score.points }
  }
  return lowest
}

function fail (code: ScoringErrorCode, message: string, vietnamese = refusalsVi[code]): LeafScore {
  return { ok: false, error: { code, message: new Text(message, vietnamese) } }
}

/** Points as Vietnamese write them: 0,25. */
const vi = (milli: Milli): string => formatMilli(milli).replace('.', ',')

function notANumber (value: unknown, reason: 'not_a_number' | 'too_many_decimals'): LeafScore {
  return reason === 'too_many_decimals'
    ? fail('not_a_number', `${quote(value)} has more than 3 decimal places; enter a number with at most 3 decimal places.`)
    : fail('not_a_number', `${quote(value)} is not a number.`)
}

function isNegativeText (value: unknown): boolean {
  return String(value).trim().startsWith('-')
}

// Numbers are quoted as written; strings in quotes, so an empty or blank entry is still visible.
function quote (value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value)
}

function describeInput (name: InputName): string {
  switch (name) {
    case 'value': return 'a value (points)'
    case 'option': return 'an option'
    case 'measurement': return 'a measurement'
  }
}

/** A self-assessment's figures of one field (or overall): points in exact thousandths, answered leaves, leaves not applicable. */
export interface Figures { points: Milli, answered: number, notApplicable: string[] }

/** What figures count of a leaf's stored row. */
interface CountedRow { input: unknown, points: Milli | null, notApplicable: boolean }

/** A leaf a save changes: its row before (absent: none) and after (absent: deleted). */
export interface FigureChange { fieldCode: string, leafCode: string, old: CountedRow | undefined, next: CountedRow | undefined }

/**
 * The figures per field after a save, from those before it and the save's changes, as the entry triggers sum them
 * (the sums triggers of migration 0021: points are the sum of points, answered counts the entries with an input) and as
 * the not-applicable leaves are listed; so a save's answer needs no read after its write. A test holds every save's
 * answer to the full read that follows it.
 */
export function figuresAfter (before: ReadonlyMap<string, Figures>, changes: readonly FigureChange[]): Map<string, Figures> {
  const after = new Map([...before].map(([fieldCode, figures]) => [fieldCode, { ...figures, notApplicable: [...figures.notApplicable] }]))
  for (const { fieldCode, leafCode, old, next } of changes) {
    let figures = after.get(fieldCode)
    if (figures === undefined) after.set(fieldCode, figures = { points: 0, answered: 0, notApplicable: [] })
    figures.points = (figures.points - (old?.points ?? 0) + (next?.points ?? 0)) as Milli
    figures.answered += (next !== undefined && next.input !== null ? 1 : 0) - (old !== undefined && old.input !== null ? 1 : 0)
    figures.notApplicable = figures.notApplicable.filter((code) => code !== leafCode)
    if (next?.notApplicable === true) figures.notApplicable.push(leafCode)
  }
  return after
}
