// Sorting a results table by a column header: one column at a time, clicking it again reverses the order. Rows with
// equal values keep the API's order (rank, then Vietnamese order of name). Only the order changes, never a value.
import { computed, ref, type Ref } from 'vue'

export type SortDirection = 'ascending' | 'descending'

export interface SortColumn<T> {
  value: (row: T) => number | string
  /** The order of the first click: names and ranks ascending, points descending. */
  first?: SortDirection
}

export interface SortState {
  key: string
  direction: SortDirection
}

export function useResultSort<T> (rows: Ref<T[]>, columns: Ref<Record<string, SortColumn<T>>>, initial: SortState) {
  const state = ref<SortState>({ ...initial })

  const sorted = computed(() => {
    const column = columns.value[state.value.key]
    if (!column) return rows.value
    const sign = state.value.direction === 'ascending' ? 1 : -1
    return rows.value
      .map((row, position) => ({ row, position, value: column.value(row) }))
      .sort((a, b) => {
        const order = typeof a.value === 'string' || typeof b.value === 'string'
          ? String(a.value).localeCompare(String(b.value), 'vi')
          : a.value - b.value
        return order === 0 ? a.position - b.position : sign * order
      })
      .map(({ row }) => row)
  })

  function sortBy (key: string): void {
    if (state.value.key === key) {
      state.value = { key, direction: state.value.direction === 'ascending' ? 'descending' : 'ascending' }
    } else {
      state.value = { key, direction: columns.value[key]?.first ?? 'ascending' }
    }
  }

  /** The header's aria-sort: only the sorted column says its direction. */
  function ariaSort (key: string): SortDirection | 'none' {
    return state.value.key === key ? state.value.direction : 'none'
  }

  function reset (): void {
    state.value = { ...initial }
  }

  return { state, sorted, sortBy, ariaSort, reset }
}
