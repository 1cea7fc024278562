// Uploading an evidence file with a progress bar. This is the one request the app does not send through the typed
// client: fetch (and so openapi-fetch) cannot report upload progress, XMLHttpRequest can. The path, its parameters and
// the answer are still typed from the generated `paths`, the session's token is sent the same way, and a refusal
// becomes the same Vietnamese ApiError (through toApiError) as every other request's.
import type { paths } from './schema'
import { endSession, getToken } from './client'
import { NetworkError, toApiError } from './problem'

const UPLOAD_PATH = '/rounds/{id}/units/{unitId}/self-assessment/files' satisfies keyof paths
type UploadOperation = paths[typeof UPLOAD_PATH]['post']

export type UploadParams = UploadOperation['parameters']
export type UploadedFile = UploadOperation['responses'][201]['content']['application/json']

export interface UploadProgress { loaded: number, total: number }

export interface PendingUpload {
  done: Promise<UploadedFile>
  abort: () => void
}

/** An upload the user cancelled; not a failure to report. */
export class UploadAborted extends Error {
  constructor () {
    super('Đã hủy tải lên')
    this.name = 'UploadAborted'
  }
}

/** The path with its parameters filled in and the query (leafCode repeated for several leaves). */
export function uploadUrl (params: UploadParams): string {
  const path = UPLOAD_PATH.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params.path[name as keyof UploadParams['path']]))
  const query = new URLSearchParams()
  for (const leafCode of params.query?.leafCode ?? []) query.append('leafCode', leafCode)
  const text = query.toString()
  return text ? `${path}?${text}` : path
}

/** The XHR's answer as a fetch Response, so toApiError reads it as it reads any other. */
function responseOf (xhr: XMLHttpRequest): Response {
  const headers = new Headers()
  for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
    const at = line.indexOf(':')
    if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim())
  }
  return new Response(xhr.responseText, { status: xhr.status, headers })
}

export function uploadEvidenceFile (params: UploadParams, file: File, onProgress: (progress: UploadProgress) => void): PendingUpload {
  const xhr = new XMLHttpRequest()
  const done = new Promise<UploadedFile>((resolve, reject) => {
    xhr.open('POST', uploadUrl(params))
    const token = getToken()
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.setRequestHeader('Accept-Language', 'vi')
    xhr.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size })
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as UploadedFile)
        return
      }
      if (xhr.status === 401 && token) endSession()
      toApiError(responseOf(xhr)).then(reject, reject)
    }
    // As with fetch, a request that got no answer at all is a network failure, and errorMessage says so.
    xhr.onerror = () => reject(new NetworkError())
    xhr.onabort = () => reject(new UploadAborted())
    const form = new FormData()
    form.append('file', file, file.name)
    xhr.send(form)
  })
  return { done, abort: () => xhr.abort() }
}
