// A unit's self-assessment (tự đánh giá) in a round: per-leaf answers scored by the domain, totals summed by the
// database, optimistic concurrency by version, submission and withdrawal, all within the round's status and deadline.
// The parts live in services/self-assessment/.
export { type EntryInput, type EntryProblemCode, type EntryProblem, type FieldTotal, type SelfAssessmentTotals, type SelfAssessmentSection, type SelfAssessmentLeaf, type SelfAssessmentChange, type SelfAssessment, type SavedSelfAssessment } from './self-assessment/context.js'
export { getSelfAssessment, type SelfAssessmentSummary, listSelfAssessments, leafHasEvidenceFile } from './self-assessment/read.js'
export { saveSelfAssessment, submitSelfAssessment, withdrawSelfAssessment } from './self-assessment/write.js'
export { type EditableLeaves, lockEditableLeaves } from './self-assessment/editable.js'
export { exportSelfAssessment } from './self-assessment/export.js'
