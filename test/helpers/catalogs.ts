// Shared pieces of the catalog API tests: a small valid catalog using every scoring method, and problem checks.
import type { Test } from 'tap'
import type { CatalogDocument } from '../../server/domain/catalog.js'
import { errorCodes } from '../../server/errors.js'

export type Headers = Record<string, string>
export interface Reply { statusCode: number, headers: Record<string, unknown>, json: () => any, body: string }

export const bands = [
  { code: 'XUAT_SAC', label: 'Xuất sắc', min: 90 },
  { code: 'TOT', label: 'Tốt', min: 80 },
  { code: 'KHA', label: 'Khá', min: 70 },
  { code: 'TRUNG_BINH', label: 'Trung bình', min: 50 },
  { code: 'YEU', label: 'Yếu', min: 0 }
]

/** A small valid catalog using every scoring method, a criterion that is a leaf and a field that is a leaf. */
export function smallCatalog (code = 'TEST-2021'): CatalogDocument {
  return {
    format: 'par-catalog/1',
    code,
    title: 'Bộ tiêu chí thử nghiệm năm 2021',
    year: 2021,
    unitType: 'department',
    legalBasis: 'Quyết định thử nghiệm',
    classification: bands,
    ranking: 'dense',
    nodes: [
      {
        code: '1',
        kind: 'field',
        title: 'Lĩnh vực 1',
        maxPoints: 60,
        children: [
          { code: '1.1', kind: 'criterion', title: 'Tiêu chí chấm theo thang', maxPoints: 30, scoring: { method: 'range', step: 0.5 }, evidence: 'required', guidance: 'Đính kèm tài liệu.' },
          {
            code: '1.2',
            kind: 'criterion',
            title: 'Tiêu chí có tiêu chí thành phần',
            maxPoints: 30,
            children: [
              {
                code: '1.2.1',
                kind: 'subcriterion',
                title: 'Chấm theo lựa chọn',
                maxPoints: 10,
                scoring: {
                  method: 'options',
                  options: [
                    { code: 'a', label: 'Ban hành kịp thời', points: 10 },
                    { code: 'b', label: 'Ban hành không kịp thời', points: 5 },
                    { code: 'c', label: 'Không ban hành', points: 0 },
                    { code: 'na', label: 'Không áp dụng', notApplicable: true }
                  ]
                },
                evidence: 'optional'
              },
              {
                code: '1.2.2',
                kind: 'subcriterion',
                title: 'Chấm theo ngưỡng',
                maxPoints: 20,
                scoring: { method: 'bands', input: { label: 'Tỷ lệ hồ sơ đúng hạn', unit: '%', min: 0, max: 100 }, bands: [{ min: 95, points: 20 }, { min: 80, points: 10 }, { min: 0, points: 0 }] },
                evidence: 'none'
              }
            ]
          }
        ]
      },
      { code: '2', kind: 'field', title: 'Lĩnh vực 2', maxPoints: 40, scoring: { method: 'range', step: 0.25 } }
    ]
  }
}

/** The codes the contract lists per status (its `Problem404`… schemas), from the one table of errors. */
const codesByStatus = new Map<number, Set<string>>()
for (const { code, status } of errorCodes()) codesByStatus.set(status, new Set([...codesByStatus.get(status) ?? [], code]))

/** Checks the status and problem code of an error answer (one the contract lists for that status) and returns its body. */
export function assertProblem (t: Test, response: Reply, status: number, code: string) {
  t.equal(response.statusCode, status, `status ${status}: ${response.body.slice(0, 300)}`)
  t.match(String(response.headers['content-type']), /^application\/problem\+json/)
  const body = response.json()
  t.equal(body.code, code)
  t.ok(codesByStatus.get(status)?.has(body.code), `${String(body.code)} is among the codes the contract lists for status ${status}`)
  t.type(body.detail, 'string')
  return body
}
