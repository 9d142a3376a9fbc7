/**
 * The storefront's journeys in headless Chromium, through the browser preview of the real pages:
 * 1. seller Lin shares a product card to a group -> a new shopper opens it (scene 1044 with a
 *    shareTicket) and is bound to Lin -> buys through checkout and pays (the local-mode payment
 *    sheet, simulated WeChat Pay) -> the result page sees payCallback's verdict -> Lin's customer
 *    page and My customers show the new customer with a segment;
 * 2. a Moments card opens without identity; the poster draws on a 2d canvas; wx.requestPayment's
 *    prepay_id contract; unsupported APIs fail clearly;
 * 3. on journey 1's order: the owner ships -> the shopper confirms receipt and asks for a refund ->
 *    the owner approves -> Lin sees the purchase reversed.
 * Every request the browser makes is routed here and must go to 127.0.0.1 (the guard itself is
 * checked); a screenshot per step goes to test-artifacts/journeys/.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { startLocalCloud } from '../../localcloud/index'
import type { LocalCloud } from '../../localcloud/server'
import { PreviewModule } from '../../preview/server/module'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/journeys')
/** Flags that keep Chromium off the network (no background services, no QUIC, fresh profile). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

let cloud: LocalCloud
let dataDir: string
let browser: Browser
let context: BrowserContext
let page: Page
const offHost: string[] = []
/** What the first journey leaves for the after-sale one: the new shopper and their paid order. */
let bought: { shopper: string; label: string; orderId: string } | null = null
const pageErrors: string[] = []

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) })
}

/** The page the phone shows now. */
function current(selector: string) {
  return page.locator(`.wx-page:not([hidden]) >> ${selector}`)
}

/** Relaunches the app as any identity (also one the switcher made) on `path`. */
async function openAs(identity: { key: string; label: string; openid: string | null }, pagePath: string): Promise<void> {
  const [route, search = ''] = pagePath.split('?')
  const query = Object.fromEntries(new URLSearchParams(search))
  await page.evaluate((session) => sessionStorage.setItem('preview.session', JSON.stringify(session)), { identity, launch: { path: route, query, scene: 1001 } })
  await page.goto(`${cloud.url}/`)
  await ready()
}

async function ready(): Promise<void> {
  await page.waitForSelector('body[data-ready="true"]')
}

async function post(pathname: string, body: unknown, openid?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${cloud.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) }, body: JSON.stringify(body) })
  return (await res.json()) as Record<string, unknown>
}

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'journeys-'))
  process.env.OWNER_OPENIDS = 'o-demo-owner'
  cloud = await startLocalCloud({ port: 0, dataDir, seed: true, timers: false })
  cloud.use(new PreviewModule())
  await cloud.module<PreviewModule>('preview').built()
  // playwright gives every launch a fresh, empty profile (its own temporary --user-data-dir)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  context = await browser.newContext({ viewport: { width: 1100, height: 880 }, locale: 'zh-CN' })
  // every request is checked: only the local cloud on 127.0.0.1 may be contacted
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url())
    if (url.protocol === 'blob:' || url.protocol === 'data:' || url.hostname === '127.0.0.1') return route.continue()
    offHost.push(url.href)
    return route.abort()
  })
  page = await context.newPage()
  page.on('pageerror', (err) => pageErrors.push(err.message))
})

