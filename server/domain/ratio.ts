// Exact ratios as text: a fraction shown to a number of places without floating point, and points shown as the report does.
import { type Milli, MILLI_PER_POINT, roundHalfUp } from './decimal.js'

export const MAX_SAFE = Number.MAX_SAFE_INTEGER
/** A ratio whose decimal expansion ends within this many places is shown exactly; others are rounded to INEXACT_PLACES. */
const EXACT_PLACES_LIMIT = 9
export const INEXACT_PLACES = 6

export function gcdNumber (a: number, b: number): number {
  a = Math.abs(a)
  b = Math.abs(b)
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

function gcdBig (a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a
  b = b < 0n ? -b : b
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

/**
 * numerator / denominator (denominator > 0) rounded half up (away from zero) to `places`, like decimal.roundHalfUp,
 * but in safe-integer arithmetic whenever the numbers allow: a large round formats hundreds of thousands of values.
 */
export function ratioDisplay (numerator: number | bigint, denominator: number | bigint, places = 2): string {
  if (typeof numerator === 'number' && typeof denominator === 'number' && Number.isSafeInteger(numerator) &&
    Number.isSafeInteger(denominator) && denominator > 0 && places <= 6) {
    const scaled = Math.abs(numerator) * 10 ** places
    if (scaled <= MAX_SAFE / 2 && denominator <= MAX_SAFE / 2) {
      let quotient = Math.floor(scaled / denominator)
      let remainder = scaled - quotient * denominator
      // The float division can be one off near an integer; the remainder says which way.
      while (remainder < 0) { quotient--; remainder += denominator }
      while (remainder >= denominator) { quotient++; remainder -= denominator }
      if (remainder * 2 >= denominator) quotient++
      const digits = String(quotient).padStart(places + 1, '0')
      const text = places === 0 ? digits : `${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`
      return numerator < 0 && quotient !== 0 ? `-${text}` : text
    }
  }
  return roundHalfUp(BigInt(numerator), BigInt(denominator), places)
}

/**
 * The exact decimal of a ratio when it ends within 9 places ("98.5", "89", "-0.125"), otherwise rounded half up to 6 places.
 * Ranks and classifications never use this text: they compare the exact ratios.
 */
export function ratioText (numerator: number | bigint, denominator: number | bigint): string {
  let places: number | null
  if (typeof numerator === 'number' && typeof denominator === 'number' && Number.isSafeInteger(numerator) && Number.isSafeInteger(denominator)) {
    places = terminatingPlaces(denominator / gcdNumber(numerator, denominator))
  } else {
    const n = BigInt(numerator)
    const d = BigInt(denominator)
    const reduced = d / gcdBig(n, d)
    places = reduced <= BigInt(MAX_SAFE) ? terminatingPlaces(Number(reduced)) : null
  }
  if (places === null) return ratioDisplay(numerator, denominator, INEXACT_PLACES)
  const text = ratioDisplay(numerator, denominator, places)
  return places === 0 ? text : text.replace(/\.?0+$/, '')
}

// Decimal places of 1/d when d = 2^a·5^b within the limit, else null.
function terminatingPlaces (denominator: number): number | null {
  let d = Math.abs(denominator)
  let twos = 0
  let fives = 0
  while (d % 2 === 0) { d /= 2; twos++ }
  while (d % 5 === 0) { d /= 5; fives++ }
  const places = Math.max(twos, fives)
  return d === 1 && places <= EXACT_PLACES_LIMIT ? places : null
}

/** Points (thousandths) rounded half up to 2 places, as the report prints them: 9.125 → "9.13". */
export function pointsDisplay (points: Milli): string {
  return ratioDisplay(points, MILLI_PER_POINT, 2)
}
