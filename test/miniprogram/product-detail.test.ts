/**
 * The product page end to end on a real local cloud with the seeded catalogue: the gallery, the
 * spec picker choosing a SKU (price and stock follow), a product without specs, adding to the
 * cart in wx storage, the not-found state for a product off sale, and share paths.
 */
import './helpers/wx-harness'
import { loadPage, tapAndYield, textOf, textsOf, type LoadedPage } from './helpers/page-shim'
import { openPageAs, useLocalCloud } from './helpers/local-cloud-suite'
import { waitFor } from './helpers/wait'
import { setTransportTarget } from '../../miniprogram/services/transport'
import { CART_STORAGE_KEY } from '../../miniprogram/services/cart'

jest.setTimeout(120_000)

const cloud = useLocalCloud({ target: { openid: 'o-detail-shopper' } })

type ShareContent = { title: string; path: string; imageUrl?: string }
interface DetailPage {
  onShareAppMessage(): ShareContent & { promise?: Promise<ShareContent> }
  onShareTimeline(): { title: string; query: string }
}

const openProduct = (query: Record<string, string>, openid: string | null = 'o-detail-shopper'): Promise<LoadedPage> => openPageAs(openid, 'pages/product/detail/index', query)

/** Taps the chip showing `value`. */
function choose(page: LoadedPage, value: string): Promise<void> {
  const index = textsOf(page, '.spec-chip').indexOf(value)
  if (index < 0) throw new Error(`no chip ${value}`)
  return tapAndYield(page, '.spec-chip', index)
}

describe('product detail', () => {
  test('明前龙井: the gallery, one row per spec, the price range until a choice, then the SKU\'s price and stock', async () => {
    const page = await openProduct({ id: 'p-longjing' })
    expect(textOf(page, '.product-name')).toBe('明前龙井')
    expect(page.instance.data.images).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/.*longjing\.png/)])
    expect(page.querySelectorAll('.gallery-image')).toHaveLength(1)
    expect(textsOf(page, '.spec-name').slice(0, 2)).toEqual(['重量', '包装'])
    expect(textsOf(page, '.spec-chip')).toEqual(['250g', '500g', '罐装', '礼盒'])
    expect(textOf(page, '.product-price')).toBe('¥168.00 - ¥320.00')
    expect(textOf(page, '.choice-text')).toBe('请选择 重量、包装')
    expect(page.querySelector('.stock-text')).toBeUndefined()

    await choose(page, '500g')
    // 罐装 does not come in 500g
    expect(page.querySelectorAll('.chip-disabled').map((n) => n.dom?.textContent)).toEqual(['罐装'])
    await choose(page, '罐装') // disabled: nothing changes
    expect(page.instance.data.chosenSkuId).toBe('')
    await choose(page, '礼盒')

    expect(page.instance.data.chosenSkuId).toBe('p-longjing-500g')
    expect(textOf(page, '.product-price')).toBe('¥320.00')
    expect(textOf(page, '.stock-text')).toBe('库存 40 件')
    expect(textOf(page, '.choice-text')).toBe('已选 500g / 礼盒')
  })

  test('the quantity stepper stays between 1 and the units available', async () => {
    const page = await openProduct({ id: 'p-jujube' }) // one SKU, 5 in stock
    expect(textOf(page, '.quantity')).toBe('1')
    await tapAndYield(page, '.minus')
    expect(textOf(page, '.quantity')).toBe('1')
    for (let i = 0; i < 7; i++) await tapAndYield(page, '.plus')
    expect(textOf(page, '.quantity')).toBe('5')
    expect(textOf(page, '.stock-text')).toBe('库存 5 件')
  })

  test('a product without specs shows its one price and no picker rows', async () => {
    const page = await openProduct({ id: 'p-soap' })
    expect(textOf(page, '.product-name')).toBe('手工山茶油皂')
    expect(textOf(page, '.product-price')).toBe('¥28.00')
    expect(page.querySelectorAll('.spec-chip')).toHaveLength(0)
    expect(textOf(page, '.stock-text')).toBe('库存 60 件')
  })

  test('adding to the cart keeps {skuId, quantity} in wx storage and says so', async () => {
    const toast = jest.spyOn(wx, 'showToast')
    try {
      const page = await openProduct({ id: 'p-longjing' })
      await tapAndYield(page, '.add-to-cart')
      expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择 重量、包装' }))
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toBe('')

      await choose(page, '250g')
      await choose(page, '罐装')
      await tapAndYield(page, '.plus')
      await tapAndYield(page, '.add-to-cart')
      expect(toast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已加入购物车' }))
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-longjing', quantity: 2 }])

      await tapAndYield(page, '.add-to-cart')
      expect(wx.getStorageSync(CART_STORAGE_KEY)).toEqual([{ skuId: 'p-longjing', quantity: 4 }])
    } finally {
      toast.mockRestore()
    }
  })

  test.each([['p-retired'], ['p-no-such-product']])('%s (off sale or unknown) shows the not-found state with a way home', async (id) => {
    const switchTab = jest.spyOn(wx, 'switchTab')
    try {
      const page = await openProduct({ id })
      expect(page.instance.data.status).toBe('notFound')
      expect(textOf(page, '.not-found-message')).toBe('商品不存在或已下架')
      expect(page.querySelector('.add-to-cart')).toBeUndefined()
      await tapAndYield(page, '.go-home')
      expect(switchTab).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/home/index' }))
    } finally {
      switchTab.mockRestore()
    }
  })

  test('when the catalogue cannot be reached the error says so in Chinese, and retry loads the product', async () => {
    setTransportTarget({ localCloudUrl: 'http://127.0.0.1:9' })
    const page = await loadPage('pages/product/detail/index', { id: 'p-soap' })
    await waitFor(() => page.instance.data.status !== 'loading', 'error state')
    expect(page.instance.data.status).toBe('error')
    expect(textOf(page, '.error-message')).toBe('网络开小差了，请稍后重试')
    setTransportTarget({ localCloudUrl: cloud.url })
    await tapAndYield(page, '.retry')
    await waitFor(() => page.instance.data.status === 'ready', 'retried')
    expect(textOf(page, '.product-price')).toBe('¥28.00')
  })
})

