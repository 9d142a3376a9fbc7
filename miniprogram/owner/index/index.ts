import { countOrders } from '../../services/admin-orders'
import { listSellers } from '../../services/referral'
import { getRefitStatus } from '../../services/store'
import { LOADING_HUB, ownerErrorView, toHubView, type HubView } from './hub-view'

type Tap = WechatMiniprogram.BaseEvent<Record<string, never>, { url: string }>

interface HubMethods {
  /** Times the page was shown: back from an owner page, the figures are read again. */
  shows: number
  load(): Promise<void>
  onRetry(): Promise<void>
  onOpen(e: Tap): void
}

Page<HubView, HubMethods>({
  data: { ...LOADING_HUB },

  shows: 0,

  onLoad() {
    return this.load()
  },

  onShow() {
    if (this.shows++ > 0 && this.data.status === 'ready') return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  onRetry() {
    this.setData({ ...LOADING_HUB })
    return this.load()
  },

  async load() {
    try {
      const [pending, { model }, counts] = await Promise.all([listSellers('pending'), getRefitStatus(), countOrders(['paid', 'refund_requested'])])
      this.setData(toHubView({ pendingSellers: pending.length, model, toShip: counts.paid ?? 0, refundsWaiting: counts.refund_requested ?? 0 }))
    } catch (err) {
      this.setData(ownerErrorView(err))
    }
  },

  onOpen(e) {
    const url = e.currentTarget.dataset.url
    if (!url) return
    wx.navigateTo({ url, fail: () => wx.showToast({ title: '该页面暂未开放', icon: 'none' }) })
  },
})
