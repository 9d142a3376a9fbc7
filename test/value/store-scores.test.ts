/** scoreCustomer, the store model and its cold-start rule, segments, RFM and referral value. */
import type { CustomerStats, ReferralEdge } from '../../typings/value'
import {
  buildValueModel,
  dayString,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaConditionalSpend,
  modelSegment,
  rfmSegment,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdDert,
  paretoNbdPAlive,
  quadrantThresholds,
  referralValues,
  rfmScore,
  scoreCustomer,
  SEGMENT_LABELS,
  valueQuadrant,
  weeklyDiscountRate,
} from '../../domain/value'
import { cdnowSample, CALIBRATION_END } from './cdnow'

/** CDNOW customers as store statistics: dollars become fen. */
function cdnowStats(): CustomerStats[] {
  const { transactions } = cdnowSample()
  const calibrationEnd = 10134 // 1997-09-30
  const byCustomer = new Map<string, Array<{ day: number; fen: number }>>()
  for (const t of transactions) {
    if (t.day > calibrationEnd) continue
    byCustomer.set(t.customerId, [...(byCustomer.get(t.customerId) ?? []), { day: t.day, fen: Math.round(t.amount * 100) }])
  }
  return Array.from(byCustomer, ([customerId, purchases]) => {
    const spendByDay = new Map<number, number>()
    for (const p of purchases) spendByDay.set(p.day, (spendByDay.get(p.day) ?? 0) + p.fen)
    const days = [...spendByDay.keys()].sort((a, b) => a - b)
    return {
      customerId,
      firstPurchaseDay: dayString(days[0]),
      lastPurchaseDay: dayString(days[days.length - 1]),
      repeatPurchaseDays: days.length - 1,
      firstDaySpendFen: spendByDay.get(days[0])!,
      repeatSpendFen: days.slice(1).reduce((sum, day) => sum + spendByDay.get(day)!, 0),
    }
  })
}

function makeStats(overrides: Partial<CustomerStats> = {}): CustomerStats {
  return { customerId: 'c1', firstPurchaseDay: '2024-01-10', lastPurchaseDay: '2024-03-01', repeatPurchaseDays: 3, firstDaySpendFen: 9900, repeatSpendFen: 29700, ...overrides }
}

