// Opening an evidence file: fetched with the session's token (a plain link could not send it), then shown in the
// page when the browser can show it (PDF, images) or saved as a download otherwise.
import { onBeforeUnmount, shallowRef } from 'vue'
import { client } from '../api/client'
import { toApiError } from '../api/problem'
import { fileNameOf, saveBlob } from '../download'

/** The types a browser shows by itself; everything else (Word, Excel, …) downloads. */
export function isViewable (mime: string | null | undefined): boolean {
  return mime === 'application/pdf' || mime === 'image/png' || mime === 'image/jpeg'
}

export interface OpenedFile { url: string, mime: string, filename: string }

export function useEvidenceFile () {
  const opened = shallowRef<OpenedFile | null>(null)

  function close (): void {
    if (opened.value) URL.revokeObjectURL(opened.value.url)
    opened.value = null
  }

  async function fetchFile (roundId: string, unitId: string, fileId: string): Promise<{ blob: Blob, filename: string }> {
    const { data, response } = await client.GET('/rounds/{id}/units/{unitId}/self-assessment/files/{fileId}', {
      params: { path: { id: roundId, unitId, fileId } },
      parseAs: 'blob'
    })
    if (!response.ok || !(data instanceof Blob)) throw await toApiError(response)
    return { blob: data, filename: fileNameOf(response.headers.get('content-disposition')) ?? 'tai-lieu' }
  }

  /** Shows a PDF or an image in the page (`opened`), or downloads any other file; returns whether it is shown. */
  async function open (roundId: string, unitId: string, file: { id: string, mime?: string | null }): Promise<boolean> {
    const { blob, filename } = await fetchFile(roundId, unitId, file.id)
    const mime = file.mime ?? blob.type
    if (!isViewable(mime)) {
      saveBlob(blob, filename)
      return false
    }
    close()
    opened.value = { url: URL.createObjectURL(new Blob([blob], { type: mime })), mime, filename }
    return true
  }

  async function download (roundId: string, unitId: string, fileId: string): Promise<void> {
    const { blob, filename } = await fetchFile(roundId, unitId, fileId)
    saveBlob(blob, filename)
  }

  onBeforeUnmount(close)
  return { opened, open, download, close }
}
