// Contract of appraisal (thẩm định): assignments, appraised scores, supplement requests (yêu cầu bổ sung), progress, gap and history.
import { Type } from 'typebox'
import { ref, registerShared, unitPagePosition, unitPageQuery } from './common.js'
import { LeafInputSchema, RoundStatusSchema, SelfAssessmentChangeSchema } from './rounds.js'

const uuid = Type.String({ format: 'uuid' })
const instant = Type.String({ format: 'date-time' })
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T, options: { description?: string } = {}) => Type.Union([schema, Type.Null()], options)
const leafCode = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' })

const unitRef = Type.Object({ id: uuid, code: Type.String(), name: Type.String(), unitType: Type.String() })

export const AppraisalUserSchema = Type.Object({
  id: uuid,
  username: Type.String(),
  displayName: Type.String()
}, { $id: 'AppraisalUser', description: 'A user as appraisal data names them' })

export const AppraisalAssignmentSchema = Type.Object({
  unitType: Type.String(),
  fieldCode: Type.String({ description: 'Code of a field (top-level node) of the unit type\'s catalog in this round' }),
  fieldTitle: nullable(Type.String()),
  user: ref(AppraisalUserSchema)
}, { $id: 'AppraisalAssignment' })

export const SetAppraisalAssignmentsSchema = Type.Object({
  assignments: Type.Array(Type.Object({
    unitType: Type.String({ minLength: 1, maxLength: 64 }),
    fieldCode: Type.String({ minLength: 1, maxLength: 64 }),
    userId: uuid
  }, { additionalProperties: false }), { maxItems: 2000 })
}, {
  $id: 'SetAppraisalAssignments',
  additionalProperties: false,
  description: 'The complete list. One field can have several appraisers and an appraiser several fields; each user must be an active appraiser.'
})

export const EvidenceFileRefSchema = Type.Object({
  id: uuid,
  filename: nullable(Type.String()),
  mime: nullable(Type.String()),
  size: nullable(Type.Integer())
}, { $id: 'EvidenceFileRef' })

export const SupplementStatusSchema = Type.Enum(['open', 'answered', 'closed', 'expired'], {
  $id: 'SupplementStatus',
  description: 'open: the leaves are reopened for the unit until dueAt; answered: waits for the appraiser\'s review; closed by the appraiser; expired: unanswered at dueAt'
})

export const AppraisalLeafSchema = Type.Object({
  code: Type.String(),
  fieldCode: Type.String(),
  title: Type.String(),
  maxPoints: Type.Number(),
  scoring: nullable(Type.Object({ method: Type.Enum(['range', 'options', 'bands']) }, { additionalProperties: true })),
  evidence: Type.Enum(['required', 'optional', 'none']),
  guidance: nullable(Type.String()),
  self: Type.Object({
    input: nullable(ref(LeafInputSchema)),
    points: nullable(Type.Number(), { description: 'Null when unanswered or not applicable' }),
    notApplicable: Type.Boolean(),
    explanation: nullable(Type.String()),
    evidenceFiles: Type.Array(ref(EvidenceFileRefSchema)),
    updatedAt: nullable(instant),
    band: nullable(Type.Integer(), { description: 'For a bands leaf: the index in scoring.bands the measurement fell into' })
  }, { description: 'What the unit entered (tự đánh giá)' }),
  appraised: nullable(Type.Object({
    input: ref(LeafInputSchema),
    points: nullable(Type.Number(), { description: 'Null when not applicable' }),
    notApplicable: Type.Boolean(),
    reason: nullable(Type.String()),
    appraisedBy: nullable(ref(AppraisalUserSchema)),
    updatedAt: instant,
    band: nullable(Type.Integer(), { description: 'For a bands leaf: the index in scoring.bands the measurement fell into' })
  }), { description: 'The appraised score (điểm thẩm định); null until appraised' }),
  differs: nullable(Type.Boolean(), { description: 'Whether the appraised score differs from the self score; null until appraised' }),
  supplementRequests: Type.Array(Type.Object({
    id: uuid,
    status: ref(SupplementStatusSchema),
    dueAt: nullable(instant)
  }), { description: 'Requests on this leaf still open or waiting for review' })
}, { $id: 'AppraisalLeaf' })

