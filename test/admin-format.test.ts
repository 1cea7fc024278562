// The web app's number formats that carry a promise: an amount of points still needed is shown to 2 decimals, rounded up.
import t from 'tap'
import { formatPoints, formatPointsNeeded } from '../admin/src/format.js'

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
