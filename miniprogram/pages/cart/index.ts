import { listCart, removeFromCart, updateCartQuantity } from '../../services/cart'
import { linesToQuery, productsById, quoteLines, quoteWhatCanBeBought } from '../../services/checkout'
import { displayUrls } from '../../services/transport'
import type { Quote } from '../../../typings/orders'
import { toastError } from '../../utils/errors'
import { LOADING_CART, selectedLines, steppedQuantity, toCartErrorView, toCartView, type CartView, type PricedCart } from './cart-view'

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { skuId?: string }>

interface CartMethods {
  /** The cart as the server priced it (null until loaded). */
  priced: PricedCart | null
  /** SKUs the shopper unticked (null: none); new lines start ticked. */
  unselected: string[] | null
  /** Counts loads so an older answer never overwrites a newer one. */
  loads: number
  load(): Promise<void>
  /** Quotes the ticked lines and shows the page. */
  render(loadNo: number): Promise<void>
  /** The ticks changed: quotes the ticked lines again. */
  refreshTotals(): Promise<void>
  lineOf(e: Tap): CartView['lines'][number] | undefined
  changeQuantity(e: Tap, delta: number): Promise<void>
  onMinus(e: Tap): Promise<void>
  onPlus(e: Tap): Promise<void>
  onRemove(e: Tap): Promise<void>
  onToggle(e: Tap): Promise<void>
  onToggleAll(): Promise<void>
  onCheckout(): void
  onGoShopping(): void
  onRetry(): Promise<void>
}

Page<CartView, CartMethods>({
  data: { ...LOADING_CART },
  priced: null,
  unselected: null,
  loads: 0,

  // a tab page stays alive: every show re-reads the cart and re-prices it
  onShow() {
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  onRetry() {
    this.setData({ ...LOADING_CART })
    return this.load()
  },

  async load() {
    const loadNo = ++this.loads
    const stored = listCart()
    if (this.data.status !== 'loading') this.setData({ busy: true })
    try {
      if (stored.length === 0) {
        this.priced = null
        this.setData(toCartView({ stored, quote: null, refused: [], products: {}, imageUrls: {} }, [], null))
        return
      }
      const { quote, refused } = await quoteWhatCanBeBought(stored)
      // the quote carries names, images and units available; only lines it refused need their product
      const products = await productsById(refused.map((r) => r.productId))
      const images = [...(quote?.lines ?? []).map((l) => l.image), ...refused.map((r) => products[r.productId]?.images[0])].filter((id): id is string => !!id)
      const urls = await displayUrls(images)
      if (loadNo !== this.loads) return
      this.priced = { stored, quote, refused, products, imageUrls: Object.fromEntries(images.map((id, i) => [id, urls[i]])) }
      await this.render(loadNo)
    } catch (err) {
      if (loadNo !== this.loads) return
      if (this.priced) {
        toastError(err)
        this.setData({ busy: false })
      } else this.setData(toCartErrorView(err))
    }
  },

  async render(loadNo) {
    const priced = this.priced
    if (!priced) return
    const unselected = this.unselected ?? []
    const chosen = selectedLines(priced, unselected)
    let totals: Quote | null = null
    // the whole quote already prices exactly the ticked lines in the usual case
    if (chosen.length > 0 && priced.quote && chosen.length === priced.quote.lines.length) totals = priced.quote
    else if (chosen.length > 0) totals = await quoteLines(chosen)
    if (loadNo !== this.loads) return
    this.setData(toCartView(priced, unselected, totals))
  },

  async refreshTotals() {
    const loadNo = ++this.loads
    this.setData({ busy: true })
    try {
      await this.render(loadNo)
    } catch (err) {
      if (loadNo !== this.loads) return
      toastError(err)
      this.setData({ busy: false })
    }
  },

  lineOf(e) {
    const skuId = e.currentTarget.dataset.skuId
    return this.data.lines.find((l) => l.skuId === skuId)
  },

  async changeQuantity(e, delta) {
    const line = this.lineOf(e)
    if (!line || this.data.busy) return
    if (delta > 0 && !line.canPlus) {
      if (line.available) wx.showToast({ title: `最多可买 ${line.maxQuantity} 件`, icon: 'none' })
      return
    }
    if (delta < 0 && !line.canMinus) return
    updateCartQuantity(line.skuId, steppedQuantity(line.quantity, delta, line.maxQuantity))
    await this.load()
  },

  onMinus(e) {
    return this.changeQuantity(e, -1)
  },

  onPlus(e) {
    return this.changeQuantity(e, 1)
  },

  async onRemove(e) {
    const line = this.lineOf(e)
    if (!line || this.data.busy) return
    removeFromCart(line.skuId)
    this.unselected = (this.unselected ?? []).filter((id) => id !== line.skuId)
    await this.load()
  },

  async onToggle(e) {
    const line = this.lineOf(e)
    if (!line || !line.available || this.data.busy) return
    const unselected = this.unselected ?? []
    this.unselected = line.selected ? [...unselected, line.skuId] : unselected.filter((id) => id !== line.skuId)
    await this.refreshTotals()
  },

  async onToggleAll() {
    if (this.data.busy) return
    this.unselected = this.data.allSelected ? this.data.lines.filter((l) => l.available).map((l) => l.skuId) : []
    await this.refreshTotals()
  },

  onCheckout() {
    const priced = this.priced
    if (!priced || !this.data.canCheckout || this.data.busy) return
    const lines = selectedLines(priced, this.unselected ?? [])
    wx.navigateTo({ url: `/pages/checkout/index?from=cart&lines=${encodeURIComponent(linesToQuery(lines))}` })
  },

  onGoShopping() {
    wx.switchTab({ url: '/pages/home/index' })
  },
})
