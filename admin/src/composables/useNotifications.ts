// The logged-in user's own notifications (the bell): the unread count, the list unread first, marking read, and the
// kinds they want no e-mail of. One state for the whole app, kept fresh on navigation and every minute while visible.
import { computed, ref, shallowRef } from 'vue'
import { call, client } from '../api/client'
import type { Notification, NotificationKind, NotificationPreferences } from '../api/types'
import { whileVisible } from '../polling'

/** How many notifications the panel shows at first and adds on "Xem thêm". */
export const NOTIFICATION_PAGE = 20
/** How often the unread count is asked for while the tab is visible. */
export const NOTIFICATION_POLL_MS = 60_000

const unread = ref(0)
const items = shallowRef<Notification[]>([])
const total = ref(0)
const loading = ref(false)
const loaded = ref(false)
const marking = ref<string | null>(null)
const preferences = shallowRef<NotificationPreferences | null>(null)
let countGeneration = 0
let listGeneration = 0

/** Asks for the unread count only (a page of one). A failure keeps the last count: the bell is not worth an error. */
async function refreshCount (): Promise<void> {
  const mine = ++countGeneration
  try {
    const page = await call(client.GET('/me/notifications', { params: { query: { limit: 1, offset: 0 } } }))
    if (mine === countGeneration) unread.value = page.unread
  } catch {
    // Offline for a moment, or the session ended (the client handles that); the next refresh tries again.
  }
}

/** The first page of the list, unread first; the count comes with it. */
async function load (): Promise<void> {
  const mine = ++listGeneration
  loading.value = true
  try {
    const page = await call(client.GET('/me/notifications', { params: { query: { limit: NOTIFICATION_PAGE, offset: 0 } } }))
    if (mine !== listGeneration) return
    items.value = page.items
    total.value = page.total
    unread.value = page.unread
    countGeneration++
    loaded.value = true
  } finally {
    if (mine === listGeneration) loading.value = false
  }
}

/** The next page after those shown. */
async function loadMore (): Promise<void> {
  const mine = ++listGeneration
  loading.value = true
  try {
    const page = await call(client.GET('/me/notifications', { params: { query: { limit: NOTIFICATION_PAGE, offset: items.value.length } } }))
    if (mine !== listGeneration) return
    const known = new Set(items.value.map((item) => item.id))
    items.value = [...items.value, ...page.items.filter((item) => !known.has(item.id))]
    total.value = page.total
    unread.value = page.unread
  } finally {
    if (mine === listGeneration) loading.value = false
  }
}

/**
 * A mark answered with the server's unread count. A read of the list or of the count still in flight began before the
 * mark and would bring back the old count, so it is dropped; a dropped list read starts again. A count read begun now,
 * after the server's answer, follows: it cannot be stale, and it brings any notification written meanwhile.
 */
function marked (unreadNow: number, isRead: (item: Notification) => boolean): void {
  const reload = loading.value
  listGeneration++
  countGeneration++
  loading.value = false
  const now = new Date().toISOString()
  items.value = items.value.map((item) => item.readAt === null && isRead(item) ? { ...item, readAt: now } : item)
  unread.value = unreadNow
  if (reload) load().catch(() => undefined)
  else refreshCount()
}

/** Marks one read; the answer carries the unread count, so the badge never counts a read twice. */
async function markRead (id: string): Promise<void> {
  marking.value = id
  try {
    const result = await call(client.POST('/me/notifications/read', { body: { ids: [id] } }))
    marked(result.unread, (item) => item.id === id)
  } finally {
    marking.value = null
  }
}

async function markAllRead (): Promise<void> {
  marking.value = 'all'
  try {
    const result = await call(client.POST('/me/notifications/read', { body: {} }))
    marked(result.unread, () => true)
  } finally {
    marking.value = null
  }
}

async function loadPreferences (): Promise<NotificationPreferences> {
  const result = await call(client.GET('/me/notification-preferences'))
  preferences.value = result
  return result
}

async function savePreferences (emailOptOuts: NotificationKind[], email?: string | null): Promise<NotificationPreferences> {
  const result = await call(client.PUT('/me/notification-preferences', { body: { emailOptOuts, ...(email !== undefined ? { email } : {}) } }))
  preferences.value = result
  return result
}

/** Forgets everything (on logout), so the next user never sees the last one's notifications. */
function reset (): void {
  countGeneration++
  listGeneration++
  unread.value = 0
  items.value = []
  total.value = 0
  loaded.value = false
  preferences.value = null
}

/**
 * Refreshes the count every NOTIFICATION_POLL_MS while the tab is visible, and at once when it becomes visible again.
 * Returns the function that stops it.
 */
function startPolling (onTick: () => void = () => { refreshCount() }): () => void {
  return whileVisible(onTick, NOTIFICATION_POLL_MS)
}

const hasMore = computed(() => items.value.length < total.value)

export function useNotifications () {
  return {
    unread,
    items,
    total,
    hasMore,
    loading,
    loaded,
    marking,
    preferences,
    refreshCount,
    load,
    loadMore,
    markRead,
    markAllRead,
    loadPreferences,
    savePreferences,
    reset,
    startPolling
  }
}
