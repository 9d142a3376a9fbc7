/**
 * The cart page end to end on a real local cloud with the seeded catalogue: lines from wx storage
 * priced by `orders.quote` (a price changed in the database shows up), the stepper bounded by the
 * units available, lines that can no longer be bought greyed with why, ticking lines and the
 * totals from the server, 去结算 with the ticked lines, removing, and the empty state.
 */
import './helpers/wx-harness'
import { loadPage, tapAndYield, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { recordCloudCalls, useLocalCloud } from './helpers/local-cloud-suite'
import { writeDocuments } from './helpers/cloud-http'
import { waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'
import { CART_STORAGE_KEY } from '../../miniprogram/services/cart'
import { linesFromQuery } from '../../miniprogram/services/checkout'

jest.setTimeout(120_000)

const cloud = useLocalCloud({ target: { openid: 'o-cart-shopper' } })

function storeCart(lines: Array<{ skuId: string; quantity: number }>): void {
  wx.setStorageSync(CART_STORAGE_KEY, lines)
}

async function openCart(): Promise<LoadedPage> {
  const page = await loadPage('pages/cart/index')
  await waitFor(() => page.instance.data.status !== 'loading' && !page.instance.data.busy, 'cart page')
  return page
}

/** Taps the `index`th match and waits for the page to settle (a tap may re-price the cart). */
async function tap(page: LoadedPage, selector: string, index = 0): Promise<void> {
  await tapAndYield(page, selector, index)
  await waitFor(() => !page.instance.data.busy, `${selector} settled`)
}

/** The line of `skuId`'s index among the page's lines. */
function lineIndex(page: LoadedPage, skuId: string): number {
  const index = (page.instance.data.lines as Array<{ skuId: string }>).findIndex((l) => l.skuId === skuId)
  if (index < 0) throw new Error(`no line ${skuId}`)
  return index
}

/** Records the function calls (`action` and `data`) the page makes while `run` runs. */
async function recordingCalls<T>(run: () => Promise<T>): Promise<{ result: T; calls: Array<{ action: string; data: any }> }> {
  const recorder = recordCloudCalls()
  try {
    return { result: await run(), calls: recorder.calls }
  } finally {
    recorder.stop()
  }
}

async function reshow(page: LoadedPage): Promise<void> {
  await (page.instance as unknown as { onShow(): Promise<void> }).onShow()
  await waitFor(() => !page.instance.data.busy, 'cart re-priced')
}

describe('cart', () => {
  test('lines are priced by the server, and a price changed in the database shows on the next show', async () => {
    storeCart([{ skuId: 'p-soap', quantity: 2 }, { skuId: 'p-longjing-500g', quantity: 1 }])
    const { result: page, calls } = await recordingCalls(openCart)
    // one quote prices the cart and bounds its steppers: no catalogue read per line
    expect(calls.map((c) => c.action)).toEqual(['quote'])
    expect(page.instance.data.lines.map((l: { maxQuantity: number }) => l.maxQuantity)).toEqual([60, 40])
    expect(textsOf(page, '.line-name')).toEqual(['手工山茶油皂', '明前龙井'])
    expect(textsOf(page, '.line-spec')).toEqual(['500g / 礼盒'])
    expect(textsOf(page, '.line-price')).toEqual(['¥28.00', '¥320.00'])
    expect(textsOf(page, '.line-amount')).toEqual(['小计 ¥56.00', '小计 ¥320.00'])
    expect(page.instance.data.lines[1].cover).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*longjing\.png/)
    expect(textOf(page, '.items-total')).toBe('¥376.00')
    expect(textOf(page, '.shipping')).toBe('免运费')
    expect(textOf(page, '.total')).toBe('¥376.00')

    writeDocuments(cloud.url, [{ collection: 'skus', id: 'p-soap', doc: { priceFen: 3050 }, update: true }])
    try {
      await reshow(page)
      expect(textsOf(page, '.line-price')).toEqual(['¥30.50', '¥320.00'])
      expect(textsOf(page, '.line-amount')).toEqual(['小计 ¥61.00', '小计 ¥320.00'])
      expect(textOf(page, '.total')).toBe('¥381.00')
    } finally {
      writeDocuments(cloud.url, [{ collection: 'skus', id: 'p-soap', doc: { priceFen: 2800 }, update: true }])
    }
  })

  test('shipping follows the store\'s rule on the ticked lines: under 99 yuan it is 10 yuan', async () => {
    storeCart([{ skuId: 'p-soap', quantity: 1 }])
    const page = await openCart()
    expect(textOf(page, '.shipping')).toBe('¥10.00')
    expect(textOf(page, '.total')).toBe('¥38.00')
  })

  test('the stepper stays between 1 and the units available, and the stored cart follows', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    try {
      storeCart([{ skuId: 'p-jujube', quantity: 4 }]) // 5 in stock
      const page = await openCart()
      await tap(page, '.plus')
      expect(textOf(page, '.quantity')).toBe('5')
      expect(textOf(page, '.line-amount')).toBe('小计 ¥199.50')
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-jujube', quantity: 5 }])
      await tap(page, '.plus')
      expect(textOf(page, '.quantity')).toBe('5')
      expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '最多可买 5 件' }))
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-jujube', quantity: 5 }])
      for (let i = 0; i < 5; i++) await tap(page, '.minus')
      expect(textOf(page, '.quantity')).toBe('1')
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-jujube', quantity: 1 }])
    } finally {
      toast.mockRestore()
    }
  })

  test('lines that cannot be bought are greyed with why and left out of the totals; one short of stock can be brought down', async () => {
    writeDocuments(cloud.url, [{ collection: 'skus', id: 'p-walnut-2500g', doc: { stock: 2 }, update: true }])
    try {
      storeCart([
        { skuId: 'p-retired', quantity: 1 }, // product off sale
        { skuId: 'p-soap', quantity: 1 },
        { skuId: 'p-walnut-2500g', quantity: 3 }, // only 2 left
        { skuId: 'p-no-such-sku', quantity: 1 },
      ])
      const { result: page, calls } = await recordingCalls(openCart)
      // only the refused lines' products are read, for their names and images (p-soap's comes with the quote)
      expect(calls.filter((c) => c.action === 'product').map((c) => c.data.productId).sort()).toEqual(['p-retired', 'p-walnut'])
      expect(page.querySelectorAll('.line-off')).toHaveLength(3)
      expect(textsOf(page, '.line-reason')).toEqual(['已下架', '库存不足，仅剩 2 件', '已下架'])
      expect(textsOf(page, '.line-name')).toEqual(['商品已下架', '手工山茶油皂', '纸皮核桃', '商品已下架'])
      expect(textOf(page, '.total')).toBe('¥38.00')
      expect(textOf(page, '.checkout')).toBe('去结算(1)')

      await tap(page, '.minus', lineIndex(page, 'p-walnut-2500g'))
      expect(page.instance.data.lines[lineIndex(page, 'p-walnut-2500g')]).toMatchObject({ available: true, quantity: 2, selected: true, amountText: '¥218.00' })
      expect(textOf(page, '.total')).toBe('¥246.00') // 28 + 218, free shipping
      expect(textOf(page, '.checkout')).toBe('去结算(2)')
    } finally {
      writeDocuments(cloud.url, [{ collection: 'skus', id: 'p-walnut-2500g', doc: { stock: 60 }, update: true }])
    }
  })

  test('unticking a line re-quotes the rest; 去结算 opens checkout with the ticked lines only', async () => {
    const navigateTo = jest.spyOn(wx, 'navigateTo')
    try {
      storeCart([{ skuId: 'p-soap', quantity: 1 }, { skuId: 'p-pu-erh', quantity: 1 }, { skuId: 'p-retired', quantity: 1 }])
      const page = await openCart()
      expect(page.instance.data.allSelected).toBe(true)
      expect(textOf(page, '.total')).toBe('¥157.00')

      await tap(page, '.tick', lineIndex(page, 'p-pu-erh'))
      expect(page.instance.data.allSelected).toBe(false)
      expect(textOf(page, '.items-total')).toBe('¥28.00')
      expect(textOf(page, '.total')).toBe('¥38.00')
      await tap(page, '.tick', lineIndex(page, 'p-retired')) // cannot be ticked
      expect(page.instance.data.lines[lineIndex(page, 'p-retired')].selected).toBe(false)

      await tap(page, '.checkout')
      const url = (navigateTo.mock.calls.at(-1)?.[0] as { url: string }).url
      const [route, query] = url.split('?')
      expect(route).toBe('/pages/checkout/index')
      const params = new URLSearchParams(query)
      expect(params.get('from')).toBe('cart')
      expect(linesFromQuery(params.get('lines') ?? '')).toEqual([{ skuId: 'p-soap', quantity: 1 }])

      await tap(page, '.select-all')
      expect(textOf(page, '.total')).toBe('¥157.00')
      await tap(page, '.select-all')
      expect(page.instance.data).toMatchObject({ selectedCount: 0, canCheckout: false, totalText: '¥0.00' })
    } finally {
      navigateTo.mockRestore()
    }
  })

  test('removing the last line shows the empty state, whose button goes back to shopping', async () => {
    const switchTab = jest.spyOn(wx, 'switchTab')
    try {
      storeCart([{ skuId: 'p-soap', quantity: 1 }])
      const page = await openCart()
      await tap(page, '.remove')
      expect(page.instance.data.status).toBe('empty')
      expect(textOf(page, '.empty-message')).toBe('购物车还是空的')
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([])
      await tap(page, '.go-shopping')
      expect(switchTab).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/home/index' }))
    } finally {
      switchTab.mockRestore()
    }
  })

  test('when the cloud cannot be reached the error says so in Chinese, and retry prices the cart', async () => {
    storeCart([{ skuId: 'p-soap', quantity: 1 }])
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    const page = await openCart()
    expect(page.instance.data.status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('网络开小差了，请稍后重试')
    setTransportTarget({ localCloudUrl: cloud.url })
    await tap(page, '.retry')
    await waitFor(() => page.instance.data.status === 'ready', 'retried')
    expect(textOf(page, '.total')).toBe('¥38.00')
  })
})