const appraisalPoints = {
  maxPoints: Type.Number(),
  leaves: Type.Integer(),
  appraised: Type.Integer({ description: 'Leaves with an appraised score' }),
  selfPoints: Type.Number(),
  appraisedPoints: Type.Number({ description: 'Sum of the appraised scores so far' }),
  gap: Type.Number({ description: 'selfPoints − appraisedPoints, exact (as GET /rounds/{id}/gap)' }),
  appraisedGap: Type.Number({ description: 'Self − appraised points over the leaves appraised so far, exact: what the appraisal has changed until now' })
}

export const AppraisalFieldSchema = Type.Object({
  code: Type.String(),
  title: Type.String(),
  ...appraisalPoints
}, { $id: 'AppraisalField' })

export const AppraisalTotalsSchema = Type.Object(appraisalPoints, { $id: 'AppraisalTotals', description: 'The fields the caller sees, together' })

export const AppraisalChangeSchema = Type.Object({
  ...SelfAssessmentChangeSchema.properties,
  action: Type.String({ description: 'appraisal.save, appraisal.accept_self, appraisal.acceptance_lapsed (the unit changed a score the appraisal had accepted without a reason, which withdrew the acceptance), appraisal.finalize or appraisal.reopen' })
}, { $id: 'AppraisalChange', description: 'The newest change of the appraisal: after a 412, tells who changed which leaves since the caller\'s read' })

export const AppraisalSchema = Type.Object({
  id: nullable(uuid, { description: 'Null until the first appraised score is saved' }),
  roundId: uuid,
  roundCode: Type.String(),
  unit: unitRef,
  catalog: Type.Object({ id: uuid, code: Type.String(), title: Type.String() }),
  status: Type.Enum(['in_progress', 'finalized']),
  version: Type.Integer({ description: 'Also the ETag; send it back in If-Match to change appraised scores' }),
  finalizedAt: nullable(instant),
  finalizedBy: nullable(ref(AppraisalUserSchema)),
  deadline: Type.Object({
    roundStatus: ref(RoundStatusSchema),
    closesAt: nullable(instant, { description: 'When appraisal closes (+07:00)' }),
    supplementClosesAt: nullable(instant, { description: 'The latest due date of a supplement request (+07:00)' }),
    open: Type.Boolean({ description: 'Whether appraised scores can change now, by the database clock' })
  }),
  selfAssessment: Type.Object({ id: nullable(uuid), status: Type.Enum(['not_started', 'draft', 'submitted']), submittedAt: nullable(instant) }),
  fields: Type.Array(ref(AppraisalFieldSchema), { description: 'The fields the caller sees (an appraiser: their assigned fields)' }),
  totals: ref(AppraisalTotalsSchema),
  leaves: Type.Array(ref(AppraisalLeafSchema), { description: 'The leaves of those fields, in catalog order' }),
  lastChange: nullable(ref(AppraisalChangeSchema))
}, { $id: 'Appraisal' })

export const AppraisalEntrySchema = Type.Object({
  leafCode,
  input: nullable(ref(LeafInputSchema), { description: 'The input of the leaf\'s method, scored like a self score; null removes the appraised score' }),
  reason: Type.Optional(nullable(Type.String({ maxLength: 10000 }), { description: 'Required when the appraised score differs from the self score' }))
}, { $id: 'AppraisalEntry', additionalProperties: false })

export const SaveAppraisalSchema = Type.Object({
  entries: Type.Array(ref(AppraisalEntrySchema), { minItems: 1, maxItems: 1000 })
}, { $id: 'SaveAppraisal', additionalProperties: false })

export const AcceptSelfScoresSchema = Type.Object({
  leafCodes: Type.Array(leafCode, { minItems: 1, maxItems: 1000, uniqueItems: true })
}, { $id: 'AcceptSelfScores', additionalProperties: false })

export const ScoreUnansweredSchema = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why these leaves get their lowest score, e.g. "Đơn vị không nộp bản tự đánh giá"; written as each leaf\'s reason' }),
  fieldCodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 100, uniqueItems: true, description: 'Only these fields (default: every field of the caller\'s)' }))
}, { $id: 'ScoreUnanswered', additionalProperties: false })

export const AppraisalEntryProblemSchema = Type.Object({
  leafCode: Type.String(),
  code: Type.String({ description: 'not_a_number, negative, above_maximum, off_step, unknown_option, measurement_out_of_range, wrong_input, unknown_leaf, not_a_leaf, duplicate_leaf, reason_required, self_unanswered' }),
  message: Type.String()
}, { $id: 'AppraisalEntryProblem', description: 'Why one appraised score was refused (errors of APPRAISAL_INVALID)' })

