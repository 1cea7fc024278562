// The state of a list view's create/edit dialog: closed, open for a new record, or open on one record.
import { ref, type Ref } from 'vue'

export function useEditDialog<T> () {
  const editing = ref(null) as Ref<T | null>
  const formOpen = ref(false)
  return {
    editing,
    formOpen,
    openCreate: (): void => { editing.value = null; formOpen.value = true },
    openEdit: (item: T): void => { editing.value = item; formOpen.value = true }
  }
}
