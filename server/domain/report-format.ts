// How the annual report writes numbers, counts, lists and item letters in Vietnamese administrative text.
import { parseMilli } from './decimal.js'

/**
 * A display value of the results ("92.75", "-1.20", "100") written with the Vietnamese decimal comma ("92,75").
 * Points never reach a thousand, so no grouping is needed; the value is already rounded half up by the results.
 */
export function viDecimal (display: string): string {
  return display.replace('.', ',')
}

/** A count as the report writes it: two digits below 10 ("07 lĩnh vực", "04/20"), as is from 10 on. */
export function twoDigits (count: number): string {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`A count is a whole number from 0, got ${count}`)
  return String(count).padStart(2, '0')
}

/** "04/20": a part of a whole, the part in two digits, the whole as is. */
export function countOf (part: number, whole: number): string {
  return `${twoDigits(part)}/${whole}`
}

/**
 * Thousandths as the shortest exact decimal with a comma, for maxima and bounds the report quotes as written in the
 * catalog ("10", "20,5", "0,25"): 10000 → "10", 20500 → "20,5".
 */
export function viMilli (milli: number): string {
  if (!Number.isSafeInteger(milli)) throw new RangeError(`Not integer thousandths: ${milli}`)
  const negative = milli < 0
  const absolute = Math.abs(milli)
  const whole = Math.floor(absolute / 1000)
  const fraction = String(absolute % 1000).padStart(3, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `,${fraction}`}`
}

/** A JSON number of points (exact thousandths, e.g. 19 or 20.5) in the catalog's own form: "19", "20,5". */
export function viPoints (points: number): string {
  const milli = parseMilli(points)
  if (milli === null) throw new RangeError(`Not exact thousandths: ${points}`)
  return viMilli(milli)
}

// Vietnamese administrative texts letter their items a, b, c, d, đ, e, g, h, i, k… (no f, j, w, z).
const ITEM_LETTERS = ['a', 'b', 'c', 'd', 'đ', 'e', 'g', 'h', 'i', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'x', 'y']

/** The letter of the n-th item (0-based): a, b, c, d, đ, e, g…; past y, aa, ab… */
export function itemLetter (index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`An item index is a whole number from 0, got ${index}`)
  const base = ITEM_LETTERS.length
  return index < base ? ITEM_LETTERS[index] as string : `${itemLetter(Math.floor(index / base) - 1)}${ITEM_LETTERS[index % base] as string}`
}

const ROMAN: [number, string][] = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']]

/** Roman numerals of the report's sections: 1 → I, 4 → IV. */
export function roman (value: number): string {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`Roman numerals start at 1, got ${value}`)
  let left = value
  let out = ''
  for (const [amount, letters] of ROMAN) {
    while (left >= amount) { out += letters; left -= amount }
  }
  return out
}

/** "A", "A và B", "A, B và C". */
export function joinAnd (items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} và ${items[items.length - 1] as string}`
}

/** Upper case for the report's capitalised headings and agency names, Vietnamese letters included ("Thanh Hóa" → "THANH HÓA"). */
export function upper (text: string): string {
  return text.normalize('NFC').toLocaleUpperCase('vi')
}

/** The first letter lowered, for a name that continues a sentence: "Sở, ban, ngành cấp tỉnh" → "sở, ban, ngành cấp tỉnh". */
export function lowerFirst (text: string): string {
  const first = text.codePointAt(0)
  if (first === undefined) return text
  const letter = String.fromCodePoint(first)
  // Abbreviations stay as written: "UBND huyện…" keeps its capitals.
  const rest = text.slice(letter.length)
  if (/^\p{Lu}/u.test(rest)) return text
  return letter.toLocaleLowerCase('vi') + rest
}

const DATE = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' })

/** A moment as a Vietnamese date in Vietnam's time zone: "2021-02-15T02:00:00Z" → "15/02/2021". */
export function viDate (iso: string): string {
  return DATE.format(new Date(iso))
}

/** The year in Vietnam at a moment (the year of the report's date line). */
export function viYear (moment: Date): number {
  return Number(DATE.format(moment).slice(-4))
}

/** The first letter raised, for a clause that opens a sentence: "không có đơn vị…" → "Không có đơn vị…". */
export function capitalize (text: string): string {
  const first = text.codePointAt(0)
  if (first === undefined) return text
  const letter = String.fromCodePoint(first)
  return letter.toLocaleUpperCase('vi') + text.slice(letter.length)
}

/**
 * The direction of a signed display value, for "tăng 1,20 điểm" / "giảm 1,20 điểm" / "không thay đổi":
 * the sign of a value rounded half up to 2 places, so a change that rounds to 0,00 reads as no change.
 */
export function changeWords (display: string, unit: string): string {
  if (/^-?0+(\.0+)?$/.test(display)) return 'không thay đổi'
  const negative = display.startsWith('-')
  return `${negative ? 'giảm' : 'tăng'} ${viDecimal(negative ? display.slice(1) : display)} ${unit}`
}