afterAll(async () => {
  await browser?.close()
  await cloud?.stop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

test('seller Lin shares a product to a group; a new shopper opens it, buys, and shows up in Lin\'s customers with a segment', async () => {
  // 1. Lin opens the store: the catalogue with prices in yuan
  await page.goto(`${cloud.url}/?as=seller-lin`)
  await ready()
  await current('text="明前龙井"').waitFor()
  expect(await page.locator('.pv-nav-title').textContent()).toBe('小店')
  expect(await current('[class*="product-price"]').first().textContent()).toMatch(/^¥\d+\.\d{2}$/)
  expect(await page.locator('.pv-tab-selected').textContent()).toContain('首页')
  await shot('01-lin-home')

  // 2. the product page: gallery image from local storage, price range, title in the navigation bar
  await current('text="明前龙井"').click()
  await current('text="¥168.00 - ¥320.00"').waitFor()
  expect(await page.locator('.pv-nav-title').textContent()).toBe('明前龙井')
  expect(await page.locator('.pv-nav-back').isVisible()).toBe(true)
  // the gallery's picture comes from the local cloud's storage (a cloud:// fileID turned into a temporary URL)
  const gallery = current('image img').first()
  await gallery.evaluate((img: HTMLImageElement) => (img.complete && img.naturalWidth > 0 ? undefined : new Promise((resolve, reject) => {
    img.addEventListener('load', resolve, { once: true })
    img.addEventListener('error', reject, { once: true })
  })))
  expect(await gallery.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0)
  expect(await gallery.getAttribute('src')).toMatch(new RegExp(`^${cloud.url.replace(/[.]/g, '\\.')}/storage/files/`))
  await current('text="500g"').click()
  await current('[class*="chip-active"]').filter({ hasText: '500g' }).waitFor()
  await shot('02-product')

  // 3. Lin shares it to a group from the menu: onShareAppMessage's card (with Lin's code) lands in the chat panel
  await page.locator('.pv-capsule-more').click()
  await page.locator('.pv-sheet-item', { hasText: '发送到群聊' }).click()
  const card = page.locator('.pv-card[data-kind="group"]').first()
  await card.waitFor()
  const cardPath = (await card.locator('.pv-card-path').textContent()) ?? ''
  expect(cardPath).toMatch(/^\/pages\/product\/detail\/index\?/)
  expect(cardPath).toContain('id=p-longjing')
  expect(cardPath).toMatch(/ref=Lin8shop/)
  expect(await card.locator('.pv-card-kind').textContent()).toBe('群聊 1044') // the product page asks for a shareTicket
  await page.locator('.pv-toast-wrap').waitFor({ state: 'detached' })
  await shot('03-shared-to-group')

  // 4. a new shopper (fresh openid) opens the card: the app relaunches with scene 1044 and a shareTicket
  const newShopperLabel = (await card.locator('.pv-card-as option').first().textContent()) ?? ''
  expect(newShopperLabel).toMatch(/^新顾客 /)
  await card.locator('.pv-card-open-button').click()
  await page.waitForURL(`${cloud.url}/`)
  await ready()
  expect(await page.locator('.pv-launch').getAttribute('data-scene')).toBe('1044')
  expect(await page.locator('.pv-status-who').textContent()).toBe(newShopperLabel)
  await current('text="¥168.00 - ¥320.00"').waitFor()
  expect(await page.locator('.pv-nav-title').textContent()).toBe('明前龙井')
  await shot('04-shopper-opens-card')
  const shopper = await page.evaluate(() => (JSON.parse(localStorage.getItem('preview.session') ?? '{}') as { identity: { openid: string } }).identity.openid)
  expect(shopper).toMatch(/^o-preview-/)

  // the app's capture recorded the open and bound the shopper to Lin, in the group
  expect(await waitForCustomerOf('o-demo-seller-lin', shopper)).toBe(true)
  expect(await waitForCustomerOf('o-demo-seller-zhou', shopper, 1)).toBe(false)

  // 5. the shopper buys through the pages: 立即购买 -> checkout (privacy guide, address) -> submit ->
  //    the local-mode payment sheet (transport's 模拟支付 dialog) -> the result page waits for payCallback
  await current('text="500g"').click()
  await current('text="礼盒"').click()
  await current('text="立即购买"').click()
  await current('text="提交订单"').waitFor()
  expect(await page.locator('.pv-nav-title').textContent()).toBe('确认订单')
  await current('text="请选择收货地址"').click()
  await current('text="同意"').click() // the checkout's privacy-popup: the privacy guide comes before wx.chooseAddress
  await page.locator('.pv-form').waitFor()
  await page.locator('.pv-form .pv-pay-confirm').click()
  await current('text="张三"').waitFor()
  expect(await current('[class*="address-text"]').textContent()).toBe('广东省广州市海珠区新港中路 397 号')
  await shot('05-checkout')
  await current('text="提交订单"').click()
  const sheet = page.locator('.pv-modal')
  await sheet.waitFor()
  expect(await sheet.locator('.pv-modal-title').textContent()).toBe('模拟支付')
  expect(await sheet.locator('.pv-modal-content').textContent()).toContain('¥320.00')
  await shot('06-payment-sheet')
  await sheet.locator('.pv-modal-confirm').click()
  await current('text="支付成功"').waitFor({ timeout: 30_000 })
  expect(await page.locator('.pv-nav-title').textContent()).toBe('支付结果')
  expect(await current('[class*="amount"]').first().textContent()).toBe('¥320.00')
  const orderId = ((await current('[class*="order-id"]').textContent()) ?? '').replace('订单号', '').trim()
  const order = (await post('/functions/orders', { action: 'detail', data: { orderId } }, shopper)) as { result: { ok: boolean; data: { order: { status: string; totalFen: number } } } }
  expect(order.result.data.order).toMatchObject({ status: 'paid', totalFen: 32000 })
  await shot('07-paid')
  bought = { shopper, label: newShopperLabel, orderId }

  // 6. Lin sees the new customer: segment, the order, bound through the group card ("通过群里分享的卡片")
  await page.goto(`${cloud.url}/?as=seller-lin&path=seller/customer/index&customerId=${encodeURIComponent(shopper)}`)
  await ready()
  await current('[class*="order-total"]').first().waitFor()
  expect(await current('[class*="order-total"]').first().textContent()).toBe('¥320.00')
  expect((await current('[class*="segment-label"]').textContent())?.trim()).toBe('新客户')
  expect((await current('[class*="purchases"]').textContent())?.trim()).toBe('买过 1 次 · 共 ¥320.00')
  expect(await current('[class*="bound"]').textContent()).toContain('群')
  expect((await current('[class*="sentence"]').count()) > 0).toBe(true)
  await shot('08-lin-sees-new-customer')

  // 7. and in My customers: the new customer is found by the "新客户" segment chip
  await page.goto(`${cloud.url}/?as=seller-lin&path=seller/customers/index`)
  await ready()
  await current('text="浩子"').waitFor()
  expect(await page.locator('.pv-nav-title').textContent()).toBe('我的客户')
  await current('text="新客户"').first().click()
  const newcomer = current('[class*="card"]').filter({ hasText: '买过 1 次 · 共 ¥320.00' })
  await newcomer.first().waitFor()
  expect(await newcomer.first().textContent()).toContain('新客户')
  await shot('09-lin-my-customers')

  expect(pageErrors).toEqual([])
  expect(offHost).toEqual([])
})

test('a Moments share opens in single-page mode without an identity; the poster draws on a 2d canvas; unsupported APIs fail clearly', async () => {
  // Lin shares the walnut page to Moments from the menu (onShareTimeline)
  await page.goto(`${cloud.url}/?as=seller-lin&path=pages/product/detail/index&id=p-walnut`)
  await ready()
  await current('text="纸皮核桃"').first().waitFor()
  await page.locator('.pv-capsule-more').click()
  await page.locator('.pv-sheet-item', { hasText: '朋友圈' }).click()
  const card = page.locator('.pv-card[data-kind="moments"]').first()
  await card.waitFor()
  expect(await card.locator('.pv-card-path').textContent()).toMatch(/^\/pages\/product\/detail\/index\?id=p-walnut/)
  expect(await card.locator('.pv-card-as').inputValue()).toBe('nologin')
  await card.locator('.pv-card-open-button').click()
  await page.waitForURL(`${cloud.url}/`)
  await ready()
  expect(await page.locator('.pv-launch').getAttribute('data-scene')).toBe('1154')
  expect(await page.locator('.pv-status-who').textContent()).toBe('未登录（朋友圈单页）')
  await current('text="¥45.90 - ¥109.00"').waitFor()
  await shot('10-moments-single-page')

  // the poster: Lin's share page draws product, price and mini program code on <canvas type="2d">
  await page.goto(`${cloud.url}/?as=seller-lin&path=seller/share/index&productId=p-longjing`)
  await ready()
  await current('text="生成海报"').click()
  await page.waitForFunction(() => (getCurrentPages().pop() as unknown as { data: { posterDrawn?: boolean } }).data.posterDrawn === true)
  const inked = await current('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray()
    let dark = 0
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 100 && pixels[i + 1] < 100 && pixels[i + 2] < 100) dark++
    return { width: canvas.width, dark }
  })
  expect(inked.width).toBeGreaterThan(0)
  expect(inked.dark).toBeGreaterThan(1000) // the code's modules and the texts
  await current('canvas').scrollIntoViewIfNeeded()
  await shot('11-poster')

  // wx.requestPayment (what the pages call on WeChat) also works: its prepay_id is matched to the order, the sheet shows the amount
  const payment = page.evaluate(
    (requestId) =>
      new Promise<string>((resolve) => {
        wx.request({
          url: `${location.origin}/functions/orders`,
          method: 'POST',
          header: { 'x-wx-openid': 'o-demo-seller-lin' },
          data: { action: 'create', data: { requestId, lines: [{ skuId: 'p-pu-erh', quantity: 2 }] } },
          success(res) {
            const body = res.data as { result: { ok: boolean; data: { order: { _id: string }; payment: WechatMiniprogram.RequestPaymentOption } } }
            if (!body.result.ok) return resolve(`create failed: ${JSON.stringify(body)}`)
            wx.requestPayment({ ...body.result.data.payment, success: () => resolve(`paid ${body.result.data.order._id}`), fail: (err) => resolve(`fail ${err.errMsg}`) })
          },
        })
      }),
    `journey-pay-${Date.now()}`,
  )
  await page.locator('.pv-pay-confirm').waitFor()
  expect(await page.locator('.pv-pay-confirm').textContent()).toBe('确认支付 ¥258.00')
  await page.locator('.pv-pay-confirm').click()
  const paid = await payment
  expect(paid).toMatch(/^paid o/)
  const forged = await page.evaluate(() => wx.requestPayment({ package: 'prepay_id=wxforged', timeStamp: '1', nonceStr: 'n', signType: 'MD5', paySign: 's' }).then(() => 'paid', (err: { errMsg: string }) => err.errMsg))
  expect(forged).toBe('requestPayment:fail the preview has not seen an order for this prepay_id')

  // an API the preview does not have answers its fail callback, never hangs; wx.cloud is absent (local mode)
  const unsupported = await page.evaluate(() => new Promise<string>((resolve) => wx.scanCode({ fail: (err) => resolve(err.errMsg) })))
  expect(unsupported).toBe('scanCode:fail not supported in the browser preview')
  expect(await page.evaluate(() => typeof (wx as unknown as { cloud?: unknown }).cloud)).toBe('undefined')

  // the network guard itself: a request to another host is refused and recorded
  await page.evaluate(() => fetch('http://203.0.113.7/probe').catch(() => 'refused'))
  expect(offHost).toEqual(['http://203.0.113.7/probe'])
  expect(pageErrors).toEqual([])
})