describe('a store with enough repeat buyers (the CDNOW sample, in fen)', () => {
  const stats = cdnowStats()
  const model = buildValueModel(stats, CALIBRATION_END, { scoring: { horizonWeeks: 39, margin: 0.3, annualDiscount: 0.15 } })

  it('is fitted on its own data with the published Pareto/NBD parameters and Gamma-Gamma scale in fen', () => {
    expect(model.source).toBe('fit')
    expect(model.fittedAt).toBe('1997-09-30')
    expect(model.customers).toBe(2357)
    expect(model.repeatCustomers).toBe(946)
    expect(model.purchase!.kind).toBe('pnbd')
    expect(model.purchase!.params).toMatchObject({ r: expect.closeTo(0.553, 2), alpha: expect.closeTo(10.578, 1), s: expect.closeTo(0.606, 2) })
    expect(model.spend!.gamma / 100).toBeCloseTo(15.44, 0)
    expect(model.logLikelihood).toBeCloseTo(-9594.976, 2)
  })

  it('scores customer 1 like the model functions do, with money in whole fen', () => {
    const customer1 = stats.find((s) => s.customerId === '1')!
    const score = scoreCustomer(customer1, model, CALIBRATION_END)
    const params = model.purchase!.params as { r: number; alpha: number; s: number; beta: number }
    const T = 272 / 7
    const tx = 213 / 7
    expect(score.x).toBe(2)
    expect(score.ageWeeks).toBeCloseTo(T, 10)
    expect(score.recencyWeeks).toBeCloseTo(tx, 10)
    expect(score.pAlive).toBeCloseTo(paretoNbdPAlive(params, 2, tx, T), 12)
    expect(score.expectedPurchases).toBeCloseTo(paretoNbdConditionalExpectedPurchases(params, 2, tx, T, 39), 12)
    const spend = gammaGammaConditionalSpend(model.spend!, 2234.5, 2)
    expect(score.expectedSpendFen).toBe(Math.round(spend))
    expect(score.expectedSpendFen! / 100).toBeCloseTo(24.66, 1)
    expect(score.dert).toBeCloseTo(paretoNbdDert(params, 2, tx, T, weeklyDiscountRate(0.15)), 12)
    expect(score.clvFen).toBe(Math.round(score.dert! * spend * 0.3))
    expect(Number.isInteger(score.clvFen)).toBe(true)
  })

  it('puts a fifth of customers at or above the champion CLV line, and labels every segment in Chinese', () => {
    const scores = stats.map((s) => scoreCustomer(s, model, CALIBRATION_END))
    const above = scores.filter((s) => s.clvFen! >= model.championClvFen).length
    expect(above / scores.length).toBeGreaterThan(0.19)
    expect(above / scores.length).toBeLessThan(0.21)
    for (const score of scores) expect(score.segmentLabel).toBe(SEGMENT_LABELS[score.segment])
    const segments = new Set(scores.map((s) => s.segment))
    // Every CDNOW customer is older than 30 days and no old one-time buyer is likely active.
    expect(segments).toEqual(new Set(['lost', 'at_risk', 'champion', 'loyal']))
  })

  it('follows the segment rules: new first, then lost / at risk by P(alive), champion by CLV', () => {
    const scores = stats.map((s) => scoreCustomer(s, model, CALIBRATION_END))
    for (const s of scores) {
      if (s.segment === 'lost') expect(s.pAlive).toBeLessThan(0.3)
      if (s.segment === 'at_risk') expect(s.pAlive).toBeLessThan(0.7)
      if (s.segment === 'champion') expect(s.clvFen).toBeGreaterThanOrEqual(model.championClvFen)
      if (s.segment === 'loyal') expect(s.x).toBeGreaterThan(0)
    }
    const newcomer = makeStats({ firstPurchaseDay: '1997-09-20', lastPurchaseDay: '1997-09-20', repeatPurchaseDays: 0, repeatSpendFen: 0 })
    expect(scoreCustomer(newcomer, model, CALIBRATION_END).segment).toBe('new')
  })

  it('scores with Pareto/NBD by default: a one-time buyer from January is probably gone, not alive as BG/NBD says', () => {
    const customer3 = stats.find((s) => s.customerId === '3')!
    const score = scoreCustomer(customer3, model, CALIBRATION_END)
    expect(score.pAlive).toBeCloseTo(0.295, 2)
    expect(score.segment).toBe('lost')
  })

  it('can be fitted with BG/NBD on request', () => {
    const bg = buildValueModel(stats, CALIBRATION_END, { kind: 'bgnbd' })
    expect(bg.purchase!.kind).toBe('bgnbd')
    expect(bg.logLikelihood).toBeCloseTo(-9582.429, 2)
  })
})

describe('cold start: a store with too few repeat buyers', () => {
  const stats = [
    makeStats({ customerId: 'a' }),
    makeStats({ customerId: 'b', firstPurchaseDay: '2024-02-01', lastPurchaseDay: '2024-02-01', repeatPurchaseDays: 0, repeatSpendFen: 0, firstDaySpendFen: 5000 }),
    makeStats({ customerId: 'c', firstPurchaseDay: '2023-06-01', lastPurchaseDay: '2023-06-01', repeatPurchaseDays: 0, repeatSpendFen: 0, firstDaySpendFen: 20000 }),
  ]

  it('uses the prior, with the spend scale set to the store mean spend per purchase-day', () => {
    const model = buildValueModel(stats, '2024-06-30')
    expect(model.source).toBe('prior')
    expect(model.logLikelihood).toBeNull()
    const purchaseDays = 4 + 1 + 1
    const storeMean = (9900 + 29700 + 5000 + 20000) / purchaseDays
    expect((model.spend!.p * model.spend!.gamma) / (model.spend!.q - 1)).toBeCloseTo(storeMean, 6)
    const score = scoreCustomer(stats[0], model, '2024-06-30')
    expect(score.source).toBe('prior')
    expect(score.pAlive).toBeGreaterThan(0)
  })

  it('falls back to RFM ranks and segments, with no model numbers, when there is no prior', () => {
    const model = buildValueModel(stats, '2024-06-30', { prior: null })
    expect(model.source).toBe('rfm')
    const scores = stats.map((s) => scoreCustomer(s, model, '2024-06-30'))
    for (const score of scores) {
      expect(score.pAlive).toBeNull()
      expect(score.clvFen).toBeNull()
      expect(score.rfm.cell).toMatch(/^[1-5]{3}$/)
    }
    expect(scores.find((s) => s.customerId === 'c')!.segment).toBe('lost')
  })

  it('falls back to RFM for a store whose customers spent nothing', () => {
    const free = stats.map((s) => ({ ...s, firstDaySpendFen: 0, repeatSpendFen: 0 }))
    expect(buildValueModel(free, '2024-06-30').source).toBe('rfm')
  })

  it('handles a store with no customers', () => {
    const model = buildValueModel([], '2024-06-30')
    expect(model.customers).toBe(0)
    expect(model.source).toBe('rfm')
  })
})

