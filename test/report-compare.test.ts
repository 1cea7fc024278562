// The report against the previous year: a 2019 round loaded from a report's CSV (two departments changed), then the
// demo 2020 round published (compared with 2019 by the results service): the report states the changes.
import t from 'tap'
import { loadDemoRound2020 } from '../server/services/demo-round.js'
import { buildTestApp } from './helpers/app.js'
import { loginAs } from './helpers/auth.js'
import { readDocx } from './helpers/docx.js'
import { FIELD_CODES, reportRows } from './helpers/results.js'
import { historicalRound, loadReferenceData } from './helpers/rounds.js'

/** The 2020 field points as a 2019 report's CSV, with field 1 changed for two departments. */
function csv2019 (changes: Record<string, string>): string {
  const columns = ['unit_code', 'name_in_report', ...FIELD_CODES.flatMap((code) => [`f${code}_self`, `f${code}_appraised`])]
  const lines = reportRows.map((row) => columns.map((column) => column === 'f1_appraised' && (row.unit_code as string) in changes ? changes[row.unit_code as string] : row[column])
    .map((cell) => /[",]/.test(String(cell)) ? `"${String(cell).replace(/"/g, '""')}"` : String(cell)).join(','))
  return [columns.join(','), ...lines].join('\n')
}

t.test('the report of 2020 compared with 2019', async (t) => {
  const app = await buildTestApp(t)
  const admin = await loginAs(app, 'admin')
  const data = await loadReferenceData(app, admin)
  const round2019 = await historicalRound(app, admin, { code: '2019', year: 2019, catalogId: data.catalogs.department })
  // 2019: Sở Thông tin và Truyền thông had 12,00 in field 1 (87,25 in all: Tốt, 7th), Thanh tra tỉnh 15,75 (67,75).
  const imported = await app.inject({
    method: 'POST', url: `/rounds/${round2019}/historical-results?unitType=department`, headers: admin.headers, payload: { csv: csv2019({ 'SO-TTTT': '12.00', 'THANH-TRA': '15.75' }) }
  })
  t.equal(imported.statusCode, 200, imported.body)
  await loadDemoRound2020(app.db)
  const round2020 = (await app.inject({ method: 'GET', url: '/public/rounds' })).json().items.find((round: { year: number }) => round.year === 2020).id

  const response = await app.inject({ method: 'GET', url: `/rounds/${round2020}/report`, headers: admin.headers })
  t.equal(response.statusCode, 200, response.statusCode === 200 ? '' : response.body)
  const docx = await readDocx(response.rawPayload)
  const text = docx.paragraphs.join('\n')

  t.match(text, 'Điểm thẩm định trung bình của các sở, ban, ngành cấp tỉnh là 85,03 điểm, giảm 0,21 điểm so với năm 2019.',
    'the average fell from 85,2375 to 85,025')
  t.match(text, 'So với năm 2019, trong 20 đơn vị có kết quả cả hai năm: 01 đơn vị tăng hạng, 19 đơn vị giảm hạng, không có đơn vị giữ nguyên thứ hạng.')
  t.match(text, 'Tăng nhiều bậc nhất: Sở Thông tin và Truyền thông (từ hạng 7 lên hạng 1); giảm nhiều bậc nhất: 19 đơn vị, cùng giảm 1 bậc.')
  t.match(text, 'Các đơn vị thay đổi xếp loại so với năm 2019: Sở Thông tin và Truyền thông (từ Tốt lên Xuất sắc).')
  const leadership = docx.paragraphs.find((paragraph) => paragraph.startsWith('Biểu đồ 3 cho thấy'))
  t.match(leadership, 'bằng 75,26% số điểm tối đa, giảm 1,12 điểm phần trăm so với năm 2019 (76,38%).', 'field 1: 286/380 against 290,25/380')
  const legal = docx.paragraphs.find((paragraph) => paragraph.startsWith('Biểu đồ 4 cho thấy'))
  t.match(legal, 'bằng 87,00% số điểm tối đa, không thay đổi so với năm 2019 (87,00%).')
})
