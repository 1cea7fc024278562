// The web app's formats that carry a promise: an amount of points still needed (2 decimals, rounded up), and the bands' ranges in words.
import t from 'tap'
import { bandRanges, formatPoints, formatPointsNeeded } from '../admin/src/format.js'

t.test('points still needed: at most 2 decimals, rounded up so that adding the amount shown always suffices', async (t) => {
  t.equal(formatPointsNeeded(1.879), '1,88')
  t.equal(formatPointsNeeded(1.871), '1,88', 'rounded up, not half up: 1,87 would fall short')
  t.equal(formatPointsNeeded(1.5), '1,5')
  t.equal(formatPointsNeeded(2), '2')
  t.equal(formatPointsNeeded(0.001), '0,01')
  t.equal(formatPointsNeeded(0.29), '0,29', 'a float just below a hundredth is read as its thousandths first')
  t.equal(formatPointsNeeded(null), '—')
  t.equal(formatPoints(1.879), '1,879', 'a score itself keeps its thousandths')
})

t.test('classification bands in words: the top one from its minimum up, the lowest below the next, the rest between', async (t) => {
  const bands = [{ code: 'tot', min: 80 }, { code: 'yeu', min: 0 }, { code: 'xuat-sac', min: 90 }, { code: 'kha', min: 65 }, { code: 'trung-binh', min: 50 }]
  t.same([...bandRanges(bands)], [
    ['xuat-sac', 'từ 90 trở lên'], ['tot', 'từ 80 đến dưới 90'], ['kha', 'từ 65 đến dưới 80'], ['trung-binh', 'từ 50 đến dưới 65'], ['yeu', 'dưới 50']
  ])
  t.same([...bandRanges([{ code: 'dat', min: 0 }])], [['dat', 'từ 0 trở lên']], 'a single band covers everything')
  t.same(bandRanges([{ code: 'a', min: 87.5 }, { code: 'b', min: 0 }]).get('a'), 'từ 87,5 trở lên', 'with the decimal comma')
})
