/**
 * Per-customer and holdout figures published for the CDNOW sample (BTYD walkthrough, Hardie's
 * spreadsheets, lifetimes' tests), as quoted in clv-models.md §1 and §4.
 */
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdExpectedPurchases,
  bgNbdPAlive,
  bgNbdProbabilityOfPurchases,
  dayNumber,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalSpend,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdDert,
  paretoNbdExpectedPurchases,
  paretoNbdPAlive,
} from '../../domain/value'
import { holdoutTable } from '../../domain/value/holdout'
import { cdnowSample, columnsOf, expectRelativelyClose } from './cdnow'

const BGNBD_PUBLISHED = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }
const BGNBD_BTYD = { r: 0.2425982, alpha: 4.413684, a: 0.7929899, b: 2.426167 }
const PNBD_PUBLISHED = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }
const PNBD_BTYD = { r: 0.553, alpha: 10.58, s: 0.606, beta: 11.656 }
const PNBD_LIFETIMES = { r: 0.5534, alpha: 10.5802, s: 0.6061, beta: 11.6562 }

const { summaries, transactions } = cdnowSample()
const columns = columnsOf(summaries)
const pnbdFit = fitParetoNbd(columns).params
const bgnbdFit = fitBgNbd(columns).params

describe('BG/NBD predictions', () => {
  it("give customer 1 (x=2, t_x=30.43, T=38.86) 1.226 purchases in the next 39 weeks (Hardie's Excel)", () => {
    expect(Math.abs(bgNbdConditionalExpectedPurchases(BGNBD_PUBLISHED, 2, 30.43, 38.86, 39) - 1.226)).toBeLessThan(0.001)
  })

  it('give customer 1516 (x=26, t_x=30.857, T=31) E[Y(52)]=25.75659 and P(alive)=0.9688523 (BTYD)', () => {
    expectRelativelyClose(bgNbdConditionalExpectedPurchases(BGNBD_BTYD, 26, 30.85714, 31, 52), 25.75659, 1e-5)
    expectRelativelyClose(bgNbdPAlive(BGNBD_BTYD, 26, 30.85714, 31), 0.9688523, 1e-6)
  })

  it('give unconditional E[X(52)] = 1.444004 (BTYD)', () => {
    expectRelativelyClose(bgNbdExpectedPurchases(BGNBD_BTYD, 52), 1.444004, 1e-5)
  })

  it('reproduce the increasing-frequency paradox at t_x=20, T=39, t=52 for x = 10, 15, 20, 25', () => {
    const published = [0.3474606, 0.04283391, 0.004158973, 0.0003583685]
    ;[10, 15, 20, 25].forEach((x, i) => expectRelativelyClose(bgNbdConditionalExpectedPurchases(BGNBD_BTYD, x, 20, 39, 52), published[i], 1e-4))
  })

  it('give the lifetimes E[X(t)] vector at the fitted parameters (decimal=3)', () => {
    const times = [0.1429, 1, 3, 31.8571, 32, 78]
    const published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
    times.forEach((t, i) => expect(Math.abs(bgNbdExpectedPurchases(bgnbdFit, t) - published[i])).toBeLessThan(1.5e-3))
  })

  it('give the published pmf values P(X(t)=n)', () => {
    expectRelativelyClose(bgNbdProbabilityOfPurchases(BGNBD_PUBLISHED, 2, 10), 1.07869e-7, 1e-5)
    expectRelativelyClose(bgNbdProbabilityOfPurchases(BGNBD_PUBLISHED, 39, 0), 0.5737864, 1e-6)
    const published = [0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.000222226]
    // Published to 10 decimals.
    published.forEach((value, i) => expect(Math.abs(bgNbdProbabilityOfPurchases(BGNBD_PUBLISHED, 30, 11 + i) - value)).toBeLessThan(1e-10))
  })

  it('keep every one-time buyer alive, and a 1000-purchase customer silent for 90 weeks dead', () => {
    expect(bgNbdPAlive(BGNBD_PUBLISHED, 0, 1, 1)).toBe(1)
    expect(bgNbdPAlive(BGNBD_PUBLISHED, 0, 0, 38.86)).toBe(1)
    expect(bgNbdPAlive(BGNBD_PUBLISHED, 1000, 10, 100)).toBe(0)
    expect(bgNbdPAlive(BGNBD_PUBLISHED, 2, 30.43, 38.86)).toBeCloseTo(0.72658, 4)
  })

  it('reproduce the BTYD holdout table by calibration frequency, and 1,653 expected against 1,882 actual', () => {
    const rows = holdoutTable(summaries, (s) => bgNbdConditionalExpectedPurchases(bgnbdFit, s.x, s.tx, s.T, 39))
    const actual = [0.2367, 0.697, 1.3925, 1.56, 2.5323, 2.9474, 3.8621, 6.3594]
    const expected = [0.2251, 0.5231, 1.0441, 1.5203, 2.1638, 2.6538, 3.504, 6.157]
    const customers = [1411, 439, 214, 100, 62, 38, 29, 64]
    expect(rows.map((row) => row.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+'])
    rows.forEach((row, i) => {
      expect(row.customers).toBe(customers[i])
      expect(Math.abs(row.actual - actual[i])).toBeLessThan(5e-5)
      expect(Math.abs(row.expected - expected[i])).toBeLessThan(5e-4)
    })
    const expectedTotal = summaries.reduce((sum, s) => sum + bgNbdConditionalExpectedPurchases(bgnbdFit, s.x, s.tx, s.T, 39), 0)
    expect(expectedTotal).toBeCloseTo(1653.4, 1)
  })

  it('track cumulative repeat purchases in weeks 20-25 (BTYD: actual exact, expected within 0.5 %)', () => {
    const start = dayNumber('1997-01-01')
    const daysByCustomer = new Map<string, Set<number>>()
    for (const t of transactions) daysByCustomer.set(t.customerId, (daysByCustomer.get(t.customerId) ?? new Set<number>()).add(t.day))
    const oldest = Math.max(...summaries.map((s) => s.T))
    const weeks = [20, 21, 22, 23, 24, 25]
    const actual = weeks.map((week) => {
      let count = 0
      for (const days of daysByCustomer.values()) {
        const sorted = [...days].sort((a, b) => a - b)
        count += sorted.slice(1).filter((day) => (day - start + 1) / 7 <= week).length
      }
      return count
    })
    expect(actual).toEqual([1359, 1414, 1484, 1517, 1573, 1672])
    const expected = weeks.map((week) => summaries.reduce((sum, s) => (week > oldest - s.T ? sum + bgNbdExpectedPurchases(BGNBD_BTYD, week - (oldest - s.T)) : sum), 0))
    ;[1309, 1385, 1460, 1533, 1604, 1674].forEach((value, i) => expectRelativelyClose(expected[i], value, 0.005))
  })
})

describe('Pareto/NBD predictions', () => {
  it('give customer 1516 E[Y(52)] = 25.46 and P(alive) = 0.997874 (BTYD, lifetimes)', () => {
    expect(Math.abs(paretoNbdConditionalExpectedPurchases(pnbdFit, 26, 30.85714, 31, 52) - 25.45647)).toBeLessThan(0.005)
    expect(Math.abs(paretoNbdPAlive(pnbdFit, 26, 30.85714, 31) - 0.997874)).toBeLessThan(2e-6)
    expect(Math.abs(paretoNbdPAlive(PNBD_LIFETIMES, 26, 30.86, 31) - 0.9979)).toBeLessThan(0.001)
  })

  it('give unconditional E[X(52)] = 1.473434 (BTYD) and the lifetimes E[X(t)] vector (atol 0.01)', () => {
    expectRelativelyClose(paretoNbdExpectedPurchases(pnbdFit, 52), 1.473434, 1e-5)
    const published = [0, 0.05077821, 0.09916088, 0.14542507, 0.1897993, 0.23247466, 0.27361274, 0.31335159, 0.35181024, 0.38909211]
    published.forEach((value, t) => expect(Math.abs(paretoNbdExpectedPurchases(pnbdFit, t) - value)).toBeLessThan(0.01))
  })

  it('reproduce the increasing-frequency paradox at t_x=20, T=39, t=52 for x = 10, 15, 20, 25', () => {
    const published = [0.7062289, 0.1442396, 0.02250658, 0.00309267]
    ;[10, 15, 20, 25].forEach((x, i) => expectRelativelyClose(paretoNbdConditionalExpectedPurchases(PNBD_BTYD, x, 20, 39, 52), published[i], 1e-3))
  })

  it('give customer 1 P(alive)=0.86917 and DERT 6.484 at 0.0027/week, and a one-time buyer 0.29529 (not 1 as BG/NBD)', () => {
    expect(paretoNbdPAlive(PNBD_PUBLISHED, 2, 30.43, 38.86)).toBeCloseTo(0.86917, 4)
    expect(paretoNbdDert(PNBD_PUBLISHED, 2, 30.43, 38.86, 0.0027)).toBeCloseTo(6.484, 3)
    expect(paretoNbdPAlive(PNBD_PUBLISHED, 0, 0, 38.86)).toBeCloseTo(0.29529, 4)
  })

  it('give the BTYD pnbd.DERT example (x=7, t_x=35, T=77.86, d=0.0027) DERT 1.86418', () => {
    const params = { r: 0.5629966, alpha: 12.559037, s: 0.4081095, beta: 10.5148048 }
    expect(paretoNbdDert(params, 7, 35, 77.86, 0.0027)).toBeCloseTo(1.86418, 5)
  })
})

describe('Gamma-Gamma predictions', () => {
  it("give the first ten CDNOW customers' expected spend from Hardie's spreadsheet (atol 0.1)", () => {
    const fit = fitGammaGamma({ x: columns.x, meanSpend: columns.meanSpend }).params
    const published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
    summaries.slice(0, 10).forEach((s, i) => expect(Math.abs(gammaGammaConditionalSpend(fit, s.meanRepeatSpend, s.x) - published[i])).toBeLessThan(0.1))
  })

  it('describe the 946 repeat customers as the RFM/CLV paper does: mean 35.08, sd 30.28, min 2.99, median 27.50, max 299.63', () => {
    const spends = summaries.filter((s) => s.x > 0).map((s) => s.meanRepeatSpend).sort((a, b) => a - b)
    const mean = spends.reduce((a, b) => a + b, 0) / spends.length
    const sd = Math.sqrt(spends.reduce((a, b) => a + (b - mean) ** 2, 0) / (spends.length - 1))
    expect(mean).toBeCloseTo(35.08, 2)
    expect(sd).toBeCloseTo(30.28, 1)
    expect(spends[0]).toBeCloseTo(2.99, 2)
    expect((spends[472] + spends[473]) / 2).toBeCloseTo(27.4975, 3)
    expect(spends[spends.length - 1]).toBeCloseTo(299.63, 2)
  })
})
