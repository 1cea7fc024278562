// Liveness, readiness and the OpenAPI document.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { isMigrated } from '../db/migrate.js'
import { Errors } from '../errors.js'
import { problems } from '../schemas/common.js'
import { text as t } from '../messages/text.js'

const Health = Type.Object({ status: Type.Literal('ok') }, { $id: 'Health' })
const Readiness = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Union([Type.Literal('postgres'), Type.Literal('pglite')])
}, { $id: 'Readiness' })

const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    config: { access: { public: true } },
    schema: {
      operationId: 'getHealth',
      summary: 'The process is alive',
      tags: ['system'],
      response: { 200: Health, ...problems() }
    }
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    config: { access: { public: true } },
    schema: {
      operationId: 'getReadiness',
      summary: 'The database is reachable and fully migrated',
      tags: ['system'],
      response: { 200: Readiness, ...problems(503) }
    }
  }, async (request) => {
    let migrated: boolean
    try {
      migrated = await isMigrated(app.db)
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: database unreachable')
      throw Errors.notReady(t('The database cannot be reached', 'Không truy cập được cơ sở dữ liệu'))
    }
    if (!migrated) throw Errors.notReady(t('The database is not migrated to this version', 'Cơ sở dữ liệu chưa được cập nhật lên phiên bản này'))
    return { status: 'ready' as const, database: app.database.kind }
  })

  app.get('/openapi.json', {
    config: { access: { public: true } },
    schema: {
      operationId: 'getOpenApi',
      summary: 'This API\'s OpenAPI 3.1 document',
      tags: ['system'],
      response: { 200: Type.Object({}, { additionalProperties: true }), ...problems() }
    }
  }, async () => app.swagger())
}

export default systemRoutes
