// Short messages after an action ("Đã lưu"), shown in one corner of the app and dismissed after a while; a notice
// marked `keep` stays until it is closed.
import { ref } from 'vue'

export type NoticeTone = 'success' | 'error' | 'info'

export interface Notice {
  id: number
  text: string
  tone: NoticeTone
  /**
   * Kept when the page changes, and until it is closed (a notice that explains the change itself, such as an expired
   * session: it must not go before it has been read). Once the page has changed again, it goes like any other error.
   */
  keep?: boolean
}

const notices = ref<Notice[]>([])
let nextId = 1
/** At most this many at once; the oldest go first, the ones to keep last. */
const MAX_NOTICES = 4

function dismiss (id: number): void {
  notices.value = notices.value.filter((notice) => notice.id !== id)
}

function notify (text: string, tone: NoticeTone = 'success', options: { keep?: boolean } = {}): void {
  const id = nextId++
  // The same message twice in a row (two failed requests) is shown once, as the newest.
  let next = [...notices.value.filter((notice) => notice.text !== text), { id, text, tone, ...(options.keep ? { keep: true } : {}) }]
  while (next.length > MAX_NOTICES) {
    const oldest = next.find((notice) => !notice.keep) ?? next[0]
    next = next.filter((notice) => notice !== oldest)
  }
  notices.value = next
  if (options.keep) return
  // Errors stay longer: they are usually longer and need reading.
  setTimeout(() => dismiss(id), tone === 'error' ? 10000 : 4000)
}

/** On leaving a page its error notices go: they were about that page. A kept one survives this once. */
function clearErrors (): void {
  notices.value = notices.value
    .filter((notice) => notice.tone !== 'error' || notice.keep === true)
    .map((notice) => notice.keep ? { id: notice.id, text: notice.text, tone: notice.tone } : notice)
}

export function useNotices () {
  return { notices, notify, dismiss, clearErrors }
}
