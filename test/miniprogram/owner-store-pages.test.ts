/**
 * The owner's hub, sellers and store settings pages end to end: pages → services → transport
 * (local mode) → a real local cloud in a child process → the real `referral`, `store` and
 * `orders` functions → the seeded database. Identities that this file mutates are its own
 * (o-ownerpages-*), except the demo applicant Wang, whom the owner approves.
 */
import './helpers/wx-harness'
import http from 'node:http'
import { tap, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { openPageAs, useLocalCloud } from './helpers/local-cloud-suite'
import { dataAs } from './helpers/cloud-http'
import { waitFor } from './helpers/wait'

jest.setTimeout(180_000)

const OWNER = 'o-demo-owner'
const WANG = 'o-demo-applicant-wang'
const SHOPPER = 'o-ownerpages-shopper'

const cloud = useLocalCloud({ target: { openid: OWNER }, clearStorage: false })

afterEach(() => {
  jest.restoreAllMocks()
})

const open = (route: string, openid = OWNER): Promise<LoadedPage> => openPageAs(openid, route)

const data = (page: LoadedPage) => page.instance.data as Record<string, any>
/** The owner's own calls, to arrange and check the world around the pages. */
const owner = (name: 'referral' | 'store' | 'orders', action: string, body: unknown) => (dataAs as unknown as (url: string, openid: string, n: string, a: string, d: unknown) => Promise<any>)(cloud.url, OWNER, name, action, body)
const storeSettings = () => owner('store', 'settings.get', {})

/** The modal's answer: confirm or cancel, recorded. */
function answerModal(confirm: boolean) {
  return jest.spyOn(wx, 'showModal').mockImplementation(((options: WechatMiniprogram.ShowModalOption) => {
    options.success?.({ confirm, cancel: !confirm, errMsg: 'showModal:ok' } as WechatMiniprogram.ShowModalSuccessCallbackResult)
  }) as never)
}

/** The calls the page sent to the cloud, as `function.action` with their data. */
function recordCalls() {
  const spy = jest.spyOn(wx, 'request')
  return () =>
    spy.mock.calls
      .map(([options]) => ({ url: String(options.url), body: options.data as { action?: string; data?: unknown } }))
      .filter((c) => c.url.includes('/functions/'))
      .map((c) => ({ call: `${c.url.split('/functions/')[1]}.${c.body.action}`, data: c.body.data }))
}

function input(page: LoadedPage, selector: string, value: string) {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`no ${selector}`)
  node.dispatchEvent('input', { detail: { value } })
}

