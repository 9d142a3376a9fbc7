/** The pure mappers behind the shares funnel, my commissions and the owner's withdrawals desk. */
import { PERIODS, periodStart, toFunnelErrorView, toFunnelView, toSceneBars } from '../../miniprogram/seller/funnel/funnel-view'
import {
  amountDraftOf,
  appendEntries,
  coolingOffText,
  formatRate,
  parseWithdrawalAmount,
  toEntryRow,
  toLoadFailure,
  toSummaryView,
  toWithdrawalRow,
} from '../../miniprogram/seller/commissions/commissions-view'
import { appendCards, cleanNote, sellerNames, toWithdrawalCard } from '../../miniprogram/owner/withdrawals/withdrawals-view'
import { ApiError } from '../../miniprogram/services/transport'
import { formatDay } from '../../miniprogram/utils/dates'
import type { CommissionEntryView, CommissionSummary, WithdrawalView } from '../../typings/commissions'
import type { SharesFunnel } from '../../typings/referral'

function makeFunnel(overrides: Partial<SharesFunnel> = {}): SharesFunnel {
  return {
    sellerId: 's_Lin8shop',
    from: '2026-10-29',
    to: '2026-11-27',
    total: {
      shares: 12,
      opens: 30,
      bound: 6,
      paidOrders: 4,
      revenueFen: 52300,
      sharesByChannel: { card: 8, chat: 1, group: 1, moments: 1, code: 1 },
      opensByChannel: { chat: 20, group: 5, moments: 4, code: 1, other: 0 },
    },
    byProduct: [
      { productId: 'p-longjing', name: '西湖龙井', shares: 3, opens: 9, bound: 2, paidOrders: 2, revenueFen: 33600 },
      { productId: 'p-gone', name: null, shares: 1, opens: 1, bound: 0, paidOrders: 0, revenueFen: 0 },
    ],
    byGroup: [
      { groupId: 'G-b', opens: 3, bound: 1, paidOrders: 1, revenueFen: 16800 },
      { groupId: 'G-a', opens: 2, bound: 0, paidOrders: 0, revenueFen: 0 },
    ],
    truncated: false,
    ...overrides,
  }
}

function makeSummary(overrides: Partial<CommissionSummary> = {}): CommissionSummary {
  return {
    sellerId: 's_x',
    sellerName: 'X',
    creditedFen: 5000,
    pendingFen: 1000,
    balanceFen: 2500,
    requestedFen: 500,
    withdrawnFen: 800,
    reversedFen: 200,
    withdrawableFen: 2500,
    terms: { rateBps: 1000, coolingOffDays: 7 },
    ...overrides,
  }
}

function makeEntry(overrides: Partial<CommissionEntryView> = {}): CommissionEntryView {
  return {
    entryId: 'c_o1234567890abcdef',
    orderId: 'o1234567890abcdef',
    status: 'pending',
    baseFen: 13770,
    rateBps: 1000,
    amountFen: 1377,
    reversedFen: 0,
    remainingFen: 1377,
    coolingOffDays: 7,
    creditedAt: '2026-11-20T06:00:00.000Z',
    refunds: [],
    ...overrides,
  }
}

function makeWithdrawal(overrides: Partial<WithdrawalView> = {}): WithdrawalView {
  return { withdrawalId: 'w0123456789abcdef0123456789abcde', sellerId: 's_x', amountFen: 1277, status: 'requested', requestedAt: '2026-11-27T06:05:00.000Z', ...overrides }
}

