// Values typed and not yet saved, kept on the device (localStorage) until the server has them: the officer's
// self-assessment and the appraiser's scores. A tab the phone's browser closed, a crash or a connection lost while
// typing then loses nothing: the next visit brings the values back and saves them. Per user, round and unit; a logout
// forgets them all (the next person at a shared computer sees none).

const PREFIX = 'par-draft:'

export type KeptKind = 'self-assessment' | 'appraisal'

export function keptKey (kind: KeptKind, userId: string, roundId: string, unitId: string): string {
  return `${PREFIX}${kind}:${userId}:${roundId}:${unitId}`
}

/** What is kept under the key, or null (nothing, unreadable, or storage refused as in a private window). */
export function readKept<T> (key: string): T | null {
  try {
    const text = localStorage.getItem(key)
    const value = text === null ? null : JSON.parse(text) as unknown
    return value !== null && typeof value === 'object' ? value as T : null
  } catch {
    return null
  }
}

/** Keeps the value under the key; null removes it. A full or refused storage keeps nothing (the page still has it). */
export function writeKept (key: string, value: object | null): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(value))
  } catch {
    // Nothing kept: the values still live in the page, as before.
  }
}

export function forgetKept (): void {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key)
  } catch {
    // Storage refused: there is nothing kept.
  }
}
