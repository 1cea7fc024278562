// One unit's appraisal as an appraiser works on it: the server's state, the scores and reasons typed but not saved yet
// (drafts), saving them with If-Match (debounced, many leaves per request), accepting the unit's scores, and a 412
// answered by taking the server's current state without losing anything typed. The drafts are also kept on the device
// until saved (keptDrafts.ts): opening the unit again brings back those never saved, each on the value it was typed
// over, so a leaf someone else scored meanwhile waits for the appraiser's decision as after a 412.
import { reactive, ref, shallowRef, watch, type Ref } from 'vue'
import { call, client } from '../api/client'
import { ApiError, errorMessage, unsavedMessage, NetworkError, UserMessage } from '../api/problem'
import type { Appraisal, AppraisalEntryProblem, AppraisalLeaf } from '../api/types'
import { inputKey, inputProblem, reasonNeeded } from '../appraisalInput'
import type { LeafInputValue } from '../components/LeafScoreInput.vue'
import { formatDateTime, formatPoints } from '../format'
import { readKept, writeKept } from '../keptDrafts'
import { historyActionLabels, leafProblemLabels } from '../labels'

export interface Draft {
  input: LeafInputValue | null
  reason: string
  /** The leaf's appraised value when typing started: a different one on the server means someone else changed it. */
  base: string
  status: 'pending' | 'saving' | 'error' | 'conflict'
  /** Why the server refused it, or who changed the leaf meanwhile. */
  message: string | null
}

/** A leaf's appraised value as one comparable key (input and reason). */
const appraisedKey = (leaf: AppraisalLeaf | undefined): string =>
  leaf?.appraised ? `${inputKey(leaf.appraised.input)}|${leaf.appraised.reason ?? ''}` : ''

/** A leaf's self score as one comparable key: the unit may change it while answering a supplement request. */
const selfKey = (leaf: AppraisalLeaf | undefined): string =>
  leaf ? `${leaf.self.input === null ? '' : inputKey(leaf.self.input)}|${String(leaf.self.notApplicable)}` : ''

/** The leaves whose self score differs between two states of the appraisal. */
const selfChanged = (before: Appraisal | undefined, after: Appraisal): string[] =>
  before === undefined ? [] : after.leaves.filter((leaf) => selfKey(before.leaves.find((old) => old.code === leaf.code)) !== selfKey(leaf)).map((leaf) => leaf.code)

/**
 * What a 412 brought: the unit's new self scores (its save moved the appraisal's version on) or someone's change of
 * the appraisal, as "Thẩm định của đơn vị vừa được thay đổi: …".
 */
function changeHeadline (before: Appraisal | undefined, current: Appraisal): string {
  const self = selfChanged(before, current)
  return self.length > 0
    ? `Đơn vị vừa sửa điểm tự chấm của tiêu chí ${self.join(', ')}`
    : `Thẩm định của đơn vị vừa được thay đổi: ${describeChange(current.lastChange)}`
}

const AUTOSAVE_MS = 900

/** "Lê Minh Hà – Lưu điểm thẩm định lúc 03/12/2026 15:30 (tiêu chí 1.1.2, 1.1.4)". */
export function describeChange (change: Appraisal['lastChange']): string {
  if (!change) return 'một người khác'
  const who = change.actor.displayName ?? change.actor.name
  const what = historyActionLabels[change.action] ?? change.action
  const leaves = change.leafCodes.length > 0 ? ` (tiêu chí ${change.leafCodes.join(', ')})` : ''
  return `${who} – ${what.toLowerCase()} lúc ${formatDateTime(change.at)}${leaves}`
}

/** Who changed one leaf's appraised score, to what and when: "Lê Minh Hà đã chấm 0,5 điểm lúc 03/12/2026 16:07". */
function describeOther (leaf: AppraisalLeaf | undefined): string {
  const appraised = leaf?.appraised
  if (!appraised) return 'điểm thẩm định của tiêu chí này đã bị xóa'
  const points = appraised.notApplicable ? 'không áp dụng' : `${formatPoints(appraised.points)} điểm`
  return `${appraised.appraisedBy?.displayName ?? 'một người khác'} đã chấm tiêu chí này ${points} lúc ${formatDateTime(appraised.updatedAt)}`
}

