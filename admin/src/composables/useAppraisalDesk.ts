// The appraiser's desk: the rounds where there is (or soon will be) appraisal work for the caller, their assignments,
// and per unit of the chosen round the leaves appraised per field, supplement requests waiting and finalization.
import { computed, type Ref, watch } from 'vue'
import { call, client } from '../api/client'
import type { AppraisalAssignment, RoundStatus, RoundSummary, UnitProgress } from '../api/types'
import { useLoader } from './useLoader'

export interface DeskRound {
  round: RoundSummary
  /** An appraiser's own assignments; everyone's for admins and viewers. */
  assignments: AppraisalAssignment[]
}

/** The rounds with appraisal work, in the order they matter: appraising now, then still self-assessing, then closed. */
const deskStatuses: readonly RoundStatus[] = ['appraisal', 'self_assessment', 'finalized']

/** What a desk row is waiting for, as the state filter names it. */
export type DeskState = 'todo' | 'todo_submitted' | 'answered' | 'open' | 'done' | 'finalized' | 'not_submitted'

export const deskStateLabels: Record<DeskState, string> = {
  todo: 'Chưa thẩm định xong',
  // The appraiser's working list: "next unit" (n) then steps through units that have something to appraise.
  todo_submitted: 'Đã nộp, chưa thẩm định xong',
  answered: 'Có yêu cầu bổ sung chờ xem xét',
  open: 'Có yêu cầu bổ sung chờ đơn vị',
  done: 'Đã thẩm định xong, chưa chốt',
  finalized: 'Đã chốt',
  not_submitted: 'Chưa nộp tự đánh giá'
}

export interface DeskRow {
  progress: UnitProgress
  /** The fields shown (all the caller sees, or the one chosen in the filter). */
  fields: UnitProgress['fields']
  leaves: number
  appraised: number
  states: Set<DeskState>
}

export function deskRowOf (progress: UnitProgress, fieldCode: string): DeskRow {
  const fields = fieldCode ? progress.fields.filter((field) => field.code === fieldCode) : progress.fields
  const leaves = fields.reduce((sum, field) => sum + field.leaves, 0)
  const appraised = fields.reduce((sum, field) => sum + field.appraised, 0)
  const finalized = progress.appraisal.status === 'finalized'
  const states = new Set<DeskState>()
  // Every leaf scored is not done while a supplement request waits (on the unit, or on the appraiser): finalizing
  // would be refused, and the progress screen says "Đang thẩm định" too.
  const waiting = progress.openRequests + progress.answeredRequests > 0
  if (finalized) states.add('finalized')
  else if (appraised < leaves || waiting) states.add('todo')
  else states.add('done')
  if (progress.answeredRequests > 0) states.add('answered')
  if (progress.openRequests > 0) states.add('open')
  if (progress.selfAssessment.status !== 'submitted') states.add('not_submitted')
  else if (states.has('todo')) states.add('todo_submitted')
  return { progress, fields, leaves, appraised, states }
}

export function useAppraisalDesk (roundId: Ref<string>, isAppraiser: () => boolean) {
  const rounds = useLoader<DeskRound[]>(async () => {
    const page = await call(client.GET('/rounds', { params: { query: { limit: 100, offset: 0 } } }))
    const candidates = page.items.filter((round) => deskStatuses.includes(round.status))
    const withAssignments = await Promise.all(candidates.map(async (round) => ({
      round,
      assignments: await call(client.GET('/rounds/{id}/assignments', { params: { path: { id: round.id } } }))
    })))
    // An appraiser has work only where they are assigned; admins and viewers follow every round.
    return withAssignments
      .filter((item) => !isAppraiser() || item.assignments.length > 0)
      .sort((a, b) => deskStatuses.indexOf(a.round.status) - deskStatuses.indexOf(b.round.status) || b.round.year - a.round.year)
  })

  const progress = useLoader<UnitProgress[]>(() => call(client.GET('/rounds/{id}/progress', {
    params: { path: { id: roundId.value }, query: {} }
  })))

  const current = computed(() => rounds.data.value?.find((item) => item.round.id === roundId.value) ?? null)

  return { rounds, progress, current }
}

/** The desk's filters as last used, so the way back from a unit returns to the same list. */
let lastDeskQuery: Record<string, string> = {}

export function rememberDeskQuery (query: Record<string, string>): void {
  lastDeskQuery = { ...query }
}

export function deskLocation () {
  return { name: 'appraisal', query: lastDeskQuery }
}

export type DeskUnit = UnitProgress['unit']

/**
 * Whether this user may open a unit's appraisal: an appraiser reads a unit's self-assessment once it is submitted, or
 * once self-assessment is over for the round (the server's rule, appraisersSeeSelfAssessment); admins and viewers always.
 */
export function opensUnit (role: string | undefined, roundStatus: string | undefined, selfStatus: string): boolean {
  return role !== 'appraiser' || selfStatus === 'submitted' || (roundStatus !== 'draft' && roundStatus !== 'self_assessment')
}

/** The units the desk last listed (after its filters), in its order: a unit's screen steps through the same list. */
let lastDeskList: { roundId: string, units: readonly DeskUnit[] } | null = null

export function rememberDeskList (roundId: string, units: readonly DeskUnit[]): void {
  lastDeskList = { roundId, units }
}

export interface Neighbours { previous?: DeskUnit | undefined, next?: DeskUnit | undefined, position: number, total: number }

/** The units before and after `unitId` in `units`, and its place there (1-based); null when it is not listed. */
export function neighboursIn (units: readonly DeskUnit[], unitId: string): Neighbours | null {
  const index = units.findIndex((unit) => unit.id === unitId)
  if (index < 0) return null
  return { previous: units[index - 1], next: units[index + 1], position: index + 1, total: units.length }
}

/** The neighbours of a unit in the list the desk last showed for the round; null when it did not show the unit. */
export function deskNeighbours (roundId: string, unitId: string): Neighbours | null {
  return lastDeskList?.roundId === roundId ? neighboursIn(lastDeskList.units, unitId) : null
}

/**
 * A unit's appraisal screen's previous and next unit: those of the list the desk showed (its filters applied), else
 * the round's units of the same type, read once per round and type and only when the unit was not opened from the desk.
 */
export function useUnitNeighbours (roundId: Ref<string>, unitId: Ref<string>, unitType: () => string | undefined, opens: (row: UnitProgress) => boolean = () => true) {
  const siblings = useLoader<DeskUnit[]>(async () => {
    const type = unitType()
    if (type === undefined) return []
    const rows = await call(client.GET('/rounds/{id}/progress', { params: { path: { id: roundId.value }, query: { unitType: type } } }))
    // Only the units this user may open: stepping to one would only say it cannot be read yet.
    return rows.filter((row) => row.unit.id === unitId.value || opens(row)).map((row) => row.unit)
  })
  const fromDesk = computed(() => deskNeighbours(roundId.value, unitId.value))
  const neighbours = computed<Neighbours>(() => fromDesk.value ?? neighboursIn(siblings.data.value ?? [], unitId.value) ?? { position: 0, total: 0 })
  let readFor = ''
  watch(unitType, (type) => {
    const key = `${roundId.value}\u0000${type ?? ''}`
    if (type === undefined || fromDesk.value !== null || key === readFor) return
    readFor = key
    siblings.reload()
  }, { immediate: true })
  /** The address of another unit's appraisal in the same round. */
  const unitLocation = (id: string) => ({ name: 'appraisal-unit', params: { roundId: roundId.value, unitId: id } })
  return { fromDesk, neighbours, unitLocation }
}
