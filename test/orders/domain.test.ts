/** The order domain: transition table, pricing, shipping rule and largest-remainder proration. */
import fc from 'fast-check'
import { assertTransition, canTransition, OrderTransitionError, PricingError, prorate, quoteOrder, shippingFee, shippingRuleFrom, DEFAULT_SHIPPING_RULE, type PricedProduct, type PricedSku } from '../../domain/order'
import type { OrderStatus } from '../../typings/orders'

const makeProduct = (over: Partial<PricedProduct> = {}): PricedProduct => ({ _id: 'p1', name: '龙井', onSale: true, ...over })
const makeSku = (over: Partial<PricedSku> = {}): PricedSku => ({ _id: 'p1', productId: 'p1', priceFen: 1000, stock: 10, onSale: true, ...over })

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

  test('lines snapshot the product’s name and cover, the SKU’s spec and price; repeated SKUs merge; totals in fen', () => {
    const quote = quoteOrder(
      [{ skuId: 'a', quantity: 1 }, { skuId: 'b-500g', quantity: 2 }, { skuId: 'a', quantity: 2 }, { skuId: 'b-250g', quantity: 1 }],
      [makeSku({ _id: 'a', productId: 'a', priceFen: 1990 }), makeSku({ _id: 'b-500g', productId: 'b', priceFen: 500, spec: '500g' }), makeSku({ _id: 'b-250g', productId: 'b', priceFen: 300, spec: '250g' })],
      [makeProduct({ _id: 'a', name: 'A' }), makeProduct({ _id: 'b', name: 'B', images: ['cloud://env.bucket/b.png', 'cloud://env.bucket/b2.png'] })],
      rule,
    )
    expect(quote.lines).toEqual([
      { productId: 'a', skuId: 'a', name: 'A', spec: '', priceFen: 1990, quantity: 3, amountFen: 5970 },
      { productId: 'b', skuId: 'b-500g', name: 'B', spec: '500g', priceFen: 500, quantity: 2, amountFen: 1000, image: 'cloud://env.bucket/b.png' },
      { productId: 'b', skuId: 'b-250g', name: 'B', spec: '250g', priceFen: 300, quantity: 1, amountFen: 300, image: 'cloud://env.bucket/b.png' },
    ])
    expect(quote).toMatchObject({ itemsFen: 7270, shippingFen: 1000, totalFen: 8270 })
  })

  test('free shipping from the threshold', () => {
    expect(quoteOrder([{ skuId: 'p1', quantity: 10 }], [makeSku({ priceFen: 990 })], [makeProduct()], rule)).toMatchObject({ itemsFen: 9900, shippingFen: 0, totalFen: 9900 })
  })

  test.each<[string, PricedSku[], PricedProduct[], string, string]>([
    ['a missing SKU is PRODUCT_UNAVAILABLE', [], [makeProduct()], 'PRODUCT_UNAVAILABLE', ''],
    ['a SKU whose product is missing is PRODUCT_UNAVAILABLE', [makeSku()], [], 'PRODUCT_UNAVAILABLE', 'p1'],
    ['an off-sale SKU is PRODUCT_UNAVAILABLE', [makeSku({ onSale: false })], [makeProduct()], 'PRODUCT_UNAVAILABLE', 'p1'],
    ['an off-sale product is PRODUCT_UNAVAILABLE', [makeSku()], [makeProduct({ onSale: false })], 'PRODUCT_UNAVAILABLE', 'p1'],
    ['a SKU without a whole price is PRODUCT_UNAVAILABLE', [makeSku({ priceFen: 9.5 })], [makeProduct()], 'PRODUCT_UNAVAILABLE', 'p1'],
    ['too little stock is OUT_OF_STOCK', [makeSku({ stock: 1 })], [makeProduct()], 'OUT_OF_STOCK', 'p1'],
  ])('%s, naming the SKU and its product', (_name, skus, products, code, productId) => {
    try {
      quoteOrder([{ skuId: 'p1', quantity: 2 }], skus, products, rule)
      throw new Error('expected a PricingError')
    } catch (err) {
      expect(err).toBeInstanceOf(PricingError)
      expect(err).toMatchObject({ code, productId, skuId: 'p1' })
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
