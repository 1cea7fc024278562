// A dialog that asks for a reason (reopening, moving a round back, republishing): the reason and the last error
// start afresh each time the dialog opens (the reason empty, or as the dialog suggests it).
import { ref, watch } from 'vue'
import { useSubmit } from './useSubmit'

export function useReasonForm (open: () => boolean, suggested: () => string = () => '') {
  const reason = ref('')
  const submission = useSubmit()

  watch(open, (opened) => {
    if (!opened) return
    reason.value = suggested()
    submission.error.value = null
  }, { immediate: true })

  return { reason, ...submission }
}
