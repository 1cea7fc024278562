// Exact parsing, summing and half-up rounding of points held as integer thousandths.
import t from 'tap'
import {
  formatMilli,
  fractionToString,
  milliToNumber,
  milliToString,
  parseDecimal,
  parseMilli,
  roundHalfUp,
  sumMilli
} from '../../server/domain/decimal.js'

t.test('JSON numbers with up to 3 decimals parse to exact thousandths', async (t) => {
  t.equal(parseMilli(0), 0)
  t.equal(parseMilli(0.25), 250)
  t.equal(parseMilli(0.1), 100)
  t.equal(parseMilli(19.325), 19325)
  t.equal(parseMilli(20.5), 20500)
  t.equal(parseMilli(100), 100000)
  t.equal(parseMilli(0.001), 1)
  t.equal(parseMilli(12.175), 12175)
})

t.test('decimal strings parse the same way as the numbers they write', async (t) => {
  t.equal(parseMilli('0.25'), 250)
  t.equal(parseMilli('19.00'), 19000)
  t.equal(parseMilli('9.125'), 9125)
  t.equal(parseMilli('+1.5'), 1500)
  t.equal(parseMilli('007'), 7000)
  t.equal(parseMilli('1.2500'), 1250, 'trailing zeros are not significant decimal places')
})

t.test('negative values parse and negative zero becomes plain zero', async (t) => {
  t.equal(parseMilli(-0.25), -250)
  t.equal(parseMilli('-12.175'), -12175)
  t.ok(Object.is(parseMilli('-0'), 0))
  t.ok(Object.is(parseMilli(-0), 0))
})

t.test('more than 3 significant decimals are refused rather than rounded', async (t) => {
  t.equal(parseMilli(0.2501), null)
  t.equal(parseMilli('0.0005'), null)
  t.equal(parseMilli(0.1 + 0.2), null, '0.30000000000000004 is not 0.3')
  t.same(parseDecimal(0.2501), { ok: false, reason: 'too_many_decimals' })
})

t.test('exponent forms are read exactly and accepted only when they have at most 3 decimals', async (t) => {
  t.equal(parseMilli('1e2'), 100000)
  t.equal(parseMilli('2.5E-1'), 250)
  t.equal(parseMilli('125e-3'), 125)
  t.equal(parseMilli('1e-4'), null)
  t.equal(parseMilli(1e-7), null, 'String(1e-7) is "1e-7"')
  t.equal(parseMilli('0e99999999'), 0)
  t.same(parseDecimal('1e-99999999'), { ok: false, reason: 'too_many_decimals' })
})

t.test('values too large to be exact thousandths are refused as out of range', async (t) => {
  t.same(parseDecimal(1e21), { ok: false, reason: 'out_of_range' })
  t.same(parseDecimal('9007199254740.992'), { ok: false, reason: 'out_of_range' }, 'one thousandth above 2^53 - 1')
  t.same(parseDecimal('9007199254740.991'), { ok: true, milli: Number.MAX_SAFE_INTEGER })
  t.same(parseDecimal('1e99999999'), { ok: false, reason: 'out_of_range' })
})

t.test('anything that is not a plain decimal is not a number', async (t) => {
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '', ' ', 'abc', '1,5', '0,25', '1.', '.5', '1 ', '0x10', '1.2.3', '--1', 'Infinity']) {
    t.same(parseDecimal(value), { ok: false, reason: 'not_a_number' }, `${JSON.stringify(value)} is refused`)
  }
})

t.test('thousandths convert back to numbers and fixed text', async (t) => {
  t.equal(milliToNumber(19325), 19.325)
  t.equal(milliToNumber(-250), -0.25)
  t.equal(milliToString(19325), '19.325')
  t.equal(milliToString(19325, 2), '19.33')
  t.equal(milliToString(92000, 2), '92.00')
  t.equal(milliToString(-1, 2), '0.00', 'a value that rounds to zero has no sign')
  t.equal(milliToString(5, 2), '0.01')
  t.equal(milliToString(1500, 0), '2')
  t.equal(milliToString(250, 5), '0.25000')
  t.equal(formatMilli(300), '0.3')
  t.equal(formatMilli(1000), '1')
  t.equal(formatMilli(10000), '10')
  t.equal(formatMilli(0), '0')
  t.equal(formatMilli(-250), '-0.25')
})

t.test('division rounds half up to the requested places', async (t) => {
  // The report's averages: 386.5 / 20, 243.5 / 20 and 182.5 / 20.
  t.equal(roundHalfUp(386500n, 20000n, 2), '19.33')
  t.equal(roundHalfUp(243500n, 20000n, 2), '12.18')
  t.equal(roundHalfUp(182500n, 20000n, 2), '9.13')
  t.equal(roundHalfUp(19325n, 1000n, 2), '19.33')
  t.equal(roundHalfUp(19324n, 1000n, 2), '19.32')
  t.equal(roundHalfUp(1n, 3n, 2), '0.33')
  t.equal(roundHalfUp(2n, 3n, 2), '0.67')
  t.equal(roundHalfUp(5n, 2n, 0), '3')
  t.equal(roundHalfUp(0n, 7n, 2), '0.00')
  t.equal(roundHalfUp(1701n, 1n, 2), '1701.00')
})

t.test('negative values round half away from zero, symmetric with positives', async (t) => {
  t.equal(roundHalfUp(-19325n, 1000n, 2), '-19.33')
  t.equal(roundHalfUp(19325n, -1000n, 2), '-19.33')
  t.equal(roundHalfUp(-19325n, -1000n, 2), '19.33')
  t.equal(roundHalfUp(-9125n, 1000n, 2), '-9.13')
  t.equal(roundHalfUp(-12174n, 1000n, 2), '-12.17')
  t.equal(roundHalfUp(-5n, 2n, 0), '-3')
  t.equal(roundHalfUp(-4n, 1000n, 2), '0.00')
  t.equal(roundHalfUp(-5n, 1000n, 2), '-0.01')
})

t.test('rounding refuses a zero denominator and invalid places', async (t) => {
  t.throws(() => roundHalfUp(1n, 0n, 2), RangeError)
  t.throws(() => roundHalfUp(1n, 1n, -1), RangeError)
  t.throws(() => roundHalfUp(1n, 1n, 1.5), RangeError)
})

t.test('fractions print through the same half-up rounding', async (t) => {
  t.equal(fractionToString({ numerator: 1701n, denominator: 20n }), '85.05')
  t.equal(fractionToString({ numerator: 1n, denominator: 8n }, 2), '0.13')
})

t.test('sums of thousandths are exact where float sums are not', async (t) => {
  const tenths = Array.from({ length: 10 }, () => 100)
  t.equal(sumMilli(tenths), 1000)
  t.not(Array.from({ length: 10 }, () => 0.1).reduce((a, b) => a + b, 0), 1, 'the float sum drifts')
  t.equal(sumMilli([]), 0)
  t.equal(sumMilli([19000, -250, 1]), 18751)
})

t.test('sums refuse non-integers and totals beyond exact range', async (t) => {
  t.throws(() => sumMilli([0.5]), RangeError)
  t.throws(() => sumMilli([Number.MAX_SAFE_INTEGER, 1]), RangeError)
})
