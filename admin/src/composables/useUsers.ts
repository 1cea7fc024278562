// User accounts (admins only): list by role and state, create, edit, deactivate, reset a password.
import { reactive } from 'vue'
import { call, client } from '../api/client'
import type { CreateUser, Role, UpdateUser, User } from '../api/types'
import { usePagedList } from './usePagedList'

export const USERS_PAGE_SIZE = 50

export function useUsers () {
  const filters = reactive({ q: '', role: '' as '' | Role, active: '' as '' | 'true' | 'false' })
  const { offset, list, search, goTo } = usePagedList((start) => call(client.GET('/users', {
    params: {
      query: {
        limit: USERS_PAGE_SIZE,
        offset: start,
        q: filters.q.trim() || undefined,
        role: filters.role || undefined,
        active: filters.active === '' ? undefined : filters.active === 'true'
      }
    }
  })))

  async function create (input: CreateUser): Promise<User> {
    const user = await call(client.POST('/users', { body: input }))
    await list.reload()
    return user
  }

  async function update (id: string, changes: UpdateUser): Promise<User> {
    const user = await call(client.PATCH('/users/{id}', { params: { path: { id } }, body: changes }))
    await list.reload()
    return user
  }

  async function deactivate (id: string): Promise<User> {
    const user = await call(client.POST('/users/{id}/deactivate', { params: { path: { id } } }))
    await list.reload()
    return user
  }

  async function resetPassword (id: string, newPassword: string, mustChangePassword: boolean): Promise<void> {
    await call(client.POST('/users/{id}/reset-password', { params: { path: { id } }, body: { newPassword, mustChangePassword } }))
    await list.reload()
  }

  return { filters, offset, list, search, goTo, create, update, deactivate, resetPassword }
}

/** Every account, for the actor filter of the audit log. */
export async function fetchAllUsers (): Promise<User[]> {
  const users: User[] = []
  for (let offset = 0; ; offset += 500) {
    const page = await call(client.GET('/users', { params: { query: { limit: 500, offset } } }))
    users.push(...page.items)
    if (users.length >= page.total || page.items.length === 0) return users
  }
}
