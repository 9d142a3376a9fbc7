import type { SharePolicy } from '../../../typings/referral'
import { approveSeller, getReferralSettings, listSellers, updateReferralSettings } from '../../services/referral'
import { toastError } from '../../utils/errors'
import { ownerErrorView } from '../index/hub-view'
import { LOADING_SELLERS, approveConfirmText, policyConfirmText, toPolicyView, toSellersView, type SellersView } from './sellers-view'

type Tap<D extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.BaseEvent<Record<string, never>, D>

interface SellersMethods {
  load(): Promise<void>
  onRetry(): Promise<void>
  onApprove(e: Tap<{ id: string; name: string }>): Promise<void>
  onPolicy(e: Tap<{ value: SharePolicy }>): Promise<void>
  run(work: () => Promise<void>, done: string): Promise<void>
}

function confirm(text: { title: string; content: string }): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ ...text, confirmText: '确定', cancelText: '取消', success: (res) => resolve(res.confirm), fail: () => resolve(false) })
  })
}

Page<SellersView, SellersMethods>({
  data: { ...LOADING_SELLERS },

  onLoad() {
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  onRetry() {
    this.setData({ ...LOADING_SELLERS })
    return this.load()
  },

  async load() {
    try {
      const [sellers, settings] = await Promise.all([listSellers(), getReferralSettings()])
      this.setData(toSellersView(sellers, settings.sharePolicy))
    } catch (err) {
      this.setData(ownerErrorView(err))
    }
  },

  async onApprove(e) {
    const { id, name } = e.currentTarget.dataset
    if (!id || this.data.busy) return
    if (!(await confirm(approveConfirmText(name)))) return
    await this.run(async () => {
      await approveSeller(id)
      await this.load()
    }, '已通过')
  },

  async onPolicy(e) {
    const next = e.currentTarget.dataset.value
    if (!next || next === this.data.sharePolicy || this.data.busy) return
    if (!(await confirm(policyConfirmText(next)))) return
    await this.run(async () => {
      const settings = await updateReferralSettings({ sharePolicy: next })
      this.setData(toPolicyView(settings.sharePolicy))
    }, '已保存')
  },

  async run(work, done) {
    this.setData({ busy: true })
    wx.showLoading({ title: '提交中', mask: true })
    try {
      await work()
      wx.hideLoading()
      wx.showToast({ title: done, icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ busy: false })
    }
  },
})
