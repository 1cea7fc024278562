// Appraisal (thẩm định): assignments, appraised scores, finalization, progress, gap and history; supplement requests (yêu cầu bổ sung).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../plugins/auth.js'
import { requestLanguage } from '../plugins/problem-details.js'
import {
  AcceptSelfScoresSchema, ScoreUnansweredSchema, AnswerSupplementRequestSchema, AppraisalAssignmentSchema, AppraisalLeafSchema, AppraisalSchema,
  CloseSupplementRequestSchema, CreateSupplementRequestSchema, FinalizeAppraisalsOutcomeSchema, FinalizeAppraisalsSchema, GapReportSchema, LeafHistorySchema, ReopenAppraisalSchema, RoundUnitLeafParams,
  RoundSheetsQuery, RoundUnitsQuery, SaveAppraisalSchema, SetAppraisalAssignmentsSchema, SupplementRequestSchema, SupplementStatusSchema, UnitHistorySchema, UnitProgressSchema
} from '../schemas/appraisal.js'
import { IdParams, problems, ref } from '../schemas/common.js'
import { IfMatchHeaders, RoundUnitParams } from '../schemas/rounds.js'
import {
  acceptSelfScores, exportAppraisal, finalizeAppraisal, finalizeAppraisals, getAppraisal, getAppraisalLeaf, listAssignments, reopenAppraisal,
  saveAppraisal, scoreUnanswered, setAssignments
} from '../services/appraisal.js'
import { appraisalProgress, keptGapReport, type GapReport, type UnitProgress } from '../services/progress.js'
import { sendJsonBytes } from './cached-views.js'
import { listWriter } from './list-bodies.js'
import { leafHistory, unitHistory } from '../services/history.js'
import { unitPage } from '../services/unit-pages.js'
import {
  answerSupplementRequest, closeSupplementRequest, createSupplementRequest, getSupplementRequest, listSupplementRequests
} from '../services/supplements.js'
import { parseIfMatch, withVersionTag } from '../services/versions.js'
import { archiveResponse, sendAttachment, sendWorkbook, workbookResponse } from './results.js'
import { scoreSheetArchive } from '../services/score-sheets.js'

const adminOnly = { roles: ['admin'] } as const
const overseers = { roles: ['admin', 'viewer'] } as const
const draftsNote = 'While self-assessment is open, an appraiser reads a unit\'s self-assessment only once the unit has submitted it (a draft or an empty one: 409 SELF_ASSESSMENT_NOT_SUBMITTED); from appraisal on, whatever the unit left.'
const appraisalReaders = { roles: ['admin', 'viewer', 'appraiser'], note: `An appraiser sees only the fields assigned to them for the unit's type (none: 403 NOT_ASSIGNED). ${draftsNote}` } as const
const appraisers = { roles: ['appraiser'], note: 'Only leaves of the fields assigned to the appraiser (others: 403 NOT_ASSIGNED).' } as const

const concurrencyNote = 'Send If-Match with the ETag of your last read of the appraisal (its version, e.g. "3"): without it 428; if the appraisal changed since, ' +
  '412 with the current state in `current`. The response carries the new ETag. Refused with APPRAISAL_CLOSED unless the round is in appraisal, ' +
  'APPRAISAL_DEADLINE_PASSED after appraisalClosesAt (database clock), and APPRAISAL_FINALIZED on a finalized unit.'

// The progress lines and the gap report's lines, each written once while the services give it back unchanged.
const progressList = listWriter<UnitProgress>(UnitProgressSchema)
const gapLines = listWriter<GapReport['units'][number]>(GapReportSchema.properties.units.items)

const appraisalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/rounds/:id/assignments', {
    config: { access: { roles: ['admin', 'viewer', 'appraiser'], note: 'An appraiser gets only their own assignments.' } },
    schema: {
      operationId: 'listAppraisalAssignments',
      summary: 'Who appraises which field of which unit type in the round',
      tags: ['appraisal'],
      params: IdParams,
      response: { 200: Type.Array(ref(AppraisalAssignmentSchema)), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => listAssignments(app.db, actorOf(request), request.params.id))

  app.put('/rounds/:id/assignments', {
    config: { access: adminOnly },
    schema: {
      operationId: 'setAppraisalAssignments',
      summary: 'Set the complete list of appraiser assignments (appraiser × unit type × field); until the round is finalized',
      tags: ['appraisal'],
      params: IdParams,
      body: ref(SetAppraisalAssignmentsSchema),
      response: { 200: Type.Array(ref(AppraisalAssignmentSchema)), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => setAssignments(app.db, actorOf(request), request.params.id, request.body.assignments))

  app.get('/rounds/:id/progress', {
    config: {
      access: { roles: ['admin', 'viewer', 'appraiser'], note: 'An appraiser sees only the unit types and fields assigned to them, and the requests touching them.' },
      responseHeaders: { 200: ['x-total-count'] }
    },
    schema: {
      operationId: 'getAppraisalProgress',
      summary: 'Per unit: self-assessment status, leaves appraised per field, supplement requests waiting, finalization',
      tags: ['appraisal'],
      description: 'In catalog order of unit type, then Vietnamese order of name. With limit (and offset), that page of the list; X-Total-Count says how many units the whole list has.',
      params: IdParams,
      querystring: RoundUnitsQuery,
      response: { 200: Type.Array(ref(UnitProgressSchema)), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const lines = await appraisalProgress(app.db, actorOf(request), request.params.id, { unitType: request.query.unitType })
    reply.header('x-total-count', lines.length)
    return sendJsonBytes(request, reply, progressList(unitPage(lines, request.query).items))
  })

  for (const kind of ['self-assessment', 'appraisal'] as const) {
    const appraisal = kind === 'appraisal'
    app.get(`/rounds/:id/${kind}/export`, {
      config: {
        access: appraisal
          ? { roles: appraisalReaders.roles, note: 'An appraiser gets the units and fields assigned to them (none: 404); while self-assessment is open, only the units that have submitted.' }
          : { ...overseers, note: 'Appraisers read each unit\'s answers through its appraisal sheet.' },
        responseHeaders: { 200: ['content-disposition'] }
      },
      schema: {
        operationId: appraisal ? 'exportAppraisals' : 'exportSelfAssessments',
        summary: appraisal
          ? 'Every unit\'s appraisal sheet (Kết quả thẩm định) in one ZIP, to keep and sign'
          : 'Every unit\'s self-assessment sheet (Biểu tự đánh giá, chấm điểm) in one ZIP, to file',
        description: `One XLSX per unit, the same file (name and contents) as GET /rounds/{id}/units/{unitId}/${kind}/export, for the units ` +
          'the progress list shows the caller (narrowed by unitType, selfStatus and appraisalStatus as that list is filtered), in its order: catalog order of unit type, then Vietnamese ' +
          'order of name. The archive is streamed as the sheets are made. No unit to export: 404.',
        tags: ['appraisal'],
        params: IdParams,
        querystring: RoundSheetsQuery,
        response: { 200: archiveResponse, ...problems(400, 401, 403, 404) }
      }
    }, async (request, reply) => {
      const archive = await scoreSheetArchive(app.db, actorOf(request), request.params.id, kind, request.query)
      return sendAttachment(reply, { filename: archive.filename, contentType: 'application/zip', body: archive.stream })
    })
  }

  app.get('/rounds/:id/gap', {
    config: { access: overseers },
    schema: {
      operationId: 'getAppraisalGap',
      summary: 'Self points, appraised points and their difference (self − appraised) per unit and field, exact',
      tags: ['appraisal'],
      description: 'With limit (and offset), `units` holds that page of the list and `page` says where it is.',
      params: IdParams,
      querystring: RoundUnitsQuery,
      response: { 200: ref(GapReportSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request, reply) => {
    const whole = await keptGapReport(app.db, request.params.id, { unitType: request.query.unitType })
    const { items, page } = unitPage(whole.units, request.query)
    const report = page === undefined ? whole : { ...whole, units: items, page }
    // The report's own figures as its schema writes them, its lines each as last written.
    const parts = (reply.serialize({ ...report, units: [] }) as string).split('"units":[]')
    const [head, tail] = parts
    if (parts.length !== 2 || head === undefined || tail === undefined) return report
    return sendJsonBytes(request, reply, gapLines(report.units, `${head}"units":`, tail))
  })

  app.get('/rounds/:id/units/:unitId/appraisal', {
    config: { access: appraisalReaders, responseHeaders: { 200: ['etag'] } },
    schema: {
      operationId: 'getAppraisal',
      summary: 'A unit\'s appraisal: per leaf the self score, explanation and evidence files beside the appraised score',
      description: 'The ETag header is the version to send back in If-Match.',
      tags: ['appraisal'],
      params: RoundUnitParams,
      response: { 200: ref(AppraisalSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => withVersionTag(reply, await getAppraisal(app.db, actorOf(request), request.params.id, request.params.unitId)))

  app.get('/rounds/:id/units/:unitId/appraisal/export', {
    config: {
      access: {
        roles: [...appraisalReaders.roles, 'unit_officer'],
        note: `${appraisalReaders.note} A unit officer: their own unit, every field without the appraisers' names, once the round is published with ` +
          'results for the unit\'s type (before: 404 RESULTS_NOT_PUBLISHED; another unit: 404).'
      },
      responseHeaders: { 200: ['content-disposition'] }
    },
    schema: {
      operationId: 'exportAppraisal',
      summary: 'A unit\'s appraisal as an XLSX workbook for the appraisal team to keep and sign (Kết quả thẩm định)',
      description: 'One sheet, "Thẩm định": per field, then per leaf, the self score (TĐG) beside the appraised score (TĐ), their exact ' +
        'difference, the reason for a changed score and who appraised it; the totals; whether the appraisal is finalized; and the signature block. ' +
        'The fields the caller may read: an appraiser\'s sheet holds the fields assigned to them. The unit\'s own officer reads it once the ' +
        'round\'s results for its type are published: why each score is what it is.',
      tags: ['appraisal'],
      params: RoundUnitParams,
      response: { 200: workbookResponse, ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => sendWorkbook(reply, await exportAppraisal(app.db, actorOf(request), request.params.id, request.params.unitId)))

  app.get('/rounds/:id/units/:unitId/appraisal/leaves/:leafCode', {
    config: { access: appraisalReaders },
    schema: {
      operationId: 'getAppraisalLeaf',
      summary: 'One leaf of a unit\'s appraisal',
      tags: ['appraisal'],
      params: RoundUnitLeafParams,
      response: { 200: ref(AppraisalLeafSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => getAppraisalLeaf(app.db, actorOf(request), request.params.id, request.params.unitId, request.params.leafCode))

  app.patch('/rounds/:id/units/:unitId/appraisal', {
    config: { access: appraisers },
    schema: {
      operationId: 'saveAppraisal',
      summary: 'Save appraised scores of one or many leaves; leaves not listed stay as they are',
      description: 'Each input is scored by the leaf\'s method exactly like a self score: above the maximum, off the step or an unknown option is refused; ' +
        'above the self score is fine. A score that differs from the self score (points or applicability) needs a `reason`. If any entry is refused nothing is saved ' +
        'and each is listed in `errors` as { leafCode, code, message } (422 APPRAISAL_INVALID). ' + concurrencyNote,
      tags: ['appraisal'],
      params: RoundUnitParams,
      headers: IfMatchHeaders,
      body: ref(SaveAppraisalSchema),
      response: { 200: ref(AppraisalSchema), ...problems(400, 401, 403, 404, 409, 412, 422, 428) }
    }
  }, async (request, reply) => withVersionTag(reply, await saveAppraisal(app.db, actorOf(request), request.params.id, request.params.unitId, {
    ifMatch: parseIfMatch(request.headers['if-match']),
    entries: request.body.entries
  })))

  app.post('/rounds/:id/units/:unitId/appraisal/accept-self', {
    config: { access: appraisers },
    schema: {
      operationId: 'acceptSelfScores',
      summary: 'Take the self score as the appraised score of each listed leaf',
      description: 'A leaf without a self score is refused (self_unanswered). ' + concurrencyNote,
      tags: ['appraisal'],
      params: RoundUnitParams,
      headers: IfMatchHeaders,
      body: ref(AcceptSelfScoresSchema),
      response: { 200: ref(AppraisalSchema), ...problems(400, 401, 403, 404, 409, 412, 422, 428) }
    }
  }, async (request, reply) => withVersionTag(reply, await acceptSelfScores(app.db, actorOf(request), request.params.id, request.params.unitId, {
    ifMatch: parseIfMatch(request.headers['if-match']),
    leafCodes: request.body.leafCodes
  })))

  app.post('/rounds/:id/units/:unitId/appraisal/score-unanswered', {
    config: { access: appraisers },
    schema: {
      operationId: 'scoreUnansweredLeaves',
      summary: 'Give each leaf the unit never scored its lowest score, with one reason',
      description: 'For a unit that did not submit, or left leaves unanswered: every leaf of the caller\'s fields (of `fieldCodes` when given) with no self score and no appraised score yet gets ' +
        'the score worth least (0 for a range, the option worth least, the lowest measurement of the band worth least; never "not applicable"), each with `reason`. ' +
        'Leaves already appraised are left as they are, and so are leaves of a supplement request still open or answered (the unit was asked for them; its answer is reviewed leaf by leaf). ' +
        'When there is none to score, 409 CONFLICT. Audited as one appraisal.save. ' + concurrencyNote,
      tags: ['appraisal'],
      params: RoundUnitParams,
      headers: IfMatchHeaders,
      body: ref(ScoreUnansweredSchema),
      response: { 200: ref(AppraisalSchema), ...problems(400, 401, 403, 404, 409, 412, 422, 428) }
    }
  }, async (request, reply) => withVersionTag(reply, await scoreUnanswered(app.db, actorOf(request), request.params.id, request.params.unitId, {
    ifMatch: parseIfMatch(request.headers['if-match']),
    reason: request.body.reason,
    fieldCodes: request.body.fieldCodes
  })))

  app.post('/rounds/:id/units/:unitId/finalize', {
    config: { access: adminOnly, responseHeaders: { 200: ['etag'] } },
    schema: {
      operationId: 'finalizeAppraisal',
      summary: 'Finalize a unit\'s appraisal: locks it for appraisers and for the unit',
      description: 'Needs every leaf appraised (with a reason where it differs from the current self score) and no supplement request open or answered-but-not-closed; ' +
        'otherwise 409 APPRAISAL_INCOMPLETE lists each missing thing in `errors`. The round must be in appraisal.',
      tags: ['appraisal'],
      params: RoundUnitParams,
      response: { 200: ref(AppraisalSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => withVersionTag(reply, await finalizeAppraisal(app.db, actorOf(request), request.params.id, request.params.unitId)))

  app.post('/rounds/:id/finalize-appraisals', {
    config: { access: adminOnly },
    schema: {
      operationId: 'finalizeAppraisals',
      summary: 'Finalize the appraisal of many units at once; each unit still incomplete is refused on its own, with why',
      description: 'Each listed unit is finalized as POST /rounds/{id}/units/{unitId}/finalize would, in its own transaction: the complete ones are finalized, ' +
        'the others (an appraisal incomplete, already finalized, a unit not taking part) are listed in `refused` with the code and detail that call would answer. ' +
        'The round must be in appraisal (409 APPRAISAL_CLOSED otherwise).',
      tags: ['appraisal'],
      params: IdParams,
      body: ref(FinalizeAppraisalsSchema),
      response: { 200: ref(FinalizeAppraisalsOutcomeSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => {
    const outcome = await finalizeAppraisals(app.db, actorOf(request), request.params.id, request.body.unitIds)
    return { ...outcome, refused: outcome.refused.map((line) => ({ ...line, detail: line.detail.in(requestLanguage(request)) })) }
  })

  app.post('/rounds/:id/units/:unitId/reopen', {
    config: { access: adminOnly, responseHeaders: { 200: ['etag'] } },
    schema: {
      operationId: 'reopenAppraisal',
      summary: 'Reopen a finalized unit\'s appraisal, with a reason',
      tags: ['appraisal'],
      params: RoundUnitParams,
      body: ref(ReopenAppraisalSchema),
      response: { 200: ref(AppraisalSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => withVersionTag(reply, await reopenAppraisal(app.db, actorOf(request), request.params.id, request.params.unitId, request.body.reason)))

  app.get('/rounds/:id/units/:unitId/leaves/:leafCode/history', {
    config: { access: appraisalReaders },
    schema: {
      operationId: 'getLeafHistory',
      summary: 'Every change of one leaf of a unit, in order: self score saves, appraised scores, supplement requests, answers, closes',
      description: 'From the audit log: who, when, the leaf\'s old and new value, and the reason.',
      tags: ['appraisal'],
      params: RoundUnitLeafParams,
      response: { 200: ref(LeafHistorySchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => leafHistory(app.db, actorOf(request), request.params.id, request.params.unitId, request.params.leafCode))

  app.get('/rounds/:id/units/:unitId/history', {
    config: { access: overseers },
    schema: {
      operationId: 'getUnitHistory',
      summary: 'The whole submission of a unit in order: round status changes, saves, submissions, withdrawals, appraisal, supplement requests, finalization',
      tags: ['appraisal'],
      params: RoundUnitParams,
      response: { 200: ref(UnitHistorySchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => unitHistory(app.db, actorOf(request), request.params.id, request.params.unitId))

  app.post('/rounds/:id/units/:unitId/supplement-requests', {
    config: { access: appraisers },
    schema: {
      operationId: 'createSupplementRequest',
      summary: 'Ask a unit for supplementary evidence on some leaves of your fields, with a reason and a due date',
      description: 'Exactly these leaves reopen for the unit (input, explanation, evidence) through the self-assessment PATCH, until it answers or dueAt passes ' +
        '(then the request expires and the leaves lock again). Only while the round is in appraisal, before its deadline, on a unit not finalized. ' +
        'A leaf that already has an open request is not asked about again: 409 SUPPLEMENT_ALREADY_OPEN, each such leaf in `errors` with the open requests\' ids.',
      tags: ['supplements'],
      params: RoundUnitParams,
      body: ref(CreateSupplementRequestSchema),
      response: { 201: ref(SupplementRequestSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await createSupplementRequest(app.db, actorOf(request), request.params.id, request.params.unitId, request.body)))

  app.get('/rounds/:id/supplement-requests', {
    config: { access: { roles: ['admin', 'viewer', 'appraiser', 'unit_officer'], note: 'A unit officer gets only their unit\'s requests; an appraiser only those touching their fields.' } },
    schema: {
      operationId: 'listSupplementRequests',
      summary: 'Supplement requests of the round with their answers and status, oldest first',
      tags: ['supplements'],
      params: IdParams,
      querystring: Type.Object({
        unitId: Type.Optional(Type.String({ format: 'uuid' })),
        status: Type.Optional(ref(SupplementStatusSchema))
      }),
      response: { 200: Type.Array(ref(SupplementRequestSchema)), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => listSupplementRequests(app.db, actorOf(request), request.params.id, request.query))

  app.get('/supplement-requests/:id', {
    config: { access: { roles: ['admin', 'viewer', 'appraiser', 'unit_officer'], note: 'A request the caller may not see answers 404.' } },
    schema: {
      operationId: 'getSupplementRequest',
      summary: 'One supplement request',
      tags: ['supplements'],
      params: IdParams,
      response: { 200: ref(SupplementRequestSchema), ...problems(400, 401, 403, 404) }
    }
  }, async (request) => getSupplementRequest(app.db, actorOf(request), request.params.id))

  app.post('/supplement-requests/:id/answer', {
    config: { access: { roles: ['unit_officer'], note: 'The officer of the request\'s unit.' } },
    schema: {
      operationId: 'answerSupplementRequest',
      summary: 'Answer an open request before its due date; its leaves lock again and it waits for the appraiser\'s review',
      tags: ['supplements'],
      params: IdParams,
      body: ref(AnswerSupplementRequestSchema),
      response: { 200: ref(SupplementRequestSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => answerSupplementRequest(app.db, actorOf(request), request.params.id, request.body.answer))

  app.post('/supplement-requests/:id/close', {
    config: { access: { roles: ['appraiser', 'admin'], note: 'An appraiser assigned to the fields of all its leaves, or an admin.' } },
    schema: {
      operationId: 'closeSupplementRequest',
      summary: 'Close a request after review (closing an open one withdraws it)',
      tags: ['supplements'],
      params: IdParams,
      body: ref(CloseSupplementRequestSchema),
      response: { 200: ref(SupplementRequestSchema), ...problems(400, 401, 403, 404, 409) }
    }
  }, async (request) => closeSupplementRequest(app.db, actorOf(request), request.params.id, request.body.comment))
}

export default appraisalRoutes
