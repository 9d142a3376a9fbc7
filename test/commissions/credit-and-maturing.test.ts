/** The credit in the paid transition (once per order, whatever WeChat replays) and the maturing timer (once, however often it runs). */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { attributionOf, ordersAs, requestId } from '../orders/helpers'
import { configureOwner, DAY, openShare } from '../referral/helpers'
import { commissionsAs, completeOrder, entryOf, expectLedgerConsistent, paidOrder, runTimer, sellerAccount, sellerWithBuyer, setTerms } from './helpers'

jest.setTimeout(60_000)

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

/** A notification exactly as WeChat sends it for an order it took the money for. */
function notificationFor(order: { _id: string; totalFen: number; transactionId: string; _openid: string }) {
  return {
    returnCode: 'SUCCESS', resultCode: 'SUCCESS', appid: 'wx0000000000000000', mchId: '1900000100', subMchId: '1900000109', nonceStr: 'n0nce',
    openid: order._openid, subOpenid: order._openid, isSubscribe: 'N', tradeType: 'JSAPI', bankType: 'OTHERS', feeType: 'CNY',
    totalFee: order.totalFen, cashFee: order.totalFen, transactionId: order.transactionId, outTradeNo: order._id, timeEnd: '20261127120000',
  }
}

describe('the credit in the paid transition', () => {
  afterEach(() => setTerms(t, { rateBps: 1000, coolingOffDays: 7 }))

  test('a paid order of a bound buyer credits its seller: goods value as base (shipping excluded), the rate snapshotted, rounded down to the fen, pending', async () => {
    await setTerms(t, { rateBps: 333, coolingOffDays: 3 })
    const { seller, buyer } = await sellerWithBuyer(t, 'credit')
    const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 1 }])
    expect(order).toMatchObject({ status: 'paid', itemsFen: 4590, shippingFen: 1000, sellerId: seller.sellerId })
    // 4590 x 333 / 10000 = 152.847 -> 152
    expect(await entryOf(t, order._id)).toMatchObject({ sellerId: seller.sellerId, orderId: order._id, status: 'pending', baseFen: 4590, rateBps: 333, amountFen: 152, coolingOffDays: 3, reversedFen: 0, refunds: [] })
    expect(await sellerAccount(t, seller.sellerId)).toEqual({ creditedFen: 152, pendingFen: 152, balanceFen: 0, requestedFen: 0, withdrawnFen: 0, reversedFen: 0 })
    // the hot seller document is not written by the payment: the pending entry counts by itself
    expect((await t.db.collection('sellers').doc(seller.sellerId).get()).data[0]).not.toHaveProperty('commission')
    // a rate changed after the sale does not change its entry
    await setTerms(t, { rateBps: 2000, coolingOffDays: 3 })
    expect((await entryOf(t, order._id)).rateBps).toBe(333)
    await expectLedgerConsistent(t, seller.sellerId)
  })

  test('the paid notification replayed 10 times in parallel, and a forged one with another transaction, credit once', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'replay')
    const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 3 }])
    const replays = await Promise.all(Array.from({ length: 10 }, () => t.invoke('payCallback', notificationFor(order), { source: 'wx_paycallback', openid: buyer })))
    expect(replays.every((a: any) => a.errcode === 0)).toBe(true)
    const forged: any = await t.invoke('payCallback', { ...notificationFor(order), transactionId: '4200forged' }, { source: 'wx_paycallback', openid: buyer })
    expect(forged.errcode).not.toBe(0)
    expect(await entryOf(t, order._id)).toMatchObject({ amountFen: 1377, status: 'pending' })
    expect((await t.db.collection('commissions').where({ orderId: order._id }).count()).total).toBe(1)
    expect(await sellerAccount(t, seller.sellerId)).toMatchObject({ creditedFen: 1377, pendingFen: 1377 })
    expect(await attributionOf(t, seller.sellerId)).toEqual({ orders: 1, revenue: order.totalFen })
  })

  test('parallel purchases by many buyers of one seller each credit once, and the counters add up', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'hot')
    const buyers = [buyer, ...Array.from({ length: 7 }, (_, i) => `${buyer}-friend${i}`)]
    for (const friend of buyers.slice(1)) expect(await openShare(t, friend, seller.code)).toMatchObject({ ok: true, data: { bound: true } })
    const orders = await Promise.all(buyers.map((b) => paidOrder(t, b, [{ skuId: 'p-soap', quantity: 1 }])))
    expect(orders.every((o) => o.status === 'paid')).toBe(true)
    expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ creditedFen: 8 * 280, pendingFen: 8 * 280 })
  })

  test('no entry without a seller, or when the store pays no commission (attribution is still recorded)', async () => {
    const unbound = await paidOrder(t, 'o-buyer-unbound', [{ skuId: 'p-walnut', quantity: 1 }])
    expect(unbound.sellerId).toBeNull()
    expect(await entryOf(t, unbound._id)).toBeUndefined()

    await setTerms(t, { rateBps: 0, coolingOffDays: 7 })
    const { seller, buyer } = await sellerWithBuyer(t, 'norate')
    const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 1 }])
    expect(await entryOf(t, order._id)).toBeUndefined()
    expect(await attributionOf(t, seller.sellerId)).toEqual({ orders: 1, revenue: order.totalFen })
    expect(await sellerAccount(t, seller.sellerId)).toMatchObject({ creditedFen: 0 })
  })
})

