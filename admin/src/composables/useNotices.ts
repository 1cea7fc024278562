// Short messages after an action ("Đã lưu"), shown in one corner of the app and dismissed after a while.
import { ref } from 'vue'

export type NoticeTone = 'success' | 'error' | 'info'

export interface Notice {
  id: number
  text: string
  tone: NoticeTone
  /** Kept when the page changes (a notice that explains the change itself, such as an expired session). */
  keep?: boolean
}

const notices = ref<Notice[]>([])
let nextId = 1

function dismiss (id: number): void {
  notices.value = notices.value.filter((notice) => notice.id !== id)
}

function notify (text: string, tone: NoticeTone = 'success', options: { keep?: boolean } = {}): void {
  const id = nextId++
  // The same message twice in a row (two failed requests) is shown once, as the newest.
  notices.value = [...notices.value.filter((notice) => notice.text !== text), { id, text, tone, ...(options.keep ? { keep: true } : {}) }].slice(-4)
  // Errors stay longer: they are usually longer and need reading.
  setTimeout(() => dismiss(id), tone === 'error' ? 10000 : 4000)
}

/** On leaving a page its error notices go: they were about that page. */
function clearErrors (): void {
  notices.value = notices.value.filter((notice) => notice.tone !== 'error' || notice.keep === true)
}

export function useNotices () {
  return { notices, notify, dismiss, clearErrors }
}
