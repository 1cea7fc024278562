// Appraisal (thẩm định) of a round: appraisers' assignments to fields, appraised scores per leaf scored by the domain
// with optimistic concurrency by version, and finalization of a unit. The parts live in services/appraisal/.
export { type UnitRef, type UserRef, type AppraisalContext, loadAppraisalContext, catalogOf, type FieldScope, inScope, appraiserOf, fieldScope, requestVisibleTo, assertRoundExists, assertAppraisalWritable, assertLeafInScope, assertSelfAssessmentShown } from './appraisal/context.js'
export { expireDueRequests } from './supplement-expiry.js'
export { type Assignment, type AssignmentInput, listAssignments, setAssignments } from './appraisal/assignments.js'
export { type EvidenceFileRef, type AppraisalLeaf, type AppraisalPoints, type AppraisalField, type AppraisalState, selfEntries, getAppraisal, visibleLeaf, getAppraisalLeaf } from './appraisal/read.js'
export { type AppraisalProblemCode, type AppraisalProblem, type AppraisalEntryInput, saveAppraisal, acceptSelfScores, scoreUnanswered } from './appraisal/write.js'
export { finalizeAppraisal, finalizeAppraisals, reopenAppraisal } from './appraisal/finalize.js'
export { exportAppraisal } from './appraisal/export.js'