describe('maturing', () => {
  test('a credit stays pending until its order is completed plus the cooling-off, then the timer makes it withdrawable once, run twice at once or again', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'mature')
    const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 1 }])
    await t.cloud.clock.advance(8 * DAY)
    await runTimer(t) // paid long ago but not completed: stays pending
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'pending' })

    await completeOrder(t, order._id)
    await t.cloud.clock.advance(7 * DAY - 3600_000)
    await runTimer(t)
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'pending' })
    expect(await sellerAccount(t, seller.sellerId)).toMatchObject({ pendingFen: 459, balanceFen: 0 })

    await t.cloud.clock.advance(2 * 3600_000)
    const runs = await Promise.all([runTimer(t), runTimer(t)])
    expect(runs.reduce((n, r) => n + r.matured, 0)).toBe(1)
    expect(await runTimer(t)).toMatchObject({ matured: 0 })
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'withdrawable', maturedAt: expect.any(Date), checkAfter: null })
    expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ pendingFen: 0, balanceFen: 459 })
    const summary: any = await commissionsAs(t, seller.openid)('summary')
    expect(summary).toMatchObject({ ok: true, data: { summary: { sellerId: seller.sellerId, pendingFen: 0, balanceFen: 459, withdrawableFen: 459, terms: { rateBps: 1000, coolingOffDays: 7 } } } })
  })

  test('an order reopened by a refund request during the cooling-off does not mature until it is completed again', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'reopen')
    const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 1 }])
    await completeOrder(t, order._id)
    // the refund engineer's request moves it to refund_requested; done here by a direct update too
    await t.db.collection('orders').doc(order._id).update({ status: 'refund_requested' })
    await t.cloud.clock.advance(8 * DAY)
    await runTimer(t)
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'pending' })
    await t.db.collection('orders').doc(order._id).update({ status: 'completed' })
    await t.cloud.clock.advance(2 * 3600_000)
    await runTimer(t)
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'withdrawable' })
    await expectLedgerConsistent(t, seller.sellerId)
  })

  test('many due credits of several sellers mature in one run, each once', async () => {
    const a = await sellerWithBuyer(t, 'batch-a')
    const b = await sellerWithBuyer(t, 'batch-b')
    const orders = await Promise.all([
      ...Array.from({ length: 5 }, () => paidOrder(t, a.buyer, [{ skuId: 'p-soap', quantity: 2 }])),
      ...Array.from({ length: 4 }, () => paidOrder(t, b.buyer, [{ skuId: 'p-soap', quantity: 1 }])),
    ])
    for (const o of orders) await completeOrder(t, o._id)
    await t.cloud.clock.advance(7 * DAY + 60_000)
    await Promise.all([runTimer(t), runTimer(t), runTimer(t)])
    for (const o of orders) expect((await entryOf(t, o._id)).status).toBe('withdrawable')
    expect(await expectLedgerConsistent(t, a.seller.sellerId)).toMatchObject({ balanceFen: 5 * 560, pendingFen: 0 })
    expect(await expectLedgerConsistent(t, b.seller.sellerId)).toMatchObject({ balanceFen: 4 * 280, pendingFen: 0 })
  })

  test('the timer event is honoured only from the platform trigger; from a client it is an invalid action', async () => {
    const forged: any = await t.invoke('commissions', { Type: 'Timer', TriggerName: 'matureCommissions', Time: '', Message: '' }, { source: 'wx_client', openid: 'o-demo-owner' })
    expect(forged).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('the timer looks only at due entries through its index', async () => {
    const store = t.cloud.module<any>('database').store
    expect(store.explain('commissions', { status: 'pending', checkAfter: { $lte: new Date() } }, [['checkAfter', 1]])).toMatchObject({ kind: 'index', index: { name: 'status_checkAfter' }, ordered: true })
  })
})

test('a buyer’s order of the catalogue’s own flow still pays without a commission setting stored (defaults: 10 %, 7 days)', async () => {
  await t.db.collection('settings').doc('store').remove()
  const { buyer } = await sellerWithBuyer(t, 'defaults')
  const created: any = await ordersAs(t, buyer)('create', { requestId: requestId(), lines: [{ skuId: 'p-pu-erh', quantity: 1 }] })
  expect(created.ok).toBe(true)
  const order = await paidOrder(t, buyer, [{ skuId: 'p-pu-erh', quantity: 1 }])
  expect(await entryOf(t, order._id)).toMatchObject({ amountFen: 1290, rateBps: 1000, coolingOffDays: 7 })
})
