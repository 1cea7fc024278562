// A long list filtered in the browser and drawn a page at a time: the filters and the counts work on every row, the
// table draws one page (a province's few dozen units fit in one; a round of thousands of units drew every row, about
// a second per thousand). The page is kept in the address as `from`, so the way back from a unit returns to it.
import { computed, ref, watch, type Ref } from 'vue'

export const SHOWN_PAGE_SIZE = 100

/** The address of a filtered list: its filters that are set, and the page when not the first. */
export function listQuery (filters: Record<string, string>, offset: number): Record<string, string> {
  const query: Record<string, string> = {}
  for (const [key, value] of Object.entries(filters)) if (value) query[key] = value
  if (offset > 0) query.from = String(offset)
  return query
}

export interface ShownPageOptions {
  /** The page asked in the address (`from`). */
  from: unknown
  /** What, when it changes, starts the list again from its first page (the filters). */
  resetOn: object | (() => unknown)
  /** The id of the list's heading, brought into view when another page is chosen. */
  scrollTo: string
  size?: number
}

export function useShownPage<T> (list: Ref<readonly T[]>, options: ShownPageOptions) {
  const size = options.size ?? SHOWN_PAGE_SIZE
  const asked = typeof options.from === 'string' ? Number(options.from) : 0
  const offset = ref(Number.isInteger(asked) && asked > 0 ? asked - (asked % size) : 0)
  const page = computed(() => list.value.slice(offset.value, offset.value + size))
  // A reactive object (the filters) is watched deeply; a function, whenever what it reads changes (not deeply: the
  // list it may return is not walked).
  watch(options.resetOn, () => { offset.value = 0 })
  // A list shorter than the page asked (another filter, a link from an older list): back to the first page.
  watch(() => list.value.length, (length) => { if (length > 0 && offset.value >= length) offset.value = 0 })
  return {
    offset,
    size,
    page,
    go: (to: number) => {
      offset.value = to
      document.getElementById(options.scrollTo)?.scrollIntoView({ block: 'start' })
    }
  }
}
