/**
 * The seller's shares funnel and commissions and the owner's withdrawals desk end to end: pages →
 * services → transport (local mode) → a real local cloud in a child process → the real
 * `referral`, `orders` and `commissions` functions. A fresh seller of this test's own earns a
 * commission the way a real one does (approved, a friend opens the card, buys, pays, receives),
 * the local clock moves past the cooling-off so the maturing timer makes it withdrawable, then the
 * seller asks for it on the page and the owner pays it on theirs.
 */
import http from 'node:http'
import './helpers/wx-harness'
import { loadPage, tap, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { openPageAs, recordCloudCalls, useLocalCloud } from './helpers/local-cloud-suite'
import { buyAndPay, dataAs, writeDocuments } from './helpers/cloud-http'
import { eventually, waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'
import { periodStart } from '../../miniprogram/seller/funnel/funnel-view'
import type { CommissionSummary } from '../../typings/commissions'
import type { SharesFunnel } from '../../typings/referral'

jest.setTimeout(120_000)

const OWNER = 'o-demo-owner'
const LIN = 'o-demo-seller-lin'
const SHOPPER = 'o-demo-shopper-05'
const SELLER = 'o-money-seller'
const SELLER_NAME = '佣金页测试小店'
const BUYER = 'o-money-buyer'
const DAY = 86_400_000

const cloud = useLocalCloud({ timers: true, clearStorage: false }) // the maturing timer makes commissions withdrawable
let sellerId = ''
let orderId = ''

function post(url: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body))
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(payload.length) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))) : reject(new Error(`${url}: HTTP ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** A seller approved by the owner. */
async function approvedSeller(openid: string, name: string): Promise<{ sellerId: string; code: string }> {
  const { seller } = await dataAs(cloud.url, openid, 'referral', 'sellers.apply', { name })
  await dataAs(cloud.url, OWNER, 'referral', 'sellers.approve', { sellerId: seller.sellerId })
  return { sellerId: seller.sellerId, code: seller.shortCode }
}

const summaryOf = async (openid = SELLER): Promise<CommissionSummary> => (await dataAs(cloud.url, openid, 'commissions', 'summary', {})).summary

beforeAll(async () => {
  const seller = await approvedSeller(SELLER, SELLER_NAME)
  sellerId = seller.sellerId
  const opened = await dataAs(cloud.url, BUYER, 'referral', 'recordOpen', { openKey: 'money-open-buyer-1', sceneValue: 1007, ref: seller.code, productId: 'p-walnut' })
  if (!opened.bound) throw new Error(`the buyer was not bound: ${opened.reason}`)
  orderId = await buyAndPay(cloud.url, BUYER, 'p-walnut', 3) // goods ¥137.70: ¥13.77 at the default 10 %
  await dataAs(cloud.url, OWNER, 'orders', 'admin.ship', { orderId, carrier: 'SF', trackingNo: 'SF1234567890' })
  await dataAs(cloud.url, BUYER, 'orders', 'confirmReceipt', { orderId })
})

afterEach(() => {
  jest.restoreAllMocks()
})

const data = (page: LoadedPage) => page.instance.data as Record<string, any>

describe('my shares funnel', () => {
  test('Lin sees the funnel of the seeded shares, every number the API’s, opens by scene as bars, products by name', async () => {
    const api: SharesFunnel = (await dataAs(cloud.url, LIN, 'referral', 'funnel', {})).funnel
    const page = await openPageAs(LIN, 'seller/funnel/index')

    expect(data(page).status).toBe(api.total.shares + api.total.opens + api.total.paidOrders > 0 ? 'ready' : 'empty')
    if (data(page).status === 'empty') return // a seed whose last 30 days hold nothing: the 90-day test covers the numbers
    expect(textOf(page, '.step-shares .step-value')).toBe(String(api.total.shares))
    expect(textOf(page, '.step-opens .step-value')).toBe(String(api.total.opens))
    expect(textOf(page, '.step-bound .step-value')).toBe(String(api.total.bound))
    expect(textOf(page, '.step-orders .step-value')).toBe(String(api.total.paidOrders))
    expect(textsOf(page, '.step-label')).toEqual(['分享', '打开', '新客户', '成交订单', '成交金额'])
    expect(textsOf(page, '.step-meaning').every((m) => m.length > 4)).toBe(true)
    expect(textsOf(page, '.scene-count').map(Number).slice(0, 4)).toEqual(['chat', 'group', 'moments', 'code'].map((c) => api.total.opensByChannel[c as 'chat']))
    expect(textsOf(page, '.product-name')).toHaveLength(api.byProduct.length)
    expect(textsOf(page, '.group-name')).toEqual(api.byGroup.map((_, i) => `群 ${i + 1}`))
  })

  test('over 90 days the numbers match the API’s for the same days, including revenue in yuan and per-product names, with no catalogue call', async () => {
    const recorder = recordCloudCalls()
    let page: Awaited<ReturnType<typeof openPageAs>>
    try {
      page = await openPageAs(LIN, 'seller/funnel/index')
      tap(page, '.period', 2)
      await waitFor(() => data(page).days === 90 && data(page).status !== 'loading', '90 days')
    } finally {
      recorder.stop()
    }
    expect(recorder.calls.map((c) => c.action)).toEqual(['funnel', 'funnel']) // the names come with the funnel: no catalog.product per product
    const { to } = (await dataAs(cloud.url, LIN, 'referral', 'funnel', {})).funnel // the store's today
    const api: SharesFunnel = (await dataAs(cloud.url, LIN, 'referral', 'funnel', { from: periodStart(to, 90), to })).funnel

    expect(api.total.opens).toBeGreaterThan(0) // the demo history has Lin's shares within 90 days
    expect(data(page).status).toBe('ready')
    expect(textOf(page, '.step-shares .step-value')).toBe(String(api.total.shares))
    expect(textOf(page, '.step-opens .step-value')).toBe(String(api.total.opens))
    expect(textOf(page, '.step-bound .step-value')).toBe(String(api.total.bound))
    expect(textOf(page, '.step-orders .step-value')).toBe(String(api.total.paidOrders))
    const revenue = textOf(page, '.step-revenue .step-value')!
    expect(revenue).toBe(`¥${Math.floor(api.total.revenueFen / 100)}.${String(api.total.revenueFen % 100).padStart(2, '0')}`)
    expect(textsOf(page, '.scene-count').map(Number).slice(0, 4)).toEqual([api.total.opensByChannel.chat, api.total.opensByChannel.group, api.total.opensByChannel.moments, api.total.opensByChannel.code])
    expect(textsOf(page, '.chip-active')).toEqual(['近 90 天'])

    const first = api.byProduct[0]
    expect(first.name).toEqual(expect.any(String))
    expect(textsOf(page, '.product-name')).toEqual(api.byProduct.map((p) => p.name ?? '已删除的商品'))
    expect(textsOf(page, '.product-name')[0]).toBe(first.name)
    expect(textsOf(page, '.product-activity')[0]).toBe(`分享 ${first.shares} 次 · 打开 ${first.opens} 次 · 新客户 ${first.bound} 位`)
    expect(textsOf(page, '.product-name')).toHaveLength(api.byProduct.length)
    expect(textsOf(page, '.group-name')).toEqual(api.byGroup.map((_, i) => `群 ${i + 1}`))

    tap(page, '.period', 0)
    await waitFor(() => data(page).days === 7 && data(page).status !== 'loading', '7 days')
    const week: SharesFunnel = (await dataAs(cloud.url, LIN, 'referral', 'funnel', { from: periodStart(to, 7), to })).funnel
    expect(data(page).status).toBe(week.total.shares + week.total.opens + week.total.paidOrders > 0 ? 'ready' : 'empty')
  })

  test('a new seller with nothing shared yet sees how to share, with a way to the share page', async () => {
    await approvedSeller('o-money-fresh-seller', '新开小店')
    const page = await openPageAs('o-money-fresh-seller', 'seller/funnel/index')
    expect(data(page).status).toBe('empty')
    expect(textOf(page, '.state-empty .card-title')).toBe('这段时间还没有分享数据')
    expect(textOf(page, '.empty-text')).toMatch(/分享到微信聊天、群聊或朋友圈/)
    expect(textOf(page, '.empty-share')).toBe('去分享')
  })

  test('a shopper gets the typed refusal, never a raw error', async () => {
    const page = await openPageAs(SHOPPER, 'seller/funnel/index')
    expect(data(page).status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('你没有权限进行此操作')
  })
})

describe('my commissions and the withdrawals desk', () => {
  test('a pending commission: the amount, its state and when it can be withdrawn; nothing to withdraw yet', async () => {
    const page = await openPageAs(SELLER, 'seller/commissions/index')
    expect(textOf(page, '.amount-pending .amount-value')).toBe('¥13.77')
    expect(textOf(page, '.amount-withdrawable .amount-value')).toBe('¥0.00')
    expect(textOf(page, '.rate-text')).toBe('佣金比例：订单商品金额的 10%（不含运费）')
    expect(textOf(page, '.cooling-off-text')).toMatch(/^确认收货 7 天后可提现/)
    expect(textsOf(page, '.entry-order')).toEqual([`订单 ${orderId.slice(-8)}`])
    expect(textsOf(page, '.entry-status')).toEqual(['待结算'])
    expect(textsOf(page, '.entry-when')).toEqual(['订单确认收货 7 天后可提现'])
    expect(data(page).summary.canWithdraw).toBe(false)
  })

  test('after the cooling-off the timer matures it; the seller asks for ¥10 with a double tap and files one request', async () => {
    await post(`${cloud.url}/_local/clock`, { advanceMs: 7 * DAY + 11 * 60_000 })
    await eventually(summaryOf, (s) => s.withdrawableFen === 1377, 'the commission matured', 30_000) // the maturing timer is working

    const page = await openPageAs(SELLER, 'seller/commissions/index')
    expect(textOf(page, '.amount-withdrawable .amount-value')).toBe('¥13.77')
    expect(textsOf(page, '.entry-status')).toEqual(['可提现'])
    expect(textsOf(page, '.entry-when')[0]).toMatch(/起可提现$/)

    // more than the balance is refused on the page, before any call
    page.querySelector('.amount-input')!.dispatchEvent('input', { detail: { value: '13.78' } })
    await waitFor(() => data(page).amountDraft === '13.78', 'typed')
    tap(page, '.request-withdrawal')
    await waitFor(() => data(page).amountError !== '', 'refused on the page')
    expect(textOf(page, '.amount-error')).toBe('最多可提现 ¥13.77')

    tap(page, '.withdraw-all')
    await waitFor(() => data(page).amountDraft === '13.77', 'the whole balance')

    const request = jest.spyOn(wx, 'request')
    page.querySelector('.amount-input')!.dispatchEvent('input', { detail: { value: '10' } })
    await waitFor(() => data(page).amountDraft === '10', 'typed')
    tap(page, '.request-withdrawal')
    tap(page, '.request-withdrawal')
    await waitFor(() => !data(page).submitting && data(page).withdrawals.length === 1, 'request filed')

    const filed = request.mock.calls.filter(([o]) => (o.data as { action?: string }).action === 'withdrawals.request')
    expect(filed).toHaveLength(1)
    const { withdrawals } = await dataAs(cloud.url, SELLER, 'commissions', 'withdrawals.list', {})
    expect(withdrawals.map((w) => [w.amountFen, w.status])).toEqual([[1000, 'requested']])
    expect(await summaryOf()).toMatchObject({ balanceFen: 377, requestedFen: 1000, withdrawableFen: 377 })
    expect(textOf(page, '.amount-withdrawable .amount-value')).toBe('¥3.77')
    expect(textOf(page, '.requested-text')).toBe('有 ¥10.00 正在提现中，等待店主打款')
    expect(textsOf(page, '.withdrawal-status')).toEqual(['等待店主打款'])
    expect(textsOf(page, '.withdrawal-amount')).toEqual(['¥10.00'])
  })

  test('a request that may not have arrived is retried under the same request id; the retry files it once', async () => {
    const page = await openPageAs(SELLER, 'seller/commissions/index')
    const sent: string[] = []
    const request = jest.spyOn(wx, 'request')
    const toast = jest.spyOn(wx, 'showToast')
    page.querySelector('.amount-input')!.dispatchEvent('input', { detail: { value: '1.00' } })
    await waitFor(() => data(page).amountDraft === '1.00', 'typed')

    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:1' }) // the network drops the call
    tap(page, '.request-withdrawal')
    await waitFor(() => toast.mock.calls.length > 0 && !data(page).submitting, 'first attempt failed')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '网络开小差了，请稍后重试' }))

    setTransportTarget({ localCloudUrl: cloud.url })
    tap(page, '.request-withdrawal')
    await waitFor(() => !data(page).submitting && data(page).withdrawals.length === 2, 'retry filed')
    for (const [o] of request.mock.calls) {
      const body = o.data as { action?: string; data?: { requestId: string } }
      if (body.action === 'withdrawals.request') sent.push(body.data!.requestId)
    }
    expect(sent).toHaveLength(2)
    expect(sent[1]).toBe(sent[0])
    expect((await summaryOf()).requestedFen).toBe(1100)
  })

  test('a balance spent elsewhere meanwhile: the server refuses with its typed code and the page shows the balance as it is', async () => {
    const page = await openPageAs(SELLER, 'seller/commissions/index')
    expect(textOf(page, '.amount-withdrawable .amount-value')).toBe('¥2.77')
    const toast = jest.spyOn(wx, 'showToast')
    await dataAs(cloud.url, SELLER, 'commissions', 'withdrawals.request', { requestId: 'money-elsewhere-01', amountFen: 200 })

    page.querySelector('.amount-input')!.dispatchEvent('input', { detail: { value: '2.77' } })
    await waitFor(() => data(page).amountDraft === '2.77', 'typed')
    tap(page, '.request-withdrawal')
    await waitFor(() => !data(page).submitting && data(page).withdrawals.length === 3, 'refused and refreshed')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '可提现余额不足' }))
    expect(textOf(page, '.amount-withdrawable .amount-value')).toBe('¥0.77')
    expect((await summaryOf()).requestedFen).toBe(1300)
  })

  test('the owner marks the ¥10 request paid with a transfer reference, rejects another with a reason; cancelling a modal changes nothing', async () => {
    const desk = await openPageAs(OWNER, 'owner/withdrawals/index')
    expect(textsOf(desk, '.seller-name')).toEqual([SELLER_NAME, SELLER_NAME, SELLER_NAME])
    expect(textsOf(desk, '.withdrawal-amount')).toEqual(['¥2.00', '¥1.00', '¥10.00'])

    const modal = jest.spyOn(wx, 'showModal')
    modal.mockImplementationOnce(((o: WechatMiniprogram.ShowModalOption) => o.success?.({ confirm: false, cancel: true, content: '', errMsg: 'showModal:ok' })) as typeof wx.showModal)
    tap(desk, '.mark-paid', 2)
    await waitFor(() => modal.mock.calls.length === 1, 'asked')
    await new Promise((r) => setTimeout(r, 200))
    expect(textsOf(desk, '.withdrawal-amount')).toHaveLength(3)

    modal.mockImplementationOnce(((o: WechatMiniprogram.ShowModalOption) => o.success?.({ confirm: true, cancel: false, content: '  T-PAGE-001 ', errMsg: 'showModal:ok' })) as typeof wx.showModal)
    tap(desk, '.mark-paid', 2)
    await waitFor(() => textsOf(desk, '.withdrawal-amount').length === 2 && !data(desk).busyId, 'marked paid')
    expect(modal.mock.calls[1][0].title).toBe(`确认已打款 ¥10.00 给 ${SELLER_NAME}？`)

    modal.mockImplementationOnce(((o: WechatMiniprogram.ShowModalOption) => o.success?.({ confirm: true, cancel: false, content: '金额有误', errMsg: 'showModal:ok' })) as typeof wx.showModal)
    tap(desk, '.reject', 0)
    await waitFor(() => textsOf(desk, '.withdrawal-amount').length === 1 && !data(desk).busyId, 'rejected')
    expect(textsOf(desk, '.withdrawal-amount')).toEqual(['¥1.00'])

    const { withdrawals } = await dataAs(cloud.url, OWNER, 'commissions', 'withdrawals.list', { sellerId })
    expect(withdrawals.map((w) => [w.amountFen, w.status, w.reference ?? w.reason ?? null])).toEqual([
      [200, 'rejected', '金额有误'],
      [100, 'requested', null],
      [1000, 'paid', 'T-PAGE-001'],
    ])

    tap(desk, '.tab', 1)
    await waitFor(() => data(desk).tab === 'paid' && data(desk).status !== 'loading', 'paid tab')
    expect(textsOf(desk, '.withdrawal-amount')).toEqual(['¥10.00'])
    expect(textOf(desk, '.withdrawal-outcome')).toMatch(/已打款 · 转账单号 T-PAGE-001$/)
    expect(desk.querySelector('.mark-paid')).toBeUndefined()
  })

  test('a request decided meanwhile elsewhere: the typed refusal, then the desk shows it as it is', async () => {
    const desk = await openPageAs(OWNER, 'owner/withdrawals/index')
    expect(textsOf(desk, '.withdrawal-amount')).toEqual(['¥1.00'])
    const [{ withdrawalId }] = (await dataAs(cloud.url, OWNER, 'commissions', 'withdrawals.list', { status: 'requested' })).withdrawals
    await dataAs(cloud.url, OWNER, 'commissions', 'withdrawals.reject', { withdrawalId })

    jest.spyOn(wx, 'showModal').mockImplementation(((o: WechatMiniprogram.ShowModalOption) => o.success?.({ confirm: true, cancel: false, content: '', errMsg: 'showModal:ok' })) as typeof wx.showModal)
    const toast = jest.spyOn(wx, 'showToast')
    tap(desk, '.mark-paid', 0)
    await waitFor(() => data(desk).status === 'empty' && !data(desk).busyId, 'reloaded')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '状态已变化，请刷新后重试' }))
    expect((await dataAs(cloud.url, OWNER, 'commissions', 'withdrawals.list', { status: 'paid', sellerId })).withdrawals).toHaveLength(1)
  })

  test('the seller sees the request paid with its reference, the rejected ones back in the balance', async () => {
    const page = await openPageAs(SELLER, 'seller/commissions/index')
    expect(textsOf(page, '.withdrawal-status')).toEqual(['已驳回', '已驳回', '已打款'])
    expect(textsOf(page, '.withdrawal-outcome')[0]).toBe('已驳回，金额已退回余额：金额有误')
    expect(textsOf(page, '.withdrawal-outcome')[2]).toMatch(/已打款 · 转账单号 T-PAGE-001$/)
    expect(textOf(page, '.amount-withdrawn .amount-value')).toBe('¥10.00')
    expect(textOf(page, '.amount-withdrawable .amount-value')).toBe('¥3.77')
    expect(textOf(page, '.requested-text')).toBeUndefined()
    expect(await summaryOf()).toMatchObject({ withdrawnFen: 1000, balanceFen: 377, requestedFen: 0 })
  })

  test('a refund after the money was withdrawn: the entry shows it taken back, the negative balance is explained and nothing can be withdrawn', async () => {
    await dataAs(cloud.url, BUYER, 'orders', 'refund.request', { orderId, requestId: 'money-refund-0001', reason: '不想要了' })
    await dataAs(cloud.url, OWNER, 'orders', 'admin.refund.approve', { orderId, restock: true })
    await eventually(summaryOf, (s) => s.reversedFen === 1377, 'the refund reversed the commission', 30_000)

    const page = await openPageAs(SELLER, 'seller/commissions/index')
    expect(await summaryOf()).toMatchObject({ balanceFen: -1000, withdrawableFen: 0, withdrawnFen: 1000 })
    expect(textOf(page, '.amount-reversed .amount-value')).toBe('¥13.77')
    expect(textOf(page, '.amount-withdrawable .amount-value')).toBe('¥0.00')
    expect(textOf(page, '.negative-text')).toMatch(/^你的余额是 -¥10\.00：有顾客在你提现之后退了款/)
    expect(textsOf(page, '.entry-status')).toEqual(['已退回'])
    expect(textsOf(page, '.entry-reversed')).toEqual(['退款退回 ¥13.77'])
    expect(data(page).summary.canWithdraw).toBe(false)
  })

  test('entries scroll a page at a time on the cursor, then say there is no more', async () => {
    const many = await approvedSeller('o-money-busy-seller', '忙碌小店')
    writeDocuments(
      cloud.url,
      Array.from({ length: 23 }, (_, i) => {
        const id = `omoney${String(i).padStart(2, '0')}`
        return {
          collection: 'commissions',
          id: `c_${id}`,
          doc: {
            sellerId: many.sellerId,
            orderId: id,
            creditedAt: { $date: new Date(Date.UTC(2026, 10, 1) + i * 3600_000).toISOString() },
            status: 'pending',
            baseFen: 1000 + i,
            rateBps: 1000,
            amountFen: 100,
            reversedFen: 0,
            refundedGoodsFen: 0,
            coolingOffDays: 7,
            checkAfter: { $date: '2030-01-01T00:00:00.000Z' },
            refunds: [],
          },
        }
      }),
    )
    const page = await openPageAs('o-money-busy-seller', 'seller/commissions/index')
    expect(textsOf(page, '.entry-order')).toHaveLength(20)
    expect(textOf(page, '.list-end')).toBeUndefined()
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom()
    await waitFor(() => !data(page).loadingMore, 'next page')
    const orders = textsOf(page, '.entry-order')
    expect(orders).toHaveLength(23)
    expect(new Set(orders).size).toBe(23)
    expect(orders[0]).toBe('订单 omoney22') // newest credit first
    expect(textOf(page, '.list-end')).toBe('没有更多了')
    await (page.instance as unknown as { onReachBottom(): Promise<void> }).onReachBottom()
    expect(textsOf(page, '.entry-order')).toHaveLength(23)
  })

  test('a shopper opening my commissions gets the not-a-seller state with a way to apply; a shopper or a seller on the desk gets the refusal', async () => {
    const page = await openPageAs(SHOPPER, 'seller/commissions/index')
    expect(data(page).status).toBe('forbidden')
    expect(textOf(page, '.state-forbidden .error-message')).toMatch(/申请成为推广员/)
    expect(page.querySelector('.to-me')).toBeDefined()
    expect(page.querySelector('.request-withdrawal')).toBeUndefined()

    for (const openid of [SHOPPER, SELLER]) {
      const desk = await openPageAs(openid, 'owner/withdrawals/index')
      expect(data(desk).status).toBe('error')
      expect(textOf(desk, '.error-message')).toBe('你没有权限进行此操作')
      expect(desk.querySelector('.mark-paid')).toBeUndefined()
    }
  })
})

describe('entries on Me', () => {
  test('an active seller finds 分享数据 and 我的佣金 in the seller section', async () => {
    setTransportTarget({ localCloudUrl: cloud.url, openid: LIN })
    const me = await loadPage('pages/me/index')
    await waitFor(() => me.instance.data.status !== 'loading', 'me loaded')
    expect(textOf(me, '.entry-funnel')).toBe('分享数据')
    expect(textOf(me, '.entry-commissions')).toBe('我的佣金')
  })
})
