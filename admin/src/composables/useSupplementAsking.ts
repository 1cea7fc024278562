// Asking a unit for supplementary evidence on the appraisal screen: the leaves ticked (x or their checkbox), the
// dialog open or not, sending the request, and where the focus goes afterwards.
import { computed, reactive, ref } from 'vue'
import type { AppraisalLeaf } from '../api/types'
import { refocusIfLost } from '../focus'
import { useNotices } from './useNotices'

export function useSupplementAsking (options: {
  leaves: () => readonly AppraisalLeaf[]
  create: (leafCodes: string[], reason: string, dueAt: string) => Promise<unknown>
  /** Reads the appraisal again once the request is sent (the leaves it reopens show it). */
  reload: () => Promise<unknown>
  leafElement: (code: string) => HTMLElement | null
}) {
  const { notify } = useNotices()
  const selected = reactive(new Set<string>())
  const asking = ref(false)
  const selectedCodes = computed(() => options.leaves().map((leaf) => leaf.code).filter((code) => selected.has(code)))

  /** A leaf with a request still waiting for the unit is not asked about again (the server refuses it too). */
  const askedNow = (leaf: AppraisalLeaf) => leaf.supplementRequests.some((request) => request.status === 'open')

  function toggle (code: string, on: boolean): void {
    const leaf = options.leaves().find((candidate) => candidate.code === code)
    if (on && leaf && askedNow(leaf)) {
      notify(`Tiêu chí ${code} đang có yêu cầu bổ sung chờ đơn vị trả lời; chưa yêu cầu thêm được.`, 'info')
      return
    }
    if (on) selected.add(code)
    else selected.delete(code)
  }

  /** The first leaf of the request just sent: the focus goes back to it (the button that opened the dialog is disabled). */
  let askedFirst: string | null = null

  async function createRequest (reason: string, dueAt: string): Promise<void> {
    await options.create(selectedCodes.value, reason, dueAt)
    askedFirst = selectedCodes.value[0] ?? null
    notify(`Đã gửi yêu cầu bổ sung cho ${selectedCodes.value.length} tiêu chí`)
    selected.clear()
    await options.reload()
  }

  async function onAskClosed (): Promise<void> {
    asking.value = false
    const first = askedFirst
    askedFirst = null
    if (first !== null) await refocusIfLost(() => options.leafElement(first))
  }

  return { selected, asking, selectedCodes, askedNow, toggle, createRequest, onAskClosed }
}
