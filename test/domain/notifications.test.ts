import t from 'tap'
import { notificationText } from '../../server/domain/notifications.js'

const round = { title: 'Kỳ đánh giá Chỉ số CCHC năm 2026 (dữ liệu minh họa)' }
const unit = { name: 'Sở Tư pháp' }

t.test('a supplement request names its leaves before the round, so no two brackets meet', async (t) => {
  const text = notificationText('supplement_requested', { round, unit, leafCodes: ['1.1.2', '1.3.1'], reason: 'Thiếu kế hoạch', deadline: '2026-12-15T10:00:00Z' })
  t.equal(text.title, 'Yêu cầu bổ sung tài liệu (tiêu chí 1.1.2, 1.3.1)')
  t.equal(text.body, 'Tổ thẩm định yêu cầu Sở Tư pháp bổ sung tài liệu kiểm chứng cho tiêu chí 1.1.2, 1.3.1 trong Kỳ đánh giá Chỉ số CCHC năm 2026 (dữ liệu minh họa). ' +
    'Lý do: Thiếu kế hoạch. Hạn: 17:00 ngày 15/12/2026 (giờ Việt Nam).')
  t.notMatch(text.body, /\) \(/)
})
