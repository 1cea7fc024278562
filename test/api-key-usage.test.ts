// An API key's last use is recorded, but at most once a minute: a burst of reads is not a burst of writes on its row.
import { sql } from 'drizzle-orm'
import t from 'tap'
import { queryRows } from '../server/db/rows.js'
import { buildTestApp } from './helpers/app.js'
import { apiKeyHeaders } from './helpers/auth.js'

t.test('last_used_at is written on first use and then at most once a minute', async (t) => {
  const app = await buildTestApp(t)
  const headers = await apiKeyHeaders(app)
  const lastUsed = async () => (await queryRows<{ at: string | null }>(app.db, sql`select last_used_at::text as at from api_keys`))[0]?.at ?? null
  t.equal(await lastUsed(), null, 'not used yet')
  t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 200)
  const first = await lastUsed()
  t.ok(first, 'the first use is recorded')
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 200)
  t.equal(await lastUsed(), first, 'five more reads within the minute write nothing')
  await app.db.execute(sql`update api_keys set last_used_at = now() - interval '2 minutes'`)
  const stale = await lastUsed()
  t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 200)
  t.not(await lastUsed(), stale, 'a use a minute later is recorded again')
  await app.db.execute(sql`update api_keys set revoked_at = now()`)
  t.equal((await app.inject({ method: 'GET', url: '/units?limit=1', headers })).statusCode, 401, 'a revoked key still gets nowhere')
})
