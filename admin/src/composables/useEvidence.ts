// A unit's evidence files (tài liệu kiểm chứng) on its self-assessment screen: the list with each file's leaves,
// uploads with their progress, attaching a file to another leaf, detaching, and removing where the server allows.
import { computed, ref, shallowRef, type Ref } from 'vue'
import { call, client } from '../api/client'
import { ApiError, errorMessage } from '../api/problem'
import type { EvidenceFile, EvidenceRules } from '../api/types'
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

/** What an upload may be (GET /evidence-rules), read once per page load; null until read, or when it could not be. */
const rules = shallowRef<EvidenceRules | null>(null)
let rulesRead: Promise<void> | null = null

/**
 * The largest file and the kinds accepted, to say before a file is picked (the picker's `accept`, a line of hint) and
 * to refuse a file too large before sending it: on a slow connection 50 MB sent for nothing is minutes lost.
 */
export function useEvidenceRules () {
  rulesRead ??= call(client.GET('/evidence-rules', {})).then((read) => { rules.value = read }, () => { rulesRead = null })
  const accept = computed(() => rules.value === null
    ? undefined
    : [...rules.value.types.flatMap((type) => type.extension === 'jpg' ? ['.jpg', '.jpeg'] : [`.${type.extension}`]), ...rules.value.types.map((type) => type.mime)].join(','))
  const hint = computed(() => rules.value === null
    ? null
    : `PDF, JPEG, PNG, Word, Excel, PowerPoint, OpenDocument; mỗi tệp tối đa ${formatFileSize(rules.value.maxBytes)}.`)
  return { rules, accept, hint }
}

function tooLarge (file: { name: string, size: number }, maxBytes: number | undefined): string {
  return `Tệp “${file.name}” (${formatFileSize(file.size)}) quá lớn` +
    (maxBytes ? `: mỗi tệp tối đa ${formatFileSize(maxBytes)}.` : '.') + ' Hãy nén hoặc chia nhỏ tài liệu rồi tải lên lại.'
}

/** Why a file was refused, said for a person who picked it: its type (by content), its size, or the server's problem. */
export function uploadRefusal (error: unknown, file: { name: string, size: number }): string {
  if (error instanceof ApiError && error.status === 415) {
    return `Tệp “${file.name}” không được nhận: hệ thống chỉ nhận PDF, ảnh JPEG hoặc PNG, Word, Excel, PowerPoint và OpenDocument ` +
      '(xét theo nội dung tệp, không theo đuôi tên tệp). Hãy lưu hoặc quét tài liệu thành PDF rồi tải lên lại.'
  }
  if (error instanceof ApiError && error.status === 413) {
    return tooLarge(file, (error.problem as { maxBytes?: number }).maxBytes)
  }
  return `Tệp “${file.name}”: ${errorMessage(error)}`
}

/**
 * `onChange` runs after every change of the files (the totals and what is missing change with them); the actions
 * wait for it, so that what they say afterwards (a leaf no longer missing its evidence) is what the screen shows.
 */
export function useEvidence (roundId: Ref<string>, unitId: Ref<string>, onChange: () => Promise<unknown> | void) {
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

  /** Runs onChange; its failure (the totals not refreshed) is no failure of the file's own action. */
  async function changed (): Promise<void> {
    await Promise.resolve(onChange()).catch(() => undefined)
  }

  function keep (file: EvidenceFile): Promise<void> {
    const known = files.value.some((item) => item.id === file.id)
    files.value = known ? files.value.map((item) => item.id === file.id ? file : item) : [...files.value, file]
    return changed()
  }

  /**
   * Uploads a file and attaches it to the leaf in the same request; progress and refusals show on the leaf. Gives the
   * stored file once the screen shows it, or null when it was refused or cancelled.
   */
  async function upload (leafCode: string, file: File): Promise<EvidenceFile | null> {
    const id = nextUpload++
    const maxBytes = rules.value?.maxBytes
    if (maxBytes !== undefined && file.size > maxBytes) {
      // Said at once, nothing sent (the server would refuse it at the same size, after receiving it).
      uploads.value = [...uploads.value, { id, leafCode, name: file.name, size: file.size, loaded: 0, error: tooLarge(file, maxBytes), abort: () => undefined }]
      return null
    }
    const pending = uploadEvidenceFile({ path: path(), query: { leafCode: [leafCode] } }, file, ({ loaded }) => {
      uploads.value = uploads.value.map((item) => item.id === id ? { ...item, loaded } : item)
    })
    uploads.value = [...uploads.value, { id, leafCode, name: file.name, size: file.size, loaded: 0, error: null, abort: pending.abort }]
    let stored: EvidenceFile
    try {
      stored = await pending.done
    } catch (caught) {
      if (caught instanceof UploadAborted) uploads.value = uploads.value.filter((item) => item.id !== id)
      else uploads.value = uploads.value.map((item) => item.id === id ? { ...item, error: uploadRefusal(caught, file) } : item)
      return null
    }
    const refreshed = keep(stored)
    uploads.value = uploads.value.filter((item) => item.id !== id)
    await refreshed
    return stored
  }

  function dismissUpload (id: number): void {
    uploads.value = uploads.value.filter((item) => item.id !== id)
  }

  async function attach (fileId: string, leafCode: string): Promise<void> {
    await keep(await call(client.POST('/rounds/{id}/units/{unitId}/self-assessment/files/{fileId}/links', {
      params: { path: { ...path(), fileId } },
      body: { leafCode }
    })))
  }

  async function detach (fileId: string, leafCode: string): Promise<void> {
    await keep(await call(client.DELETE('/rounds/{id}/units/{unitId}/self-assessment/files/{fileId}/links/{leafCode}', {
      params: { path: { ...path(), fileId, leafCode } }
    })))
  }

  async function remove (fileId: string): Promise<void> {
    await call(client.DELETE('/rounds/{id}/units/{unitId}/self-assessment/files/{fileId}', { params: { path: { ...path(), fileId } } }))
    files.value = files.value.filter((item) => item.id !== fileId)
    await changed()
  }

  return { files, error, uploads, byLeaf, load, upload, dismissUpload, attach, detach, remove }
}
