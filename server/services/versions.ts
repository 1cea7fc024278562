// Optimistic concurrency of versioned resources (a unit's self-assessment, its appraisal): a write names, in If-Match,
// the version it was based on; the row's version moves only if it still is that one, so no change is lost unseen.
import { sql, inArray, type SQL } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import type { VersionsMatched } from '../db/queries/self-assessment-save.js'
import { Errors } from '../errors.js'
import { text as t } from '../messages/text.js'

/** The versions an If-Match header names, or '*' for "whatever the current version is". */
export type IfMatch = '*' | number[]

/** Versions named by If-Match ("3", W/"3", a list, or *); a value that names no version can never match. */
export function parseIfMatch (header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined
  if (header.trim() === '*') return '*'
  return header.split(',')
    .map((tag) => /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(tag)?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number)
}

const resources = { appraisal: ['the appraisal', 'kết quả thẩm định'], selfAssessment: ['the self-assessment', 'bản tự đánh giá'] } as const

/** A write without If-Match is refused (428), naming the resource. */
export function requireIfMatch (ifMatch: IfMatch | undefined, what: keyof typeof resources): asserts ifMatch is IfMatch {
  if (ifMatch === undefined) {
    const [en, vi] = resources[what]
    throw Errors.preconditionRequired(t(`Send If-Match with the ETag (version) of ${en} you last read, so a concurrent change is not overwritten.`,
      `Cần gửi If-Match với ETag (phiên bản) của ${vi} mà bạn đọc lần cuối, để không ghi đè thay đổi của người khác.`))
  }
}

/** The condition a versioned row must meet to be written: its version is one of those If-Match names. */
export function versionMatches (version: PgColumn, ifMatch: IfMatch): SQL {
  if (ifMatch === '*') return sql`true`
  return ifMatch.length === 0 ? sql`false` : inArray(version, ifMatch) as SQL
}

/** If-Match as the values of a prepared statement: any version (*), or those it names. */
export function versionsMatched (ifMatch: IfMatch): VersionsMatched {
  return ifMatch === '*' ? { any: true, versions: [] } : { any: false, versions: ifMatch }
}

/** Whether If-Match names this version (a row not created yet is at version 0). */
export function namesVersion (ifMatch: IfMatch, version: number): boolean {
  return ifMatch === '*' || ifMatch.includes(version)
}

/** Answers a versioned resource with its version as the ETag, the value to send back in If-Match. */
export function withVersionTag<T extends { version: number }> (reply: { header: (name: string, value: string) => unknown }, state: T): T {
  reply.header('etag', `"${state.version}"`)
  return state
}
