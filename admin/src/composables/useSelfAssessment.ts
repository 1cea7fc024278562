// A unit's self-assessment while the officer types: the server's last answer, the officer's own typed values per leaf
// kept apart from it (so no reload overwrites them), and the autosave that sends every changed leaf in one PATCH with
// If-Match. A value leaves the officer's drafts only once the server has saved exactly that value. The drafts are also
// kept on the device until saved (keptDrafts.ts): the next visit brings back those never saved and saves them.
import { computed, reactive, ref, shallowRef, watch, type Ref } from 'vue'
import { call, client } from '../api/client'
import { ApiError, entryProblemMessage, errorMessage, unsavedMessage, NetworkError, UserMessage } from '../api/problem'
import type { EntryProblem, SavedSelfAssessment, SelfAssessment, SelfAssessmentChange, SelfAssessmentLeaf } from '../api/types'
import { sameInput, unreadableNumber } from '../appraisalInput'
import type { LeafInputValue } from '../components/LeafScoreInput.vue'
import { readKept, writeKept } from '../keptDrafts'

/** What the officer typed on one leaf and has not seen saved yet; an absent part keeps the saved one. */
export interface LeafDraft {
  input?: LeafInputValue | null
  explanation?: string
  /** Grows with every keystroke, so a save knows whether the value it sent is still the latest. */
  revision: number
}

/** `offline`: the save could not reach the server; the value is kept and goes as soon as the connection is back. */
export type LeafSaveStatus = 'unsaved' | 'saving' | 'saved' | 'failed' | 'offline'

export interface LeafSaveState {
  status: LeafSaveStatus
  /** Why it failed, in Vietnamese (the server's refusal of this leaf, or of the whole request). */
  message?: string
}

/** The parts of a leaf the officer can type: its value and its explanation (an absent part is not in question). */
export interface LeafParts {
  input?: LeafInputValue | null
  explanation?: string
}

/**
 * A leaf the officer typed on that was also changed elsewhere: the officer's typed parts and the same parts as the
 * server now holds them, for the officer to choose between.
 */
export interface ContestedLeaf {
  code: string
  mine: LeafParts
  theirs: LeafParts
}

/** What the officer chose for a contested leaf: their typed value, or the one now on the server. */
export type ConflictChoice = 'mine' | 'theirs'

/** A 412: someone saved in between. Who, when, which leaves, and which of those the officer has typed on too. */
export interface SaveConflict {
  change: SelfAssessmentChange | null
  contested: ContestedLeaf[]
}

const AUTOSAVE_MS = 1000
/** While typing goes on without a pause, a save still goes out this often, so a long session is never all unsaved. */
const AUTOSAVE_MAX_WAIT_MS = 5000
const RETRY_MS = [3000, 10_000, 30_000]

/** Refusals that say the self-assessment is closed to this change: retrying the same request cannot help. */
const CLOSED_CODES = new Set(['DEADLINE_PASSED', 'SELF_ASSESSMENT_CLOSED', 'SELF_ASSESSMENT_SUBMITTED', 'LEAF_LOCKED', 'NOT_FOUND', 'FORBIDDEN'])

type LeafProblem = Pick<EntryProblem, 'leafCode'> & { code?: string, message?: string }

/** The per-leaf refusals of a problem (SELF_ASSESSMENT_INVALID, a 400 whose errors carry leafCode, LEAF_LOCKED). */
function leafProblems (error: ApiError): LeafProblem[] {
  return (error.problem.errors ?? []).filter((item): item is LeafProblem => typeof item.leafCode === 'string')
}

/**
 * A save answers only what it changed (the saved leaves, the new totals and the version); the rest stays as the state
 * it was based on, which is the state on screen since reads and saves run one after another.
 */
