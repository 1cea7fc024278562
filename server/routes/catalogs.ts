// Criteria catalogs: published ones read by every role and by API keys with catalogs:read, drafts by the staff who prepare
// or review them; drafted, published, cloned and imported by admins.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify'
import { Type } from 'typebox'
import { draftCatalogReaders } from '../domain/roles.js'
import { actorOf } from '../plugins/auth.js'
import {
  AddCatalogNodeSchema,
  CatalogDocumentSchema,
  CatalogPageSchema,
  CatalogSchema,
  CatalogValidationSchema,
  CloneCatalogSchema,
  CreateCatalogSchema,
  MoveCatalogNodeSchema,
  UpdateCatalogNodeSchema,
  UpdateCatalogSchema
} from '../schemas/catalogs.js'
import { IdParams, PageQuery, problems, ref } from '../schemas/common.js'
import {
  addNode,
  cloneCatalog,
  createCatalog,
  deleteCatalog,
  deleteNode,
  exportCatalog,
  importCatalog,
  listCatalogs,
  moveNode,
  publishCatalog,
  readCatalog,
  updateCatalog,
  updateNode,
  validateStoredCatalog
} from '../services/catalogs.js'
import { requestLanguage } from '../plugins/problem-details.js'
import type { CatalogProblem } from '../domain/catalog.js'
import { localize } from '../messages/text.js'

const adminOnly = { roles: ['admin'] } as const
const readers = {
  roles: ['admin', 'appraiser', 'unit_officer', 'viewer'],
  scopes: ['catalogs:read'],
  note: `Drafts only for ${draftCatalogReaders.join(', ')}; unit officers and API keys read published catalogs (a draft answers them 404, and lists leave drafts out).`
} as const

const NodeParams = Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String({ minLength: 1, maxLength: 40 }) })

/** A catalog's rule problems in the client's language (only they carry texts; the tree is passed as it is). */
const said = <T extends { problems: CatalogProblem[] }>(request: FastifyRequest, value: T) =>
  ({ ...value, problems: localize(value.problems, requestLanguage(request)) })

const catalogsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/catalogs', {
    config: { access: readers },
    schema: {
      operationId: 'listCatalogs',
      summary: 'List criteria catalogs, newest year first',
      description: 'Unit officers and API keys get published catalogs only, whatever the status filter says.',
      tags: ['catalogs'],
      querystring: Type.Intersect([PageQuery, Type.Object({
        year: Type.Optional(Type.Integer()),
        unitType: Type.Optional(Type.String({ maxLength: 64 })),
        status: Type.Optional(Type.Enum(['draft', 'published'])),
        code: Type.Optional(Type.String({ maxLength: 64 }))
      })]),
      response: { 200: ref(CatalogPageSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => listCatalogs(app.db, actorOf(request), request.query))

  app.post('/catalogs', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createCatalog',
      summary: 'Create an empty draft catalog',
      tags: ['catalogs'],
      body: ref(CreateCatalogSchema),
      response: { 201: ref(CatalogSchema), ...problems(400, 401, 403, 409) }
    }
  }, async (request, reply) => reply.code(201).send(said(request, await createCatalog(app.db, actorOf(request), request.body))))

  // The body is shape-checked by the service rather than by the route, so that shape and rule problems come back
  // together, each with its node code, as one 422 list (the demo loader calls the same service with raw JSON).
  const documentPassesThrough: FastifySchemaCompiler<unknown> = (route) => {
    if (route.httpPart === 'body') return () => true
    const compile = app.validatorCompiler
    if (!compile) throw new Error('the validator compiler must be installed before the catalog routes')
    return compile(route)
  }

  app.post('/catalogs/import', {
    config: { access: adminOnly },
    validatorCompiler: documentPassesThrough,
    schema: {
      operationId: 'importCatalog',
      summary: 'Import a par-catalog/1 document as a draft (or publish it at once); an invalid document is refused with every problem',
      description: 'A code already in use is refused with 409 (CATALOG_PUBLISHED when that catalog is published). With replace=true a draft with the same code gets the imported content (200).',
      tags: ['catalogs'],
      querystring: Type.Object({
        publish: Type.Boolean({ default: false, description: 'Publish at once; the document must be valid either way' }),
        replace: Type.Boolean({ default: false, description: 'Replace the content of the draft with the same code' })
      }),
      body: ref(CatalogDocumentSchema),
      response: { 200: ref(CatalogSchema), 201: ref(CatalogSchema), ...problems(400, 401, 403, 409, 422) }
    }
  }, async (request, reply) => {
    const imported = await importCatalog(app.db, actorOf(request), request.body as unknown, request.query)
    return reply.code(imported.replaced ? 200 : 201).send(said(request, imported))
  })

  app.get('/catalogs/:id', {
    config: { access: readers },
    schema: {
      operationId: 'getCatalog',
      summary: 'One catalog with its node tree, per-field statistics and its current validation problems',
      tags: ['catalogs'],
      params: IdParams,
      response: { 200: ref(CatalogSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => said(request, await readCatalog(app.db, actorOf(request), request.params.id)))

  app.get('/catalogs/:id/export', {
    config: { access: readers, responseHeaders: { 200: ['content-disposition'] } },
    schema: {
      operationId: 'exportCatalog',
      summary: 'The catalog as a par-catalog/1 document',
      tags: ['catalogs'],
      params: IdParams,
      response: { 200: ref(CatalogDocumentSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const document = await exportCatalog(app.db, actorOf(request), request.params.id)
    return reply.header('content-disposition', `attachment; filename="${document.code}.json"`).send(document)
  })

  app.patch('/catalogs/:id', {
    config: { access: adminOnly },
    schema: {
      operationId: 'updateCatalog',
      summary: 'Edit a draft catalog (code, year, title, legal basis, classification, ranking)',
      tags: ['catalogs'],
      params: IdParams,
      body: ref(UpdateCatalogSchema),
      response: { 200: ref(CatalogSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => said(request, await updateCatalog(app.db, actorOf(request), request.params.id, request.body)))

  app.delete('/catalogs/:id', {
    config: { access: adminOnly },
    schema: {
      operationId: 'deleteCatalog',
      summary: 'Delete a draft catalog',
      tags: ['catalogs'],
      params: IdParams,
      response: { 204: { type: 'null', description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    await deleteCatalog(app.db, actorOf(request), request.params.id)
    return reply.code(204).send(null)
  })

  // Part of editing a draft; every reader already sees the problems in GET /catalogs/{id}.
  app.post('/catalogs/:id/validate', {
    config: { access: adminOnly },
    schema: {
      operationId: 'validateCatalog',
      summary: 'Check a catalog against every rule; answers 200 with all problems, valid or not',
      tags: ['catalogs'],
      params: IdParams,
      response: { 200: ref(CatalogValidationSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => said(request, await validateStoredCatalog(app.db, request.params.id)))

  app.post('/catalogs/:id/publish', {
    config: { access: adminOnly },
    schema: {
      operationId: 'publishCatalog',
      summary: 'Validate and freeze a draft; 422 lists every problem when it is not valid',
      tags: ['catalogs'],
      params: IdParams,
      response: { 200: ref(CatalogSchema), ...problems(400, 401, 403, 404, 409, 422) }
    }
  }, async (request) => said(request, await publishCatalog(app.db, actorOf(request), request.params.id)))

  app.post('/catalogs/:id/clone', {
    config: { access: adminOnly },
    schema: {
      operationId: 'cloneCatalog',
      summary: 'Copy a catalog into a new draft (next year, or a corrected version); each node records the node it came from',
      tags: ['catalogs'],
      params: IdParams,
      body: ref(CloneCatalogSchema),
      response: { 201: ref(CatalogSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => reply.code(201).send(said(request, await cloneCatalog(app.db, actorOf(request), request.params.id, request.body))))

  app.post('/catalogs/:id/nodes', {
    config: { access: adminOnly },
    schema: {
      operationId: 'addCatalogNode',
      summary: 'Add a node to a draft catalog; returns the catalog',
      tags: ['catalogs'],
      params: IdParams,
      body: ref(AddCatalogNodeSchema),
      response: { 201: ref(CatalogSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => reply.code(201).send(said(request, await addNode(app.db, actorOf(request), request.params.id, request.body))))

  app.patch('/catalogs/:id/nodes/:code', {
    config: { access: adminOnly },
    schema: {
      operationId: 'updateCatalogNode',
      summary: 'Edit a node of a draft catalog (null removes scoring, evidence or guidance); returns the catalog',
      tags: ['catalogs'],
      params: NodeParams,
      body: ref(UpdateCatalogNodeSchema),
      response: { 200: ref(CatalogSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => said(request, await updateNode(app.db, actorOf(request), request.params.id, request.params.code, request.body)))

  app.post('/catalogs/:id/nodes/:code/move', {
    config: { access: adminOnly },
    schema: {
      operationId: 'moveCatalogNode',
      summary: 'Move a node (with its subtree) to another parent or position; its kind follows its new level; returns the catalog',
      tags: ['catalogs'],
      params: NodeParams,
      body: ref(MoveCatalogNodeSchema),
      response: { 200: ref(CatalogSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => said(request, await moveNode(app.db, actorOf(request), request.params.id, request.params.code, request.body)))

  app.delete('/catalogs/:id/nodes/:code', {
    config: { access: adminOnly },
    schema: {
      operationId: 'deleteCatalogNode',
      summary: 'Delete a node and its subtree from a draft catalog; returns the catalog',
      tags: ['catalogs'],
      params: NodeParams,
      response: { 200: ref(CatalogSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => said(request, await deleteNode(app.db, actorOf(request), request.params.id, request.params.code)))
}

export default catalogsRoutes
