// The leaf scoring-method editor's form model: text boxes in, a ScoringMethod out. The server checks the rules.
import type { ScoringMethod } from './api/types'
import { decimalInputText, formatPoints, parseDecimalInput } from './format'

export type ScoringMethodName = ScoringMethod['method']

export interface OptionRow { code: string, label: string, points: string, notApplicable: boolean }
export interface BandRow { min: string, points: string }

export interface ScoringForm {
  method: ScoringMethodName
  step: string
  options: OptionRow[]
  input: { label: string, unit: string, min: string, max: string }
  bands: BandRow[]
}

export const methodLabels: Record<ScoringMethodName, string> = {
  range: 'Chấm theo khoảng điểm (bội số của bước)',
  options: 'Chọn một trong các phương án',
  bands: 'Nhập số liệu, quy đổi theo ngưỡng'
}

/** A form for an existing method, or a sensible new one (range by 0.25, or the usual three-answer options). */
export function toScoringForm (scoring: ScoringMethod | null | undefined, maxPoints?: number): ScoringForm {
  const max = decimalInputText(maxPoints ?? 1)
  const form: ScoringForm = {
    method: scoring?.method ?? 'range',
    step: '0,25',
    options: [
      { code: 'a', label: 'Đạt', points: max, notApplicable: false },
      { code: 'b', label: 'Không đạt', points: '0', notApplicable: false }
    ],
    input: { label: '', unit: '%', min: '0', max: '100' },
    bands: [{ min: '95', points: max }, { min: '0', points: '0' }]
  }
  if (scoring?.method === 'range') form.step = decimalInputText(scoring.step)
  if (scoring?.method === 'options') {
    form.options = scoring.options.map((option) => ({
      code: option.code,
      label: option.label,
      points: decimalInputText(option.points),
      notApplicable: option.notApplicable === true
    }))
  }
  if (scoring?.method === 'bands') {
    form.input = {
      label: scoring.input.label,
      unit: scoring.input.unit ?? '',
      min: decimalInputText(scoring.input.min),
      max: decimalInputText(scoring.input.max)
    }
    form.bands = scoring.bands.map((band) => ({ min: decimalInputText(band.min), points: decimalInputText(band.points) }))
  }
  return form
}

/** The method the form describes, or the list of boxes that do not hold a number. */
export function fromScoringForm (form: ScoringForm): { scoring?: ScoringMethod, errors: string[] } {
  const errors: string[] = []
  const number = (text: string, what: string): number => {
    const value = parseDecimalInput(text)
    if (value === undefined) errors.push(`${what}: “${text}” không phải là số`)
    return value ?? 0
  }
  let scoring: ScoringMethod
  if (form.method === 'range') {
    scoring = { method: 'range', step: number(form.step, 'Bước điểm') }
  } else if (form.method === 'options') {
    if (form.options.length === 0) errors.push('Cần ít nhất một phương án')
    scoring = {
      method: 'options',
      options: form.options.map((option, index) => {
        const code = option.code.trim()
        const label = option.label.trim()
        if (!code || !label) errors.push(`Phương án ${index + 1}: cần có mã và nội dung`)
        if (option.notApplicable) return { code, label, notApplicable: true }
        return { code, label, points: number(option.points, `Điểm của phương án ${code || index + 1}`) }
      })
    }
  } else {
    const label = form.input.label.trim()
    if (!label) errors.push('Cần ghi tên số liệu được nhập')
    const unit = form.input.unit.trim()
    scoring = {
      method: 'bands',
      input: {
        label,
        ...(unit ? { unit } : {}),
        min: number(form.input.min, 'Giá trị nhỏ nhất'),
        max: number(form.input.max, 'Giá trị lớn nhất')
      },
      bands: form.bands.map((band, index) => ({
        min: number(band.min, `Ngưỡng ${index + 1}`),
        points: number(band.points, `Điểm của ngưỡng ${index + 1}`)
      }))
    }
    if (form.bands.length === 0) errors.push('Cần ít nhất một ngưỡng')
  }
  return errors.length > 0 ? { errors } : { scoring, errors }
}

/** One line describing a leaf's method, for the tree. */
export function describeScoring (scoring: ScoringMethod | null): string {
  if (!scoring) return 'Chưa có phương pháp chấm'
  if (scoring.method === 'range') return `Chấm từ 0 đến tối đa, bước ${formatPoints(scoring.step)}`
  if (scoring.method === 'options') {
    return scoring.options
      .map((option) => `${option.label} (${option.notApplicable ? 'không áp dụng' : formatPoints(option.points)})`)
      .join(' · ')
  }
  const unit = scoring.input.unit ? ` ${scoring.input.unit}` : ''
  const bands = scoring.bands.map((band) => `≥ ${formatPoints(band.min)}${unit} → ${formatPoints(band.points)}`).join('; ')
  return `${scoring.input.label}: ${bands}`
}
