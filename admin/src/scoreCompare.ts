// Whether two answers of a leaf are the same answer, or the same score, and whether a reason is needed: the questions
// the appraisal form asks before the server, kept free of the app's imports (structural types only) so the API tests
// can check them against the server's domain (test/admin-appraisal-input.test.ts).

/** An answer as the form holds it: the one key of the leaf's method. */
export interface Answer { value?: number, option?: string, measurement?: number }

/** What of a leaf's scoring method the comparison reads. */
export type ScoringShape = {
  method: string
  options?: ReadonlyArray<{ code: string, points?: number, notApplicable?: boolean }>
  bands?: ReadonlyArray<{ min: number, points: number }>
} | null

/** The one key of the leaf's method that an input carries, in a fixed shape, so equal answers compare equal. */
export function inputKey (input: Answer | null | undefined): string {
  if (input === null || input === undefined) return ''
  if (input.option !== undefined) return `option:${input.option}`
  if (input.value !== undefined) return `value:${String(input.value)}`
  if (input.measurement !== undefined) return `measurement:${String(input.measurement)}`
  return ''
}

export function sameInput (a: Answer | null | undefined, b: Answer | null | undefined): boolean {
  return inputKey(a) === inputKey(b)
}

/**
 * What an input is worth, in thousandths as scores are kept ('na' for not applicable), as the server's scoreLeaf
 * reckons it: the typed value, the option's points, or the points of the band with the highest minimum the
 * measurement reaches. Null when the form cannot tell (no method, an unknown option, an unreadable number).
 */
function worth (scoring: ScoringShape, input: Answer): number | 'na' | null {
  const thousandths = (points: number | null | undefined) => typeof points === 'number' && Number.isFinite(points) ? Math.round(points * 1000) : null
  if (scoring?.method === 'range') return thousandths(input.value)
  if (scoring?.method === 'options') {
    const option = scoring.options?.find((item) => item.code === input.option)
    return option === undefined ? null : option.notApplicable ? 'na' : thousandths(option.points ?? 0)
  }
  if (scoring?.method === 'bands' && typeof input.measurement === 'number') {
    const measurement = input.measurement
    const reached = (scoring.bands ?? []).filter((band) => measurement >= band.min).sort((a, b) => b.min - a.min)[0]
    return reached === undefined ? null : thousandths(reached.points)
  }
  return null
}

/**
 * Whether two answers give the same score: what DOMAIN.md §2.4 compares (another measurement in the same band, or
 * another option worth as much, is the same score). When the form cannot tell, the same answer only.
 */
export function sameScore (scoring: ScoringShape, a: Answer | null | undefined, b: Answer | null | undefined): boolean {
  if (sameInput(a, b)) return true
  if (!a || !b) return false
  const left = worth(scoring, a)
  return left !== null && left === worth(scoring, b)
}

/** An appraised score other than the unit's needs a written reason (DOMAIN.md §2.4); an empty one needs nothing. */
export function reasonNeeded (scoring: ScoringShape, appraised: Answer | null, self: Answer | null | undefined, reason: string): boolean {
  return appraised !== null && !sameScore(scoring, appraised, self) && reason.trim() === ''
}