export function withSaved (state: SelfAssessment, saved: SavedSelfAssessment): SelfAssessment {
  const savedLeaves = new Map(saved.leaves.map((leaf) => [leaf.code, leaf]))
  return {
    ...state,
    id: saved.id,
    status: saved.status,
    version: saved.version,
    updatedAt: saved.updatedAt,
    totals: saved.totals,
    leaves: state.leaves.map((leaf) => savedLeaves.get(leaf.code) ?? leaf)
  }
}

/** The parts of typed values (a value, an explanation) that the leaf does not hold as they are. */
function differences (typed: LeafParts, leaf: SelfAssessmentLeaf): LeafParts {
  return {
    ...(typed.input !== undefined && !sameInput(typed.input, leaf.input) ? { input: typed.input } : {}),
    ...(typed.explanation !== undefined && typed.explanation !== (leaf.explanation ?? '') ? { explanation: typed.explanation } : {})
  }
}

/** Which parts of a leaf differ between two states of it. */
function changedParts (known: SelfAssessmentLeaf, current: SelfAssessmentLeaf): { input: boolean, explanation: boolean } {
  return { input: !sameInput(known.input, current.input), explanation: (known.explanation ?? '') !== (current.explanation ?? '') }
}

/**
 * The leaves the officer typed on whose typed parts the server now holds otherwise than this page last knew (read or
 * saved): someone else changed them meanwhile, and only the officer can say which value stands. Without a known state
 * (values brought back from an earlier visit) the leaves the last change named are taken as changed.
 */
export function contestedLeaves (drafts: ReadonlyMap<string, LeafParts>, known: SelfAssessment | null, current: SelfAssessment): ContestedLeaf[] {
  const knownLeaves = new Map((known?.leaves ?? []).map((leaf) => [leaf.code, leaf]))
  const lastChanged = new Set(current.lastChange?.leafCodes ?? [])
  const contested: ContestedLeaf[] = []
  for (const leaf of current.leaves) {
    const draft = drafts.get(leaf.code)
    if (!draft) continue
    const before = knownLeaves.get(leaf.code)
    const moved = before ? changedParts(before, leaf) : { input: lastChanged.has(leaf.code), explanation: lastChanged.has(leaf.code) }
    const mine: LeafParts = {}
    const theirs: LeafParts = {}
    if (draft.input !== undefined && moved.input && !sameInput(draft.input, leaf.input)) {
      mine.input = draft.input
      theirs.input = leaf.input ?? null
    }
    if (draft.explanation !== undefined && moved.explanation && draft.explanation !== (leaf.explanation ?? '')) {
      mine.explanation = draft.explanation
      theirs.explanation = leaf.explanation ?? ''
    }
    if (Object.keys(mine).length > 0) contested.push({ code: leaf.code, mine, theirs })
  }
  return contested
}

/** What is kept on the device: the values not yet saved, and the version they were typed on. */
interface KeptDrafts {
  version: number
  leaves: Record<string, { input?: LeafInputValue | null, explanation?: string }>
}

