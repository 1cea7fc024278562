// The state of a form's submission: `busy` while it runs, `error` with the readable message of its last failure.
import { ref } from 'vue'
import { errorMessage } from '../api/problem'

export function useSubmit () {
  const busy = ref(false)
  const error = ref<string | null>(null)

  /** Runs the action; true when it succeeded, false when it failed and its message is in `error`. */
  async function run (action: () => Promise<unknown>): Promise<boolean> {
    busy.value = true
    error.value = null
    try {
      await action()
      return true
    } catch (caught) {
      error.value = errorMessage(caught)
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, error, run }
}
