// Serialized (and, for clients that accept it, gzipped) bodies of views of published snapshots, per version and view:
// a snapshot never changes, so the same answer is never serialized or compressed twice.
import { gzipSync } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

const MAX_BODIES = 200
/** Bytes kept at most (identity and gzip together): a whole national ranking is tens of MB. */
const MAX_BYTES = 64 * 1024 * 1024
export const GZIP_MIN_BYTES = 1024

/** Whether the client accepts gzip (and did not refuse it with q=0). */
export function acceptsGzip (request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding']
  if (typeof header !== 'string') return false
  return header.split(',').some((part) => {
    const [coding, ...parameters] = part.trim().toLowerCase().split(';')
    if (coding !== 'gzip' && coding !== '*') return false
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

/**
 * A sender of cached views: `key` names the version and the view (say, its id and the page); `build` makes the view the
 * first time, and the route's response schema serializes it once. Each caller (route plugin) keeps its own cache.
 */
export function cachedViews () {
  const bodies = new Map<string, { identity: Buffer, gzip: Buffer | null }>()
  let bytes = 0
  const sizeOf = (body: { identity: Buffer, gzip: Buffer | null }) => body.identity.length + (body.gzip?.length ?? 0)
  const makeRoom = () => {
    while (bodies.size > MAX_BODIES || (bytes > MAX_BYTES && bodies.size > 1)) {
      const [oldest, body] = bodies.entries().next().value as [string, { identity: Buffer, gzip: Buffer | null }]
      bytes -= sizeOf(body)
      bodies.delete(oldest)
    }
  }
  return (request: FastifyRequest, reply: FastifyReply, key: string, build: () => unknown): FastifyReply => {
    let body = bodies.get(key)
    if (body === undefined) {
      // Kept as bytes, so a request costs neither serialization nor UTF-8 encoding.
      body = { identity: Buffer.from(reply.serialize(build()) as string, 'utf8'), gzip: null }
      bodies.set(key, body)
      bytes += sizeOf(body)
      makeRoom()
    }
    reply.type('application/json; charset=utf-8')
    if (acceptsGzip(request) && body.identity.length >= GZIP_MIN_BYTES) {
      if (!body.gzip) {
        body.gzip = gzipSync(body.identity)
        bytes += body.gzip.length
        makeRoom()
      }
      return reply.header('content-encoding', 'gzip').send(body.gzip)
    }
    return reply.send(body.identity)
  }
}
