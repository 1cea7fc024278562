// A dialog that asks for a reason (reopening, moving a round back, republishing): the reason and the last error
// start afresh each time the dialog opens.
import { ref, watch } from 'vue'
import { useSubmit } from './useSubmit'

export function useReasonForm (open: () => boolean) {
  const reason = ref('')
  const submission = useSubmit()

  watch(open, (opened) => {
    if (!opened) return
    reason.value = ''
    submission.error.value = null
  })

  return { reason, ...submission }
}
