// Which leaves the caller may change now, in one place (evidence files ask it; a leaf reopened by a supplement request belongs here).
import { and, eq } from 'drizzle-orm'
import type { Executor } from '../../db/client.js'
import { selfAssessmentsTable } from '../../db/schema/index.js'
import { Errors } from '../../errors.js'
import type { Actor } from '../context.js'
import { leafProblem } from '../../messages/problems.js'
import { joinTexts, text as t } from '../../messages/text.js'
import { type EntryProblem, assertCanSee, catalogOf, loadContext } from './context.js'
import { assertUnitMayWrite, catalogNodes, reopenedBySupplement } from './write.js'

export interface EditableLeaves {
  selfAssessmentId: string
  catalogId: string
}

/**
 * Whether the caller may change these leaves of this (round, unit) now; throws the problem that says why not:
 * another unit's officer 404, SELF_ASSESSMENT_CLOSED unless the round is in self_assessment, DEADLINE_PASSED
 * after the deadline or extension by the database clock, SELF_ASSESSMENT_SUBMITTED once submitted, and
 * SELF_ASSESSMENT_INVALID for a code that is not a leaf of the catalog. No codes: the self-assessment as a whole.
 * Call it inside the change's transaction: it creates the self-assessment on first use and locks its row, so a
 * concurrent submission either sees the change or refuses it. It does not bump the version (evidence files are
 * their own resource; the entries' ETag is unaffected).
 */
export async function lockEditableLeaves (tx: Executor, actor: Actor, roundId: string, unitId: string, leafCodes: readonly string[]): Promise<EditableLeaves> {
  assertCanSee(actor, unitId)
  const context = await loadContext(tx, roundId, unitId, true)
  const reopening = await reopenedBySupplement(tx, actor, context, leafCodes)
  if (reopening === null) assertUnitMayWrite(context)
  await tx.insert(selfAssessmentsTable).values({ roundId, unitId, catalogId: catalogOf(context) }).onConflictDoNothing()
  const [row] = await tx.select({ id: selfAssessmentsTable.id, catalogId: selfAssessmentsTable.catalogId, status: selfAssessmentsTable.status })
    .from(selfAssessmentsTable)
    .where(and(eq(selfAssessmentsTable.roundId, roundId), eq(selfAssessmentsTable.unitId, unitId)))
    .for('no key update')
  if (!row) throw new Error(`self-assessment of unit ${unitId} in round ${roundId} missing after insert`)
  if (row.status === 'submitted' && reopening === null) {
    throw Errors.selfAssessmentSubmitted(t('The self-assessment has been submitted and is read-only; withdraw it first to change it.', 'Bản tự đánh giá đã nộp nên chỉ xem được; hãy rút lại để chỉnh sửa.'))
  }
  if (leafCodes.length > 0) {
    const definitions = await catalogNodes(tx, row.catalogId)
    const problems: EntryProblem[] = []
    for (const leafCode of leafCodes) {
      const definition = definitions.get(leafCode)
      if (definition === undefined) problems.push({ leafCode, code: 'unknown_leaf', message: leafProblem.unknown(leafCode) })
      else if (!definition.leaf) problems.push({ leafCode, code: 'not_a_leaf', message: t(`${leafCode} has sub-criteria; only its leaves take evidence.`, `Tiêu chí ${leafCode}: có tiêu chí thành phần; tài liệu kiểm chứng gắn với từng tiêu chí thành phần.`) })
    }
    if (problems.length > 0) {
      throw Errors.selfAssessmentInvalid(joinTexts(problems.map((p) => p.message)), { errors: problems })
    }
  }
  return { selfAssessmentId: row.id, catalogId: row.catalogId }
}
