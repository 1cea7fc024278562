// buildApp(config): registers plugins, then routes, explicitly. It never listens; server.ts does.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { Redis } from 'ioredis'
import { corsOrigins, trustProxyOf, type Config } from './config.js'
import type { Database } from './db/client.js'
import accessPlugin from './plugins/access.js'
import adminPlugin from './plugins/admin.js'
import authPlugin from './plugins/auth.js'
import dbPlugin from './plugins/db.js'
import storagePlugin from './plugins/storage.js'
import jobsPlugin from './plugins/jobs.js'
import problemDetails, { clientErrorHandler, frameworkErrorHandler } from './plugins/problem-details.js'
import swaggerPlugin from './plugins/swagger.js'
import { sharedSchemas } from './schemas/common.js'
import { installValidation } from './plugins/validation.js'
import systemRoutes from './routes/system.js'
import authRoutes from './routes/auth.js'
import userRoutes from './routes/users.js'
import unitsRoutes from './routes/units.js'
import catalogsRoutes from './routes/catalogs.js'
import roundsRoutes from './routes/rounds.js'
import resultsRoutes from './routes/results.js'
import publicResultsRoutes from './routes/public-results.js'
import reportRoutes from './routes/report.js'
import appraisalRoutes from './routes/appraisal.js'
import evidenceRoutes from './routes/evidence.js'
import notificationRoutes from './routes/notifications.js'
import webhookRoutes from './routes/webhooks.js'
import { setHashCost } from './services/secrets.js'
import metricsPlugin from './plugins/metrics.js'
import securityHeaders from './plugins/security-headers.js'
import compress from '@fastify/compress'
import { constants as zlibConstants } from 'node:zlib'
import { serializerFactory } from './serializers.js'

