import { listProducts } from '../../services/catalog'
import { LOADING_VIEW, toHomeErrorView, toHomeView, type HomeView } from './home-view'

interface HomeMethods {
  loadProducts(): Promise<void>
  onRetry(): Promise<void>
  onOpenProduct(event: WechatMiniprogram.TouchEvent): void
}

Page<HomeView, HomeMethods>({
  data: { ...LOADING_VIEW },

  onLoad() {
    return this.loadProducts()
  },

  async onPullDownRefresh() {
    await this.loadProducts()
    wx.stopPullDownRefresh()
  },

  /** The next page, appended, while there is one. */
  async onReachBottom() {
    const { nextCursor, cards, status } = this.data
    if (status !== 'ready' || nextCursor === null) return
    try {
      this.setData(toHomeView(await listProducts({ cursor: nextCursor }), cards))
    } catch {
      // the shown cards stay; the next scroll to the bottom tries again
    }
  },

  /** A card opens its product's page. */
  onOpenProduct(event: WechatMiniprogram.TouchEvent) {
    const id = (event.currentTarget.dataset as { id?: string }).id
    if (id) wx.navigateTo({ url: `/pages/product/detail/index?id=${encodeURIComponent(id)}` })
  },

  onRetry() {
    this.setData({ ...LOADING_VIEW })
    return this.loadProducts()
  },

  async loadProducts() {
    let view: HomeView
    try {
      view = toHomeView(await listProducts())
    } catch (err) {
      view = toHomeErrorView(err)
    }
    this.setData(view)
  },
})
