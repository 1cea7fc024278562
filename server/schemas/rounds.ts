// Contract of assessment rounds (kỳ đánh giá) and of each unit's self-assessment (tự đánh giá).
import { Type } from 'typebox'
import { nameText, page, ref, registerShared } from './common.js'
import { roundStatuses } from '../domain/lifecycle.js'

export const RoundStatusSchema = Type.Enum([...roundStatuses], {
  $id: 'RoundStatus',
  description: 'draft → self_assessment → appraisal → finalized → published; admins move a round one step at a time'
})

const deadline = (description: string) => Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
  description: `${description}. Sent as ISO 8601 with an offset (2020-12-15T17:00:00+07:00 or ...Z); returned with the +07:00 offset of Asia/Ho_Chi_Minh, the time zone users see.`
})

const deadlineFields = {
  selfAssessmentClosesAt: deadline('When self-assessment closes (units may no longer change it, unless given an extension)'),
  appraisalClosesAt: deadline('When appraisal closes'),
  supplementClosesAt: deadline('When replies to requests for supplementary evidence close; after self-assessment closes and not after appraisal closes')
}

const roundCode = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Stable code, e.g. 2020' })
const roundTitle = nameText({ maxLength: 300 })
const roundYear = Type.Integer({ minimum: 2000, maximum: 2100 })

export const CreateRoundSchema = Type.Object({
  code: roundCode,
  title: roundTitle,
  year: roundYear,
  selfAssessmentClosesAt: Type.Optional(deadlineFields.selfAssessmentClosesAt),
  appraisalClosesAt: Type.Optional(deadlineFields.appraisalClosesAt),
  supplementClosesAt: Type.Optional(deadlineFields.supplementClosesAt)
}, {
  $id: 'CreateRound',
  additionalProperties: false,
  examples: [{
    code: '2021',
    title: 'Kỳ đánh giá Chỉ số CCHC năm 2021',
    year: 2021,
    selfAssessmentClosesAt: '2022-01-15T10:00:00.000Z',
    supplementClosesAt: '2022-02-01T10:00:00.000Z',
    appraisalClosesAt: '2022-02-15T10:00:00.000Z'
  }]
})

export const UpdateRoundSchema = Type.Object({
  code: Type.Optional(roundCode),
  title: Type.Optional(roundTitle),
  year: Type.Optional(roundYear),
  selfAssessmentClosesAt: Type.Optional(deadlineFields.selfAssessmentClosesAt),
  appraisalClosesAt: Type.Optional(deadlineFields.appraisalClosesAt),
  supplementClosesAt: Type.Optional(deadlineFields.supplementClosesAt)
}, {
  $id: 'UpdateRound',
  additionalProperties: false,
  description: 'In draft anything may change. Once the round is open only the title and the deadlines may change (not to null), until it is finalized.'
})

export const RoundCatalogSchema = Type.Object({
  unitType: Type.String(),
  catalogId: Type.String({ format: 'uuid' }),
  code: Type.String(),
  title: Type.String(),
  year: Type.Integer(),
  status: Type.String()
}, { $id: 'RoundCatalog' })

export const RoundParticipantSchema = Type.Object({
  unitId: Type.String({ format: 'uuid' }),
  code: Type.String(),
  name: Type.String(),
  unitType: Type.String(),
  active: Type.Boolean(),
  extensionUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'This unit\'s self-assessment stays open until then, when later than the round\'s deadline (+07:00)' }),
  extensionReason: Type.Union([Type.String(), Type.Null()])
}, { $id: 'RoundParticipant' })

const roundMoveFields = {
  to: ref(RoundStatusSchema),
  direction: Type.Enum(['forward', 'back']),
  reasonRequired: Type.Boolean({ description: 'A move back needs a reason' })
}

