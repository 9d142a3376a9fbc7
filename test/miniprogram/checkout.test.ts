/**
 * Checkout and the payment result page end to end on a real local cloud: the quote and the
 * address, one order however often 提交订单 is tapped or retried, OUT_OF_STOCK, consent for order
 * notifications, WeChat Pay through the transport's local contract (a dialog, then the simulated
 * pay, which calls payCallback), and a result page that says 支付成功 only once the callback has
 * made the order paid. Also buy-now from the product page.
 */
import './helpers/wx-harness'
import http from 'node:http'
import simulate from 'miniprogram-simulate'
import { dialogs } from './helpers/wx-harness'
import { loadPage, tap as tapNode, tapAndYield, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { openPageAs, useLocalCloud } from './helpers/local-cloud-suite'
import { dataAs } from './helpers/cloud-http'
import { eventually, waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'
import { CART_STORAGE_KEY } from '../../miniprogram/services/cart'
import { createOrder, linesFromQuery, linesToQuery, payOrder, waitForPaid } from '../../miniprogram/services/checkout'
import { isApiError } from '../../miniprogram/services/transport'

jest.setTimeout(120_000)

const TEMPLATES = { SUBSCRIBE_TEMPLATE_PAID: 'tmpl-paid-checkout', SUBSCRIBE_TEMPLATE_SHIPPED: 'tmpl-shipped-checkout' }

const cloud = useLocalCloud({ env: TEMPLATES, target: { payNotification: 'deliver' } })

let redirectTo: jest.SpyInstance
let toast: jest.SpyInstance

beforeEach(() => {
  dialogs.reset()
  redirectTo = jest.spyOn(wx, 'redirectTo')
  toast = jest.spyOn(wx, 'showToast')
})

afterEach(() => {
  redirectTo.mockRestore()
  toast.mockRestore()
})

function httpJson(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const req = http.request(url, { method, headers: payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {} }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** Opens checkout as `openid` for these lines (as the cart or buy-now would), with its quote shown. */
function openCheckout(openid: string, lines: Array<{ skuId: string; quantity: number }>, fromCart = false): Promise<LoadedPage> {
  return openPageAs(openid, 'pages/checkout/index', { lines: linesToQuery(lines), ...(fromCart ? { from: 'cart' } : {}) })
}

async function chooseAddress(page: LoadedPage): Promise<void> {
  await tapAndYield(page, '.address')
  await waitFor(() => page.instance.data.address !== null, 'address chosen')
}

/** Where checkout sent the shopper: the result page's query. */
async function resultQuery(): Promise<Record<string, string>> {
  await waitFor(() => redirectTo.mock.calls.length > 0, 'redirect to the result page')
  const url = (redirectTo.mock.calls[0][0] as { url: string }).url
  const [route, query] = url.split('?')
  expect(route).toBe('/pages/pay-result/index')
  return Object.fromEntries(new URLSearchParams(query))
}

/** Records the `orders` actions the mini program calls (through the real wx.request). */
function recordOrdersActions(): { actions: string[]; spy: jest.SpyInstance } {
  const actions: string[] = []
  const request = wx.request
  const spy = jest.spyOn(wx, 'request').mockImplementation((options) => {
    const data = options.data as { action?: string } | undefined
    if (options.url.endsWith('/functions/orders') && data?.action) actions.push(data.action)
    return request(options)
  })
  return { actions, spy }
}

/** My subscribe-message credits, read through accept with a template the store does not use (which records nothing). */
async function creditsOf(openid: string) {
  return (await dataAs(cloud.url, openid, 'orders', 'subscribe.accept', { templateIds: ['tmpl-not-configured'] })).credits
}

function myOrders(openid: string) {
  return dataAs(cloud.url, openid, 'orders', 'list', {})
}

function checkoutState(page: LoadedPage): { requestId: string } {
  return (page.instance as unknown as { checkout: { requestId: string } }).checkout
}

const ADDRESS = { name: '李四', phone: '13800000000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路1号', postalCode: '' }

describe('checkout', () => {
  test('the quote\'s lines, shipping and total; an address from wx.chooseAddress is required to submit', async () => {
    const page = await openCheckout('o-checkout-view', [{ skuId: 'p-soap', quantity: 2 }, { skuId: 'p-walnut', quantity: 1 }])
    expect(textsOf(page, '.line-name')).toEqual(['手工山茶油皂', '纸皮核桃'])
    expect(textsOf(page, '.line-price')).toEqual(['¥28.00 × 2', '¥45.90 × 1'])
    expect(textsOf(page, '.line-amount')).toEqual(['¥56.00', '¥45.90'])
    expect(textOf(page, '.items-total')).toBe('¥101.90')
    expect(textOf(page, '.shipping')).toBe('免运费')
    expect(textOf(page, '.total')).toBe('¥101.90')

    await tapAndYield(page, '.submit')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择收货地址' }))
    expect((await myOrders('o-checkout-view')).orders).toHaveLength(0)

    await chooseAddress(page)
    expect(textOf(page, '.address-name')).toBe('张三')
    expect(textOf(page, '.address-text')).toBe('广东省广州市海珠区新港中路397号')
  })

  test('a double tap on 提交订单 makes exactly one order, and a retry whose first answer was lost lands on it too', async () => {
    const openid = 'o-checkout-double'
    dialogs.modalAnswers.push(false) // close the payment sheet: this test is about the order
    const page = await openCheckout(openid, [{ skuId: 'p-soap', quantity: 1 }])
    await chooseAddress(page)
    // the first attempt reached the server but its answer was lost: the order exists already
    const { order: lost } = await dataAs(cloud.url, openid, 'orders', 'create', { requestId: checkoutState(page).requestId, lines: [{ skuId: 'p-soap', quantity: 1 }] })
    tapNode(page, '.submit')
    tapNode(page, '.submit')
    const query = await resultQuery()
    await simulate.sleep(50)
    expect(redirectTo).toHaveBeenCalledTimes(1)
    expect(query.orderId).toBe(lost._id)
    expect(query.sheet).toBe('cancelled')
    const { orders } = await myOrders(openid)
    expect(orders.map((o) => o._id)).toEqual([lost._id])
    expect(orders[0]).toMatchObject({ status: 'pending_payment', totalFen: 3800 })
    expect(dialogs.modals.filter((m) => m.title === '模拟支付')).toHaveLength(1)
  })

  test('the order carries the chosen address to the owner', async () => {
    const openid = 'o-checkout-address'
    dialogs.modalAnswers.push(false)
    const page = await openCheckout(openid, [{ skuId: 'p-soap', quantity: 1 }])
    await chooseAddress(page)
    await tapAndYield(page, '.submit')
    const query = await resultQuery()
    expect((await dataAs(cloud.url, openid, 'orders', 'detail', { orderId: query.orderId! })).order.address).toEqual({
      name: '张三', phone: '020-81167888', province: '广东省', city: '广州市', district: '海珠区', detail: '新港中路397号', postalCode: '510000',
    })
  })

  test('OUT_OF_STOCK at submit: a Chinese toast, no order, and the quote refreshed to say which line', async () => {
    const openid = 'o-checkout-oos'
    const page = await openCheckout(openid, [{ skuId: 'p-jujube', quantity: 2 }]) // 5 in stock
    expect(page.instance.data.status).toBe('ready')
    await chooseAddress(page)
    // another shopper takes 4 of the 5 meanwhile
    await dataAs(cloud.url, 'o-checkout-rival', 'orders', 'create', { requestId: 'rival-order-1', lines: [{ skuId: 'p-jujube', quantity: 4 }] })

    await tapAndYield(page, '.submit')
    await waitFor(() => page.instance.data.status === 'unavailable', 'quote refreshed')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '库存不足' }))
    expect(textOf(page, '.unavailable-message')).toBe('「新疆和田大枣 500g」库存不足，请修改后再结算')
    expect(page.instance.data.submitting).toBe(false)
    expect(redirectTo).not.toHaveBeenCalled()
    expect((await myOrders(openid)).orders).toHaveLength(0)
    expect(textOf(page, '.address-name')).toBe('张三')
  })

  test('pay: 支付成功 only after payCallback (the notification held back, the page waits), then the bought lines leave the cart and consent is recorded', async () => {
    const openid = 'o-checkout-pay'
    wx.setStorageSync(CART_STORAGE_KEY, [{ skuId: 'p-pu-erh', quantity: 1 }, { skuId: 'p-soap', quantity: 3 }])
    const page = await openCheckout(openid, [{ skuId: 'p-pu-erh', quantity: 1 }], true)
    await chooseAddress(page)
    setTransportTarget({ payNotification: 'hold' })
    await tapAndYield(page, '.submit')
    const query = await resultQuery()
    expect(query).toMatchObject({ sheet: 'paid', from: 'cart' })
    expect(dialogs.subscribeRequests).toEqual([[TEMPLATES.SUBSCRIBE_TEMPLATE_PAID, TEMPLATES.SUBSCRIBE_TEMPLATE_SHIPPED]])
    expect(dialogs.modals.at(-1)).toEqual({ title: '模拟支付', content: '本地云没有真实的微信支付。确认支付 ¥129.00？' })

    // WeChat took the money, but its notification has not arrived: the order is not paid
    const payment = await httpJson('GET', `${cloud.url}/_local/pay/payments/${query.orderId}`)
    expect(payment.body).toMatchObject({ state: 'SUCCESS', delivered: false })

    const { actions, spy } = recordOrdersActions()
    const reads = () => actions.filter((a) => a === 'detail').length
    let result: LoadedPage
    try {
      result = await loadPage('pages/pay-result/index', query)
      await waitFor(() => reads() >= 3, 'the page reads the order again')
      expect(result.instance.data.status).toBe('waiting')
      expect(textOf(result, '.title')).toBe('支付处理中')
      expect(result.querySelector('.spinner')).toBeDefined()
      expect((await dataAs(cloud.url, openid, 'orders', 'detail', { orderId: query.orderId })).order.status).toBe('pending_payment')
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toHaveLength(2)

      // consent was recorded in the background: one credit per accepted template
      expect(await eventually(() => creditsOf(openid), (c) => Object.keys(c).length > 0)).toEqual({ paid: 1, shipped: 1 })

      // the notification arrives
      const delivered = await httpJson('POST', `${cloud.url}/_local/pay/confirm`, { outTradeNo: query.orderId })
      expect(delivered.body).toMatchObject({ delivered: true })
      await waitFor(() => result.instance.data.status !== 'waiting', 'the page sees the payment')
    } finally {
      spy.mockRestore()
    }
    expect(result.instance.data.status).toBe('paid')
    expect(textOf(result, '.title')).toBe('支付成功')
    expect(textOf(result, '.amount')).toBe('¥129.00')
    expect(textsOf(result, '.summary-amount')).toEqual(['¥129.00'])
    expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-soap', quantity: 3 }])

    // the paid message used the paid credit
    const outbox = await httpJson('GET', `${cloud.url}/_local/wechat/outbox?api=subscribeMessage.send`)
    expect(outbox.body.entries.filter((e: { request: { touser: string; templateId: string } }) => e.request.touser === openid).map((e: { request: { templateId: string } }) => e.request.templateId)).toEqual([TEMPLATES.SUBSCRIBE_TEMPLATE_PAID])

    const navigateTo = jest.spyOn(wx, 'navigateTo')
    try {
      await tapAndYield(result, '.view-order')
      expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: `/pages/orders/detail/index?id=${query.orderId}` }))
    } finally {
      navigateTo.mockRestore()
    }
  })

  test('closing the payment sheet is no error: 未支付 with 重新支付, which pays through orders.pay and waits for the callback', async () => {
    const openid = 'o-checkout-cancel'
    dialogs.subscribeAnswer = 'reject'
    dialogs.modalAnswers.push(false)
    wx.setStorageSync(CART_STORAGE_KEY, [{ skuId: 'p-walnut-2500g', quantity: 1 }])
    const page = await openCheckout(openid, [{ skuId: 'p-walnut-2500g', quantity: 1 }])
    await chooseAddress(page)
    await tapAndYield(page, '.submit')
    const query = await resultQuery()
    expect(query.sheet).toBe('cancelled')
    expect(toast).not.toHaveBeenCalled()

    const result = await loadPage('pages/pay-result/index', query)
    await waitFor(() => result.instance.data.status !== 'waiting', 'the order read')
    expect(result.instance.data.status).toBe('unpaid')
    expect(textOf(result, '.title')).toBe('未支付')
    expect(result.querySelector('.pay-again')).toBeDefined()
    // refused consent records nothing
    expect(await creditsOf(openid)).toEqual({})

    await tapAndYield(result, '.pay-again') // the dialog confirms this time; the notification is delivered
    await waitFor(() => result.instance.data.status === 'paid', 'paid after paying again')
    expect(textOf(result, '.title')).toBe('支付成功')
    expect((await dataAs(cloud.url, openid, 'orders', 'detail', { orderId: query.orderId })).order.status).toBe('paid')
    // not from the cart: the cart is left as it was
    expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-walnut-2500g', quantity: 1 }])
    expect(toast).not.toHaveBeenCalled()
  })

  test('opened from my orders with pay=1, the page pays the unpaid order and waits for the callback; a closed sheet leaves 未支付', async () => {
    const openid = 'o-checkout-pay-from-orders'
    const { order } = await dataAs(cloud.url, openid, 'orders', 'create', { requestId: 'pay-from-orders-1', lines: [{ skuId: 'p-soap', quantity: 1 }] })
    setTransportTarget({ openid })
    dialogs.modalAnswers.push(false)
    const closed = await loadPage('pages/pay-result/index', { orderId: order._id, pay: '1' })
    await waitFor(() => closed.instance.data.status === 'unpaid', 'unpaid after the sheet closed')
    expect(closed.instance.data.busy).toBe(false)

    const paid = await loadPage('pages/pay-result/index', { orderId: order._id, pay: '1' })
    await waitFor(() => paid.instance.data.status === 'paid', 'paid')
    expect(textOf(paid, '.title')).toBe('支付成功')
    expect((await dataAs(cloud.url, openid, 'orders', 'detail', { orderId: order._id })).order.status).toBe('paid')
    expect(dialogs.modals.filter((m) => m.title === '模拟支付')).toHaveLength(2)
  })

  test('an order cancelled before it was paid says so, and offers no 重新支付', async () => {
    const openid = 'o-checkout-cancelled'
    const { order } = await dataAs(cloud.url, openid, 'orders', 'create', { requestId: 'cancelled-order-1', lines: [{ skuId: 'p-soap', quantity: 1 }] })
    await dataAs(cloud.url, openid, 'orders', 'cancel', { orderId: order._id })
    setTransportTarget({ openid })
    const result = await loadPage('pages/pay-result/index', { orderId: order._id, sheet: 'paid' })
    await waitFor(() => result.instance.data.status !== 'waiting', 'the order read')
    expect(textOf(result, '.title')).toBe('订单已取消')
    expect(result.querySelector('.pay-again')).toBeUndefined()
  })

  test('someone else\'s order is not shown', async () => {
    const { order } = await dataAs(cloud.url, 'o-checkout-owner-of-order', 'orders', 'create', { requestId: 'someone-else-1', lines: [{ skuId: 'p-soap', quantity: 1 }] })
    setTransportTarget({ openid: 'o-checkout-snoop' })
    const result = await loadPage('pages/pay-result/index', { orderId: order._id })
    await waitFor(() => result.instance.data.status !== 'waiting', 'the order read')
    expect(result.instance.data).toMatchObject({ status: 'error', message: '订单不存在', lines: [] })
  })
})

