// A unit's evidence files (tài liệu kiểm chứng) on its self-assessment screen: the list with each file's leaves,
// uploads with their progress, attaching a file to another leaf, detaching, and removing where the server allows.
import { computed, ref, shallowRef, type Ref } from 'vue'
import { call, client } from '../api/client'
import { ApiError, errorMessage } from '../api/problem'
import type { EvidenceFile } from '../api/types'
import { UploadAborted, uploadEvidenceFile } from '../api/upload'
import { formatFileSize } from '../format'

export interface UploadItem {
  id: number
  leafCode: string
  name: string
  size: number
  loaded: number
  /** Null while sending; the Vietnamese reason once refused. */
  error: string | null
  abort: () => void
}

/** Why a file was refused, said for a person who picked it: its type (by content), its size, or the server's problem. */
export function uploadRefusal (error: unknown, file: { name: string, size: number }): string {
  if (error instanceof ApiError && error.status === 415) {
    return `Tệp “${file.name}” không được nhận: hệ thống chỉ nhận PDF, ảnh JPEG hoặc PNG, Word, Excel, PowerPoint và OpenDocument ` +
      '(xét theo nội dung tệp, không theo đuôi tên tệp). Hãy lưu hoặc quét tài liệu thành PDF rồi tải lên lại.'
  }
  if (error instanceof ApiError && error.status === 413) {
    const maxBytes = (error.problem as { maxBytes?: number }).maxBytes
    return `Tệp “${file.name}” (${formatFileSize(file.size)}) quá lớn` +
      (maxBytes ? `: mỗi tệp tối đa ${formatFileSize(maxBytes)}.` : '.') + ' Hãy nén hoặc chia nhỏ tài liệu rồi tải lên lại.'
  }
  return `Tệp “${file.name}”: ${errorMessage(error)}`
}

export function useEvidence (roundId: Ref<string>, unitId: Ref<string>, onChange: () => void) {
  const files = shallowRef<EvidenceFile[]>([])
  const error = ref<string | null>(null)
  const uploads = ref<UploadItem[]>([])
  let nextUpload = 1

  const path = () => ({ id: roundId.value, unitId: unitId.value })

  /** Each leaf's files, oldest first (the order the server lists them). */
  const byLeaf = computed(() => {
    const map = new Map<string, EvidenceFile[]>()
    for (const file of files.value) for (const code of file.leafCodes) map.set(code, [...(map.get(code) ?? []), file])
    return map
  })

  async function load (): Promise<void> {
    error.value = null
    try {
      files.value = await call(client.GET('/rounds/{id}/units/{unitId}/self-assessment/files', { params: { path: path() } }))
    } catch (caught) {
      error.value = errorMessage(caught)
    }
  }

  function keep (file: EvidenceFile): void {
    const known = files.value.some((item) => item.id === file.id)
    files.value = known ? files.value.map((item) => item.id === file.id ? file : item) : [...files.value, file]
    onChange()
  }

  /** Uploads a file and attaches it to the leaf in the same request; progress and refusals show on the leaf. */
  async function upload (leafCode: string, file: File): Promise<void> {
    const id = nextUpload++
    const pending = uploadEvidenceFile({ path: path(), query: { leafCode: [leafCode] } }, file, ({ loaded }) => {
      uploads.value = uploads.value.map((item) => item.id === id ? { ...item, loaded } : item)
    })
    uploads.value = [...uploads.value, { id, leafCode, name: file.name, size: file.size, loaded: 0, error: null, abort: pending.abort }]
    try {
      keep(await pending.done)
      uploads.value = uploads.value.filter((item) => item.id !== id)
    } catch (caught) {
      if (caught instanceof UploadAborted) {
        uploads.value = uploads.value.filter((item) => item.id !== id)
        return
      }
      uploads.value = uploads.value.map((item) => item.id === id ? { ...item, error: uploadRefusal(caught, file) } : item)
    }
  }

  function dismissUpload (id: number): void {
    uploads.value = uploads.value.filter((item) => item.id !== id)
  }

  async function attach (fileId: string, leafCode: string): Promise<void> {
    keep(await call(client.POST('/rounds/{id}/units/{unitId}/self-assessment/files/{fileId}/links', {
      params: { path: { ...path(), fileId } },
      body: { leafCode }
    })))
  }

  async function detach (fileId: string, leafCode: string): Promise<void> {
    keep(await call(client.DELETE('/rounds/{id}/units/{unitId}/self-assessment/files/{fileId}/links/{leafCode}', {
      params: { path: { ...path(), fileId, leafCode } }
    })))
  }

  async function remove (fileId: string): Promise<void> {
    await call(client.DELETE('/rounds/{id}/units/{unitId}/self-assessment/files/{fileId}', { params: { path: { ...path(), fileId } } }))
    files.value = files.value.filter((item) => item.id !== fileId)
    onChange()
  }

  return { files, error, uploads, byLeaf, load, upload, dismissUpload, attach, detach, remove }
}
