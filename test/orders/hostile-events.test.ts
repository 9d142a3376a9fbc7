/** Malformed and hostile events against `orders` and `payCallback`: only typed refusals, never INTERNAL, nothing written. */
import fc from 'fast-check'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const EXPECTED = new Set(['INVALID_INPUT', 'UNAUTHENTICATED', 'ORDER_NOT_FOUND', 'PRODUCT_UNAVAILABLE', 'OUT_OF_STOCK', 'INVALID_TRANSITION'])

async function snapshot() {
  const [orders, products, skus, customers] = await Promise.all([
    t.db.collection('orders').count(),
    t.db.collection('products').get(),
    t.db.collection('skus').get(),
    t.db.collection('customers').count(),
  ])
  return { orders: orders.total, products: JSON.stringify(products.data), skus: JSON.stringify(skus.data), customers: customers.total }
}

const hostileValue = fc.oneof(
  fc.anything(),
  fc.constantFrom(null, '', -1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, '$where', { $gt: '' }, { _id: { $ne: null } }, [{ skuId: { $ne: '' }, quantity: 1 }], 'p-longjing\u0000', '../../etc'),
)

test('every orders action refuses malformed data with a typed code and writes nothing', async () => {
  const before = await snapshot()
  const seen = new Set<string>()
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('quote', 'create', 'pay', 'cancel', 'list', 'detail', 'markPaid', '__proto__', 'constructor'),
      fc.oneof(
        hostileValue,
        fc.record({ requestId: hostileValue, lines: hostileValue }, { requiredKeys: [] }),
        fc.record({ orderId: hostileValue, status: hostileValue, page: hostileValue, pageSize: hostileValue }, { requiredKeys: [] }),
        fc.record({ lines: fc.array(fc.record({ skuId: hostileValue, quantity: hostileValue }), { maxLength: 3 }) }),
        fc.record({ lines: fc.array(fc.record({ productId: hostileValue, quantity: hostileValue }), { maxLength: 3 }) }),
      ),
      fc.constantFrom(undefined, 'o-fuzz'),
      async (actionName, data, openid) => {
        const res: any = await t.invoke('orders', { action: actionName, data }, openid ? { openid } : {})
        // a well-formed quote may succeed; nothing else can with this data
        if (res.ok) {
          expect(actionName === 'quote' || actionName === 'list').toBe(true)
          return
        }
        seen.add(res.code)
        expect(EXPECTED.has(res.code)).toBe(true)
      },
    ),
    { numRuns: 300 },
  )
  expect(seen.has('INTERNAL')).toBe(false)
  expect(await snapshot()).toEqual(before)
})

test('payCallback answers a non-zero errcode to anything that is not a genuine notification, and writes nothing', async () => {
  const before = await snapshot()
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(hostileValue, fc.record({ returnCode: hostileValue, resultCode: hostileValue, outTradeNo: hostileValue, totalFee: hostileValue, transactionId: hostileValue, feeType: hostileValue }, { requiredKeys: [] })),
      fc.constantFrom('wx_paycallback', 'wx_client', 'scf'),
      async (event, source) => {
        const answer: any = await t.invoke('payCallback', event, { source, openid: 'o-fuzz' })
        expect(typeof answer.errcode).toBe('number')
        expect(answer.errcode).not.toBe(0)
      },
    ),
    { numRuns: 200 },
  )
  expect(await snapshot()).toEqual(before)
})
