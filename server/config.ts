// Configuration: one TypeBox schema of environment variables gives both the type and the validation.
import { isIP } from 'node:net'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to bind (0.0.0.0 in containers)' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection string; unset = embedded PGlite under DATA_DIR' })),
  MIGRATION_DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'Connection string of the schema\'s owner, used only to migrate at start; the service then works as DATABASE_URL\'s role, which may only read and append to the audit log (see "Database roles" in README). Unset = migrate as DATABASE_URL' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'Maximum connections in the pg pool' }),
  DATABASE_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 30000, description: 'Statement timeout per query (0 = none)' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data', description: 'Embedded database and evidence files' }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3, maxLength: 63, description: 'Keep evidence files in this S3-compatible bucket (AWS S3, MinIO, …) instead of under DATA_DIR/evidence; needed with several instances' })),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://', description: 'The S3 API\'s address, e.g. http://minio:9000; unset = AWS S3 of S3_REGION' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1', description: 'Region of the bucket' }),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1, description: 'Access key; unset = the AWS SDK\'s own chain (environment, instance role)' })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1, description: 'Secret of the access key' })),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false, description: 'Address the bucket in the path (http://host/bucket/key), as MinIO and most S3 imitations need' }),
  S3_PRESIGNED_DOWNLOADS_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 0, description: 'With S3_BUCKET: an evidence download answers 302 to a presigned URL of the bucket valid this many seconds, so the file does not pass through the service (the bucket must be reachable by the users\' browsers); 0 = the service streams it' }),
  S3_PREFIX: Type.String({ default: 'evidence/', maxLength: 200, description: 'Key prefix of the evidence objects in the bucket' }),
  EVIDENCE_MAX_BYTES: Type.Integer({ minimum: 1, default: 52428800, description: 'Largest evidence file accepted, in bytes (default 50 MiB); checked while the upload streams' }),
  DEFAULT_LANGUAGE: Type.Enum(['vi', 'en'], { default: 'vi', description: 'Language of error messages (problem documents) for a client whose Accept-Language names neither Vietnamese nor English, or that sends none' }),
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'Bearer token of the Prometheus scraper for GET /metrics (at least 16 characters); unset = no /metrics endpoint' })),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info', description: 'pino log level' }),
  TRUST_PROXY: Type.String({
    default: 'false',
    description: 'Which proxies in front of the service to believe about the client address (X-Forwarded-For, -Proto, -Host): false (none: ' +
      'the peer is the client), true (any), a hop count (e.g. 1: the nearest proxy; only where the service is reachable through its proxies alone), or a comma-separated list of proxy addresses and CIDRs ' +
      '(e.g. 10.0.0.0/8,127.0.0.1). Rate limits, login lockouts, logs and the audit log use the address found this way'
  }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis for counters shared by every instance (rate limits), e.g. redis://redis:6379; unset = each process counts in its own memory' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, maxLength: 100, default: 'par:', description: 'Prefix of this service\'s keys in Redis (several deployments may share one Redis)' }),
  CORS_ORIGINS: Type.String({ default: '', description: 'Comma-separated list of allowed browser origins (empty = none)' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1048576, description: 'Maximum JSON body size' }),
  DEMO_DATA: Type.Boolean({ default: true, description: 'Load the Thanh Hóa 2020 demo data into an empty database at start' }),
  DEMO_PASSWORD: Type.Optional(Type.String({ minLength: 8, description: 'Password of every demo account (one unit officer per unit, one appraiser per field), created with the demo data; unset = random, printed once to the log' })),
  ADMIN_USERNAME: Type.String({ minLength: 3, default: 'admin', description: 'Bootstrap admin created when no admin exists' }),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, description: 'Bootstrap admin password; unset = random, printed once to the log' })),
  TOKEN_TTL_MINUTES: Type.Integer({ minimum: 1, default: 480, description: 'Lifetime of a login token' }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5, description: 'Failed logins after which a username is locked' }),
  LOGIN_LOCK_MINUTES: Type.Integer({ minimum: 1, default: 15, description: 'How long a locked username stays locked' }),
  LOGIN_DELAY_STEP_MS: Type.Integer({ minimum: 0, maximum: 5000, default: 250, description: 'Extra wait added to each failed login after the second, per failure (at most 5 s), slowing guessing down' }),
  PASSWORD_HASH_MEMORY_KIB: Type.Integer({ minimum: 1024, maximum: 1048576, default: 19456, description: 'Memory of each new argon2id password hash, in KiB (default 19 MiB, OWASP\'s minimum); tests use the minimum' }),
  PASSWORD_HASH_ITERATIONS: Type.Integer({ minimum: 1, maximum: 20, default: 2, description: 'Passes of each new argon2id password hash' }),
  LOGIN_RATE_PER_MINUTE: Type.Integer({ minimum: 1, default: 30, description: 'Login attempts per minute per client address' }),
  API_KEY_RATE_PER_MINUTE: Type.Integer({ minimum: 1, default: 1200, description: 'Requests per minute of one API key, on every route it may read (counted per key, whatever the address)' }),
  PUBLIC_RATE_PER_MINUTE: Type.Integer({ minimum: 1, default: 600, description: 'Requests per minute per client address to each public results route (/public/…)' }),
  REPORT_PROVINCE: Type.String({ minLength: 1, maxLength: 100, default: 'Thanh Hóa', description: 'The province: the annual report\'s heading block (UBND TỈNH …) and the place in its date line; the public results page\'s banner and `publisher` of GET /public/rounds' }),
  REPORT_AGENCY: Type.String({ minLength: 1, maxLength: 100, default: 'Sở Nội vụ', description: 'Agency issuing the annual report and publishing the results (the public page\'s banner, `publisher` of GET /public/rounds)' }),
  REPORT_SYMBOL: Type.String({ minLength: 1, maxLength: 40, default: 'BC-SNV', description: 'Symbol after the number of the annual report (Số: …/BC-SNV)' }),
  REPORT_SIGNER_TITLE: Type.String({ minLength: 1, maxLength: 100, default: 'Giám đốc', description: 'Title of the report\'s signer' }),
  JOBS_ENABLED: Type.Boolean({ default: true, description: 'Run the job queue (pg-boss, in the database: reminders, e-mail, clean-ups) in this instance; every instance may, each job runs once' }),
  JOBS_SCHEDULE: Type.Boolean({ default: true, description: 'Fire the jobs on their schedules (every minute for e-mail and webhooks, hourly reminders, nightly clean-ups) from this instance; false = its workers still do the jobs queued by other instances or asked for (tests run each job when they choose)' }),
  JOBS_POLL_SECONDS: Type.Number({ minimum: 0.5, maximum: 60, default: 2, description: 'How often each job worker looks for due work, in seconds' }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', description: 'SMTP server of the notification e-mails, e.g. smtps://user:password@mail.example.gov.vn:465; unset = notifications in the app only (e-mails recorded as skipped)' })),
  MAIL_FROM: Type.String({ minLength: 3, default: 'Chỉ số CCHC <no-reply@localhost>', description: 'Sender of the notification e-mails' }),
  APP_PUBLIC_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:3000', description: 'Address users open the service at, for the links in e-mails (the web app is under /admin/)' }),
  WEBHOOK_ALLOW_HTTP: Type.Boolean({ default: false, description: 'Let admins register webhook endpoints at http:// addresses (a development machine); false = https only' }),
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: Type.Boolean({ default: false, description: 'Let webhooks go to loopback, private and link-local addresses (tests, a receiver on the same network); false = refused when registered and at every delivery' }),
  WEBHOOK_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 60, default: 10, description: 'How long a webhook delivery waits for the receiver\'s answer' }),
  WEBHOOK_DISABLE_AFTER_FAILURES: Type.Integer({ minimum: 1, default: 20, description: 'Failed webhook attempts in a row after which the endpoint is disabled and the admins are told' }),
  EVIDENCE_UNATTACHED_GRACE_HOURS: Type.Integer({ minimum: 1, default: 72, description: 'An evidence file attached to no leaf this many hours after its upload or last detachment is removed (with an audit row)' })
}, { additionalProperties: true })