export const RoundSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  title: Type.String(),
  year: Type.Integer(),
  status: ref(RoundStatusSchema),
  timeZone: Type.Literal('Asia/Ho_Chi_Minh', { description: 'The time zone deadlines are shown in' }),
  ...deadlineFields,
  catalogs: Type.Array(ref(RoundCatalogSchema), { description: 'The published catalog each unit type is scored with' }),
  participants: Type.Array(ref(RoundParticipantSchema), { description: 'Participating units, by unit type then name (Vietnamese order)' }),
  moves: Type.Array(Type.Object(roundMoveFields), { description: 'The status moves the step rule allows now (one step forward, or back with a reason); whether a move\'s conditions hold (deadlines, participants, finalized appraisals, published results) is checked when it is made (POST /rounds/{id}/transition), and can be asked before (GET /rounds/{id}/moves)' }),
  version: Type.Integer({ minimum: 0, description: 'Grows with every change to the round (its fields, status, catalogs or participants); GET and PATCH /rounds/{id} send it as the ETag, to name in If-Match when editing' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'Round' })

export const RoundSummarySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  code: Type.String(),
  title: Type.String(),
  year: Type.Integer(),
  status: ref(RoundStatusSchema),
  ...deadlineFields,
  participantCount: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}, { $id: 'RoundSummary' })

export const RoundPageSchema = page(RoundSummarySchema, 'RoundPage')

export const SetRoundCatalogsSchema = Type.Object({
  catalogs: Type.Array(Type.Object({
    unitType: Type.String({ minLength: 1, maxLength: 64 }),
    catalogId: Type.String({ format: 'uuid' })
  }, { additionalProperties: false }), { maxItems: 50 })
}, { $id: 'SetRoundCatalogs', additionalProperties: false, description: 'The complete list: one published catalog per unit type, whose own unit type must be that unit type' })

export const SetParticipantsSchema = Type.Object({
  unitIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 2000, uniqueItems: true })
}, { $id: 'SetParticipants', additionalProperties: false, description: 'The complete list of participating units' })

export const AddParticipantsSchema = Type.Object({
  unitIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 2000, uniqueItems: true })),
  unitTypes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, uniqueItems: true, description: 'Add every active unit of these unit types' }))
}, { $id: 'AddParticipants', additionalProperties: false })

export const RoundMoveChecksSchema = Type.Object({
  moves: Type.Array(Type.Object({
    ...roundMoveFields,
    refusal: Type.Union([Type.Unsafe<Record<string, unknown>>({ $ref: 'Problem#' }), Type.Null()], {
      description: 'The problem document POST /rounds/{id}/transition would answer with if the move were made now (ROUND_NOT_READY: what is in the way, e.g. `errors` when opening, `units` when moving to appraisal); null when nothing known is in the way'
    })
  }))
}, { $id: 'RoundMoveChecks', description: 'The moves of GET /rounds/{id}, each checked as if it were made now (by the database clock) without making it' })

export const RoundTransitionSchema = Type.Object({
  to: ref(RoundStatusSchema),
  reason: Type.Optional(Type.String({ maxLength: 2000, description: 'Required when moving back a step' }))
}, { $id: 'RoundTransition', additionalProperties: false })

export const UnitExtensionSchema = Type.Object({
  until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'New self-assessment deadline for this unit (after the round\'s); null withdraws the extension' }),
  reason: Type.String({ minLength: 1, maxLength: 2000 })
}, { $id: 'UnitExtension', additionalProperties: false })

export const LeafInputSchema = Type.Object({
  value: Type.Optional(Type.Number({ description: 'Points, for a range leaf: a multiple of its step from 0 to its maximum' })),
  option: Type.Optional(Type.String({ maxLength: 64, description: 'Option code, for an options leaf' })),
  measurement: Type.Optional(Type.Number({ description: 'The measured number, for a bands leaf' }))
}, { $id: 'LeafInput', additionalProperties: false, description: 'Exactly the input of the leaf\'s scoring method' })

export const SelfAssessmentEntrySchema = Type.Object({
  leafCode: Type.String({ minLength: 1, maxLength: 64 }),
  input: Type.Optional(Type.Union([ref(LeafInputSchema), Type.Null()], { description: 'Absent: keep the saved answer; null: clear it' })),
  explanation: Type.Optional(Type.Union([Type.String({ maxLength: 10000 }), Type.Null()], { description: 'Absent: keep the saved explanation; null or empty: clear it' }))
}, { $id: 'SelfAssessmentEntry', additionalProperties: false })