describe('checkout, more ways it can go', () => {
  test('a network error at submit is a Chinese toast; tapping again creates the order once', async () => {
    const openid = 'o-checkout-network'
    dialogs.modalAnswers.push(false)
    const page = await openCheckout(openid, [{ skuId: 'p-soap', quantity: 1 }])
    await chooseAddress(page)
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    await tapAndYield(page, '.submit')
    await waitFor(() => page.instance.data.submitting === false && toast.mock.calls.length > 0, 'the failed submit')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '网络开小差了，请稍后重试' }))
    expect(redirectTo).not.toHaveBeenCalled()
    setTransportTarget({ localCloudUrl: cloud.url })
    await tapAndYield(page, '.submit')
    const query = await resultQuery()
    expect((await myOrders(openid)).orders.map((o) => o._id)).toEqual([query.orderId])
  })

  test('lines that can no longer be bought when checkout opens: the page says so and offers to go back', async () => {
    const switchTab = jest.spyOn(wx, 'switchTab')
    try {
      const page = await openCheckout('o-checkout-retired', [{ skuId: 'p-soap', quantity: 1 }, { skuId: 'p-retired', quantity: 1 }], true)
      expect(page.instance.data.status).toBe('unavailable')
      expect(textOf(page, '.unavailable-message')).toBe('部分商品已下架，请修改后再结算')
      expect(page.querySelector('.submit')).toBeUndefined()
      await tapAndYield(page, '.back-to-cart')
      expect(switchTab).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/cart/index' }))
    } finally {
      switchTab.mockRestore()
    }
  })

  test('stale payment params are replaced through orders.pay; a payment for a cancelled order fails and nothing is paid', async () => {
    const openid = 'o-checkout-service'
    setTransportTarget({ openid })
    const { actions: calls, spy } = recordOrdersActions()
    try {
      const { order, payment } = await createOrder('service-stale-1', [{ skuId: 'p-soap', quantity: 1 }], ADDRESS)
      expect(payment).not.toBeNull()
      const stale = { ...payment!, timeStamp: String(Math.floor(Date.now() / 1000) - 3 * 3600) }
      dialogs.modalAnswers.push(false)
      expect(await payOrder(order, stale)).toBe('cancelled')
      expect(calls).toEqual(['create', 'pay'])

      await dataAs(cloud.url, openid, 'orders', 'cancel', { orderId: order._id })
      // WeChat refuses the closed payment; fresh params are refused too: the order is cancelled
      const failure = await payOrder(order, payment).catch((err: unknown) => err)
      expect(isApiError(failure) && failure.code).toBe('INVALID_TRANSITION')
      expect((await dataAs(cloud.url, openid, 'orders', 'detail', { orderId: order._id })).order).toMatchObject({ status: 'cancelled', paidAt: null })
    } finally {
      spy.mockRestore()
    }
  })

  test('waitForPaid gives up at its bound with the order still pending, and stops when told', async () => {
    const openid = 'o-checkout-wait'
    setTransportTarget({ openid, payNotification: 'hold' })
    const { order, payment } = await createOrder('service-wait-1', [{ skuId: 'p-soap', quantity: 1 }], ADDRESS)
    expect(await payOrder(order, payment)).toBe('paid')
    const reads: string[] = []
    const bounded = await waitForPaid(order._id, { delaysMs: [10], maxWaitMs: 200, onRead: (o) => reads.push(o.status) })
    expect(bounded.settled).toBe(false)
    expect(bounded.order?.status).toBe('pending_payment')
    expect(reads.length).toBeGreaterThan(1)
    expect(new Set(reads)).toEqual(new Set(['pending_payment']))
    expect(await waitForPaid(order._id, { stopped: () => true })).toEqual({ order: null, settled: false })

    await httpJson('POST', `${cloud.url}/_local/pay/confirm`, { outTradeNo: order._id })
    const settled = await waitForPaid(order._id, { delaysMs: [10] })
    expect(settled.settled).toBe(true)
    expect(settled.order?.status).toBe('paid')
  })
})