describe('shares funnel view', () => {
  test('every number comes with what it counts, revenue as money, in the period shown', () => {
    const view = toFunnelView(makeFunnel())
    expect(view.status).toBe('ready')
    expect(view.periodText).toBe(`${formatDay('2026-10-29')} 至 ${formatDay('2026-11-27')}`)
    expect(view.steps.map((s) => [s.label, s.value])).toEqual([
      ['分享', '12'],
      ['打开', '30'],
      ['新客户', '6'],
      ['成交订单', '4'],
      ['成交金额', '¥523.00'],
    ])
    for (const step of view.steps) expect(step.meaning.length).toBeGreaterThan(4)
    expect(view.summaryText).toBe('30 次打开带来了 6 位新客户，成交 4 单')
  })

  test('opens by scene as bars against the busiest scene; 其他 only when there are such opens', () => {
    expect(toSceneBars({ chat: 20, group: 5, moments: 4, code: 0, other: 0 })).toEqual([
      { channel: 'chat', label: '聊天', count: 20, percent: 100 },
      { channel: 'group', label: '群聊', count: 5, percent: 25 },
      { channel: 'moments', label: '朋友圈', count: 4, percent: 20 },
      { channel: 'code', label: '小程序码', count: 0, percent: 0 },
    ])
    const tiny = toSceneBars({ chat: 1000, group: 0, moments: 0, code: 0, other: 1 })
    expect(tiny.map((b) => b.label)).toEqual(['聊天', '群聊', '朋友圈', '小程序码', '其他'])
    expect(tiny[4].percent).toBe(2) // a scene with opens is never an invisible bar
    expect(toSceneBars({ chat: 0, group: 0, moments: 0, code: 0, other: 0 }).every((b) => b.percent === 0)).toBe(true)
  })

  test('products by the API’s name (one the store deleted reads 已删除的商品), groups numbered 群 1, 群 2 in the API order', () => {
    const view = toFunnelView(makeFunnel())
    expect(view.products).toEqual([
      { productId: 'p-longjing', name: '西湖龙井', activityText: '分享 3 次 · 打开 9 次 · 新客户 2 位', salesText: '成交 2 单 · ¥336.00' },
      { productId: 'p-gone', name: '已删除的商品', activityText: '分享 1 次 · 打开 1 次 · 新客户 0 位', salesText: '还没有成交' },
    ])
    expect(view.groups).toEqual([
      { groupId: 'G-b', label: '群 1', activityText: '打开 3 次 · 新客户 1 位', salesText: '成交 1 单 · ¥168.00' },
      { groupId: 'G-a', label: '群 2', activityText: '打开 2 次 · 新客户 0 位', salesText: '还没有成交' },
    ])
  })

  test('nothing shared, opened or sold is the empty state; shares nobody opened say so', () => {
    const zero = { shares: 0, opens: 0, bound: 0, paidOrders: 0, revenueFen: 0 }
    const none = makeFunnel({ total: { ...zero, sharesByChannel: { card: 0, chat: 0, group: 0, moments: 0, code: 0 }, opensByChannel: { chat: 0, group: 0, moments: 0, code: 0, other: 0 } }, byProduct: [], byGroup: [] })
    expect(toFunnelView(none).status).toBe('empty')
    const unopened = makeFunnel({ total: { ...none.total, shares: 3, sharesByChannel: { card: 3, chat: 0, group: 0, moments: 0, code: 0 } }, byProduct: [], byGroup: [] })
    expect(toFunnelView(unopened)).toMatchObject({ status: 'ready', summaryText: '分享了 3 次，还没有人打开' })
  })

  test('a truncated answer says its numbers are a lower bound', () => {
    expect(toFunnelView(makeFunnel()).truncatedText).toBe('')
    expect(toFunnelView(makeFunnel({ truncated: true })).truncatedText).toMatch(/只多不少/)
  })

  test('a period of n days ends on the given day and starts n - 1 days before, across months and years', () => {
    expect(periodStart('2026-11-27', 7)).toBe('2026-11-21')
    expect(periodStart('2026-11-27', 30)).toBe('2026-10-29')
    expect(periodStart('2026-03-01', 2)).toBe('2026-02-28')
    expect(periodStart('2026-01-05', 90)).toBe('2025-10-08')
    expect(PERIODS.map((p) => p.days)).toEqual([7, 30, 90])
    expect(Math.max(...PERIODS.map((p) => p.days))).toBeLessThanOrEqual(92) // what the API reads at most
  })

  test('a refusal becomes its Chinese message', () => {
    expect(toFunnelErrorView(new ApiError('FORBIDDEN', 'x'))).toMatchObject({ status: 'error', errorMessage: '你没有权限进行此操作' })
  })
})