export type Config = Static<typeof ConfigSchema>

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`)
    this.name = 'ConfigError'
  }
}

const keys = Object.keys(ConfigSchema.properties) as (keyof Config)[]

/** Reads the known variables from env, converts strings to the declared types, applies defaults, and refuses anything invalid. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {}
  for (const key of keys) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
    else if (value === '' && key === 'CORS_ORIGINS') raw[key] = ''
  }
  const converted = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw))
  const candidate = { ...(converted as object), ...overrides }
  const problems = [...Value.Errors(ConfigSchema, candidate)].map((error) => {
    const name = error.instancePath.replace(/^\//, '') || (error.params as { requiredProperties?: string[] }).requiredProperties?.join(', ') || '(root)'
    const value = raw[name]
    return `${name}: ${error.message}${value !== undefined ? ` (got ${JSON.stringify(value)})` : ''}`
  })
  if (problems.length === 0) {
    try {
      trustProxyOf(candidate as Config)
    } catch (error) {
      problems.push(`TRUST_PROXY: ${(error as Error).message} (got ${JSON.stringify((candidate as Config).TRUST_PROXY)})`)
    }
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)])
  return candidate as Config
}

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it: a boolean, a list of addresses and CIDRs, or for a hop count n a
 * function trusting the n nearest hops (Fastify's own number form trusts none, since a client reaching the service
 * directly could forward what it likes: use a count only where the service is reachable through the proxies alone).
 */
export function trustProxyOf (config: Config): boolean | string[] | ((address: string, hop: number) => boolean) {
  const value = config.TRUST_PROXY.trim().toLowerCase()
  if (value === 'false' || value === '') return false
  if (value === 'true') return true
  if (/^\d{1,3}$/.test(value)) {
    const hops = Number(value)
    return hops === 0 ? false : (_address: string, hop: number) => hop < hops
  }
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean)
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/')
    const family = isIP(address ?? '')
    const prefixOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    if (family === 0 || !prefixOk || extra !== undefined) throw new Error(`"${entry}" is neither true, false, a hop count nor an address or CIDR`)
  }
  return entries
}

export function corsOrigins (config: Config): string[] {
  return config.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean)
}