export const SaveSelfAssessmentSchema = Type.Object({
  entries: Type.Array(ref(SelfAssessmentEntrySchema), { minItems: 1, maxItems: 1000 })
}, {
  $id: 'SaveSelfAssessment',
  additionalProperties: false,
  description: 'The example fits the 2020 catalog of the provincial departments (Sở, ban, ngành): 1.1.1 is scored by options, 1.1.2 by a range with step 0.25, 3.5.1 by bands of a measurement',
  examples: [{
    entries: [
      { leafCode: '1.1.1', input: { option: 'a' }, explanation: 'Kế hoạch CCHC năm 2020 ban hành tại Quyết định số 15/QĐ-UBND ngày 06/01/2020' },
      { leafCode: '1.1.2', input: { value: 0.75 } },
      { leafCode: '3.5.1', input: { measurement: 98.5 } }
    ]
  }]
})

export const EntryProblemSchema = Type.Object({
  leafCode: Type.String(),
  code: Type.String({ description: 'not_a_number, negative, above_maximum, off_step, unknown_option, measurement_out_of_range, wrong_input, unknown_leaf, not_a_leaf, duplicate_leaf, empty_entry, unanswered, evidence_missing' }),
  message: Type.String()
}, { $id: 'EntryProblem', description: 'Why one leaf was refused (in the errors of SELF_ASSESSMENT_INVALID and SELF_ASSESSMENT_INCOMPLETE problems)' })

/** A share of the applicable maximum, computed exactly by the server (the app holds no scoring rule). */
const percentDisplay = () => Type.Union([Type.String({ pattern: '^\\d+\\.\\d{2}$' }), Type.Null()], {
  description: 'points / applicableMaximum × 100, rounded half up to 2 places (e.g. "45.25"); null when no leaf applies'
})

export const FieldTotalSchema = Type.Object({
  code: Type.String(),
  title: Type.String(),
  maxPoints: Type.Number(),
  points: Type.Number({ description: 'Exact sum of the leaves\' points' }),
  applicableMaximum: Type.Number({ description: 'Maximum without the not-applicable leaves' }),
  answered: Type.Integer(),
  leaves: Type.Integer(),
  percentDisplay: percentDisplay(),
}, { $id: 'FieldTotal' })

export const SelfAssessmentTotalsSchema = Type.Object({
  points: Type.Number(),
  maxPoints: Type.Number(),
  applicableMaximum: Type.Number(),
  answered: Type.Integer({ description: 'Leaves with an answer' }),
  leaves: Type.Integer({ description: 'Leaves in the catalog' }),
  percentDisplay: percentDisplay(),
  fields: Type.Array(ref(FieldTotalSchema))
}, { $id: 'SelfAssessmentTotals', description: 'Computed by the database from the saved points, exactly' })

export const SelfAssessmentSectionSchema = Type.Object({
  code: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()], { description: 'Null for a field' }),
  title: Type.String(),
  maxPoints: Type.Number(),
  childCodes: Type.Array(Type.String(), { description: 'Its children (criteria and leaves) in catalog order' })
}, { $id: 'SelfAssessmentSection', description: 'A field or criterion above the leaves' })