/** Whether `seller` sees `customer` in customers.detail (polled: the app records the open asynchronously). */
async function waitForCustomerOf(seller: string, customer: string, tries = 60): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    const body = (await post('/functions/customers', { action: 'detail', data: { customerId: customer } }, seller)) as { result?: { ok: boolean } }
    if (body.result?.ok) return true
    await new Promise((r) => setTimeout(r, 250))
  }
  return false
}

test('the owner ships, the shopper confirms receipt and asks for a refund, the owner approves it: Lin sees the purchase reversed', async () => {
  if (!bought) throw new Error('runs after the first journey, on its order')
  const { shopper, label, orderId } = bought
  const shopperIdentity = { key: `journey-${shopper}`, label, openid: shopper }

  // the owner ships it from 订单发货: carrier from the picker, tracking number typed
  await page.goto(`${cloud.url}/?as=owner&path=owner/orders/index`)
  await ready()
  const card = current('[class*="card"]').filter({ hasText: orderId }).first()
  await scrollUntilVisible(card) // oldest orders first: scrolling to the bottom loads more (onReachBottom)
  await card.locator('text="发货"').click()
  await current('text="确认发货"').waitFor()
  await current('[class*="carrier-picker"]').click()
  await page.locator('.pv-sheet-item').first().click()
  await current('[class*="tracking-input"]').fill('SF1234567890')
  await shot('12-owner-ships')
  await current('text="确认发货"').click()
  await expect_(async () => (await orderOf(shopper, orderId)).status === 'shipped')

  // the shopper confirms receipt on the order page
  await openAs(shopperIdentity, `pages/orders/detail/index?id=${orderId}`)
  await current('text="确认收货"').click()
  await page.locator('.pv-modal-confirm').click()
  await expect_(async () => (await orderOf(shopper, orderId)).status === 'completed')
  await shot('13-shopper-confirms')

  // and asks for a refund of the whole order
  await openAs(shopperIdentity, `pages/orders/detail/index?id=${orderId}`)
  const refund = current('button[class*="action"]').filter({ hasText: /申请(售后|退款)/ }).first()
  await refund.click()
  await current('[class*="refund-reason-chip"]').first().click()
  await shot('14-refund-form')
  await current('text="提交申请"').click()
  await expect_(async () => (await orderOf(shopper, orderId)).status === 'refund_requested')

  // the owner approves it on 退款处理
  await page.goto(`${cloud.url}/?as=owner&path=owner/refunds/index`)
  await ready()
  const request = current('[class*="card"]').filter({ hasText: '¥320.00' }).first()
  await request.locator('text="同意退款"').click()
  if (await page.locator('.pv-modal-confirm').isVisible().catch(() => false)) await page.locator('.pv-modal-confirm').click()
  await expect_(async () => (await orderOf(shopper, orderId)).status === 'refunded')
  await shot('15-owner-refunds')

  // Lin's customer page: the order shows as refunded
  await page.goto(`${cloud.url}/?as=seller-lin&path=seller/customer/index&customerId=${encodeURIComponent(shopper)}`)
  await ready()
  await current('[class*="order"]').filter({ hasText: '已退款' }).first().waitFor()
  // the refund reverses what the purchase gave: no purchase counted, no segment
  expect((await current('[class*="purchases"]').textContent())?.trim()).toBe('暂无有效订单（未付款、已取消和已退款的不算）')
  expect(await current('[class*="segment-label"]').count()).toBe(0)
  await shot('16-lin-sees-refund')
  expect(pageErrors).toEqual([])
})

/** Scrolls the page to its bottom until `target` is there (each reach of the bottom loads the next page). */
async function scrollUntilVisible(target: ReturnType<typeof current>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await target.isVisible()) return
    const before = await page.locator('.wx-page:not([hidden])').evaluate((frame) => {
      frame.scrollTo(0, frame.scrollHeight)
      return frame.scrollHeight
    })
    await page.waitForFunction((h) => (document.querySelector('.wx-page:not([hidden])')?.scrollHeight ?? h) !== h, before, { timeout: 5000 }).catch(() => undefined)
  }
  await target.waitFor({ timeout: 1000 })
}

/** The order as its buyer sees it through the orders function. */
async function orderOf(openid: string, orderId: string): Promise<{ status: string }> {
  const body = (await post('/functions/orders', { action: 'detail', data: { orderId } }, openid)) as { result: { ok: boolean; data: { order: { status: string } } } }
  return body.result.data.order
}

/** Polls `condition` until it holds (the pages call the functions asynchronously); fails after 15 s. */
async function expect_(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (await condition()) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`condition never held: ${condition.toString()}`)
}
