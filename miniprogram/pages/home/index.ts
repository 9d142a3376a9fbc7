import { listProducts } from '../../services/catalog'
import { LOADING_VIEW, toHomeErrorView, toHomeView, type HomeView } from './home-view'

interface HomeMethods {
  loadProducts(): Promise<void>
  onRetry(): Promise<void>
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
