// Catalog validation reports every broken rule at once, and catalog statistics match the 2020 report.
import t from 'tap'
import {
  type CatalogDocument,
  type CatalogNode,
  type CatalogProblem,
  type ClassificationBand,
  catalogStats,
  leaves,
  validateCatalog
} from '../../server/domain/catalog.js'
import { DEPARTMENT_CATALOG, DISTRICT_CATALOG, loadCatalog } from './fixtures.js'

const validBands: ClassificationBand[] = [
  { code: 'XUAT_SAC', label: 'Xuất sắc', min: 90 },
  { code: 'TOT', label: 'Tốt', min: 80 },
  { code: 'YEU', label: 'Yếu', min: 0 }
]

function catalog (nodes: CatalogNode[], classification: ClassificationBand[] = validBands): CatalogDocument {
  return {
    format: 'par-catalog/1',
    code: 'TEST',
    title: 'Test catalog',
    year: 2020,
    unitType: 'department',
    legalBasis: 'none',
    classification,
    ranking: 'dense',
    nodes
  }
}

function range (code: string, maxPoints: number, step = 0.25): CatalogNode {
  return { code, kind: 'subcriterion', title: code, maxPoints, scoring: { method: 'range', step } }
}

function field (code: string, maxPoints: number, children: CatalogNode[]): CatalogNode {
  return { code, kind: 'field', title: `Field ${code}`, maxPoints, children }
}

// A rule/node pair per problem, sorted, so the comparison ignores the order problems are found in.
function summary (problems: CatalogProblem[]): string[] {
  return problems.map((problem) => `${problem.rule} ${problem.nodeCode ?? '-'}`).sort()
}

function clone<T> (value: T): T {
  return structuredClone(value)
}

function findNode (nodes: CatalogNode[], code: string): CatalogNode {
  const search = (list: CatalogNode[]): CatalogNode | undefined => {
    for (const node of list) {
      if (node.code === code) return node
      const inner = search(node.children ?? [])
      if (inner !== undefined) return inner
    }
    return undefined
  }
  const found = search(nodes)
  if (found === undefined) throw new Error(`no node ${code}`)
  return found
}

t.test('both 2020 fixture catalogs validate with no problems', async (t) => {
  for (const file of [DEPARTMENT_CATALOG, DISTRICT_CATALOG]) {
    t.same(validateCatalog(loadCatalog(file)), [], file)
  }
})

t.test('a small valid catalog has no problems, and leaves without an evidence rule are not flagged', async (t) => {
  const doc = catalog([
    field('1', 60, [range('1.1', 60)]),
    field('2', 40, [
      {
        code: '2.1',
        kind: 'criterion',
        title: 'options',
        maxPoints: 40,
        scoring: { method: 'options', options: [{ code: 'a', label: 'A', points: 40 }, { code: 'b', label: 'B', points: 0 }, { code: 'na', label: 'N/A', notApplicable: true }] }
      }
    ])
  ])
  t.same(validateCatalog(doc), [])
})

