// A text said to a client in both languages of the API; the problem plugin picks one by the request's Accept-Language.
import Negotiator from 'negotiator'

export const LANGUAGES = ['vi', 'en'] as const
export type Language = typeof LANGUAGES[number]

/**
 * One message in Vietnamese and English. Written into a log, a string or JSON without a language, it is the English
 * (what operators read); a problem document gets the client's language.
 */
export class Text {
  constructor (readonly en: string, readonly vi: string) {}

  in (language: Language): string {
    return language === 'vi' ? this.vi : this.en
  }

  toString (): string {
    return this.en
  }

  toJSON (): string {
    return this.en
  }
}

export const text = (en: string, vi: string): Text => new Text(en, vi)

/** Joins texts, each language with its own. */
export function joinTexts (parts: Text[], separator = ' '): Text {
  return new Text(parts.map((part) => part.en).join(separator), parts.map((part) => part.vi).join(separator))
}

/**
 * The client's language from Accept-Language: Vietnamese or English, whichever it prefers; a client that states no
 * preference between them (or sends none) gets the default.
 */
export function negotiateLanguage (header: string | string[] | undefined, fallback: Language): Language {
  const value = Array.isArray(header) ? header.join(',') : header
  if (!value) return fallback
  // `*` alone prefers nothing in particular: the default, not the first language listed.
  if (value.trim() === '*') return fallback
  const chosen = new Negotiator({ headers: { 'accept-language': value } }).language([...LANGUAGES]) as Language | undefined
  return chosen ?? fallback
}

/** A value's type once every Text in it is said in one language. */
export type Localized<T> = T extends Text
  ? string
  : T extends Date
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Localized<U>>
      : T extends object
        ? { [K in keyof T]: Localized<T[K]> }
        : T

/** A copy of a value with every Text in it said in the language: plain objects and arrays are walked. */
export function localize<T> (value: T, language: Language): Localized<T> {
  return walk(value, language) as Localized<T>
}

function walk (value: unknown, language: Language): unknown {
  if (value instanceof Text) return value.in(language)
  if (Array.isArray(value)) return value.map((item) => walk(item, language))
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, language)]))
  }
  return value
}