export interface BuildOptions {
  /** An already open database (tests); otherwise one is opened from the config. */
  database?: Database
  logger?: FastifyServerOptions['logger']
  /** Skip migrations at start (only for tests of an unmigrated database). */
  migrate?: boolean
  /** Where the built web app is (admin/dist by default); tests serve a stand-in. */
  webRoot?: string
  /** Compile every request validator and response serializer at start-up instead of at each route's first use (the test of every route's schemas). */
  eagerSchemas?: boolean
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/

/**
 * The Redis connection of the shared counters, closed with the app. While Redis is unreachable a command fails at
 * once instead of queueing, and the rate limiter lets the request through (logged): the lockout of logins lives in
 * PostgreSQL, so it holds regardless.
 */
async function sharedRedis (app: FastifyInstance, url: string): Promise<Redis> {
  // Loaded only when a Redis is configured.
  const { Redis: Client } = await import('ioredis')
  const redis = new Client(url, { lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  let down = false
  redis.on('error', (error: Error) => {
    if (!down) app.log.warn({ err: error }, 'Redis unreachable: rate limits are not counted until it is back')
    down = true
  })
  redis.on('ready', () => {
    if (down) app.log.info('Redis is back: rate limits are counted again')
    down = false
  })
  app.addHook('onClose', async () => { await redis.quit().catch(() => redis.disconnect()) })
  return redis
}

export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  setHashCost({ memoryKib: config.PASSWORD_HASH_MEMORY_KIB, iterations: config.PASSWORD_HASH_ITERATIONS })
  const app = Fastify({
    logger: options.logger ?? {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' }
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    // The database plugin migrates and, on a first start, loads the demo data before the service is ready: seconds on
    // this machine, but more than Fastify's default 10 s on a loaded or slow host, where start-up failed with
    // AVV_ERR_PLUGIN_EXEC_TIMEOUT. A plugin that truly hangs is still stopped, after two minutes.
    pluginTimeout: 120_000,
    requestIdHeader: false,
    // A caller's own request id is kept when it is sane, so logs can be joined across systems.
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    // Twice the longest path parameter any route accepts (a unit's code or id, 100): a segment a little too long is a
    // 400 naming the parameter from the route's schema; only one far past any is refused before routing (414).
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler: clientErrorHandler(config.DEFAULT_LANGUAGE),
    trustProxy: trustProxyOf(config),
    schemaController: { compilersFactory: { buildSerializer: serializerFactory({ eager: options.eagerSchemas ?? false }) } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  await app.register(securityHeaders)
  await app.register(problemDetails, { defaultLanguage: config.DEFAULT_LANGUAGE })
  await app.register(accessPlugin)
  // An answer for a logged-in caller is theirs alone: no cache keeps it (a route may say otherwise, e.g. evidence).
  app.addHook('onSend', (request, reply, payload, done) => {
    if ((request.principal || request.url === '/auth/login') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    done(null, payload)
  })
  const origins = corsOrigins(config)
  // Answers of 4 kB or more in a compressible type (JSON, CSV, HTML…) are compressed as the client accepts (br, gzip):
  // a smaller one goes out in the same round trip either way, and compressing it cost a save 5 % of its CPU;
  // routes that compress their own cached bodies (the public results) and files (evidence) are left as they are.
  // Answers up to 128 kB are compressed in one call: the plugin's default on 2 cores (8 kB) sent an officer's 39 kB
  // self-assessment through a zlib stream, whose set-up and chunks took more of the server than the compression, and
  // served half as many reads (bench:http: 328–372 → 572–718 req/s, gzip or br; the appraisal 246 → 396). Larger
  // answers (whole rankings, reports) still stream, so the event loop is not held for long.
  await app.register(compress, { global: true, threshold: 4096, syncThreshold: 128 * 1024, encodings: ['br', 'gzip'], brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } } })
  await app.register(cors, {
    origin: origins.length > 0 ? origins : false,
    // The portal writes too (PATCH, PUT, DELETE with If-Match) and reads what the answers say in their headers.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id', 'etag', 'location', 'retry-after', 'content-disposition', 'x-report-versions', 'x-total-count', 'x-chart-parts'],
    allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'if-match', 'if-none-match', 'x-request-id']
  })
  await app.register(dbPlugin, {
    database: options.database,
    url: config.DATABASE_URL,
    migrationUrl: config.MIGRATION_DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    migrate: options.migrate
  })
  await app.register(storagePlugin, config)
  await app.register(jobsPlugin, config)
  // Limits are declared per route (login, public results), and per API key on every route a key reads (auth plugin). With REDIS_URL
  // every instance counts in Redis, so a limit holds across instances; otherwise each process counts in memory.
  const redis = config.REDIS_URL ? await sharedRedis(app, config.REDIS_URL) : undefined
  await app.register(rateLimit, { global: false, ...(redis ? { redis, nameSpace: `${config.REDIS_KEY_PREFIX}rate:`, skipOnError: true } : {}) })
  await app.register(authPlugin, { apiKeyRatePerMinute: config.API_KEY_RATE_PER_MINUTE })
  await app.register(swaggerPlugin)
  for (const schema of sharedSchemas) app.addSchema(schema)
  installValidation(app, { eager: options.eagerSchemas ?? false })

  await app.register(systemRoutes)
  await app.register(metricsPlugin, { token: config.METRICS_TOKEN })
  await app.register(authRoutes, {
    policy: {
      tokenTtlMinutes: config.TOKEN_TTL_MINUTES,
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockMinutes: config.LOGIN_LOCK_MINUTES,
      delayStepMs: config.LOGIN_DELAY_STEP_MS
    },
    loginRatePerMinute: config.LOGIN_RATE_PER_MINUTE
  })
  await app.register(userRoutes)
  await app.register(unitsRoutes)
  await app.register(catalogsRoutes)
  await app.register(roundsRoutes)
  await app.register(resultsRoutes)
  await app.register(publicResultsRoutes, { ratePerMinute: config.PUBLIC_RATE_PER_MINUTE, publisher: { province: config.REPORT_PROVINCE, agency: config.REPORT_AGENCY } })
  await app.register(reportRoutes, {
    ratePerMinute: config.PUBLIC_RATE_PER_MINUTE,
    settings: { province: config.REPORT_PROVINCE, agency: config.REPORT_AGENCY, symbol: config.REPORT_SYMBOL, signerTitle: config.REPORT_SIGNER_TITLE }
  })
  await app.register(appraisalRoutes)
  await app.register(evidenceRoutes, { maxBytes: config.EVIDENCE_MAX_BYTES, presignedSeconds: config.S3_BUCKET ? config.S3_PRESIGNED_DOWNLOADS_SECONDS : 0 })
  await app.register(notificationRoutes)
  await app.register(webhookRoutes, config)
  await app.register(adminPlugin, { root: options.webRoot })
  return app
}
