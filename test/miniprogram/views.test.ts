/** The pure mappers behind the Me, customers and share pages, and the one error mapping. */
import { appendPage, boundSentence, repurchaseSentence, referredSentence, toCustomerCard, toDetailView, toListView, valueText } from '../../miniprogram/customer-list/customer-view'
import { avatarCloudPath, cleanNickname, cleanPhone, toMeView } from '../../miniprogram/pages/me/me-view'
import { cardPath, posterLayout, timelineQuery } from '../../miniprogram/seller/share/share-view'
import { ApiError } from '../../miniprogram/services/transport'
import { errorMessage } from '../../miniprogram/utils/errors'
import { formatDay } from '../../miniprogram/utils/dates'
import { formatApproxYuan } from '../../miniprogram/utils/money'
import type { ErrorCode } from '../../typings/api'
import type { CustomerDetailResponse, CustomerRow } from '../../typings/customers'

function makeRow(overrides: Partial<CustomerRow> = {}): CustomerRow {
  return {
    customerId: 'o-mei',
    nickname: '美美',
    paidOrders: 2,
    spendFen: 23900,
    refundedOrders: 0,
    lastPurchaseDay: '2026-11-03',
    pAlive: 0.9,
    expectedPurchases: 2,
    expectedSpendFen: 11000,
    clvFen: 12049,
    referralValueFen: null,
    segment: 'loyal',
    segmentLabel: '忠实客户',
    scoredAt: '2026-11-04',
    ...overrides,
  }
}

