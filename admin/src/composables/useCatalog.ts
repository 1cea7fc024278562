// One catalog: its tree, stats and problems, and every change to a draft (metadata, nodes, publication, clone).
import type { Ref } from 'vue'
import { call, client } from '../api/client'
import type { Catalog, CloneCatalog, NewCatalogNode, UpdateCatalog, UpdateCatalogNode } from '../api/types'
import { useLoader } from './useLoader'
import { saveBlob } from '../download'

export function useCatalog (id: Ref<string>) {
  const catalog = useLoader(() => call(client.GET('/catalogs/{id}', { params: { path: { id: id.value } } })))
  const path = () => ({ id: id.value })

  /** Every change answers with the whole catalog, problems included, so the screen shows it at once. */
  function keep (updated: Catalog): Catalog {
    catalog.data.value = updated
    return updated
  }

  async function update (changes: UpdateCatalog): Promise<Catalog> {
    return keep(await call(client.PATCH('/catalogs/{id}', { params: { path: path() }, body: changes })))
  }

  async function remove (): Promise<void> {
    await call(client.DELETE('/catalogs/{id}', { params: { path: path() } }))
  }

  async function publish (): Promise<Catalog> {
    return keep(await call(client.POST('/catalogs/{id}/publish', { params: { path: path() } })))
  }

  async function validate () {
    const result = await call(client.POST('/catalogs/{id}/validate', { params: { path: path() } }))
    const current = catalog.data.value
    if (current) catalog.data.value = { ...current, problems: result.problems }
    return result
  }

  async function clone (input: CloneCatalog): Promise<Catalog> {
    return call(client.POST('/catalogs/{id}/clone', { params: { path: path() }, body: input }))
  }

  async function addNode (parentCode: string | null, node: NewCatalogNode, position?: number): Promise<Catalog> {
    return keep(await call(client.POST('/catalogs/{id}/nodes', {
      params: { path: path() },
      body: { parentCode, node, ...(position === undefined ? {} : { position }) }
    })))
  }

  async function updateNode (code: string, changes: UpdateCatalogNode): Promise<Catalog> {
    return keep(await call(client.PATCH('/catalogs/{id}/nodes/{code}', { params: { path: { ...path(), code } }, body: changes })))
  }

  async function moveNode (code: string, parentCode: string | null, position: number): Promise<Catalog> {
    return keep(await call(client.POST('/catalogs/{id}/nodes/{code}/move', { params: { path: { ...path(), code } }, body: { parentCode, position } })))
  }

  async function deleteNode (code: string): Promise<Catalog> {
    return keep(await call(client.DELETE('/catalogs/{id}/nodes/{code}', { params: { path: { ...path(), code } } })))
  }

  /** The par-catalog/1 document, saved by the browser as CODE.json. */
  async function download (): Promise<string> {
    const document = await call(client.GET('/catalogs/{id}/export', { params: { path: path() } }))
    saveBlob(new Blob([JSON.stringify(document, null, 2) + '\n'], { type: 'application/json' }), `${document.code}.json`)
    return `${document.code}.json`
  }

  return { catalog, update, remove, publish, validate, clone, addNode, updateNode, moveNode, deleteNode, download }
}
