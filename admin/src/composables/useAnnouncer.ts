// Words for screen readers about what just changed where the eye sees it change (a file listed, a leaf no longer
// missing anything) and nothing else says it: spoken politely by <LiveAnnouncer> in App.vue, never shown.
import { ref } from 'vue'

export interface Announcement { id: number, text: string }

const announcements = ref<Announcement[]>([])
let nextId = 1

/**
 * Adds one line to the polite live region; each line is spoken once as it is added (several at once, say a few
 * uploads ending together, are spoken one after another) and taken away after a while, so that the same words
 * later are a new line, spoken again.
 */
function announce (text: string): void {
  const id = nextId++
  announcements.value = [...announcements.value, { id, text }].slice(-5)
  setTimeout(() => { announcements.value = announcements.value.filter((item) => item.id !== id) }, 7000)
}

export function useAnnouncer () {
  return { announcements, announce }
}
