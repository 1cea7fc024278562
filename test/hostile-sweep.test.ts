// A hostile-input sweep over the whole contract: for every operation of openapi/openapi.json, every parameter and every
// top-level body field gets hostile values (NUL, lone surrogates, 10^20, 2^63, -1, "1e309", 100 kB strings, wrong
// types, deep nesting), and every body is also sent empty, missing, as an array and with the wrong content type, by a
// logged-in admin. Never a 5xx, always problem+json on a refusal, and the database unchanged (row counts, audit log).
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { queryRows } from '../server/db/rows.js'
import { projectRoot } from '../server/paths.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'

interface Parameter { name: string, in: 'path' | 'query' | 'header', schema?: { $ref?: string, properties?: Record<string, unknown> } }
interface Operation { parameters?: Parameter[], requestBody?: { content?: Record<string, { schema?: { $ref?: string, properties?: Record<string, unknown> } }> } }
interface Document { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }

const document = JSON.parse(readFileSync(join(projectRoot, 'openapi', 'openapi.json'), 'utf8')) as Document
// Logging out or changing the password would end the sweep's own session.
const SKIPPED = new Set(['POST /auth/logout', 'POST /auth/password'])

/** Percent-encodes like encodeURIComponent, and a lone surrogate as the bytes a hostile client would send. */
function encode (value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    return [...value].map((char) => /[\uD800-\uDFFF]/.test(char) ? '%ED%A0%80' : encodeURIComponent(char)).join('')
  }
}

let deep: unknown = 'x'
for (let i = 0; i < 200; i++) deep = { a: deep }
const HOSTILE_TEXT = ['\u0000', 'a\u0000b', '\uD800', '\uDC00x', '1e20', '9223372036854775808', '-1', '1e309', 'x'.repeat(100_000), '%', '../..']
const HOSTILE_JSON: unknown[] = ['\u0000', '\uD800', 1e20, 2 ** 63, -1, '1e309', 'x'.repeat(100_000), true, [], {}, null, deep, [[[[[]]]]]]

async function snapshot (app: Awaited<ReturnType<typeof buildTestApp>>): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(app.db, sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`)
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    const [row] = await queryRows<{ count: number }>(app.db, sql`select count(*)::int as count from ${sql.identifier(name)}`)
    counts[name] = Number(row?.count ?? 0)
  }
  return counts
}

t.test('every operation, every parameter and body field, hostile values: never a 5xx, nothing written', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_RATE_PER_MINUTE: 100_000, PUBLIC_RATE_PER_MINUTE: 100_000 } })
  const admin = await loginAs(app, 'admin')
  // Sessions are rows too: every new one would count as a change.
  const before = await snapshot(app)
  let requests = 0
  const failures: string[] = []
  const send = async (label: string, options: InjectOptions) => {
    requests++
    const response = await app.inject(options)
    if (response.statusCode >= 500) failures.push(`${label}: ${response.statusCode} ${response.body.slice(0, 160)}`)
    else if (response.statusCode >= 400 && !String(response.headers['content-type']).startsWith('application/problem+json')) {
      failures.push(`${label}: ${response.statusCode} without problem+json`)
    }
  }

  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const verb = method.toUpperCase()
      if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(verb) || SKIPPED.has(`${verb} ${template}`)) continue
      const parameters = operation.parameters ?? []
      const pathWith = (name?: string, value?: string) => template.replace(/\{([^}]+)\}/g, (_match, param: string) =>
        encode(param === name ? value as string : param === 'unitType' ? 'department' : param === 'version' ? '1' : randomUUID()))
      const headers = { ...admin.headers }
      const json = operation.requestBody?.content?.['application/json']
      const bodySchema = json?.schema?.$ref ? document.components.schemas[json.schema.$ref.split('/').pop() as string] : json?.schema
      const validBody = json ? {} : undefined
      for (const parameter of parameters.filter((item) => item.in !== 'header')) {
        for (const value of HOSTILE_TEXT) {
          const url = parameter.in === 'path' ? pathWith(parameter.name, value) : `${pathWith()}?${parameter.name}=${encode(value)}`
          await send(`${verb} ${template} ${parameter.in} ${parameter.name}=${JSON.stringify(value.slice(0, 12))}`,
            { method: verb as 'GET', url, headers, ...(validBody ? { payload: validBody } : {}) })
        }
      }
      if (!json) continue
      for (const field of Object.keys(bodySchema?.properties ?? {})) {
        for (const value of HOSTILE_JSON) {
          await send(`${verb} ${template} body.${field}`, { method: verb as 'POST', url: pathWith(), headers, payload: { [field]: value } })
        }
      }
      const whole: Array<[string, string, string]> = [['empty', '', 'application/json'], ['array', '[]', 'application/json'], ['deep', JSON.stringify(deep), 'application/json'],
        ['text', 'not json', 'text/plain'], ['truncated', '{"a":', 'application/json'], ['1e309', '{"x":1e309}', 'application/json']]
      for (const [label, payload, type] of whole) {
        await send(`${verb} ${template} body ${label}`, { method: verb as 'POST', url: pathWith(), headers: { ...headers, 'content-type': type }, payload })
      }
    }
  }
  t.ok(requests > 3000, `${requests} hostile requests sent`)
  t.same(failures, [], 'no 5xx, and every refusal is a problem document')
  t.same(await snapshot(app), before, 'no table changed, the audit log included')
})