t.test('a catalog with many different errors reports every one of them with its node code', async (t) => {
  const doc = catalog([
    field('1', 10, [
      {
        code: '1.1',
        kind: 'criterion',
        title: 'parent that is also scored, whose children add up to 3',
        maxPoints: 4,
        scoring: { method: 'range', step: 0.25 },
        children: [
          range('1.1.1', 2),
          { code: '1.1.2', kind: 'subcriterion', title: 'leaf without scoring', maxPoints: 1 }
        ]
      },
      {
        code: '1.2',
        kind: 'criterion',
        title: 'options with a repeated code and a top option below the maximum',
        maxPoints: 3,
        scoring: { method: 'options', options: [{ code: 'a', label: 'A', points: 2 }, { code: 'b', label: 'B', points: 0.5 }, { code: 'a', label: 'A again', points: 0 }] }
      },
      {
        code: '1.3',
        kind: 'criterion',
        title: 'options without a zero, one both not applicable and scored, one neither',
        maxPoints: 1,
        scoring: {
          method: 'options',
          options: [
            { code: 'x', label: 'X', points: 1 },
            { code: 'y', label: 'Y', points: 0.5 },
            { code: 'z', label: 'Z', notApplicable: true, points: 0 },
            { code: 'w', label: 'W' }
          ]
        }
      },
      {
        code: '1.4',
        kind: 'criterion',
        title: 'an option with 4 decimals',
        maxPoints: 1,
        scoring: { method: 'options', options: [{ code: 'a', label: 'A', points: 1 }, { code: 'b', label: 'B', points: 0.0005 }, { code: 'c', label: 'C', points: 0 }] }
      }
    ]),
    field('2', 50, [
      {
        code: '2.1',
        kind: 'criterion',
        title: 'bands out of order',
        maxPoints: 2,
        scoring: { method: 'bands', input: { label: '%', min: 0, max: 100 }, bands: [{ min: 50, points: 1 }, { min: 80, points: 2 }, { min: 0, points: 0 }] }
      },
      {
        code: '2.2',
        kind: 'criterion',
        title: 'two bands at 80, top band below the maximum, nothing from 0 to 10',
        maxPoints: 2,
        scoring: { method: 'bands', input: { label: '%', min: 0, max: 100 }, bands: [{ min: 80, points: 1.5 }, { min: 80, points: 1 }, { min: 10, points: 0 }] }
      },
      {
        code: '2.3',
        kind: 'criterion',
        title: 'inverted input range and a negative band',
        maxPoints: 1,
        scoring: { method: 'bands', input: { label: '%', min: 100, max: 0 }, bands: [{ min: 50, points: 1 }, { min: 0, points: -0.5 }] }
      },
      {
        code: '2.4',
        kind: 'criterion',
        title: 'a band outside the input and a band above the maximum',
        maxPoints: 1,
        scoring: { method: 'bands', input: { label: 'count', min: 0, max: 10 }, bands: [{ min: 20, points: 1 }, { min: 0, points: 1.5 }] }
      },
      range('2.5', 1, 0.3),
      range('2.6', 1, 0),
      range('2.7', 0.0001),
      range('2.8', -1),
      range('1.1.1', 1),
      range('2.10', 1, 0.0001)
    ])
  ], [
    { code: 'A', label: 'A', min: 90 },
    { code: 'B', label: 'B', min: 95 }
  ])

  const problems = validateCatalog(doc)
  t.same(summary(problems), [
    'bands_input_range 2.2',
    'bands_input_range 2.3',
    'bands_input_range 2.4',
    'bands_overlap 2.2',
    'bands_points_invalid 2.3',
    'bands_points_invalid 2.4',
    'bands_top_mismatch 2.2',
    'bands_unsorted 2.1',
    'classification_invalid -',
    'classification_invalid -',
    'duplicate_code 1.1.1',
    'invalid_points 1.4',
    'invalid_points 2.10',
    'invalid_points 2.7',
    'invalid_points 2.8',
    'leaf_without_scoring 1.1.2',
    'option_points_invalid 1.3',
    'option_points_invalid 1.3',
    'options_duplicate_code 1.2',
    'options_max_mismatch 1.2',
    'options_min_not_zero 1.3',
    'parent_sum_mismatch 1',
    'parent_sum_mismatch 1.1',
    'parent_with_scoring 1.1',
    'step_not_dividing 2.5',
    'step_not_dividing 2.6',
    'total_not_100 -'
  ].sort())
  for (const problem of problems) {
    t.ok(problem.message.en.length > 20, `${problem.rule} has a message`)
    t.ok(problem.message.vi.length > 20 && problem.message.vi !== problem.message.en, `${problem.rule} has a Vietnamese message`)
    if (problem.nodeCode !== null) {
      t.match(problem.message.en, problem.nodeCode, `the message of ${problem.rule} names ${problem.nodeCode}`)
      t.match(problem.message.vi, problem.nodeCode, `the Vietnamese message of ${problem.rule} names ${problem.nodeCode}`)
    }
  }
})

