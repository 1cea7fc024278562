// The side panel of the appraisal screen: which tab it shows, whether it is shown (beside the leaves on a wide screen,
// over the page on a narrow one, the lower half on a tablet), the evidence file open in it, where it sticks below the
// totals bar, the leaf it shows, where the focus goes when it opens and closes, and the page's scroll padding that keeps
// the leaf moved to clear of both.
import { computed, nextTick, onBeforeUnmount, onMounted, reactive, ref, watch, type Ref } from 'vue'
import { errorMessage } from '../api/problem'
import type { AppraisalLeaf, EvidenceFileRef } from '../api/types'
import type { PanelTab } from '../components/AppraisalSidePanel.vue'
import { isViewable, useEvidenceFile } from './useEvidenceFile'
import { useNotices } from './useNotices'

/** Where the totals bar sticks on a wide screen (below the app's header). */
const BAR_TOP = 60

export function useAppraisalPanel (options: {
  roundId: Ref<string>
  unitId: Ref<string>
  currentCode: Ref<string | null>
  /** A leaf of the unit by its code. */
  leafOf: (code: string) => AppraisalLeaf | null
  /** A leaf's element: the focus goes back to it when the panel is hidden; on a tablet it is scrolled above the panel. */
  leafElement: (code: string) => HTMLElement | null
  /** The totals bar's element, whose height the panel sticks below. */
  bar: () => HTMLElement | undefined
}) {
  const { notify } = useNotices()
  const evidence = useEvidenceFile()
  const narrow = ref(false)
  let media: MediaQueryList | undefined
  const syncNarrow = () => { narrow.value = media?.matches ?? false }
  const panel = reactive({ tab: 'files' as PanelTab, hidden: false, openedOnNarrow: false })
  const shown = computed(() => narrow.value ? panel.openedOnNarrow : !panel.hidden)
  const openedFileId = ref<string | null>(null)
  const opening = ref(false)
  const fileError = ref<string | null>(null)

  /**
   * The leaf the panel was opened for (h, t, "Lịch sử", a file, "Xem xét", "Hiện khung tài liệu"), null while it just
   * follows the current leaf. Opened for a leaf, the panel keeps to it while the focus passes other leaves (Tab,
   * Shift+Tab back from the panel, a click): passing by is not choosing, and before, the history or the file of the
   * leaf asked for was swapped for another one's on the way. It follows again when the appraiser moves on with the
   * leaf keys (j/k, Alt+↓/↑, Enter) or a leaf link (`follow`), opens it for another leaf, or hides it.
   */
  const pinned = ref<string | null>(null)
  const leafCode = computed(() => pinned.value ?? options.currentCode.value)
  const leaf = computed(() => leafCode.value === null ? null : options.leafOf(leafCode.value))
  /** What had the focus when the panel was opened: Esc and "Ẩn khung" go back to its leaf (or to it, "Xem xét"). */
  let opener: HTMLElement | null = null

  const panelElement = () => document.getElementById('appraisal-panel')
  const focusInPanel = () => panelElement()?.contains(document.activeElement) ?? false

  /**
   * Opens the panel on a tab for a leaf (the current one when none is named) and takes the focus to its title, beside
   * the leaves as over them: the panel comes after every leaf in the page, so the focus left on the leaf was a long
   * way of Tabs from it. A focus already in the panel (its own file buttons) stays where it is.
   */
  function open (tab: PanelTab, code: string | null = options.currentCode.value): void {
    if (!focusInPanel()) {
      const active = document.activeElement
      opener = active instanceof HTMLElement && active !== document.body ? active : null
    }
    pinned.value = code
    panel.tab = tab
    panel.hidden = false
    panel.openedOnNarrow = true
    nextTick(() => { if (!focusInPanel()) document.getElementById('panel-title')?.focus() })
  }

  /** The leaf keys moved on: the panel shows the current leaf again. */
  function follow (): void {
    pinned.value = null
  }

  /** Back from the panel: to the leaf that opened it (to the "Xem xét" button, when that one did), else its leaf. */
  function returnTarget (): HTMLElement | null {
    const from = opener?.isConnected ? opener : null
    const code = leafCode.value
    return from?.closest<HTMLElement>('[data-leaf]') ?? from ?? (code ? options.leafElement(code) : null)
  }

  function focusBack (target: HTMLElement | null): void {
    target?.scrollIntoView({ block: 'nearest' })
    target?.focus({ preventScroll: true })
  }

  function hide (): void {
    const target = returnTarget()
    panel.hidden = true
    panel.openedOnNarrow = false
    pinned.value = null
    opener = null
    // Once the leaves have taken the panel's room back, so the leaf is scrolled to where it is then.
    nextTick(() => focusBack(target))
  }

  /** Esc in the panel: over the page it closes; beside the leaves it stays, and the focus goes back. */
  function escape (): void {
    if (narrow.value) hide()
    else focusBack(returnTarget())
  }

  /** Opens a file in the panel; `reading` when the panel follows the leaves by itself (the focus stays where it is). */
  async function openFile (file: EvidenceFileRef, code: string, reading = false): Promise<void> {
    if (!reading) {
      options.currentCode.value = code
      open('files', code)
    }
    opening.value = true
    fileError.value = null
    try {
      const opened = await evidence.open(options.roundId.value, options.unitId.value, file)
      openedFileId.value = opened ? file.id : null
      if (!opened) notify(`Đã tải xuống ${file.filename ?? 'tài liệu'} (loại tệp này không xem được trong trình duyệt)`, 'info')
    } catch (caught) {
      fileError.value = errorMessage(caught)
    } finally {
      opening.value = false
    }
  }

  function closeFile (): void {
    evidence.close()
    openedFileId.value = null
  }

  // Reading along: with a file open, the panel moving to another leaf shows that leaf's first PDF or image (or none).
  watch(leafCode, (code, before) => {
    const shownLeaf = leaf.value
    if (code === before || !evidence.opened.value || panel.tab !== 'files' || !shownLeaf || shownLeaf.self.evidenceFiles.some((file) => file.id === openedFileId.value)) return
    const next = shownLeaf.self.evidenceFiles.find((file) => isViewable(file.mime))
    if (next) openFile(next, shownLeaf.code, true)
    else closeFile()
  })

  // The panel sticks just below the totals bar, which grows a line when its save state and buttons wrap.
  const top = ref(118)
  const barObserver = new ResizeObserver(([entry]) => {
    if (entry) top.value = BAR_TOP + Math.ceil((entry.target as HTMLElement).offsetHeight) + 8
  })
  watch(options.bar, (element, previous) => {
    if (previous) barObserver.unobserve(previous)
    if (element) barObserver.observe(element)
  })

  // The top bar and the totals bar stay on top: whatever the focus goes to (a score box by d, a reason by Tab) is
  // scrolled below them, with its leaf's code and title, not under them.
  const rootStyle = document.documentElement.style
  watch(top, (value) => { rootStyle.scrollPaddingTop = `${value}px` }, { immediate: true })
  // On a tablet the panel takes the lower half (the screen's styles): a leaf moved to is scrolled above it, not under it.
  const tablet = window.matchMedia('(min-width: 701px) and (max-width: 1100px) and (min-height: 600px)')
  watch(shown, async (isShown) => {
    rootStyle.scrollPaddingBottom = isShown && tablet.matches ? '50vh' : ''
    if (!isShown || !tablet.matches || !options.currentCode.value) return
    await nextTick()
    options.leafElement(options.currentCode.value)?.scrollIntoView({ block: 'start' })
  }, { immediate: true })

  onMounted(() => {
    media = window.matchMedia('(max-width: 1100px)')
    syncNarrow()
    media.addEventListener('change', syncNarrow)
  })
  onBeforeUnmount(() => {
    media?.removeEventListener('change', syncNarrow)
    barObserver.disconnect()
    rootStyle.scrollPaddingTop = ''
    rootStyle.scrollPaddingBottom = ''
  })

  return { evidence, narrow, panel, shown, leaf, openedFileId, opening, fileError, top, open, follow, hide, escape, openFile, closeFile }
}