describe('scoreCustomer input checks', () => {
  const model = buildValueModel([makeStats()], '2024-06-30')
  it.each([
    ['a scoring day before the last purchase', makeStats(), '2024-02-01', 'INVALID_STATS'],
    ['repeat days without a later purchase day', makeStats({ lastPurchaseDay: '2024-01-10' }), '2024-06-30', 'INVALID_STATS'],
    ['a fractional repeat count', makeStats({ repeatPurchaseDays: 1.5 }), '2024-06-30', 'INVALID_STATS'],
    ['a last purchase before the first', makeStats({ lastPurchaseDay: '2023-12-01' }), '2024-06-30', 'INVALID_STATS'],
    ['an impossible day', makeStats({ firstPurchaseDay: '2024-02-30' }), '2024-06-30', 'INVALID_DATE'],
    ['a day in another format', makeStats(), '30/06/2024', 'INVALID_DATE'],
  ])('rejects %s', (_name, stats, now, code) => {
    expect(() => scoreCustomer(stats, model, now)).toThrow(expect.objectContaining({ code }))
  })
})

describe('segment rules, first match wins', () => {
  it.each([
    ['new', 20, 0, 0.1, 0],
    ['lost', 31, 5, 0.29, 999999],
    ['at_risk', 31, 5, 0.69, 999999],
    ['champion', 31, 0, 0.9, 5000],
    ['loyal', 31, 2, 0.9, 4999],
    ['promising', 31, 0, 0.9, 4999],
  ] as const)('%s: age %d days, x=%d, P(alive) %d, CLV %d fen (champion line 5000)', (segment, ageDays, x, pAlive, clvFen) => {
    expect(modelSegment(ageDays, x, pAlive, clvFen, 5000)).toBe(segment)
  })
  it.each([
    ['new', 30, 0, 1, 1, 1],
    ['lost', 31, 3, 1, 5, 5],
    ['at_risk', 31, 3, 2, 5, 5],
    ['champion', 31, 3, 3, 4, 4],
    ['loyal', 31, 3, 3, 3, 5],
    ['promising', 31, 0, 5, 1, 5],
  ] as const)('RFM %s: age %d days, x=%d, R%d F%d M%d', (segment, ageDays, x, r, f, m) => {
    expect(rfmSegment(ageDays, x, r, f, m)).toBe(segment)
  })
})

describe('RFM quintiles', () => {
  const cutpoints = { recencyDays: [10, 30, 60, 120], frequency: [0, 0, 1, 3], monetaryFen: [5000, 10000, 20000, 50000] }
  it('score 5 for the most recent, most frequent, highest spend; bins are (lower cut, upper cut]', () => {
    expect(rfmScore(0, 10, 90000, cutpoints)).toEqual({ recency: 5, frequency: 5, monetary: 5, cell: '555' })
    expect(rfmScore(500, 0, 100, cutpoints)).toEqual({ recency: 1, frequency: 1, monetary: 1, cell: '111' })
    expect(rfmScore(10, 1, 10000, cutpoints).cell).toBe('532')
  })
})

