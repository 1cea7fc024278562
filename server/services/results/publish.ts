// Publishing the results of a round and unit type as a new immutable version, with the hash of its inputs.
import { randomUUID } from 'node:crypto'
import { and, desc, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { resultVersionsTable } from '../../db/schema/index.js'
import { Errors } from '../../errors.js'
import { audit } from '../audit.js'
import { resultsPublished } from '../notifications/events.js'
import { emitWebhook } from '../webhooks/events.js'
import { moveRound } from '../round-moves.js'
import type { Actor } from '../context.js'
import { statusName } from '../../messages/problems.js'
import { text as t } from '../../messages/text.js'
import { fieldProblem } from '../../messages/validation.js'
import { type ResultSet, type ResultVersionSummary, loadContext } from './inputs.js'
import { compute, resultInputHash } from './compute.js'
import { cacheOf } from './versions.js'

function publisherOf (actor: Actor): { id: string, name: string } | null {
  const principal = actor.principal
  return principal?.kind === 'user' ? { id: principal.id, name: principal.displayName } : null
}

/**
 * Freezes the results of a round for one unit type as the next version, when the round is finalized or published.
 * The first publication moves a finalized round to published. A later version needs a reason, and is refused with
 * 409 RESULTS_UNCHANGED when its input hash equals the latest version's: nothing changed, so there is nothing to
 * correct (checked before the reason). The version, the round's move and the audit entry are one transaction.
 */
export async function publishResults (db: Db, actor: Actor, roundId: string, input: { unitType: string, reason?: string | null | undefined }): Promise<ResultVersionSummary> {
  const reason = input.reason?.trim() || null
  const summary = await db.transaction(async (tx) => {
    const context = await loadContext(tx, roundId, input.unitType, { lock: true })
    const status = context.round.status
    if (status !== 'finalized' && status !== 'published') {
      throw Errors.resultsNotPublishable(t(`Round ${context.round.code} is in status ${status}; finalize it first (appraisal complete), then publish.`,
        `Kỳ đánh giá ${context.round.code} đang ở trạng thái “${statusName(status)}”; chỉ công bố được kết quả khi kỳ đã chốt kết quả thẩm định.`), { extra: { roundStatus: status } })
    }
    const [latest] = await tx.select().from(resultVersionsTable)
      .where(and(eq(resultVersionsTable.roundId, roundId), eq(resultVersionsTable.unitTypeCode, context.unitType.code)))
      .orderBy(desc(resultVersionsTable.version)).limit(1)
    const inputHash = await resultInputHash(tx, context)
    if (latest && latest.inputHash === inputHash) {
      throw Errors.resultsUnchanged(t(`Version ${latest.version} was published from exactly these inputs (hash ${inputHash.slice(0, 12)}…); nothing to publish.`,
        `Không có gì thay đổi so với phiên bản ${latest.version}: điểm, bộ tiêu chí và danh sách đơn vị giống hệt, nên không cần công bố lại.`), {
        extra: { latestVersion: latest.version, inputHash }
      })
    }
    if (latest && reason === null) {
      throw Errors.resultsReasonRequired(t(`Version ${latest.version} is published; say why version ${latest.version + 1} replaces it.`,
        `Phiên bản ${latest.version} đã được công bố; cần nhập lý do để công bố phiên bản ${latest.version + 1} thay thế.`), {
        errors: [fieldProblem('body', '/reason', 'required', {}, t('is required for a new version of published results', 'bắt buộc khi công bố phiên bản mới'))]
      })
    }
    const results = await compute(tx, context, {})
    if (results.units.length === 0) {
      throw Errors.resultsNotPublishable(t(`Round ${context.round.code} has no ${context.unitType.code} units to publish results for.`, `Kỳ đánh giá ${context.round.code} không có đơn vị nào thuộc loại ${context.unitType.code} để công bố kết quả.`), { extra: { roundStatus: status } })
    }
    const number = (latest?.version ?? 0) + 1
    const id = randomUUID()
    const publishedAt = new Date(results.computedAt)
    const publishedBy = publisherOf(actor)
    const snapshot: ResultSet = {
      ...results,
      status: 'published',
      version: { id, number, publishedAt: publishedAt.toISOString(), reason, inputHash },
      publishedBy
    }
    await tx.insert(resultVersionsTable).values({
      id,
      roundId,
      unitTypeCode: context.unitType.code,
      version: number,
      publishedAt,
      publishedBy: publishedBy?.id ?? null,
      reason,
      catalogId: context.catalog.id,
      inputHash,
      snapshot
    })
    if (status === 'finalized') {
      await moveRound(tx, actor, { id: roundId, code: context.round.code, status }, 'published', `Kết quả của loại đơn vị ${context.unitType.name} đã được công bố`)
    }
    const summary: ResultVersionSummary = {
      id,
      roundId,
      unitType: context.unitType.code,
      version: number,
      publishedAt: publishedAt.toISOString(),
      publishedBy,
      reason,
      catalogId: context.catalog.id,
      inputHash,
      latest: true
    }
    await audit(tx, actor, {
      action: 'results.publish',
      entityType: 'result_version',
      entityId: id,
      before: latest ? { version: latest.version, inputHash: latest.inputHash } : null,
      after: { roundId, unitType: context.unitType.code, version: number, catalogId: context.catalog.id, inputHash, units: results.units.length },
      reason
    })
    await resultsPublished(tx, roundId, context.unitType, number, reason)
    await emitWebhook(tx, 'results.published', {
      roundId, roundCode: context.round.code, unitType: context.unitType.code, version: number, inputHash, publishedAt: summary.publishedAt, catalogId: context.catalog.id
    })
    return summary
  })
  const pointers = cacheOf(db).pointers
  for (const key of [...pointers.keys()]) if (key.startsWith(`${roundId}|`)) pointers.delete(key)
  return summary
}
