// Unit types (sở, ban, ngành; UBND huyện; …), read once and shared by every screen.
import { computed, shallowRef } from 'vue'
import { call, client } from '../api/client'
import type { UnitType } from '../api/types'

const unitTypes = shallowRef<UnitType[]>([])
let loading: Promise<void> | undefined

async function load (force = false): Promise<void> {
  if (unitTypes.value.length > 0 && !force) return
  loading ??= call(client.GET('/unit-types'))
    .then((types) => { unitTypes.value = types })
    .finally(() => { loading = undefined })
  return loading
}

async function create (code: string, name: string): Promise<UnitType> {
  const created = await call(client.POST('/unit-types', { body: { code, name } }))
  await load(true)
  return created
}

async function rename (code: string, name: string): Promise<UnitType> {
  const renamed = await call(client.PATCH('/unit-types/{code}', { params: { path: { code } }, body: { name } }))
  await load(true)
  return renamed
}

async function remove (code: string): Promise<void> {
  await call(client.DELETE('/unit-types/{code}', { params: { path: { code } } }))
  await load(true)
}

const names = computed(() => new Map(unitTypes.value.map((type) => [type.code, type.name])))

function unitTypeName (code: string): string {
  return names.value.get(code) ?? code
}

export function useUnitTypes () {
  return { unitTypes, load, create, rename, remove, unitTypeName }
}
