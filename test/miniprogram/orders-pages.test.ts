/**
 * My orders and the order detail end to end on a real local cloud: orders in every state made
 * for fresh shoppers (bought and paid through the simulated WeChat Pay, shipped by the owner),
 * then the pages driven: tabs filter, infinite scroll, cancelling an unpaid order (its stock
 * comes back), confirming receipt, a partial refund approved by the owner and settled by WeChat
 * Pay's refund notification, and another shopper's order staying invisible.
 */
import './helpers/wx-harness'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import simulate from 'miniprogram-simulate'
import { MINIPROGRAM_ROOT, loadPage, tap as tapNode, tapAndYield, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { openPageAs, recordCloudCalls, useLocalCloud } from './helpers/local-cloud-suite'
import { buyAndPay, dataAs } from './helpers/cloud-http'
import { waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'
import { tabFromQuery } from '../../miniprogram/pages/orders/orders-view'
import type { AfterSaleOrderView, OrderStatus } from '../../typings/orders'

jest.setTimeout(180_000)

const OWNER = 'o-demo-owner'
const cloud = useLocalCloud({ clearStorage: false })
/** Pages to unload after each test (an unpaid order's countdown runs an interval). */
const opened: LoadedPage[] = []

afterEach(() => {
  for (const page of opened.splice(0)) (page.instance as unknown as { onUnload?(): void }).onUnload?.()
  jest.restoreAllMocks()
})

// ---- arranging orders through the real functions -------------------------------------------------

let seq = 0
async function createUnpaid(openid: string, skuId = 'p-walnut', quantity = 1): Promise<string> {
  const { order } = await dataAs(cloud.url, openid, 'orders', 'create', { requestId: `orders-page-${Date.now().toString(36)}-${++seq}`, lines: [{ skuId, quantity }] })
  return order._id
}

async function ship(orderId: string, trackingNo = `SF${Date.now()}`): Promise<void> {
  await dataAs(cloud.url, OWNER, 'orders', 'admin.ship', { orderId, carrier: 'SF', trackingNo })
}

function afterSale(openid: string, orderId: string): Promise<AfterSaleOrderView> {
  return dataAs(cloud.url, openid, 'orders', 'afterSale', { orderId }).then((r) => r.order)
}

/** Polls the order through the API until `condition` holds (WeChat Pay's refund notification arrives on its own). */
async function orderWhen(openid: string, orderId: string, condition: (o: AfterSaleOrderView) => boolean, what: string): Promise<AfterSaleOrderView> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const order = await afterSale(openid, orderId)
    if (condition(order)) return order
    if (Date.now() > deadline) throw new Error(`${what}: order is ${order.status} ${JSON.stringify(order.refunds)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The owner approves the waiting refund; WeChat Pay (simulated) refunds it and notifies refundCallback. */
async function approveAndSettle(openid: string, orderId: string, restock = true): Promise<AfterSaleOrderView> {
  await dataAs(cloud.url, OWNER, 'orders', 'admin.refund.approve', { orderId, restock })
  return orderWhen(openid, orderId, (o) => o.refunds[o.refunds.length - 1]?.state === 'succeeded', 'refund settled')
}

async function available(skuId: string, productId: string): Promise<number> {
  const { product } = await dataAs(cloud.url, null, 'catalog', 'product', { productId })
  return product.skus.find((s) => s._id === skuId)!.available
}

// ---- driving the pages --------------------------------------------------------------------------

const openList = (openid: string | null, query: Record<string, string> = {}): Promise<LoadedPage> => openPageAs(openid, 'pages/orders/index', query)

async function openDetail(openid: string, orderId: string, query: Record<string, string> = {}): Promise<LoadedPage> {
  setTransportTarget({ openid })
  const page = await loadPage('pages/orders/detail/index', { id: orderId, ...query })
  opened.push(page)
  await waitFor(() => page.instance.data.status !== 'loading', 'order detail')
  return page
}

const data = (page: LoadedPage) => page.instance.data as Record<string, any>
const idle = (page: LoadedPage) => waitFor(() => !data(page).busy, 'action finished')
const actionTexts = (page: LoadedPage) => textsOf(page, '.action')

async function tapTab(page: LoadedPage, label: string): Promise<void> {
  const index = textsOf(page, '.tab').indexOf(label)
  if (index < 0) throw new Error(`no tab ${label}`)
  await tapAndYield(page, '.tab', index)
  await waitFor(() => data(page).status !== 'loading', `tab ${label}`)
}

describe('My orders', () => {
  const buyer = 'o-orders-tabs'
  const ids: Partial<Record<OrderStatus | 'refundedFull', string>> = {}

  beforeAll(async () => {
    // oldest first: cancelled, completed, refunded in full, refund requested, shipped, paid, unpaid
    ids.cancelled = await createUnpaid(buyer)
    await dataAs(cloud.url, buyer, 'orders', 'cancel', { orderId: ids.cancelled })
    ids.completed = await buyAndPay(cloud.url, buyer, 'p-pu-erh')
    await ship(ids.completed)
    await dataAs(cloud.url, buyer, 'orders', 'confirmReceipt', { orderId: ids.completed })
    ids.refunded = await buyAndPay(cloud.url, buyer, 'p-soap', 2)
    await dataAs(cloud.url, buyer, 'orders', 'refund.request', { orderId: ids.refunded, requestId: 'tabs-full-refund', reason: '不想要了' })
    await approveAndSettle(buyer, ids.refunded)
    ids.refund_requested = await buyAndPay(cloud.url, buyer, 'p-walnut')
    await dataAs(cloud.url, buyer, 'orders', 'refund.request', { orderId: ids.refund_requested, requestId: 'tabs-open-refund', reason: '不想要了' })
    ids.shipped = await buyAndPay(cloud.url, buyer, 'p-walnut-2500g')
    await ship(ids.shipped)
    ids.paid = await buyAndPay(cloud.url, buyer, 'p-longjing')
    ids.pending_payment = await createUnpaid(buyer, 'p-longjing-500g')
  })

  test('全部 lists every order newest first, each with its status in Chinese and its next action', async () => {
    const page = await openList(buyer)
    expect(textsOf(page, '.tab')).toEqual(['全部', '待付款', '待发货', '待收货', '已完成', '退款'])
    expect(data(page).cards.map((c: { id: string }) => c.id)).toEqual([ids.pending_payment, ids.paid, ids.shipped, ids.refund_requested, ids.refunded, ids.completed, ids.cancelled])
    expect(textsOf(page, '.order-status')).toEqual(['待付款', '待发货', '待收货', '退款中', '已退款', '已完成', '已取消'])
    expect(textsOf(page, '.order-action')).toEqual(['去支付', '申请退款', '确认收货', '查看退款', '申请售后'])
    expect(textsOf(page, '.order-names')[1]).toBe('明前龙井')
    expect(data(page).cards[1].cover).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*longjing\.png/) // the line's snapshotted image, through a temp URL
    expect(textsOf(page, '.order-total')[1]).toBe('¥168.00')
    expect(textsOf(page, '.order-count')[4]).toBe('共 2 件')
    expect(page.instance.data.hasMore).toBe(false)
    expect(textOf(page, '.no-more')).toBe('没有更多了')
  })

  test.each<[string, Array<OrderStatus>]>([
    ['待付款', ['pending_payment']],
    ['待发货', ['paid']],
    ['待收货', ['shipped']],
    ['已完成', ['completed']],
    ['退款', ['refund_requested', 'refunded']],
  ])('the %s tab lists only its orders', async (label, statuses) => {
    const page = await openList(buyer)
    await tapTab(page, label)
    expect(data(page).cards.map((c: { id: string }) => c.id)).toEqual(statuses.map((s) => ids[s]))
    expect(textOf(page, '.tab-active')).toBe(label)
  })

  test('?status= opens its tab; a tab without orders says so', async () => {
    const page = await openList(buyer, { status: 'shipped' })
    expect(textOf(page, '.tab-active')).toBe('待收货')
    expect(data(page).cards.map((c: { id: string }) => c.id)).toEqual([ids.shipped])
    const empty = await openList('o-orders-nobody', { status: 'paid' })
    expect(empty.instance.data.status).toBe('empty')
    expect(textOf(empty, '.empty-text')).toBe('暂无待发货订单')
    const switchTab = jest.spyOn(wx, 'switchTab')
    await tapAndYield(empty, '.go-shopping')
    expect(switchTab).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/home/index' }))
  })

  test('a card opens its order; 去支付 goes to the pay-result page; 申请退款 opens the refund form', async () => {
    const navigateTo = jest.spyOn(wx, 'navigateTo')
    const page = await openList(buyer)
    await tapAndYield(page, '.order-card', 1)
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: `/pages/orders/detail/index?id=${ids.paid}` }))
    await tapAndYield(page, '.order-action', 0)
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: `/pages/pay-result/index?orderId=${ids.pending_payment}&pay=1` }))
    await tapAndYield(page, '.order-action', 1)
    expect(navigateTo).toHaveBeenLastCalledWith(expect.objectContaining({ url: `/pages/orders/detail/index?id=${ids.paid}&refund=1` }))
    expect(navigateTo).toHaveBeenCalledTimes(3) // the action buttons do not also open the card
  })

  test('the Me page\'s shortcuts open the tabs they are named after', () => {
    const wxml = readFileSync(path.join(MINIPROGRAM_ROOT, 'pages/me/index.wxml'), 'utf8')
    const links = [...wxml.matchAll(/<navigator class="order-shortcut" url="\/pages\/orders\/index\?status=([a-z_]+)"[^>]*>([^<]+)<\/navigator>/g)]
    expect(links.map(([, , text]) => text)).toEqual(['待付款', '待发货', '待收货', '已完成', '退款/售后'])
    for (const [, status, text] of links) expect(text.startsWith(tabFromQuery(status).label)).toBe(true)
    expect(wxml).toContain('url="/pages/orders/index"')
  })

  test('when the orders cannot be loaded the error says so in Chinese, and retry loads them', async () => {
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    const page = await openList(buyer)
    expect(page.instance.data.status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('网络开小差了，请稍后重试')
    setTransportTarget({ localCloudUrl: cloud.url })
    await tapAndYield(page, '.retry')
    await waitFor(() => page.instance.data.status === 'ready', 'retried')
    expect(data(page).cards).toHaveLength(7)
  })

  test('without a WeChat identity the list is a typed error, not an empty list', async () => {
    const page = await openList(null)
    expect(page.instance.data.status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('请在微信中打开小程序后再试')
  })
})

describe('infinite scroll', () => {
  const buyer = 'o-orders-scroll'
  let expected: string[] = []

  beforeAll(async () => {
    for (let i = 0; i < 13; i++) expected.unshift(await createUnpaid(buyer, 'p-walnut'))
    const paid = await buyAndPay(cloud.url, buyer, 'p-walnut')
    expected = [paid, ...expected]
  })

  test('pages of 10 follow each other to the end, newest first, none twice', async () => {
    const page = await openList(buyer)
    expect(data(page).cards).toHaveLength(10)
    expect(page.instance.data.hasMore).toBe(true)
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom()
    expect(data(page).cards.map((c: { id: string }) => c.id)).toEqual(expected)
    expect(page.instance.data.hasMore).toBe(false)
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom() // nothing more to ask for
    expect(data(page).cards).toHaveLength(14)
  })

  test('a page that fails keeps the cards and offers a retry in the footer', async () => {
    const page = await openList(buyer, { status: 'pending_payment' })
    expect(data(page).cards).toHaveLength(10)
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom()
    expect(data(page).cards).toHaveLength(10)
    expect(textOf(page, '.load-more-failed')).toBe('加载失败，点击重试')
    setTransportTarget({ localCloudUrl: cloud.url })
    await tapAndYield(page, '.load-more-failed')
    await waitFor(() => data(page).cards.length === 13, 'second page')
    expect(data(page).cards.map((c: { id: string }) => c.id)).toEqual(expected.slice(1))
  })

  test('pull-down refresh reads the tab again from the start', async () => {
    const page = await openList(buyer, { status: 'paid' })
    expect(data(page).cards).toHaveLength(1)
    const stop = jest.spyOn(wx, 'stopPullDownRefresh')
    const fresh = await buyAndPay(cloud.url, buyer, 'p-walnut')
    await (page.instance as unknown as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh()
    expect(data(page).cards.map((c: { id: string }) => c.id)).toEqual([fresh, expected[0]])
    expect(stop).toHaveBeenCalled()
  })
})

describe('order detail', () => {
  test('an unpaid order: countdown, pay on the pay-result page, and cancelling (confirmed) releases its stock', async () => {
    const buyer = 'o-orders-cancel'
    const before = await available('p-jujube', 'p-jujube')
    const orderId = await createUnpaid(buyer, 'p-jujube', 2)
    expect(await available('p-jujube', 'p-jujube')).toBe(before - 2)

    const page = await openDetail(buyer, orderId)
    expect(textOf(page, '.status-text')).toBe('待付款')
    expect(textOf(page, '.countdown')).toMatch(/^剩余 (29|30):\d\d 后自动取消$/)
    expect(actionTexts(page)).toEqual(['取消订单', '去支付'])
    expect(textOf(page, '.due-total')).toBe('¥89.80') // 2 x 39.90 + 10.00 shipping
    expect(textOf(page, '.shipping-total')).toBe('¥10.00')
    expect(page.querySelector('.paid-total')).toBeUndefined()

    const navigateTo = jest.spyOn(wx, 'navigateTo')
    await tapAndYield(page, '.action-pay')
    expect(navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: `/pages/pay-result/index?orderId=${orderId}&pay=1` }))

    // the shopper thinks again: nothing changes
    const modal = jest.spyOn(wx, 'showModal').mockImplementationOnce(((options: WechatMiniprogram.ShowModalOption) => {
      options.success?.({ confirm: false, cancel: true, content: '', errMsg: 'showModal:ok' })
    }) as unknown as typeof wx.showModal)
    await tapAndYield(page, '.action-cancel')
    await simulate.sleep(50)
    expect(modal).toHaveBeenCalledTimes(1)
    expect((await afterSale(buyer, orderId)).status).toBe('pending_payment')

    const toast = jest.spyOn(wx, 'showToast')
    await tapAndYield(page, '.action-cancel')
    await waitFor(() => data(page).orderStatus === 'cancelled', 'cancelled')
    await idle(page)
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '订单已取消' }))
    expect(textOf(page, '.status-text')).toBe('已取消')
    expect(page.querySelector('.countdown')).toBeUndefined()
    expect(page.querySelector('.action-bar')).toBeUndefined()
    expect(textsOf(page, '.event-title')).toEqual(['订单已取消', '提交订单'])
    expect((await afterSale(buyer, orderId)).status).toBe('cancelled')
    expect(await available('p-jujube', 'p-jujube')).toBe(before)
  })

  test('back on the page after it was hidden, the order is read again: the owner shipped it meanwhile', async () => {
    const buyer = 'o-orders-hidden'
    const orderId = await buyAndPay(cloud.url, buyer, 'p-soap')
    const page = await openDetail(buyer, orderId)
    expect(textOf(page, '.status-text')).toBe('待发货')
    const instance = page.instance as unknown as { onHide(): void; onShow(): Promise<void> | void }
    instance.onHide()
    await ship(orderId)
    await instance.onShow()
    await waitFor(() => textOf(page, '.status-text') === '待收货', 'read again on return')
    expect(actionTexts(page)).toContain('确认收货')
  })

  test('when the countdown runs out the pay button goes, the order is read again and the page stops counting', async () => {
    const buyer = 'o-orders-expiry'
    const orderId = await createUnpaid(buyer)
    const page = await openDetail(buyer, orderId)
    const instance = page.instance as unknown as { timer: number | null; tick(): void; onHide(): void; onShow(): Promise<void> | void }
    expect(instance.timer).not.toBeNull()
    instance.onHide()
    expect(instance.timer).toBeNull()
    await instance.onShow()
    expect(instance.timer).not.toBeNull()

    const { expiresAt } = await afterSale(buyer, orderId)
    const realNow = Date.now
    jest.spyOn(Date, 'now').mockImplementation(() => Math.max(realNow(), expiresAt + 1000))
    instance.tick()
    expect(textOf(page, '.countdown')).toBe('支付已超时，订单即将关闭')
    expect(actionTexts(page)).toEqual(['取消订单'])
    expect(instance.timer).toBeNull()
    await waitFor(() => !data(page).busy && data(page).status === 'ready', 'read again')
    await simulate.sleep(1500)
    expect(instance.timer).toBeNull() // the server has not expired it yet: no polling every second
    expect(actionTexts(page)).toEqual(['取消订单'])
  })

  test('cancelling an order already cancelled elsewhere shows the typed error and the order as it is now', async () => {
    const buyer = 'o-orders-cancel-race'
    const orderId = await createUnpaid(buyer)
    const page = await openDetail(buyer, orderId)
    await dataAs(cloud.url, buyer, 'orders', 'cancel', { orderId })
    const toast = jest.spyOn(wx, 'showToast')
    await tapAndYield(page, '.action-cancel')
    await waitFor(() => data(page).orderStatus === 'cancelled', 'read again')
    await idle(page)
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '状态已变化，请刷新后重试' }))
    expect(textOf(page, '.status-text')).toBe('已取消')
  })

  test('a shipped order shows carrier and tracking number; 确认收货 completes it', async () => {
    const buyer = 'o-orders-receipt'
    const orderId = await buyAndPay(cloud.url, buyer, 'p-pu-erh')
    await ship(orderId, 'SF1002003004')
    const page = await openDetail(buyer, orderId)
    expect(textOf(page, '.status-text')).toBe('待收货')
    expect(textOf(page, '.status-hint')).toBe('顺丰速运 SF1002003004')
    expect(textsOf(page, '.event-title')).toEqual(['商家已发货', '付款成功', '提交订单'])
    expect(textsOf(page, '.event-detail')).toEqual(['顺丰速运 SF1002003004', '实付 ¥129.00'])
    expect(textOf(page, '.paid-total')).toBe('¥129.00')
    expect(textOf(page, '.line-name')).toBe('云南普洱熟茶饼 357g')
    expect(actionTexts(page)).toEqual(['申请退款', '确认收货'])

    await tapAndYield(page, '.action-confirm')
    await waitFor(() => data(page).orderStatus === 'completed', 'completed')
    await idle(page)
    expect(textOf(page, '.status-text')).toBe('已完成')
    expect(textsOf(page, '.event-title')[0]).toBe('交易完成')
    expect(actionTexts(page)).toEqual(['申请退款'])
    const order = await afterSale(buyer, orderId)
    expect(order.status).toBe('completed')
    expect(order.completedAt).toEqual(expect.any(Number))
  })

  test('确认收货 from a list card completes the order and the 待收货 tab empties', async () => {
    const buyer = 'o-orders-receipt-card'
    const orderId = await buyAndPay(cloud.url, buyer, 'p-walnut')
    await ship(orderId)
    const page = await openList(buyer, { status: 'shipped' })
    expect(textsOf(page, '.order-action')).toEqual(['确认收货'])
    await tapAndYield(page, '.order-action')
    await waitFor(() => data(page).status === 'empty', 'tab emptied')
    expect((await afterSale(buyer, orderId)).status).toBe('completed')
  })

  test('a partial refund: chosen units, the server\'s amount, withdrawn, asked again, approved, refunded by WeChat Pay; then the rest', async () => {
    const buyer = 'o-orders-refund'
    const orderId = await buyAndPay(cloud.url, buyer, 'p-walnut', 3) // 3 x 45.90 = 137.70, free shipping from 99
    await ship(orderId)
    const page = await openDetail(buyer, orderId)
    expect(textOf(page, '.paid-total')).toBe('¥137.70')

    await tapAndYield(page, '.action-refund')
    expect(textOf(page, '.sheet-title')).toBe('申请退款')
    const toast = jest.spyOn(wx, 'showToast')
    await tapAndYield(page, '.refund-submit')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择退款原因' }))
    await tapAndYield(page, '.refund-mode', 1) // 部分商品
    await tapAndYield(page, '.refund-reason-chip', 1) // 商品与描述不符
    await tapAndYield(page, '.refund-submit')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择要退款的商品和数量' }))
    expect(textOf(page, '.refund-max')).toBe('可退 3')
    for (let i = 0; i < 4; i++) await tapAndYield(page, '.refund-plus')
    expect(textOf(page, '.refund-quantity')).toBe('3')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '最多可退 3 件' }))
    await tapAndYield(page, '.refund-minus')
    await tapAndYield(page, '.refund-minus')
    expect(textOf(page, '.refund-quantity')).toBe('1')
    page.querySelector('.refund-note')!.dispatchEvent('input', { detail: { value: '核桃有点潮' } })

    // a double tap sends one request
    tapNode(page, '.refund-submit')
    tapNode(page, '.refund-submit')
    await waitFor(() => data(page).orderStatus === 'refund_requested', 'requested')
    await idle(page)
    let order = await afterSale(buyer, orderId)
    expect(order.refunds).toHaveLength(1)
    expect(order.refunds[0]).toMatchObject({ state: 'requested', reason: '商品与描述不符：核桃有点潮', lines: [expect.objectContaining({ skuId: 'p-walnut', quantity: 1 })] })
    const amount = order.refunds[0].refundFen
    expect(amount).toBe(4590)
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '已申请退款 ¥45.90' }))
    expect(page.querySelector('.refund-form')).toBeUndefined()
    expect(textOf(page, '.status-text')).toBe('退款中')
    expect(textOf(page, '.refund-state')).toBe('等待商家处理')
    expect(textOf(page, '.refund-amount')).toBe('¥45.90')
    expect(textOf(page, '.refund-lines')).toBe('纸皮核桃（1kg） ×1')
    expect(actionTexts(page)).toEqual(['撤回退款申请'])

    // withdrawn: back to 待收货
    await tapAndYield(page, '.action-withdraw')
    await waitFor(() => data(page).orderStatus === 'shipped', 'withdrawn')
    await idle(page)
    expect(textOf(page, '.refund-state')).toBe('已撤回')
    expect(textsOf(page, '.event-title')[0]).toBe('已撤回退款申请')

    // asked again, for one unit
    await tapAndYield(page, '.action-refund')
    await tapAndYield(page, '.refund-mode', 1)
    await tapAndYield(page, '.refund-plus')
    await tapAndYield(page, '.refund-reason-chip', 0)
    await tapAndYield(page, '.refund-submit')
    await waitFor(() => data(page).orderStatus === 'refund_requested', 'requested again')
    await idle(page)

    // the owner approves; WeChat Pay refunds and notifies
    order = await approveAndSettle(buyer, orderId)
    expect(order.status).toBe('shipped')
    expect(order.refundedFen).toBe(4590)
    await (page.instance as unknown as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh()
    expect(textOf(page, '.status-text')).toBe('待收货')
    expect(textOf(page, '.refunded-total')).toBe('¥45.90')
    expect(textsOf(page, '.refund-state')).toEqual(['退款成功', '已撤回'])
    expect(textsOf(page, '.event-title').slice(0, 3)).toEqual(['退款成功 ¥45.90', '商家同意退款', '申请退款 ¥45.90'])
    expect(actionTexts(page)).toEqual(['申请退款', '确认收货'])
    // the list's card says what was refunded of the order that goes on
    const shippedTab = await openList(buyer, { status: 'shipped' })
    expect(data(shippedTab).cards.map((c: { id: string }) => c.id)).toEqual([orderId])
    expect(textsOf(shippedTab, '.order-refunded')).toEqual(['已退款 ¥45.90'])

    // the rest, as the whole order
    await tapAndYield(page, '.action-refund')
    await tapAndYield(page, '.refund-reason-chip', 0)
    await tapAndYield(page, '.refund-submit')
    await waitFor(() => data(page).orderStatus === 'refund_requested', 'rest requested')
    await idle(page)
    expect(textOf(page, '.refund-amount')).toBe('¥91.80')
    order = await approveAndSettle(buyer, orderId)
    expect(order.status).toBe('refunded')
    await (page.instance as unknown as { onPullDownRefresh(): Promise<void> }).onPullDownRefresh()
    expect(textOf(page, '.status-text')).toBe('已退款')
    expect(textOf(page, '.status-hint')).toBe('已退款 ¥137.70，款项已原路退回')
    expect(textOf(page, '.refunded-total')).toBe('¥137.70')
    expect(page.querySelector('.action-bar')).toBeUndefined()
    // refunded in full: the 退款 tab (one list call for both its statuses) shows it by its status, no partial note
    const recorder = recordCloudCalls()
    try {
      const refundTab = await openList(buyer, { status: 'refund' })
      expect(data(refundTab).cards.map((c: { id: string }) => c.id)).toEqual([orderId])
      expect(textsOf(refundTab, '.order-status')).toEqual(['已退款'])
      expect(refundTab.querySelector('.order-refunded')).toBeUndefined()
    } finally {
      recorder.stop()
    }
    expect(recorder.calls.filter((c) => c.action === 'list').map((c) => c.data)).toEqual([{ statuses: ['refund_requested', 'refunded'], pageSize: 10 }])
  })

  test('coming back from the pay page (or from a detail to the list) reads the order again', async () => {
    const buyer = 'o-orders-return'
    const orderId = await createUnpaid(buyer)
    const page = await openDetail(buyer, orderId)
    const list = await openList(buyer)
    await tapAndYield(page, '.action-pay')
    await tapAndYield(list, '.order-card')
    await dataAs(cloud.url, buyer, 'orders', 'cancel', { orderId }) // what happened meanwhile
    await (page.instance as unknown as { onShow(): Promise<void> }).onShow()
    await (list.instance as unknown as { onShow(): Promise<void> }).onShow()
    expect(textOf(page, '.status-text')).toBe('已取消')
    expect(textsOf(list, '.order-status')).toEqual(['已取消'])
  })

  test('?refund=1 opens the refund form of a refundable order at once', async () => {
    const buyer = 'o-orders-refund-query'
    const orderId = await buyAndPay(cloud.url, buyer, 'p-walnut')
    const page = await openDetail(buyer, orderId, { refund: '1' })
    expect(textOf(page, '.sheet-title')).toBe('申请退款')
    await tapAndYield(page, '.refund-cancel')
    expect(page.querySelector('.refund-form')).toBeUndefined()
    const unpaid = await openDetail(buyer, await createUnpaid(buyer), { refund: '1' })
    expect(unpaid.querySelector('.refund-form')).toBeUndefined()
  })

  test('another shopper cannot open the order: the not-found state, and nothing of the order on the page', async () => {
    const owner = 'o-orders-private'
    const orderId = await buyAndPay(cloud.url, owner, 'p-longjing')
    const page = await openDetail('o-orders-snoop', orderId)
    expect(page.instance.data.status).toBe('notFound')
    expect(textOf(page, '.not-found-message')).toBe('订单不存在或不属于你')
    expect(data(page)).toMatchObject({ orderId: '', lines: [], timeline: [], actions: [], totalText: '', paidText: '' })
    for (const selector of ['.line', '.status-text', '.event', '.order-id', '.action-bar']) expect(page.querySelector(selector)).toBeUndefined()
    expect(JSON.stringify(page.dom?.innerHTML ?? '')).not.toContain('明前龙井')

    const redirectTo = jest.spyOn(wx, 'redirectTo')
    await tapAndYield(page, '.go-orders')
    expect(redirectTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/orders/index' }))
    // the snoop's own list does not have it either
    const list = await openList('o-orders-snoop')
    expect(list.instance.data.status).toBe('empty')
  })

  test('an order that cannot be read (unreachable cloud) is the error state with a retry', async () => {
    const buyer = 'o-orders-offline'
    const orderId = await buyAndPay(cloud.url, buyer, 'p-walnut')
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    const page = await openDetail(buyer, orderId)
    expect(page.instance.data.status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('网络开小差了，请稍后重试')
    setTransportTarget({ localCloudUrl: cloud.url })
    await tapAndYield(page, '.retry')
    await waitFor(() => page.instance.data.status === 'ready', 'retried')
    expect(textOf(page, '.status-text')).toBe('待发货')
  })
})