/** `keptAs`: where this device keeps the drafts until they are saved (null: not kept, e.g. before the user is known). */
export function useSelfAssessment (roundId: Ref<string>, unitId: Ref<string>, keptAs: Ref<string | null> = ref(null)) {
  const state = shallowRef<SelfAssessment>()
  const loadError = ref<string | null>(null)
  const drafts = reactive(new Map<string, LeafDraft>())
  const saveStates = reactive(new Map<string, LeafSaveState>())
  /** The revision of a draft the server refused as invalid: not sent again until the officer changes it. */
  const refused = new Map<string, number>()
  const conflict = shallowRef<SaveConflict | null>(null)
  /** The server's list after a refused submission (SELF_ASSESSMENT_INCOMPLETE), until the next save. */
  const submitProblems = shallowRef<EntryProblem[] | null>(null)
  /** A failure of a whole request (network, server), shown once above the leaves. */
  const saveError = ref<string | null>(null)
  /** The last save failed for want of a connection (the typed values are kept): said as a warning, not an error. */
  const saveOffline = ref(false)
  /** The last save was refused as closed to the unit (deadline, submission, request expired): no retry follows. */
  const saveClosed = ref(false)
  /** The leaves of the last refused save whose supplement request expired meanwhile (the server's expiredLeafCodes). */
  const saveExpired = shallowRef<string[]>([])
  const busy = ref(0)
  /** How many leaves' values typed in an earlier visit on this device were brought back, to be saved now. */
  const restored = ref(0)
  /** The version drafts brought back were typed on, while the conflict it raised is open. */
  let keptBase: number | null = null
  let revision = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let failures = 0

  const path = () => ({ id: roundId.value, unitId: unitId.value })
  const ifMatch = () => ({ 'if-match': `"${state.value?.version ?? 0}"` })

  // Every request that reads or bumps the version runs one after the other: two saves on the same version would
  // refuse each other (412), and a read overtaken by a save would bring back an older version.
  let queue: Promise<unknown> = Promise.resolve()
  function serial<T> (operation: () => Promise<T>): Promise<T> {
    const run = queue.then(async () => {
      busy.value++
      try {
        return await operation()
      } finally {
        busy.value--
      }
    })
    queue = run.catch(() => undefined)
    return run
  }

  const leafByCode = computed(() => new Map((state.value?.leaves ?? []).map((leaf) => [leaf.code, leaf])))

  /** The value shown for a leaf: the officer's typed one while it is not saved, else the saved one. */
  function inputOf (leaf: SelfAssessmentLeaf): LeafInputValue | null {
    const draft = drafts.get(leaf.code)
    return draft && draft.input !== undefined ? draft.input : (leaf.input ?? null)
  }

  function explanationOf (leaf: SelfAssessmentLeaf): string {
    const draft = drafts.get(leaf.code)
    return draft && draft.explanation !== undefined ? draft.explanation : (leaf.explanation ?? '')
  }

  /** When the oldest value not yet sent was typed; null when every value has been sent. */
  let waitingSince: number | null = null

  function schedule (ms = AUTOSAVE_MS): void {
    clearTimeout(timer)
    waitingSince ??= Date.now()
    const delay = Math.max(0, Math.min(ms, waitingSince + AUTOSAVE_MAX_WAIT_MS - Date.now()))
    timer = setTimeout(() => { save().catch(() => undefined) }, delay)
  }

  /** A failed save goes again after `ms` (3 s, 10 s, then every 30 s): the cap on typing's wait does not shorten it. */
  function retryIn (ms: number): void {
    clearTimeout(timer)
    timer = setTimeout(() => { save().catch(() => undefined) }, ms)
  }

  /**
   * The parts of a change that are no change: a part not typed on since the last save whose value is what this page
   * last read or saved for the leaf. Leaving a number box fires its `change` with the value it shows; after a save that
   * is the saved value, and sending it again would put it back over a newer one saved elsewhere meanwhile.
   */
  function unchanged (leafCode: string, change: LeafParts): (keyof LeafParts)[] {
    const leaf = leafByCode.value.get(leafCode)
    const draft = drafts.get(leafCode)
    if (!leaf) return []
    const same: (keyof LeafParts)[] = []
    if (change.input !== undefined && draft?.input === undefined && sameInput(change.input, leaf.input)) same.push('input')
    if (change.explanation !== undefined && draft?.explanation === undefined && change.explanation === (leaf.explanation ?? '')) same.push('explanation')
    return same
  }

  /** The officer changed a leaf: keep the value as typed and save it a moment after the typing stops. */
  function edit (leafCode: string, typed: LeafParts): void {
    const same = unchanged(leafCode, typed)
    const change: LeafParts = { ...typed }
    for (const part of same) delete change[part]
    if (Object.keys(change).length === 0) return
    const draft: LeafDraft = { ...drafts.get(leafCode), ...change, revision: ++revision }
    drafts.set(leafCode, draft)
    // A number the form cannot read is not sent: it waits for a new value, said in the form's words.
    const unreadable = unreadableNumber(draft.input)
    if (unreadable !== null) {
      refused.set(leafCode, draft.revision)
      saveStates.set(leafCode, { status: 'failed', message: unreadable })
      return
    }
    saveStates.set(leafCode, { status: 'unsaved' })
    schedule()
  }

  function sendable (): [string, LeafDraft][] {
    return [...drafts].filter(([code, draft]) => refused.get(code) !== draft.revision)
  }

  /** Saves every changed leaf now, in one request; resolves when that is done (or there was nothing to save). */
  function save (): Promise<void> {
    clearTimeout(timer)
    waitingSince = null
    return serial(async () => {
      if (conflict.value || !state.value) return
      const batch = sendable()
      if (batch.length === 0) return
      await send(batch)
    })
  }

  async function send (batch: [string, LeafDraft][]): Promise<void> {
    const sent = batch.map(([code, draft]) => ({ code, revision: draft.revision }))
    for (const { code } of sent) saveStates.set(code, { status: 'saving' })
    try {
      const saved = await call(client.PATCH('/rounds/{id}/units/{unitId}/self-assessment', {
        params: { path: path(), header: ifMatch() },
        body: {
          entries: batch.map(([leafCode, draft]) => ({
            leafCode,
            ...(draft.input !== undefined ? { input: draft.input } : {}),
            ...(draft.explanation !== undefined ? { explanation: draft.explanation } : {})
          }))
        }
      }))
      if (state.value) state.value = withSaved(state.value, saved)
      saveError.value = null
      saveOffline.value = false
      saveClosed.value = false
      saveExpired.value = []
      // From now on the live list says what is missing; the refusal of an earlier submission is out of date.
      submitProblems.value = null
      failures = 0
      for (const { code, revision: sentRevision } of sent) {
        // A value typed while the request was out stays a draft and goes with the next save.
        if (drafts.get(code)?.revision === sentRevision) {
          drafts.delete(code)
          saveStates.set(code, { status: 'saved' })
        } else {
          saveStates.set(code, { status: 'unsaved' })
        }
      }
      if (sendable().length > 0) schedule()
    } catch (error) {
      await failed(error, sent)
    }
  }

  /** Drops the drafts the self-assessment holds as they are, as saved; true when none is left. */
  function heldAlready (current: SelfAssessment): boolean {
    const leaves = new Map(current.leaves.map((leaf) => [leaf.code, leaf]))
    for (const [code, draft] of [...drafts]) {
      const leaf = leaves.get(code)
      if (!leaf || Object.keys(differences(draft, leaf)).length > 0) continue
      drafts.delete(code)
      saveStates.set(code, { status: 'saved' })
    }
    return drafts.size === 0
  }

  async function failed (error: unknown, sent: { code: string, revision: number }[]): Promise<void> {
    const codes = new Set(sent.map((item) => item.code))
    if (error instanceof ApiError && error.status === 412) {
      const current = (error.problem as { current?: SelfAssessment }).current
      // The self-assessment already holds every value sent (the officer's other tab saved them, or a colleague typed
      // the same): nothing to choose between, the page takes it as it is.
      if (current && heldAlready(current)) {
        state.value = current
        return
      }
      conflict.value = { change: current?.lastChange ?? null, contested: current ? contestedLeaves(drafts, state.value ?? null, current) : [] }
      // Those the self-assessment holds as sent are saved already (heldAlready); the others wait for the officer.
      for (const code of codes) if (drafts.has(code)) saveStates.set(code, { status: 'unsaved', message: 'Chưa lưu: bản tự đánh giá vừa được thay đổi ở nơi khác' })
      return
    }
    const problems = error instanceof ApiError ? leafProblems(error) : []
    if (error instanceof ApiError && problems.length > 0 && (error.status === 400 || error.status === 422)) {
      // Nothing of the request was saved: the refused leaves wait for a new value, the others go again at once.
      for (const problem of problems) {
        const item = sent.find((entry) => entry.code === problem.leafCode)
        if (!item) continue
        refused.set(item.code, item.revision)
        saveStates.set(item.code, { status: 'failed', message: entryProblemMessage(problem) })
        codes.delete(item.code)
      }
      for (const code of codes) saveStates.set(code, { status: 'unsaved' })
      if (sendable().length > 0) schedule(0)
      return
    }
    const message = unsavedMessage(error)
    const offline = error instanceof NetworkError
    const byLeaf = new Map(problems.map((problem) => [problem.leafCode, entryProblemMessage(problem)]))
    // No connection is no fault of the value: it waits, said as a warning, and goes once the network is back.
    for (const code of codes) saveStates.set(code, offline ? { status: 'offline', message } : { status: 'failed', message: byLeaf.get(code) ?? message })
    saveError.value = message
    saveOffline.value = offline
    const closed = error instanceof ApiError && CLOSED_CODES.has(error.code)
    saveClosed.value = closed
    const expired = error instanceof ApiError ? (error.problem as { expiredLeafCodes?: unknown }).expiredLeafCodes : undefined
    saveExpired.value = Array.isArray(expired) ? expired.filter((code): code is string => typeof code === 'string') : []
    // A request that expired meanwhile: the server's own sentence says which leaves and when, better than the code's
    // title over the list of leaves.
    if (saveExpired.value.length > 0 && error instanceof ApiError && typeof error.problem.detail === 'string') saveError.value = error.problem.detail
    if (closed) {
      // The window closed (deadline, submission elsewhere): read the state so the screen says why; the typed values stay.
      await refreshNow()
      return
    }
    retryIn(RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)] ?? AUTOSAVE_MS)
  }

  async function fetchState (): Promise<SelfAssessment> {
    return call(client.GET('/rounds/{id}/units/{unitId}/self-assessment', { params: { path: path() } }))
  }

  async function load (): Promise<void> {
    loadError.value = null
    try {
      state.value = await serial(fetchState)
      if (drafts.size === 0) bringBack()
    } catch (error) {
      loadError.value = errorMessage(error)
    }
  }

  // Every change of the drafts is copied to the device at once; none left (all saved): the copy is removed.
  watch([drafts, keptAs], () => {
    const key = keptAs.value
    if (!key || !state.value) return
    if (drafts.size === 0) {
      writeKept(key, null)
      return
    }
    const kept: KeptDrafts = { version: conflict.value && keptBase !== null ? keptBase : state.value.version, leaves: {} }
    for (const [code, draft] of drafts) kept.leaves[code] = { input: draft.input, explanation: draft.explanation }
    writeKept(key, kept)
  }, { deep: true })

  /**
   * The values typed in an earlier visit on this device and never saved, on the leaves still open to the unit, as
   * drafts again. Saved at once, on the version they were typed on: if the self-assessment changed since, the usual
   * conflict dialog says who changed what and saves them on top when asked.
   */
  function bringBack (): void {
    const key = keptAs.value
    if (!key || !state.value) return
    const kept = readKept<KeptDrafts>(key)
    if (kept === null || typeof kept.leaves !== 'object' || kept.leaves === null) return
    for (const [code, value] of Object.entries(kept.leaves)) {
      const leaf = leafByCode.value.get(code)
      if (!leaf?.editable) continue
      const change = differences(value, leaf)
      if (Object.keys(change).length === 0) continue
      drafts.set(code, { ...change, revision: ++revision })
      saveStates.set(code, { status: 'unsaved' })
    }
    restored.value = drafts.size
    if (drafts.size === 0) {
      writeKept(key, null)
      return
    }
    const current = state.value
    if (Number(kept.version) < current.version) {
      keptBase = Number(kept.version)
      conflict.value = { change: current.lastChange, contested: contestedLeaves(drafts, null, current) }
      return
    }
    schedule(0)
  }

  /** Reads the state again (after an evidence change, at the deadline); a version moved by someone else while the officer has typed values is a conflict. */
  async function refreshNow (): Promise<void> {
    const next = await fetchState()
    const known = state.value?.version ?? 0
    if (next.version > known && drafts.size > 0) {
      conflict.value = { change: next.lastChange, contested: contestedLeaves(drafts, state.value ?? null, next) }
      return
    }
    if (next.version >= known) state.value = next
  }

  function refresh (): Promise<void> {
    return serial(refreshNow)
  }

  /**
   * "Reload": the server's state, with the officer's typed values applied on top and saved, except on a contested leaf
   * where the officer chose the server's value (the default): there the typed parts in question are dropped.
   */
  async function resolveConflict (choices: Record<string, ConflictChoice> = {}): Promise<void> {
    await serial(async () => {
      const contested = conflict.value?.contested ?? []
      state.value = await fetchState()
      for (const leaf of contested) {
        if ((choices[leaf.code] ?? 'theirs') !== 'theirs') continue
        const draft = drafts.get(leaf.code)
        if (!draft) continue
        const rest: LeafDraft = { ...draft, revision: ++revision }
        for (const part of Object.keys(leaf.mine) as (keyof LeafParts)[]) delete rest[part]
        if (rest.input === undefined && rest.explanation === undefined) {
          drafts.delete(leaf.code)
          saveStates.set(leaf.code, { status: 'saved' })
        } else {
          drafts.set(leaf.code, rest)
        }
      }
      conflict.value = null
      keptBase = null
      for (const code of drafts.keys()) saveStates.set(code, { status: 'unsaved' })
    })
    await save()
  }

  /** Saves what is typed, then submits; an incomplete self-assessment lists its problems in `submitProblems`. */
  async function submit (): Promise<void> {
    await save()
    if (drafts.size > 0) throw new UserMessage(`Còn ${drafts.size} tiêu chí chưa lưu được; hãy sửa hoặc lưu lại trước khi nộp`)
    submitProblems.value = null
    await serial(async () => {
      try {
        state.value = await call(client.POST('/rounds/{id}/units/{unitId}/self-assessment/submit', { params: { path: path(), header: ifMatch() } }))
      } catch (error) {
        if (error instanceof ApiError && error.code === 'SELF_ASSESSMENT_INCOMPLETE') submitProblems.value = (error.problem.errors ?? []) as EntryProblem[]
        if (error instanceof ApiError && error.status === 412) state.value = await fetchState()
        throw error
      }
    })
  }

  async function withdraw (): Promise<void> {
    await serial(async () => {
      try {
        state.value = await call(client.POST('/rounds/{id}/units/{unitId}/self-assessment/withdraw', { params: { path: path(), header: ifMatch() } }))
      } catch (error) {
        if (error instanceof ApiError && error.status === 412) state.value = await fetchState()
        throw error
      }
    })
  }

  /** The officer chose to leave without saving: the device forgets the values too, so no later visit brings them back. */
  function dropKept (): void {
    if (keptAs.value) writeKept(keptAs.value, null)
  }

  /** A save is on its way. */
  const saving = computed(() => busy.value > 0 && [...saveStates.values()].some((item) => item.status === 'saving'))

  // The connection is back (the browser says so): what waited for it goes at once, not at the next retry.
  const onOnline = () => {
    if ([...saveStates.values()].some((item) => item.status === 'offline')) schedule(0)
  }
  window.addEventListener('online', onOnline)

  function dispose (): void {
    clearTimeout(timer)
    window.removeEventListener('online', onOnline)
  }

  return {
    state,
    loadError,
    drafts,
    saveStates,
    conflict,
    saveError,
    saveOffline,
    saveClosed,
    saveExpired,
    submitProblems,
    saving,
    restored,
    leafByCode,
    load,
    refresh,
    edit,
    save,
    resolveConflict,
    submit,
    withdraw,
    inputOf,
    explanationOf,
    dropKept,
    dispose
  }
}
