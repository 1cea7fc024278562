// Vietnamese display formats: decimal comma for points, dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh for times.

const TIME_ZONE = 'Asia/Ho_Chi_Minh'
/** Vietnam has had no daylight saving time since 1975, so the offset is fixed. */
const VIETNAM_OFFSET = '+07:00'

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 3 })
const integerFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 })
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23'
})

/** 92.75 → "92,75"; 1.5 → "1,5". */
export function formatPoints (value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : numberFormat.format(value)
}

/**
 * Points still needed, to at most 2 decimals as results are shown, rounded up so that adding the amount shown is
 * always enough: 1.879 → "1,88", 1.5 → "1,5".
 */
export function formatPointsNeeded (value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  const hundredths = Math.ceil(Math.round(value * 1000) / 10)
  return numberFormat.format(hundredths / 100)
}

export function formatCount (value: number): string {
  return integerFormat.format(value)
}

/** An ISO timestamp as dd/MM/yyyy HH:mm in Vietnam time; "—" when there is none. */
export function formatDateTime (value: string | null | undefined): string {
  if (!value) return '—'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(date).map((part) => [part.type, part.value]))
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`
}

/**
 * A time typed as "dd/MM/yyyy" or "dd/MM/yyyy HH:mm", read in Vietnam time, as an ISO timestamp for the API.
 * `end` makes it an inclusive upper bound: the end of that day, or of that minute. Empty text gives undefined,
 * text that is not such a date gives null.
 */
export function parseDateTimeInput (text: string, end = false): string | undefined | null {
  const value = text.trim()
  if (!value) return undefined
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(value)
  if (!match) return null
  const [, day, month, year, hour, minute] = match
  const pad = (part: string | undefined) => (part ?? '0').padStart(2, '0')
  const local = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00.000${VIETNAM_OFFSET}`
  const date = new Date(local)
  // Reject dates that roll over (31/02) by reading them back.
  if (Number.isNaN(date.getTime()) || formatDateTime(date.toISOString()).slice(0, 10) !== `${pad(day)}/${pad(month)}/${year}`) return null
  if (end) date.setTime(date.getTime() + (hour === undefined ? 24 * 60 * 60 * 1000 : 60 * 1000) - 1)
  return date.toISOString()
}

/** Parses a number typed with either a decimal comma or a point ("0,25" or "0.25"); undefined when it is not one. */
export function parseDecimalInput (value: string | number | null | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (value === null || value === undefined) return undefined
  const text = value.trim().replace(/\s/g, '').replace(',', '.')
  if (text === '' || !/^-?\d+(\.\d+)?$/.test(text)) return undefined
  return Number(text)
}

/** A number shown in an editable text box, with the Vietnamese decimal comma. */
export function decimalInputText (value: number | null | undefined): string {
  return value === null || value === undefined ? '' : String(value).replace('.', ',')
}

const scoreFormat = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 3 })

/** Exact points with at least two decimals, as the report prints them: 16.75 → "16,75", 19 → "19,00", 9.125 → "9,125". */
export function formatScore (value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : scoreFormat.format(value)
}

/** A decimal the API already rounded for display ("92.00", "-1.25") in the Vietnamese form ("92,00", "-1,25"). */
export function formatDisplay (text: string | null | undefined): string {
  return text === null || text === undefined || text === '' ? '—' : text.replace('.', ',')
}

/** A change the API rounded for display, with its sign: "2.50" → "+2,50", "-1.25" → "-1,25", "0.00" → "0,00". */
export function formatChange (text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—'
  const shown = formatDisplay(text)
  return Number(text) > 0 ? `+${shown}` : shown
}

const sizeFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 })

/** A file size as people read it: 850 B, 12,4 KB, 3,2 MB (1 KB = 1024 bytes, as file managers count). */
export function formatFileSize (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${sizeFormat.format(bytes / 1024)} KB`
  if (bytes < 1024 * 1024 * 1024) return `${sizeFormat.format(bytes / (1024 * 1024))} MB`
  return `${sizeFormat.format(bytes / (1024 * 1024 * 1024))} GB`
}

/** Time left to a deadline, to the precision that matters at that distance: "29 ngày 6 giờ", "5 giờ 12 phút", "4 phút 10 giây". */
export function formatRemaining (ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  const days = Math.floor(seconds / 86_400)
  const hours = Math.floor(seconds % 86_400 / 3600)
  const minutes = Math.floor(seconds % 3600 / 60)
  if (days > 0) return `${days} ngày ${hours} giờ`
  if (hours > 0) return `${hours} giờ ${minutes} phút`
  return `${minutes} phút ${seconds % 60} giây`
}

/** Points with their sign when above zero, for a gap: 0.5 → "+0,5", -0.25 → "-0,25", 0 → "0". */
export function formatSignedPoints (value: number): string {
  return value > 0 ? `+${formatPoints(value)}` : formatPoints(value)
}

/** Lower case without diacritics, for searching: "dong son" finds "Đông Sơn". */
export function foldText (text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase()
}

/**
 * Each classification band's range of the index in words, as the report says them: the top band "từ 90 trở lên", a
 * middle one "từ 80 đến dưới 90", the lowest (from 0) "dưới 50". By band code.
 */
export function bandRanges (bands: ReadonlyArray<{ code: string, min: number }>): Map<string, string> {
  const ordered = [...bands].sort((a, b) => b.min - a.min)
  return new Map(ordered.map((band, index) => {
    const above = ordered[index - 1]
    if (above === undefined) return [band.code, `từ ${formatPoints(band.min)} trở lên`]
    if (band.min <= 0) return [band.code, `dưới ${formatPoints(above.min)}`]
    return [band.code, `từ ${formatPoints(band.min)} đến dưới ${formatPoints(above.min)}`]
  }))
}
