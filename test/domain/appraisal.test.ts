import t from 'tap'
import { differsFromSelf, finalizationProblems, isPending, leafValueOf, lockedLeaves, reasonMissing, reasonRequiredMessage, sameLeafValue } from '../../server/domain/appraisal.js'
import type { Milli } from '../../server/domain/decimal.js'

const points = (milli: number) => ({ points: milli, notApplicable: false })
const notApplicable = { points: null, notApplicable: true }

t.test('an appraised score differs from the self score in points or in applicability', async (t) => {
  t.equal(differsFromSelf(points(750), points(750)), false)
  t.equal(differsFromSelf(points(500), points(750)), true, 'higher than the self score is a difference too')
  t.equal(differsFromSelf(points(500), points(250)), true)
  t.equal(differsFromSelf(notApplicable, notApplicable), false)
  t.equal(differsFromSelf(points(0), notApplicable), true, 'zero is not "not applicable"')
  t.equal(differsFromSelf(notApplicable, points(0)), true)
  t.equal(differsFromSelf(null, points(0)), true, 'an unanswered leaf has no self score to agree with')
})

t.test('a differing appraised score needs a written reason; a blank one is none', async (t) => {
  t.equal(reasonMissing(points(500), points(750), null), true)
  t.equal(reasonMissing(points(500), points(750), '   '), true)
  t.equal(reasonMissing(points(500), points(750), 'Có minh chứng bổ sung'), false)
  t.equal(reasonMissing(points(750), points(750), null), false)
  t.match(reasonRequiredMessage('1.1.2', points(500), points(750)), /1\.1\.2 \(0\.75\) differs from the self score \(0\.5\)/)
  t.match(reasonRequiredMessage('4.3.2', null, notApplicable), /\(not applicable\) differs from the self score \(no self score\)/)
})

t.test('outside the window only the leaves of open requests are writable', async (t) => {
  const reopened = new Set(['1.1.2', '1.3.1'])
  t.same(lockedLeaves(['1.1.2'], reopened), [])
  t.same(lockedLeaves(['1.1.2', '1.3.1'], reopened), [])
  t.same(lockedLeaves(['1.1.1', '1.1.2', '1.1.1', '2.1.1'], reopened), ['1.1.1', '2.1.1'], 'each locked leaf once, in request order')
  t.same(lockedLeaves(['1.1.2'], new Set()), ['1.1.2'])
})

t.test('finalization lists every missing leaf, reason and pending request at once', async (t) => {
  t.equal(isPending('open'), true)
  t.equal(isPending('answered'), true)
  t.equal(isPending('closed'), false)
  t.equal(isPending('expired'), false)
  const problems = finalizationProblems([
    { code: '1.1.1', fieldCode: '1', self: points(1000), appraised: { ...points(1000), reason: null } },
    { code: '1.1.2', fieldCode: '1', self: points(1000), appraised: { ...points(500), reason: null } },
    { code: '1.1.3', fieldCode: '1', self: points(1000), appraised: null },
    { code: '2.1.1', fieldCode: '2', self: null, appraised: { ...points(0), reason: 'Không có báo cáo' } }
  ], [
    { id: 'r1', status: 'open', leafCodes: ['1.1.2'] },
    { id: 'r2', status: 'answered', leafCodes: ['1.3.1', '1.3.2'] },
    { id: 'r3', status: 'closed', leafCodes: ['1.1.1'] },
    { id: 'r4', status: 'expired', leafCodes: ['1.1.1'] }
  ])
  t.same(problems.map((p) => [p.code, p.leafCode ?? p.requestId]), [
    ['reason_missing', '1.1.2'],
    ['unappraised', '1.1.3'],
    ['request_open', 'r1'],
    ['request_answered', 'r2']
  ])
  t.same(finalizationProblems([{ code: '1.1.1', fieldCode: '1', self: notApplicable, appraised: { ...notApplicable, reason: null } }], []), [])
})

t.test('a leaf\'s value and whether two values are the same score (a unit\'s change that withdraws an acceptance)', async (t) => {
  const points = (value: number) => value as Milli
  t.equal(leafValueOf(undefined), null, 'nothing saved')
  t.equal(leafValueOf({ input: null, points: null, notApplicable: false }), null, 'an explanation alone holds no score')
  t.same(leafValueOf({ input: { value: 0.5 }, points: points(500), notApplicable: false }), { points: 500, notApplicable: false })
  t.ok(sameLeafValue(null, null))
  t.notOk(sameLeafValue(null, { points: points(0), notApplicable: false }), 'a score of 0 is a score')
  t.ok(sameLeafValue({ points: points(500), notApplicable: false }, { points: points(500), notApplicable: false }))
  t.notOk(sameLeafValue({ points: points(500), notApplicable: false }, { points: points(750), notApplicable: false }))
  t.notOk(sameLeafValue({ points: null, notApplicable: true }, { points: points(0), notApplicable: false }), 'not applicable is not 0 points')
  t.ok(sameLeafValue({ points: null, notApplicable: true }, { points: null, notApplicable: true }))
})
