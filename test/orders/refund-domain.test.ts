/** Refund math (domain/order/refunds.ts) and the value recompute (domain/value/recompute.ts): tables and properties. */
import fc from 'fast-check'
import { canTransition, quoteRefund, RefundError, unitsAmount, type RefundableOrder } from '../../domain/order'
import { customerValueFromOrders, dayNumber, recordPurchaseDay, storeDayOf } from '../../domain/value'
import type { OrderLine } from '../../typings/orders'
import type { CustomerStats } from '../../typings/value'

const line = (productId: string, priceFen: number, quantity: number, amountFen = priceFen * quantity): OrderLine => ({ productId, skuId: productId, name: productId, spec: '', priceFen, quantity, amountFen })
const makeOrder = (over: Partial<RefundableOrder> = {}): RefundableOrder => {
  const lines = over.lines ?? [line('tea', 1000, 3), line('cup', 2550, 1)]
  const items = lines.reduce((s, l) => s + l.amountFen, 0)
  return { status: 'paid', lines, shippingFen: 800, totalFen: items + 800, refunds: [], ...over }
}

describe('quoteRefund', () => {
  test('the whole order before shipment includes shipping', () => {
    expect(quoteRefund(makeOrder())).toEqual({ lines: [{ productId: 'tea', skuId: 'tea', quantity: 3, amountFen: 3000 }, { productId: 'cup', skuId: 'cup', quantity: 1, amountFen: 2550 }], shippingFen: 800, refundFen: 6350, full: true })
  })
  test('the whole order after shipment leaves shipping', () => {
    expect(quoteRefund(makeOrder({ status: 'shipped', shippedAt: new Date() }))).toMatchObject({ shippingFen: 0, refundFen: 5550, full: true })
    expect(quoteRefund(makeOrder({ status: 'completed', shippedAt: new Date() }))).toMatchObject({ shippingFen: 0, full: true })
  })
  test('chosen lines are priced from the order, never include shipping unless they take everything left', () => {
    expect(quoteRefund(makeOrder(), [{ skuId: 'tea', quantity: 2 }])).toEqual({ lines: [{ productId: 'tea', skuId: 'tea', quantity: 2, amountFen: 2000 }], shippingFen: 0, refundFen: 2000, full: false })
    const afterFirst = makeOrder({ refunds: [{ state: 'succeeded', shippingFen: 0, lines: [{ productId: 'tea', skuId: 'tea', quantity: 2, amountFen: 2000 }] }] })
    expect(quoteRefund(afterFirst, [{ skuId: 'tea', quantity: 1 }, { skuId: 'cup', quantity: 1 }])).toMatchObject({ refundFen: 1000 + 2550 + 800, shippingFen: 800, full: true })
  })
  test.each([
    ['more units than the line', [{ skuId: 'tea', quantity: 4 }]],
    ['a product not on the order', [{ skuId: 'pot', quantity: 1 }]],
    ['a repeated product adding up to more than the line', [{ skuId: 'tea', quantity: 2 }, { skuId: 'tea', quantity: 2 }]],
  ])('refuses %s', (_name, lines) => {
    expect(() => quoteRefund(makeOrder(), lines)).toThrow(RefundError)
  })
  test('units refunded, approved or requested are taken; rejected and withdrawn ones are free again', () => {
    const taken = (state: string) => makeOrder({ refunds: [{ state, shippingFen: 0, lines: [{ productId: 'tea', skuId: 'tea', quantity: 3, amountFen: 3000 }] }] })
    for (const state of ['succeeded', 'approved', 'requested']) expect(() => quoteRefund(taken(state), [{ skuId: 'tea', quantity: 1 }])).toThrow(RefundError)
    for (const state of ['rejected', 'withdrawn']) expect(quoteRefund(taken(state), [{ skuId: 'tea', quantity: 1 }]).refundFen).toBe(1000)
    const everything = makeOrder({ refunds: [{ state: 'succeeded', shippingFen: 800, lines: [{ productId: 'tea', skuId: 'tea', quantity: 3, amountFen: 3000 }, { productId: 'cup', skuId: 'cup', quantity: 1, amountFen: 2550 }] }] })
    expect(() => quoteRefund(everything)).toThrow(RefundError)
  })
  test('a line whose units cost nothing has nothing to refund', () => {
    expect(() => quoteRefund(makeOrder({ lines: [line('gift', 0, 1), line('tea', 1000, 1)] }), [{ skuId: 'gift', quantity: 1 }])).toThrow(RefundError)
  })

  test('property: refunding a line unit by unit in any steps returns exactly its amount, never more, each step within 1 fen per unit of its share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 40 }), (quantity, amountFen, steps) => {
        let done = 0
        let paid = 0
        for (const step of steps) {
          const q = Math.min(step, quantity - done)
          if (q <= 0) break
          const part = unitsAmount({ amountFen, quantity }, done, q)
          expect(Math.abs(part - (amountFen * q) / quantity)).toBeLessThanOrEqual(q)
          paid += part
          done += q
        }
        if (done === quantity) expect(paid).toBe(amountFen)
        else expect(paid).toBeLessThanOrEqual(amountFen)
      }),
    )
  })
})

