/** WeChat Pay through the local simulator and the real `payCallback`: the paid transition, duplicates, forgeries, late payments and expiry. */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { attributionOf, confirmPayment, createAndPay, customer, ordersAs, requestId, simulatedPayment, sku, storedOrder, units } from './helpers'

let t: TestCloud
beforeAll(async () => {
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

/** A notification exactly as WeChat sends it for a paid order. */
function notificationFor(order: { _id: string; totalFen: number }, openid: string, over: Record<string, unknown> = {}) {
  return {
    returnCode: 'SUCCESS', resultCode: 'SUCCESS', appid: 'wx0000000000000000', mchId: '1900000100', subMchId: '1900000109', nonceStr: 'n0nce',
    openid, subOpenid: openid, isSubscribe: 'N', tradeType: 'JSAPI', bankType: 'OTHERS', feeType: 'CNY',
    totalFee: order.totalFen, cashFee: order.totalFen, transactionId: `4200${order._id.slice(1, 20)}`, outTradeNo: order._id, timeEnd: '20261127120000',
    ...over,
  }
}

const asWeChat = (openid: string) => ({ source: 'wx_paycallback', openid })

describe('the pay path', () => {
  test('pay answers wx.requestPayment params; confirming marks the order paid, stock sold, the customer’s purchase recorded', async () => {
    const { order, payment } = await createAndPay(t, 'o-dora', [{ skuId: 'p-longjing', quantity: 1 }])
    expect(payment).toMatchObject({ appId: expect.any(String), timeStamp: expect.any(String), nonceStr: expect.any(String), package: expect.stringMatching(/^prepay_id=/), signType: 'MD5', paySign: expect.any(String) })
    expect((await storedOrder(t, order._id)).status).toBe('pending_payment')

    const confirmed = await confirmPayment(t, order._id)
    expect(confirmed).toMatchObject({ state: 'SUCCESS', delivered: true, deliveries: 1 })
    const paid = await storedOrder(t, order._id)
    expect(paid).toMatchObject({ status: 'paid', transactionId: expect.any(String) })
    expect(await sku(t, 'p-longjing')).toMatchObject({ stock: 119, reserved: 0, sold: 1, holds: [] })
    const dora = await customer(t, 'o-dora')
    expect(dora.stats).toMatchObject({ customerId: 'o-dora', repeatPurchaseDays: 0, firstDaySpendFen: order.totalFen, repeatSpendFen: 0 })
    expect(dora.score).toMatchObject({ customerId: 'o-dora', segment: expect.any(String) })
    expect(dora).toMatchObject({ paidOrders: 1, spendFen: order.totalFen })

    const detail = await ordersAs(t, 'o-dora')('detail', { orderId: order._id })
    expect(detail).toMatchObject({ ok: true, data: { order: { status: 'paid', paidAt: expect.any(Number) } } })
    expect(await ordersAs(t, 'o-dora')('cancel', { orderId: order._id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
  })

  test('a second purchase on a later day is a repeat purchase-day; the referrer snapshotted at creation is credited', async () => {
    await t.db.createCollection('sellers').catch(() => undefined) // declared by the referral part
    await t.db.collection('sellers').doc('s_test').set({ openid: 'o-seller', shortCode: 'test', status: 'active', name: 'test seller' })
    await t.db.collection('customers').doc('o-erin').set({ sellerId: 's_test' })
    const first = await createAndPay(t, 'o-erin', [{ skuId: 'p-walnut', quantity: 1 }])
    await confirmPayment(t, first.order._id)
    await t.cloud.clock.advance(3 * 24 * 3600_000)
    const second = await createAndPay(t, 'o-erin', [{ skuId: 'p-soap', quantity: 1 }])
    expect((await storedOrder(t, second.order._id)).sellerId).toBe('s_test')
    await confirmPayment(t, second.order._id)
    const erin = await customer(t, 'o-erin')
    expect(erin).toMatchObject({ sellerId: 's_test', paidOrders: 2, spendFen: first.order.totalFen + second.order.totalFen })
    expect(erin.stats).toMatchObject({ repeatPurchaseDays: 1, firstDaySpendFen: first.order.totalFen, repeatSpendFen: second.order.totalFen })
    expect(await attributionOf(t, 's_test')).toEqual({ orders: 2, revenue: first.order.totalFen + second.order.totalFen })
  })

  test('an order whose seller record is gone (a hand-edited database) is still paid; the seller is not recreated', async () => {
    await t.db.collection('customers').doc('o-gina').set({ sellerId: 's_ghost' })
    const { order } = await createAndPay(t, 'o-gina', [{ skuId: 'p-walnut', quantity: 1 }])
    expect((await confirmPayment(t, order._id)).delivered).toBe(true)
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'paid', sellerId: 's_ghost', stockHeld: false })
    expect(await customer(t, 'o-gina')).toMatchObject({ paidOrders: 1, spendFen: order.totalFen })
    expect((await t.db.collection('sellers').doc('s_ghost').get()).data).toEqual([])
  })

  test('each notification delivered 10 times in parallel is counted once', async () => {
    const buyers = ['o-p1', 'o-p2', 'o-p3']
    const orders = await Promise.all(buyers.map((b) => createAndPay(t, b, [{ skuId: 'p-pu-erh', quantity: 2 }])))
    const before = await sku(t, 'p-pu-erh')
    const answers = await Promise.all(
      orders.flatMap(({ order }, i) => Array.from({ length: 10 }, () => t.invoke('payCallback', notificationFor(order, buyers[i]), asWeChat(buyers[i])))),
    )
    expect(answers.every((a: any) => a.errcode === 0)).toBe(true)
    for (const [i, { order }] of orders.entries()) {
      expect(await storedOrder(t, order._id)).toMatchObject({ status: 'paid' })
      expect(await customer(t, buyers[i])).toMatchObject({ paidOrders: 1, spendFen: order.totalFen, stats: { firstDaySpendFen: order.totalFen, repeatSpendFen: 0 } })
    }
    expect(await sku(t, 'p-pu-erh')).toMatchObject({ reserved: (before.reserved ?? 0) - 6, sold: (before.sold ?? 0) + 6 })
    expect(await units(t, 'p-pu-erh')).toBe(80)
  })
})

describe('forged notifications change nothing', () => {
  let order: { _id: string; totalFen: number }
  beforeAll(async () => {
    order = (await createAndPay(t, 'o-fay', [{ skuId: 'p-soap', quantity: 1 }])).order
  })

  afterEach(async () => {
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'pending_payment', transactionId: null })
    expect(await customer(t, 'o-fay')).toBeUndefined()
  })

  test('from a client (or any source but WeChat Pay)', async () => {
    for (const source of ['wx_client', 'scf', 'wx_trigger', 'wx_http']) {
      expect(((await t.invoke('payCallback', notificationFor(order, 'o-fay'), { source, openid: 'o-fay' })) as any).errcode).not.toBe(0)
    }
  })

  test('with the wrong amount, currency or result', async () => {
    for (const over of [{ totalFee: 1 }, { totalFee: order.totalFen + 1 }, { feeType: 'USD' }, { resultCode: 'FAIL' }, { returnCode: 'FAIL' }, { totalFee: '3800' }]) {
      expect(((await t.invoke('payCallback', notificationFor(order, 'o-fay', over), asWeChat('o-fay'))) as any).errcode).not.toBe(0)
    }
  })

  test('for an unknown order', async () => {
    const answer: any = await t.invoke('payCallback', notificationFor({ _id: 'o-does-not-exist', totalFen: order.totalFen }, 'o-fay'), asWeChat('o-fay'))
    expect(answer.errcode).not.toBe(0)
    expect(await storedOrder(t, 'o-does-not-exist')).toBeUndefined()
  })

  test('the client cannot mark an order paid through orders either', async () => {
    expect(await ordersAs(t, 'o-fay')('markPaid', { orderId: order._id })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})

describe('late payments and expiry', () => {
  test('a payment that arrives for a cancelled order is refunded automatically, once', async () => {
    const { order } = await createAndPay(t, 'o-gus', [{ skuId: 'p-walnut', quantity: 2 }])
    // WeChat took the money but the notification is late; meanwhile the order was cancelled.
    await confirmPayment(t, order._id, false)
    await t.db.collection('orders').doc(order._id).update({ status: 'cancelled' })
    const delivered = await confirmPayment(t, order._id)
    expect(delivered.delivered).toBe(true)
    const sim = await simulatedPayment(t, order._id)
    expect(sim).toMatchObject({ state: 'REFUND', refunds: [{ refundFee: order.totalFen }] })
    expect(await t.invoke('payCallback', notificationFor(order, 'o-gus', { transactionId: sim.transactionId }), asWeChat('o-gus'))).toMatchObject({ errcode: 0 })
    expect((await simulatedPayment(t, order._id)).refunds).toHaveLength(1)
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'cancelled', lateRefund: { refundFee: order.totalFen } })
    expect(await customer(t, 'o-gus')).toBeUndefined()
  })

  test('the expiry timer closes the WeChat Pay order, cancels expired unpaid orders and releases their stock; paid ones stay', async () => {
    const expiring = await createAndPay(t, 'o-hal', [{ skuId: 'p-jujube', quantity: 2 }])
    const paid = await createAndPay(t, 'o-hal', [{ skuId: 'p-jujube', quantity: 1 }])
    await confirmPayment(t, paid.order._id)
    expect(await sku(t, 'p-jujube')).toMatchObject({ stock: 2, reserved: 2, sold: 1 })

    // not yet expired: the timer leaves it
    expect(await t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: new Date().toISOString(), Message: '' }, { source: 'wx_trigger' })).toMatchObject({ cancelled: 0 })
    // a client cannot run the timer
    await t.cloud.clock.advance(31 * 60_000)
    expect(await t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: '', Message: '' }, { source: 'wx_client', openid: 'o-hal' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect((await storedOrder(t, expiring.order._id)).status).toBe('pending_payment')

    const run: any = await t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: new Date().toISOString(), Message: '' }, { source: 'wx_trigger' })
    expect(run.cancelled).toBeGreaterThanOrEqual(1)
    expect(await storedOrder(t, expiring.order._id)).toMatchObject({ status: 'cancelled', cancelReason: 'expired' })
    expect((await storedOrder(t, paid.order._id)).status).toBe('paid')
    expect(await sku(t, 'p-jujube')).toMatchObject({ stock: 4, reserved: 0, sold: 1 })
    expect(await simulatedPayment(t, expiring.order._id)).toMatchObject({ state: 'CLOSED' })
    // WeChat refuses to take money for a closed order
    await expect(confirmPayment(t, expiring.order._id)).rejects.toThrow(/409/)
    expect(await ordersAs(t, 'o-hal')('pay', { orderId: expiring.order._id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
  })

  test('once WeChat has taken the money, the buyer cannot cancel; a notification that never came is settled by the timer from queryOrder, once', async () => {
    const { order } = await createAndPay(t, 'o-jon', [{ skuId: 'p-soap', quantity: 1 }])
    await confirmPayment(t, order._id, false)
    expect(await ordersAs(t, 'o-jon')('cancel', { orderId: order._id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    await t.cloud.clock.advance(31 * 60_000)
    const run: any = await t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: new Date().toISOString(), Message: '' }, { source: 'wx_trigger' })
    expect(run.settled).toBeGreaterThanOrEqual(1)
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'paid', stockHeld: false, transactionId: (await simulatedPayment(t, order._id)).transactionId })
    // the notification arrives after all: a duplicate
    expect(await confirmPayment(t, order._id)).toMatchObject({ delivered: true, deliveries: 1 })
    expect(await customer(t, 'o-jon')).toMatchObject({ paidOrders: 1, spendFen: order.totalFen })
  })

  test('a cancellation that stopped before releasing its stock is released by the next timer run, exactly once', async () => {
    const before = await sku(t, 'p-longjing')
    const created: any = await ordersAs(t, 'o-ivy')('create', { requestId: requestId(), lines: [{ skuId: 'p-longjing', quantity: 5 }] })
    // the status write happened, then the function died
    await t.db.collection('orders').doc(created.data.order._id).update({ status: 'cancelled' })
    const timer = () => t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: new Date().toISOString(), Message: '' }, { source: 'wx_trigger' })
    const runs: any[] = await Promise.all([timer(), timer()])
    expect(runs.reduce((n, r) => n + r.recovered, 0)).toBeGreaterThanOrEqual(1)
    expect(await timer()).toMatchObject({ recovered: 0 })
    const after = await sku(t, 'p-longjing')
    expect({ stock: after.stock, reserved: after.reserved ?? 0 }).toEqual({ stock: before.stock, reserved: before.reserved ?? 0 })
    expect(await storedOrder(t, created.data.order._id)).toMatchObject({ status: 'cancelled', stockHeld: false })
  })

  test('stock reserved by a create that died before writing its order goes back once no order can still claim it', async () => {
    const _ = t.db.command
    const before = await sku(t, 'p-walnut')
    // what create's reservation wrote before the function died
    await t.db.collection('skus').where({ _id: 'p-walnut', stock: _.gte(4) }).update({ stock: _.inc(-4), reserved: _.inc(4), holds: _.push({ holdId: 'o-never-written-1', orderId: 'o-never-written', quantity: 4, at: new Date(t.cloud.clock.now()) }) })
    const timer = () => t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: new Date().toISOString(), Message: '' }, { source: 'wx_trigger' }) as Promise<any>
    await timer()
    expect((await sku(t, 'p-walnut')).reserved).toBe((before.reserved ?? 0) + 4)
    await t.cloud.clock.advance(36 * 60_000)
    const runs = await Promise.all([timer(), timer()])
    expect(runs.reduce((n, r) => n + r.recovered, 0)).toBeGreaterThanOrEqual(1)
    const after: any = await sku(t, 'p-walnut')
    expect({ stock: after.stock, reserved: after.reserved ?? 0 }).toEqual({ stock: before.stock, reserved: before.reserved ?? 0 })
    expect(after.holds.map((h: any) => h.orderId)).not.toContain('o-never-written')
  })

  test('the timer fires from config.json on the local clock', async () => {
    const timed = await startTestCloud({ seed: true, timers: true })
    try {
      const created: any = await ordersAs(timed, 'o-ida')('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 3 }] })
      expect((await sku(timed, 'p-soap')).reserved).toBe(3)
      await timed.cloud.clock.advance(31 * 60_000)
      // the trigger runs on its own; wait until the order no longer holds stock
      for (let i = 0; i < 200 && (await storedOrder(timed, created.data.order._id)).stockHeld; i++) await new Promise((r) => setTimeout(r, 25))
      expect(await storedOrder(timed, created.data.order._id)).toMatchObject({ status: 'cancelled', cancelReason: 'expired', stockHeld: false })
      expect(await sku(timed, 'p-soap')).toMatchObject({ stock: 60, reserved: 0 })
    } finally {
      await timed.stop()
    }
  })
})
