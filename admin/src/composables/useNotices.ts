// Short messages after an action ("Đã lưu"), shown in one corner of the app and dismissed after a while.
import { ref } from 'vue'

export type NoticeTone = 'success' | 'error' | 'info'

export interface Notice {
  id: number
  text: string
  tone: NoticeTone
}

const notices = ref<Notice[]>([])
let nextId = 1

function dismiss (id: number): void {
  notices.value = notices.value.filter((notice) => notice.id !== id)
}

function notify (text: string, tone: NoticeTone = 'success'): void {
  const id = nextId++
  // The same message twice in a row (two failed requests) is shown once, as the newest.
  notices.value = [...notices.value.filter((notice) => notice.text !== text), { id, text, tone }].slice(-4)
  // Errors stay longer: they are usually longer and need reading.
  setTimeout(() => dismiss(id), tone === 'error' ? 10000 : 4000)
}

export function useNotices () {
  return { notices, notify, dismiss }
}
