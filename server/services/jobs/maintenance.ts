// Housekeeping jobs: expired login tokens and stale login failures pruned, evidence files attached to nothing removed.
import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { queryRows } from '../../db/rows.js'
import type { EvidenceStore } from '../../storage/types.js'
import { audit } from '../audit.js'
import { systemActor } from '../context.js'
import { releaseObject } from '../evidence.js'

/** Deletes login tokens a day past their expiry or revocation, and login failures no longer counted or locking. */
export async function pruneExpiredTokens (db: Db): Promise<{ sessions: number, loginFailures: number }> {
  const sessions = await queryRows(db, sql`
    delete from sessions where expires_at < now() - interval '1 day' or revoked_at < now() - interval '1 day' returning id`)
  const failures = await queryRows(db, sql`
    delete from login_failures where last_failure_at < now() - interval '1 day' and (locked_until is null or locked_until < now()) returning username`)
  return { sessions: sessions.length, loginFailures: failures.length }
}

/**
 * Removes evidence files attached to no leaf for `graceHours` since they were last touched (uploaded or detached, by
 * the audit log), each with an audit row by the system; their bytes go when no other record shares them.
 */
export async function removeUnattachedEvidence (db: Db, store: EvidenceStore, graceHours: number): Promise<number> {
  const removed = await db.transaction(async (tx) => {
    const files = await queryRows<{ id: string, self_assessment_id: string, sha256: string, filename: string, size: number, mime: string }>(tx, sql`
      delete from evidence_files f
      where not exists (select 1 from evidence_links l where l.file_id = f.id)
        and greatest(f.uploaded_at, (select max(a.at) from audit_log a where a.entity_type = 'evidence_file' and a.entity_id = f.id::text))
          < now() - make_interval(hours => ${graceHours})
      returning f.id, f.self_assessment_id, f.sha256, f.filename, f.size, f.mime`)
    for (const file of files) {
      await audit(tx, systemActor, {
        action: 'evidence.remove_unattached',
        entityType: 'evidence_file',
        entityId: file.id,
        before: { selfAssessmentId: file.self_assessment_id, sha256: file.sha256, filename: file.filename, size: file.size, mime: file.mime },
        reason: `Không gắn với tiêu chí nào sau ${graceHours} giờ`
      })
    }
    return files
  })
  // After commit, as a user's own deletion does.
  for (const sha256 of new Set(removed.map((file) => file.sha256))) await releaseObject(db, store, sha256)
  return removed.length
}
