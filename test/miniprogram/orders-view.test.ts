/** The pure parts of My orders and the order detail: labels, tabs, cards, timeline, actions, countdown, refund form, and the merged order feed. */
import { ORDER_TABS, STATUS_LABELS, cardActionOf, detailUrl, partialRefundText, payUrl, tabFromQuery, toOrderCard } from '../../miniprogram/pages/orders/orders-view'
import {
  actionsFor,
  carrierName,
  clampRefundQuantity,
  countdownText,
  openRefundForm,
  refundRequestOf,
  timelineOf,
  toDetailErrorView,
  toOrderDetailView,
  unitsLeft,
} from '../../miniprogram/pages/orders/detail/detail-view'
import { feedHasMore, nextOrders, startOrderFeed, type FetchOrdersPage } from '../../miniprogram/services/orders'
import { ApiError } from '../../miniprogram/services/transport'
import { formatDateTime } from '../../miniprogram/utils/dates'
import type { RequestOf } from '../../typings/api'
import type { AfterSaleOrderView, OrderListItem, OrderStatus, OrderView, RefundView } from '../../typings/orders'

const T0 = Date.UTC(2026, 10, 20, 2, 0, 0)
const MIN = 60_000

function makeOrder(overrides: Partial<AfterSaleOrderView> = {}): AfterSaleOrderView {
  return {
    _id: 'o-1',
    status: 'paid',
    lines: [
      { productId: 'p-longjing', skuId: 'p-longjing', name: '明前龙井', spec: '250g / 罐装', priceFen: 16800, quantity: 2, amountFen: 33600, image: 'cloud://x/longjing.png' },
      { productId: 'p-soap', skuId: 'p-soap', name: '手工山茶油皂', spec: '', priceFen: 2800, quantity: 1, amountFen: 2800 },
    ],
    itemsFen: 36400,
    shippingFen: 0,
    totalFen: 36400,
    createdAt: T0,
    expiresAt: T0 + 30 * MIN,
    paidAt: T0 + MIN,
    cancelledAt: null,
    address: null,
    shippedAt: null,
    completedAt: null,
    shipping: null,
    refundedFen: 0,
    refunds: [],
    ...overrides,
  }
}

function makeRefund(overrides: Partial<RefundView> = {}): RefundView {
  return {
    outRefundNo: 'o-1-R1',
    state: 'requested',
    lines: [{ productId: 'p-longjing', skuId: 'p-longjing', quantity: 1, amountFen: 16800 }],
    shippingFen: 0,
    refundFen: 16800,
    reason: '不想要了',
    full: false,
    restock: null,
    from: 'shipped',
    requestedAt: T0 + 10 * MIN,
    decidedAt: null,
    succeededAt: null,
    ...overrides,
  }
}

const kinds = (order: AfterSaleOrderView, now = T0 + 2 * MIN) => actionsFor(order, now).map((a) => a.kind)

describe('statuses and tabs', () => {
  test('every status reads in Chinese', () => {
    expect(STATUS_LABELS).toEqual({
      pending_payment: '待付款',
      paid: '待发货',
      shipped: '待收货',
      completed: '已完成',
      cancelled: '已取消',
      refund_requested: '退款中',
      refunded: '已退款',
    })
  })

  test('the tabs and the API statuses each lists', () => {
    expect(ORDER_TABS.map((t) => [t.label, t.statuses ?? 'all'])).toEqual([
      ['全部', 'all'],
      ['待付款', ['pending_payment']],
      ['待发货', ['paid']],
      ['待收货', ['shipped']],
      ['已完成', ['completed']],
      ['退款', ['refund_requested', 'refunded']],
    ])
  })

  test.each([
    [undefined, 'all'],
    ['paid', 'paid'],
    ['refund', 'refund'],
    ['refund_requested', 'refund'],
    ['refunded', 'refund'],
    ['cancelled', 'all'],
    ['bogus', 'all'],
  ])('?status=%s opens the %s tab', (query, key) => {
    expect(tabFromQuery(query).key).toBe(key)
  })
})

