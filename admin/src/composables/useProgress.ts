// Progress of one round: per participating unit the self-assessment (status, totals, deadline) beside the appraisal
// (leaves appraised per field, finalization), and the round's supplement requests. Admins finalize or reopen a unit.
import { computed, type Ref } from 'vue'
import { call, client } from '../api/client'
import type { FinalizeAppraisalsOutcome, Role, Round, SelfAssessmentStatus, SelfAssessmentSummary, SupplementRequest, UnitProgress } from '../api/types'
import { useLoader } from './useLoader'

export interface ProgressRow {
  unitId: string
  code: string
  name: string
  unitType: string
  /** Null for a caller who may not read self-assessment totals (an appraiser). */
  self: SelfAssessmentSummary | null
  selfStatus: SelfAssessmentStatus
  submittedAt: string | null
  /** Null when the caller may not read appraisal progress, or the unit's type has no catalog in the round. */
  progress: UnitProgress | null
  extensionUntil: string | null
  extensionReason: string | null
  /** The later of the round's self-assessment deadline and the unit's extension. */
  deadline: string | null
  /** Not submitted although its deadline has passed (by this computer's clock). */
  overdue: boolean
}

interface ProgressData {
  round: Round
  selfAssessments: SelfAssessmentSummary[] | null
  progress: UnitProgress[] | null
  requests: SupplementRequest[]
}

/** Whether a supplement request ran out unanswered: the server expires due requests whenever they are listed. */
export function requestOverdue (request: SupplementRequest): boolean {
  return request.status === 'expired'
}

export function useProgress (id: Ref<string>, role: () => Role | undefined) {
  const data = useLoader<ProgressData>(async () => {
    const path = { params: { path: { id: id.value } } }
    // Appraisers read self-assessments only through their appraisal; unit officers do not see the appraisal.
    const readsSelf = role() !== 'appraiser'
    const readsProgress = role() !== 'unit_officer'
    const [round, selfAssessments, progress, requests] = await Promise.all([
      call(client.GET('/rounds/{id}', path)),
      readsSelf ? call(client.GET('/rounds/{id}/self-assessments', path)) : Promise.resolve(null),
      readsProgress ? call(client.GET('/rounds/{id}/progress', { params: { path: { id: id.value }, query: {} } })) : Promise.resolve(null),
      call(client.GET('/rounds/{id}/supplement-requests', { params: { path: { id: id.value }, query: {} } }))
    ])
    return { round, selfAssessments, progress, requests }
  })

  const rows = computed<ProgressRow[]>(() => {
    const current = data.data.value
    if (!current) return []
    const { round, selfAssessments, progress } = current
    const selfOf = new Map((selfAssessments ?? []).map((line) => [line.unit.id, line]))
    const progressOf = new Map((progress ?? []).map((line) => [line.unit.id, line]))
    // Only the units the caller may follow: every unit for admins and viewers, an appraiser's unit types, an officer's unit.
    const participants = round.participants.filter((unit) => selfAssessments === null ? progressOf.has(unit.unitId) : selfOf.has(unit.unitId))
    return participants.map((unit) => {
      const self = selfOf.get(unit.unitId) ?? null
      const unitProgress = progressOf.get(unit.unitId) ?? null
      const selfStatus = self?.status ?? unitProgress?.selfAssessment.status ?? 'not_started'
      const extensionUntil = self?.extensionUntil ?? unit.extensionUntil
      // The unit's own deadline and lateness come from the server (database clock); appraisers, who do not read
      // self-assessments, see the round's deadline and no lateness.
      const deadline = self?.deadline ?? extensionUntil ?? round.selfAssessmentClosesAt
      const overdue = self?.overdue ?? false
      return {
        unitId: unit.unitId,
        code: unit.code,
        name: unit.name,
        unitType: unit.unitType,
        self,
        selfStatus,
        submittedAt: self?.submittedAt ?? unitProgress?.selfAssessment.submittedAt ?? null,
        progress: unitProgress,
        extensionUntil,
        extensionReason: unit.extensionReason,
        deadline,
        overdue
      }
    })
  })

  async function finalize (unitId: string): Promise<void> {
    await call(client.POST('/rounds/{id}/units/{unitId}/finalize', { params: { path: { id: id.value, unitId } } }))
    await data.reload()
  }

  async function reopen (unitId: string, reason: string): Promise<void> {
    await call(client.POST('/rounds/{id}/units/{unitId}/reopen', { params: { path: { id: id.value, unitId } }, body: { reason } }))
    await data.reload()
  }

  /** Finalizes many units at once (at most 500 a request): what was finalized, and each unit refused with why. */
  async function finalizeMany (unitIds: string[]): Promise<FinalizeAppraisalsOutcome> {
    const outcome: FinalizeAppraisalsOutcome = { finalized: [], refused: [] }
    try {
      for (let start = 0; start < unitIds.length; start += 500) {
        const part = await call(client.POST('/rounds/{id}/finalize-appraisals', { params: { path: { id: id.value } }, body: { unitIds: unitIds.slice(start, start + 500) } }))
        outcome.finalized.push(...part.finalized)
        outcome.refused.push(...part.refused)
      }
    } finally {
      await data.reload()
    }
    return outcome
  }

  return { data, rows, finalize, finalizeMany, reopen }
}