export const FinalizationProblemSchema = Type.Object({
  code: Type.Enum(['unappraised', 'reason_missing', 'request_open', 'request_answered']),
  message: Type.String(),
  leafCode: Type.Optional(Type.String()),
  fieldCode: Type.Optional(Type.String()),
  requestId: Type.Optional(uuid),
  leafCodes: Type.Optional(Type.Array(Type.String()))
}, { $id: 'FinalizationProblem', description: 'What keeps a unit from being finalized (errors of APPRAISAL_INCOMPLETE)' })

export const ReopenAppraisalSchema = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 2000 })
}, { $id: 'ReopenAppraisal', additionalProperties: false })

export const FinalizeAppraisalsSchema = Type.Object({
  unitIds: Type.Array(uuid, { minItems: 1, maxItems: 500, uniqueItems: true, description: 'The units to finalize (the progress list tells which are complete); at most 500 a request' })
}, { $id: 'FinalizeAppraisals', additionalProperties: false })

export const FinalizeAppraisalsOutcomeSchema = Type.Object({
  finalized: Type.Array(unitRef, { description: 'Units finalized by this request' }),
  refused: Type.Array(Type.Object({
    unitId: uuid,
    unit: nullable(unitRef, { description: 'Null when the unit does not take part in the round' }),
    code: Type.String({ description: 'The problem code finalizing this unit alone would answer: APPRAISAL_INCOMPLETE, APPRAISAL_FINALIZED, NOT_FOUND…' }),
    detail: Type.String({ description: 'Why, as that problem\'s detail says it (what is missing, counted)' })
  }), { description: 'Units left as they were, each with why' })
}, { $id: 'FinalizeAppraisalsOutcome' })

/** The states of a unit's self-assessment and of its appraisal, as the progress list says them and filters by them. */
const selfStatuses = ['not_started', 'draft', 'submitted'] as const
const appraisalStatuses = ['not_started', 'in_progress', 'finalized'] as const

export const UnitProgressSchema = Type.Object({
  unit: unitRef,
  selfAssessment: Type.Object({ status: Type.Enum(selfStatuses), submittedAt: nullable(instant) }),
  appraisal: Type.Object({ status: Type.Enum(appraisalStatuses), version: Type.Integer(), finalizedAt: nullable(instant) }),
  leaves: Type.Integer(),
  appraised: Type.Integer(),
  openRequests: Type.Integer({ description: 'Supplement requests waiting for the unit' }),
  answeredRequests: Type.Integer({ description: 'Supplement requests answered and waiting for the appraiser\'s review' }),
  fields: Type.Array(Type.Object({ code: Type.String(), title: Type.String(), leaves: Type.Integer(), appraised: Type.Integer() }))
}, { $id: 'UnitProgress' })

const gapLine = {
  selfPoints: Type.Number(),
  appraisedPoints: Type.Number(),
  gap: Type.Number({ description: 'selfPoints − appraisedPoints, exact' }),
  leaves: Type.Integer(),
  appraised: Type.Integer({ description: 'Leaves with an appraised score' })
}

export const GapReportSchema = Type.Object({
  roundId: uuid,
  unitType: nullable(Type.String()),
  units: Type.Array(Type.Object({
    unit: unitRef,
    finalized: Type.Boolean(),
    ...gapLine,
    fields: Type.Array(Type.Object({ code: Type.String(), title: Type.String(), maxPoints: Type.Number(), ...gapLine }))
  }), { description: 'In catalog order of unit type, then Vietnamese order of name' }),
  page: Type.Optional(unitPagePosition('Present when limit or offset was asked: `units` holds that page of the list'))
}, { $id: 'GapReport', description: 'Self and appraised points per unit and field, summed by the database from the saved points' })

/** A round's progress or gap: of one unit type or all, whole or a page of its units. */
export const RoundUnitsQuery = Type.Object({
  unitType: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Unit type code, e.g. department; absent: every unit type' })),
  ...unitPageQuery('catalog order of unit type, then Vietnamese order of name')
})

/** Which units' sheets a round's archive holds: the progress list's filters. */
export const RoundSheetsQuery = Type.Object({
  unitType: RoundUnitsQuery.properties.unitType,
  selfStatus: Type.Optional(Type.Enum(selfStatuses, { description: 'Only the units whose self-assessment is in this state' })),
  appraisalStatus: Type.Optional(Type.Enum(appraisalStatuses, { description: 'Only the units whose appraisal is in this state' }))
})

