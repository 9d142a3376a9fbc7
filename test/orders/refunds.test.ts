/**
 * Refunds end to end: the buyer asks, the owner decides, WeChat Pay (simulated) refunds and
 * notifies refundCallback; the refund is final only on that notification, counted once however
 * often or concurrently it arrives, and forged ones change nothing.
 */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { attributionOf, customer, ordersAs, requestId, simulatedPayment, storedOrder, units } from './helpers'
import { sellerAccount } from '../commissions/helpers'
import { configureAfterSale, ok, outbox, owner, paidOrder, payControl, product, runTimer, seller, TEMPLATES, valueFromStoredOrders, waitForOrder } from './after-sale-helpers'

// each test drives several functions and waits for WeChat's asynchronous notifications; the machine is shared
jest.setTimeout(30_000)

let t: TestCloud
beforeAll(async () => {
  configureAfterSale()
  t = await startTestCloud({ seed: true })
  await t.db.collection('sellers').doc('s_as_refund').set({ openid: 'o-as-refund-seller', shortCode: 'asrefund', status: 'active', name: 'refund seller' })
})
afterAll(() => t.stop())

const asWeChat = { source: 'wx_paycallback' }
const refundOf = (t: TestCloud, openid: string) => ordersAs(t, openid)

async function bindToSeller(openid: string) {
  await t.db.collection('customers').doc(openid).set({ sellerId: 's_as_refund' })
}

/** Requests, approves and waits for WeChat's notification to settle the refund. */
async function refundThrough(openid: string, orderId: string, restock: boolean, lines?: Array<{ skuId: string; quantity: number }>) {
  const asked = await ok(refundOf(t, openid)('refund.request', { orderId, requestId: requestId(), reason: '不想要了', ...(lines ? { lines } : {}) }))
  const approved = await ok(owner(t)('admin.refund.approve', { orderId, restock }))
  expect(approved.submitted).toBe(true)
  const no = asked.refund.outRefundNo
  const order = await waitForOrder(t, orderId, (o) => o.refunds.find((r: any) => r.outRefundNo === no).state === 'succeeded' && !(o.stockReturnsDue ?? []).includes(no))
  return { refund: asked.refund, order }
}

const sellerTotals = () => attributionOf(t, 's_as_refund')

describe('the seller’s commission', () => {
  test('a partial refund takes back the commission on the refunded goods, the rest refunded takes back all of it, once each', async () => {
    await bindToSeller('o-rf-cora')
    const order = await paidOrder(t, 'o-rf-cora', [{ skuId: 'p-soap', quantity: 3 }]) // 3 x 28.00 goods
    const entry = async () => (await t.db.collection('commissions').doc(`c_${order._id}`).get()).data[0]
    const account = () => sellerAccount(t, 's_as_refund')
    const credited = await entry()
    expect(credited).toMatchObject({ sellerId: 's_as_refund', baseFen: 8400, amountFen: 840, status: 'pending' }) // the default 10 %
    const pendingBefore = (await account()).pendingFen

    const first = await refundThrough('o-rf-cora', order._id, false, [{ skuId: 'p-soap', quantity: 1 }])
    expect(await entry()).toMatchObject({ reversedFen: 280, status: 'pending', refunds: [{ refundId: first.refund.outRefundNo, goodsFen: 2800, reversedFen: 280 }] })
    expect((await account()).pendingFen).toBe(pendingBefore - 280)
    // the notification again changes nothing
    expect(await payControl(t, 'notifyRefund', { outRefundNo: first.refund.outRefundNo })).toMatchObject({ delivered: true })
    expect((await entry()).reversedFen).toBe(280)

    await refundThrough('o-rf-cora', order._id, false)
    expect(await entry()).toMatchObject({ reversedFen: 840, status: 'reversed' })
    expect((await account()).pendingFen).toBe(pendingBefore - 840)
  })
})

