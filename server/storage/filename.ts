// Makes uploaded file names safe to keep and to send back (Vietnamese letters intact), and builds RFC 6266 Content-Disposition headers.

export const FALLBACK_FILENAME = 'tai-lieu'
export const MAX_FILENAME_BYTES = 180

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g
// Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make `exe.pdf` display as `fdp.exe`;
// the invisible marks LRM, RLM, ALM and the BOM go too.
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\uFEFF]/g
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const WINDOWS_ILLEGAL = /[<>:"/\\|?*]/g
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8')

/**
 * A file name that is safe to store, to show and to offer for download: the last path segment only,
 * NFC, without control, bidi or Windows-illegal characters, without leading dots or trailing dots and
 * spaces, whitespace collapsed, at most 180 bytes of UTF-8 (the extension kept when it is cut), and
 * `tai-lieu` when nothing is left.
 */
export function sanitizeFilename (name: string): string {
  let text = String(name).normalize('NFC').replace(LONE_SURROGATE, '')
  // Both separators count, whatever the server's OS: the name comes from a browser on any platform.
  text = text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1)
  const startedWithDot = text.trimStart().startsWith('.')
  text = text.replace(CONTROL, '').replace(INVISIBLE, '').replace(WINDOWS_ILLEGAL, '')
  text = text.replace(/\s+/g, ' ').replace(/[\s.]+$/, '')
  // `<>.pdf` lost its stem, not its dot: keep the extension behind the fallback stem rather than turn it into `pdf`.
  if (!startedWithDot && /^\s*\./.test(text)) text = FALLBACK_FILENAME + text.trimStart()
  text = text.replace(/^[\s.]+/, '')
  if (WINDOWS_RESERVED.test(text)) text = `_${text}`
  text = truncate(text, MAX_FILENAME_BYTES).replace(/[\s.]+$/, '')
  return text === '' ? FALLBACK_FILENAME : text
}

/** Cuts to maxBytes of UTF-8 on a grapheme boundary, keeping a short extension whole. */
function truncate (text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text
  const extension = /\.[^.\s]{1,16}$/.exec(text)?.[0] ?? ''
  const stem = text.slice(0, text.length - extension.length)
  const budget = maxBytes - utf8Length(extension)
  let kept = ''
  let used = 0
  for (const { segment } of new Intl.Segmenter('vi', { granularity: 'grapheme' }).segment(stem)) {
    const length = utf8Length(segment)
    if (used + length > budget) break
    kept += segment
    used += length
  }
  return kept.replace(/[\s.]+$/, '') + extension
}

/** An ASCII rendering for the legacy `filename=` parameter: diacritics dropped, đ → d, anything else non-ASCII → `_`. */
export function asciiFilename (name: string): string {
  const ascii = name.normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    // `%` is avoided as some clients percent-decode the plain parameter (RFC 6266 appendix D).
    .replace(/[^\x20-\x7E]|%/gu, '_')
  return ascii.trim() === '' ? FALLBACK_FILENAME : ascii
}

/** RFC 8187/5987 `value-chars`: UTF-8 percent-encoded, leaving only attr-char unescaped. */
function encodeExtValue (value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
}

/**
 * A Content-Disposition header value (RFC 6266) for a file name, sanitized first: the ASCII fallback
 * `filename="…"` for old clients and `filename*=UTF-8''…` carrying the exact Vietnamese name.
 */
export function contentDisposition (filename: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const name = sanitizeFilename(filename)
  const quoted = asciiFilename(name).replace(/["\\]/g, '\\$&')
  return `${disposition}; filename="${quoted}"; filename*=UTF-8''${encodeExtValue(name)}`
}
