// The typed API client: bearer token from sessionStorage, problem+json errors thrown as Vietnamese ApiErrors.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError, NetworkError, toApiError } from './problem'

const TOKEN_KEY = 'par-admin.token'

export function getToken (): string | null {
  return sessionStorage.getItem(TOKEN_KEY)
}

export function setToken (token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token)
  else sessionStorage.removeItem(TOKEN_KEY)
}

let unauthenticatedHandler: (() => void) | undefined

/** Called when the API answers 401 to a request made with a token: the session is over. */
export function onUnauthenticated (handler: () => void): void {
  unauthenticatedHandler = handler
}

/** The session is over (a 401 to a request sent with the token): forget the token and tell the app. */
export function endSession (): void {
  setToken(null)
  unauthenticatedHandler?.()
}

const session: Middleware = {
  onRequest ({ request }) {
    const token = getToken()
    if (token) request.headers.set('Authorization', `Bearer ${token}`)
    // The API says its refusals in the language asked for; the app's users read Vietnamese, whatever their browser says.
    request.headers.set('Accept-Language', 'vi')
    return request
  },
  async onResponse ({ request, response }) {
    if (response.ok) return undefined
    const error = await toApiError(response)
    // A wrong password on the login form is a 401 too, but it ends no session.
    if (response.status === 401 && request.headers.has('Authorization')) endSession()
    throw error
  },
  onError ({ error }) {
    if (error instanceof ApiError) return error
    return new NetworkError()
  }
}

export const client = createClient<paths>({ baseUrl: '' })
client.use(session)

interface Outcome<T> {
  data?: T
  error?: unknown
  response: Response
}

/**
 * Awaits a client call and returns its data. Failures were already thrown by the middleware,
 * so `data` is only missing for bodiless answers (204), which callers of such routes ignore.
 */
export async function call<T> (pending: Promise<Outcome<T>>): Promise<T> {
  const { data, error, response } = await pending
  if (error !== undefined || !response.ok) throw await toApiError(response)
  return data as T
}
