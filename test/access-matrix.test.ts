// Every route × every kind of caller: the statuses the server gives must match the policy written here.
// A route missing from the policy fails this test, so each new route gets a deliberate access decision.
import t from 'tap'
import { randomUUID } from 'node:crypto'
import type { Role } from '../server/plugins/access.js'
import { buildTestApp } from './helpers/app.js'
import { apiKeyHeaders, loginAs } from './helpers/auth.js'

type Caller = 'anonymous' | Role | 'apiKey'
const roles: Role[] = ['admin', 'appraiser', 'unit_officer', 'viewer']
const everyone: Caller[] = ['anonymous', ...roles, 'apiKey']
const allUsers: Caller[] = [...roles]
const readers = (scope: 'catalogs:read' | 'units:read' | 'results:read'): { callers: Caller[], scope: typeof scope } => ({ callers: [...roles, 'apiKey'], scope })

/** Who may call each route. */
const policy: Record<string, Caller[] | { callers: Caller[], scope: string }> = {
  'GET /healthz': everyone,
  'GET /readyz': everyone,
  'GET /openapi.json': everyone,
  'POST /auth/login': everyone,
  'POST /auth/logout': allUsers,
  'GET /auth/me': allUsers,
  'POST /auth/password': allUsers,
  'GET /users': ['admin'],
  'POST /users': ['admin'],
  'POST /users/unit-officers': ['admin'],
  'GET /users/{id}': ['admin'],
  'PATCH /users/{id}': ['admin'],
  'POST /users/{id}/deactivate': ['admin'],
  'POST /users/{id}/reset-password': ['admin'],
  'GET /api-keys': ['admin'],
  'POST /api-keys': ['admin'],
  'POST /api-keys/{id}/revoke': ['admin'],
  'GET /audit': ['admin'],
  'GET /me/notifications': allUsers,
  'POST /me/notifications/{id}/read': allUsers,
  'POST /me/notifications/read': allUsers,
  'GET /me/notification-preferences': allUsers,
  'PUT /me/notification-preferences': allUsers,
  'GET /jobs': ['admin'],
  'GET /webhooks': ['admin'],
  'POST /webhooks': ['admin'],
  'GET /webhooks/{id}': ['admin'],
  'PATCH /webhooks/{id}': ['admin'],
  'DELETE /webhooks/{id}': ['admin'],
  'POST /webhooks/{id}/rotate-secret': ['admin'],
  'GET /webhooks/{id}/deliveries': ['admin'],
  'POST /webhooks/{id}/deliveries/{deliveryId}/redeliver': ['admin'],
  'GET /unit-types': readers('units:read'),
  'POST /unit-types': ['admin'],
  'PATCH /unit-types/{code}': ['admin'],
  'DELETE /unit-types/{code}': ['admin'],
  'GET /units': readers('units:read'),
  'POST /units': ['admin'],
  'POST /units/import': ['admin'],
  'GET /units/{id}': readers('units:read'),
  'PATCH /units/{id}': ['admin'],
  'POST /units/{id}/deactivate': ['admin'],
  'POST /units/{id}/activate': ['admin'],
  'GET /units/{id}/rounds': ['admin', 'unit_officer', 'viewer'],
  'GET /catalogs': readers('catalogs:read'),
  'POST /catalogs': ['admin'],
  'POST /catalogs/import': ['admin'],
  'GET /catalogs/{id}': readers('catalogs:read'),
  'GET /catalogs/{id}/export': readers('catalogs:read'),
  'PATCH /catalogs/{id}': ['admin'],
  'DELETE /catalogs/{id}': ['admin'],
  'POST /catalogs/{id}/validate': ['admin'],
  'POST /catalogs/{id}/publish': ['admin'],
  'POST /catalogs/{id}/clone': ['admin'],
  'POST /catalogs/{id}/nodes': ['admin'],
  'PATCH /catalogs/{id}/nodes/{code}': ['admin'],
  'POST /catalogs/{id}/nodes/{code}/move': ['admin'],
  'DELETE /catalogs/{id}/nodes/{code}': ['admin'],
  'GET /rounds': readers('results:read'),
  'POST /rounds': ['admin'],
  'GET /rounds/{id}': readers('results:read'),
  'PATCH /rounds/{id}': ['admin'],
  'PUT /rounds/{id}/catalogs': ['admin'],
  'PUT /rounds/{id}/participants': ['admin'],
  'POST /rounds/{id}/participants': ['admin'],
  'DELETE /rounds/{id}/participants/{unitId}': ['admin'],
  'GET /rounds/{id}/moves': ['admin'],
  'POST /rounds/{id}/transition': ['admin'],
  'POST /rounds/{id}/units/{unitId}/extension': ['admin'],
  'GET /rounds/{id}/self-assessments': ['admin', 'unit_officer', 'viewer'],
  'GET /rounds/{id}/units/{unitId}/self-assessment': ['admin', 'unit_officer', 'viewer'],
  'GET /rounds/{id}/units/{unitId}/self-assessment/export': ['admin', 'unit_officer', 'viewer'],
  'PATCH /rounds/{id}/units/{unitId}/self-assessment': ['unit_officer'],
  'POST /rounds/{id}/units/{unitId}/self-assessment/submit': ['unit_officer'],
  'POST /rounds/{id}/units/{unitId}/self-assessment/withdraw': ['unit_officer'],
  'GET /rounds/{id}/results': { callers: ['admin', 'apiKey'], scope: 'results:read' },
  'POST /rounds/{id}/results/publish': ['admin'],
  'GET /rounds/{id}/results/versions': { callers: ['admin', 'apiKey'], scope: 'results:read' },
  'GET /rounds/{id}/results/versions/{version}': { callers: ['admin', 'apiKey'], scope: 'results:read' },
  'GET /rounds/{id}/results/export': { callers: ['admin', 'apiKey'], scope: 'results:read' },
  'GET /rounds/{id}/results/settings': ['admin'],
  'PATCH /rounds/{id}/results/settings': ['admin'],
  'POST /rounds/{id}/historical-results': ['admin'],
  'GET /rounds/{id}/historical-results': { callers: ['admin', 'apiKey'], scope: 'results:read' },
  'GET /public/rounds': everyone,
  'GET /public/units/{unit}/results': everyone,
  'GET /public/rounds/{id}/results/{unitType}': everyone,
  'GET /public/rounds/{id}/results/{unitType}/units/{unit}': everyone,
  'GET /public/rounds/{id}/results/{unitType}/versions': everyone,
  'GET /public/rounds/{id}/results/{unitType}/export': everyone,
  'GET /public/rounds/{id}/results/{unitType}/charts/{chart}': everyone,
  'GET /rounds/{id}/report': ['admin'],
  'GET /rounds/{id}/assignments': ['admin', 'viewer', 'appraiser'],
  'PUT /rounds/{id}/assignments': ['admin'],
  'GET /rounds/{id}/progress': ['admin', 'viewer', 'appraiser'],
  'GET /rounds/{id}/gap': ['admin', 'viewer'],
  'GET /rounds/{id}/self-assessment/export': ['admin', 'viewer'],
  'GET /rounds/{id}/appraisal/export': ['admin', 'viewer', 'appraiser'],
  'GET /rounds/{id}/units/{unitId}/appraisal': ['admin', 'viewer', 'appraiser'],
  'GET /rounds/{id}/units/{unitId}/appraisal/export': ['admin', 'viewer', 'appraiser', 'unit_officer'],
  'PATCH /rounds/{id}/units/{unitId}/appraisal': ['appraiser'],
  'GET /rounds/{id}/units/{unitId}/appraisal/leaves/{leafCode}': ['admin', 'viewer', 'appraiser'],
  'POST /rounds/{id}/units/{unitId}/appraisal/accept-self': ['appraiser'],
  'POST /rounds/{id}/units/{unitId}/appraisal/score-unanswered': ['appraiser'],
  'POST /rounds/{id}/units/{unitId}/finalize': ['admin'],
  'POST /rounds/{id}/finalize-appraisals': ['admin'],
  'POST /rounds/{id}/units/{unitId}/reopen': ['admin'],
  'GET /rounds/{id}/units/{unitId}/leaves/{leafCode}/history': ['admin', 'viewer', 'appraiser'],
  'GET /rounds/{id}/units/{unitId}/history': ['admin', 'viewer'],
  'POST /rounds/{id}/units/{unitId}/supplement-requests': ['appraiser'],
  'GET /rounds/{id}/supplement-requests': allUsers,
  'GET /supplement-requests/{id}': allUsers,
  'POST /supplement-requests/{id}/answer': ['unit_officer'],
  'POST /supplement-requests/{id}/close': ['admin', 'appraiser'],
  'GET /evidence-rules': ['admin', 'appraiser', 'unit_officer', 'viewer'],
  'POST /rounds/{id}/units/{unitId}/self-assessment/files': ['unit_officer'],
  'GET /rounds/{id}/units/{unitId}/self-assessment/files': ['admin', 'appraiser', 'unit_officer', 'viewer'],
  'GET /rounds/{id}/units/{unitId}/self-assessment/files/{fileId}': ['admin', 'appraiser', 'unit_officer', 'viewer'],
  'DELETE /rounds/{id}/units/{unitId}/self-assessment/files/{fileId}': ['unit_officer'],
  'POST /rounds/{id}/units/{unitId}/self-assessment/files/{fileId}/links': ['unit_officer'],
  'DELETE /rounds/{id}/units/{unitId}/self-assessment/files/{fileId}/links/{leafCode}': ['unit_officer']
}

