import { getSharesFunnel, type FunnelRequest } from '../../services/referral'
import { DEFAULT_PERIOD_DAYS, LOADING_FUNNEL, PERIODS, periodStart, toFunnelErrorView, toFunnelView, type FunnelView } from './funnel-view'

interface FunnelData extends FunnelView {
  periods: typeof PERIODS
  days: number
}

interface FunnelMethods {
  generation: number
  /** The store's today as the server answered it (the default period ends there). */
  today: string
  load(): Promise<void>
  request(): FunnelRequest
  onPeriod(e: { currentTarget: { dataset: { days: number } } }): Promise<void>
  onRetry(): Promise<void>
}

Page<FunnelData, FunnelMethods>({
  data: { ...LOADING_FUNNEL, periods: PERIODS, days: DEFAULT_PERIOD_DAYS },

  generation: 0,
  today: '',

  onLoad() {
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  request() {
    // the default period is the server's; other periods end on the day it answered as today
    if (this.data.days === DEFAULT_PERIOD_DAYS || !this.today) return {}
    return { from: periodStart(this.today, this.data.days), to: this.today }
  },

  async load() {
    const generation = ++this.generation
    this.setData({ ...LOADING_FUNNEL })
    const request = this.request()
    let view: FunnelView
    try {
      const funnel = await getSharesFunnel(request)
      if (!request.to) this.today = funnel.to
      view = toFunnelView(funnel)
    } catch (err) {
      view = toFunnelErrorView(err)
    }
    if (generation === this.generation) this.setData(view)
  },

  onPeriod(e) {
    const days = Number(e.currentTarget.dataset.days)
    if (days === this.data.days) return Promise.resolve()
    this.setData({ days })
    return this.load()
  },

  onRetry() {
    return this.load()
  },
})