describe('order cards', () => {
  test('a card shows names, units, total, status and its next action', () => {
    const card = toOrderCard(makeOrder({ status: 'shipped' }), 'http://img/longjing.png', T0)
    expect(card).toEqual({
      id: 'o-1',
      createdText: formatDateTime(T0),
      cover: 'http://img/longjing.png',
      names: '明前龙井、手工山茶油皂',
      countText: '共 3 件',
      totalText: '¥364.00',
      refundText: '',
      statusText: '待收货',
      status: 'shipped',
      action: 'confirm',
      actionText: '确认收货',
    })
  })

  test.each<[OrderStatus, string]>([
    ['pending_payment', 'pay'],
    ['paid', 'refund'],
    ['shipped', 'confirm'],
    ['completed', 'refund'],
    ['refund_requested', 'viewRefund'],
    ['refunded', ''],
    ['cancelled', ''],
  ])('a %s order offers "%s"', (status, action) => {
    expect(cardActionOf({ status, expiresAt: T0 + 30 * MIN }, T0)).toBe(action)
  })

  test('an unpaid order past its expiry offers no payment', () => {
    expect(cardActionOf({ status: 'pending_payment', expiresAt: T0 }, T0)).toBe('')
  })

  test('paying goes to the checkout\'s pay-result page; the detail opens by id, at its refund form when asked', () => {
    expect(payUrl('o-1')).toBe('/pages/pay-result/index?orderId=o-1&pay=1')
    expect(detailUrl('o-1')).toBe('/pages/orders/detail/index?id=o-1')
    expect(detailUrl('o-1', true)).toBe('/pages/orders/detail/index?id=o-1&refund=1')
  })
})

describe('which actions the detail shows', () => {
  test('unpaid: cancel and pay; after the expiry only cancel', () => {
    const order = makeOrder({ status: 'pending_payment', paidAt: null })
    expect(kinds(order)).toEqual(['cancel', 'pay'])
    expect(actionsFor(order, T0).find((a) => a.kind === 'pay')?.primary).toBe(true)
    expect(kinds(order, T0 + 30 * MIN)).toEqual(['cancel'])
  })

  test('paid: a refund; shipped: a refund and confirm receipt; completed: a refund', () => {
    expect(kinds(makeOrder({ status: 'paid' }))).toEqual(['refund'])
    expect(kinds(makeOrder({ status: 'shipped' }))).toEqual(['refund', 'confirm'])
    expect(kinds(makeOrder({ status: 'completed' }))).toEqual(['refund'])
  })

  test('a request waiting for the owner can be withdrawn; an approved one cannot', () => {
    expect(kinds(makeOrder({ status: 'refund_requested', refunds: [makeRefund()] }))).toEqual(['withdraw'])
    expect(kinds(makeOrder({ status: 'refund_requested', refunds: [makeRefund({ state: 'approved', decidedAt: T0 + 11 * MIN })] }))).toEqual([])
  })

  test('cancelled and refunded orders offer nothing', () => {
    expect(kinds(makeOrder({ status: 'cancelled', paidAt: null, cancelledAt: T0 + MIN }))).toEqual([])
    expect(kinds(makeOrder({ status: 'refunded' }))).toEqual([])
  })

  test('units already refunded or being refunded are not offered again; rejected and withdrawn ones are', () => {
    const refunds = [
      makeRefund({ state: 'succeeded', lines: [{ productId: 'p-longjing', skuId: 'p-longjing', quantity: 2, amountFen: 33600 }] }),
      makeRefund({ outRefundNo: 'o-1-R2', state: 'rejected', lines: [{ productId: 'p-soap', skuId: 'p-soap', quantity: 1, amountFen: 2800 }] }),
    ]
    const order = makeOrder({ status: 'completed', refunds, refundedFen: 33600 })
    expect([...unitsLeft(order)]).toEqual([
      ['p-longjing', 0],
      ['p-soap', 1],
    ])
    expect(kinds(order)).toEqual(['refund'])
    expect(openRefundForm(order, 'r-1').lines.map((l) => [l.skuId, l.max])).toEqual([['p-soap', 1]])
    const soapGone = makeOrder({ status: 'completed', refunds: [refunds[0], { ...refunds[1], state: 'succeeded' }], refundedFen: 36400 })
    expect(kinds(soapGone)).toEqual([])
  })
})

