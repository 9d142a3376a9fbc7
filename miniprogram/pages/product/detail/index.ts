import { productDetail } from '../../../services/catalog'
import { addToCart } from '../../../services/cart'
import { linesToQuery } from '../../../services/checkout'
import { getMyBinding, getShareCard } from '../../../services/referral'
import { displayUrls } from '../../../services/transport'
import type { ProductDetail } from '../../../../typings/catalog'
import { toastError } from '../../../utils/errors'
import {
  LOADING_DETAIL,
  NOT_FOUND_DETAIL,
  chosenSku,
  clampQuantity,
  emptySelection,
  sharePath,
  timelineQuery,
  toDetailErrorView,
  toDetailView,
  toggleValue,
  type DetailView,
  type Selection,
} from './detail-view'

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { index?: number; value?: string }>
type ShareContent = { title: string; path: string; imageUrl?: string }
interface Shown {
  product: ProductDetail
  imageUrls: string[]
  selection: Selection
}

interface DetailMethods {
  productId: string
  /** The product shown, its displayable image URLs and the shopper's choices (null until loaded). */
  shown: Shown | null
  /** The code of whoever shared the card that opened this page (passed on when the viewer has none). */
  visitorRef: string
  /** The viewer's own share code, when they already have one. */
  ownCode: string
  load(): Promise<void>
  render(): void
  onRetry(): Promise<void>
  onChooseSpec(e: Tap): void
  onMinus(): void
  onPlus(): void
  /** The chosen SKU when it can be bought; otherwise says why in a toast and answers null. */
  buyableSku(): ProductDetail['skus'][number] | null
  onAddToCart(): void
  onBuyNow(): void
  onGoHome(): void
  onPreviewImage(e: Tap): void
}

Page<DetailView, DetailMethods>({
  data: { ...LOADING_DETAIL },
  productId: '',
  shown: null,
  visitorRef: '',
  ownCode: '',

  onLoad(query: Record<string, string | undefined>) {
    this.productId = query.id ?? ''
    this.visitorRef = query.ref ?? ''
    wx.showShareMenu({ withShareTicket: true, menus: ['shareAppMessage', 'shareTimeline'] })
    // the viewer's own code for Moments shares (read only; no identity in Moments single-page mode)
    void getMyBinding()
      .then(({ shortCode }) => {
        if (shortCode) this.ownCode = shortCode
      })
      .catch(() => undefined)
    return this.load()
  },

  onRetry() {
    this.setData({ ...LOADING_DETAIL })
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  async load() {
    if (!this.productId) {
      this.setData({ ...NOT_FOUND_DETAIL })
      return
    }
    try {
      const product = await productDetail(this.productId)
      const imageUrls = (await displayUrls(product.images)).filter(Boolean)
      // choices that still name values of the reloaded product are kept
      const previous = this.shown?.selection ?? []
      const selection = previous.length === product.specNames.length ? previous : emptySelection(product)
      this.shown = { product, imageUrls, selection }
      if (product.name) wx.setNavigationBarTitle({ title: product.name })
      this.render()
    } catch (err) {
      this.setData(toDetailErrorView(err))
    }
  },

  render() {
    const shown = this.shown
    if (shown) this.setData(toDetailView(shown.product, shown.imageUrls, shown.selection, this.data.quantity))
  },

  onChooseSpec(e) {
    const { index, value } = e.currentTarget.dataset
    const shown = this.shown
    if (!shown || typeof index !== 'number' || typeof value !== 'string') return
    const next = toggleValue(shown.product, shown.selection, index, value)
    if (next === shown.selection) return // a value that cannot go with the other choices
    this.shown = { ...shown, selection: next }
    this.render()
  },

  onMinus() {
    this.setData({ quantity: clampQuantity(this.data.quantity - 1, this.data.maxQuantity) })
  },

  onPlus() {
    if (this.data.quantity >= this.data.maxQuantity) {
      if (this.data.chosenSkuId) wx.showToast({ title: `最多可买 ${this.data.maxQuantity} 件`, icon: 'none' })
      return
    }
    this.setData({ quantity: clampQuantity(this.data.quantity + 1, this.data.maxQuantity) })
  },

  buyableSku() {
    const shown = this.shown
    if (!shown) return null
    const sku = chosenSku(shown.product, shown.selection)
    if (!sku) {
      wx.showToast({ title: this.data.choiceText || '请选择规格', icon: 'none' })
      return null
    }
    if (!this.data.canAdd) {
      wx.showToast({ title: '该规格已售罄', icon: 'none' })
      return null
    }
    return sku
  },

  onAddToCart() {
    if (this.data.adding) return
    const sku = this.buyableSku()
    if (!sku) return
    this.setData({ adding: true })
    try {
      addToCart(sku._id, this.data.quantity, sku.available)
      wx.showToast({ title: '已加入购物车', icon: 'success' })
    } catch (err) {
      toastError(err)
    } finally {
      this.setData({ adding: false })
    }
  },

  /** Straight to checkout with this one line (the cart is left as it is). */
  onBuyNow() {
    const sku = this.buyableSku()
    if (!sku) return
    const lines = [{ skuId: sku._id, quantity: this.data.quantity }]
    wx.navigateTo({ url: `/pages/checkout/index?lines=${encodeURIComponent(linesToQuery(lines))}` })
  },

  onGoHome() {
    wx.switchTab({ url: '/pages/home/index' })
  },

  onPreviewImage(e) {
    const index = e.currentTarget.dataset.index ?? 0
    const urls = this.shown?.imageUrls ?? []
    if (urls.length > 0) wx.previewImage({ urls, current: urls[index] ?? urls[0] })
  },

  /** A card with the code known now; WeChat then waits (up to 3 s) for the card `referral.shareCard` makes with the sharer's own code. */
  onShareAppMessage() {
    const title = this.data.name || '小店'
    const imageUrl = this.shown?.imageUrls[0] || undefined
    const code = this.ownCode || this.visitorRef || undefined
    const now: ShareContent = this.productId ? { title, path: sharePath(this.productId, code), imageUrl } : { title, path: '/pages/home/index' }
    if (!this.productId || this.data.status !== 'ready') return now
    const promise = getShareCard(this.productId)
      .then((card): ShareContent => {
        this.ownCode = card.shortCode
        return { title: card.title, path: card.path, imageUrl }
      })
      .catch(() => now) // no identity (or the call failed): the card as it stands
    return { ...now, promise }
  },

  onShareTimeline() {
    const code = this.ownCode || this.visitorRef || undefined
    return { title: this.data.name || '小店', query: this.productId ? timelineQuery(this.productId, code) : '', imageUrl: this.shown?.imageUrls[0] || undefined }
  },
})