describe('transitions the after-sale uses', () => {
  test.each([
    ['paid', 'refund_requested'], ['shipped', 'refund_requested'], ['completed', 'refund_requested'],
    ['refund_requested', 'paid'], ['refund_requested', 'shipped'], ['refund_requested', 'completed'], ['refund_requested', 'refunded'],
  ] as const)('%s -> %s', (from, to) => expect(canTransition(from, to)).toBe(true))
  test.each([['refunded', 'refund_requested'], ['pending_payment', 'refund_requested'], ['cancelled', 'refund_requested'], ['refund_requested', 'cancelled']] as const)('not %s -> %s', (from, to) => expect(canTransition(from, to)).toBe(false))
})

describe('the value recompute', () => {
  type Step = { kind: 'pay'; advanceHours: number; amountFen: number } | { kind: 'refund'; pick: number; share: number; full: boolean }
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('pay' as const), advanceHours: fc.integer({ min: 0, max: 24 * 20 }), amountFen: fc.integer({ min: 1, max: 200_000 }) }),
    fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), share: fc.double({ min: 0.01, max: 1, noNaN: true }), full: fc.boolean() }),
  )

  test('property: after any sequence of payments and refunds, the incrementally kept statistics equal the recompute from the orders', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 0, 1) }), fc.array(step, { minLength: 1, maxLength: 40 }), (start, steps) => {
        const orders: Array<{ paidAt: number; totalFen: number; refundedFen: number; fullyRefunded: boolean }> = []
        // what the customer document holds: the paid transition's incremental update, the refund's recompute
        let stats: CustomerStats | null = null
        let spendFen = 0
        let paidOrders = 0
        let now = start
        for (const s of steps) {
          if (s.kind === 'pay') {
            now += s.advanceHours * 3600_000
            const day = storeDayOf(now)
            const recordDay = stats && dayNumber(stats.lastPurchaseDay) > dayNumber(day) ? stats.lastPurchaseDay : day
            stats = recordPurchaseDay(stats, 'c', recordDay, s.amountFen)
            spendFen += s.amountFen
            paidOrders += 1
            orders.push({ paidAt: now, totalFen: s.amountFen, refundedFen: 0, fullyRefunded: false })
          } else {
            const open = orders.filter((o) => !o.fullyRefunded)
            if (open.length === 0) continue
            const order = open[s.pick % open.length]
            const left = order.totalFen - order.refundedFen
            const amount = s.full ? left : Math.max(1, Math.min(left, Math.floor(left * s.share)))
            order.refundedFen += amount
            order.fullyRefunded = s.full || order.refundedFen === order.totalFen
            ;({ stats, spendFen, paidOrders } = customerValueFromOrders('c', orders))
          }
          const recomputed = customerValueFromOrders('c', orders)
          expect(stats).toEqual(recomputed.stats)
          expect(spendFen).toBe(recomputed.spendFen)
          expect(paidOrders).toBe(recomputed.paidOrders)
        }
      }),
      { numRuns: 300 },
    )
  }, 30_000)

  test('a fully refunded order is no purchase; a partly refunded one counts with what was kept, on its paid day', () => {
    const d = (iso: string) => new Date(iso)
    const value = customerValueFromOrders('c', [
      { paidAt: d('2026-03-01T04:00:00Z'), totalFen: 5000, refundedFen: 0, fullyRefunded: false },
      { paidAt: d('2026-03-05T04:00:00Z'), totalFen: 8000, refundedFen: 8000, fullyRefunded: true },
      { paidAt: d('2026-03-09T04:00:00Z'), totalFen: 3000, refundedFen: 1000, fullyRefunded: false },
    ])
    expect(value).toEqual({ stats: { customerId: 'c', firstPurchaseDay: '2026-03-01', lastPurchaseDay: '2026-03-09', repeatPurchaseDays: 1, firstDaySpendFen: 5000, repeatSpendFen: 2000 }, spendFen: 7000, paidOrders: 2, refundedOrders: 1 })
    expect(customerValueFromOrders('c', [{ paidAt: d('2026-03-01T04:00:00Z'), totalFen: 5000, refundedFen: 5000, fullyRefunded: true }])).toEqual({ stats: null, spendFen: 0, paidOrders: 0, refundedOrders: 1 })
  })
})