describe('the timeline', () => {
  test('an order shipped, then partly refunded: newest first, with carrier, tracking number, amounts and reasons', () => {
    const order = makeOrder({
      status: 'shipped',
      shippedAt: T0 + 5 * MIN,
      shipping: { carrier: 'SF', trackingNo: 'SF1234567890', uploaded: true },
      refundedFen: 16800,
      refunds: [makeRefund({ state: 'succeeded', decidedAt: T0 + 12 * MIN, succeededAt: T0 + 13 * MIN })],
    })
    expect(timelineOf(order)).toEqual([
      { key: 'refund-0-succeeded', title: '退款成功 ¥168.00', timeText: formatDateTime(T0 + 13 * MIN), detail: '已退回微信支付' },
      { key: 'refund-0-approved', title: '商家同意退款', timeText: formatDateTime(T0 + 12 * MIN), detail: '退款将原路退回微信支付' },
      { key: 'refund-0-requested', title: '申请退款 ¥168.00', timeText: formatDateTime(T0 + 10 * MIN), detail: '明前龙井（250g / 罐装） ×1；原因：不想要了' },
      { key: 'shipped', title: '商家已发货', timeText: formatDateTime(T0 + 5 * MIN), detail: '顺丰速运 SF1234567890' },
      { key: 'paid', title: '付款成功', timeText: formatDateTime(T0 + MIN), detail: '实付 ¥364.00' },
      { key: 'created', title: '提交订单', timeText: formatDateTime(T0), detail: '' },
    ])
  })

  test('a cancelled order, a completed order, a rejected and a withdrawn request', () => {
    expect(timelineOf(makeOrder({ status: 'cancelled', paidAt: null, cancelledAt: T0 + 3 * MIN })).map((e) => e.title)).toEqual(['订单已取消', '提交订单'])
    const refunds = [
      makeRefund({ state: 'rejected', decidedAt: T0 + 11 * MIN, rejectReason: '商品已拆封' }),
      makeRefund({ outRefundNo: 'o-1-R2', state: 'withdrawn', requestedAt: T0 + 20 * MIN, decidedAt: T0 + 21 * MIN }),
    ]
    const events = timelineOf(makeOrder({ status: 'completed', shippedAt: T0 + 5 * MIN, completedAt: T0 + 8 * MIN, refunds }))
    expect(events.map((e) => e.title)).toEqual(['已撤回退款申请', '申请退款 ¥168.00', '商家拒绝退款', '申请退款 ¥168.00', '交易完成', '商家已发货', '付款成功', '提交订单'])
    expect(events.find((e) => e.key === 'refund-0-rejected')?.detail).toBe('商品已拆封')
  })

  test('an unknown carrier id shows as given', () => {
    expect(carrierName('ZTO')).toBe('中通快递')
    expect(carrierName('XYZ')).toBe('XYZ')
  })
})