t.test('mismatch messages name both the stated maximum and the actual sum', async (t) => {
  const doc = catalog([field('1', 100, [range('1.1', 60), range('1.2', 30.5)])])
  t.same(validateCatalog(doc).map((problem) => ({ ...problem, message: { ...problem.message } })), [{
    nodeCode: '1',
    rule: 'parent_sum_mismatch',
    message: { en: 'Node 1 has maxPoints 100 but its children add up to 90.5.', vi: 'Nút 1 có điểm tối đa 100 nhưng tổng điểm tối đa các nút con là 90,5.' }
  }])
})

t.test('a changed leaf maximum in a fixture is reported at its parent only, not up the whole tree', async (t) => {
  const doc = clone(loadCatalog(DEPARTMENT_CATALOG))
  findNode(doc.nodes, '1.1.2').maxPoints = 1.25
  t.same(summary(validateCatalog(doc)), ['parent_sum_mismatch 1.1'])
})

t.test('a field whose maximum is changed is reported against its children and against the 100 total', async (t) => {
  const doc = clone(loadCatalog(DISTRICT_CATALOG))
  findNode(doc.nodes, '3').maxPoints = 18
  t.same(summary(validateCatalog(doc)), ['parent_sum_mismatch 3', 'total_not_100 -'])
})

t.test('sums that would drift in floating point are exact', async (t) => {
  // 0.1 + 0.2 !== 0.3 in binary floating point; the catalog must still validate.
  const doc = catalog([
    field('1', 0.3, [range('1.1', 0.1, 0.1), range('1.2', 0.2, 0.1)]),
    field('2', 99.7, [range('2.1', 99.7, 0.1)])
  ])
  t.same(validateCatalog(doc), [])
})

t.test('range steps must be positive and divide the maximum exactly', async (t) => {
  const doc = catalog([field('1', 100, [range('1.1', 1.5, 0.5), range('1.2', 1, 0.75), range('1.3', 1, -0.25), range('1.4', 96.5, 0.25)])])
  t.same(summary(validateCatalog(doc)), ['step_not_dividing 1.2', 'step_not_dividing 1.3'])
})

t.test('an option list with only a not-applicable answer cannot reach the maximum', async (t) => {
  const doc = catalog([field('1', 100, [{
    code: '1.1',
    kind: 'criterion',
    title: 'only n/a',
    maxPoints: 100,
    scoring: { method: 'options', options: [{ code: 'na', label: 'Không áp dụng', notApplicable: true }] }
  }])])
  t.same(summary(validateCatalog(doc)), ['options_max_mismatch 1.1'])
})

t.test('a band list with no bands leaves every measurement unscored', async (t) => {
  const doc = catalog([field('1', 100, [{
    code: '1.1',
    kind: 'criterion',
    title: 'no bands',
    maxPoints: 100,
    scoring: { method: 'bands', input: { label: '%', min: 0, max: 100 }, bands: [] }
  }])])
  t.same(summary(validateCatalog(doc)), ['bands_input_range 1.1'])
})

t.test('classification bands must descend strictly, stay within 0 to 100 and include 0', async (t) => {
  const problemsOf = (bands: ClassificationBand[]): string[] => summary(validateCatalog(catalog([field('1', 100, [range('1.1', 100)])], bands)))
  t.same(problemsOf(validBands), [])
  t.same(problemsOf([{ code: 'A', label: 'A', min: 120 }, { code: 'B', label: 'B', min: 0 }]), ['classification_invalid -'])
  t.same(problemsOf([{ code: 'A', label: 'A', min: 90 }, { code: 'B', label: 'B', min: 90 }, { code: 'C', label: 'C', min: 0 }]), ['classification_invalid -'])
  t.same(problemsOf([{ code: 'A', label: 'A', min: 90 }, { code: 'B', label: 'B', min: 50 }]), ['classification_invalid -'])
  t.same(problemsOf([{ code: 'A', label: 'A', min: 90 }, { code: 'B', label: 'B', min: -10 }, { code: 'C', label: 'C', min: 0 }]), ['classification_invalid -', 'classification_invalid -'])
  t.same(problemsOf([]), ['classification_invalid -'])
})

