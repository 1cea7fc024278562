// The appraisal form asks for a reason before sending exactly when the server would refuse for lack of one: both
// compare scores (DOMAIN.md §2.4), not the typed answers, so another measurement in the same band or another option
// worth as much needs none. Checked against the domain's own scoreLeaf and differsFromSelf on each method.
import t from 'tap'
import { reasonNeeded, sameScore } from '../admin/src/scoreCompare.js'
import { differsFromSelf, type LeafValue } from '../server/domain/appraisal.js'
import type { CatalogNode, ScoringMethod } from '../server/domain/catalog.js'
import { scoreLeaf } from '../server/domain/scoring.js'

const leaves: CatalogNode[] = [
  { code: '1.1', kind: 'criterion', title: 'Khoảng điểm', maxPoints: 1, scoring: { method: 'range', step: 0.25 } },
  {
    code: '1.2',
    kind: 'criterion',
    title: 'Lựa chọn',
    maxPoints: 1,
    scoring: {
      method: 'options',
      options: [{ code: 'a', label: 'Kịp thời', points: 1 }, { code: 'b', label: 'Đủ nội dung', points: 1 }, { code: 'c', label: 'Chậm', points: 0.5 }, { code: 'na', label: 'Không áp dụng', notApplicable: true }]
    }
  },
  {
    code: '1.3',
    kind: 'criterion',
    title: 'Mức số liệu',
    maxPoints: 2,
    scoring: { method: 'bands', input: { label: 'Tỷ lệ hồ sơ đúng hạn', unit: '%', min: 0, max: 100 }, bands: [{ min: 95, points: 2 }, { min: 80, points: 1 }, { min: 0, points: 0 }] }
  }
]

type Input = { value?: number, option?: string, measurement?: number }
const inputs: Record<string, Input[]> = {
  1.1: [{ value: 0 }, { value: 0.25 }, { value: 1 }],
  1.2: [{ option: 'a' }, { option: 'b' }, { option: 'c' }, { option: 'na' }],
  1.3: [{ measurement: 79.5 }, { measurement: 80 }, { measurement: 90 }, { measurement: 95 }, { measurement: 100 }]
}

function valueOf (leaf: CatalogNode, input: Input): LeafValue {
  const score = scoreLeaf(leaf, input)
  if (!score.ok) throw new Error(`${leaf.code} refused ${JSON.stringify(input)}`)
  return score.notApplicable ? { points: null, notApplicable: true } : { points: score.points, notApplicable: false }
}

t.test('the form needs a reason exactly when the server does, for every pair of answers of each method', async (t) => {
  for (const leaf of leaves) {
    const scoring = leaf.scoring as ScoringMethod
    for (const self of inputs[leaf.code] ?? []) {
      for (const appraised of inputs[leaf.code] ?? []) {
        const server = differsFromSelf(valueOf(leaf, self), valueOf(leaf, appraised))
        t.equal(reasonNeeded(scoring, appraised, self, ''), server, `${leaf.code}: unit ${JSON.stringify(self)}, appraised ${JSON.stringify(appraised)}`)
        t.notOk(reasonNeeded(scoring, appraised, self, 'Có lý do'), 'a reason written is enough')
      }
    }
  }
  // The cases the reviewer met: 90 % and 95 % are different bands; 90 % and 80 % the same one.
  const bands = leaves[2]?.scoring as ScoringMethod
  t.ok(sameScore(bands, { measurement: 90 }, { measurement: 80 }), 'the same band: the same score, no reason')
  t.notOk(sameScore(bands, { measurement: 90 }, { measurement: 95 }))
  t.notOk(reasonNeeded(bands, null, { measurement: 90 }, ''), 'nothing typed needs nothing')
  t.ok(reasonNeeded(bands, { measurement: 90 }, null, ''), 'the unit never answered: any score needs a reason')
})