describe('the detail view', () => {
  test('totals, lines, refunds and the refunded amount come from the order as the server sent it', () => {
    const order = makeOrder({
      status: 'refunded',
      shippingFen: 1000,
      totalFen: 37400,
      refundedFen: 37400,
      refunds: [makeRefund({ state: 'succeeded', full: true, shippingFen: 1000, refundFen: 37400, lines: [{ productId: 'p-longjing', skuId: 'p-longjing', quantity: 2, amountFen: 33600 }, { productId: 'p-soap', skuId: 'p-soap', quantity: 1, amountFen: 2800 }], succeededAt: T0 + 20 * MIN })],
    })
    const view = toOrderDetailView(order, ['http://img/longjing.png', ''], T0)
    expect(view).toMatchObject({
      status: 'ready',
      statusText: '已退款',
      statusHint: '已退款 ¥374.00，款项已原路退回',
      countdownText: '',
      itemsText: '¥364.00',
      shippingText: '¥10.00',
      totalText: '¥374.00',
      paidText: '¥374.00',
      refundedText: '¥374.00',
      addressText: '',
      actions: [],
    })
    const address = { name: '张三', phone: '020-81167888', province: '广东省', city: '广州市', district: '海珠区', detail: '新港中路397号', postalCode: '510000' }
    expect(toOrderDetailView({ ...order, address }, [], T0).addressText).toBe('张三 020-81167888 · 广东省广州市海珠区新港中路397号')
    expect(view.lines[0]).toEqual({ skuId: 'p-longjing', name: '明前龙井', spec: '250g / 罐装', priceText: '¥168.00', quantity: 2, amountText: '¥336.00', image: 'http://img/longjing.png' })
    expect(view.refunds).toEqual([expect.objectContaining({ stateText: '退款成功', amountText: '¥374.00', linesText: '明前龙井（250g / 罐装） ×2、手工山茶油皂 ×1、运费 ¥10.00' })])
  })

  test('an unpaid order counts down to its expiry', () => {
    const order = makeOrder({ status: 'pending_payment', paidAt: null })
    const view = toOrderDetailView(order, [], T0 + 61_000)
    expect(view.countdownText).toBe('剩余 28:59 后自动取消')
    expect(view.paidText).toBe('')
    expect(countdownText(T0 + 2 * 3600_000 + 5000, T0)).toBe('剩余 2:00:05 后自动取消')
    expect(countdownText(T0, T0)).toBe('支付已超时，订单即将关闭')
    expect(countdownText(T0, T0 + 1)).toBe('支付已超时，订单即将关闭')
  })

  test('another buyer\'s order is the not-found state and carries no order data; other failures the error state', () => {
    const notFound = toDetailErrorView(new ApiError('ORDER_NOT_FOUND', 'no order'))
    expect(notFound).toMatchObject({ status: 'notFound', orderId: '', lines: [], timeline: [], actions: [], totalText: '' })
    expect(notFound.errorMessage).toMatch(/订单不存在/)
    expect(toDetailErrorView(new Error('socket hang up'))).toMatchObject({ status: 'error', errorMessage: '网络开小差了，请稍后重试', lines: [] })
  })
})

describe('the refund form', () => {
  const order = makeOrder({ status: 'shipped' })

  test('asks for a reason; the whole order sends no lines; chosen lines send their units', () => {
    const form = openRefundForm(order, 'r-1')
    expect(form).toMatchObject({ mode: 'all', reasonIndex: -1, requestId: 'r-1' })
    expect(refundRequestOf(form)).toEqual({ missing: '请选择退款原因' })
    expect(refundRequestOf({ ...form, reasonIndex: 0 })).toEqual({ reason: '不想要了' })
    expect(refundRequestOf({ ...form, reasonIndex: 2, note: '  罐子破了 ' })).toEqual({ reason: '质量问题：罐子破了' })
    const partial = { ...form, mode: 'lines' as const, reasonIndex: 0 }
    expect(refundRequestOf(partial)).toEqual({ missing: '请选择要退款的商品和数量' })
    partial.lines = partial.lines.map((l) => (l.skuId === 'p-longjing' ? { ...l, quantity: 1 } : l))
    expect(refundRequestOf(partial)).toEqual({ reason: '不想要了', lines: [{ skuId: 'p-longjing', quantity: 1 }] })
  })

  test('quantities stay between 0 and the units left', () => {
    expect(clampRefundQuantity(-1, 2)).toBe(0)
    expect(clampRefundQuantity(3, 2)).toBe(2)
    expect(clampRefundQuantity(Number.NaN, 2)).toBe(0)
  })
})

