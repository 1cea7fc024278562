// Loading, error and data state of one API read; a newer reload wins over a slower older one.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { errorMessage } from '../api/problem'

export interface Loader<T> {
  data: ShallowRef<T | undefined>
  loading: Ref<boolean>
  error: Ref<string | null>
  reload: () => Promise<void>
}

export function useLoader<T> (load: () => Promise<T>): Loader<T> {
  const data = shallowRef<T>()
  const loading = ref(false)
  const error = ref<string | null>(null)
  let generation = 0

  async function reload (): Promise<void> {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const result = await load()
      if (mine === generation) data.value = result
    } catch (caught) {
      if (mine === generation) error.value = errorMessage(caught)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  return { data, loading, error, reload }
}
