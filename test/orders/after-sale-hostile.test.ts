/** Malformed and hostile events against the after-sale actions and refundCallback: only typed refusals, never INTERNAL, nothing written. */
import fc from 'fast-check'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { configureAfterSale, OWNER, paidOrder } from './after-sale-helpers'

let t: TestCloud
let victim: any
beforeAll(async () => {
  configureAfterSale()
  t = await startTestCloud({ seed: true })
  victim = await paidOrder(t, 'o-hostile-victim', [{ skuId: 'p-soap', quantity: 2 }])
})
afterAll(() => t.stop())

const EXPECTED = new Set(['INVALID_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'ORDER_NOT_FOUND', 'INVALID_TRANSITION', 'REFUND_INVALID', 'CONFLICT'])
const ACTIONS = ['confirmReceipt', 'afterSale', 'refund.request', 'refund.withdraw', 'subscribe.templates', 'subscribe.accept', 'admin.list', 'admin.counts', 'admin.detail', 'admin.ship', 'admin.refund.approve', 'admin.refund.reject']
/** Answers that may legitimately succeed with hostile-but-valid data: reads. */
const READS = new Set(['subscribe.templates', 'admin.list', 'admin.counts', 'admin.detail', 'afterSale'])

async function snapshot() {
  const [orders, products, customers, subscriptions] = await Promise.all([
    t.db.collection('orders').limit(1000).get(),
    t.db.collection('products').get(),
    t.db.collection('customers').limit(1000).get(),
    t.db.collection('subscriptions').count().catch(() => ({ total: 0 })),
  ])
  return { orders: JSON.stringify(orders.data), products: JSON.stringify(products.data), customers: JSON.stringify(customers.data), subscriptions: subscriptions.total }
}

const hostile = () =>
  fc.oneof(
    fc.anything(),
    fc.constantFrom(null, '', -1, 0, 1.5, 1e308, '$where', { $gt: '' }, { _id: { $ne: null } }, [{ productId: { $ne: '' }, quantity: 1 }], 'p-soap', victim._id, `${victim._id}-R1`, true, 'ZTO', '../../etc', 'x'.repeat(300)),
  )

test('every after-sale action refuses malformed or hostile data with a typed code and writes nothing', async () => {
  const before = await snapshot()
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...ACTIONS),
      fc.oneof(
        hostile(),
        fc.record({ orderId: hostile(), requestId: hostile(), reason: hostile(), lines: hostile(), restock: hostile() }, { requiredKeys: [] }),
        fc.record({ orderId: fc.constant(victim._id), carrier: hostile(), trackingNo: hostile(), status: hostile(), cursor: hostile(), pageSize: hostile(), templateIds: hostile() }, { requiredKeys: [] }),
        fc.record({ orderId: fc.constant(victim._id), requestId: fc.constant('hostile-request-1'), reason: fc.constant('x'), lines: fc.array(fc.record({ skuId: hostile(), quantity: hostile() }), { maxLength: 3 }) }),
      ),
      fc.constantFrom(undefined, 'o-fuzz', 'o-demo-seller-lin'),
      async (actionName, data, openid) => {
        const res: any = await t.invoke('orders', { action: actionName, data }, openid ? { openid } : {})
        if (res.ok) {
          expect(READS.has(actionName)).toBe(true)
          return
        }
        expect(EXPECTED.has(res.code)).toBe(true)
      },
    ),
    { numRuns: 400 },
  )
  expect(await snapshot()).toEqual(before)
}, 120_000)

test('the owner’s actions with hostile data on no real order refuse with typed codes and write nothing', async () => {
  const before = await snapshot()
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('admin.list', 'admin.counts', 'admin.detail', 'admin.ship', 'admin.refund.approve', 'admin.refund.reject'),
      fc.record({ orderId: fc.oneof(fc.anything(), fc.string({ maxLength: 40 })), carrier: hostile(), trackingNo: hostile(), status: hostile(), statuses: fc.oneof(hostile(), fc.array(hostile(), { maxLength: 3 })), cursor: fc.oneof(fc.string(), hostile()), pageSize: hostile(), restock: hostile(), reason: hostile() }, { requiredKeys: [] }),
      async (actionName, data) => {
        if ((data as any).orderId === victim._id) return
        const res: any = await t.invoke('orders', { action: actionName, data }, { openid: OWNER })
        if (res.ok) {
          expect(READS.has(actionName)).toBe(true)
          return
        }
        expect(EXPECTED.has(res.code)).toBe(true)
      },
    ),
    { numRuns: 300 },
  )
  expect(await snapshot()).toEqual(before)
}, 120_000)

test('refundCallback answers a non-zero errcode to anything that is not a genuine refund notification, and writes nothing', async () => {
  const before = await snapshot()
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        hostile(),
        fc.record({ returnCode: fc.oneof(fc.constant('SUCCESS'), hostile()), reqInfo: fc.oneof(hostile(), fc.record({ outTradeNo: fc.oneof(fc.constant(victim._id), hostile()), outRefundNo: hostile(), refundId: hostile(), transactionId: hostile(), totalFee: fc.oneof(fc.constant(victim.totalFen), hostile()), refundFee: hostile(), refundStatus: fc.oneof(fc.constantFrom('SUCCESS', 'CHANGE', 'REFUNDCLOSE'), hostile()) }, { requiredKeys: [] })) }, { requiredKeys: [] }),
      ),
      fc.constantFrom('wx_paycallback', 'wx_client', 'scf'),
      async (event, source) => {
        const answer: any = await t.invoke('refundCallback', event, { source, openid: 'o-fuzz' })
        expect(typeof answer.errcode).toBe('number')
        expect(answer.errcode).not.toBe(0)
      },
    ),
    { numRuns: 300 },
  )
  expect(await snapshot()).toEqual(before)
}, 120_000)
