/** Properties every score must have, over random parameters and customers (fast-check). */
import fc from 'fast-check'
import type { CustomerStats, ValueModel } from '../../typings/value'
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdDert,
  bgNbdPAlive,
  buildValueModel,
  paretoNbdConditionalExpectedPurchases,
  paretoNbdDert,
  paretoNbdPAlive,
  recordPurchaseDay,
  scoreCustomer,
  statsFromPurchases,
  weeklyDiscountRate,
  dayString,
  CDNOW_PRIOR,
} from '../../domain/value'

const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
const pnbdParams = fc.record({ r: positive(0.05, 5), alpha: positive(0.5, 60), s: positive(0.05, 5), beta: positive(0.5, 60) })
const bgnbdParams = fc.record({ r: positive(0.05, 5), alpha: positive(0.5, 60), a: positive(0.1, 5), b: positive(0.1, 5) })
/** (x, t_x, T, later T) with t_x <= T, x = 0 exactly when t_x = 0, in weeks. */
const customer = fc
  .record({ x: fc.integer({ min: 0, max: 60 }), txShare: positive(0, 1), T: positive(0.2, 150), extra: positive(0.01, 100) })
  .map(({ x, txShare, T, extra }) => ({ x, tx: x === 0 ? 0 : Math.max(txShare * T, 1e-3), T, laterT: T + extra }))

