/**
 * The owner's pages end to end on a real local cloud (page -> service -> function -> database):
 * a product created with two SKUs and an uploaded image reaches the shop; stock adjusted with a
 * retried request counts once; off sale hides it; a paid order is shipped (WeChat gets the
 * shipping upload); refunds are approved (退款中, then 已退款 on WeChat Pay's notification) or
 * rejected; a shopper gets the refusal state on every owner page.
 */
import { chooseMediaWillReturn, scanCodeWillReturn } from './helpers/wx-harness'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import simulate from 'miniprogram-simulate'
import { changeAndYield, indexById, inputAndYield, scrollUntil, tapAndYield, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { REPO_ROOT } from './helpers/local-cloud-process'
import { openPageAs, recordCloudCalls, useLocalCloud } from './helpers/local-cloud-suite'
import { buyAndPay, callAs, dataAs } from './helpers/cloud-http'
import { waitFor } from './helpers/wait'
import type { AdminProductView } from '../../typings/catalog'

jest.setTimeout(120_000)

const OWNER = 'o-demo-owner'
const IMAGE = path.join(REPO_ROOT, 'database/seed/images/jujube.png')
const cloud = useLocalCloud({ target: { openid: OWNER } })

afterEach(() => {
  jest.restoreAllMocks()
})

function get(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
}

function post(pathname: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body))
    const req = http.request(`${cloud.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(payload.length) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null')))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** The next call of `action` reaches the function, but its answer is lost on the way back (the page sees a network failure). */
function loseNextAnswer(action: string): { lost: () => boolean } {
  const real = wx.request
  let lost = false
  const spy = jest.spyOn(wx, 'request').mockImplementation((options: WechatMiniprogram.RequestOption) => {
    const data = options.data as { action?: string } | undefined
    if (lost || data?.action !== action) return real(options)
    lost = true
    spy.mockRestore()
    return real({ ...options, success: () => options.fail?.({ errMsg: 'request:fail timeout', errno: 5 } as never) })
  })
  return { lost: () => lost }
}

async function allAdminProducts(): Promise<AdminProductView[]> {
  const out: AdminProductView[] = []
  let cursor: string | undefined
  do {
    const page = await dataAs(cloud.url, OWNER, 'catalog', 'admin.products', cursor ? { cursor, pageSize: 50 } : { pageSize: 50 })
    out.push(...page.products)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return out
}

const open = (route: string, query: Record<string, string> = {}, openid = OWNER): Promise<LoadedPage> => openPageAs(openid, route, query)

const data = (page: LoadedPage) => page.instance.data as Record<string, any>

describe('the product editor', () => {
  let productId = ''

  test('a new product with two SKUs and an album image is created once, even when the first answer is lost, and shoppers see it', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    const page = await open('owner/product/index')
    expect(data(page).form.isNew).toBe(true)

    await inputAndYield(page, '.name-input', '  白毫银针 ')
    await changeAndYield(page, '.category-picker', 0) // 茶叶
    chooseMediaWillReturn([IMAGE])
    await tapAndYield(page, '.add-image')
    await waitFor(() => data(page).form?.images.length === 1, 'image uploaded')
    await waitFor(() => !data(page).uploading, 'upload settled')
    const [uploaded] = data(page).form.images
    expect(uploaded.fileID).toMatch(/^cloud:\/\/.+\/products\/.+\.png$/)
    const download = await get(uploaded.src)
    expect(download.status).toBe(200)
    expect(download.body.equals(readFileSync(IMAGE))).toBe(true)

    // a second image, moved to the front, then removed: its file is deleted from storage (it was never saved)
    chooseMediaWillReturn([path.join(REPO_ROOT, 'database/seed/images/soap.png')])
    await tapAndYield(page, '.add-image')
    await waitFor(() => data(page).form?.images.length === 2 && !data(page).uploading, 'second image')
    const second = data(page).form.images[1]
    await tapAndYield(page, '.move-earlier', 1)
    expect(data(page).form.images.map((i: { fileID: string }) => i.fileID)).toEqual([second.fileID, uploaded.fileID])
    await tapAndYield(page, '.remove-image', 0)
    expect(data(page).form.images.map((i: { fileID: string }) => i.fileID)).toEqual([uploaded.fileID])
    const statusOf = async (fileID: string) => ((await post('/storage/temp-urls', { fileList: [fileID] })) as { fileList: Array<{ status: number }> }).fileList[0].status
    for (let i = 0; i < 50 && (await statusOf(second.fileID)) === 0; i++) await simulate.sleep(20)
    expect(await statusOf(second.fileID)).not.toBe(0)
    expect(await statusOf(uploaded.fileID)).toBe(0)

    await tapAndYield(page, '.add-spec')
    await inputAndYield(page, '.spec-name-input', '重量')
    await tapAndYield(page, '.add-sku')
    await inputAndYield(page, '.sku-value-input', '100g', 0)
    await inputAndYield(page, '.sku-price-input', '88', 0)
    await inputAndYield(page, '.sku-stock-input', '20', 0)
    await inputAndYield(page, '.sku-value-input', '250g', 1)
    await inputAndYield(page, '.sku-price-input', '199.5', 1)
    await inputAndYield(page, '.sku-stock-input', '8', 1)

    // a price with three decimals never leaves the page
    await inputAndYield(page, '.sku-price-input', '199.555', 1)
    await tapAndYield(page, '.save-product')
    await waitFor(() => toast.mock.calls.length > 0, 'validation toast')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '第 2 个规格的价格格式不对：请填写金额，最多两位小数' }))
    expect((await allAdminProducts()).filter((p) => p.name === '白毫银针')).toHaveLength(0)
    await inputAndYield(page, '.sku-price-input', '199.5', 1)

    const lostCreate = loseNextAnswer('admin.createProduct')
    await tapAndYield(page, '.save-product')
    await waitFor(() => lostCreate.lost() && !data(page).saving, 'first save settled')
    expect(data(page).form.isNew).toBe(true)
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '网络开小差了，请稍后重试' }))

    await tapAndYield(page, '.save-product') // the same form, the same request id; a second tap while saving is ignored
    await tapAndYield(page, '.save-product')
    await waitFor(() => data(page).form.isNew === false && !data(page).saving, 'created')
    const created = (await allAdminProducts()).filter((p) => p.name === '白毫银针')
    expect(created).toHaveLength(1)
    productId = created[0]._id
    expect(created[0].skus.map((s) => [s.spec, s.priceFen, s.stock])).toEqual([
      ['100g', 8800, 20],
      ['250g', 19950, 8],
    ])

    const { product } = await dataAs(cloud.url, 'o-owner-browser', 'catalog', 'product', { productId })
    expect(product).toMatchObject({ name: '白毫银针', categoryId: 'cat-tea', images: [uploaded.fileID], specNames: ['重量'], fromPriceFen: 8800, toPriceFen: 19950 })
    expect(product.skus.map((s) => s.available)).toEqual([20, 8])
  })

  test('stock changes only through adjustments: a confirm retried after a lost answer is applied once', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    const page = await open('owner/product/index', { id: productId })
    expect(textsOf(page, '.sku-stock-info')).toEqual(['库存 20 · 待付款占用 0 · 已售 0', '库存 8 · 待付款占用 0 · 已售 0'])
    expect(page.querySelector('.sku-stock-input')).toBeUndefined() // no number to edit in place

    await tapAndYield(page, '.stock-plus', 0)
    await inputAndYield(page, '.adjust-amount', '7')
    await tapAndYield(page, '.confirm-adjust')
    await waitFor(() => toast.mock.calls.length > 0, 'reason toast')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择调整原因' }))
    await tapAndYield(page, '.reason-chip', 0)

    // what the page sends, recorded beneath loseNextAnswer's spy (which restores to this recorder)
    const recorder = recordCloudCalls()
    const lost = loseNextAnswer('admin.adjustStock')
    await tapAndYield(page, '.confirm-adjust')
    await waitFor(() => lost.lost() && !data(page).adjusting, 'first confirm settled')
    expect(data(page).adjust).not.toBeNull() // the sheet stays for the retry
    expect((await allAdminProducts()).find((p) => p._id === productId)!.skus[0].stock).toBe(27)

    await tapAndYield(page, '.confirm-adjust')
    await waitFor(() => data(page).adjust === null, 'adjusted')
    expect((await allAdminProducts()).find((p) => p._id === productId)!.skus[0].stock).toBe(27)
    expect(textsOf(page, '.sku-stock-info')[0]).toBe('库存 27 · 待付款占用 0 · 已售 0')
    // both attempts sent the reason the sheet asked for, under one request id
    recorder.stop()
    const sent = recorder.calls.filter((c) => c.action === 'admin.adjustStock').map((c) => c.data)
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatchObject({ delta: 7, reason: '到货入库' })
    expect(sent[1]).toEqual(sent[0])

    // taking more than is on the shelf is refused on the page
    await tapAndYield(page, '.stock-minus', 1)
    await inputAndYield(page, '.adjust-amount', '9')
    await tapAndYield(page, '.reason-chip', 2)
    await tapAndYield(page, '.confirm-adjust')
    await waitFor(() => toast.mock.calls.some(([o]) => o.title === '库存不足，最多可减少 8 件'), 'too many toast')
    expect((await allAdminProducts()).find((p) => p._id === productId)!.skus[1].stock).toBe(8)
  })

  test('editing a price saves through updateProduct and keeps the stock', async () => {
    const page = await open('owner/product/index', { id: productId })
    await inputAndYield(page, '.sku-price-input', '90', 0)
    await tapAndYield(page, '.save-product')
    await waitFor(() => !data(page).saving && data(page).form.skus[0].priceText === '90.00', 'saved')
    const saved = (await allAdminProducts()).find((p) => p._id === productId)!
    expect(saved.skus.map((s) => [s.priceFen, s.stock])).toEqual([
      [9000, 27],
      [19950, 8],
    ])
  })

  test('the product list shows it with its price range and stock; its switch takes it off sale for shoppers', async () => {
    const page = await open('owner/products/index')
    await scrollUntil(page, (c) => c.id === productId)
    const index = data(page).cards.findIndex((c: { id: string }) => c.id === productId)
    expect(data(page).cards[index]).toMatchObject({ name: '白毫银针', priceText: '¥90.00 - ¥199.50', stockText: '库存 35', statusText: '在售' })

    await changeAndYield(page, '.sale-switch', false, index)
    await waitFor(() => data(page).switching === '' && data(page).cards[index].onSale === false, 'off sale')
    expect(textsOf(page, '.sale-status')[index]).toBe('已下架')
    expect(await callAs(cloud.url, 'o-owner-browser', 'catalog', 'product', { productId })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    const listed = await dataAs(cloud.url, 'o-owner-browser', 'catalog', 'listProducts', { pageSize: 50 })
    expect(listed.products.map((p) => p._id)).not.toContain(productId)
    expect((await allAdminProducts()).find((p) => p._id === productId)!.onSale).toBe(false)

    const navigate = jest.spyOn(wx, 'navigateTo')
    await tapAndYield(page, '.create-product')
    expect(navigate).toHaveBeenLastCalledWith(expect.objectContaining({ url: '/owner/product/index' }))
    await tapAndYield(page, '.product-main', index)
    expect(navigate).toHaveBeenLastCalledWith(expect.objectContaining({ url: `/owner/product/index?id=${productId}` }))
  })
})

describe('the product editor’s read', () => {
  test('opens an off-sale product with one admin.product call (never paging the list); a missing one shows 商品不存在', async () => {
    const recorder = recordCloudCalls()
    try {
      const page = await open('owner/product/index', { id: 'p-retired' })
      expect(data(page).status).toBe('ready')
      expect(data(page).form.name).toBe('去年的白茶（已下架）')
      expect(recorder.calls.map((c) => c.action).filter((a) => a.startsWith('admin.'))).toEqual(['admin.product'])
      const missing = await open('owner/product/index', { id: 'p-never' })
      expect(data(missing).status).toBe('notFound')
      expect(textOf(missing, '.error-message')).toBe('商品不存在')
    } finally {
      recorder.stop()
    }
  })
})

describe('the product list’s search and filters', () => {
  test('a name search, the sale chips and the category chips ask the server and show only what matches', async () => {
    const page = await open('owner/products/index')
    await waitFor(() => data(page).categoryChips.length > 0, 'category chips')
    expect(textsOf(page, '.sale-chip')).toEqual(['全部', '在售', '已下架'])
    expect(textsOf(page, '.category-chip')[0]).toBe('全部分类')

    await inputAndYield(page, '.search-input', ' 普洱 ')
    await tapAndYield(page, '.search-go')
    await waitFor(() => !data(page).loadingMore && data(page).cards.length === 1, 'searched')
    expect(data(page).cards.map((c: any) => c.id)).toEqual(['p-pu-erh'])

    await tapAndYield(page, '.sale-chip', 2) // 已下架: no off-sale 普洱
    await waitFor(() => data(page).status === 'empty', 'no match')
    expect(textOf(page, '.no-match')).toBe('没有符合条件的商品')

    await tapAndYield(page, '.search-clear')
    await waitFor(() => data(page).status === 'ready' && data(page).keyword === '', 'cleared')
    await scrollUntil(page, () => false)
    const offSale = (await allAdminProducts()).filter((p) => !p.onSale).map((p) => p._id)
    expect(data(page).cards.map((c: any) => c.id).sort()).toEqual(offSale.sort())
    expect(data(page).cards.every((c: any) => c.statusText === '已下架')).toBe(true)

    await tapAndYield(page, '.sale-chip', 1) // 在售
    const teaIndex = indexById(page, '.category-chip', 'cat-tea')
    await tapAndYield(page, '.category-chip', teaIndex)
    await waitFor(() => data(page).categoryId === 'cat-tea' && !data(page).loadingMore && data(page).status === 'ready', 'tea on sale')
    await scrollUntil(page, () => false)
    const teaOnSale = (await allAdminProducts()).filter((p) => p.onSale && p.categoryId === 'cat-tea').map((p) => p._id)
    expect(data(page).cards.map((c: any) => c.id)).toEqual(teaOnSale)
  })
})

describe('orders to ship', () => {
  test('a paid order is shipped with a carrier and a scanned number; WeChat receives the shipping upload', async () => {
    const orderId = await buyAndPay(cloud.url, 'o-owner-buyer-ship', 'p-soap', 2)
    await dataAs(cloud.url, 'o-owner-buyer-ship', 'profile', 'update', { nickname: '发货测试买家' })
    const page = await open('owner/orders/index')
    expect(data(page).tab).toBe('paid')
    await scrollUntil(page, (c) => c.id === orderId)
    const index = data(page).cards.findIndex((c: { id: string }) => c.id === orderId)
    expect(index).toBeGreaterThanOrEqual(0)
    expect(data(page).cards[index]).toMatchObject({ statusText: '待发货', canShip: true, totalText: '¥66.00', buyerText: '买家 发货测试买家' })
    expect(textsOf(page, '.order-meta')[index]).toMatch(/^买家 发货测试买家 · /)
    expect(data(page).cards[index].lines).toEqual([expect.objectContaining({ name: '手工山茶油皂', quantityText: '× 2', amountText: '¥56.00' })])

    const toast = jest.spyOn(wx, 'showToast')
    await tapAndYield(page, '.ship-button', indexById(page, '.ship-button', orderId))
    expect(data(page).ship).toEqual({ orderId, carrierIndex: -1, trackingNo: '' })
    await tapAndYield(page, '.confirm-ship')
    await waitFor(() => toast.mock.calls.length > 0, 'carrier toast')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择快递公司' }))

    await changeAndYield(page, '.carrier-picker', 0) // 顺丰
    scanCodeWillReturn('SF1234567890')
    await tapAndYield(page, '.scan-button')
    await waitFor(() => data(page).ship?.trackingNo === 'SF1234567890', 'scanned')
    await tapAndYield(page, '.confirm-ship')
    await waitFor(() => data(page).ship === null, 'shipped')
    expect(data(page).cards.map((c: { id: string }) => c.id)).not.toContain(orderId)

    const outbox = JSON.parse((await get(`${cloud.url}/_local/wechat/outbox?api=wxa.sec.order.uploadShippingInfo`)).body.toString('utf8')) as { entries: Array<{ request: any }> }
    const uploads = outbox.entries.filter((e) => e.request.payer?.openid === 'o-owner-buyer-ship')
    expect(uploads).toHaveLength(1)
    expect(uploads[0].request.shippingList).toEqual([expect.objectContaining({ trackingNo: 'SF1234567890', expressCompany: 'SF' })])

    await tapAndYield(page, '.tab', 1) // 已发货
    await waitFor(() => data(page).tab === 'shipped' && data(page).status !== 'loading', 'shipped tab')
    await scrollUntil(page, (c) => c.id === orderId)
    const shipped = data(page).cards.find((c: { id: string }) => c.id === orderId)
    expect(shipped).toMatchObject({ statusText: '已发货', shippingText: '顺丰 SF1234567890', uploadText: '已同步微信发货信息', canShip: false })
  })
})

describe('orders to ship, when someone else was first', () => {
  test('an order shipped meanwhile (another owner, another phone) is refused with the typed toast and uploaded once', async () => {
    const orderId = await buyAndPay(cloud.url, 'o-owner-buyer-race', 'p-soap', 1)
    const page = await open('owner/orders/index')
    await scrollUntil(page, (c) => c.id === orderId)
    await tapAndYield(page, '.ship-button', indexById(page, '.ship-button', orderId))
    await changeAndYield(page, '.carrier-picker', 1) // 中通
    await inputAndYield(page, '.tracking-input', '7731 0000 1111')

    await dataAs(cloud.url, OWNER, 'orders', 'admin.ship', { orderId, carrier: 'SF', trackingNo: 'SF0000000001' })
    const toast = jest.spyOn(wx, 'showToast')
    await tapAndYield(page, '.confirm-ship')
    await waitFor(() => toast.mock.calls.length > 0 && !data(page).shipping, 'refused')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '状态已变化，请刷新后重试' }))

    const { order } = await dataAs(cloud.url, OWNER, 'orders', 'admin.detail', { orderId })
    expect(order.shipping).toMatchObject({ carrier: 'SF', trackingNo: 'SF0000000001' })
    const outbox = JSON.parse((await get(`${cloud.url}/_local/wechat/outbox?api=wxa.sec.order.uploadShippingInfo`)).body.toString('utf8')) as { entries: Array<{ request: any }> }
    expect(outbox.entries.filter((e) => e.request.payer?.openid === 'o-owner-buyer-race')).toHaveLength(1)
  })
})

describe('refunds to decide', () => {
  async function refundRequested(buyer: string, reason: string): Promise<{ orderId: string; refundFen: number; outRefundNo: string }> {
    const orderId = await buyAndPay(cloud.url, buyer, 'p-jujube', 1)
    const { refund } = await dataAs(cloud.url, buyer, 'orders', 'refund.request', { orderId, requestId: `rq-${buyer}`, reason })
    return { orderId, refundFen: refund.refundFen, outRefundNo: refund.outRefundNo }
  }

  test('an approved refund shows 退款中 until WeChat Pay\'s notification makes it 已退款', async () => {
    const { orderId, refundFen, outRefundNo } = await refundRequested('o-owner-buyer-refund', '买多了')
    await post('/_local/pay/refundNotifications', { hold: true })
    try {
      const page = await open('owner/refunds/index')
      const card = () => data(page).cards.find((c: { orderId: string }) => c.orderId === orderId)
      await scrollUntil(page, (c) => c.orderId === orderId)
      expect(card()).toMatchObject({ stateText: '待处理', amountText: `¥${(refundFen / 100).toFixed(2)}`, reason: '买多了', canDecide: true, restock: true })
      expect(refundFen).toBe(3990 + 1000) // the whole order before shipping: goods and shipping, as the server computed

      const modal = jest.spyOn(wx, 'showModal')
      await tapAndYield(page, '.approve-button', indexById(page, '.approve-button', orderId))
      await waitFor(() => card()?.stateText === '退款中', 'approved')
      expect(modal).toHaveBeenCalledWith(expect.objectContaining({ content: '将通过微信支付退款 ¥49.90 给买家，商品退回库存。确认同意？' }))
      expect(card().canDecide).toBe(false)
      expect((await dataAs(cloud.url, OWNER, 'orders', 'admin.detail', { orderId })).order.status).toBe('refund_requested')

      await post('/_local/pay/refundNotifications', { hold: false })
      await post('/_local/pay/notifyRefund', { outRefundNo })
      await waitFor(() => card()?.stateText === '已退款', 'refunded on the notification', 30_000)
      expect((await dataAs(cloud.url, OWNER, 'orders', 'admin.detail', { orderId })).order).toMatchObject({ status: 'refunded', refundedFen: refundFen })
      ;(page.instance as unknown as { onUnload(): void }).onUnload()

      const done = await open('owner/refunds/index')
      await tapAndYield(done, '.tab', 1)
      await waitFor(() => data(done).tab === 'done' && data(done).status !== 'loading', 'done tab')
      await scrollUntil(done, (c) => c.orderId === orderId)
      expect(data(done).cards.find((c: { orderId: string }) => c.orderId === orderId)).toMatchObject({ stateText: '已退款' })
    } finally {
      await post('/_local/pay/refundNotifications', { hold: false })
    }
  })

  test('cancelling the confirmation sends nothing; a request the buyer withdrew meanwhile is refused and the list refreshes', async () => {
    const { orderId } = await refundRequested('o-owner-buyer-withdraw', '拍错了')
    const page = await open('owner/refunds/index')
    await scrollUntil(page, (c) => c.orderId === orderId)

    const modal = jest.spyOn(wx, 'showModal').mockImplementation(((options: WechatMiniprogram.ShowModalOption) => {
      options.success?.({ confirm: false, cancel: true, errMsg: 'showModal:ok' } as WechatMiniprogram.ShowModalSuccessCallbackResult)
    }) as typeof wx.showModal)
    await tapAndYield(page, '.approve-button', indexById(page, '.approve-button', orderId))
    await waitFor(() => modal.mock.calls.length === 1, 'asked')
    expect((await dataAs(cloud.url, OWNER, 'orders', 'admin.detail', { orderId })).order.refunds[0].state).toBe('requested')
    modal.mockRestore()

    await dataAs(cloud.url, 'o-owner-buyer-withdraw', 'orders', 'refund.withdraw', { orderId })
    const toast = jest.spyOn(wx, 'showToast')
    await tapAndYield(page, '.approve-button', indexById(page, '.approve-button', orderId))
    await waitFor(() => toast.mock.calls.length > 0 && data(page).deciding === '' && data(page).status !== 'loading', 'refused')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '状态已变化，请刷新后重试' }))
    expect(data(page).cards.map((c: { orderId: string }) => c.orderId)).not.toContain(orderId)
    const { order } = await dataAs(cloud.url, OWNER, 'orders', 'admin.detail', { orderId })
    expect(order).toMatchObject({ status: 'paid', refundedFen: 0 })
    expect(order.refunds[0].state).toBe('withdrawn')
  })

  test('a rejection needs a reason; the order goes back to where it was and leaves the list', async () => {
    const { orderId } = await refundRequested('o-owner-buyer-reject', '不想要了')
    const toast = jest.spyOn(wx, 'showToast')
    const page = await open('owner/refunds/index')
    await scrollUntil(page, (c) => c.orderId === orderId)
    await tapAndYield(page, '.reject-button', indexById(page, '.reject-button', orderId))
    await tapAndYield(page, '.confirm-reject')
    await waitFor(() => toast.mock.calls.length > 0, 'reason toast')
    expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请填写拒绝原因（200 字以内）' }))

    await inputAndYield(page, '.reject-input', '已按约定发出')
    await tapAndYield(page, '.confirm-reject')
    await waitFor(() => data(page).reject === null && data(page).status !== 'loading', 'rejected')
    expect(data(page).cards.map((c: { orderId: string }) => c.orderId)).not.toContain(orderId)
    const { order } = await dataAs(cloud.url, 'o-owner-buyer-reject', 'orders', 'afterSale', { orderId })
    expect(order.status).toBe('paid')
    expect(order.refunds[0]).toMatchObject({ state: 'rejected', rejectReason: '已按约定发出' })
  })
})

describe('a shopper on the owner pages', () => {
  test('every owner page shows the refusal state, offers no action, and nothing changes', async () => {
    const before = await allAdminProducts()
    for (const [route, query] of [
      ['owner/products/index', {}],
      ['owner/product/index', {}],
      ['owner/product/index', { id: 'p-soap' }],
      ['owner/orders/index', {}],
      ['owner/refunds/index', {}],
    ] as const) {
      const page = await open(route, query, 'o-demo-shopper-07')
      expect([route, data(page).status]).toEqual([route, 'forbidden'])
      expect(textOf(page, '.forbidden-message')).toBe('仅店主可以使用此页面')
      for (const action of ['.create-product', '.sale-switch', '.save-product', '.stock-plus', '.ship-button', '.approve-button', '.reject-button']) {
        expect([route, action, page.querySelector(action)]).toEqual([route, action, undefined])
      }
    }
    // and the API refuses the calls the pages would make
    expect(await callAs(cloud.url, 'o-demo-shopper-07', 'catalog', 'admin.setOnSale', { productIds: ['p-soap'], onSale: false })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await allAdminProducts()).toEqual(before)
  })
})
