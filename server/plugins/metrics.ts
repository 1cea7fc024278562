// GET /metrics in Prometheus's text format, for operators: request counts and latency by route and status, the
// database pool, the evidence stored, and the process's own figures (prom-client). Off unless METRICS_TOKEN is set;
// then only a scraper sending that token as a bearer reads it.
import { timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Errors } from '../errors.js'
import { problemText } from '../messages/problems.js'
import { text as t } from '../messages/text.js'
import { storedEvidenceTotals } from '../services/evidence.js'

export interface MetricsOptions {
  /** The bearer token a scraper sends; no token, no endpoint. */
  token?: string | undefined
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function authorized (request: FastifyRequest, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
  return match?.[1] !== undefined && sameSecret(match[1], token)
}

async function metrics (app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const token = options.token
  const route = { config: { access: { public: true } }, logLevel: 'warn', schema: { hide: true } } as const
  if (!token) {
    // Off: no registry, no timing of requests, and prom-client is not even loaded.
    app.get('/metrics', route, async (request) => {
      throw Errors.routeNotFound(problemText.noRoute(request.method, '/metrics'))
    })
    return
  }
  const { collectDefaultMetrics, Gauge, Histogram, Registry } = await import('prom-client')
  // Each app has its own registry, so several instances in one process (the tests) do not collide.
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by method, route (its pattern, not the address) and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry]
  })
  const database = app.database
  new Gauge({ // eslint-disable-line no-new
    name: 'db_pool_connections',
    help: 'Connections of the PostgreSQL pool by state (total, idle, waiting clients, max); absent on the embedded database',
    labelNames: ['state'],
    registers: [registry],
    collect () {
      const stats = database.poolStats?.()
      if (!stats) return
      for (const [state, value] of Object.entries(stats)) this.set({ state }, value)
    }
  })
  new Gauge({ // eslint-disable-line no-new
    name: 'evidence_stored',
    help: 'Evidence files stored, and their bytes (each content once, as stored)',
    labelNames: ['measure'],
    registers: [registry],
    async collect () {
      const stored = await storedEvidenceTotals(app.db)
      this.set({ measure: 'files' }, stored.files)
      this.set({ measure: 'bytes' }, stored.bytes)
    }
  })

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url
    if (route === undefined || route === '/metrics') return
    duration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })

  app.get('/metrics', route, async (request, reply) => {
    if (!authorized(request, token)) throw Errors.unauthenticated(t('Send the metrics token as "Authorization: Bearer <token>".', 'Cần gửi mã đọc số liệu vận hành trong tiêu đề "Authorization: Bearer <token>".'))
    reply.header('cache-control', 'no-store').type(registry.contentType)
    return registry.metrics()
  })
}

export default fp(metrics, { name: 'metrics', dependencies: ['db'] })
