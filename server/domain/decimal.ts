// Exact decimal arithmetic for points: integer thousandths in, fixed strings out, never a float sum.

/** Points as integer thousandths ("milli-points"); always a safe integer. */
export type Milli = number

/** An exact ratio, used where a division (average, index) must not round early. */
export interface Fraction {
  numerator: bigint
  denominator: bigint
}

export const MILLI_PER_POINT = 1000
const DECIMAL_PLACES = 3

export type DecimalParse =
  | { ok: true, milli: Milli }
  | { ok: false, reason: 'not_a_number' | 'too_many_decimals' | 'out_of_range' }

// JSON numbers and their String() forms share this grammar; exponents appear for very small or very large numbers.
const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/

// 2^53 has 16 digits, so a milli value needing more than 16 digits cannot be a safe integer.
const MAX_SAFE_DIGITS = 16

/**
 * Parses a JSON number or a decimal string exactly, saying why when it cannot: the caller needs to tell
 * "not a number" from "too precise" from "too large" to give a useful error.
 * Trailing zeros do not count as decimal places: "1.2500" is 1.25.
 */
export function parseDecimal (value: number | string): DecimalParse {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'not_a_number' }
    // String() gives the shortest form that round-trips, so 0.25 is read as the decimal the author wrote.
    text = String(value)
  } else if (typeof value === 'string') {
    text = value
  } else {
    return { ok: false, reason: 'not_a_number' }
  }
  const match = DECIMAL_PATTERN.exec(text)
  if (match === null) return { ok: false, reason: 'not_a_number' }
  const sign = match[1] === '-' ? -1n : 1n
  const fractionDigits = match[3] ?? ''
  let digits = ((match[2] ?? '') + fractionDigits).replace(/^0+/, '')
  // Very long exponents would make Number() lose them; beyond this magnitude nothing can fit anyway.
  const exponentText = match[4] ?? '0'
  if (exponentText.replace(/^[+-]?0*/, '').length > 6) {
    return digits === '' ? { ok: true, milli: 0 } : { ok: false, reason: exponentText.startsWith('-') ? 'too_many_decimals' : 'out_of_range' }
  }
  if (digits === '') return { ok: true, milli: 0 }
  let scale = fractionDigits.length - Number(exponentText)
  const trailingZeros = /0*$/.exec(digits)?.[0].length ?? 0
  digits = digits.slice(0, digits.length - trailingZeros)
  scale -= trailingZeros
  if (scale > DECIMAL_PLACES) return { ok: false, reason: 'too_many_decimals' }
  const shift = DECIMAL_PLACES - scale
  if (digits.length + shift > MAX_SAFE_DIGITS) return { ok: false, reason: 'out_of_range' }
  const milli = sign * BigInt(digits) * 10n ** BigInt(shift)
  if (milli > BigInt(Number.MAX_SAFE_INTEGER) || milli < BigInt(Number.MIN_SAFE_INTEGER)) {
    return { ok: false, reason: 'out_of_range' }
  }
  return { ok: true, milli: Number(milli) }
}

/** Exact parse of a decimal (a number or its text) with at most 3 places into thousandths; null for anything else. Negatives parse. */
export function parseMilli (value: unknown): Milli | null {
  if (typeof value !== 'number' && typeof value !== 'string') return null
  const parsed = parseDecimal(value)
  return parsed.ok ? parsed.milli : null
}

/** parseMilli for points and maxima, which are never negative. */
export function parsePoints (value: unknown): Milli | null {
  const milli = parseMilli(value)
  return milli !== null && milli >= 0 ? milli : null
}

/** For JSON output only; the division is correctly rounded, so String() of the result shows the exact decimal. */
export function milliToNumber (m: Milli): number {
  return m / MILLI_PER_POINT
}

/** Fixed-decimal text, rounded half up (away from zero) when fewer than 3 places are asked for. */
export function milliToString (m: Milli, places = DECIMAL_PLACES): string {
  return roundHalfUp(BigInt(m), BigInt(MILLI_PER_POINT), places)
}

/** The shortest exact text of a value ("0.25", "1", "-0.3"), for messages that quote what was entered. */
export function formatMilli (m: Milli): string {
  return milliToString(m, DECIMAL_PLACES).replace(/\.?0+$/, '')
}

/**
 * numerator / denominator rounded half away from zero to `places` decimals, as fixed text.
 * Done in integers because the report's own average row shows what binary floats do to 19.325.
 */
export function roundHalfUp (numerator: bigint, denominator: bigint, places: number): string {
  if (denominator === 0n) throw new RangeError('roundHalfUp: the denominator is 0')
  if (!Number.isSafeInteger(places) || places < 0) throw new RangeError(`roundHalfUp: places must be a non-negative integer, got ${places}`)
  const negative = (numerator < 0n) !== (denominator < 0n)
  const n = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  const scaled = n * 10n ** BigInt(places)
  let quotient = scaled / d
  if ((scaled % d) * 2n >= d) quotient += 1n
  const digits = quotient.toString().padStart(places + 1, '0')
  const integerPart = digits.slice(0, digits.length - places)
  const fractionPart = digits.slice(digits.length - places)
  // A value that rounds to zero is printed without a sign: "-0.00" would read as a different number.
  const signText = negative && quotient !== 0n ? '-' : ''
  return places === 0 ? signText + integerPart : `${signText}${integerPart}.${fractionPart}`
}

/** Fixed text of an exact ratio, rounded half up. */
export function fractionToString (fraction: Fraction, places = 2): string {
  return roundHalfUp(fraction.numerator, fraction.denominator, places)
}

/** a + b in thousandths, for loops over thousands of units (sumMilli without its array); throws rather than lose precision. */
export function addMilli (a: Milli, b: Milli): Milli {
  const sum = a + b
  if (!Number.isSafeInteger(sum)) throw new RangeError('A sum of thousandths is too large to be exact')
  return sum
}

/** Sum of thousandths; throws rather than lose precision, since a silently wrong total is worse than none. */
export function sumMilli (values: readonly Milli[]): Milli {
  let total = 0
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new RangeError(`sumMilli: ${value} is not an integer number of thousandths`)
    total += value
    if (!Number.isSafeInteger(total)) throw new RangeError('sumMilli: the sum is too large to be exact')
  }
  return total
}