describe('errors reach people in Chinese, never raw', () => {
  const codes: ErrorCode[] = ['INVALID_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'OUT_OF_STOCK', 'PRODUCT_UNAVAILABLE', 'ORDER_NOT_FOUND', 'INVALID_TRANSITION', 'PAYMENT_FAILED', 'INTERNAL']
  test.each(codes)('%s has its own Chinese message without the code or the raw text', (code) => {
    const message = errorMessage(new ApiError(code, 'raw english details'))
    expect(message).toMatch(/[\u4e00-\u9fff]/)
    expect(message).not.toContain(code)
    expect(message).not.toContain('raw')
  })

  test('every code has a different message', () => {
    expect(new Set(codes.map((c) => errorMessage(new ApiError(c, '')))).size).toBe(codes.length)
  })

  test('anything that is not a typed refusal reads as INTERNAL', () => {
    expect(errorMessage(new Error('socket hang up'))).toBe(errorMessage(new ApiError('INTERNAL', '')))
    expect(errorMessage('boom')).toBe(errorMessage(new ApiError('INTERNAL', '')))
  })
})

describe('scores in plain words', () => {
  test('value is whole yuan, "价值约 120 元"', () => {
    expect(valueText(12049)).toBe('价值约 120 元')
    expect(valueText(40)).toBe('价值不到 1 元')
    expect(valueText(null)).toBe('')
    expect(formatApproxYuan(-0)).toBe('不到 1 元')
  })

  test.each([
    [0.9, 2, 52, '很可能在未来 3 个月再次购买'],
    [0.9, 0.5, 52, '仍是活跃客户，未来 3 个月有可能再次购买'],
    [0.5, 2, 52, '有流失的迹象，适合主动问候一下'],
    [0.1, 2, 52, '很可能已经不再购买了'],
  ])('P(alive) %p with %p expected purchase-days in %p weeks reads "%s"', (pAlive, expectedPurchases, horizonWeeks, sentence) => {
    expect(repurchaseSentence({ pAlive, expectedPurchases, horizonWeeks })).toBe(sentence)
  })

  test('without a model (RFM cold start) there is no repurchase sentence', () => {
    expect(repurchaseSentence({ pAlive: null, expectedPurchases: null, horizonWeeks: 52 })).toBeNull()
  })

  test('referrals are counted in words', () => {
    expect(referredSentence(3)).toBe('带来了 3 位顾客')
    expect(referredSentence(0)).toBe('还没有带来新顾客')
  })
})

describe('customer list', () => {
  test('a row shows name, segment, value, purchases and the last purchase day', () => {
    expect(toCustomerCard(makeRow())).toEqual({
      customerId: 'o-mei',
      name: '美美',
      initial: '美',
      segmentLabel: '忠实客户',
      segmentCode: 'loyal',
      valueText: '价值约 120 元',
      purchasesText: '买过 2 次 · 共 ¥239.00',
      lastPurchaseText: '最近购买 2026年11月3日',
    })
  })

  test('a customer who has not bought yet has no value and says so', () => {
    const card = toCustomerCard(makeRow({ nickname: undefined, paidOrders: 0, spendFen: 0, lastPurchaseDay: undefined, clvFen: null, segment: null, segmentLabel: null }))
    expect(card).toMatchObject({ name: '未留昵称的顾客', valueText: '', purchasesText: '还没有下单', lastPurchaseText: '', segmentLabel: '未下单' })
  })

  test('a customer whose only orders were refunded in full says so, not that they never ordered', () => {
    const card = toCustomerCard(makeRow({ paidOrders: 0, spendFen: 0, refundedOrders: 1, lastPurchaseDay: undefined, clvFen: null, segment: null, segmentLabel: null }))
    expect(card).toMatchObject({ valueText: '', purchasesText: '下过 1 单，已全部退款', segmentLabel: '已退款' })
    expect(toCustomerCard(makeRow({ refundedOrders: 1 })).purchasesText).toBe('买过 2 次 · 共 ¥239.00')
  })

  test('an empty first page is the empty state; the last page is finished', () => {
    expect(toListView([], null)).toMatchObject({ status: 'empty', finished: true })
    expect(toListView([makeRow()], 'c1')).toMatchObject({ status: 'ready', finished: false, nextCursor: 'c1' })
  })

  test('a next page is appended without repeating a customer already shown', () => {
    const first = toListView([makeRow({ customerId: 'a' }), makeRow({ customerId: 'b' })], 'c1')
    const next = appendPage(first, [makeRow({ customerId: 'b' }), makeRow({ customerId: 'c' })], null)
    expect(next.cards!.map((c) => c.customerId)).toEqual(['a', 'b', 'c'])
    expect(next.finished).toBe(true)
  })
})

describe('one customer', () => {
  const detail: CustomerDetailResponse = {
    customer: { ...makeRow(), boundAt: '2026-08-03T10:00:00.000Z' },
    orders: [{ orderId: 'ord1', status: 'paid', totalFen: 11950, itemCount: 2, createdAt: Date.UTC(2026, 10, 3, 6, 5), paidAt: Date.UTC(2026, 10, 3, 6, 6) }],
    stats: null,
    freshScore: {
      customerId: 'o-mei', scoredAt: '2026-11-04', source: 'prior', model: 'pnbd', x: 1, recencyWeeks: 2, ageWeeks: 10, pAlive: 0.92, expectedPurchases: 3,
      horizonWeeks: 52, expectedSpendFen: 11000, dert: 5, clvFen: 12049, segment: 'loyal', segmentLabel: '忠实客户', rfm: { recency: 5, frequency: 4, monetary: 4, cell: '544' },
    },
    explanation: { segmentRule: '有过回购', pAlive: '仍是活跃客户的概率 92%', expectedPurchases: '未来 52 周预计购买 3 天' },
    referred: [{ customerId: 'o-hao', nickname: '浩子', paidOrders: 0, spendFen: 0 }, { customerId: 'o-x', paidOrders: 1, spendFen: 990 }, { customerId: 'o-y', paidOrders: 0, spendFen: 0 }],
  }

  test('the scores read as sentences, with the segment rule, orders and referrals', () => {
    const view = toDetailView(detail)
    expect(view.sentences).toEqual(['很可能在未来 3 个月再次购买', '价值约 120 元', '每次下单预计消费约 110 元', '带来了 3 位顾客'])
    expect(view.segmentRule).toBe('有过回购')
    expect(view.orders).toEqual([{ orderId: 'ord1', statusText: '已付款', totalText: '¥119.50', itemsText: '2 件', dateText: expect.stringMatching(/^11月3日 周二 \d\d:\d\d$/) }])
    expect(view.referred.map((r) => r.name)).toEqual(['浩子', '未留昵称的顾客', '未留昵称的顾客'])
    // no raw probabilities or scores on screen
    expect(JSON.stringify(view)).not.toMatch(/0\.92|12049/)
  })

  test('how the customer came, in words', () => {
    expect(boundSentence('2026-09-12T08:30:00.000Z', { scene: 1044 })).toBe('2026年9月12日 通过群里分享的卡片成为你的客户')
    expect(boundSentence('2026-09-12T08:30:00.000Z', { scene: 1001 })).toBe('2026年9月12日 成为你的客户')
    expect(boundSentence(undefined, undefined)).toBe('')
  })

  test('before a first purchase the page says there is no value yet', () => {
    const before = toDetailView({ ...detail, customer: { ...detail.customer, paidOrders: 0, spendFen: 0 }, freshScore: null, explanation: null, orders: [], referred: [] })
    expect(before.sentences).toEqual(['还没有下单，暂时无法估算价值', '还没有带来新顾客'])
    expect(before.purchasesText).toBe('还没有下单')
  })

  test('after a full refund the order is listed as refunded, and the page does not say the customer never ordered', () => {
    const refunded = toDetailView({
      ...detail,
      customer: { ...detail.customer, paidOrders: 0, spendFen: 0, clvFen: null },
      freshScore: null,
      explanation: null,
      orders: [{ ...detail.orders[0], status: 'refunded' }],
      referred: [],
    })
    expect(refunded.purchasesText).toBe('暂无有效订单（未付款、已取消和已退款的不算）')
    expect(refunded.sentences).toEqual(['暂无有效订单（未付款、已取消和已退款的不算），暂时无法估算价值', '还没有带来新顾客'])
    expect(refunded.orders.map((o) => o.statusText)).toEqual(['已退款'])
  })
})

describe('me', () => {
  test('nickname: 1-32 characters after trimming', () => {
    expect(cleanNickname('  小林  ')).toBe('小林')
    expect(cleanNickname('   ')).toBeNull()
    expect(cleanNickname('字'.repeat(33))).toBeNull()
    expect(cleanNickname('😀'.repeat(32))).toBe('😀'.repeat(32))
  })

  test('phone: a mainland mobile number, or empty to clear', () => {
    expect(cleanPhone('138 0013 8000')).toBe('13800138000')
    expect(cleanPhone('')).toBe('')
    expect(cleanPhone('12345')).toBeNull()
    expect(cleanPhone('12800138000')).toBeNull()
  })

  test('an avatar upload path keeps the chooser file\'s image extension', () => {
    expect(avatarCloudPath('http://tmp/abc.PNG', 'k1')).toBe('avatars/k1.png')
    expect(avatarCloudPath('wxfile://tmp_abc', 'k1')).toBe('avatars/k1.jpg')
  })

  test('seller status and owner entry come from the profile', () => {
    expect(toMeView({ isOwner: false }, '', null)).toMatchObject({ sellerState: 'none', isOwner: false, bindingText: '' })
    expect(toMeView({ isOwner: true, nickname: '林姐', seller: { sellerId: 's1', status: 'active', name: '林姐的茶铺' } }, '', null)).toMatchObject({ sellerState: 'active', sellerName: '林姐的茶铺', isOwner: true })
    expect(toMeView({ isOwner: false, nickname: '小王' }, '', null).applyName).toBe('小王的小店')
  })
})

describe('share', () => {
  test('the Moments query carries only the code and product', () => {
    expect(timelineQuery('Lin8shop')).toBe('ref=Lin8shop')
    expect(timelineQuery('Lin8shop', 'p-1')).toBe('ref=Lin8shop&id=p-1')
  })

  test('the chat card\'s path before the function answers: home or the product page, with the code', () => {
    expect(cardPath('Lin8shop')).toBe('/pages/home/index?ref=Lin8shop')
    expect(cardPath('Lin8shop', 'p-1')).toBe('/pages/product/detail/index?id=p-1&ref=Lin8shop')
  })

  test('the poster keeps everything inside its width and the code below the text', () => {
    const layout = posterLayout(300, { title: '小店', productName: '明前龙井', priceText: '¥19.90', hasImage: true })
    expect(layout.image).toEqual({ x: 18, y: 18, size: 264 })
    expect(layout.code.x + layout.code.size).toBeLessThanOrEqual(300)
    expect(layout.code.y + layout.code.size).toBeLessThanOrEqual(layout.height)
    expect(layout.texts.map((t) => t.text)).toEqual(['明前龙井', '¥19.90', '长按识别小程序码'])
    expect(posterLayout(300, { title: '小店', productName: '', priceText: '', hasImage: false }).image).toBeNull()
  })
})

test('dates read in Chinese', () => {
  expect(formatDay('2026-11-03')).toBe('2026年11月3日')
})
