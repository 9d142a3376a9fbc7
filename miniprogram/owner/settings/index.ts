import type { BindingMode } from '../../../typings/referral'
import type { AllSettings } from '../../../typings/store'
import { getAllSettings, getRefitStatus, startRefit, updateSettings } from '../../services/store'
import { toastError } from '../../utils/errors'
import { ownerErrorView } from '../index/hub-view'
import { FORM_FIELDS, HELP, bindingView, formToChange, toForm, toRefitView, type FormField, type ModeOption, type InfoRow, type SettingsForm } from './settings-view'

/** How often the page asks how a running refit is doing. */
const POLL_MS = 2000

interface SettingsData extends SettingsForm {
  status: 'loading' | 'ready' | 'error'
  errorMessage: string
  canRetry: boolean
  modeOptions: ModeOption[]
  bindingHelp: string
  showWindow: boolean
  help: typeof HELP
  /** The message of the field that kept the last save from being sent. */
  formError: string
  saving: boolean
  refitting: boolean
  modelRows: InfoRow[]
  refitRunning: boolean
  refitText: string
}

type Tap<D extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.BaseEvent<Record<string, never>, D>
type Input = WechatMiniprogram.Input & { currentTarget: { dataset: { field: FormField } } }

interface SettingsMethods {
  /** The settings as last read or saved (null before the first answer). */
  current: AllSettings | null
  pollTimer: number | null
  unloaded: boolean
  load(): Promise<void>
  onRetry(): Promise<void>
  show(settings: AllSettings): void
  formOf(): SettingsForm
  onInput(e: Input): void
  onMode(e: Tap<{ mode: BindingMode }>): void
  onFreeShipping(e: WechatMiniprogram.SwitchChange): void
  onSave(): Promise<void>
  onRefit(): Promise<void>
  showRefit(status: Awaited<ReturnType<typeof getRefitStatus>>): void
  schedulePoll(): void
  stopPoll(): void
}

const EMPTY_FORM: SettingsForm = {
  mode: 'firstTouchWindow',
  windowDays: '',
  commissionPercent: '',
  coolingOffDays: '',
  flatFeeYuan: '',
  freeShipping: false,
  freeFromYuan: '',
  marginPercent: '',
  annualDiscountPercent: '',
  autoCompleteDays: '',
}

const LOADING: SettingsData = {
  ...EMPTY_FORM,
  status: 'loading',
  errorMessage: '',
  canRetry: true,
  modeOptions: [],
  bindingHelp: '',
  showWindow: false,
  help: HELP,
  formError: '',
  saving: false,
  refitting: false,
  modelRows: [],
  refitRunning: false,
  refitText: '',
}

Page<SettingsData, SettingsMethods>({
  data: { ...LOADING },
  current: null,
  pollTimer: null,
  unloaded: false,

  onLoad() {
    return this.load()
  },

  onUnload() {
    this.unloaded = true
    this.stopPoll()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  onRetry() {
    this.setData({ ...LOADING })
    return this.load()
  },

  async load() {
    try {
      const [settings, status] = await Promise.all([getAllSettings(), getRefitStatus()])
      this.show(settings)
      this.setData({ status: 'ready' })
      this.showRefit(status)
    } catch (err) {
      this.setData(ownerErrorView(err))
    }
  },

  show(settings) {
    this.current = settings
    const form = toForm(settings)
    this.setData({ ...form, ...bindingView(form.mode, form.windowDays), formError: '' })
  },

  formOf() {
    const d = this.data
    return { mode: d.mode, freeShipping: d.freeShipping, ...Object.fromEntries(FORM_FIELDS.map((f) => [f, d[f]])) } as SettingsForm
  },

  onInput(e) {
    const field = e.currentTarget.dataset.field
    if (!FORM_FIELDS.includes(field)) return
    this.setData({ [field]: e.detail.value, formError: '' })
    if (field === 'windowDays') this.setData(bindingView(this.data.mode, e.detail.value))
  },

  onMode(e) {
    const mode = e.currentTarget.dataset.mode
    if (!mode) return
    this.setData({ mode, formError: '', ...bindingView(mode, this.data.windowDays) })
  },

  onFreeShipping(e) {
    this.setData({ freeShipping: e.detail.value, formError: '' })
  },

  async onSave() {
    const current = this.current
    if (!current || this.data.saving) return
    const result = formToChange(this.formOf(), current)
    if (!result.ok) {
      this.setData({ formError: result.message })
      wx.showToast({ title: result.message, icon: 'none' })
      return
    }
    if (!result.change) {
      wx.showToast({ title: '没有改动', icon: 'none' })
      return
    }
    this.setData({ saving: true })
    wx.showLoading({ title: '保存中', mask: true })
    try {
      this.show(await updateSettings(result.change))
      wx.hideLoading()
      wx.showToast({ title: '已保存', icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ saving: false })
    }
  },

  async onRefit() {
    if (this.data.refitting || this.data.refitRunning) return
    this.setData({ refitting: true })
    wx.showLoading({ title: '拟合中', mask: true })
    try {
      await startRefit() // works on the job for this call; the status below tells where it got
      this.showRefit(await getRefitStatus())
      wx.hideLoading()
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ refitting: false })
    }
  },

  showRefit({ job, model }) {
    this.setData(toRefitView(job, model, this.current))
    if (this.data.refitRunning) this.schedulePoll()
    else this.stopPoll()
  },

  schedulePoll() {
    if (this.pollTimer !== null || this.unloaded) return
    this.pollTimer = setTimeout(async () => {
      this.pollTimer = null
      if (this.unloaded) return
      try {
        this.showRefit(await getRefitStatus())
      } catch (err) {
        toastError(err) // polling stops; pulling down refreshes
      }
    }, POLL_MS) as unknown as number
  },

  stopPoll() {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer)
    this.pollTimer = null
  },
})
