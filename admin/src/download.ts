// Files the API sends: the name from Content-Disposition, saving a fetched blob as a download, and both together.
import { toApiError } from './api/problem'

/** The file name of a Content-Disposition header (the UTF-8 `filename*` first); null when there is none. */
export function fileNameOf (disposition: string | null): string | null {
  if (!disposition) return null
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (encoded?.[1]) return decodeURIComponent(encoded[1])
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)
  return plain?.[1]?.trim() ?? null
}

/** Lets the browser save a blob the app fetched (with its Authorization header) under the given name. */
export function saveBlob (blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/**
 * Saves the file of an API request made with `parseAs: 'blob'` (so with the session's token) under the name the API
 * gives it, else `fallbackName`; returns that name. An error answer is thrown as the API's problem.
 */
export async function downloadFile (pending: Promise<{ data?: unknown, response: Response }>, fallbackName: string): Promise<string> {
  const { data, response } = await pending
  if (!response.ok || !(data instanceof Blob)) throw await toApiError(response)
  const fileName = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName
  saveBlob(data, fileName)
  return fileName
}
