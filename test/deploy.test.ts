// The production layout (docker-compose.yml, deploy/nginx/nginx.conf, Dockerfile) cannot run here (no Docker daemon),
// so it is read and checked against the service itself: every variable it sets is a setting of the config schema and
// loads; the topology is the documented one; nginx forwards to the port the service listens on and says who the client is.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { ConfigSchema, loadConfig, trustProxyOf } from '../server/config.js'
import { projectRoot } from '../server/paths.js'

interface Service { image?: string, build?: string, environment?: Record<string, string>, deploy?: { replicas?: number }, volumes?: string[], ports?: string[], depends_on?: Record<string, unknown> }
const compose = parse(readFileSync(join(projectRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> }
const nginx = readFileSync(join(projectRoot, 'deploy', 'nginx', 'nginx.conf'), 'utf8')

t.test('the services of the documented topology are there', async (t) => {
  t.same(Object.keys(compose.services).sort(), ['app', 'db', 'minio', 'minio-init', 'nginx', 'redis'])
  t.equal(compose.services.app?.deploy?.replicas, 2, 'two replicas of the service')
  t.notOk(compose.services.app?.ports, 'the replicas are reached through nginx only')
  t.ok(compose.services.db?.volumes?.some((volume) => volume.startsWith('./deploy/postgres:/docker-entrypoint-initdb.d')), 'the roles script runs on the first start')
  t.match(readFileSync(join(projectRoot, 'Dockerfile'), 'utf8'), /^FROM node:24-bookworm-slim AS runtime$/m, 'the image runs the current Node LTS')
})

t.test('every variable the app is given is a setting of the service, and together they load', async (t) => {
  const environment = compose.services.app?.environment ?? {}
  const known = Object.keys(ConfigSchema.properties)
  for (const name of Object.keys(environment)) t.ok(known.includes(name), `${name} is a setting`)
  // Compose fills ${VAR} from the operator's environment; sample values stand in.
  const filled = Object.fromEntries(Object.entries(environment).map(([name, value]) => [name,
    String(value).replace(/\$\{([A-Z_]+)(:-([^}]*)|:\?[^}]*)?\}/g, (_match, variable: string, _rest, fallback?: string) => fallback ?? `sample-${variable.toLowerCase()}`)]))
  const config = loadConfig(filled)
  t.match(config.DATABASE_URL, /^postgres:\/\/par_app:/, 'the service works as the app role')
  t.match(config.MIGRATION_DATABASE_URL, /^postgres:\/\/par_owner:/, 'and migrates as the owner')
  t.equal(config.DEMO_DATA, false, 'no demo data in production by default')
  t.ok(config.REDIS_URL && config.S3_BUCKET, 'shared counters and shared evidence')
  t.ok(Array.isArray(trustProxyOf(config)), 'a trusted proxy network is named')
  t.match(nginx, new RegExp(`server app:${config.PORT};`), 'nginx forwards to the port the service listens on')
})

t.test('nginx terminates TLS and tells the service who the client is', async (t) => {
  t.match(nginx, /listen 443 ssl;/)
  t.match(nginx, /proxy_set_header X-Forwarded-For \$remote_addr;/, 'the client address, not one a client could pass on')
  t.match(nginx, /client_max_body_size \d+m;/, 'evidence uploads fit')
  t.ok(compose.services.nginx?.ports?.includes('443:443'))
})
