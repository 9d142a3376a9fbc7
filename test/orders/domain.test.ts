/** The order domain: transition table, pricing, shipping rule and largest-remainder proration. */
import fc from 'fast-check'
import { assertTransition, canTransition, OrderTransitionError, PricingError, prorate, quoteOrder, shippingFee, shippingRuleFrom, DEFAULT_SHIPPING_RULE, type PricedProduct } from '../../domain/order'
import type { OrderStatus } from '../../typings/orders'

const makeProduct = (over: Partial<PricedProduct> = {}): PricedProduct => ({ _id: 'p1', name: '龙井', priceFen: 1000, stock: 10, onSale: true, ...over })

describe('order transitions', () => {
  test.each<[OrderStatus, OrderStatus, boolean]>([
    ['pending_payment', 'paid', true],
    ['pending_payment', 'cancelled', true],
    ['paid', 'shipped', true],
    ['shipped', 'completed', true],
    ['paid', 'cancelled', false],
    ['cancelled', 'paid', false],
    ['pending_payment', 'shipped', false],
    ['completed', 'pending_payment', false],
    ['refunded', 'paid', false],
  ])('%s -> %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed)
    if (allowed) expect(() => assertTransition(from, to)).not.toThrow()
    else expect(() => assertTransition(from, to)).toThrow(OrderTransitionError)
  })
})

describe('shipping rule', () => {
  test.each([
    [{ flatFeeFen: 800, freeFromFen: 5000 }, 4999, 800],
    [{ flatFeeFen: 800, freeFromFen: 5000 }, 5000, 0],
    [{ flatFeeFen: 800, freeFromFen: null }, 1_000_000, 800],
    [{ flatFeeFen: 800, freeFromFen: 5000 }, 0, 0],
  ])('rule %j on %i fen of goods costs %i', (rule, items, fee) => {
    expect(shippingFee(items, rule)).toBe(fee)
  })

  test('missing or malformed settings fall back to the default rule', () => {
    expect(shippingRuleFrom(null)).toEqual(DEFAULT_SHIPPING_RULE)
    expect(shippingRuleFrom({ shipping: { flatFeeFen: -1, freeFromFen: 1.5 } })).toEqual(DEFAULT_SHIPPING_RULE)
    expect(shippingRuleFrom({ shipping: { flatFeeFen: 0, freeFromFen: null } })).toEqual({ flatFeeFen: 0, freeFromFen: null })
  })
})

describe('quote', () => {
  const rule = { flatFeeFen: 1000, freeFromFen: 9900 }

  test('lines snapshot name, spec and price; repeated products merge; totals in fen', () => {
    const quote = quoteOrder(
      [{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 2 }, { productId: 'a', quantity: 2 }],
      [makeProduct({ _id: 'a', name: 'A', priceFen: 1990 }), makeProduct({ _id: 'b', name: 'B', priceFen: 500, spec: '500g' })],
      rule,
    )
    expect(quote.lines).toEqual([
      { productId: 'a', name: 'A', spec: '', priceFen: 1990, quantity: 3, amountFen: 5970 },
      { productId: 'b', name: 'B', spec: '500g', priceFen: 500, quantity: 2, amountFen: 1000 },
    ])
    expect(quote).toMatchObject({ itemsFen: 6970, shippingFen: 1000, totalFen: 7970 })
  })

  test('free shipping from the threshold', () => {
    expect(quoteOrder([{ productId: 'p1', quantity: 10 }], [makeProduct({ priceFen: 990 })], rule)).toMatchObject({ itemsFen: 9900, shippingFen: 0, totalFen: 9900 })
  })

  test.each<[string, PricedProduct[], string]>([
    ['a missing product is PRODUCT_UNAVAILABLE', [], 'PRODUCT_UNAVAILABLE'],
    ['an off-sale product is PRODUCT_UNAVAILABLE', [makeProduct({ onSale: false })], 'PRODUCT_UNAVAILABLE'],
    ['too little stock is OUT_OF_STOCK', [makeProduct({ stock: 1 })], 'OUT_OF_STOCK'],
  ])('%s', (_name, products, code) => {
    try {
      quoteOrder([{ productId: 'p1', quantity: 2 }], products, rule)
      throw new Error('expected a PricingError')
    } catch (err) {
      expect(err).toBeInstanceOf(PricingError)
      expect((err as PricingError).code).toBe(code)
    }
  })
})

describe('prorate', () => {
  test.each<[number, number[], number[]]>([
    [100, [1, 1, 1], [34, 33, 33]],
    [10, [0, 0], [5, 5]],
    [1000, [3990, 16800], [192, 808]],
    [0, [1, 2], [0, 0]],
    [-100, [1, 1, 1], [-34, -33, -33]],
  ])('prorate(%i, %j) = %j', (total, weights, parts) => {
    expect(prorate(total, weights)).toEqual(parts)
  })

  test('parts are whole fen, within 1 fen of the exact share, and add up to the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }), (total, weights) => {
        const parts = prorate(total, weights)
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total)
        const sum = weights.reduce((a, b) => a + b, 0)
        parts.forEach((part, i) => {
          expect(Number.isInteger(part)).toBe(true)
          const exact = sum === 0 ? total / weights.length : (total * weights[i]) / sum
          expect(Math.abs(part - exact)).toBeLessThan(1)
        })
      }),
    )
  })
})
