import { listAdminProducts, setOnSale } from '../../services/admin-catalog'
import { displayUrls } from '../../services/transport'
import type { AdminProductView } from '../../../typings/catalog'
import { errorMessage, toastError } from '../../utils/errors'
import { toOwnerErrorView } from '../owner-view'
import { LOADING_PRODUCTS, toProductCard, toProductsView, withOnSale, type ProductCard, type ProductsView } from './products-view'

const PAGE_SIZE = 20

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id?: string }>
type SwitchChange = WechatMiniprogram.SwitchChange & { currentTarget: { dataset: { id?: string } } }

interface ProductsMethods {
  /** Bumped by every first-page load, so an answer for an older list is dropped. */
  generation: number
  /** Whether the page was shown once (returning from the editor reloads). */
  shownOnce: boolean
  cardsOf(products: AdminProductView[]): Promise<ProductCard[]>
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  onRetry(): Promise<void>
  onRetryMore(): Promise<void>
  onToggleSale(e: SwitchChange): Promise<void>
  onOpen(e: Tap): void
  onCreate(): void
}

Page<ProductsView, ProductsMethods>({
  data: { ...LOADING_PRODUCTS },
  generation: 0,
  shownOnce: false,

  onLoad() {
    return this.loadFirst()
  },

  onShow() {
    if (this.shownOnce) return this.loadFirst()
    this.shownOnce = true
    return undefined
  },

  async onPullDownRefresh() {
    await this.loadFirst()
    wx.stopPullDownRefresh()
  },

  onReachBottom() {
    return this.loadMore()
  },

  async cardsOf(products) {
    const covers = await displayUrls(products.map((p) => p.images[0]))
    return products.map((p, i) => toProductCard(p, covers[i]))
  },

  async loadFirst() {
    const generation = ++this.generation
    if (this.data.status !== 'ready') this.setData({ ...LOADING_PRODUCTS })
    try {
      const { products, nextCursor } = await listAdminProducts(undefined, PAGE_SIZE)
      const cards = await this.cardsOf(products)
      if (generation === this.generation) this.setData(toProductsView(cards, nextCursor))
    } catch (err) {
      if (generation === this.generation) this.setData(toOwnerErrorView(err))
    }
  },

  async loadMore() {
    const { status, loadingMore, finished, nextCursor, moreError } = this.data
    if (status !== 'ready' || loadingMore || finished || !nextCursor || moreError) return
    const generation = this.generation
    this.setData({ loadingMore: true })
    try {
      const page = await listAdminProducts(nextCursor, PAGE_SIZE)
      const cards = await this.cardsOf(page.products)
      if (generation === this.generation) this.setData(toProductsView([...this.data.cards, ...cards], page.nextCursor))
    } catch (err) {
      if (generation === this.generation) this.setData({ loadingMore: false, moreError: errorMessage(err) })
    }
  },

  onRetry() {
    this.setData({ ...LOADING_PRODUCTS })
    return this.loadFirst()
  },

  onRetryMore() {
    this.setData({ moreError: '' })
    return this.loadMore()
  },

  async onToggleSale(e) {
    const id = e.currentTarget.dataset.id
    const onSale = e.detail.value
    if (!id || this.data.switching) return
    const before = this.data.cards
    this.setData({ switching: id, cards: withOnSale(before, id, onSale) })
    try {
      await setOnSale([id], onSale)
      wx.showToast({ title: onSale ? '已上架' : '已下架', icon: 'success' })
      this.setData({ switching: '' })
    } catch (err) {
      this.setData({ switching: '', cards: withOnSale(this.data.cards, id, !onSale) })
      toastError(err)
    }
  },

  onOpen(e) {
    const id = e.currentTarget.dataset.id
    if (id) wx.navigateTo({ url: `/owner/product/index?id=${encodeURIComponent(id)}` })
  },

  onCreate() {
    wx.navigateTo({ url: '/owner/product/index' })
  },
})
