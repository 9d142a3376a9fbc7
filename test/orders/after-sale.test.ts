/** The owner's order desk, shipping and its upload to WeChat, confirm receipt and auto-completion, subscribe messages. */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { createAndPay, ordersAs, storedOrder } from './helpers'
import { configureAfterSale, failNextWeChat, ok, outbox, owner, OWNER, paidOrder, runTimer, TEMPLATES } from './after-sale-helpers'

// each test drives several functions and waits for WeChat's asynchronous notifications; the machine is shared
jest.setTimeout(30_000)

let t: TestCloud
beforeAll(async () => {
  configureAfterSale()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const DAY = 24 * 3600_000
const UPLOAD = 'wxa.sec.order.uploadShippingInfo'
const SEND = 'subscribeMessage.send'

describe('the owner ships a paid order', () => {
  test('paid -> shipped with shippedAt and the parcel; WeChat receives the shipping upload for the payment', async () => {
    const order = await paidOrder(t, 'o-as-ann', [{ skuId: 'p-walnut', quantity: 2 }])
    const shipped = await ok(owner(t)('admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: '75611788998298' }))
    expect(shipped.order).toMatchObject({ status: 'shipped', shippedAt: expect.any(Number), shipping: { carrier: 'ZTO', trackingNo: '75611788998298', uploaded: true }, buyerOpenid: 'o-as-ann' })
    const uploads = (await outbox(t, UPLOAD)).filter((e) => e.request.orderKey.transactionId === order.transactionId)
    expect(uploads).toHaveLength(1)
    expect(uploads[0].request).toMatchObject({
      orderKey: { orderNumberType: 2, transactionId: order.transactionId },
      logisticsType: 1,
      deliveryMode: 1,
      shippingList: [{ trackingNo: '75611788998298', expressCompany: 'ZTO', itemDesc: expect.stringContaining('*2') }],
      uploadTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/),
      payer: { openid: 'o-as-ann' },
    })
    // the same parcel again answers the shipped order; another parcel, or an unpaid order, is refused
    expect(await owner(t)('admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: '75611788998298' })).toMatchObject({ ok: true, data: { order: { status: 'shipped' } } })
    expect(await owner(t)('admin.ship', { orderId: order._id, carrier: 'SF', trackingNo: 'SF1234567890' })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect((await outbox(t, UPLOAD)).filter((e) => e.request.orderKey.transactionId === order.transactionId)).toHaveLength(1)
    const { order: unpaid } = await createAndPay(t, 'o-as-ann', [{ skuId: 'p-soap', quantity: 1 }])
    expect(await owner(t)('admin.ship', { orderId: unpaid._id, carrier: 'ZTO', trackingNo: '1234567' })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(await owner(t)('admin.ship', { orderId: 'o-nothing-here', carrier: 'ZTO', trackingNo: '1234567' })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' })
  })

  test('a buyer, a seller or nobody cannot use the desk; forged fields are refused', async () => {
    const order = await paidOrder(t, 'o-as-ben', [{ skuId: 'p-soap', quantity: 1 }])
    for (const [action, data] of [
      ['admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: '12345678' }],
      ['admin.list', { status: 'paid' }],
      ['admin.detail', { orderId: order._id }],
      ['admin.refund.approve', { orderId: order._id, restock: true }],
      ['admin.refund.reject', { orderId: order._id }],
    ] as const) {
      expect(await ordersAs(t, 'o-as-ben')(action, data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await ordersAs(t, 'o-demo-seller-lin')(action, data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await ordersAs(t)(action, data)).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    }
    // an openid in the event does not make anyone the owner
    expect(await ordersAs(t, 'o-as-ben')('admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: '12345678', openid: OWNER })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await owner(t)('admin.ship', { orderId: order._id, carrier: 'Z T O', trackingNo: '12345678' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await owner(t)('admin.ship', { orderId: order._id, carrier: 'ZTO', trackingNo: '12345678', status: 'completed' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'paid' })
  })

  test('an upload WeChat refuses never un-ships the order; the orders timer uploads it again until WeChat accepts', async () => {
    const order = await paidOrder(t, 'o-as-cat', [{ skuId: 'p-soap', quantity: 2 }])
    await failNextWeChat(t, UPLOAD, 2, 47001)
    const shipped = await ok(owner(t)('admin.ship', { orderId: order._id, carrier: 'YTO', trackingNo: 'YT9876543210' }))
    expect(shipped.order).toMatchObject({ status: 'shipped', shipping: { uploaded: false } })
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'shipped', shippingUploadDue: true, shipping: { attempts: 1, lastError: expect.stringContaining('47001') } })
    expect((await runTimer(t)).afterSale.uploaded).toBe(0) // the second failure
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'shipped', shippingUploadDue: true, shipping: { attempts: 2 } })
    expect((await runTimer(t)).afterSale.uploaded).toBeGreaterThanOrEqual(1)
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'shipped', shippingUploadDue: false, shipping: { uploaded: true } })
    expect((await runTimer(t)).afterSale.uploaded).toBe(0)
    const tries = (await outbox(t, UPLOAD)).filter((e) => e.request.orderKey.transactionId === order.transactionId)
    expect(tries.map((e) => e.errcode)).toEqual([47001, 47001, 0])
  })
})

describe('the owner’s lists', () => {
  test('admin.list pages through one status oldest first by cursor, every order once; admin.detail shows any order', async () => {
    const mine: string[] = []
    for (let i = 0; i < 5; i++) mine.push((await paidOrder(t, `o-as-list-${i}`, [{ skuId: 'p-soap', quantity: 1 }]))._id)
    const seen: string[] = []
    let cursor: string | null | undefined
    let pages = 0
    do {
      const page = await ok(owner(t)('admin.list', { status: 'paid', pageSize: 2, ...(cursor ? { cursor } : {}) }))
      expect(page.orders.length).toBeLessThanOrEqual(2)
      expect(page.orders.every((o: any) => o.status === 'paid')).toBe(true)
      seen.push(...page.orders.map((o: any) => o._id))
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 100)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(expect.arrayContaining(mine))
    // oldest first: mine appear in creation order
    expect(seen.filter((id) => mine.includes(id))).toEqual(mine)
    expect(await owner(t)('admin.list', { status: 'paid', cursor: 'bm90IGEgY3Vyc29y' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await owner(t)('admin.detail', { orderId: mine[0] })).toMatchObject({ ok: true, data: { order: { _id: mine[0], buyerOpenid: 'o-as-list-0', refunds: [] } } })
  })
})

describe('receipt', () => {
  test('the buyer confirms a shipped order: completed with completedAt; not another buyer’s, not an unshipped one', async () => {
    const order = await paidOrder(t, 'o-as-dan', [{ skuId: 'p-soap', quantity: 1 }])
    expect(await ordersAs(t, 'o-as-dan')('confirmReceipt', { orderId: order._id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    await ok(owner(t)('admin.ship', { orderId: order._id, carrier: 'STO', trackingNo: 'ST12345678' }))
    expect(await ordersAs(t, 'o-as-eve')('confirmReceipt', { orderId: order._id })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' })
    const done = await ok(ordersAs(t, 'o-as-dan')('confirmReceipt', { orderId: order._id }))
    expect(done.order).toMatchObject({ status: 'completed', completedAt: expect.any(Number) })
    expect(await storedOrder(t, order._id)).toMatchObject({ status: 'completed', completedBy: 'buyer' })
    // a repeat answers the completed order
    expect(await ordersAs(t, 'o-as-dan')('confirmReceipt', { orderId: order._id })).toMatchObject({ ok: true, data: { order: { status: 'completed' } } })
  })

  test('shipped orders the buyer never confirms complete autoCompleteDays after shipping (settings/store), by the orders timer', async () => {
    await t.db.collection('settings').doc('store').set({ autoCompleteDays: 3 })
    const early = await paidOrder(t, 'o-as-fay', [{ skuId: 'p-soap', quantity: 1 }])
    await ok(owner(t)('admin.ship', { orderId: early._id, carrier: 'JD', trackingNo: 'JD0001234567' }))
    await t.cloud.clock.advance(2 * DAY)
    const late = await paidOrder(t, 'o-as-fay', [{ skuId: 'p-soap', quantity: 1 }])
    await ok(owner(t)('admin.ship', { orderId: late._id, carrier: 'JD', trackingNo: 'JD0007654321' }))
    await runTimer(t)
    expect((await storedOrder(t, early._id)).status).toBe('shipped')
    await t.cloud.clock.advance(1 * DAY + 60_000)
    const runs = await Promise.all([runTimer(t), runTimer(t)])
    expect(runs.reduce((n, r) => n + r.afterSale.completed, 0)).toBeGreaterThanOrEqual(1)
    expect(await storedOrder(t, early._id)).toMatchObject({ status: 'completed', completedBy: 'auto', completedAt: expect.any(Date) })
    expect((await storedOrder(t, late._id)).status).toBe('shipped')
    await t.db.collection('settings').doc('store').remove()
  })
})

describe('subscribe messages', () => {
  test('consent recorded per accepted template; paid and shipped messages go out once each and use one accept each', async () => {
    expect(await ordersAs(t)('subscribe.templates', {})).toMatchObject({ ok: true, data: { templates: TEMPLATES } })
    const credits = await ok(ordersAs(t, 'o-as-gil')('subscribe.accept', { templateIds: [TEMPLATES.paid, TEMPLATES.shipped, 'tmpl-of-someone-else'] }))
    expect(credits.credits).toEqual({ paid: 1, shipped: 1 })
    const order = await paidOrder(t, 'o-as-gil', [{ skuId: 'p-walnut', quantity: 1 }])
    await ok(owner(t)('admin.ship', { orderId: order._id, carrier: 'EMS', trackingNo: 'EM123456789CN' }))
    const sent = (await outbox(t, SEND)).filter((e) => e.request.touser === 'o-as-gil')
    expect(sent.map((e) => e.request.templateId)).toEqual([TEMPLATES.paid, TEMPLATES.shipped])
    expect(sent[0].request).toMatchObject({ page: `pages/orders/detail/index?id=${order._id}`, data: { character_string1: { value: order._id }, amount2: { value: `¥${(order.totalFen / 100).toFixed(2)}` } } })
    expect(sent[1].request.data).toMatchObject({ character_string3: { value: 'EM123456789CN' } })
    // no accept left: the next order sends nothing
    const second = await paidOrder(t, 'o-as-gil', [{ skuId: 'p-soap', quantity: 1 }])
    await ok(owner(t)('admin.ship', { orderId: second._id, carrier: 'EMS', trackingNo: 'EM987654321CN' }))
    expect((await outbox(t, SEND)).filter((e) => e.request.touser === 'o-as-gil')).toHaveLength(2)
    expect((await t.db.collection('subscriptions').doc('o-as-gil').get()).data[0].credits).toEqual({ paid: 0, shipped: 0 })
  })

  test('a send WeChat refuses never fails the payment and gives the accept back', async () => {
    await ok(ordersAs(t, 'o-as-hal')('subscribe.accept', { templateIds: [TEMPLATES.paid] }))
    await failNextWeChat(t, SEND, 1, 43101)
    const order = await paidOrder(t, 'o-as-hal', [{ skuId: 'p-soap', quantity: 1 }])
    expect(order).toMatchObject({ status: 'paid' })
    expect((await t.db.collection('subscriptions').doc('o-as-hal').get()).data[0].credits).toEqual({ paid: 1 })
    expect(await ordersAs(t, 'o-as-hal')('subscribe.accept', { templateIds: [] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await ordersAs(t)('subscribe.accept', { templateIds: [TEMPLATES.paid] })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })
})
