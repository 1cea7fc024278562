// One round: its information, catalogs, participants, status moves and extensions, and its appraisal assignments.
// Every change answers with the whole round, which replaces what the screen shows.
import type { Ref } from 'vue'
import { call, client } from '../api/client'
import { ApiError, type ProblemDocument } from '../api/problem'
import type { AppraisalAssignment, CatalogFieldStats, CatalogSummary, Round, RoundStatus, RoundSummary, UpdateRound, User } from '../api/types'
import { useLoader } from './useLoader'

export interface CatalogChoice { unitType: string, catalogId: string }
export interface AssignmentChoice { unitType: string, fieldCode: string, userId: string }

export function useRound (id: Ref<string>) {
  const round = useLoader(() => call(client.GET('/rounds/{id}', { params: { path: { id: id.value } } })))
  const assignments = useLoader(() => call(client.GET('/rounds/{id}/assignments', { params: { path: { id: id.value } } })))
  const path = () => ({ id: id.value })

  function keep (updated: Round): Round {
    round.data.value = updated
    return updated
  }

  /**
   * Edits the round as this screen last saw it (If-Match: its version). When someone else changed it meanwhile (412),
   * the screen takes the round as it is now and the error says so; the form keeps what was typed, to save again.
   */
  async function update (changes: UpdateRound): Promise<Round> {
    const seen = round.data.value?.version
    try {
      return keep(await call(client.PATCH('/rounds/{id}', { params: { path: path(), header: seen === undefined ? {} : { 'if-match': `"${seen}"` } }, body: changes })))
    } catch (error) {
      const current = error instanceof ApiError && error.status === 412 ? (error.problem as { current?: Round }).current : undefined
      if (!(error instanceof ApiError) || !current) throw error
      keep(current)
      throw new ApiError('Trong lúc bạn sửa, kỳ đánh giá đã được người khác thay đổi; trang đã hiện nội dung mới nhất và ' +
        'các ô bạn không sửa đã theo nội dung đó. Kiểm tra lại rồi bấm Lưu để áp dụng thay đổi của bạn.', 412, error.problem)
    }
  }

  async function setCatalogs (catalogs: CatalogChoice[]): Promise<Round> {
    return keep(await call(client.PUT('/rounds/{id}/catalogs', { params: { path: path() }, body: { catalogs } })))
  }

  /** Replaces the whole list of participating units. */
  async function setParticipants (unitIds: string[]): Promise<Round> {
    return keep(await call(client.PUT('/rounds/{id}/participants', { params: { path: path() }, body: { unitIds } })))
  }

  /** Adds units by id and/or every active unit of some unit types. */
  async function addParticipants (input: { unitIds?: string[], unitTypes?: string[] }): Promise<Round> {
    return keep(await call(client.POST('/rounds/{id}/participants', { params: { path: path() }, body: input })))
  }

  async function removeParticipant (unitId: string): Promise<Round> {
    return keep(await call(client.DELETE('/rounds/{id}/participants/{unitId}', { params: { path: { ...path(), unitId } } })))
  }

  /** One step forward, or one step back with a reason. */
  async function transition (to: RoundStatus, reason?: string): Promise<Round> {
    return keep(await call(client.POST('/rounds/{id}/transition', { params: { path: path() }, body: reason ? { to, reason } : { to } })))
  }

  /**
   * What would refuse a move if it were made now, as the server checks the move itself (its problem document), or null
   * when nothing known is in the way. The move checks again when made.
   */
  async function checkMove (to: RoundStatus): Promise<ProblemDocument | null> {
    const { moves } = await call(client.GET('/rounds/{id}/moves', { params: { path: path() } }))
    return (moves.find((move) => move.to === to)?.refusal ?? null) as ProblemDocument | null
  }

  /** Gives a unit more time for its self-assessment; `until: null` takes the extension back. */
  async function grantExtension (unitId: string, until: string | null, reason: string): Promise<Round> {
    return keep(await call(client.POST('/rounds/{id}/units/{unitId}/extension', { params: { path: { ...path(), unitId } }, body: { until, reason } })))
  }

  async function setAssignments (list: AssignmentChoice[]): Promise<AppraisalAssignment[]> {
    const saved = await call(client.PUT('/rounds/{id}/assignments', { params: { path: path() }, body: { assignments: list } }))
    assignments.data.value = saved
    return saved
  }

  return { round, assignments, update, setCatalogs, setParticipants, addParticipants, removeParticipant, transition, checkMove, grantExtension, setAssignments }
}

/** Every published catalog (a few per year), for choosing a round's catalogs. */
export async function fetchPublishedCatalogs (): Promise<CatalogSummary[]> {
  const catalogs: CatalogSummary[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await call(client.GET('/catalogs', { params: { query: { limit: 500, offset, status: 'published' } } }))
    catalogs.push(...page.items)
    if (catalogs.length >= page.total || page.items.length === 0) return catalogs
  }
}

/** The fields (top-level nodes) of a catalog, in catalog order. */
export async function fetchCatalogFields (catalogId: string): Promise<CatalogFieldStats[]> {
  const catalog = await call(client.GET('/catalogs/{id}', { params: { path: { id: catalogId } } }))
  return catalog.fieldStats
}

/** Active appraisal team accounts (admins only may list users). */
export async function fetchAppraisers (): Promise<User[]> {
  const users: User[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await call(client.GET('/users', { params: { query: { limit: 500, offset, role: 'appraiser', active: true } } }))
    users.push(...page.items)
    if (users.length >= page.total || page.items.length === 0) return users
  }
}

/** The newest other round (by year, not later than this one's) that has appraisal assignments, with them; null when none has. */
export async function fetchPreviousAssignments (round: { id: string, year: number }): Promise<{ round: RoundSummary, assignments: AppraisalAssignment[] } | null> {
  const { items } = await call(client.GET('/rounds', { params: { query: { limit: 20, offset: 0 } } }))
  for (const candidate of items.filter((other) => other.id !== round.id && other.year <= round.year)) {
    const assignments = await call(client.GET('/rounds/{id}/assignments', { params: { path: { id: candidate.id } } }))
    if (assignments.length > 0) return { round: candidate, assignments }
  }
  return null
}
