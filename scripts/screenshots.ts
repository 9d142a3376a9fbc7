/**
 * `npm run screenshots`: a screenshot of every page in miniprogram/app.json, as the person who
 * would see it, through the browser preview (preview/) on a local cloud of its own (free port,
 * temporary data dir, the demo data). Shopper pages as shopper 美美 (she has orders and a cart),
 * seller pages as seller Lin, owner pages as the owner; detail pages open a real demo id.
 * Output: test-artifacts/screenshots/<route>.png (the phone as it shows the page) and, when the
 * page is longer than the screen, <route>.full.png (the whole page). A tool to look at the
 * pages, not a test: it never fails on what it sees, only when a page does not open. Also
 * readme.png, the README's picture. `npm run screenshots -- cart owner/` takes only the routes
 * containing one of the words (`readme` for the README picture).
 * Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) and fonts-wqy-microhei.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { startLocalCloud } from '../localcloud/index'
import { PreviewModule } from '../preview/server/module'

const ROOT = path.resolve(__dirname, '..')
const OUT = path.join(ROOT, 'test-artifacts/screenshots')
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** The journeys' flags: Chromium stays off the network. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

const SHOPPER = { key: 'shopper-mei', openid: 'o-demo-customer-mei' }
/** Demo ids (database/seed/) the detail pages open. */
const QUERIES: Record<string, string> = {
  'pages/product/detail/index': 'id=p-longjing',
  'pages/checkout/index': 'lines=p-longjing:1,p-longjing-500g:1',
  'pages/pay-result/index': 'orderId=o6f8afa9514ca6ee7568e0b33303bded',
  'pages/orders/detail/index': 'id=o6f8afa9514ca6ee7568e0b33303bded',
  'seller/customer/index': 'customerId=o-demo-customer-mei',
  'seller/share/index': 'productId=p-longjing',
  'owner/product/index': 'id=p-longjing',
}

interface AppJson {
  pages: string[]
  subPackages?: { root: string; pages: string[] }[]
}

function routes(): string[] {
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'miniprogram/app.json'), 'utf8')) as AppJson
  return [...app.pages, ...(app.subPackages ?? []).flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))]
}

function identityFor(route: string): string {
  if (route.startsWith('seller/')) return 'seller-lin'
  if (route.startsWith('owner/')) return 'owner'
  return SHOPPER.key
}

/** Waits until the page's calls and images have settled (no request in flight for a moment). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined)
  await page.waitForFunction("[...document.querySelectorAll('.wx-page:not([hidden]) img')].every((img) => img.complete)", undefined, { timeout: 5000 }).catch(() => undefined)
  await page.waitForTimeout(400)
}

/**
 * The README's picture (docs/preview.png is a copy of it): the whole preview as seller Lin, the
 * product page with a spec picked and its card just shared to a group in the chat panel.
 */
async function readmeShot(page: Page, url: string): Promise<void> {
  await page.setViewportSize({ width: 1100, height: 880 })
  await page.goto(`${url}/?as=seller-lin&path=pages/product/detail/index&id=p-longjing`)
  await page.waitForSelector('body[data-ready="true"]')
  await page.locator('.wx-page:not([hidden]) >> text="500g"').click()
  await page.locator('.pv-capsule-more').click()
  await page.locator('.pv-sheet-item', { hasText: '发送到群聊' }).click()
  await page.locator('.pv-card[data-kind="group"]').first().waitFor()
  await page.locator('.pv-toast-wrap').waitFor({ state: 'detached' })
  await settle(page)
  await page.screenshot({ path: path.join(OUT, 'readme.png') })
  console.log('readme.png (seller-lin, product page shared to a group)')
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'screenshots-'))
  process.env.OWNER_OPENIDS = 'o-demo-owner'
  const cloud = await startLocalCloud({ port: 0, dataDir, seed: true, timers: false })
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  const failed: string[] = []
  try {
    cloud.use(new PreviewModule())
    await cloud.module<PreviewModule>('preview').built()
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN', deviceScaleFactor: 1 })
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url())
      return url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1' ? route.continue() : route.abort()
    })
    const page = await context.newPage()
    page.on('pageerror', (err) => console.error(`  page error: ${err.message}`))
    // the shopper's phone: privacy already agreed, two lines in the cart
    await page.goto(`${cloud.url}/?as=${SHOPPER.key}`)
    const stored = { '__preview.privacyAgreed': true, 'cart.v1': [{ skuId: 'p-longjing', quantity: 1 }, { skuId: 'p-pu-erh', quantity: 2 }] }
    for (const [key, value] of Object.entries(stored)) {
      await page.evaluate(`localStorage.setItem(${JSON.stringify(`wx:${SHOPPER.openid}:${key}`)}, ${JSON.stringify(JSON.stringify(value))})`)
    }
    for (const route of routes()) {
      if (only.length > 0 && !only.some((o) => route.includes(o))) continue
      const query = QUERIES[route] ? `&${QUERIES[route]}` : ''
      try {
        await page.goto(`${cloud.url}/?as=${identityFor(route)}&path=${route}${query}`)
        await page.waitForSelector('body[data-ready="true"]')
        await settle(page)
        const file = path.join(OUT, `${route}.png`)
        fs.mkdirSync(path.dirname(file), { recursive: true })
        await page.locator('.pv-phone').screenshot({ path: file })
        // the whole page: the phone grown to the page's height
        const extra = await page.locator('.wx-page:not([hidden])').first().evaluate((el) => el.scrollHeight - el.clientHeight)
        const full = file.replace(/\.png$/, '.full.png')
        fs.rmSync(full, { force: true })
        if (extra > 8) {
          // (this script compiles without the DOM library: the element is typed by what is used)
          await page.locator('.pv-phone, .pv-screen').evaluateAll((els, grow) => {
            for (const el of els) (el as unknown as { style: { height: string } }).style.height = `${812 + grow}px`
          }, extra)
          await page.setViewportSize({ width: 1100, height: Math.max(900, 812 + extra + 100) })
          await page.waitForTimeout(200)
          await page.locator('.pv-phone').screenshot({ path: full })
          await page.setViewportSize({ width: 1100, height: 900 })
        }
        console.log(`${route} (${identityFor(route)})${extra > 8 ? ' +full' : ''}`)
      } catch (err) {
        failed.push(route)
        console.error(`${route}: ${(err as Error).message}`)
      }
    }
    if (only.length === 0 || only.includes('readme')) await readmeShot(page, cloud.url)
  } finally {
    await browser.close()
    await cloud.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  console.log(`Screenshots in ${path.relative(ROOT, OUT)}/`)
  if (failed.length > 0) {
    console.error(`Did not open: ${failed.join(', ')}`)
    process.exitCode = 1
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