describe('sharing a product', () => {
  test('the share menu allows group tickets and Moments; a seller\'s card carries the product and their code', async () => {
    const showShareMenu = jest.spyOn(wx, 'showShareMenu')
    const page = await openProduct({ id: 'p-longjing' }, 'o-demo-seller-lin')
    expect(showShareMenu).toHaveBeenCalledWith(expect.objectContaining({ withShareTicket: true, menus: ['shareAppMessage', 'shareTimeline'] }))
    showShareMenu.mockRestore()

    const detail = page.instance as unknown as DetailPage
    const card = detail.onShareAppMessage()
    expect(card.path).toMatch(/^\/pages\/product\/detail\/index\?id=p-longjing(&ref=Lin8shop)?$/)
    expect(await card.promise).toMatchObject({ title: '明前龙井', path: '/pages/product/detail/index?id=p-longjing&ref=Lin8shop' })
    expect(detail.onShareTimeline()).toMatchObject({ title: '明前龙井', query: 'id=p-longjing&ref=Lin8shop' })
  })

  test('opened from a Moments share without an identity, the page works and passes the sharer\'s code on', async () => {
    const page = await openProduct({ id: 'p-walnut', ref: 'Zhou5tea' }, null)
    expect(textOf(page, '.product-price')).toBe('¥45.90 - ¥109.00')
    const detail = page.instance as unknown as DetailPage
    expect(detail.onShareTimeline().query).toBe('id=p-walnut&ref=Zhou5tea')
    const card = detail.onShareAppMessage()
    expect(card.path).toBe('/pages/product/detail/index?id=p-walnut&ref=Zhou5tea')
    expect((await card.promise)?.path).toBe('/pages/product/detail/index?id=p-walnut&ref=Zhou5tea')
  })
})