describe('a payment notification replayed after a refund', () => {
  test('the same notification, or one with another transaction, changes nothing: the order stays refunded, spend, credit and stock stay', async () => {
    await bindToSeller('o-rf-rex')
    const order = await paidOrder(t, 'o-rf-rex', [{ skuId: 'p-jujube', quantity: 1 }])
    await refundThrough('o-rf-rex', order._id, true)
    const snapshot = async () => ({
      order: await storedOrder(t, order._id),
      customer: await customer(t, 'o-rf-rex'),
      seller: await seller(t, 's_as_refund'),
      entry: (await t.db.collection('commissions').doc(`c_${order._id}`).get()).data[0],
      sku: await product(t, 'p-jujube'),
    })
    const before = await snapshot()
    expect(before.order.status).toBe('refunded')
    const notification = { returnCode: 'SUCCESS', resultCode: 'SUCCESS', outTradeNo: order._id, totalFee: order.totalFen, feeType: 'CNY', transactionId: before.order.transactionId }
    const replays = await Promise.all([1, 2, 3].map(() => t.invoke('payCallback', notification, asWeChat)))
    for (const r of replays) expect(r).toEqual({ errcode: 0, errmsg: 'OK' }) // a duplicate is acknowledged
    const another = (await t.invoke('payCallback', { ...notification, transactionId: '4200000000000000000000000001' }, asWeChat)) as { errcode: number }
    expect(another.errcode).not.toBe(0) // refused: the order is refunded, with another payment
    expect(await snapshot()).toEqual(before)
  })
})

