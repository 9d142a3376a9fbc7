/**
 * The whole story through the pages, on one local cloud running the real functions: the owner
 * fits the store's value model on the settings page (as the nightly refit would); a fresh seller
 * applies on Me and the owner approves on owner/sellers; the seller shares a product from
 * seller/share into a group; a fresh shopper opens that card (the app's launch capture: 1044 with a
 * shareTicket and the group's cloudID), buys it now, chooses an address, pays through the
 * simulated WeChat Pay and sees 支付成功 only after the callback; the seller sees the shopper
 * scored, the order, the open and the pending commission; the owner ships; the shopper confirms
 * receipt, asks for a refund, the owner approves, WeChat Pay notifies; the shopper sees 已退款
 * and the seller's numbers are reversed. Identity switches with setTransportTarget as each person
 * acts; the database is checked through the API where it matters. Each step builds on the one
 * before (jest runs them in order), so a broken step fails the rest.
 */
import './helpers/wx-harness'
import http from 'node:http'
import simulate from 'miniprogram-simulate'
import { dialogs } from './helpers/wx-harness'
import { indexById, inputAndYield, loadPage, scrollUntil, tap as tapNode, tapAndYield, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { openPageAs, useLocalCloud } from './helpers/local-cloud-suite'
import { dataAs, issueGroupCloudId } from './helpers/cloud-http'
import { eventually, waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'
import { PENDING_OPEN_KEY } from '../../miniprogram/launch/record-share-open'

jest.setTimeout(120_000)

const OWNER = 'o-demo-owner'
const SELLER = 'o-journey-seller'
const SELLER_NAME = '旅程小店'
const SHOPPER = 'o-journey-shopper'
const NICKNAME = '旅程茶友'
/** The group the seller shares the card in (WeChat's opengid, resolved from the launch's cloudID). */
const GROUP = 'G-journey-tea-lovers'
const PRODUCT = 'p-pu-erh' // one SKU, ¥129.00, free shipping from ¥99
/** What the shopper picks in wx.chooseAddress. */
const ADDRESS = { userName: '赵六', telNumber: '13912345678', provinceName: '浙江省', cityName: '杭州市', countyName: '西湖区', detailInfo: '龙井路88号', postalCode: '310000', nationalCode: '330106', errMsg: 'chooseAddress:ok' }

const cloud = useLocalCloud({ target: { payNotification: 'deliver' }, clearStorage: false })

/** What the story carries from one step to the next. */
const story = { sellerId: '', shortCode: '', cardPath: '', orderId: '' }

beforeEach(() => {
  dialogs.reset()
})

afterEach(() => {
  jest.restoreAllMocks()
})

// ---- helpers -------------------------------------------------------------------------------------

function post(pathname: string, body: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body))
    const req = http.request(`${cloud.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(payload.length) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')) : reject(new Error(`${pathname}: HTTP ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

const data = (page: LoadedPage) => page.instance.data as Record<string, any>

/** Where the page navigated last (route and query), through `method`. */
function lastUrl(spy: jest.SpyInstance): { route: string; query: Record<string, string> } {
  const url = (spy.mock.calls.at(-1)?.[0] as { url: string } | undefined)?.url
  if (!url) throw new Error('the page navigated nowhere')
  const [route, query = ''] = url.split('?')
  return { route, query: Object.fromEntries(new URLSearchParams(query)) }
}

/** Counts the answers the page got from `name.action` (through the real wx.request). */
function countAnswers(name: string, action: string): () => number {
  let answers = 0
  const request = wx.request
  jest.spyOn(wx, 'request').mockImplementation((options) => {
    if (!options.url.endsWith(`/functions/${name}`) || (options.data as { action?: string } | undefined)?.action !== action) return request(options)
    return request({ ...options, success: (res) => (answers++, options.success?.(res)) })
  })
  return () => answers
}

const orderAs = (openid: string) => dataAs(cloud.url, openid, 'orders', 'afterSale', { orderId: story.orderId }).then((r) => r.order)
const commissionSummary = () => dataAs(cloud.url, SELLER, 'commissions', 'summary', {}).then((r) => r.summary)

// ---- the story -----------------------------------------------------------------------------------

test('0. the owner fits the store\'s value model on owner/settings (what the nightly refit does)', async () => {
  const settings = await openPageAs(OWNER, 'owner/settings/index')
  tapNode(settings, '.refit')
  await waitFor(() => data(settings).refitting, 'refit call started')
  await waitFor(() => !data(settings).refitting, 'refit call', 60_000)
  expect(textOf(settings, '.refit-text')).toMatch(/已评分 \d+ 位/)
  expect((await dataAs(cloud.url, OWNER, 'store', 'refit.status', {})).model).not.toBeNull()
})

test('1. a fresh seller applies on Me, the owner approves on owner/sellers, the new seller shares a product from seller/share', async () => {
  wx.clearStorageSync()
  const me = await openPageAs(SELLER, 'pages/me/index')
  expect(me.querySelector('.entry-share')).toBeUndefined()
  await inputAndYield(me, '.apply-name', SELLER_NAME)
  await tapAndYield(me, '.apply')
  await waitFor(() => data(me).sellerState === 'pending', 'application pending')
  expect(textOf(me, '.seller-pending')).toContain(SELLER_NAME)

  const sellers = await openPageAs(OWNER, 'owner/sellers/index')
  const applicant = data(sellers).applicants.findIndex((a: { name: string }) => a.name === SELLER_NAME)
  expect(applicant).toBeGreaterThanOrEqual(0)
  await tapAndYield(sellers, '.approve', applicant)
  await waitFor(() => !data(sellers).busy && data(sellers).sellers.some((s: { name: string }) => s.name === SELLER_NAME), 'approved')
  expect(dialogs.modals.at(-1)?.content).toContain(SELLER_NAME)
  expect(textsOf(sellers, '.applicant-row .seller-name')).not.toContain(SELLER_NAME)
  expect(textsOf(sellers, '.active-row .seller-name')).toContain(SELLER_NAME)

  const meAgain = await openPageAs(SELLER, 'pages/me/index')
  expect(textOf(meAgain, '.entry-share')).toBe('分享店铺 · 生成海报')

  const share = await openPageAs(SELLER, 'seller/share/index', { productId: PRODUCT })
  expect(data(share).status).toBe('ready')
  expect(textOf(share, '.share-title')).toBe('云南普洱熟茶饼 357g')
  expect(textOf(share, '.share-price')).toBe('¥129.00')
  story.shortCode = data(share).shortCode
  expect(story.shortCode).toMatch(/^[0-9A-Za-z]{4,16}$/)
  // the seller taps 分享给朋友或群: WeChat takes the card the page gives, waiting for the function's
  const shared = (share.instance as unknown as { onShareAppMessage(): { path: string; promise?: Promise<{ title: string; path: string }> } }).onShareAppMessage()
  const card = await shared.promise
  expect(card).toMatchObject({ title: '云南普洱熟茶饼 357g', path: `/pages/product/detail/index?id=${PRODUCT}&ref=${story.shortCode}` })
  expect(shared.path).toBe(card!.path)
  story.cardPath = card!.path

  const list = await dataAs(cloud.url, OWNER, 'referral', 'sellers.list', {})
  const mine = list.sellers.find((s) => s.openid === SELLER)
  expect(mine).toMatchObject({ status: 'active', shortCode: story.shortCode })
  story.sellerId = mine!.sellerId
})

test('2. a fresh shopper opens the card in the group: the launch records the open, buy now, address, submit, pay; 支付成功 only after the callback', async () => {
  expect(story.cardPath).not.toBe('')
  wx.clearStorageSync()
  setTransportTarget({ openid: SHOPPER })
  const [pathname, search] = story.cardPath.slice(1).split('?')
  const query = Object.fromEntries(new URLSearchParams(search))

  // WeChat launches the app from the card the seller shared in a group: a shareTicket, and a
  // cloudID for the group that only the platform can resolve
  const cloudID = await issueGroupCloudId(cloud.url, GROUP)
  const harnessWx = wx as unknown as Record<string, unknown>
  const getGroupEnterInfo = harnessWx.getGroupEnterInfo
  harnessWx.getGroupEnterInfo = (options: { success(res: { cloudID: string; errMsg: string }): void }) => options.success({ cloudID, errMsg: 'getGroupEnterInfo:ok' })
  let app: { onLaunch(o: object): void; onShow(o: object): void } | undefined
  const globals = globalThis as unknown as { App?: (o: typeof app) => void }
  globals.App = (options) => (app = options)
  try {
    require('../../miniprogram/app')
  } finally {
    delete globals.App
  }
  const launch = { scene: 1044, query, path: pathname, shareTicket: 'journey-ticket' }
  app!.onLaunch(launch)
  app!.onShow(launch) // the cold start's onShow repeats the launch: still one open (the funnel says 1 below)

  const product = await openPageAs(SHOPPER, pathname, query)
  expect(data(product).status).toBe('ready')
  expect(textOf(product, '.product-name')).toBe('云南普洱熟茶饼 357g')
  expect(textOf(product, '.product-price')).toBe('¥129.00')
  await waitFor(() => !wx.getStorageSync(PENDING_OPEN_KEY), 'the open recorded')
  harnessWx.getGroupEnterInfo = getGroupEnterInfo
  const { binding } = await dataAs(cloud.url, SHOPPER, 'referral', 'myBinding', {})
  expect(binding).toMatchObject({ sellerId: story.sellerId, source: { code: story.shortCode, scene: 1044, groupId: GROUP } })

  const navigateTo = jest.spyOn(wx, 'navigateTo')
  await tapAndYield(product, '.buy-now')
  const toCheckout = lastUrl(navigateTo)
  expect(toCheckout.route).toBe('/pages/checkout/index')

  const checkout = await openPageAs(SHOPPER, toCheckout.route.slice(1), toCheckout.query)
  expect(textsOf(checkout, '.line-name')).toEqual(['云南普洱熟茶饼 357g'])
  expect(textOf(checkout, '.total')).toBe('¥129.00')
  jest.spyOn(wx, 'chooseAddress').mockImplementation(((options: WechatMiniprogram.ChooseAddressOption) => {
    setTimeout(() => options.success?.(ADDRESS as unknown as WechatMiniprogram.ChooseAddressSuccessCallbackResult), 0)
  }) as typeof wx.chooseAddress)
  await tapAndYield(checkout, '.address')
  await waitFor(() => data(checkout).address !== null, 'address chosen')
  expect(textOf(checkout, '.address-name')).toBe('赵六')
  expect(textOf(checkout, '.address-text')).toBe('浙江省杭州市西湖区龙井路88号')

  // WeChat takes the money but its notification is held back: the result page must wait for it
  setTransportTarget({ payNotification: 'hold' })
  const redirectTo = jest.spyOn(wx, 'redirectTo')
  await tapAndYield(checkout, '.submit')
  await waitFor(() => redirectTo.mock.calls.length > 0, 'redirect to the result page')
  const toResult = lastUrl(redirectTo)
  expect(toResult.route).toBe('/pages/pay-result/index')
  expect(dialogs.modals.at(-1)).toEqual({ title: '模拟支付', content: '本地云没有真实的微信支付。确认支付 ¥129.00？' })
  story.orderId = toResult.query.orderId

  const answers = countAnswers('orders', 'detail')
  const result = await loadPage('pages/pay-result/index', toResult.query)
  await waitFor(() => answers() >= 2, 'the page read the order twice')
  expect(data(result).status).toBe('waiting')
  expect(textOf(result, '.title')).toBe('支付处理中')
  expect((await orderAs(SHOPPER)).status).toBe('pending_payment')

  await post('/_local/pay/confirm', { outTradeNo: story.orderId })
  await waitFor(() => data(result).status !== 'waiting', 'the page sees the payment')
  expect(textOf(result, '.title')).toBe('支付成功')
  expect(textOf(result, '.amount')).toBe('¥129.00')
  expect(await orderAs(SHOPPER)).toMatchObject({ status: 'paid', totalFen: 12900 })

  // the shopper sets a nickname on Me, which names the seller who brought them
  const me = await openPageAs(SHOPPER, 'pages/me/index')
  expect(textOf(me, '.binding-text')).toBe(`你的专属推荐人：${SELLER_NAME}`)
  await inputAndYield(me, '.nickname-input', NICKNAME)
  await tapAndYield(me, '.save-nickname')
  await waitFor(() => data(me).nickname === NICKNAME && !data(me).saving, 'nickname saved')
})

test('3. the seller sees the shopper in My customers and on the customer page, the open and the order in the funnel, the commission pending', async () => {
  expect(story.orderId).not.toBe('')
  // My customers: the new seller's only customer, scored by the payment with the store's model
  const customers = await openPageAs(SELLER, 'seller/customers/index')
  expect(textsOf(customers, '.customer-name')).toEqual([NICKNAME])
  expect(textsOf(customers, '.segment')).toEqual(['新客户'])
  expect(textOf(customers, '.customer-value')).toMatch(/^价值约 \d+ 元$/)
  expect(textOf(customers, '.customer-purchases')).toBe('买过 1 次 · 共 ¥129.00')
  const { customer: row } = await dataAs(cloud.url, SELLER, 'customers', 'detail', { customerId: SHOPPER })
  expect(row).toMatchObject({ paidOrders: 1, spendFen: 12900, segment: 'new' })
  expect(row.clvFen).toEqual(expect.any(Number))
  expect(textOf(customers, '.customer-value')).toBe(`价值约 ${Math.round(row.clvFen! / 100)} 元`)

  const navigateTo = jest.spyOn(wx, 'navigateTo')
  await tapAndYield(customers, '.customer-card')
  const toCustomer = lastUrl(navigateTo)
  expect(toCustomer).toEqual({ route: '/seller/customer/index', query: { customerId: SHOPPER } })
  const customer = await openPageAs(SELLER, toCustomer.route.slice(1), toCustomer.query)
  expect(textOf(customer, '.name')).toBe(`${NICKNAME}新客户`)
  expect(textOf(customer, '.bound')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 通过群里分享的卡片成为你的客户$/)
  const sentences = textsOf(customer, '.sentence')
  expect(sentences).toContain(textOf(customers, '.customer-value'))
  expect(sentences.some((s) => /未来 3 个月.*再次购买/.test(s))).toBe(true)
  expect(sentences.at(-1)).toBe('还没有带来新顾客')
  expect(textsOf(customer, '.order-total')).toEqual(['¥129.00'])
  expect(textsOf(customer, '.order .muted')).toEqual(['1 件 · 已付款'])

  const funnel = await openPageAs(SELLER, 'seller/funnel/index')
  expect(textOf(funnel, '.step-shares .step-value')).toBe('1') // the one card shared (looking at the share page is no share)
  expect(textOf(funnel, '.step-opens .step-value')).toBe('1')
  expect(textOf(funnel, '.step-bound .step-value')).toBe('1')
  expect(textOf(funnel, '.step-orders .step-value')).toBe('1')
  expect(textOf(funnel, '.step-revenue .step-value')).toBe('¥129.00')
  expect(textOf(funnel, '.scene-group .scene-count')).toBe('1')
  expect(textOf(funnel, '.scene-chat .scene-count')).toBe('0')
  expect(textsOf(funnel, '.group-name')).toEqual(['群 1']) // WeChat gives no group names
  expect(textsOf(funnel, '.group-sales')).toEqual(['成交 1 单 · ¥129.00'])
  expect(textsOf(funnel, '.product-name')).toEqual(['云南普洱熟茶饼 357g'])

  const commissions = await openPageAs(SELLER, 'seller/commissions/index')
  expect(textOf(commissions, '.amount-pending .amount-value')).toBe('¥12.90')
  expect(textOf(commissions, '.amount-withdrawable .amount-value')).toBe('¥0.00')
  expect(textsOf(commissions, '.entry-order')).toEqual([`订单 ${story.orderId.slice(-8)}`])
  expect(textsOf(commissions, '.entry-status')).toEqual(['待结算'])
  expect(await commissionSummary()).toMatchObject({ creditedFen: 1290, pendingFen: 1290, reversedFen: 0 })
})

test('4. the owner ships it on owner/orders (the chosen address on the card); the shopper sees 待收货 and confirms receipt', async () => {
  expect(story.orderId).not.toBe('')
  const orders = await openPageAs(OWNER, 'owner/orders/index')
  await scrollUntil(orders, (c) => c.id === story.orderId)
  const index = data(orders).cards.findIndex((c: { id: string }) => c.id === story.orderId)
  expect(textsOf(orders, '.order-status')[index]).toBe('待发货')
  expect(textsOf(orders, '.order-address')[index]).toBe('赵六 13912345678 · 浙江省杭州市西湖区龙井路88号')
  expect(data(orders).cards[index]).toMatchObject({ canShip: true, totalText: '¥129.00', lines: [expect.objectContaining({ name: '云南普洱熟茶饼 357g', quantityText: '× 1' })] })

  await tapAndYield(orders, '.ship-button', indexById(orders, '.ship-button', story.orderId))
  orders.querySelector('.carrier-picker')!.dispatchEvent('change', { detail: { value: 0 } }) // 顺丰
  await simulate.sleep(0)
  await inputAndYield(orders, '.tracking-input', 'SF5550001111')
  await tapAndYield(orders, '.confirm-ship')
  await waitFor(() => data(orders).ship === null, 'shipped')
  expect((await orderAs(SHOPPER)).status).toBe('shipped')

  const list = await openPageAs(SHOPPER, 'pages/orders/index')
  const mine = data(list).cards.findIndex((c: { id: string }) => c.id === story.orderId)
  expect(textsOf(list, '.order-status')[mine]).toBe('待收货')

  const navigateTo = jest.spyOn(wx, 'navigateTo')
  await tapAndYield(list, '.order-card', mine)
  const toDetail = lastUrl(navigateTo)
  expect(toDetail).toEqual({ route: '/pages/orders/detail/index', query: { id: story.orderId } })
  const detail = await openPageAs(SHOPPER, 'pages/orders/detail/index', toDetail.query)
  expect(textOf(detail, '.status-text')).toBe('待收货')
  expect(textOf(detail, '.status-hint')).toBe('顺丰速运 SF5550001111')
  await tapAndYield(detail, '.action-confirm')
  await waitFor(() => data(detail).orderStatus === 'completed' && !data(detail).busy, 'completed')
  expect(textOf(detail, '.status-text')).toBe('已完成')
  ;(detail.instance as unknown as { onUnload?(): void }).onUnload?.()
})

test('5. a refund: asked on the order detail, approved on owner/refunds, notified by WeChat Pay; 已退款, and the seller\'s numbers reversed', async () => {
  expect(story.orderId).not.toBe('')
  const detail = await openPageAs(SHOPPER, 'pages/orders/detail/index', { id: story.orderId })
  await tapAndYield(detail, '.action-refund')
  await tapAndYield(detail, '.refund-reason-chip', 0)
  await tapAndYield(detail, '.refund-submit')
  await waitFor(() => data(detail).orderStatus === 'refund_requested' && !data(detail).busy, 'refund requested')
  expect(textOf(detail, '.status-text')).toBe('退款中')
  expect(textOf(detail, '.refund-amount')).toBe('¥129.00')
  ;(detail.instance as unknown as { onUnload?(): void }).onUnload?.()

  const refunds = await openPageAs(OWNER, 'owner/refunds/index')
  await scrollUntil(refunds, (c) => c.orderId === story.orderId)
  const card = () => data(refunds).cards.find((c: { orderId: string }) => c.orderId === story.orderId)
  expect(card()).toMatchObject({ stateText: '待处理', amountText: '¥129.00', canDecide: true })
  await tapAndYield(refunds, '.approve-button', indexById(refunds, '.approve-button', story.orderId))
  await waitFor(() => card()?.stateText !== '待处理', 'approved')
  expect(dialogs.modals.at(-1)?.content).toBe('将通过微信支付退款 ¥129.00 给买家。确认同意？') // received goods are not restocked by default
  await waitFor(() => card()?.stateText === '已退款', 'refunded on WeChat Pay\'s notification', 30_000)
  ;(refunds.instance as unknown as { onUnload?(): void }).onUnload?.()
  expect(await orderAs(SHOPPER)).toMatchObject({ status: 'refunded', refundedFen: 12900 })

  // the shopper comes back to the order through My orders' 退款 tab
  const list = await openPageAs(SHOPPER, 'pages/orders/index', { status: 'refund' })
  expect(data(list).cards.map((c: { id: string }) => c.id)).toEqual([story.orderId])
  expect(textsOf(list, '.order-status')).toEqual(['已退款'])
  const after = await openPageAs(SHOPPER, 'pages/orders/detail/index', { id: story.orderId })
  expect(textOf(after, '.status-text')).toBe('已退款')
  expect(textOf(after, '.status-hint')).toBe('已退款 ¥129.00，款项已原路退回')
  expect(textsOf(after, '.event-title').slice(0, 3)).toEqual(['退款成功 ¥129.00', '商家同意退款', '申请退款 ¥129.00'])
  expect(after.querySelector('.action-bar')).toBeUndefined()
  ;(after.instance as unknown as { onUnload?(): void }).onUnload?.()

  // the seller's numbers: spend back to 0, no score, the commission taken back, the order out of the funnel
  expect(await eventually(commissionSummary, (s) => s.reversedFen === 1290, 'commission reversed')).toMatchObject({ creditedFen: 1290, pendingFen: 0, balanceFen: 0, withdrawableFen: 0 })
  const { customer: row } = await dataAs(cloud.url, SELLER, 'customers', 'detail', { customerId: SHOPPER })
  expect(row).toMatchObject({ paidOrders: 0, refundedOrders: 1, spendFen: 0, clvFen: null })

  const customers = await openPageAs(SELLER, 'seller/customers/index')
  expect(textsOf(customers, '.customer-name')).toEqual([NICKNAME])
  expect(textsOf(customers, '.customer-purchases')).toEqual(['下过 1 单，已全部退款'])
  expect(customers.querySelector('.customer-value')).toBeUndefined()
  expect(textsOf(customers, '.segment')).toEqual(['已退款'])

  const customer = await openPageAs(SELLER, 'seller/customer/index', { customerId: SHOPPER })
  expect(textsOf(customer, '.order .muted')).toEqual(['1 件 · 已退款'])
  expect(textOf(customer, '.purchases')).toBe('暂无有效订单（未付款、已取消和已退款的不算）')
  expect(textsOf(customer, '.sentence')).toEqual(['暂无有效订单（未付款、已取消和已退款的不算），暂时无法估算价值', '还没有带来新顾客'])

  const funnel = await openPageAs(SELLER, 'seller/funnel/index')
  expect(textOf(funnel, '.step-opens .step-value')).toBe('1')
  expect(textOf(funnel, '.step-orders .step-value')).toBe('0')
  expect(textOf(funnel, '.step-revenue .step-value')).toBe('¥0.00')

  const commissions = await openPageAs(SELLER, 'seller/commissions/index')
  expect(textOf(commissions, '.amount-pending .amount-value')).toBe('¥0.00')
  expect(textOf(commissions, '.amount-reversed .amount-value')).toBe('¥12.90')
  expect(textsOf(commissions, '.entry-status')).toEqual(['已退回'])
  expect(textsOf(commissions, '.entry-reversed')).toEqual(['退款退回 ¥12.90'])
  expect(data(commissions).summary.canWithdraw).toBe(false)
})