export const SelfAssessmentLeafSchema = Type.Object({
  code: Type.String(),
  fieldCode: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()], { description: 'The criterion (or field) the leaf belongs to' }),
  title: Type.String(),
  maxPoints: Type.Number(),
  scoring: Type.Object({ method: Type.Enum(['range', 'options', 'bands']) }, { additionalProperties: true, description: 'The leaf\'s scoring method as in the catalog' }),
  evidence: Type.Enum(['required', 'optional', 'none']),
  guidance: Type.Union([Type.String(), Type.Null()]),
  input: Type.Union([ref(LeafInputSchema), Type.Null()]),
  points: Type.Union([Type.Number(), Type.Null()], { description: 'Null when unanswered or not applicable' }),
  notApplicable: Type.Boolean(),
  explanation: Type.Union([Type.String(), Type.Null()]),
  evidenceFiles: Type.Integer({ description: 'Evidence files attached to this leaf' }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  band: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'For a bands leaf with a measurement: the index (in scoring.bands) of the band it fell into' }),
  missing: Type.Array(Type.Enum(['unanswered', 'evidence_missing']), { description: 'What keeps this leaf from being submitted: no answer; required evidence with neither a file nor an explanation' }),
  editable: Type.Boolean({ description: 'Whether the unit can change this leaf now: a draft in the open self-assessment window, or a leaf reopened by an open supplement request' }),
  supplementRequestIds: Type.Array(Type.String({ format: 'uuid' }), { description: 'Open supplement requests that reopen this leaf now' })
}, { $id: 'SelfAssessmentLeaf' })

export const SelfAssessmentChangeSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  action: Type.String({ description: 'self_assessment.save, self_assessment.submit or self_assessment.withdraw' }),
  actor: Type.Object({
    type: Type.Enum(['user', 'api_key', 'system']),
    name: Type.String({ description: 'Username (or key name)' }),
    displayName: Type.Union([Type.String(), Type.Null()])
  }),
  leafCodes: Type.Array(Type.String(), { description: 'The leaves a save changed' })
}, { $id: 'SelfAssessmentChange', description: 'The latest change: after a 412, tells who changed what since the caller\'s read' })

export const SelfAssessmentDeadlineSchema = Type.Object({
  roundStatus: ref(RoundStatusSchema),
  closesAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The round\'s self-assessment deadline (+07:00)' }),
  extensionUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  effectiveClosesAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The later of the deadline and this unit\'s extension' }),
  open: Type.Boolean({ description: 'Whether the unit can change its self-assessment now, by the database clock' })
}, { $id: 'SelfAssessmentDeadline' })

const unitRef = Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), name: Type.String(), unitType: Type.String() })
const catalogRef = Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), title: Type.String() })

export const SelfAssessmentSchema = Type.Object({
  id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description: 'Null until the first entry is saved' }),
  roundId: Type.String({ format: 'uuid' }),
  roundCode: Type.String(),
  unit: unitRef,
  catalog: catalogRef,
  status: Type.Enum(['draft', 'submitted']),
  version: Type.Integer({ description: 'Also the ETag; send it back in If-Match to change the self-assessment' }),
  submittedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deadline: ref(SelfAssessmentDeadlineSchema),
  totals: ref(SelfAssessmentTotalsSchema),
  sections: Type.Array(ref(SelfAssessmentSectionSchema), { description: 'The fields and criteria above the leaves, in catalog order (each after its parent), to draw the tree without reading the catalog' }),
  leaves: Type.Array(ref(SelfAssessmentLeafSchema), { description: 'Every leaf of the catalog, in catalog order' }),
  lastChange: Type.Union([ref(SelfAssessmentChangeSchema), Type.Null()]),
  now: Type.String({ format: 'date-time', description: 'The database clock when this was read, for countdowns to the deadline' })
}, { $id: 'SelfAssessment' })

export const SavedSelfAssessmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Enum(['draft', 'submitted']),
  version: Type.Integer({ description: 'The new version, also the ETag; send it back in If-Match with the next change' }),
  updatedAt: Type.String({ format: 'date-time' }),
  totals: ref(SelfAssessmentTotalsSchema),
  leaves: Type.Array(ref(SelfAssessmentLeafSchema), { description: 'The saved leaves only, in catalog order, as GET shows them' })
}, {
  $id: 'SavedSelfAssessment',
  description: 'What a save changed: the saved leaves, the new totals (from the per-field sums) and the new version. The rest of the self-assessment is as last read; merge this into it, or GET the whole'
})

