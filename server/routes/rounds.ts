// Assessment rounds (admins manage, every user reads) and each unit's self-assessment (its unit officer writes).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../errors.js'
import { actorOf } from '../plugins/auth.js'
import { problemDocument, toAppError } from '../plugins/problem-details.js'
import { IdParams, PageQuery, problems, ref } from '../schemas/common.js'
import {
  AddParticipantsSchema, CreateRoundSchema, IfMatchHeaders, RoundIfMatchHeaders, RoundMoveChecksSchema, RoundPageSchema, RoundSchema, RoundStatusSchema, RoundTransitionSchema,
  RoundUnitParams, SaveSelfAssessmentSchema, SavedSelfAssessmentSchema, SelfAssessmentSchema, SelfAssessmentSummarySchema, SetParticipantsSchema,
  SetRoundCatalogsSchema, UnitExtensionSchema, UpdateRoundSchema
} from '../schemas/rounds.js'
import { addParticipants, removeParticipant, setParticipants } from '../services/round-participants.js'
import { checkRoundMoves, transitionRound } from '../services/round-moves.js'
import { createRound, grantExtension, listRounds, setRoundCatalogs, updateRound, viewRound } from '../services/rounds.js'
import {
  exportSelfAssessment, getSelfAssessment, listSelfAssessments, saveSelfAssessment, submitSelfAssessment, withdrawSelfAssessment
} from '../services/self-assessment.js'
import { parseIfMatch, withVersionTag } from '../services/versions.js'
import { sendWorkbook, workbookResponse } from './results.js'

const adminOnly = { roles: ['admin'] } as const
const allUsers = { roles: ['admin', 'appraiser', 'unit_officer', 'viewer'] } as const
/** Reading rounds: every account, and an integrator's key with results:read (the frame of the results it pulls). */
const roundReaders = {
  ...allUsers,
  scopes: ['results:read'],
  note: 'An API key with results:read sees the rounds past draft and those holding results from an earlier year\'s report, without the reasons for units\' extensions.'
} as const
// Appraisers read self scores through the appraisal routes, which show only the fields assigned to them.
const readSelfAssessment = { roles: ['admin', 'unit_officer', 'viewer'], note: 'A unit officer reads only their own unit (another unit answers 404). Appraisers use GET /rounds/{id}/units/{unitId}/appraisal.' } as const
const unitWrites = { roles: ['unit_officer'] } as const

const concurrencyNote = 'Send If-Match with the ETag of your last read (the version, e.g. "3"): without it the answer is 428; ' +
  'if the self-assessment changed since, 412 with the current state in `current`. The response carries the new ETag. ' +
  'Refused with SELF_ASSESSMENT_CLOSED unless the round is in self_assessment, and with DEADLINE_PASSED after the unit\'s deadline ' +
  '(the later of the round\'s and any extension), by the database clock.'

/** Schema errors inside an entry also name its leaf, so the portal can show each refusal beside its leaf. */
function withLeafCodes (error: Error, body: unknown): AppError {
  const appError = toAppError(error)
  const entries = (body as { entries?: unknown } | null)?.entries
  if (!Array.isArray(entries) || !appError.errors) return appError
  const errors = appError.errors.map((item) => {
    const pointer = (item as { pointer?: unknown }).pointer
    const index = typeof pointer === 'string' ? /^\/entries\/(\d+)(?:\/|$)/.exec(pointer)?.[1] : undefined
    const leafCode = index === undefined ? undefined : (entries[Number(index)] as { leafCode?: unknown } | undefined)?.leafCode
    return typeof leafCode === 'string' ? { ...(item as object), leafCode } : item
  })
  return new AppError(appError.code, appError.statusCode, appError.title, appError.detail, { errors, ...(appError.extra ? { extra: appError.extra } : {}) })
}

const roundsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/rounds', {
    config: { access: roundReaders },
    schema: {
      operationId: 'listRounds',
      summary: 'List assessment rounds (kỳ đánh giá), newest year first',
      description: 'A unit officer sees only the rounds past draft that their unit takes part in.',
      tags: ['rounds'],
      querystring: Type.Intersect([PageQuery, Type.Object({
        year: Type.Optional(Type.Integer()),
        status: Type.Optional(ref(RoundStatusSchema))
      })]),
      response: { 200: ref(RoundPageSchema), ...problems(400, 401, 403) }
    }
  }, async (request) => listRounds(app.db, actorOf(request), request.query))

  app.post('/rounds', {
    config: { access: adminOnly },
    schema: {
      operationId: 'createRound',
      summary: 'Create a round, in draft',
      description: 'Deadlines are instants: send ISO 8601 with an offset; they come back with +07:00 (Asia/Ho_Chi_Minh).',
      tags: ['rounds'],
      body: ref(CreateRoundSchema),
      response: { 201: ref(RoundSchema), ...problems(400, 401, 403, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await createRound(app.db, actorOf(request), request.body)))

  app.get('/rounds/:id', {
    config: { access: roundReaders, responseHeaders: { 200: ['etag'] } },
    schema: {
      operationId: 'getRound',
      summary: 'One round with its status, deadlines, catalogs and participants',
      description: 'A unit officer sees only a round past draft that their unit takes part in (404 otherwise), with their own unit as the only participant. ' +
        'The ETag header is the round\'s version, to send in If-Match when editing it (PATCH /rounds/{id}).',
      tags: ['rounds'],
      params: IdParams,
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => withVersionTag(reply, await viewRound(app.db, actorOf(request), request.params.id)))

  app.patch('/rounds/:id', {
    config: { access: adminOnly, responseHeaders: { 200: ['etag'] } },
    schema: {
      operationId: 'updateRound',
      summary: 'Edit a round: anything in draft; once open, the title and the deadlines (kept in order and set)',
      description: 'Moving the self-assessment deadline takes effect at once: every unit write compares with it using the database clock. ' +
        'Past draft, a deadline moved is told to whoever works to it (notifications self_assessment_deadline_changed to the units during ' +
        'self-assessment, supplement_deadline_changed to units with an open supplement request during appraisal, appraisal_deadline_changed to the assigned appraisers). ' +
        'Send If-Match with the ETag (version) of the round you read, so that an edit made meanwhile by someone else is not overwritten unseen: ' +
        'a round that has moved on answers 412 PRECONDITION_FAILED with `current` (the round as it is now).',
      tags: ['rounds'],
      params: IdParams,
      headers: RoundIfMatchHeaders,
      body: ref(UpdateRoundSchema),
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404, 409, 412) }
    }
  }, async (request, reply) => withVersionTag(reply, await updateRound(app.db, actorOf(request), request.params.id, request.body, {
    ifMatch: parseIfMatch(request.headers['if-match'])
  })))

  app.put('/rounds/:id/catalogs', {
    config: { access: adminOnly },
    schema: {
      operationId: 'setRoundCatalogs',
      summary: 'Set the catalog of each unit type (published catalogs of that unit type only; draft rounds only)',
      tags: ['rounds'],
      params: IdParams,
      body: ref(SetRoundCatalogsSchema),
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => setRoundCatalogs(app.db, actorOf(request), request.params.id, request.body.catalogs))

  app.put('/rounds/:id/participants', {
    config: { access: adminOnly },
    schema: {
      operationId: 'setRoundParticipants',
      summary: 'Set the complete list of participating units (active units)',
      description: 'Free in draft. While self-assessment is open, units can be added (their type needs a catalog in the round) and removed only if they have not started.',
      tags: ['rounds'],
      params: IdParams,
      body: ref(SetParticipantsSchema),
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => setParticipants(app.db, actorOf(request), request.params.id, request.body.unitIds))

  app.post('/rounds/:id/participants', {
    config: { access: adminOnly },
    schema: {
      operationId: 'addRoundParticipants',
      summary: 'Add participating units, by id and/or every active unit of some unit types',
      tags: ['rounds'],
      params: IdParams,
      body: ref(AddParticipantsSchema),
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => addParticipants(app.db, actorOf(request), request.params.id, request.body))

  app.delete('/rounds/:id/participants/:unitId', {
    config: { access: adminOnly },
    schema: {
      operationId: 'removeRoundParticipant',
      summary: 'Remove a participating unit (in draft, or while open if it has not started)',
      tags: ['rounds'],
      params: RoundUnitParams,
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => removeParticipant(app.db, actorOf(request), request.params.id, request.params.unitId))

  app.get('/rounds/:id/moves', {
    config: { access: adminOnly },
    schema: {
      operationId: 'checkRoundMoves',
      summary: 'The moves the round can make now, each checked as POST /rounds/{id}/transition would check it, without making it',
      description: 'For a screen that confirms a move: what is in the way (a deadline passed, units still able to submit, appraisals not finalized…) is known before anyone confirms. ' +
        'The move itself checks again, so a move checked clear here can still be refused if something changed meanwhile.',
      tags: ['rounds'],
      params: IdParams,
      response: { 200: ref(RoundMoveChecksSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => {
    const moves = await checkRoundMoves(app.db, request.params.id)
    return { moves: moves.map(({ refusal, ...move }) => ({ ...move, refusal: refusal === null ? null : problemDocument(refusal, request) })) }
  })

  app.post('/rounds/:id/transition', {
    config: { access: adminOnly },
    schema: {
      operationId: 'transitionRound',
      summary: 'Move the round one status forward, or one back with a reason',
      description: 'Opening (draft → self_assessment) needs participants, a published catalog for each participant\'s unit type and the three deadlines in order, the self-assessment deadline still ahead (`deadline_passed` otherwise); every missing thing is listed in `errors` (ROUND_NOT_READY). ' +
        'Appraisal (self_assessment → appraisal) begins only when no unit that has not submitted still has time by the round\'s deadline or its own extension; otherwise 409 ROUND_NOT_READY names them in `units` ({ code, name, closesAt }).',
      tags: ['rounds'],
      params: IdParams,
      body: ref(RoundTransitionSchema),
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => transitionRound(app.db, actorOf(request), request.params.id, request.body.to, request.body.reason))

  app.post('/rounds/:id/units/:unitId/extension', {
    config: { access: adminOnly },
    schema: {
      operationId: 'grantSelfAssessmentExtension',
      summary: 'Give one unit more time for its self-assessment (or take it back with until: null); a reason is required',
      description: 'During self-assessment the unit\'s officers are notified (self_assessment_extension) of their new deadline and the reason; in a draft the round\'s opening tells them.',
      tags: ['rounds'],
      params: RoundUnitParams,
      body: ref(UnitExtensionSchema),
      response: { 200: ref(RoundSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => grantExtension(app.db, actorOf(request), request.params.id, request.params.unitId, request.body))

  app.get('/rounds/:id/self-assessments', {
    config: { access: { ...readSelfAssessment, note: 'A unit officer gets only their own unit\'s line. Appraisers use GET /rounds/{id}/progress.' } },
    schema: {
      operationId: 'listSelfAssessments',
      summary: 'Self-assessment status and totals of every participating unit',
      tags: ['self-assessment'],
      params: IdParams,
      response: { 200: Type.Array(ref(SelfAssessmentSummarySchema)), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => listSelfAssessments(app.db, actorOf(request), request.params.id))

  app.get('/rounds/:id/units/:unitId/self-assessment', {
    config: { access: readSelfAssessment, responseHeaders: { 200: ['etag'] } },
    schema: {
      operationId: 'getSelfAssessment',
      summary: 'A unit\'s self-assessment: every leaf with its saved answer, the totals, the status and the deadline',
      description: 'The ETag header is the version to send back in If-Match.',
      tags: ['self-assessment'],
      params: RoundUnitParams,
      response: { 200: ref(SelfAssessmentSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => withVersionTag(reply, await getSelfAssessment(app.db, actorOf(request), request.params.id, request.params.unitId)))

  app.get('/rounds/:id/units/:unitId/self-assessment/export', {
    config: { access: readSelfAssessment, responseHeaders: { 200: ['content-disposition'] } },
    schema: {
      operationId: 'exportSelfAssessment',
      summary: 'A unit\'s self-assessment as an XLSX workbook to print, sign and send (Biểu tự đánh giá, chấm điểm)',
      description: 'One sheet, "Tự đánh giá": the catalog tree in order; each field and criterion with its maximum and the exact sum of its ' +
        'leaves\' points; each leaf with its points (or "Không áp dụng"), the option chosen or the figure measured, the explanation and the ' +
        'names of its evidence files; the total; whether and when it was submitted; and the signature block. A4 landscape, header row on every page. ' +
        'As the self-assessment stands now, draft or submitted.',
      tags: ['self-assessment'],
      params: RoundUnitParams,
      response: { 200: workbookResponse, ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => sendWorkbook(reply, await exportSelfAssessment(app.db, actorOf(request), request.params.id, request.params.unitId)))

  app.patch('/rounds/:id/units/:unitId/self-assessment', {
    config: { access: unitWrites },
    attachValidation: true,
    schema: {
      operationId: 'saveSelfAssessment',
      summary: 'Save one or many leaves; leaves not listed stay as they are. Answers only what changed: the saved leaves, the new totals and the new version',
      description: 'Per entry, `input` (the input of the leaf\'s method) and `explanation` replace what was saved; an absent one is kept, null clears it. ' +
        'The answer carries the saved leaves as GET shows them, the new totals and the new version (also the ETag), not the whole self-assessment. ' +
        'Every entry is scored; if any is refused, nothing is saved and each refusal is listed in `errors` as { leafCode, code, message } (422 SELF_ASSESSMENT_INVALID; ' +
        'a value of the wrong JSON type is a 400 VALIDATION_FAILED whose errors also carry leafCode). A submitted self-assessment is read-only (409), except the leaves an open supplement request reopens. ' +
        'Changing a score that the appraisal in progress accepted without a reason withdraws that acceptance (the leaf waits for the appraiser again). ' + concurrencyNote,
      tags: ['self-assessment'],
      params: RoundUnitParams,
      headers: IfMatchHeaders,
      body: ref(SaveSelfAssessmentSchema),
      response: { 200: ref(SavedSelfAssessmentSchema), ...problems(400, 401, 403, 404, 409, 412, 422, 428) }
    }
  }, async (request, reply) => {
    if (request.validationError) throw withLeafCodes(request.validationError, request.body)
    const saved = await saveSelfAssessment(app.db, actorOf(request), request.params.id, request.params.unitId, {
      ifMatch: parseIfMatch(request.headers['if-match']),
      entries: request.body.entries
    })
    return withVersionTag(reply, saved)
  })

  app.post('/rounds/:id/units/:unitId/self-assessment/submit', {
    config: { access: unitWrites },
    schema: {
      operationId: 'submitSelfAssessment',
      summary: 'Submit the self-assessment; every unanswered leaf and every required-evidence leaf without a file or explanation is listed at once if not complete',
      description: 'Incomplete: 422 SELF_ASSESSMENT_INCOMPLETE with `errors` [{ leafCode, code: unanswered | evidence_missing, message }]. ' + concurrencyNote,
      tags: ['self-assessment'],
      params: RoundUnitParams,
      headers: IfMatchHeaders,
      response: { 200: ref(SelfAssessmentSchema), ...problems(400, 401, 403, 404, 409, 412, 422, 428) }
    }
  }, async (request, reply) => withVersionTag(reply, await submitSelfAssessment(app.db, actorOf(request), request.params.id, request.params.unitId, {
    ifMatch: parseIfMatch(request.headers['if-match'])
  })))

  app.post('/rounds/:id/units/:unitId/self-assessment/withdraw', {
    config: { access: unitWrites },
    schema: {
      operationId: 'withdrawSelfAssessment',
      summary: 'Withdraw a submitted self-assessment to edit it again (until the deadline)',
      description: concurrencyNote,
      tags: ['self-assessment'],
      params: RoundUnitParams,
      headers: IfMatchHeaders,
      response: { 200: ref(SelfAssessmentSchema), ...problems(400, 401, 403, 404, 409, 412, 428) }
    }
  }, async (request, reply) => withVersionTag(reply, await withdrawSelfAssessment(app.db, actorOf(request), request.params.id, request.params.unitId, {
    ifMatch: parseIfMatch(request.headers['if-match'])
  })))
}

export default roundsRoutes