describe('P(alive)', () => {
  it('is within [0, 1] under both models', () => {
    fc.assert(
      fc.property(pnbdParams, bgnbdParams, customer, (pnbd, bgnbd, c) => {
        for (const value of [paretoNbdPAlive(pnbd, c.x, c.tx, c.T), bgNbdPAlive(bgnbd, c.x, c.tx, c.T)]) {
          expect(value).toBeGreaterThanOrEqual(0)
          expect(value).toBeLessThanOrEqual(1)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('falls as the last purchase recedes (same history, later scoring day)', () => {
    fc.assert(
      fc.property(pnbdParams, bgnbdParams, customer, (pnbd, bgnbd, c) => {
        expect(paretoNbdPAlive(pnbd, c.x, c.tx, c.laterT)).toBeLessThanOrEqual(paretoNbdPAlive(pnbd, c.x, c.tx, c.T) + 1e-12)
        expect(bgNbdPAlive(bgnbd, c.x, c.tx, c.laterT)).toBeLessThanOrEqual(bgNbdPAlive(bgnbd, c.x, c.tx, c.T) + 1e-12)
      }),
      { numRuns: 300 },
    )
  })

  it('falls strictly under Pareto/NBD when a one-time buyer stays silent longer', () => {
    fc.assert(
      fc.property(pnbdParams, positive(0.5, 100), positive(0.5, 100), (pnbd, T, extra) => {
        expect(paretoNbdPAlive(pnbd, 0, 0, T + extra)).toBeLessThan(paretoNbdPAlive(pnbd, 0, 0, T))
      }),
    )
  })

  it('rises when the same number of purchases ends later', () => {
    fc.assert(
      fc.property(pnbdParams, customer, positive(0, 1), (pnbd, c, share) => {
        fc.pre(c.x > 0)
        const laterTx = c.tx + share * (c.T - c.tx)
        expect(paretoNbdPAlive(pnbd, c.x, laterTx, c.T)).toBeGreaterThanOrEqual(paretoNbdPAlive(pnbd, c.x, c.tx, c.T) - 1e-12)
      }),
    )
  })
})

describe('expected purchases and DERT', () => {
  it('are non-negative and grow with the horizon', () => {
    fc.assert(
      fc.property(pnbdParams, bgnbdParams, customer, positive(1, 104), (pnbd, bgnbd, c, horizon) => {
        const pShort = paretoNbdConditionalExpectedPurchases(pnbd, c.x, c.tx, c.T, horizon)
        const pLong = paretoNbdConditionalExpectedPurchases(pnbd, c.x, c.tx, c.T, horizon * 2)
        expect(pShort).toBeGreaterThanOrEqual(0)
        expect(pLong).toBeGreaterThanOrEqual(pShort)
        const bShort = bgNbdConditionalExpectedPurchases(bgnbd, c.x, c.tx, c.T, horizon)
        const bLong = bgNbdConditionalExpectedPurchases(bgnbd, c.x, c.tx, c.T, horizon * 2)
        expect(bShort).toBeGreaterThanOrEqual(0)
        expect(bLong).toBeGreaterThanOrEqual(bShort * (1 - 1e-9))
      }),
      { numRuns: 200 },
    )
  })

  it('DERT falls as the discount rate rises, under both models', () => {
    fc.assert(
      fc.property(pnbdParams, bgnbdParams, customer, positive(0.01, 1), positive(0.01, 1), (pnbd, bgnbd, c, low, step) => {
        const slow = weeklyDiscountRate(low)
        const fast = weeklyDiscountRate(low + step)
        expect(paretoNbdDert(pnbd, c.x, c.tx, c.T, fast)).toBeLessThan(paretoNbdDert(pnbd, c.x, c.tx, c.T, slow))
        expect(bgNbdDert(bgnbd, c.x, c.tx, c.T, fast)).toBeLessThan(bgNbdDert(bgnbd, c.x, c.tx, c.T, slow))
      }),
      { numRuns: 100 },
    )
  })
})

/** A store model from the CDNOW prior with the given scoring settings (spend in fen). */
function priorModel(margin: number, annualDiscount: number): ValueModel {
  return {
    purchase: CDNOW_PRIOR.purchase,
    spend: { ...CDNOW_PRIOR.spend, gamma: CDNOW_PRIOR.spend.gamma * 100 },
    source: 'prior',
    fittedAt: '2024-06-30',
    timeZone: 'Asia/Shanghai',
    customers: 1,
    repeatCustomers: 0,
    logLikelihood: null,
    scoring: { horizonWeeks: 52, margin, annualDiscount },
    championClvFen: 100000,
    rfm: { recencyDays: [10, 30, 60, 120], frequency: [0, 0, 1, 3], monetaryFen: [5000, 10000, 20000, 50000] },
  }
}

/** Store-day statistics: first purchase, repeat days and spend, scored some days after the last purchase. */
const statsCase = fc
  .record({ firstDay: fc.integer({ min: 19000, max: 19500 }), gaps: fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 20 }), spend: fc.integer({ min: 100, max: 500000 }), silence: fc.integer({ min: 0, max: 400 }) })
  .map(({ firstDay, gaps, spend, silence }) => {
    const lastDay = gaps.reduce((day, gap) => day + gap, firstDay)
    const stats: CustomerStats = {
      customerId: 'c1',
      firstPurchaseDay: dayString(firstDay),
      lastPurchaseDay: dayString(lastDay),
      repeatPurchaseDays: gaps.length,
      firstDaySpendFen: spend,
      repeatSpendFen: spend * gaps.length,
    }
    return { stats, now: dayString(lastDay + silence) }
  })

describe('CLV from scoreCustomer', () => {
  it('is linear in the margin (to the fen) and zero at zero margin', () => {
    fc.assert(
      fc.property(statsCase, positive(0.01, 1), ({ stats, now }, margin) => {
        const full = scoreCustomer(stats, priorModel(1, 0.15), now).clvFen!
        const part = scoreCustomer(stats, priorModel(margin, 0.15), now).clvFen!
        expect(Math.abs(part - full * margin)).toBeLessThanOrEqual(1)
        expect(scoreCustomer(stats, priorModel(0, 0.15), now).clvFen).toBe(0)
      }),
    )
  })

  it('falls as the annual discount rate rises', () => {
    fc.assert(
      fc.property(statsCase, positive(0.01, 0.5), positive(0.05, 1), ({ stats, now }, low, step) => {
        const slow = scoreCustomer(stats, priorModel(0.3, low), now).clvFen!
        const fast = scoreCustomer(stats, priorModel(0.3, low + step), now).clvFen!
        expect(fast).toBeLessThanOrEqual(slow)
      }),
    )
  })

  it('is never negative and P(alive) stays a probability', () => {
    fc.assert(
      fc.property(statsCase, ({ stats, now }) => {
        const score = scoreCustomer(stats, priorModel(0.3, 0.15), now)
        expect(score.clvFen).toBeGreaterThanOrEqual(0)
        expect(score.pAlive).toBeGreaterThanOrEqual(0)
        expect(score.pAlive).toBeLessThanOrEqual(1)
      }),
    )
  })
})

describe('customer statistics', () => {
  it('updated purchase by purchase equal the recompute from all paid purchases', () => {
    const purchases = fc.array(fc.record({ day: fc.integer({ min: 19000, max: 19100 }), amountFen: fc.integer({ min: 0, max: 100000 }) }), { minLength: 1, maxLength: 30 })
    fc.assert(
      fc.property(purchases, (list) => {
        const inOrder = [...list].sort((a, b) => a.day - b.day)
        let incremental: CustomerStats | null = null
        for (const p of inOrder) incremental = recordPurchaseDay(incremental, 'c1', dayString(p.day), p.amountFen)
        const shuffled = list.map((p) => ({ day: dayString(p.day), amountFen: p.amountFen }))
        expect(statsFromPurchases('c1', shuffled)).toEqual(incremental)
        const distinctDays = new Set(list.map((p) => p.day)).size
        expect(incremental!.repeatPurchaseDays).toBe(distinctDays - 1)
        expect(incremental!.firstDaySpendFen + incremental!.repeatSpendFen).toBe(list.reduce((sum, p) => sum + p.amountFen, 0))
      }),
    )
  })

  it('give a store model whose scores are all probabilities, from any small store (cold start never throws)', () => {
    fc.assert(
      fc.property(fc.array(statsCase, { minLength: 1, maxLength: 30 }), (cases) => {
        const stats = cases.map((c, i) => ({ ...c.stats, customerId: `c${i}` }))
        const now = cases.map((c) => c.now).sort().at(-1)!
        const model = buildValueModel(stats, now)
        expect(['prior', 'rfm']).toContain(model.source)
        for (const s of stats) {
          const score = scoreCustomer(s, model, now)
          if (score.pAlive !== null) expect(score.pAlive).toBeLessThanOrEqual(1)
        }
      }),
      { numRuns: 30 },
    )
  })
})
