import { computeResults, type FieldSums } from './.dev-results.js'
import { vietnameseSortKey } from '../server/domain/text.js'
const fields = Array.from({ length: 7 }, (_, f) => ({ code: String(f + 1), title: 'F', maxPoints: f < 2 ? 15_000 : 14_000, leaves: 14 }))
const units = Array.from({ length: 10000 }, (_, i) => {
  const name = `${['Sở', 'Ban', 'Huyện', 'Xã', 'Phường'][i % 5]} Đơn vị ${['An', 'Ân', 'Bình', 'Đông', 'Hòa', 'Hóa'][i % 6]} ${i + 1}`
  const m = new Map<string, FieldSums>()
  for (const f of fields) m.set(f.code, { selfPoints: Math.floor(Math.random() * 40) * 250, selfNotApplicable: Math.random() < 0.1 ? 1000 : 0, appraisedPoints: Math.floor(Math.random() * 40) * 250, appraisedNotApplicable: Math.random() < 0.1 ? 1000 : 0, selfAnswered: 14, appraised: 14 })
  return { id: `id-${i}`, code: `C${i}`, name, sortKey: vietnameseSortKey(name), fields: m }
})
const bands = [{ code: 'A', label: 'Xuất sắc', min: 90 }, { code: 'B', label: 'Tốt', min: 80 }, { code: 'C', label: 'Khá', min: 70 }, { code: 'D', label: 'Trung bình', min: 50 }, { code: 'E', label: 'Yếu', min: 0 }]
for (let k = 0; k < 4; k++) {
  const t = performance.now()
  const r = computeResults({ fields, units, bands, ranking: 'dense' })
  const t2 = performance.now()
  const s = JSON.stringify(r)
  console.log('compute', (t2 - t).toFixed(0), 'stringify', (performance.now() - t2).toFixed(0), s.length)
}