describe('my commissions view', () => {
  test('amounts by state with their meaning, the terms in words', () => {
    const view = toSummaryView(makeSummary())
    expect(view.cells.map((c) => [c.label, c.value])).toEqual([
      ['可提现', '¥25.00'],
      ['待结算', '¥10.00'],
      ['已提现', '¥8.00'],
      ['已退回', '¥2.00'],
    ])
    expect(view.cells.find((c) => c.key === 'pending')!.meaning).toBe('订单确认收货 7 天后可提现')
    expect(view.rateText).toBe('佣金比例：订单商品金额的 10%（不含运费）')
    expect(view.coolingOffText).toBe('确认收货 7 天后可提现')
    expect(view.requestedText).toBe('有 ¥5.00 正在提现中，等待店主打款')
    expect(view).toMatchObject({ negativeText: '', withdrawableFen: 2500, canWithdraw: true })
  })

  test('a negative balance is explained and nothing can be withdrawn', () => {
    const view = toSummaryView(makeSummary({ balanceFen: -459, withdrawableFen: 0, requestedFen: 0 }))
    expect(view.negativeText).toMatch(/^你的余额是 -¥4\.59：有顾客在你提现之后退了款/)
    expect(view).toMatchObject({ canWithdraw: false, requestedText: '' })
    expect(view.cells[0].value).toBe('¥0.00')
  })

  test('rates and cooling-off in plain words', () => {
    expect([1000, 1250, 5, 0, 10000, 333].map(formatRate)).toEqual(['10%', '12.5%', '0.05%', '0%', '100%', '3.33%'])
    expect(coolingOffText(0)).toBe('确认收货后即可提现')
    expect(coolingOffText(15)).toBe('确认收货 15 天后可提现')
  })

  test('an entry: its order, what is left of it, its state in Chinese and when it can be withdrawn', () => {
    expect(toEntryRow(makeEntry())).toMatchObject({
      orderText: '订单 90abcdef',
      amountText: '¥13.77',
      baseText: '商品金额 ¥137.70 × 10%',
      statusText: '待结算',
      whenText: '订单确认收货 7 天后可提现',
      reversedText: '',
    })
    expect(toEntryRow(makeEntry({ status: 'withdrawable', maturedAt: '2026-11-26T02:00:00.000Z' }))).toMatchObject({ statusText: '可提现', whenText: `${formatDay('2026-11-26T02:00:00.000Z')} 起可提现` })
    expect(toEntryRow(makeEntry({ status: 'reversed', reversedFen: 1377, remainingFen: 0 }))).toMatchObject({ statusText: '已退回', amountText: '¥0.00', whenText: '顾客已退款，佣金已退回', reversedText: '退款退回 ¥13.77' })
  })

  test('a next page of entries adds only entries not shown yet', () => {
    const shown = [toEntryRow(makeEntry({ entryId: 'c_a' }))]
    const next = appendEntries(shown, [makeEntry({ entryId: 'c_a' }), makeEntry({ entryId: 'c_b' })])
    expect(next.map((e) => e.entryId)).toEqual(['c_a', 'c_b'])
  })

  test('my requests and their outcome', () => {
    expect(toWithdrawalRow(makeWithdrawal())).toMatchObject({ amountText: '¥12.77', statusText: '等待店主打款', outcomeText: '' })
    expect(toWithdrawalRow(makeWithdrawal({ status: 'paid', paidAt: '2026-11-28T01:00:00.000Z', reference: 'T-001' }))).toMatchObject({
      statusText: '已打款',
      outcomeText: `${formatDay('2026-11-28T01:00:00.000Z')} 已打款 · 转账单号 T-001`,
    })
    expect(toWithdrawalRow(makeWithdrawal({ status: 'rejected', reason: '信息不全' })).outcomeText).toBe('已驳回，金额已退回余额：信息不全')
  })

  test('the amount typed is read as whole fen from the text and bounded by the withdrawable balance', () => {
    expect(parseWithdrawalAmount('12.77', 1277)).toEqual({ ok: true, amountFen: 1277 })
    expect(parseWithdrawalAmount(' 0.1 ', 1277)).toEqual({ ok: true, amountFen: 10 })
    expect(parseWithdrawalAmount('3.', 1277)).toEqual({ ok: true, amountFen: 300 })
    expect(parseWithdrawalAmount('0.29', 100)).toEqual({ ok: true, amountFen: 29 }) // 0.29 * 100 is 28.999... in floating point
    expect(parseWithdrawalAmount('12.78', 1277)).toEqual({ ok: false, message: '最多可提现 ¥12.77' })
    expect(parseWithdrawalAmount('1', 0)).toEqual({ ok: false, message: '最多可提现 ¥0.00' })
    for (const bad of ['', 'abc', '1.234', '-1', '1e3', '.5', '1,000', '１２']) expect(parseWithdrawalAmount(bad, 100000)).toMatchObject({ ok: false, message: '请输入金额，最多两位小数' })
    for (const zero of ['0', '0.00', '0.']) expect(parseWithdrawalAmount(zero, 100)).toEqual({ ok: false, message: '提现金额需大于 0' })
    expect(amountDraftOf(1277)).toBe('12.77')
    expect(parseWithdrawalAmount(amountDraftOf(1005), 1005)).toEqual({ ok: true, amountFen: 1005 })
  })

  test('not a seller is its own state with a way to apply; other failures are the error state', () => {
    expect(toLoadFailure(new ApiError('FORBIDDEN', 'x'))).toMatchObject({ status: 'forbidden', errorMessage: expect.stringContaining('申请成为推广员') })
    expect(toLoadFailure(new ApiError('INTERNAL', 'x'))).toEqual({ status: 'error', errorMessage: '网络开小差了，请稍后重试' })
    expect(toLoadFailure(new Error('raw'))).toEqual({ status: 'error', errorMessage: '网络开小差了，请稍后重试' })
  })
})

