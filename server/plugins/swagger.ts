// OpenAPI 3.1 document built from the route schemas, served at /openapi.json, with interactive docs at /docs.
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { DOCS_PREFIX, describeAccess } from './access.js'
import { problems } from '../schemas/common.js'
import { type ResponseHeaders, withProblemCodes, withResponseHeaders, withTypedParameters, withWebhooks } from './openapi-contract.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Headers a route sends on some statuses beyond those the document finds by itself (see openapi-contract.ts). */
    responseHeaders?: ResponseHeaders
  }
}

export const apiInfo = {
  title: 'PAR Index API (Chỉ số cải cách hành chính)',
  version: '0.1.0',
  description: 'Criteria catalogs, units, self-assessment, appraisal, results and publication of the Public Administration Reform Index. Every error is an RFC 9457 `application/problem+json` document with a stable `code`.',
  license: { name: 'Proprietary: the software is not licensed for reuse; the published results it serves are public information', identifier: 'LicenseRef-Proprietary' }
}

async function swaggerPlugin (app: FastifyInstance, options: { ui?: boolean }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: apiInfo,
      // Relative: the API is at the root of whichever host serves this document (the service itself, or its proxy).
      servers: [{ url: '/', description: 'The host that serves this document' }],
      tags: [
        { name: 'system', description: 'Health, readiness and the API contract' },
        { name: 'auth', description: 'Login, tokens and the current user' },
        { name: 'users', description: 'User accounts (admins)' },
        { name: 'api-keys', description: 'API keys for integrators (admins)' },
        { name: 'audit', description: 'The append-only audit log (admins)' },
        { name: 'unit-types', description: 'Kinds of assessed bodies' },
        { name: 'units', description: 'Assessed bodies (sở, ban, ngành; UBND huyện)' },
        { name: 'catalogs', description: 'Criteria catalogs (bộ tiêu chí) and their nodes' },
        { name: 'rounds', description: 'Assessment rounds (kỳ đánh giá): catalogs, participants, deadlines, status' },
        { name: 'self-assessment', description: 'Units\' self-assessment (tự đánh giá)' },
        { name: 'appraisal', description: 'Appraisal (thẩm định): assignments, appraised scores, progress, finalization, history, gap' },
        { name: 'supplements', description: 'Requests for supplementary evidence (yêu cầu bổ sung)' },
        { name: 'evidence', description: 'Evidence files (tài liệu kiểm chứng)' },
        { name: 'results', description: 'Results (kết quả): provisional computation, publication of versions, exports, historical results' },
        { name: 'report', description: 'The annual report (báo cáo Chỉ số CCHC) as a Word document, from published results' },
        { name: 'public', description: 'Published results for the portal, integrators and the public: no credentials, rate-limited, cacheable' },
        { name: 'notifications', description: 'The caller\'s own notifications (thông báo) and the kinds they receive without e-mail' },
        { name: 'jobs', description: 'The job queue: reminders, e-mail and clean-ups (admins)' },
        { name: 'webhooks', description: 'Endpoints of other systems told of changes (admins): deliveries, attempts, redelivery' }
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Token from POST /auth/login' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Read-only key for integrators, created by an admin' }
        }
      }
    },
    refResolver: {
      buildLocalReference (json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`
      }
    },
    transform: ({ schema, url, route }) => {
      const config = route.config as { access?: unknown, rateLimit?: unknown, responseHeaders?: ResponseHeaders } | undefined
      if (!schema || !config?.access) return { schema, url }
      const access = config.access as { public?: true, scopes?: readonly string[] }
      // A route an API key reads answers 429 to a key past its limit per minute (auth plugin).
      const keyLimited = !('public' in access) && (access.scopes?.length ?? 0) > 0
      // A path parameter far past any route's length (maxParamLength in app.ts) is refused before routing: 414.
      const extra = [...(keyLimited ? [429] : []), ...(url.includes(':') ? [414] : [])]
      const declared = schema.response as Record<string, Record<string, unknown>> | undefined
      const response = declared === undefined
        ? {}
        : { response: withResponseHeaders({ ...problems(...extra), ...declared }, { rateLimited: config.rateLimit !== undefined, authenticated: !('public' in access), own: config.responseHeaders }) }
      return { schema: { ...schema, ...describeAccess(config.access as never, schema.description), ...response } as typeof schema, url }
    },
    transformObject: (document) => withTypedParameters(withWebhooks(withProblemCodes(('openapiObject' in document ? document.openapiObject : document.swaggerObject) as Record<string, unknown>)))
  })
  if (options.ui !== false) {
    await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { docExpansion: 'list', deepLinking: true } })
  }
}

export default fp(swaggerPlugin, { name: 'swagger', dependencies: ['access'] })