t.test('every route answers each caller as the policy says', async (t) => {
  const app = await buildTestApp(t, { config: { LOGIN_RATE_PER_MINUTE: 1000 } })
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const routes: string[] = []
  for (const [path, item] of Object.entries<Record<string, unknown>>(document.paths)) {
    for (const method of Object.keys(item)) routes.push(`${method.toUpperCase()} ${path}`)
  }
  const undeclared = routes.filter((route) => !(route in policy))
  t.same(undeclared, [], 'every route has a row in the access policy of this test')
  const stale = Object.keys(policy).filter((route) => !routes.includes(route))
  t.same(stale, [], 'every row of the policy is a real route')

  const headersOf = new Map<Caller, () => Promise<Record<string, string>>>()
  headersOf.set('anonymous', async () => ({}))
  const keyHeaders = await apiKeyHeaders(app)
  headersOf.set('apiKey', async () => keyHeaders)
  for (const role of roles) {
    // A fresh login per request, so logout or a password change never spoils the next check.
    headersOf.set(role, async () => (await loginAs(app, role, role === 'unit_officer' ? { unitId: await someUnitId() } : {})).headers)
  }
  let unitId: string | undefined
  async function someUnitId (): Promise<string> {
    if (unitId) return unitId
    const admin = await loginAs(app, 'admin')
    const created = await app.inject({ method: 'POST', url: '/units', headers: admin.headers, payload: { code: 'MATRIX-UNIT', name: 'Đơn vị kiểm thử', unitType: 'department', aliases: [] } })
    unitId = created.json().id
    return unitId!
  }

  for (const route of routes.sort()) {
    const rule = policy[route]
    if (!rule) continue
    const allowed = Array.isArray(rule) ? rule : rule.callers
    const [method, path] = route.split(' ') as [string, string]
    const url = path.replace('{id}', randomUUID()).replace('{unitId}', randomUUID()).replace('{code}', '9.9')
    for (const caller of everyone) {
      const response = await app.inject({ method: method as 'GET', url, headers: await headersOf.get(caller)!(), ...(method === 'GET' ? {} : { payload: {} }) })
      if (allowed.includes(caller)) {
        t.notOk([401, 403].includes(response.statusCode), `${route} lets ${caller} in (got ${response.statusCode})`)
        // Let in, the request is judged on its merits: a 5xx would be a failure, not an answer.
        t.ok(response.statusCode < 500, `${route} answers ${caller} without a server error (got ${response.statusCode})`)
      } else {
        const expected = caller === 'anonymous' ? 401 : 403
        t.equal(response.statusCode, expected, `${route} refuses ${caller} with ${expected}`)
        t.match(String(response.headers['content-type']), /application\/problem\+json/)
      }
    }
  }
})

t.test('a route without an access rule cannot be registered', async (t) => {
  await t.rejects(buildTestApp(t, {
    extend: (app) => { app.get('/no-rule', async () => 'x') }
  }), /declares no access rule/)
})

t.test('a route that would let API keys write cannot be registered', async (t) => {
  await t.rejects(buildTestApp(t, {
    extend: (app) => { app.post('/key-write', { config: { access: { roles: ['admin'], scopes: ['units:read'] } } }, async () => 'x') }
  }), /keys are read-only/)
})