export const SupplementRequestSchema = Type.Object({
  id: uuid,
  roundId: uuid,
  unit: unitRef,
  leafCodes: Type.Array(Type.String()),
  reason: Type.String(),
  dueAt: Type.String({ format: 'date-time', description: '+07:00' }),
  status: ref(SupplementStatusSchema),
  answer: nullable(Type.String()),
  answeredAt: nullable(instant),
  answeredBy: nullable(ref(AppraisalUserSchema)),
  closedAt: nullable(instant, { description: 'For an expired request, its due date' }),
  closedBy: nullable(ref(AppraisalUserSchema), { description: 'Null for an expired request, and always for a unit officer (see createdBy)' }),
  createdBy: nullable(ref(AppraisalUserSchema), { description: 'The appraiser who asked. Null for a unit officer: to the unit a request comes from the appraisal team (Tổ thẩm định), and who in the team wrote or closed it stays the team\'s' }),
  createdAt: instant
}, { $id: 'SupplementRequest' })

export const CreateSupplementRequestSchema = Type.Object({
  leafCodes: Type.Array(leafCode, { minItems: 1, maxItems: 200, uniqueItems: true }),
  reason: Type.String({ minLength: 1, maxLength: 5000 }),
  dueAt: Type.String({ format: 'date-time', description: 'In the future and not after the round\'s supplementClosesAt; ISO 8601 with an offset' })
}, { $id: 'CreateSupplementRequest', additionalProperties: false })

export const AnswerSupplementRequestSchema = Type.Object({
  answer: Type.String({ minLength: 1, maxLength: 10000 })
}, { $id: 'AnswerSupplementRequest', additionalProperties: false })

export const CloseSupplementRequestSchema = Type.Object({
  comment: Type.Optional(nullable(Type.String({ maxLength: 5000 }), { description: 'The review\'s conclusion; kept as the reason in the history' }))
}, { $id: 'CloseSupplementRequest', additionalProperties: false })

export const HistoryItemSchema = Type.Object({
  id: Type.Integer({ description: 'The audit row; items are in commit order' }),
  at: instant,
  actor: Type.Object({ type: Type.Enum(['user', 'api_key', 'system']), id: nullable(uuid), name: Type.String(), displayName: nullable(Type.String()) }),
  action: Type.String({ description: 'self_assessment.save|submit|withdraw, appraisal.save|accept_self|acceptance_lapsed|finalize|reopen, supplement.create|answer|close|expire, round.transition, round.extension…' }),
  entityType: Type.String(),
  entityId: Type.String(),
  leafCodes: nullable(Type.Array(Type.String()), { description: 'Unit history: the leaves a score save touched' }),
  supplementRequestIds: nullable(Type.Array(Type.String()), { description: 'The supplement requests a unit\'s save after its deadline relied on' }),
  before: Type.Unknown({ description: 'Old value (in a leaf history: that leaf\'s old entry)' }),
  after: Type.Unknown({ description: 'New value (in a leaf history: that leaf\'s new entry)' }),
  reason: nullable(Type.String()),
  requestId: nullable(Type.String())
}, { $id: 'HistoryItem' })

export const LeafHistorySchema = Type.Object({
  roundId: uuid,
  unit: unitRef,
  leafCode: Type.String(),
  fieldCode: Type.String(),
  items: Type.Array(ref(HistoryItemSchema))
}, { $id: 'LeafHistory' })

export const UnitHistorySchema = Type.Object({
  roundId: uuid,
  unit: unitRef,
  items: Type.Array(ref(HistoryItemSchema))
}, { $id: 'UnitHistory' })

export const RoundUnitLeafParams = Type.Object({ id: uuid, unitId: uuid, leafCode })

registerShared(AppraisalUserSchema, AppraisalAssignmentSchema, SetAppraisalAssignmentsSchema, EvidenceFileRefSchema, SupplementStatusSchema,
  AppraisalLeafSchema, AppraisalFieldSchema, AppraisalTotalsSchema, AppraisalChangeSchema, AppraisalSchema, AppraisalEntrySchema, SaveAppraisalSchema, AcceptSelfScoresSchema, ScoreUnansweredSchema,
  AppraisalEntryProblemSchema, FinalizationProblemSchema, FinalizeAppraisalsSchema, FinalizeAppraisalsOutcomeSchema, ReopenAppraisalSchema, UnitProgressSchema, GapReportSchema, SupplementRequestSchema,
  CreateSupplementRequestSchema, AnswerSupplementRequestSchema, CloseSupplementRequestSchema, HistoryItemSchema, LeafHistorySchema, UnitHistorySchema)
