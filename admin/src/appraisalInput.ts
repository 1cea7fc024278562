// The appraisal form's own questions about typed inputs: is it the unit's answer, how does an answer read, is a
// reason needed. It compares inputs, never points: scoring stays with the server, which remains the judge.
import type { BandsScoring, OptionsScoring, RangeScoring } from './api/types'
import type { LeafInputValue } from './components/LeafScoreInput.vue'
import { formatPoints } from './format'
import { inputKey } from './scoreCompare'

export { inputKey, reasonNeeded, sameInput, sameScore } from './scoreCompare'

type Scoring = { method: string } | null

interface LeafState { self: { input: unknown }, appraised: unknown, supplementRequests: readonly unknown[] }

/** A leaf the unit was asked to supplement (request open or answered) waits for its answer and the appraiser's own look. */
export function awaitsSupplement (leaf: Pick<LeafState, 'supplementRequests'>): boolean {
  return leaf.supplementRequests.length > 0
}

/**
 * A leaf the unit never scored, no one has appraised yet and no supplement request waits on: what "Chấm điểm thấp
 * nhất" would score (the server leaves the same leaves out).
 */
export function unscored (leaf: LeafState): boolean {
  return leaf.self.input === null && !leaf.appraised && !awaitsSupplement(leaf)
}

/** "1.000": a thousand to a Vietnamese reader (the point groups thousands), one to a computer. Neither is guessed. */
export const AMBIGUOUS_THOUSANDS = /^[1-9]\d{0,2}(\.\d{3})+$/

/**
 * A typed number the form cannot read (the box passes its text on as typed): not a number at all, or one written with
 * a point between groups of three digits. Officers and appraisers get the same words, before anything is sent.
 */
export function unreadableNumber (input: LeafInputValue | null | undefined): string | null {
  if (input === null || input === undefined) return null
  for (const [key, example] of [['value', '0,75'], ['measurement', '92,5']] as const) {
    const value = input[key] as unknown
    if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) continue
    if (typeof value === 'string' && AMBIGUOUS_THOUSANDS.test(value)) {
      return `Chưa rõ “${value}” là số nào: phần thập phân viết sau dấu phẩy (ví dụ ${example}), số nguyên viết liền không có dấu chấm.`
    }
    return `Nhập một số, ví dụ ${example}.`
  }
  return null
}

/**
 * What is wrong with a typed number before any reason is asked for: a score above the leaf's maximum, below 0 or off
 * its step, a measurement outside its input range, or not a number at all (null: nothing the form can tell). The
 * server checks every input again; this only spares the appraiser a reason written for a value that cannot be saved.
 */
export function inputProblem (scoring: Scoring, maxPoints: number, input: LeafInputValue | null): string | null {
  if (input === null) return null
  const unreadable = unreadableNumber(input)
  if (unreadable !== null) return unreadable
  if (scoring?.method === 'range' && input.value !== undefined) {
    const { step } = scoring as RangeScoring
    if (input.value < 0 || input.value > maxPoints) return `Điểm phải từ 0 đến ${formatPoints(maxPoints)}.`
    // In thousandths, as scores are kept, so 0.1 + 0.2 style remainders never count.
    if (step > 0 && Math.round(input.value * 1000) % Math.round(step * 1000) !== 0) return `Điểm phải theo bước ${formatPoints(step)} (ví dụ ${formatPoints(step)}, ${formatPoints(step * 2)}).`
  }
  if (scoring?.method === 'bands' && input.measurement !== undefined) {
    const { min, max, unit, label } = (scoring as BandsScoring).input
    if (input.measurement < min || input.measurement > max) return `${label} phải từ ${formatPoints(min)} đến ${formatPoints(max)}${unit ? ` ${unit}` : ''}.`
  }
  return null
}

/** How an answer reads: "0,75 điểm", the option's label, or the measured number with its unit. */
export function describeInput (scoring: Scoring, input: LeafInputValue | null | undefined): string {
  if (input === null || input === undefined || inputKey(input) === '') return 'Chưa trả lời'
  if (scoring?.method === 'options' && input.option !== undefined) {
    const option = (scoring as OptionsScoring).options.find((item) => item.code === input.option)
    return option ? option.label : `Lựa chọn ${input.option}`
  }
  if (scoring?.method === 'bands' && input.measurement !== undefined) {
    const unit = (scoring as BandsScoring).input.unit
    return `${(scoring as BandsScoring).input.label}: ${formatPoints(input.measurement)}${unit ? ` ${unit}` : ''}`
  }
  return `${formatPoints(input.value ?? null)} điểm`
}

/** A score as a leaf's history keeps it (the unit's or the appraised entry of one leaf). */
export interface KeptScore { input?: LeafInputValue | null, points?: number | null, notApplicable?: boolean, explanation?: string | null, reason?: string | null }

/** How a kept score reads: "0,75 điểm", "Có (1 điểm)", "không áp dụng", or "chưa có". */
export function describeScore (scoring: Scoring, value: KeptScore | null | undefined): string {
  if (!value || !value.input) return 'chưa có'
  const points = value.notApplicable ? 'không áp dụng' : `${formatPoints(value.points ?? null)} điểm`
  return scoring?.method === 'range' ? points : `${describeInput(scoring, value.input)} (${points})`
}