export const SelfAssessmentSummarySchema = Type.Object({
  id: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  unit: unitRef,
  catalogId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  status: Type.Enum(['not_started', 'draft', 'submitted']),
  version: Type.Integer(),
  submittedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the unit last wrote its self-assessment (a save of scores or explanations, submitting or withdrawing; files are not counted); null before its first save' }),
  points: Type.Number(),
  applicableMaximum: Type.Union([Type.Number(), Type.Null()], { description: 'Null when the round has no catalog for the unit\'s type' }),
  answered: Type.Integer(),
  leaves: Type.Integer(),
  extensionUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deadline: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The unit\'s own deadline: the later of the round\'s and its extension' }),
  overdue: Type.Boolean({ description: 'Past its deadline by the database clock, in an open round, and not submitted' })
}, { $id: 'SelfAssessmentSummary' })

export const UnitRoundSchema = Type.Object({
  round: Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), title: Type.String(), year: Type.Integer(), status: ref(RoundStatusSchema) }),
  deadline: Type.Intersect([ref(SelfAssessmentDeadlineSchema), Type.Object({ extensionReason: Type.Union([Type.String(), Type.Null()]) })]),
  selfAssessment: Type.Union([Type.Object({
    status: Type.Enum(['not_started', 'draft', 'submitted']),
    submittedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    version: Type.Integer({ description: 'The ETag of the self-assessment' }),
    points: Type.Number(),
    applicableMaximum: Type.Number(),
    percentDisplay: percentDisplay(),
    answered: Type.Integer({ description: 'Leaves with an answer' }),
    leaves: Type.Integer({ description: 'Leaves in the catalog' }),
    unanswered: Type.Integer(),
    evidenceMissing: Type.Integer({ description: 'Required-evidence leaves with neither a file nor an explanation' })
  }), Type.Null()], { description: 'Null while the round has no catalog for the unit\'s type' }),
  supplementRequests: Type.Object({
    open: Type.Integer({ description: 'Waiting for the unit\'s answer, due date not passed' }),
    answered: Type.Integer({ description: 'Answered, waiting for the appraiser\'s review' }),
    nextDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'The earliest due date of the open requests (+07:00); null when none is open' })
  }),
  resultsPublished: Type.Boolean({ description: 'A result version is published for the unit\'s type (read it through /public/rounds/…)' })
}, { $id: 'UnitRound' })

export const UnitRoundsSchema = Type.Object({
  unit: Type.Object({ id: Type.String({ format: 'uuid' }), code: Type.String(), name: Type.String(), unitType: Type.String() }),
  now: Type.String({ format: 'date-time', description: 'The database clock, for countdowns' }),
  items: Type.Array(ref(UnitRoundSchema), { description: 'Newest year first' })
}, { $id: 'UnitRounds' })

export const RoundUnitParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  unitId: Type.String({ format: 'uuid' })
})

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The version from the ETag of the last read, e.g. "3"; required (428 without it)' }))
})

/** If-Match of a round's edit, optional: an edit that names a version is refused when the round has moved on (412). */
export const RoundIfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The version from the ETag of the last read, e.g. "3": with it, the edit is refused (412) if someone changed the round since; without it, the edit applies to the round as it is' }))
})

registerShared(RoundStatusSchema, CreateRoundSchema, UpdateRoundSchema, RoundCatalogSchema, RoundParticipantSchema, RoundSchema,
  RoundSummarySchema, RoundPageSchema, SetRoundCatalogsSchema, SetParticipantsSchema, AddParticipantsSchema, RoundMoveChecksSchema, RoundTransitionSchema,
  UnitExtensionSchema, LeafInputSchema, SelfAssessmentEntrySchema, SaveSelfAssessmentSchema, EntryProblemSchema, FieldTotalSchema,
  SelfAssessmentTotalsSchema, SelfAssessmentSectionSchema, SelfAssessmentLeafSchema, SelfAssessmentChangeSchema, SelfAssessmentDeadlineSchema, SelfAssessmentSchema, SavedSelfAssessmentSchema, SelfAssessmentSummarySchema, UnitRoundSchema, UnitRoundsSchema)
