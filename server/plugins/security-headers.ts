// The security headers of every answer (helmet's: Content-Security-Policy, Strict-Transport-Security, X-Frame-Options,
// X-Content-Type-Options, Referrer-Policy…), and the request id. helmet writes them, once at start-up, for each of the
// two policies; a request only copies them (one synchronous hook). @fastify/helmet built helmet's middleware anew on
// every request, 12 % of the CPU of a /healthz answer.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from 'helmet'
import { DOCS_PREFIX } from './access.js'

type Directives = Record<string, string[] | null>

/** The Content-Security-Policy: scripts from the service itself only, inline ones only for the API docs. */
function cspDirectives (inlineScripts: boolean): Directives {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: inlineScripts ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    scriptSrcAttr: ["'none'"],
    fontSrc: ["'self'", 'https:', 'data:'],
    styleSrc: ["'self'", "'unsafe-inline'"],
    // Evidence files open in the page (PDF in a frame, images) from the blob the app fetched with the session's token.
    imgSrc: ["'self'", 'data:', 'blob:'],
    frameSrc: ["'self'", 'blob:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    frameAncestors: ["'self'"],
    formAction: ["'self'"],
    // Served over plain HTTP on a developer's machine; behind TLS the proxy redirects (so no upgrade-insecure-requests).
    upgradeInsecureRequests: null
  }
}

/** The headers helmet sets for a policy, read by running its middleware once on a recorder. */
export function helmetHeaders (directives: Directives): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader: (name: string, value: string | number) => { headers[name.toLowerCase()] = String(value) },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] }
  }
  let failure: unknown
  // helmet's middleware is (req, res, next) with Node's types; only setHeader and removeHeader are called.
  helmet({ contentSecurityPolicy: { useDefaults: false, directives } })({} as never, recorder as never, (error?: unknown) => { failure = error })
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure))
  return headers
}

const isDocs = (url: string) => url === DOCS_PREFIX || url.startsWith(`${DOCS_PREFIX}/`) || url.startsWith(`${DOCS_PREFIX}?`)

async function securityHeaders (app: FastifyInstance): Promise<void> {
  const everywhere = helmetHeaders(cspDirectives(false))
  // Only the interactive API docs run inline scripts; everything else (the web app, evidence downloads, JSON) may not.
  const docs = helmetHeaders(cspDirectives(true))
  // Published results and their charts are public data that the provincial portal and other sites show on their own
  // pages (an <img> of a chart, a fetch of the results): another origin may load them.
  const published = { ...everywhere, 'cross-origin-resource-policy': 'cross-origin' }
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/public/') ? published : isDocs(request.url) ? docs : everywhere)
    reply.header('x-request-id', request.id)
    done()
  })
}

export default fp(securityHeaders, { name: 'security-headers' })
