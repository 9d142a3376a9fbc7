import { shareOpenSettled } from '../../launch/record-share-open'
import { getMyProfile, updateMyProfile } from '../../services/profile'
import { applyToSell, getMyBinding } from '../../services/referral'
import { displayUrls, uploadFile } from '../../services/transport'
import type { MyProfile } from '../../../typings/profile'
import { newRequestId } from '../../utils/request-id'
import { toastError } from '../../utils/errors'
import { LOADING_ME, avatarCloudPath, cleanNickname, cleanPhone, toMeErrorView, toMeView, type MeView } from './me-view'

type Input = WechatMiniprogram.Input
type ChooseAvatar = { detail: { avatarUrl: string } }

interface MeMethods {
  load(): Promise<void>
  show(profile: MyProfile): Promise<void>
  onRetry(): Promise<void>
  onChooseAvatar(e: ChooseAvatar): Promise<void>
  onNicknameInput(e: Input): void
  onSaveNickname(): Promise<void>
  onPhoneInput(e: Input): void
  onSavePhone(): Promise<void>
  onApplyNameInput(e: Input): void
  onApply(): Promise<void>
  save(change: Parameters<typeof updateMyProfile>[0], done: string): Promise<void>
}

async function avatarSrcOf(profile: MyProfile): Promise<string> {
  const [src] = await displayUrls([profile.avatarUrl])
  return src
}

Page<MeView, MeMethods>({
  data: { ...LOADING_ME },

  onLoad() {
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  onRetry() {
    this.setData({ ...LOADING_ME })
    return this.load()
  },

  async load() {
    try {
      await shareOpenSettled() // a card opened at launch may still be binding me
      const [profile, { binding }] = await Promise.all([getMyProfile(), getMyBinding()])
      this.setData(toMeView(profile, await avatarSrcOf(profile), binding))
    } catch (err) {
      this.setData(toMeErrorView(err))
    }
  },

  async show(profile) {
    const { binding } = await getMyBinding()
    this.setData(toMeView(profile, await avatarSrcOf(profile), binding))
  },

  async onChooseAvatar(e) {
    const filePath = e.detail.avatarUrl
    if (!filePath || this.data.saving) return
    this.setData({ saving: true })
    wx.showLoading({ title: '上传中', mask: true })
    try {
      const fileID = await uploadFile(avatarCloudPath(filePath, newRequestId('a')), filePath)
      await this.show(await updateMyProfile({ avatarUrl: fileID }))
      wx.hideLoading()
      wx.showToast({ title: '头像已更新', icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ saving: false })
    }
  },

  onNicknameInput(e) {
    this.setData({ nicknameDraft: e.detail.value })
  },

  async onSaveNickname() {
    const nickname = cleanNickname(this.data.nicknameDraft)
    if (nickname === null) {
      wx.showToast({ title: '昵称需为 1-32 个字', icon: 'none' })
      return
    }
    if (nickname === this.data.nickname) return
    await this.save({ nickname }, '昵称已保存')
  },

  onPhoneInput(e) {
    this.setData({ phoneDraft: e.detail.value })
  },

  async onSavePhone() {
    const phone = cleanPhone(this.data.phoneDraft)
    if (phone === null) {
      wx.showToast({ title: '请输入 11 位手机号', icon: 'none' })
      return
    }
    await this.save({ phone: phone === '' ? null : phone }, phone === '' ? '手机号已清除' : '手机号已保存')
  },

  async save(change, done) {
    if (this.data.saving) return
    this.setData({ saving: true })
    try {
      await this.show(await updateMyProfile(change))
      wx.showToast({ title: done, icon: 'success' })
    } catch (err) {
      toastError(err)
    } finally {
      this.setData({ saving: false })
    }
  },

  onApplyNameInput(e) {
    this.setData({ applyName: e.detail.value })
  },

  async onApply() {
    const name = this.data.applyName.trim()
    if (!name) {
      wx.showToast({ title: '请填写店铺名称', icon: 'none' })
      return
    }
    if (this.data.saving) return
    this.setData({ saving: true })
    try {
      const seller = await applyToSell(name)
      await this.show(await getMyProfile())
      wx.showToast({ title: seller.status === 'active' ? '你已成为推广员' : '申请已提交', icon: 'success' })
    } catch (err) {
      toastError(err)
    } finally {
      this.setData({ saving: false })
    }
  },
})
