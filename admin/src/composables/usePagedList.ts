// A list read one page at a time: a new search starts again at the first page, the pagination bar goes to any page.
import { ref } from 'vue'
import { useLoader } from './useLoader'

export function usePagedList<T> (load: (offset: number) => Promise<T>) {
  const offset = ref(0)
  const list = useLoader(() => load(offset.value))

  function search (): void {
    offset.value = 0
    list.reload()
  }

  function goTo (newOffset: number): void {
    offset.value = newOffset
    list.reload()
  }

  return { offset, list, search, goTo }
}
