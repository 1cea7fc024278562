// Vietnamese text for search and sorting: a diacritic-free search form, and a sort key whose plain code-point order is Vietnamese collation.

/** Lower-case, without Vietnamese diacritics (đ becomes d), whitespace collapsed: `Huyện  Đông Sơn` → `huyen dong son`. */
export function searchNormalize (text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/\s+/g, ' ')
    .trim()
}

/*
 * The key follows the Unicode Collation Algorithm with the Vietnamese tailoring of CLDR, which is what
 * ICU (and so Intl.Collator('vi')) implements, but written out as one string that a byte-order column
 * (COLLATE "C") sorts correctly, since the embedded database has no Vietnamese locale:
 *
 *   primary   one weight per base character: whitespace < punctuation and symbols < digits <
 *             a ă â b c d đ e ê … o ô ơ … u ư … z < other letters; ă â đ ê ô ơ ư are letters of their
 *             own, and case does not count;
 *   secondary per base character a common weight, then one weight per tone mark, in the order
 *             ngang (none), huyền, hỏi, ngã, sắc, nặng; other combining marks follow;
 *   tertiary  per base character: lower case before upper case;
 *   identical the original string itself, so that no two different names tie.
 *
 * Levels are separated by a space, which is below every weight, so a key whose level is a prefix of
 * another's sorts first, as the collation algorithm requires. Weights are printable ASCII, so keys
 * stay short enough for a B-tree index and order the same in JavaScript and in UTF-8 byte order. Characters outside the Vietnamese alphabet (ø, ß, non-Latin digits) are placed by code
 * point within their group rather than by the full Unicode table; Vietnamese names never use them.
 */

const LEVEL_SEPARATOR = ' '
const FIRST_WEIGHT = 0x21 // '!'

// Printable ASCII punctuation and symbols in ICU's root order (Vietnamese does not tailor them).
const ASCII_PUNCTUATION = '_-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$'
const ALPHABET = 'aăâbcdđeêfghijklmnoôơpqrstuưvwxyz'

const primary = new Map<string, string>()
let nextPrimary = FIRST_WEIGHT
const WHITESPACE = String.fromCharCode(nextPrimary++)
for (const character of ASCII_PUNCTUATION) primary.set(character, String.fromCharCode(nextPrimary++))
// Escape weights: followed by the code point, for characters not listed above.
const OTHER_SYMBOL = String.fromCharCode(nextPrimary++)
for (const digit of '0123456789') primary.set(digit, String.fromCharCode(nextPrimary++))
for (const letter of ALPHABET) primary.set(letter, String.fromCharCode(nextPrimary++))
const OTHER_LETTER = String.fromCharCode(nextPrimary++)

// The vowel marks that make a letter of the Vietnamese alphabet rather than a tone.
const LETTER_MARKS: Record<string, Record<string, string>> = {
  a: { '\u0306': 'ă', '\u0302': 'â' },
  e: { '\u0302': 'ê' },
  o: { '\u0302': 'ô', '\u031B': 'ơ' },
  u: { '\u031B': 'ư' }
}

const SECONDARY_COMMON = '!'
const toneWeights = new Map<string, string>([
  ['\u0300', '"'], // huyền
  ['\u0309', '#'], // hỏi
  ['\u0303', '$'], // ngã
  ['\u0301', '%'], // sắc
  ['\u0323', '&'] // nặng
])
const OTHER_MARK = '\''

const LOWER = '!'
const UPPER = '"'

// A code point in four fixed-width characters '0'…'o' (64 values each), so escaped weights compare by code point.
function codePointWeight (codePoint: number): string {
  let out = ''
  for (let shift = 18; shift >= 0; shift -= 6) out += String.fromCharCode(0x30 + ((codePoint >> shift) & 0x3f))
  return out
}

const isMark = (character: string) => /\p{M}/u.test(character)
const isWhitespace = (character: string) => /\s/u.test(character)
// Control and format characters (zero-width space, soft hyphen) are ignored by the collation.
const isIgnorable = (character: string) => /[\p{Cc}\p{Cf}]/u.test(character)
const isLetter = (character: string) => /\p{L}/u.test(character)

function markWeight (mark: string): string {
  return toneWeights.get(mark) ?? OTHER_MARK + codePointWeight(mark.codePointAt(0) as number)
}

/** A key whose code-point order is Vietnamese collation order: `vietnameseSortKey(a) < vietnameseSortKey(b)` when a sorts before b. */
export function vietnameseSortKey (text: string): string {
  const characters = [...text.normalize('NFD')]
  let primaryLevel = ''
  let secondaryLevel = ''
  let tertiaryLevel = ''
  let index = 0
  while (index < characters.length) {
    const character = characters[index] as string
    index++
    if (isMark(character)) {
      // A mark with nothing before it to carry it.
      secondaryLevel += markWeight(character)
      continue
    }
    if (isWhitespace(character)) {
      primaryLevel += WHITESPACE
      secondaryLevel += SECONDARY_COMMON
      tertiaryLevel += LOWER
      continue
    }
    if (isIgnorable(character)) continue
    const marks: string[] = []
    while (index < characters.length && isMark(characters[index] as string)) marks.push(characters[index++] as string)

    const lower = character.toLowerCase()
    let base = [...lower].length === 1 ? lower : character
    // NFD orders marks by combining class, so the vowel mark may come after a tone (ộ is o, dot below, circumflex).
    const letterMarks = LETTER_MARKS[base]
    if (letterMarks) {
      const at = marks.findIndex((mark) => mark in letterMarks)
      if (at >= 0) {
        base = letterMarks[marks[at] as string] as string
        marks.splice(at, 1)
      }
    }
    primaryLevel += primary.get(base) ??
      (isLetter(base) ? OTHER_LETTER : OTHER_SYMBOL) + codePointWeight(base.codePointAt(0) as number)
    secondaryLevel += SECONDARY_COMMON + marks.map(markWeight).join('')
    tertiaryLevel += character !== lower ? UPPER : LOWER
  }
  return [primaryLevel, secondaryLevel, tertiaryLevel, text].join(LEVEL_SEPARATOR)
}