describe('referral value (CRV)', () => {
  const edge = (referrerId: string, referredId: string, sharedDay: string, joinedDay: string, extra: Partial<ReferralEdge> = {}): ReferralEdge => ({
    referrerId,
    referredId,
    sharedDay,
    joinedDay,
    rewardPaidFen: 500,
    ...extra,
  })
  const values: Record<string, { clvFen: number; realisedMarginFen: number; retentionCostFen?: number }> = {
    b: { clvFen: 10000, realisedMarginFen: 2000 },
    c: { clvFen: 4000, realisedMarginFen: 0, retentionCostFen: 1000 },
    d: { clvFen: 8000, realisedMarginFen: 0 },
  }

  it('sums π (CLV + realised - retention) + ACQ - reward over first-generation referrals in the window', () => {
    const result = referralValues(
      [
        edge('a', 'b', '2024-01-01', '2024-01-05'),
        edge('a', 'c', '2024-01-01', '2024-03-01', { incrementalProbability: 1 }),
        edge('a', 'd', '2023-01-01', '2024-03-01'), // joined more than 365 days after the share
        edge('b', 'e', '2024-02-01', '2024-02-03'), // e has no value yet: only acquisition saved minus reward
      ],
      (id) => values[id],
      { acquisitionCostFen: 3000 },
    )
    const a = result.find((r) => r.referrerId === 'a')!
    expect(a.referrals).toBe(2)
    expect(a.crvFen).toBe(0.5 * (10000 + 2000) + 3000 - 500 + 1 * (4000 - 1000) + 3000 - 500)
    expect(a.incrementalReferrals).toBe(1.5)
    expect(result.find((r) => r.referrerId === 'b')!.crvFen).toBe(3000 - 500)
  })

  it('credits each referred customer once (earliest share), never a self-referral, and does not count referrals of referrals', () => {
    const result = referralValues(
      [edge('a', 'b', '2024-01-02', '2024-01-05'), edge('x', 'b', '2024-01-01', '2024-01-05'), edge('b', 'b', '2024-01-01', '2024-01-02'), edge('b', 'd', '2024-01-10', '2024-01-11')],
      (id) => values[id],
    )
    expect(result.map((r) => r.referrerId).sort()).toEqual(['b', 'x'])
    expect(result.find((r) => r.referrerId === 'x')!.crvFen).toBe(0.5 * 12000 - 500)
    expect(result.find((r) => r.referrerId === 'b')!.crvFen).toBe(0.5 * 8000 - 500)
  })

  it('places customers in the CLV x CRV quadrants at the medians', () => {
    const thresholds = quadrantThresholds([100, 200, 300, 400], [0, 50, 150])
    expect(thresholds).toEqual({ clvFen: 250, crvFen: 100 })
    expect(valueQuadrant(300, 150, thresholds)).toBe('champion')
    expect(valueQuadrant(300, 0, thresholds)).toBe('affluent')
    expect(valueQuadrant(100, 150, thresholds)).toBe('advocate')
    expect(valueQuadrant(100, 0, thresholds)).toBe('miser')
  })
})

describe('Gamma-Gamma and Pareto/NBD fits refuse garbage', () => {
  it('throw NOT_CONVERGED on data that cannot identify the model, and report converged:false when asked', () => {
    // Everyone bought once on the same day: the dropout process is not identified.
    const columns = { x: Array(50).fill(0), tx: Array(50).fill(0), T: Array(50).fill(10) }
    expect(() => fitParetoNbd(columns)).toThrow(expect.objectContaining({ code: 'NOT_CONVERGED' }))
    expect(fitParetoNbd(columns, { allowNotConverged: true }).converged).toBe(false)
  })

  it('throw TOO_FEW_CUSTOMERS without repeat spend', () => {
    expect(() => fitGammaGamma({ x: [0, 0, 1], meanSpend: [0, 0, 10] })).toThrow(expect.objectContaining({ code: 'TOO_FEW_CUSTOMERS' }))
  })

  it('reject an invalid summary with the customer index', () => {
    expect(() => fitParetoNbd({ x: [1, 2], tx: [3, 5], T: [4, 4] })).toThrow(expect.objectContaining({ code: 'INVALID_SUMMARY', message: expect.stringContaining('customer 2') }))
  })
})