/** The local cloud's movable clock (functions and their `Date` follow it). */
function advanceClock(ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(JSON.stringify({ advanceMs: ms }))
    const req = http.request(`${cloud.url}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`clock: HTTP ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('the owner\'s hub', () => {
  test('the owner sees the figures and an entry to each owner page; sellers shows the application waiting', async () => {
    const page = await open('owner/index/index')
    expect(data(page).status).toBe('ready')
    expect(textsOf(page, '.hub-entry-title')).toEqual(['商品与库存', '待发货订单', '退款审核', '佣金提现', '销售员', '全部顾客', '店铺设置'])
    expect(textOf(page, '.hub-entry-sellers .hub-entry-badge')).toBe('1 人待审核') // Wang
    expect(textOf(page, '.figure-pendingSellers .figure-value')).toBe('1')
    expect(textOf(page, '.figure-fittedAt .figure-value')).toBe('尚未拟合') // no timer ran in this local cloud
    // the order desks' badges are the server's counts (the seed's paid orders wait to be shipped; no refund is open)
    const { counts } = await owner('orders', 'admin.counts', {})
    expect(counts.paid).toBeGreaterThan(0)
    expect(textOf(page, '.hub-entry-orders .hub-entry-badge')).toBe(`${counts.paid} 单待发货`)
    expect(counts.refund_requested).toBe(0)
    expect(page.querySelector('.hub-entry-refunds .hub-entry-badge')).toBeUndefined()
  })

  test('an entry navigates to its page, also to pages merged from other branches', async () => {
    const navigateTo = jest.spyOn(wx, 'navigateTo')
    const page = await open('owner/index/index')
    tap(page, '.hub-entry-settings')
    tap(page, '.hub-entry-orders')
    tap(page, '.hub-entry-customers')
    await waitFor(() => navigateTo.mock.calls.length === 3, 'navigations')
    expect(navigateTo.mock.calls.map(([o]) => (o as { url: string }).url)).toEqual(['/owner/settings/index', '/owner/orders/index', '/owner/customers/index'])
  })

  test.each([['a shopper', SHOPPER], ['a seller', 'o-demo-seller-lin']])('%s gets the refusal, without entries or a retry', async (_who, openid) => {
    const page = await open('owner/index/index', openid)
    expect(data(page).status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('你没有权限进行此操作')
    expect(page.querySelector('.retry')).toBeUndefined()
    expect(page.querySelectorAll('.hub-entry')).toHaveLength(0)
  })
})

describe('sellers', () => {
  test('applicants and sellers with their status in Chinese and their share codes', async () => {
    const page = await open('owner/sellers/index')
    expect(textsOf(page, '.applicant-row .seller-name')).toEqual(['王同学'])
    expect(textsOf(page, '.applicant-row .seller-status')).toEqual(['待审核'])
    expect(textOf(page, '.applicant-row .seller-meta')).toBe('推荐码 Wang3new · 2026年11月20日 申请')
    expect(textsOf(page, '.active-row .seller-name')).toEqual(['小周好物', '林姐的茶铺'])
    expect(textsOf(page, '.active-row .seller-status')).toEqual(['已通过', '已通过'])
    expect(textsOf(page, '.active-row .seller-meta')[1]).toMatch(/^推荐码 Lin8shop · 2026年8月1日 通过$/)
    // each seller's customers, as sellers.list answers them
    const active = (await owner('referral', 'sellers.list', { status: 'active' })).sellers as Array<{ customers: number }>
    expect(active[1].customers).toBeGreaterThan(0) // Lin's demo customers
    expect(textsOf(page, '.active-row .seller-figures')).toEqual(active.map((s) => `客户 ${s.customers} 位`))
    expect(page.querySelector('.applicant-row .seller-figures')).toBeUndefined()
  })

  test('cancelling the confirm approves nobody', async () => {
    const modal = answerModal(false)
    const calls = recordCalls()
    const page = await open('owner/sellers/index')
    tap(page, '.approve')
    await waitFor(() => modal.mock.calls.length === 1, 'modal')
    await new Promise((r) => setTimeout(r, 100)) // room for a call the page must not make
    expect(calls().map((c) => c.call)).toEqual(['referral.sellers.list', 'referral.settings.get'])
    expect((await owner('referral', 'sellers.list', { status: 'pending' })).sellers.map((s: any) => s.openid)).toEqual([WANG])
  })

  test('the owner approves Wang after a confirm; from then on a friend opening Wang\'s card becomes Wang\'s customer', async () => {
    // before: Wang's card credits nobody
    const card = await dataAs(cloud.url, WANG, 'referral', 'shareCard', {})
    const before = await dataAs(cloud.url, 'o-ownerpages-friend-1', 'referral', 'recordOpen', { openKey: 'ownerpages-open-1', sceneValue: 1007, ref: card.shortCode })
    expect(before).toMatchObject({ bound: false, reason: 'noCreditableSeller' })

    const hub = await open('owner/index/index')
    expect(textOf(hub, '.hub-entry-sellers .hub-entry-badge')).toBe('1 人待审核')

    const modal = answerModal(true)
    const page = await open('owner/sellers/index')
    tap(page, '.approve')
    await waitFor(() => data(page).applicants.length === 0 && !data(page).busy, 'approved')
    expect(modal.mock.calls[0][0]).toMatchObject({ title: '通过申请' })
    expect(String(modal.mock.calls[0][0].content)).toContain('王同学')
    expect(textOf(page, '.applicants-empty')).toBe('暂无待审核的申请')
    expect(textsOf(page, '.active-row .seller-name')).toContain('王同学')

    const wang = (await owner('referral', 'sellers.list', {})).sellers.find((s: any) => s.openid === WANG)
    expect(wang).toMatchObject({ status: 'active', sellerId: 's_Wang3new' })
    const after = await dataAs(cloud.url, 'o-ownerpages-friend-2', 'referral', 'recordOpen', { openKey: 'ownerpages-open-2', sceneValue: 1007, ref: card.shortCode })
    expect(after).toMatchObject({ bound: true, sellerId: 's_Wang3new' })

    // back on the hub, the figures are read again
    await (hub.instance as unknown as { onShow(): Promise<void> }).onShow()
    expect(textOf(hub, '.figure-pendingSellers .figure-value')).toBe('0')
    expect(hub.querySelector('.hub-entry-sellers .hub-entry-badge')).toBeUndefined()
  })

  test('the share policy switches to everyone after a confirm, with what it means for credit, and back', async () => {
    const page = await open('owner/sellers/index')
    expect(textsOf(page, '.policy-chip')).toEqual(['仅销售员', '所有人都可分享'])
    expect(textsOf(page, '.chip-active')).toEqual(['仅销售员'])
    expect(textOf(page, '.one-level')).toContain('一级')

    let modal = answerModal(false)
    tap(page, '.policy-chip', 1)
    await waitFor(() => modal.mock.calls.length === 1, 'modal')
    expect((await owner('referral', 'settings.get', {})).settings.sharePolicy).toBe('sellersOnly')
    modal.mockRestore()

    modal = answerModal(true)
    tap(page, '.policy-chip', 1)
    await waitFor(() => data(page).sharePolicy === 'everyone' && !data(page).busy, 'everyone')
    expect(modal.mock.calls[0][0].title).toBe('改为「所有人都可分享」')
    expect(textsOf(page, '.chip-active')).toEqual(['所有人都可分享'])
    expect(textOf(page, '.policy-explanation')).toContain('自动成为销售员')
    expect((await owner('referral', 'settings.get', {})).settings.sharePolicy).toBe('everyone')
    // what it means: anyone's share now credits them
    const sharer = await dataAs(cloud.url, 'o-ownerpages-sharer', 'referral', 'shareCard', {})
    const opened = await dataAs(cloud.url, 'o-ownerpages-friend-3', 'referral', 'recordOpen', { openKey: 'ownerpages-open-3', sceneValue: 1007, ref: sharer.shortCode })
    expect(opened).toMatchObject({ bound: true, sellerId: `s_${sharer.shortCode}` })

    tap(page, '.policy-chip', 0)
    await waitFor(() => data(page).sharePolicy === 'sellersOnly' && !data(page).busy, 'back to sellers only')
    expect((await owner('referral', 'settings.get', {})).settings.sharePolicy).toBe('sellersOnly')
    expect(textOf(page, '.policy-explanation')).toContain('转发的人不得佣金')
  })

  test.each([['a shopper', SHOPPER], ['a seller', 'o-demo-seller-lin']])('%s opening the page gets the refusal and can neither approve nor change the policy', async (_who, openid) => {
    const calls = recordCalls()
    const page = await open('owner/sellers/index', openid)
    expect(textOf(page, '.error-message')).toBe('你没有权限进行此操作')
    expect(page.querySelectorAll('.policy-chip')).toHaveLength(0)
    expect(page.querySelectorAll('.approve')).toHaveLength(0)
    expect(calls().every((c) => c.call === 'referral.sellers.list' || c.call === 'referral.settings.get')).toBe(true)
  })
})

describe('store settings', () => {
  const quoteShippingFen = async () => (await dataAs(cloud.url, SHOPPER, 'orders', 'quote', { lines: [{ skuId: 'p-walnut', quantity: 1 }] })).shippingFen // ¥45.90 of goods

  test('every setting shows as the owner would type it, with its help in plain words', async () => {
    const page = await open('owner/settings/index')
    const d = data(page)
    expect({ mode: d.mode, windowDays: d.windowDays, commission: d.commissionPercent, coolingOff: d.coolingOffDays, flat: d.flatFeeYuan, free: d.freeShipping, freeFrom: d.freeFromYuan, margin: d.marginPercent, discount: d.annualDiscountPercent, autoComplete: d.autoCompleteDays }).toEqual({
      mode: 'firstTouchWindow', windowDays: '30', commission: '10', coolingOff: '7', flat: '10.00', free: true, freeFrom: '99.00', margin: '30', discount: '15', autoComplete: '10',
    })
    expect(textsOf(page, '.mode-chip')).toEqual(['永久首次', '首次 30 天内有效', '最后一次'])
    expect(textOf(page, '.binding-help')).toContain('30 天内打开其他销售员的分享不会改绑')
    expect(textsOf(page, '.help').length).toBeGreaterThanOrEqual(7)
  })

  test('changing the shipping rule sends only the shipping fields, and a shopper\'s quote follows', async () => {
    expect(await quoteShippingFen()).toBe(1000)
    const page = await open('owner/settings/index')
    const calls = recordCalls()
    input(page, '.flat-fee', '12')
    input(page, '.free-from', '200')
    tap(page, '.save')
    await waitFor(() => data(page).flatFeeYuan === '12.00' && !data(page).saving, 'saved')
    expect(calls()).toEqual([{ call: 'store.settings.update', data: { store: { shipping: { flatFeeFen: 1200, freeFromFen: 20_000 } } } }])
    expect(data(page).freeFromYuan).toBe('200.00')
    expect(await quoteShippingFen()).toBe(1200)

    // free from ¥40: the ¥45.90 walnut ships free
    input(page, '.free-from', '40')
    tap(page, '.save')
    await waitFor(() => data(page).freeFromYuan === '40.00' && !data(page).saving, 'saved again')
    expect(await quoteShippingFen()).toBe(0)

    // free shipping off: always the flat fee
    page.querySelector('.free-shipping')!.dispatchEvent('change', { detail: { value: false } })
    tap(page, '.save')
    await waitFor(() => data(page).freeShipping === false && !data(page).saving && page.querySelector('.free-from') === undefined, 'off')
    expect((await storeSettings()).store.shipping).toEqual({ flatFeeFen: 1200, freeFromFen: null })
    expect(await quoteShippingFen()).toBe(1200)

    // back to the default rule for the rest of this file
    page.querySelector('.free-shipping')!.dispatchEvent('change', { detail: { value: true } })
    await waitFor(() => page.querySelector('.free-from') !== undefined, 'threshold input back')
    input(page, '.flat-fee', '10')
    input(page, '.free-from', '99')
    tap(page, '.save')
    await waitFor(() => data(page).freeFromYuan === '99.00' && !data(page).saving, 'restored')
    expect((await storeSettings()).store.shipping).toEqual({ flatFeeFen: 1000, freeFromFen: 9900 })
    expect(await quoteShippingFen()).toBe(1000)
  })

  test.each([
    ['.flat-fee', '-1', /运费/],
    ['.flat-fee', '1.234', /两位小数/],
    ['.free-from', 'abc', /包邮门槛/],
    ['.commission-percent', '101', /佣金比例/],
    ['.cooling-off-days', '2.5', /冷静期/],
    ['.window-days', '0', /保护天数/],
    ['.annual-discount-percent', '0', /年折现率/],
    ['.auto-complete-days', '', /自动确认收货/],
  ])('%s = %j is refused with a message and nothing is sent', async (selector, value, message) => {
    const before = await storeSettings()
    const page = await open('owner/settings/index')
    const toast = jest.spyOn(wx, 'showToast')
    const calls = recordCalls()
    input(page, selector, value)
    tap(page, '.save')
    await waitFor(() => toast.mock.calls.length > 0, 'toast')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringMatching(message), icon: 'none' }))
    expect(textOf(page, '.form-error')).toMatch(message)
    expect(calls()).toEqual([])
    expect(await storeSettings()).toEqual(before)
  })

  test('saving without a change sends nothing', async () => {
    const page = await open('owner/settings/index')
    const toast = jest.spyOn(wx, 'showToast')
    const calls = recordCalls()
    input(page, '.commission-percent', '10.00') // the same 10 %
    tap(page, '.save')
    await waitFor(() => toast.mock.calls.length > 0, 'toast')
    expect(toast).toHaveBeenCalledWith(expect.objectContaining({ title: '没有改动' }))
    expect(calls()).toEqual([])
  })

  test('the binding rule, commission and value settings change together and come back as they were', async () => {
    const page = await open('owner/settings/index')
    tap(page, '.mode-chip', 2) // 最后一次
    await waitFor(() => data(page).mode === 'lastTouch', 'mode chosen')
    expect(textOf(page, '.binding-help')).toContain('最近一次')
    expect(page.querySelector('.window-days')).toBeUndefined()
    input(page, '.commission-percent', '12.5')
    input(page, '.margin-percent', '35')
    const calls = recordCalls()
    tap(page, '.save')
    await waitFor(() => data(page).commissionPercent === '12.5' && !data(page).saving, 'saved')
    expect(calls()).toEqual([{ call: 'store.settings.update', data: { store: { commission: { rateBps: 1250 }, value: { marginBps: 3500 } }, referral: { mode: 'lastTouch' } } }])
    const saved = await storeSettings()
    expect(saved.referral.mode).toBe('lastTouch')
    expect(saved.store.commission).toEqual({ rateBps: 1250, coolingOffDays: 7 })

    tap(page, '.mode-chip', 1)
    await waitFor(() => page.querySelector('.window-days') !== undefined, 'window input')
    input(page, '.window-days', '14')
    await waitFor(() => data(page).windowDays === '14', 'window typed')
    expect(textsOf(page, '.mode-chip')[1]).toBe('首次 14 天内有效')
    input(page, '.commission-percent', '10')
    input(page, '.margin-percent', '30')
    tap(page, '.save')
    await waitFor(() => data(page).commissionPercent === '10' && !data(page).saving, 'restored')
    const restored = await storeSettings()
    expect(restored.referral).toEqual({ mode: 'firstTouchWindow', windowDays: 14, sharePolicy: 'sellersOnly' })
    expect(restored.store.value.marginBps).toBe(3000)
    await owner('store', 'settings.update', { referral: { windowDays: 30 } })
  })

  test('立即重新拟合 starts a refit; the page follows its progress until it is done and shows the model', async () => {
    const page = await open('owner/settings/index')
    expect(textOf(page, '.refit-text')).toBe('还没有拟合过价值模型')
    expect(page.querySelectorAll('.info-row')).toHaveLength(0)

    tap(page, '.refit')
    await waitFor(() => data(page).refitting, 'refit call started')
    await waitFor(() => !data(page).refitting, 'refit call', 120_000)
    // the call fitted the model and rescored everyone; the job waits to recheck payments made
    // during the payment path's model cache (90 s) before valuing referrers
    expect(data(page).refitRunning).toBe(true)
    expect(textOf(page, '.refit-text')).toMatch(/^正在核对拟合期间付款的顾客 · 已评分 \d+ 位$/)
    expect(textOf(page, '.refit')).toBe('拟合进行中…')
    expect(textOf(page, '.model-source .info-value')).toMatch(/拟合|先验|分级/)
    expect(textOf(page, '.model-customers .info-value')).toMatch(/^\d+ 位（回头客 \d+ 位）$/)
    expect(textOf(page, '.model-scoring .info-value')).toBe('毛利率 30%，年折现率 15%')

    // the page polls while the cloud's timer would continue the job: 100 s pass and one run
    // continues it (the owner's refit.start joins a running job and works on it, as a tick does)
    await advanceClock(100_000)
    const job = (await owner('store', 'refit.start', {})).job
    expect(job.phase).toBe('done')
    await waitFor(() => !data(page).refitRunning, 'poll saw done', 30_000)
    expect(textOf(page, '.refit-text')).toMatch(/^上次拟合：.+ 完成（店主发起），评分 \d+ 位，推荐价值 \d+ 位$/)
    expect(textOf(page, '.refit')).toBe('立即重新拟合')
    const status = await owner('store', 'refit.status', {})
    expect(status.job).toMatchObject({ jobId: job.jobId, phase: 'done', trigger: 'owner' })
    expect(textOf(page, '.model-version .info-value')).toBe(status.model.version)
  })

  test.each([['a shopper', SHOPPER], ['a seller', 'o-demo-seller-zhou']])('%s gets the refusal and changes nothing', async (_who, openid) => {
    const before = await storeSettings()
    const calls = recordCalls()
    const page = await open('owner/settings/index', openid)
    expect(data(page).status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('你没有权限进行此操作')
    expect(page.querySelector('.save')).toBeUndefined()
    expect(page.querySelector('.refit')).toBeUndefined()
    expect(calls().map((c) => c.call).sort()).toEqual(['store.refit.status', 'store.settings.get'])
    expect(await storeSettings()).toEqual(before)
  })
})
