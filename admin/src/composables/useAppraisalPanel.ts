// The side panel of the appraisal screen: which tab it shows, whether it is shown (beside the leaves on a wide screen,
// over the page on a narrow one, the lower half on a tablet), the evidence file open in it, where it sticks below the
// totals bar, and the page's scroll padding that keeps the leaf moved to clear of both.
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
  currentLeaf: Ref<AppraisalLeaf | null>
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

  function show (tab: PanelTab): void {
    panel.tab = tab
    panel.hidden = false
    const wasOpen = panel.openedOnNarrow
    panel.openedOnNarrow = true
    // Over the page on a phone: the focus goes into it (and back to the leaf when it is hidden).
    if (narrow.value && !wasOpen) nextTick(() => document.getElementById('panel-title')?.focus())
  }

  function hide (): void {
    panel.hidden = true
    panel.openedOnNarrow = false
    if (options.currentCode.value) options.leafElement(options.currentCode.value)?.focus({ preventScroll: true })
  }

  async function openFile (file: EvidenceFileRef, leafCode: string): Promise<void> {
    options.currentCode.value = leafCode
    show('files')
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

  // Reading along: with a file open, moving to another leaf shows that leaf's first PDF or image (or none).
  watch(options.currentCode, (code, before) => {
    const leaf = options.currentLeaf.value
    if (code === before || !evidence.opened.value || panel.tab !== 'files' || !leaf || leaf.self.evidenceFiles.some((file) => file.id === openedFileId.value)) return
    const next = leaf.self.evidenceFiles.find((file) => isViewable(file.mime))
    if (next) openFile(next, leaf.code)
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

  return { evidence, narrow, panel, shown, openedFileId, opening, fileError, top, show, hide, openFile, closeFile }
}