describe('buy now', () => {
  test('立即购买 on the product page goes to checkout with that one line, leaving the cart alone', async () => {
    const navigateTo = jest.spyOn(wx, 'navigateTo')
    try {
      wx.setStorageSync(CART_STORAGE_KEY, [{ skuId: 'p-pu-erh', quantity: 1 }])
      setTransportTarget({ openid: 'o-checkout-buy-now' })
      const page = await loadPage('pages/product/detail/index', { id: 'p-walnut' })
      await waitFor(() => page.instance.data.status === 'ready', 'product page')
      await tapAndYield(page, '.buy-now')
      expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择 重量' }))
      await tapAndYield(page, '.spec-chip', textsOf(page, '.spec-chip').indexOf('1kg'))
      await tapAndYield(page, '.plus')
      await tapAndYield(page, '.buy-now')
      const url = (navigateTo.mock.calls.at(-1)?.[0] as { url: string }).url
      const [route, query] = url.split('?')
      expect(route).toBe('/pages/checkout/index')
      const params = new URLSearchParams(query)
      expect(params.get('from')).toBeNull()
      expect(linesFromQuery(params.get('lines') ?? '')).toEqual([{ skuId: 'p-walnut', quantity: 2 }])
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-pu-erh', quantity: 1 }])
    } finally {
      navigateTo.mockRestore()
    }
  })
})
