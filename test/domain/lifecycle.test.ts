import t from 'tap'
import { allowedMoves, checkTransition, roundStatuses, transitionConditions, selfAssessmentOverdue, completenessProblems, deadlineProblems, effectiveDeadline, formatVietnamTime, openingProblems } from '../../server/domain/lifecycle.js'

const at = (iso: string) => new Date(iso)

t.test('a round moves one step forward, or one step back with a reason', async (t) => {
  t.same(checkTransition('draft', 'self_assessment'), { ok: true, direction: 'forward' })
  t.same(checkTransition('finalized', 'published'), { ok: true, direction: 'forward' })
  t.match(checkTransition('draft', 'appraisal'), { ok: false, code: 'skips_a_step', message: /from draft it can go forward to self_assessment, not to appraisal/ })
  t.match(checkTransition('published', 'appraisal', 'x'), { ok: false, code: 'skips_a_step' })
  t.match(checkTransition('appraisal', 'appraisal'), { ok: false, code: 'same_status' })
  t.match(checkTransition('appraisal', 'self_assessment'), { ok: false, code: 'reason_required' })
  t.match(checkTransition('appraisal', 'self_assessment', '   '), { ok: false, code: 'reason_required' }, 'a blank reason is no reason')
  t.same(checkTransition('published', 'finalized', 'Sửa sai sót'), { ok: true, direction: 'back' })
})

t.test('deadlines: self-assessment first, supplement replies after it, appraisal last', async (t) => {
  const ok = { selfAssessmentClosesAt: at('2021-01-15T10:00:00Z'), supplementClosesAt: at('2021-02-10T10:00:00Z'), appraisalClosesAt: at('2021-02-20T10:00:00Z') }
  t.same(deadlineProblems(ok, true), [])
  t.same(deadlineProblems({ ...ok, supplementClosesAt: ok.appraisalClosesAt }, true), [], 'supplement replies may close together with appraisal')
  t.match(deadlineProblems({ ...ok, appraisalClosesAt: at('2021-01-01T00:00:00Z') }, true).map((p) => [p.code, p.deadline]), [
    ['deadlines_out_of_order', 'appraisalClosesAt'],
    ['deadlines_out_of_order', 'appraisalClosesAt']
  ])
  t.match(deadlineProblems({ ...ok, supplementClosesAt: ok.selfAssessmentClosesAt }, true), [{ code: 'deadlines_out_of_order', deadline: 'supplementClosesAt', message: /2021-01-15T17:00:00\+07:00/ }])
  const unset = { selfAssessmentClosesAt: null, supplementClosesAt: null, appraisalClosesAt: at('2021-02-20T10:00:00Z') }
  t.same(deadlineProblems(unset, false), [], 'a draft may leave deadlines unset')
  t.same(deadlineProblems(unset, true).map((p) => p.deadline), ['selfAssessmentClosesAt', 'supplementClosesAt'])
})

t.test('opening lists every missing thing at once', async (t) => {
  const problems = openingProblems({
    deadlines: { selfAssessmentClosesAt: null, supplementClosesAt: null, appraisalClosesAt: null },
    now: at('2026-10-01T00:00:00Z'),
    participants: [
      { unitId: 'u1', code: 'SO-TP', unitType: 'department', active: true },
      { unitId: 'u2', code: 'H-DONG-SON', unitType: 'district', active: false }
    ],
    catalogs: [{ unitType: 'department', catalogId: 'c1', code: 'TH-2020-SO', status: 'draft' }]
  })
  t.same(problems.map((p) => p.code), ['deadline_missing', 'deadline_missing', 'deadline_missing', 'unit_inactive', 'no_catalog_for_unit_type', 'catalog_not_published'])
  t.match(problems.find((p) => p.code === 'no_catalog_for_unit_type'), { unitType: 'district', message: /H-DONG-SON/ })
  t.match(problems.find((p) => p.code === 'unit_inactive'), { unitId: 'u2', unitCode: 'H-DONG-SON' })
  t.match(openingProblems({ deadlines: { selfAssessmentClosesAt: null, supplementClosesAt: null, appraisalClosesAt: null }, now: at('2026-10-01T00:00:00Z'), participants: [], catalogs: [] }), [{}, {}, {}, { code: 'no_participants' }])
})

t.test('a round cannot open once its self-assessment deadline has come: no unit could save anything', async (t) => {
  const ready = (selfAssessmentClosesAt: string, now: string) => openingProblems({
    deadlines: { selfAssessmentClosesAt: at(selfAssessmentClosesAt), supplementClosesAt: at('2027-02-01T10:00:00Z'), appraisalClosesAt: at('2027-02-15T10:00:00Z') },
    now: at(now),
    participants: [{ unitId: 'u1', code: 'SO-TP', unitType: 'department', active: true }],
    catalogs: [{ unitType: 'department', catalogId: 'c1', code: 'TH-2020-SO', status: 'published' }]
  })
  t.same(ready('2027-01-15T10:00:00Z', '2027-01-15T09:59:59.999Z'), [], 'a millisecond before it: ready')
  const passed = ready('2027-01-15T10:00:00Z', '2027-01-15T10:00:00Z')
  t.match(passed, [{ code: 'deadline_passed', deadline: 'selfAssessmentClosesAt' }], 'at the deadline itself: closed, as a save then is')
  t.match(passed[0]?.message.en, /2027-01-15T17:00:00\+07:00.*already passed/, 'the deadline shown in Vietnam time')
  t.match(passed[0]?.message.vi, /Hạn tự đánh giá \(15\/01\/2027 17:00\) đã qua/)
  t.same(ready('2020-01-15T10:00:00Z', '2027-01-15T10:00:00Z').map((p) => p.code), ['deadline_passed'], 'years ago')
})

