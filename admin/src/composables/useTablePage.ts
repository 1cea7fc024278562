// A results table of many units (a province's communes, a national ranking) drawn a page at a time, with a search by
// a unit's name or code: Bảng 1 and Bảng 2 of 2,000 units drew 4,000 rows in 2.7–6.6 s. A province's few dozen units
// fit on one page and show neither. Printed, the table lists every unit found, as the report's tables do.
import { computed, ref, type Ref } from 'vue'
import { foldText } from '../format'
import { usePrinting } from './usePrinting'
import { useShownPage } from './useShownPage'

export function useTablePage<T> (rows: Ref<readonly T[]>, options: { text: (row: T) => string, scrollTo: string }) {
  const query = ref('')
  const found = computed(() => {
    const q = foldText(query.value.trim())
    return q ? rows.value.filter((row) => foldText(options.text(row)).includes(q)) : rows.value
  })
  // Another order (a column header), other results or another search start from the first page.
  const { page, offset, size, go } = useShownPage(found, { from: undefined, resetOn: () => [query.value, rows.value], scrollTo: options.scrollTo })
  const printing = usePrinting()
  return {
    query,
    found,
    offset,
    size,
    go,
    total: computed(() => rows.value.length),
    /** Whether the table is longer than a page, and so offers its search. */
    paged: computed(() => rows.value.length > size),
    /** The rows drawn: the page, or every row found while printing. */
    shown: computed(() => printing.value ? found.value : page.value),
    printing
  }
}
