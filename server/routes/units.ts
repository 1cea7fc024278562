// Unit types and units: everyone who reads may list them (a unit officer only their own unit); admins change them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../plugins/auth.js'
import { IdParams, PageQuery, problems, ref } from '../schemas/common.js'
import {
  CreateUnitSchema,
  CreateUnitTypeSchema,
  RenameUnitTypeSchema,
  UnitImportResultSchema,
  UnitListQuery,
  UnitPageSchema,
  UnitSchema,
  UnitsDocumentSchema,
  UnitTypeParams,
  UnitTypeSchema,
  UpdateUnitSchema
} from '../schemas/units.js'
import {
  activateUnit,
  createUnit,
  createUnitType,
  deactivateUnit,
  deleteUnitType,
  getUnit,
  importUnits,
  listUnits,
  listUnitTypes,
  renameUnitType,
  updateUnit
} from '../services/units.js'
import { UnitRoundsSchema } from '../schemas/rounds.js'
import { listUnitRounds } from '../services/unit-rounds.js'

const adminOnly = { roles: ['admin'] } as const
const readers = {
  roles: ['admin', 'appraiser', 'unit_officer', 'viewer'],
  scopes: ['units:read'],
  note: 'A unit officer sees only their own unit.'
} as const

const unitsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/units/:id/rounds', {
    config: { access: { roles: ['admin', 'unit_officer', 'viewer'], note: 'A unit officer reads only their own unit (another unit answers 404) and no round in draft.' } },
    schema: {
      operationId: 'listUnitRounds',
      summary: 'The rounds a unit takes part in, with its deadline, self-assessment progress and supplement requests',
      description: 'The landing page of a unit officer ("Đơn vị của tôi"): per round, the unit\'s own deadline (extension included, +07:00) and whether it is open by the database clock, answered and missing leaves, open supplement requests, and whether results are published.',
      tags: ['rounds'],
      params: IdParams,
      response: { 200: ref(UnitRoundsSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => listUnitRounds(app.db, actorOf(request), request.params.id))

  app.get('/unit-types', {
    config: { access: { roles: readers.roles, scopes: readers.scopes } },
    schema: {
      operationId: 'listUnitTypes',
      summary: 'List unit types (department, district, …)',
      tags: ['unit-types'],
      response: { 200: Type.Array(ref(UnitTypeSchema)), ...problems(401, 403) }
    }
  }, async () => listUnitTypes(app.db))

  app.post('/unit-types', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createUnitType',
      summary: 'Add a unit type, e.g. communes (UBND cấp xã)',
      tags: ['unit-types'],
      body: ref(CreateUnitTypeSchema),
      response: { 201: ref(UnitTypeSchema), ...problems(400, 401, 403, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await createUnitType(app.db, actorOf(request), request.body)))

  app.patch('/unit-types/:code', {
    config: { access: adminOnly },
    schema: {
      operationId: 'renameUnitType',
      summary: 'Rename a unit type (its code stays: units, catalogs and rounds keep referring to it)',
      tags: ['unit-types'],
      params: UnitTypeParams,
      body: ref(RenameUnitTypeSchema),
      response: { 200: ref(UnitTypeSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => renameUnitType(app.db, actorOf(request), request.params.code, request.body))

  app.delete('/unit-types/:code', {
    config: { access: adminOnly },
    schema: {
      operationId: 'deleteUnitType',
      summary: 'Delete a unit type nothing uses (no unit, catalog, round or result of that type; else 409 CONFLICT)',
      description: 'A province without districts, say, removes the built-in district type so it leaves every list and filter.',
      tags: ['unit-types'],
      params: UnitTypeParams,
      response: { 204: { type: 'null', description: 'Deleted' }, ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => {
    await deleteUnitType(app.db, actorOf(request), request.params.code)
    return reply.code(204).send(null)
  })

  app.get('/units', {
    config: { access: readers },
    schema: {
      operationId: 'listUnits',
      summary: 'List units in Vietnamese alphabetical order, filtered by type, state and a diacritic-insensitive search',
      tags: ['units'],
      querystring: Type.Intersect([PageQuery, UnitListQuery]),
      response: { 200: ref(UnitPageSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => listUnits(app.db, request.principal, request.query))

  app.post('/units', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createUnit',
      summary: 'Create a unit',
      tags: ['units'],
      body: ref(CreateUnitSchema),
      response: { 201: ref(UnitSchema), ...problems(400, 401, 403, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await createUnit(app.db, actorOf(request), request.body)))

  app.post('/units/import', {
    config: { access: adminOnly },
    // The service checks the whole document and lists every problem as one 422, so the route does not validate it.
    validatorCompiler: () => () => true,
    schema: {
      operationId: 'importUnits',
      summary: 'Import a par-units/1 file: create new units and update changed ones by code, all or nothing',
      tags: ['units'],
      body: ref(UnitsDocumentSchema),
      response: { 200: ref(UnitImportResultSchema), ...problems(400, 401, 403, 409, 422) }
    }
  }, async (request) => importUnits(app.db, actorOf(request), request.body))

  app.get('/units/:id', {
    config: { access: readers },
    schema: {
      operationId: 'getUnit',
      summary: 'One unit',
      tags: ['units'],
      params: IdParams,
      response: { 200: ref(UnitSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => getUnit(app.db, request.principal, request.params.id))

  app.patch('/units/:id', {
    config: { access: adminOnly },
    schema: {
      operationId: 'updateUnit',
      summary: 'Edit a unit (code, name, short name, type, aliases)',
      tags: ['units'],
      params: IdParams,
      body: ref(UpdateUnitSchema),
      response: { 200: ref(UnitSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => updateUnit(app.db, actorOf(request), request.params.id, request.body))

  app.post('/units/:id/deactivate', {
    config: { access: adminOnly },
    schema: {
      operationId: 'deactivateUnit',
      summary: 'Deactivate a unit; units are never deleted, since scores and accounts refer to them',
      description: 'A unit taking part in a round in self-assessment or appraisal is refused with 409 `UNIT_IN_OPEN_ROUND` (the rounds listed in `rounds`): remove it from the round first, which an open round allows while the unit has not started.',
      tags: ['units'],
      params: IdParams,
      response: { 200: ref(UnitSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => deactivateUnit(app.db, actorOf(request), request.params.id))

  app.post('/units/:id/activate', {
    config: { access: adminOnly },
    schema: {
      operationId: 'activateUnit',
      summary: 'Activate a deactivated unit again',
      tags: ['units'],
      params: IdParams,
      response: { 200: ref(UnitSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => activateUnit(app.db, actorOf(request), request.params.id))
}

export default unitsRoutes
