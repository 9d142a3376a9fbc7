/**
 * The buyer's value under concurrency: refunds of two orders of one buyer settling at once, a
 * payment and a refund of one buyer at once, and random sequences of payments and refunds through
 * the real functions; the stored statistics always equal the recompute from the orders, and the
 * recorded spend equals what was paid minus what was refunded.
 */
import fc from 'fast-check'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { addProduct, attributionOf, confirmPayment, createAndPay, customer, ordersAs, requestId, simulatedPayment, storedOrder } from './helpers'
import { configureAfterSale, ok, owner, paidOrder, payControl, valueFromStoredOrders, waitForOrder } from './after-sale-helpers'

let t: TestCloud
beforeAll(async () => {
  configureAfterSale()
  t = await startTestCloud({ seed: true })
  await addProduct(t, { _id: 'p-bulk', name: 'bulk tea', priceFen: 1500, stock: 100000 })
  await t.db.collection('sellers').doc('s_as_conc').set({ openid: 'o-as-conc-seller', shortCode: 'asconc', status: 'active', name: 'concurrency seller' })
})
afterAll(() => t.stop())

const asWeChat = { source: 'wx_paycallback' }

/** Requests and approves a refund with its notification held back; answers the notification. */
async function approvedHeld(openid: string, orderId: string, lines?: Array<{ skuId: string; quantity: number }>) {
  await ok(ordersAs(t, openid)('refund.request', { orderId, requestId: requestId(), reason: 'x', ...(lines ? { lines } : {}) }))
  await payControl(t, 'refundNotifications', { hold: true })
  try {
    await ok(owner(t)('admin.refund.approve', { orderId, restock: false }))
  } finally {
    await payControl(t, 'refundNotifications', { hold: false })
  }
  const sim = await simulatedPayment(t, orderId)
  return sim.refunds[sim.refunds.length - 1].notification
}

async function expectValueMatchesOrders(openid: string) {
  const recomputed = await valueFromStoredOrders(t, openid)
  const stored = (await customer(t, openid)) ?? {}
  expect({ stats: stored.stats ?? null, spendFen: stored.spendFen ?? 0, paidOrders: stored.paidOrders ?? 0, refundedOrders: stored.refundedOrders ?? 0 }).toEqual(recomputed)
}

test('refunds of two orders of one buyer settling at once both count, once each', async () => {
  await t.db.collection('customers').doc('o-cc-amy').set({ sellerId: 's_as_conc' })
  const a = await paidOrder(t, 'o-cc-amy', [{ skuId: 'p-bulk', quantity: 4 }])
  await t.cloud.clock.advance(26 * 3600_000)
  const b = await paidOrder(t, 'o-cc-amy', [{ skuId: 'p-bulk', quantity: 2 }])
  const before = await attributionOf(t, 's_as_conc')
  const na = await approvedHeld('o-cc-amy', a._id, [{ skuId: 'p-bulk', quantity: 1 }])
  const nb = await approvedHeld('o-cc-amy', b._id)
  const answers: any[] = await Promise.all([...Array(4)].flatMap(() => [t.invoke('refundCallback', na, asWeChat), t.invoke('refundCallback', nb, asWeChat)]))
  expect(answers.every((x) => x.errcode === 0)).toBe(true)
  expect(await storedOrder(t, a._id)).toMatchObject({ status: 'paid', refundedFen: 1500 })
  expect(await storedOrder(t, b._id)).toMatchObject({ status: 'refunded', refundedFen: b.totalFen })
  await expectValueMatchesOrders('o-cc-amy')
  expect(await customer(t, 'o-cc-amy')).toMatchObject({ paidOrders: 1, spendFen: a.totalFen - 1500 })
  expect(await attributionOf(t, 's_as_conc')).toEqual({ orders: before.orders - 1, revenue: before.revenue - 1500 - b.totalFen })
}, 30_000)

test('a payment and a refund of one buyer at once: both kept, the statistics equal the recompute', async () => {
  for (let round = 0; round < 3; round++) {
    const openid = `o-cc-ben-${round}`
    const first = await paidOrder(t, openid, [{ skuId: 'p-bulk', quantity: 3 }])
    await t.cloud.clock.advance(25 * 3600_000)
    const note = await approvedHeld(openid, first._id, [{ skuId: 'p-bulk', quantity: 1 }])
    const { order: second } = await createAndPay(t, openid, [{ skuId: 'p-bulk', quantity: 1 }])
    const [refunded, paid]: any[] = await Promise.all([t.invoke('refundCallback', note, asWeChat), confirmPayment(t, second._id)])
    expect(refunded.errcode).toBe(0)
    expect(paid.delivered).toBe(true)
    await expectValueMatchesOrders(openid)
    expect(await customer(t, openid)).toMatchObject({ paidOrders: 2, spendFen: first.totalFen - 1500 + second.totalFen })
  }
}, 30_000)

test('property: random payments and refunds through the functions keep the buyer’s statistics equal to the recompute and the spend equal to paid minus refunded', async () => {
  let run = 0
  const op = fc.oneof(
    fc.record({ kind: fc.constant('pay' as const), quantity: fc.integer({ min: 1, max: 8 }), hours: fc.integer({ min: 0, max: 60 }) }),
    fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), units: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }) }),
  )
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 6 }), async (ops) => {
      const openid = `o-cc-prop-${++run}`
      const orders: Array<{ _id: string; totalFen: number; quantity: number; refundedUnits: number }> = []
      let paidFen = 0
      let refundedFen = 0
      for (const o of ops) {
        if (o.kind === 'pay') {
          await t.cloud.clock.advance(o.hours * 3600_000)
          const order = await paidOrder(t, openid, [{ skuId: 'p-bulk', quantity: o.quantity }])
          orders.push({ _id: order._id, totalFen: order.totalFen, quantity: o.quantity, refundedUnits: 0 })
          paidFen += order.totalFen
        } else {
          const open = orders.filter((x) => x.refundedUnits < x.quantity)
          if (open.length === 0) continue
          const order = open[o.pick % open.length]
          const units = o.units === undefined ? undefined : Math.min(o.units, order.quantity - order.refundedUnits)
          const asked = await ok(ordersAs(t, openid)('refund.request', { orderId: order._id, requestId: requestId(), reason: 'p', ...(units ? { lines: [{ skuId: 'p-bulk', quantity: units }] } : {}) }))
          await ok(owner(t)('admin.refund.approve', { orderId: order._id, restock: true }))
          await waitForOrder(t, order._id, (d) => d.refunds.at(-1).state === 'succeeded')
          order.refundedUnits += asked.refund.lines[0].quantity
          refundedFen += asked.refund.refundFen
        }
        await expectValueMatchesOrders(openid)
      }
      const kept = orders.filter((x) => x.refundedUnits < x.quantity)
      const stored = (await customer(t, openid)) ?? { spendFen: 0, paidOrders: 0 }
      // spend counts what was kept of orders still purchases (a fully refunded order's unrefunded shipping is not spend)
      const fullyRefundedShipping = (await Promise.all(orders.filter((x) => x.refundedUnits === x.quantity).map(async (x) => { const d = await storedOrder(t, x._id); return d.totalFen - d.refundedFen }))).reduce((a, b) => a + b, 0)
      expect(stored.spendFen).toBe(paidFen - refundedFen - fullyRefundedShipping)
      expect(stored.paidOrders).toBe(kept.length)
    }),
    { numRuns: 5 },
  )
}, 60_000)
