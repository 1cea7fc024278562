// CSV in the two dialects the service reads and writes: the standard one (RFC 4180, "," and a decimal point) and the
// one Excel writes and reads on a Vietnamese Windows ("excel-vi": ";" and a decimal comma, since "," is the decimal mark).
import { Text } from '../messages/text.js'

export const CSV_DIALECTS = ['standard', 'excel-vi'] as const
export type CsvDialect = typeof CSV_DIALECTS[number]

/** The separator and decimal mark of each dialect. */
export const DIALECT_MARKS: Record<CsvDialect, { separator: string, decimal: string }> = {
  standard: { separator: ',', decimal: '.' },
  'excel-vi': { separator: ';', decimal: ',' }
}

/** Separators a file may use by mistake, to name the one found when a file reads as a single column. */
const SEPARATORS = [',', ';', '\t', '|'] as const

export interface CsvRow {
  /** 1-based line of the row's first character in the file. */
  line: number
  cells: string[]
}

/**
 * RFC 4180 CSV with the given separator (default ","): double quotes around cells that hold the separator, quotes
 * ("") or line breaks; a BOM is skipped.
 */
export function parseCsv (text: string, separator = ','): { rows: CsvRow[], problem: { line: number, message: string } | null } {
  const rows: CsvRow[] = []
  let cells: string[] = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endRow = () => {
    cells.push(cell)
    // A blank line is no row.
    if (!(cells.length === 1 && cells[0]?.trim() === '')) rows.push({ line: rowLine, cells })
    cells = []
    cell = ''
  }
  for (; i < text.length; i++) {
    const char = text[i] as string
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++ } else quoted = false
      } else {
        if (char === '\n') line++
        cell += char
      }
    } else if (char === '"' && cell.trim() === '') {
      cell = ''
      quoted = true
    } else if (char === separator) {
      cells.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else {
      cell += char
    }
  }
  if (quoted) return { rows, problem: { line: rowLine, message: `A quoted cell that starts on line ${rowLine} is never closed.` } }
  if (cell !== '' || cells.length > 0) endRow()
  return { rows, problem: null }
}

/** How often each possible separator occurs outside quotes in a text, most frequent first (absent ones left out). */
function separatorsIn (text: string): string[] {
  const counts = new Map<string, number>()
  let quoted = false
  for (const char of text) {
    if (char === '"') quoted = !quoted
    else if (!quoted && (SEPARATORS as readonly string[]).includes(char)) counts.set(char, (counts.get(char) ?? 0) + 1)
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([separator]) => separator)
}

/** The dialect of a file by its header line: excel-vi when ";" separates it more than ",", else standard. */
export function detectDialect (text: string): CsvDialect {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const end = text.slice(start).search(/[\r\n]/)
  const header = end < 0 ? text.slice(start) : text.slice(start, start + end)
  return separatorsIn(header)[0] === ';' ? 'excel-vi' : 'standard'
}

/** The separator a single-column row holds instead of the expected one; null when it holds none (a true single column). */
export function separatorFound (cell: string, expected: string): string | null {
  return separatorsIn(cell).find((separator) => separator !== expected) ?? null
}

/** A separator named in a sentence: `";" (semicolon)` / `";" (dấu chấm phẩy)`. */
export function separatorName (separator: string): Text {
  const names: Record<string, [string, string]> = { ',': ['comma', 'dấu phẩy'], ';': ['semicolon', 'dấu chấm phẩy'], '\t': ['tab', 'dấu tab'], '|': ['vertical bar', 'dấu gạch đứng'] }
  const [en, vi] = names[separator] ?? ['character', 'ký tự']
  const shown = separator === '\t' ? '\\t' : separator
  return new Text(`"${shown}" (${en})`, `"${shown}" (${vi})`)
}

/** A cell of a line in the dialect, quoted when it holds the separator, a quote or a line break. */
function csvCell (value: string, separator: string): string {
  return value.includes(separator) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** A cell value: text as it is, or a decimal figure (an exact decimal string with a point) written with the dialect's mark. */
export type CsvValue = string | { decimal: string } | null

/**
 * Text that a spreadsheet would take for a formula (=, +, -, @, or a tab or carriage return before one), written with
 * an apostrophe in front, which spreadsheets show as text and do not display: a unit's name such as
 * `=HYPERLINK("http://…")` must reach a citizen who opens the download as that text, not as a live link or command
 * (OWASP, CSV injection). Figures are never text here, so a negative decimal keeps its sign.
 */
export function inertText (value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

/** One line in the dialect (without its line break). */
export function csvLine (values: readonly CsvValue[], dialect: CsvDialect): string {
  const { separator, decimal } = DIALECT_MARKS[dialect]
  return values.map((value) => {
    if (value === null) return ''
    return csvCell(typeof value === 'string' ? inertText(value) : value.decimal.replace('.', decimal), separator)
  }).join(separator)
}

/** A cell of a number in the dialect as an exact decimal with a point; null when its decimal mark is the other dialect's. */
export function decimalOf (text: string, dialect: CsvDialect): string | null {
  if (dialect === 'excel-vi') return text.includes('.') ? null : text.replace(',', '.')
  return text.includes(',') ? null : text
}