describe('a whole order refunded before shipment', () => {
  test('the amount includes shipping; final on the notification: refunded, stock back, the buyer’s value recomputed, the seller’s attribution reversed exactly', async () => {
    await bindToSeller('o-rf-amy')
    const before = await sellerTotals()
    const stockBefore = await product(t, 'p-walnut')
    const order = await paidOrder(t, 'o-rf-amy', [{ skuId: 'p-walnut', quantity: 1 }]) // 45.90 + 10 shipping
    expect(order.shippingFen).toBe(1000)
    expect(await sellerTotals()).toEqual({ orders: before.orders + 1, revenue: before.revenue + order.totalFen })
    await ok(ordersAs(t, 'o-rf-amy')('subscribe.accept', { templateIds: [TEMPLATES.refunded] }))

    const asked = await ok(refundOf(t, 'o-rf-amy')('refund.request', { orderId: order._id, requestId: requestId(), reason: '拍错了' }))
    expect(asked.refund).toMatchObject({ state: 'requested', refundFen: order.totalFen, shippingFen: 1000, full: true, from: 'paid', outRefundNo: `${order._id}-R1` })
    expect(asked.order.status).toBe('refund_requested')
    // nothing is final before WeChat's notification
    await payControl(t, 'refundNotifications', { hold: true })
    const approved = await ok(owner(t)('admin.refund.approve', { orderId: order._id, restock: true }))
    expect(approved).toMatchObject({ submitted: true, order: { status: 'refund_requested', refunds: [{ state: 'approved', restock: true }] } })
    expect(await customer(t, 'o-rf-amy')).toMatchObject({ paidOrders: 1, spendFen: order.totalFen })
    expect((await simulatedPayment(t, order._id)).refunds).toEqual([expect.objectContaining({ outRefundNo: `${order._id}-R1`, refundFee: order.totalFen })])
    await payControl(t, 'refundNotifications', { hold: false })
    expect(await payControl(t, 'notifyRefund', { outRefundNo: `${order._id}-R1` })).toMatchObject({ delivered: true, deliveries: 1 })

    const done = await storedOrder(t, order._id)
    expect(done).toMatchObject({ status: 'refunded', refundedFen: order.totalFen, refunds: [{ state: 'succeeded', refundId: expect.any(String) }], stockReturnsDue: [] })
    const stockAfter = await product(t, 'p-walnut')
    expect({ stock: stockAfter.stock, sold: stockAfter.sold ?? 0 }).toEqual({ stock: stockBefore.stock, sold: stockBefore.sold ?? 0 })
    const amy = await customer(t, 'o-rf-amy')
    expect(amy).toMatchObject({ paidOrders: 0, refundedOrders: 1, spendFen: 0 })
    expect(amy.stats).toBeUndefined()
    expect(amy.score).toBeUndefined()
    expect(await sellerTotals()).toEqual(before)
    const messages = (await outbox(t, 'subscribeMessage.send')).filter((e) => e.request.touser === 'o-rf-amy')
    expect(messages.map((m) => m.request.templateId)).toEqual([TEMPLATES.refunded])
    // a refunded order cannot be refunded or shipped again
    expect(await refundOf(t, 'o-rf-amy')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'again' })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(await owner(t)('admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: '12345678' })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
  })
})

describe('chosen lines, after shipment', () => {
  test('a partial refund goes back to shipped keeping the refunded amount; a second refund of the rest makes it refunded; shipping stays; each step recomputes and reverses exactly', async () => {
    await bindToSeller('o-rf-bo')
    const first = await paidOrder(t, 'o-rf-bo', [{ skuId: 'p-soap', quantity: 1 }])
    await t.cloud.clock.advance(2 * 24 * 3600_000)
    const before = await sellerTotals()
    const order = await paidOrder(t, 'o-rf-bo', [{ skuId: 'p-soap', quantity: 3 }, { skuId: 'p-jujube', quantity: 1 }]) // 84 + 39.90 = 123.90, free shipping
    expect(order.shippingFen).toBe(0)
    await ok(owner(t)('admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: 'ZT55550001' }))
    const soldBefore = (await product(t, 'p-soap')).sold

    const { refund } = await refundThrough('o-rf-bo', order._id, false, [{ skuId: 'p-soap', quantity: 2 }])
    expect(refund).toMatchObject({ refundFen: 5600, shippingFen: 0, full: false, from: 'shipped' })
    let stored = await storedOrder(t, order._id)
    expect(stored).toMatchObject({ status: 'shipped', refundedFen: 5600 })
    expect((await product(t, 'p-soap')).sold).toBe(soldBefore) // the goods do not come back
    expect(await customer(t, 'o-rf-bo')).toMatchObject({ paidOrders: 2, spendFen: first.totalFen + order.totalFen - 5600 })
    expect((await customer(t, 'o-rf-bo')).stats).toEqual((await valueFromStoredOrders(t, 'o-rf-bo')).stats)
    expect((await customer(t, 'o-rf-bo')).stats).toMatchObject({ repeatPurchaseDays: 1, repeatSpendFen: order.totalFen - 5600 })
    expect(await sellerTotals()).toEqual({ orders: before.orders + 1, revenue: before.revenue + order.totalFen - 5600 })

    // the same units cannot be refunded twice; more than is left is refused; a product not on the order too
    expect(await refundOf(t, 'o-rf-bo')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x', lines: [{ skuId: 'p-soap', quantity: 2 }] })).toMatchObject({ ok: false, code: 'REFUND_INVALID', data: { skuId: 'p-soap' } })
    expect(await refundOf(t, 'o-rf-bo')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x', lines: [{ skuId: 'p-longjing', quantity: 1 }] })).toMatchObject({ ok: false, code: 'REFUND_INVALID' })

    // the rest, with the goods back: every unit refunded -> refunded; shipping was not refunded (already shipped)
    const rest = await refundThrough('o-rf-bo', order._id, true)
    expect(rest.refund).toMatchObject({ refundFen: 2800 + 3990, full: true, lines: [{ skuId: 'p-soap', quantity: 1 }, { skuId: 'p-jujube', quantity: 1 }] })
    stored = rest.order
    expect(stored).toMatchObject({ status: 'refunded', refundedFen: order.totalFen })
    expect((await product(t, 'p-soap')).sold).toBe(soldBefore - 1)
    const bo = await customer(t, 'o-rf-bo')
    expect(bo).toMatchObject({ paidOrders: 1, spendFen: first.totalFen, stats: { repeatPurchaseDays: 0, firstDaySpendFen: first.totalFen, repeatSpendFen: 0 } })
    expect(bo.score).toMatchObject({ customerId: 'o-rf-bo' })
    expect(await sellerTotals()).toEqual(before)
    expect((await simulatedPayment(t, order._id)).refunds.map((r: any) => r.refundFee)).toEqual([5600, 6790])
  })
})

describe('who may do what', () => {
  test('a buyer cannot refund another’s order, decide a refund, or send an amount; strict schemas', async () => {
    const order = await paidOrder(t, 'o-rf-cy', [{ skuId: 'p-soap', quantity: 1 }])
    expect(await refundOf(t, 'o-rf-dee')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'mine?' })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' })
    expect(await refundOf(t, 'o-rf-cy')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x', refundFen: 1 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await refundOf(t, 'o-rf-cy')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x', lines: [{ productId: 'p-soap', skuId: 'p-soap', quantity: 1, amountFen: 99999 }] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await refundOf(t, 'o-rf-cy')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x', lines: [{ skuId: 'p-soap', quantity: 2 }] })).toMatchObject({ ok: false, code: 'REFUND_INVALID' })
    const asked = await ok(refundOf(t, 'o-rf-cy')('refund.request', { orderId: order._id, requestId: 'same-request-1', reason: 'x' }))
    // a retry answers the same refund; a second request while one is open is refused
    expect(await refundOf(t, 'o-rf-cy')('refund.request', { orderId: order._id, requestId: 'same-request-1', reason: 'x' })).toMatchObject({ ok: true, data: { refund: { outRefundNo: asked.refund.outRefundNo } } })
    expect(await refundOf(t, 'o-rf-cy')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'y' })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(await refundOf(t, 'o-rf-cy')('admin.refund.approve', { orderId: order._id, restock: true })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await refundOf(t, 'o-rf-dee')('refund.withdraw', { orderId: order._id })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' })
    expect((await storedOrder(t, order._id)).refunds).toHaveLength(1)
    expect(await simulatedPayment(t, order._id)).toMatchObject({ state: 'SUCCESS', refunds: [] })
  })

  test('withdrawn or rejected, the order goes back to where it came from and may be asked again; decisions only while waiting', async () => {
    const order = await paidOrder(t, 'o-rf-ed', [{ skuId: 'p-soap', quantity: 2 }])
    await ok(owner(t)('admin.ship', { orderId: order._id, carrier: 'YD', trackingNo: 'YD12345678' }))
    await ok(refundOf(t, 'o-rf-ed')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x' }))
    expect((await ok(refundOf(t, 'o-rf-ed')('refund.withdraw', { orderId: order._id }))).order).toMatchObject({ status: 'shipped', refunds: [{ state: 'withdrawn' }] })
    expect(await refundOf(t, 'o-rf-ed')('refund.withdraw', { orderId: order._id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(await owner(t)('admin.refund.approve', { orderId: order._id, restock: true })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    await ok(refundOf(t, 'o-rf-ed')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'y', lines: [{ skuId: 'p-soap', quantity: 1 }] }))
    const rejected = await ok(owner(t)('admin.refund.reject', { orderId: order._id, reason: '已超过退货期' }))
    expect(rejected.order).toMatchObject({ status: 'shipped', refunds: [{ state: 'withdrawn' }, { state: 'rejected', rejectReason: '已超过退货期', outRefundNo: `${order._id}-R2` }] })
    // the buyer may still confirm receipt, or ask again (a new number)
    const again = await ok(refundOf(t, 'o-rf-ed')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'z', lines: [{ skuId: 'p-soap', quantity: 2 }] }))
    expect(again.refund).toMatchObject({ outRefundNo: `${order._id}-R3`, refundFen: 5600 })
    await ok(owner(t)('admin.refund.approve', { orderId: order._id, restock: false }))
    expect(await refundOf(t, 'o-rf-ed')('refund.withdraw', { orderId: order._id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(await owner(t)('admin.refund.reject', { orderId: order._id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    await waitForOrder(t, order._id, (o) => o.status === 'refunded')
  })

  test('shipping and a refund request at once: a request computed before the shipping (shipping fee included, from paid) never lands on a shipped order', async () => {
    for (let round = 0; round < 4; round++) {
      const openid = `o-rf-shiprace-${round}`
      const order = await paidOrder(t, openid, [{ skuId: 'p-walnut', quantity: 1 }]) // below free shipping: the fee is at stake
      const [shipped, asked]: any[] = await Promise.all([
        owner(t)('admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: `ZT7000${round}001` }),
        refundOf(t, openid)('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x' }),
      ])
      expect(shipped.ok || asked.ok).toBe(true)
      for (const lost of [shipped, asked].filter((r) => !r.ok)) expect(['CONFLICT', 'INVALID_TRANSITION']).toContain(lost.code)
      const stored = await storedOrder(t, order._id)
      if (asked.ok && shipped.ok) expect(asked.data.refund).toMatchObject({ from: 'shipped', shippingFen: 0 })
      if (asked.ok && !shipped.ok) expect(asked.data.refund).toMatchObject({ from: 'paid', shippingFen: 1000 })
      if (stored.shippedAt) expect((stored.refunds ?? []).every((r: any) => r.shippingFen === 0)).toBe(true)
    }
  })

  test('approve and reject at once: exactly one decision wins', async () => {
    for (let round = 0; round < 4; round++) {
      const order = await paidOrder(t, `o-rf-race-${round}`, [{ skuId: 'p-soap', quantity: 1 }])
      await ok(refundOf(t, `o-rf-race-${round}`)('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x' }))
      const [approve, reject]: any[] = await Promise.all([owner(t)('admin.refund.approve', { orderId: order._id, restock: true }), owner(t)('admin.refund.reject', { orderId: order._id })])
      expect([approve.ok, reject.ok].filter(Boolean)).toHaveLength(1)
      for (const lost of [approve, reject].filter((r) => !r.ok)) expect(['CONFLICT', 'INVALID_TRANSITION']).toContain(lost.code)
      const pay = await simulatedPayment(t, order._id)
      if (approve.ok) {
        await waitForOrder(t, order._id, (o) => o.status === 'refunded')
        expect(pay.refunds).toHaveLength(1)
      } else {
        expect(await storedOrder(t, order._id)).toMatchObject({ status: 'paid', refunds: [{ state: 'rejected' }] })
        expect(pay.refunds).toHaveLength(0)
      }
    }
  })
})

describe('WeChat’s refund notification', () => {
  /** An approved refund whose notification is held back; answers the order and the notification WeChat would send. */
  async function approvedHeld(openid: string, lines?: Array<{ skuId: string; quantity: number }>, bind = false) {
    if (bind) await bindToSeller(openid)
    const order = await paidOrder(t, openid, [{ skuId: 'p-pu-erh', quantity: 2 }])
    await ok(refundOf(t, openid)('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x', ...(lines ? { lines } : {}) }))
    await payControl(t, 'refundNotifications', { hold: true })
    try {
      await ok(owner(t)('admin.refund.approve', { orderId: order._id, restock: true }))
    } finally {
      await payControl(t, 'refundNotifications', { hold: false })
    }
    const sim = await simulatedPayment(t, order._id)
    return { order, notification: sim.refunds[0].notification }
  }

  test('forged ones change nothing: a client’s, a wrong amount, another payment, an unknown refund, a refund never approved', async () => {
    const { order, notification } = await approvedHeld('o-rf-fox')
    const snapshot = async () => ({ order: await storedOrder(t, order._id), customer: await customer(t, 'o-rf-fox'), stock: await product(t, 'p-pu-erh') })
    const before = await snapshot()
    const info = notification.reqInfo
    const forged: Array<[unknown, any]> = [
      [notification, { source: 'wx_client', openid: 'o-rf-fox' }],
      [notification, { source: 'scf' }],
      [{ ...notification, reqInfo: { ...info, refundFee: info.refundFee - 1 } }, asWeChat],
      [{ ...notification, reqInfo: { ...info, refundFee: info.refundFee + 100 } }, asWeChat],
      [{ ...notification, reqInfo: { ...info, totalFee: info.totalFee + 1 } }, asWeChat],
      [{ ...notification, reqInfo: { ...info, transactionId: '4200000000000000000000000001' } }, asWeChat],
      [{ ...notification, reqInfo: { ...info, outRefundNo: `${order._id}-R9` } }, asWeChat],
      [{ ...notification, reqInfo: { ...info, outTradeNo: 'o-unknown-order' } }, asWeChat],
      [{ ...notification, returnCode: 'FAIL' }, asWeChat],
      [{ ...notification, reqInfo: { ...info, refundFee: String(info.refundFee) } }, asWeChat],
      [{ ...notification, reqInfo: undefined }, asWeChat],
    ]
    for (const [event, caller] of forged) expect(((await t.invoke('refundCallback', event, caller)) as any).errcode).not.toBe(0)
    // a refund the owner never approved: requested only
    const other = await paidOrder(t, 'o-rf-fox', [{ skuId: 'p-soap', quantity: 1 }])
    await ok(refundOf(t, 'o-rf-fox')('refund.request', { orderId: other._id, requestId: requestId(), reason: 'x' }))
    const sneaky = { ...notification, reqInfo: { ...info, outTradeNo: other._id, outRefundNo: `${other._id}-R1`, totalFee: other.totalFen, refundFee: other.totalFen, transactionId: other.transactionId } }
    expect(((await t.invoke('refundCallback', sneaky, asWeChat)) as any).errcode).not.toBe(0)
    expect(await storedOrder(t, other._id)).toMatchObject({ status: 'refund_requested', refunds: [{ state: 'requested' }] })
    const after = await snapshot()
    expect(after.order).toEqual(before.order)
    expect(after.stock).toEqual(before.stock)
    expect({ ...after.customer, paidOrders: undefined, spendFen: undefined, stats: undefined, score: undefined, lastPaidAt: undefined }).toEqual({ ...before.customer, paidOrders: undefined, spendFen: undefined, stats: undefined, score: undefined, lastPaidAt: undefined })
    // the genuine one still settles
    expect(await t.invoke('refundCallback', notification, asWeChat)).toMatchObject({ errcode: 0 })
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'refunded' })
  })

  test('delivered 10 times in parallel (and again by the simulator) it counts once: order, customer, seller and stock', async () => {
    const sellerBefore = await sellerTotals()
    const unitsBefore = await units(t, 'p-pu-erh')
    const { order, notification } = await approvedHeld('o-rf-gus', [{ skuId: 'p-pu-erh', quantity: 1 }], true)
    const stockBefore = await product(t, 'p-pu-erh')
    const answers: any[] = await Promise.all(Array.from({ length: 10 }, () => t.invoke('refundCallback', notification, asWeChat)))
    expect(answers.every((a) => a.errcode === 0)).toBe(true)
    expect(await payControl(t, 'notifyRefund', { outRefundNo: notification.reqInfo.outRefundNo })).toMatchObject({ delivered: true })
    const stored = await storedOrder(t, order._id)
    expect(stored).toMatchObject({ status: 'paid', refundedFen: 12900, refunds: [{ state: 'succeeded' }], stockReturnsDue: [] })
    const stockAfter = await product(t, 'p-pu-erh')
    expect(stockAfter.stock).toBe(stockBefore.stock + 1)
    expect(stockAfter.sold).toBe(stockBefore.sold - 1)
    expect(await units(t, 'p-pu-erh')).toBe(unitsBefore)
    expect(await customer(t, 'o-rf-gus')).toMatchObject({ paidOrders: 1, spendFen: order.totalFen - 12900 })
    expect((await customer(t, 'o-rf-gus')).stats).toEqual((await valueFromStoredOrders(t, 'o-rf-gus')).stats)
    expect(await sellerTotals()).toEqual({ orders: sellerBefore.orders + 1, revenue: sellerBefore.revenue + order.totalFen - 12900 })
  })

  test('a stock return a crash interrupted (refund recorded, goods not yet back) is finished once by the timer or a redelivery', async () => {
    const { order, notification } = await approvedHeld('o-rf-hana')
    const before = await product(t, 'p-pu-erh')
    expect(await t.invoke('refundCallback', notification, asWeChat)).toMatchObject({ errcode: 0 })
    // undo the return as if the function died after the transaction, before returnStock
    const _ = t.db.command
    const no = notification.reqInfo.outRefundNo
    await t.db.collection('products').doc('p-pu-erh').update({ stock: _.inc(-2), sold: _.inc(2), returnedRefunds: _.pull(`${no}:p-pu-erh`) })
    await t.db.collection('orders').doc(order._id).update({ stockReturnsDue: [no] })
    const runs = await Promise.all([runTimer(t), runTimer(t), t.invoke('refundCallback', notification, asWeChat)])
    expect(runs[2]).toMatchObject({ errcode: 0 })
    const after = await product(t, 'p-pu-erh')
    expect({ stock: after.stock, sold: after.sold }).toEqual({ stock: before.stock + 2, sold: before.sold - 2 })
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'refunded', stockReturnsDue: [] })
    await runTimer(t)
    expect((await product(t, 'p-pu-erh')).stock).toBe(before.stock + 2)
  })

  test('a refund WeChat reports closed (REFUNDCLOSE) changes nothing but is submitted again under the same number, then settles once', async () => {
    const { order, notification } = await approvedHeld('o-rf-jo')
    const customerBefore = await customer(t, 'o-rf-jo')
    const closed = { ...notification, reqInfo: { ...notification.reqInfo, refundStatus: 'REFUNDCLOSE' } }
    expect(await t.invoke('refundCallback', closed, asWeChat)).toMatchObject({ errcode: 0 })
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'refund_requested', refundDue: true, refunds: [{ state: 'approved' }] })
    expect(await customer(t, 'o-rf-jo')).toEqual(customerBefore)
    // the timer submits it again; WeChat (the simulator) notifies the outcome
    expect((await runTimer(t)).afterSale.refundsSubmitted).toBeGreaterThanOrEqual(1)
    await waitForOrder(t, order._id, (o) => o.status === 'refunded' && o.refundDue === false)
    expect((await simulatedPayment(t, order._id)).refunds).toHaveLength(1)
    expect(await customer(t, 'o-rf-jo')).toMatchObject({ paidOrders: 0, spendFen: 0 })
  })

  test('WeChat Pay refusing the refund keeps the approval; the timer submits it again under the same number, refunded once', async () => {
    const order = await paidOrder(t, 'o-rf-ivo', [{ skuId: 'p-soap', quantity: 1 }])
    await ok(refundOf(t, 'o-rf-ivo')('refund.request', { orderId: order._id, requestId: requestId(), reason: 'x' }))
    await payControl(t, 'failures', { api: 'refund', count: 1, errCode: 'SYSTEMERROR' })
    const approved = await ok(owner(t)('admin.refund.approve', { orderId: order._id, restock: true }))
    expect(approved).toMatchObject({ submitted: false, order: { status: 'refund_requested', refunds: [{ state: 'approved' }] } })
    expect(await storedOrder(t, order._id)).toMatchObject({ refundDue: true })
    expect(await simulatedPayment(t, order._id)).toMatchObject({ refunds: [] })
    const runs = await Promise.all([runTimer(t), runTimer(t)])
    expect(runs.reduce((n, r) => n + r.afterSale.refundsSubmitted, 0)).toBeGreaterThanOrEqual(1)
    await waitForOrder(t, order._id, (o) => o.status === 'refunded')
    expect((await simulatedPayment(t, order._id)).refunds).toHaveLength(1)
    expect(await storedOrder(t, order._id)).toMatchObject({ refundDue: false, refundedFen: order.totalFen })
  })
})