t.test('the effective deadline is the later of the round\'s and the extension; times are shown in Vietnam time', async (t) => {
  const deadline = at('2021-01-15T10:00:00Z')
  t.equal(effectiveDeadline(deadline, null), deadline)
  t.equal(effectiveDeadline(deadline, at('2021-01-20T10:00:00Z'))?.toISOString(), '2021-01-20T10:00:00.000Z')
  t.equal(effectiveDeadline(deadline, at('2021-01-10T10:00:00Z')), deadline, 'an earlier extension never shortens the deadline')
  t.equal(effectiveDeadline(null, null), null)
  t.equal(formatVietnamTime(at('2021-01-15T10:00:00Z')), '2021-01-15T17:00:00+07:00')
  t.equal(formatVietnamTime(at('2020-12-31T20:30:00.250Z')), '2021-01-01T03:30:00.250+07:00', 'across midnight and the new year, milliseconds kept')
  t.equal(Date.parse(formatVietnamTime(at('2021-06-01T00:00:00Z'))), Date.parse('2021-06-01T00:00:00Z'), 'the same instant')
})

t.test('a self-assessment is complete when every leaf is answered and every required-evidence leaf has a file or an explanation', async (t) => {
  const leaf = (code: string, evidence: 'required' | 'optional' | 'none', answered: boolean, hasExplanation = false, hasEvidenceFile = false) =>
    ({ code, evidence, answered, hasExplanation, hasEvidenceFile })
  t.same(completenessProblems([
    leaf('1.1', 'required', true, true),
    leaf('1.2', 'required', true, false, true),
    leaf('1.3', 'optional', true),
    leaf('1.4', 'none', true)
  ]), [])
  t.same(completenessProblems([
    leaf('1.1', 'required', false),
    leaf('1.2', 'optional', false),
    leaf('1.3', 'required', true)
  ]).map((p) => [p.leafCode, p.code]), [['1.1', 'unanswered'], ['1.1', 'evidence_missing'], ['1.2', 'unanswered'], ['1.3', 'evidence_missing']])
})

t.test('each move names the conditions it needs beyond the step itself', async (t) => {
  t.same(transitionConditions('draft', 'self_assessment'), ['ready_to_open'])
  t.same(transitionConditions('self_assessment', 'draft'), ['nothing_started'])
  t.same(transitionConditions('self_assessment', 'appraisal'), ['self_assessment_over'])
  t.same(transitionConditions('appraisal', 'self_assessment'), [])
  t.same(transitionConditions('appraisal', 'finalized'), ['appraisals_finalized'])
  t.same(transitionConditions('published', 'finalized'), [], 'going back for a correction needs only a reason')
  t.same(transitionConditions('finalized', 'published'), ['results_published'])
})

t.test('a unit is late when the round is open, it has not submitted and its own deadline has passed', async (t) => {
  const deadline = new Date('2021-01-15T10:00:00Z')
  const after = new Date('2021-01-15T10:00:00Z')
  const before = new Date('2021-01-15T09:59:59Z')
  t.equal(selfAssessmentOverdue({ roundStatus: 'self_assessment', submitted: false, deadline, now: after }), true, 'at the deadline it is closed')
  t.equal(selfAssessmentOverdue({ roundStatus: 'self_assessment', submitted: false, deadline, now: before }), false)
  t.equal(selfAssessmentOverdue({ roundStatus: 'appraisal', submitted: true, deadline, now: after }), false, 'submitted is never late')
  t.equal(selfAssessmentOverdue({ roundStatus: 'draft', submitted: false, deadline, now: after }), false, 'a draft round asks nothing yet')
  t.equal(selfAssessmentOverdue({ roundStatus: 'self_assessment', submitted: false, deadline: null, now: after }), false, 'no deadline, nothing late')
})

t.test('the moves a round lists are exactly the ones the step rule lets through', async (t) => {
  for (const from of roundStatuses) {
    const moves = allowedMoves(from)
    for (const to of roundStatuses) {
      const move = moves.find((candidate) => candidate.to === to)
      t.equal(move !== undefined, checkTransition(from, to, 'lý do').ok, `${from} → ${to}`)
      if (move) t.equal(move.reasonRequired, !checkTransition(from, to).ok, `${from} → ${to} needs a reason exactly when the rule asks for one`)
    }
  }
  t.same(allowedMoves('draft'), [{ to: 'self_assessment', direction: 'forward', reasonRequired: false }])
  t.same(allowedMoves('published'), [{ to: 'finalized', direction: 'back', reasonRequired: true }])
})
