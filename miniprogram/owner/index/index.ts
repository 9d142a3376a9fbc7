import { listSellers } from '../../services/referral'
import { getRefitStatus } from '../../services/store'
import { toastError } from '../../utils/errors'
import { LOADING_HUB, ownerErrorView, toHubView, type HubView } from './hub-view'

type Tap = WechatMiniprogram.BaseEvent<Record<string, never>, { url: string }>

interface HubMethods {
  load(): Promise<void>
  onRetry(): Promise<void>
  onOpen(e: Tap): void
}

Page<HubView, HubMethods>({
  data: { ...LOADING_HUB },

  onLoad() {
    return this.load()
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
      const [pending, { model }] = await Promise.all([listSellers('pending'), getRefitStatus()])
      this.setData(toHubView({ pendingSellers: pending.length, model }))
    } catch (err) {
      this.setData(ownerErrorView(err))
    }
  },

  onOpen(e) {
    const url = e.currentTarget.dataset.url
    if (!url) return
    wx.navigateTo({ url, fail: (err) => toastError(err) })
  },
})
