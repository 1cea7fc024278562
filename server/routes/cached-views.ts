// Serialized (and, for clients that accept it, gzipped) bodies of views of published snapshots, per version and view:
// a snapshot never changes, so the same answer is never serialized or compressed twice.
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'

const MAX_BODIES = 200
/** Bytes of bodies kept at most (each one's gzip, smaller, lives as long as it does): a whole national ranking is tens of MB. */
const MAX_BYTES = 64 * 1024 * 1024
const GZIP_MIN_BYTES = 1024

/** Whether the client accepts gzip (and did not refuse it with q=0). */
function acceptsGzip (request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding']
  if (typeof header !== 'string') return false
  return header.split(',').some((part) => {
    const [coding, ...parameters] = part.trim().toLowerCase().split(';')
    if (coding !== 'gzip' && coding !== '*') return false
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

/** Each body's gzip, once made (or while it is being made), kept as long as the body is. */
const gzipped = new WeakMap<Buffer, Buffer | Promise<Buffer>>()
const gzipAsync = promisify(gzip)

/**
 * Sends JSON bytes already written (as the route's schema writes them): gzipped for clients that accept it, each body
 * gzipped once, on the thread pool. Vary names Accept-Encoding whichever form a client gets.
 */
export function sendJsonBytes (request: FastifyRequest, reply: FastifyReply, json: Buffer): FastifyReply | Promise<FastifyReply> {
  reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding')
  if (json.length < GZIP_MIN_BYTES || !acceptsGzip(request)) return reply.send(json)
  const zipped = gzipped.get(json)
  if (zipped !== undefined && !(zipped instanceof Promise)) return reply.header('content-encoding', 'gzip').send(zipped)
  let pending = zipped
  if (pending === undefined) {
    gzipped.set(json, pending = gzipAsync(json).then((bytes) => {
      gzipped.set(json, bytes)
      return bytes
    }, (error: unknown) => {
      gzipped.delete(json)
      throw error
    }))
  }
  return pending.then((bytes) => reply.header('content-encoding', 'gzip').send(bytes))
}

/**
 * A sender of cached views: `key` names the version and the view (say, its id and the page); `build` makes the view the
 * first time, and the route's response schema serializes it once. Each caller (route plugin) keeps its own cache.
 */
export function cachedViews () {
  // Kept as bytes, so a request costs neither serialization nor UTF-8 encoding.
  const bodies = new Map<string, Buffer>()
  let bytes = 0
  return (request: FastifyRequest, reply: FastifyReply, key: string, build: () => unknown): FastifyReply | Promise<FastifyReply> => {
    let body = bodies.get(key)
    if (body === undefined) {
      body = Buffer.from(reply.serialize(build()) as string, 'utf8')
      bodies.set(key, body)
      bytes += body.length
      while (bodies.size > MAX_BODIES || (bytes > MAX_BYTES && bodies.size > 1)) {
        const [oldest, kept] = bodies.entries().next().value as [string, Buffer]
        bytes -= kept.length
        bodies.delete(oldest)
      }
    }
    return sendJsonBytes(request, reply, body)
  }
}