describe('owner withdrawals view', () => {
  const names = sellerNames([{ sellerId: 's_x', openid: 'o-x', name: '林姐的茶铺', status: 'active', shortCode: 'X', createdAt: '2026-01-01T00:00:00.000Z' }])

  test('a request with its seller’s name, decidable only while waiting', () => {
    expect(toWithdrawalCard(makeWithdrawal(), names)).toMatchObject({ sellerName: '林姐的茶铺', amountText: '¥12.77', statusText: '待打款', outcomeText: '', decidable: true })
    const paid = toWithdrawalCard(makeWithdrawal({ status: 'paid', paidAt: '2026-11-28T01:00:00.000Z', reference: 'T-1' }), names)
    expect(paid).toMatchObject({ statusText: '已打款', decidable: false })
    expect(paid.outcomeText).toMatch(/已打款 · 转账单号 T-1$/)
    expect(toWithdrawalCard(makeWithdrawal({ status: 'rejected', reason: '重复申请' }), names)).toMatchObject({ outcomeText: '已驳回：重复申请', decidable: false })
    expect(toWithdrawalCard(makeWithdrawal({ sellerId: 's_unknown' }), names).sellerName).toBe('推广员 s_unknown')
  })

  test('a next page adds only requests not shown yet', () => {
    const shown = [toWithdrawalCard(makeWithdrawal({ withdrawalId: 'w1' }), names)]
    expect(appendCards(shown, [makeWithdrawal({ withdrawalId: 'w1' }), makeWithdrawal({ withdrawalId: 'w2' })], names).map((c) => c.withdrawalId)).toEqual(['w1', 'w2'])
  })

  test('a decision note is one trimmed line the API accepts, or nothing', () => {
    expect(cleanNote('  T-2026-001 ')).toBe('T-2026-001')
    expect(cleanNote('a\nb\tc')).toBe('a b c')
    expect(cleanNote('   ')).toBeUndefined()
    expect(cleanNote(undefined)).toBeUndefined()
    expect(cleanNote('长'.repeat(200))).toHaveLength(128)
  })
})
