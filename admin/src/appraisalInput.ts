// The appraisal form's own questions about typed inputs: is it the unit's answer, how does an answer read, is a
// reason needed. It compares inputs, never points: scoring stays with the server, which remains the judge.
import type { BandsScoring, OptionsScoring } from './api/types'
import type { LeafInputValue } from './components/LeafScoreInput.vue'
import { formatPoints } from './format'

type Scoring = { method: string } | null

/** The one key of the leaf's method that an input carries, in a fixed shape, so equal answers compare equal. */
export function inputKey (input: LeafInputValue | null | undefined): string {
  if (input === null || input === undefined) return ''
  if (input.option !== undefined) return `option:${input.option}`
  if (input.value !== undefined) return `value:${String(input.value)}`
  if (input.measurement !== undefined) return `measurement:${String(input.measurement)}`
  return ''
}

export function sameInput (a: LeafInputValue | null | undefined, b: LeafInputValue | null | undefined): boolean {
  return inputKey(a) === inputKey(b)
}

/** An appraised input other than the unit's needs a written reason (DOMAIN.md §2.4); an empty one needs nothing. */
export function reasonNeeded (appraised: LeafInputValue | null, self: LeafInputValue | null | undefined, reason: string): boolean {
  return appraised !== null && !sameInput(appraised, self) && reason.trim() === ''
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