describe('the order feed', () => {
  /** A fake list action over `orders` by cursor (newest first, like the function), recording each request. */
  function fakeList(orders: OrderListItem[]): FetchOrdersPage & { calls: Array<RequestOf<'orders', 'list'>> } {
    const calls: Array<RequestOf<'orders', 'list'>> = []
    const fetch = async (request: RequestOf<'orders', 'list'>) => {
      calls.push(request)
      const all = orders.filter((o) => !request.statuses || request.statuses.includes(o.status)).sort((a, b) => b.createdAt - a.createdAt)
      const from = request.cursor ? all.findIndex((o) => o._id === request.cursor) + 1 : 0
      const page = all.slice(from, from + (request.pageSize ?? 20))
      const more = all.length > from + page.length
      return { orders: page, hasMore: more, nextCursor: more ? page[page.length - 1]._id : null }
    }
    return Object.assign(fetch, { calls })
  }
  const at = (id: string, status: OrderStatus, minute: number): OrderListItem => ({ ...makeOrder({ _id: id, status, createdAt: T0 + minute * MIN }), refundedFen: 0 })

  test('one status pages straight through by the server’s cursor', async () => {
    const list = fakeList(Array.from({ length: 5 }, (_, i) => at(`o${i}`, 'paid', i)))
    const first = await nextOrders(startOrderFeed(['paid']), 2, list)
    expect(first.orders.map((o) => o._id)).toEqual(['o4', 'o3'])
    const second = await nextOrders(first.feed, 2, list)
    const third = await nextOrders(second.feed, 2, list)
    expect([...second.orders, ...third.orders].map((o) => o._id)).toEqual(['o2', 'o1', 'o0'])
    expect(feedHasMore(third.feed)).toBe(false)
    expect(list.calls).toEqual([
      { statuses: ['paid'], pageSize: 2 },
      { statuses: ['paid'], cursor: 'o3', pageSize: 2 },
      { statuses: ['paid'], cursor: 'o1', pageSize: 2 },
    ])
    // a finished feed asks nothing more
    expect((await nextOrders(third.feed, 2, list)).orders).toEqual([])
    expect(list.calls).toHaveLength(3)
  })

  test('the 退款 tab asks once per page for both its statuses', async () => {
    const orders = [at('a', 'refunded', 1), at('b', 'refund_requested', 2), at('c', 'refunded', 3), at('d', 'refunded', 4), at('e', 'refund_requested', 5), at('f', 'paid', 6), at('g', 'refunded', 7)]
    const list = fakeList(orders)
    let feed = startOrderFeed(['refund_requested', 'refunded'])
    const seen: string[] = []
    while (feedHasMore(feed)) {
      const page = await nextOrders(feed, 2, list)
      seen.push(...page.orders.map((o) => o._id))
      feed = page.feed
    }
    expect(seen).toEqual(['g', 'e', 'd', 'c', 'b', 'a'])
    expect(list.calls).toHaveLength(3)
    expect(list.calls.every((c) => JSON.stringify(c.statuses) === JSON.stringify(['refund_requested', 'refunded']))).toBe(true)
  })

  test('全部 sends no statuses', async () => {
    const list = fakeList([at('o1', 'paid', 1), at('o2', 'cancelled', 2)])
    expect((await nextOrders(startOrderFeed(), 10, list)).orders.map((o) => o._id)).toEqual(['o2', 'o1'])
    expect(list.calls).toEqual([{ pageSize: 10 }])
  })
})

describe('a partly refunded order’s card', () => {
  test('shows what was refunded while the order goes on; a full refund says it in the status only', () => {
    const partial = toOrderCard({ ...makeOrder({ status: 'completed' }), refundedFen: 1250 }, '', T0)
    expect(partial).toMatchObject({ statusText: '已完成', refundText: '已退款 ¥12.50' })
    expect(partialRefundText({ status: 'paid', refundedFen: 0 })).toBe('')
    expect(partialRefundText({ status: 'refunded', refundedFen: 5000 })).toBe('')
  })
})