t.test('the department catalog has 7 fields with 36 criteria and 66 sub-criteria, with the report\'s field maxima', async (t) => {
  const stats = catalogStats(loadCatalog(DEPARTMENT_CATALOG))
  t.equal(stats.length, 7)
  t.same(stats.map((entry) => entry.code), ['1', '2', '3', '4', '5', '6', '7'])
  t.same(stats.map((entry) => entry.maxPoints), [19, 10, 20.5, 10, 15, 10, 15.5])
  t.equal(stats.reduce((sum, entry) => sum + entry.criteria, 0), 36)
  t.equal(stats.reduce((sum, entry) => sum + entry.subcriteria, 0), 66)
  t.equal(stats[0]?.title, 'Công tác chỉ đạo, điều hành CCHC')
})

t.test('the district catalog has 7 fields with 34 criteria and 88 sub-criteria, with the report\'s field maxima', async (t) => {
  const stats = catalogStats(loadCatalog(DISTRICT_CATALOG))
  t.equal(stats.length, 7)
  t.same(stats.map((entry) => entry.maxPoints), [17.5, 12, 17.5, 12, 16, 11.5, 13.5])
  t.equal(stats.reduce((sum, entry) => sum + entry.criteria, 0), 34)
  t.equal(stats.reduce((sum, entry) => sum + entry.subcriteria, 0), 88)
})

t.test('leaves lists every childless node once, in document order, with its field code', async (t) => {
  for (const file of [DEPARTMENT_CATALOG, DISTRICT_CATALOG]) {
    const doc = loadCatalog(file)
    // An independent walk: every node whose children list is missing or empty, with its top-level ancestor.
    const expected: string[] = []
    const walk = (node: CatalogNode, fieldCode: string): void => {
      if ((node.children ?? []).length === 0) expected.push(`${fieldCode}:${node.code}`)
      for (const child of node.children ?? []) walk(child, fieldCode)
    }
    for (const top of doc.nodes) walk(top, top.code)
    const actual = leaves(doc)
    t.same(actual.map((leaf) => `${leaf.fieldCode}:${leaf.node.code}`), expected, file)
    t.ok(actual.every((leaf) => leaf.node.code.startsWith(`${leaf.fieldCode}.`)), `${file}: each leaf code starts with its field code`)
    t.same(catalogStats(doc).map((entry) => entry.leaves), doc.nodes.map((top) => expected.filter((entry) => entry.startsWith(`${top.code}:`)).length))
  }
})

t.test('leaf order follows the document, e.g. criterion 1.5 comes after sub-criterion 1.4.2', async (t) => {
  const codes = leaves(loadCatalog(DEPARTMENT_CATALOG)).map((leaf) => leaf.node.code)
  t.same(codes.slice(0, 12), ['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.2.1', '1.2.2', '1.3.1', '1.3.2', '1.3.3', '1.4.1', '1.4.2', '1.5'])
})

t.test('a field with no criteria yet is said as a field that lacks criteria or a scoring method, not as a criterion', async (t) => {
  const doc = structuredClone(loadCatalog(DEPARTMENT_CATALOG))
  const field = doc.nodes[0]
  if (!field) throw new Error('the fixture has no field')
  delete field.children
  const problem = validateCatalog(doc).find((item) => item.rule === 'leaf_without_scoring')
  t.equal(problem?.nodeCode, '1')
  t.match(problem?.message.vi, /^Lĩnh vực 1 chưa có tiêu chí nào, nên phải có cách chấm điểm/)
})