function problemsOf (error: unknown): AppraisalEntryProblem[] {
  return error instanceof ApiError && error.code === 'APPRAISAL_INVALID' ? (error.problem.errors ?? []) as AppraisalEntryProblem[] : []
}

function currentOf (error: unknown): Appraisal | null {
  return error instanceof ApiError && error.status === 412 ? (error.problem as { current?: Appraisal }).current ?? null : null
}

/** What is kept on the device of one unit's drafts. */
type KeptAppraisal = Record<string, Pick<Draft, 'input' | 'reason' | 'base'>>

/** `keptAs`: where the device keeps the drafts of the unit being loaded (null: not kept). */
export function useAppraisal (roundId: Ref<string>, unitId: Ref<string>, keptAs: () => string | null = () => null) {
  const state = shallowRef<Appraisal>()
  const loading = ref(false)
  const error = ref<string | null>(null)
  const drafts = reactive(new Map<string, Draft>())
  const saving = ref(false)
  const saveError = ref<string | null>(null)
  /** The last save failed for want of a connection (the typed values are kept): said as a warning, not an error. */
  const saveOffline = ref(false)
  /** Said once after a 412: who changed what meanwhile. */
  const changeNotice = ref<string | null>(null)
  /** How many leaves' scores typed in an earlier visit on this device were brought back. */
  const restored = ref(0)
  /** Where the drafts on screen are kept: set once the unit is loaded, cleared when another unit is opened. */
  let keptHere: string | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  let again = false

  const path = () => ({ id: roundId.value, unitId: unitId.value })
  const ifMatch = () => ({ 'if-match': `"${state.value?.version ?? 0}"` })
  const leafOf = (code: string) => state.value?.leaves.find((leaf) => leaf.code === code)

  /** Takes a state from the server; drafts whose leaf someone else changed meanwhile wait for the appraiser's decision. */
  function adopt (next: Appraisal): string[] {
    const conflicts: string[] = []
    for (const [code, draft] of [...drafts]) {
      const leaf = next.leaves.find((item) => item.code === code)
      if (appraisedKey(leaf) === draft.base) continue
      // Saved meanwhile with this very value and reason (the appraiser's other tab, a colleague): nothing to decide.
      if (leaf && sameAsSaved(leaf, draft)) {
        drafts.delete(code)
        continue
      }
      if (draft.status === 'conflict') continue
      draft.status = 'conflict'
      draft.message = `Trong lúc bạn nhập, ${describeOther(leaf)}. Giá trị bạn nhập vẫn được giữ: lưu giá trị của bạn hoặc dùng giá trị mới.`
      conflicts.push(code)
    }
    state.value = next
    return conflicts
  }

  /** Forgets everything of the unit shown before (another unit is opened in the same screen). */
  function reset (): void {
    if (timer) clearTimeout(timer)
    // Before the drafts go: what the device keeps of this unit stays kept.
    keptHere = null
    restored.value = 0
    drafts.clear()
    state.value = undefined
    changeNotice.value = null
    saveError.value = null
    saveOffline.value = false
  }

  async function load (): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const next = await call(client.GET('/rounds/{id}/units/{unitId}/appraisal', { params: { path: path() } }))
      const key = keptAs()
      if (key !== null && drafts.size === 0) bringBack(key, next)
      adopt(next)
      keptHere = key
      if (restored.value > 0) schedule()
    } catch (caught) {
      error.value = errorMessage(caught)
    } finally {
      loading.value = false
    }
  }

  /**
   * The server's current state, taken quietly while the screen stays open and nothing is being saved: the unit's new
   * self scores and files (while it answers a supplement request), a colleague's saves. A change of the version is
   * said as after a 412; drafts on leaves someone else scored meanwhile wait for the appraiser's decision.
   */
  async function refresh (): Promise<void> {
    const shown = state.value
    if (!shown || loading.value || saving.value) return
    const next = await call(client.GET('/rounds/{id}/units/{unitId}/appraisal', { params: { path: path() } }))
    // Something newer was taken meanwhile (a save, an accept, another unit opened): this answer is already old.
    if (state.value !== shown || saving.value || next.version < shown.version) return
    if (next.version === shown.version) {
      adopt(next)
      return
    }
    const headline = changeHeadline(shown, next)
    const conflicts = adopt(next)
    changeNotice.value = `${headline}. Màn hình đã cập nhật theo máy chủ` +
      (conflicts.length > 0 ? `; tiêu chí ${conflicts.join(', ')} có giá trị bạn đang nhập, chờ bạn quyết định.` : '.')
  }

  /** The scores typed in an earlier visit and never saved, as drafts again while the unit can still be appraised. */
  function bringBack (key: string, next: Appraisal): void {
    const kept = readKept<KeptAppraisal>(key)
    if (kept === null) return
    const open = next.deadline.open && next.status === 'in_progress'
    for (const [code, value] of Object.entries(kept)) {
      const leaf = next.leaves.find((item) => item.code === code)
      if (!open || !leaf || typeof value !== 'object' || value === null) continue
      const draft: Draft = { input: value.input ?? null, reason: String(value.reason ?? ''), base: String(value.base ?? ''), status: 'pending', message: null }
      if (!sameAsSaved(leaf, draft)) drafts.set(code, draft)
    }
    restored.value = drafts.size
    if (drafts.size === 0) writeKept(key, null)
  }

  // Every change of the drafts is copied to the device; none left (all saved or dropped): the copy is removed.
  watch(drafts, () => {
    if (keptHere === null) return
    if (drafts.size === 0) {
      writeKept(keptHere, null)
      return
    }
    const kept: KeptAppraisal = {}
    for (const [code, draft] of drafts) kept[code] = { input: draft.input, reason: draft.reason, base: draft.base }
    writeKept(keptHere, kept)
  }, { deep: true })

  function inputOf (leaf: AppraisalLeaf): LeafInputValue | null {
    const draft = drafts.get(leaf.code)
    return draft ? draft.input : (leaf.appraised?.input ?? null)
  }

  function reasonOf (leaf: AppraisalLeaf): string {
    const draft = drafts.get(leaf.code)
    return draft ? draft.reason : (leaf.appraised?.reason ?? '')
  }

  /** The form's own check before the server's: an input other than the unit's, with no reason yet (and nothing wrong with the input itself). */
  function needsReason (leaf: AppraisalLeaf): boolean {
    return reasonNeeded(leaf.scoring, inputOf(leaf), leaf.self.input, reasonOf(leaf)) && inputProblem(leaf.scoring, leaf.maxPoints, inputOf(leaf)) === null
  }

  /** Back to what is saved (or still nothing at all): nothing to send. */
  function sameAsSaved (leaf: AppraisalLeaf, draft: Draft): boolean {
    const saved = leaf.appraised
    if (!saved) return draft.input === null && draft.reason.trim() === ''
    return inputKey(draft.input) === inputKey(saved.input) && draft.reason.trim() === (saved.reason ?? '')
  }

  function edit (leaf: AppraisalLeaf, change: { input?: LeafInputValue | null, reason?: string }): void {
    const draft = drafts.get(leaf.code) ?? { input: leaf.appraised?.input ?? null, reason: leaf.appraised?.reason ?? '', base: appraisedKey(leaf), status: 'pending', message: null }
    if (change.input !== undefined) draft.input = change.input
    if (change.reason !== undefined) draft.reason = change.reason
    if (draft.status !== 'conflict' && sameAsSaved(leaf, draft)) {
      drafts.delete(leaf.code)
      return
    }
    if (draft.status !== 'conflict') {
      // A number the leaf cannot take waits, said on the leaf, for another value; nothing is sent.
      const problem = inputProblem(leaf.scoring, leaf.maxPoints, draft.input)
      draft.status = problem === null ? 'pending' : 'error'
      draft.message = problem
    }
    drafts.set(leaf.code, draft)
    schedule()
  }

  function schedule (): void {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => { flush() }, AUTOSAVE_MS)
  }

  /** Keeps the appraiser's typed value over the other change: it is sent on the next save. */
  function keepMine (code: string): void {
    const draft = drafts.get(code)
    if (!draft) return
    draft.base = appraisedKey(leafOf(code))
    draft.status = 'pending'
    draft.message = null
    schedule()
  }

  /** The appraiser chose to leave without saving: the device forgets the values too, so no later visit brings them back. */
  function dropKept (): void {
    if (keptHere !== null) writeKept(keptHere, null)
    keptHere = null
  }

  function discard (code: string): void {
    drafts.delete(code)
  }

  /** Drafts that can go to the server now: not waiting for a reason, a decision or an edit after a refusal. */
  const ready = () => [...drafts.entries()].filter(([code, draft]) => {
    const leaf = leafOf(code)
    // A cleared input removes a saved score; a reason alone, before any score, waits for the score.
    return leaf !== undefined && draft.status === 'pending' && (draft.input !== null || leaf.appraised !== null) && !needsReason(leaf)
  })

  /** Saves every ready draft in one request; a 412 without a conflicting leaf is retried on the current version. */
  async function flush (attempt = 0): Promise<void> {
    if (timer) clearTimeout(timer)
    if (saving.value) {
      again = true
      return
    }
    const batch = ready()
    if (batch.length === 0 || !state.value) return
    const sent = batch.map(([code, draft]) => ({ code, draft, input: draft.input, reason: draft.reason.trim() }))
    for (const item of sent) item.draft.status = 'saving'
    saving.value = true
    saveError.value = null
    saveOffline.value = false
    let retry = false
    try {
      const saved = await call(client.PATCH('/rounds/{id}/units/{unitId}/appraisal', {
        params: { path: path(), header: ifMatch() },
        body: { entries: sent.map((item) => ({ leafCode: item.code, input: item.input, reason: item.reason === '' ? null : item.reason })) }
      }))
      for (const item of sent) {
        // Typed on while it was saving: the newer value stays a draft, based on what was just saved.
        const changedSince = inputKey(item.draft.input) !== inputKey(item.input) || item.draft.reason.trim() !== item.reason
        if (changedSince) {
          item.draft.status = 'pending'
          item.draft.base = appraisedKey(saved.leaves.find((leaf) => leaf.code === item.code))
        } else {
          drafts.delete(item.code)
        }
      }
      adopt(saved)
    } catch (caught) {
      for (const item of sent) if (item.draft.status === 'saving') item.draft.status = 'pending'
      const current = currentOf(caught)
      const problems = problemsOf(caught)
      if (current) {
        const headline = changeHeadline(state.value, current)
        const conflicts = adopt(current)
        changeNotice.value = `${headline}. Màn hình đã cập nhật theo máy chủ` +
          (drafts.size === 0
            ? '; máy chủ đã có đúng những giá trị bạn nhập.'
            : '; những gì bạn đang nhập vẫn được giữ' + (conflicts.length > 0 ? `, riêng tiêu chí ${conflicts.join(', ')} chờ bạn quyết định.` : ' và được lưu tiếp.'))
        retry = attempt < 3
      } else if (problems.length > 0) {
        // Nothing was saved: the refused leaves say why, the others go again without them.
        for (const problem of problems) {
          const draft = drafts.get(problem.leafCode)
          if (!draft) continue
          draft.status = 'error'
          draft.message = leafProblemLabels[problem.code] ?? problem.message
        }
        retry = attempt < 3
      } else {
        // Nothing retries by itself here: the appraiser saves again (Lưu ngay, Ctrl+S) once the network is back.
        saveError.value = unsavedMessage(caught, 'được lưu khi bạn bấm “Lưu ngay” lúc có mạng trở lại')
        saveOffline.value = caught instanceof NetworkError
        for (const item of sent) {
          item.draft.status = 'error'
          item.draft.message = 'Chưa lưu được; bấm “Lưu ngay” để thử lại.'
        }
      }
    } finally {
      saving.value = false
    }
    if (retry || again) {
      again = false
      await flush(attempt + 1)
    }
  }

  /** Every draft waiting for the server goes now, including those refused before (the appraiser asked again). */
  async function saveNow (): Promise<void> {
    for (const [code, draft] of drafts) {
      if (draft.status !== 'error') continue
      // A value the leaf itself cannot take stays refused, said on the leaf, and is not sent; the rest go again.
      const leaf = leafOf(code)
      const problem = leaf === undefined ? null : inputProblem(leaf.scoring, leaf.maxPoints, draft.input)
      draft.status = problem === null ? 'pending' : 'error'
      draft.message = problem
    }
    await flush()
  }

  /**
   * Takes the unit's score as the appraised score of these leaves (their drafts are dropped). After a 412 it is sent
   * again only when none of these leaves changed meanwhile, neither its appraised score nor the unit's own score (an
   * accept takes the score on the server, which must be the one the appraiser saw); otherwise the appraiser sees it first.
   */
  async function accept (leafCodes: string[]): Promise<void> {
    if (!state.value || leafCodes.length === 0) return
    const seen = new Map(leafCodes.map((code) => [code, appraisedKey(leafOf(code))]))
    const seenSelf = new Map(leafCodes.map((code) => [code, selfKey(leafOf(code))]))
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await call(client.POST('/rounds/{id}/units/{unitId}/appraisal/accept-self', {
          params: { path: path(), header: ifMatch() },
          body: { leafCodes }
        }))
        for (const code of leafCodes) drafts.delete(code)
        adopt(saved)
        return
      } catch (caught) {
        const current = currentOf(caught)
        if (!current || attempt >= 2) throw caught
        changeNotice.value = `${changeHeadline(state.value, current)}. Màn hình đã cập nhật theo máy chủ.`
        adopt(current)
        const leafNow = (code: string) => current.leaves.find((leaf) => leaf.code === code)
        const selfMoved = leafCodes.filter((code) => selfKey(leafNow(code)) !== seenSelf.get(code))
        if (selfMoved.length > 0) {
          throw new UserMessage(`Chưa chấp nhận: đơn vị vừa sửa điểm tự chấm của tiêu chí ${selfMoved.join(', ')}. Hãy xem điểm mới rồi chấp nhận lại nếu vẫn đồng ý.`)
        }
        const changed = leafCodes.filter((code) => appraisedKey(leafNow(code)) !== seen.get(code))
        if (changed.length > 0) {
          throw new UserMessage(`Chưa chấp nhận: tiêu chí ${changed.join(', ')} vừa được người khác chấm. Hãy xem lại rồi chấp nhận lại nếu vẫn đồng ý.`)
        }
      }
    }
  }

  /**
   * Gives every leaf of the appraiser's fields that the unit never scored, and that has no appraised score, its lowest
   * score with one reason (the server decides which, on the state it holds). Typed scores are saved first, so a leaf the
   * appraiser scored by hand is not among them; after a 412 the current state is taken and the request sent again.
   * Returns how many leaves it scored.
   */
  async function scoreUnanswered (reason: string): Promise<number> {
    await flush()
    if (!state.value) return 0
    const before = state.value.totals.appraised
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await call(client.POST('/rounds/{id}/units/{unitId}/appraisal/score-unanswered', { params: { path: path(), header: ifMatch() }, body: { reason } }))
        adopt(saved)
        return saved.totals.appraised - before
      } catch (caught) {
        const current = currentOf(caught)
        if (!current || attempt >= 2) throw caught
        adopt(current)
      }
    }
  }

  return {
    state,
    loading,
    error,
    drafts,
    saving,
    saveError,
    saveOffline,
    changeNotice,
    restored,
    load,
    refresh,
    reset,
    inputOf,
    reasonOf,
    needsReason,
    edit,
    keepMine,
    discard,
    dropKept,
    flush,
    saveNow,
    accept,
    scoreUnanswered
  }
}
