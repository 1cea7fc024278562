// The logged-in user: login, logout, the current user and changing one's own password.
import { computed, shallowRef } from 'vue'
import { call, client, getToken, setToken } from '../api/client'
import type { User } from '../api/types'
import { forgetKept } from '../keptDrafts'

const user = shallowRef<User | null>(null)
let restoring: Promise<User | null> | undefined

function clear (): void {
  setToken(null)
  user.value = null
}

/** Reads the current user from a token kept from earlier in this browser tab. */
async function restore (): Promise<User | null> {
  if (user.value) return user.value
  if (!getToken()) return null
  restoring ??= call(client.GET('/auth/me'))
    .then((current) => {
      user.value = current
      return current
    })
    .catch(() => {
      clear()
      return null
    })
    .finally(() => { restoring = undefined })
  return restoring
}

async function login (username: string, password: string): Promise<User> {
  const result = await call(client.POST('/auth/login', { body: { username, password } }))
  setToken(result.token)
  user.value = result.user
  return result.user
}

async function logout (): Promise<void> {
  try {
    if (getToken()) await call(client.POST('/auth/logout'))
  } catch {
    // The token is forgotten either way; an expired one cannot be revoked twice.
  } finally {
    clear()
    // Values typed and never saved stay on the device for the officer's next visit, but not past a logout.
    forgetKept()
  }
}

/**
 * The server revokes every token of the user, so the session ends here too; it starts again with the new password
 * (null when that login fails: the user logs in on the login page).
 */
async function changePassword (oldPassword: string, newPassword: string): Promise<User | null> {
  const username = user.value?.username
  await call(client.POST('/auth/password', { body: { oldPassword, newPassword } }))
  clear()
  if (!username) return null
  try {
    return await login(username, newPassword)
  } catch {
    return null
  }
}

const isAdmin = computed(() => user.value?.role === 'admin')

export function useSession () {
  return { user, isAdmin, restore, login, logout, changePassword, clear }
}
