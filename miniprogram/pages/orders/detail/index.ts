import { cancelMyOrder, confirmReceipt, getMyOrder, requestRefund, withdrawRefund } from '../../../services/orders'
import { newRequestId } from '../../../utils/request-id'
import { displayUrls } from '../../../services/transport'
import type { AfterSaleOrderView } from '../../../../typings/orders'
import { askToConfirmReceipt, confirmModal } from '../confirm-modal'
import { toastError } from '../../../utils/errors'
import { formatFen } from '../../../utils/money'
import { ORDERS_PAGE, payUrl } from '../orders-view'
import {
  LOADING_ORDER_DETAIL,
  NOT_FOUND_ORDER_DETAIL,
  actionsFor,
  clampRefundQuantity,
  countdownText,
  openRefundForm,
  refundRequestOf,
  toDetailErrorView,
  toOrderDetailView,
  type DetailActionKind,
  type OrderDetailView,
  type RefundForm,
} from './detail-view'

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { kind?: DetailActionKind; index?: number; mode?: RefundForm['mode'] }>

interface Shown {
  order: AfterSaleOrderView
  images: string[]
}

interface DetailMethods {
  orderId: string
  /** The order shown and its line images (null until loaded, and on the error states). */
  shown: Shown | null
  /** The countdown's interval while an unpaid order is shown. */
  timer: number | null
  /** The page was hidden (the shopper left to pay, another page, the background): the order is re-read on return, since the owner or WeChat Pay may have moved it meanwhile. */
  away: boolean
  load(): Promise<void>
  render(): void
  tick(): void
  stopTimer(): void
  run(call: () => Promise<unknown>, done: string | ((result: unknown) => string)): Promise<boolean>
  onRetry(): Promise<void>
  onAction(e: Tap): Promise<void>
  onRefundMode(e: Tap): void
  onRefundMinus(e: Tap): void
  onRefundPlus(e: Tap): void
  onRefundReason(e: Tap): void
  onRefundNote(e: WechatMiniprogram.Input): void
  onRefundClose(): void
  onRefundSubmit(): Promise<void>
  onCopyId(): void
  onGoOrders(): void
}

Page<OrderDetailView, DetailMethods>({
  data: { ...LOADING_ORDER_DETAIL },
  orderId: '',
  shown: null,
  timer: null,
  away: false,

  async onLoad(query: Record<string, string | undefined>) {
    // `orderId` too: the subscribe messages' page link names the order so (backend/notifications.ts)
    this.orderId = query.id ?? query.orderId ?? ''
    await this.load()
    // `?refund=1` (a list card's 申请退款/申请售后) opens the refund form at once
    const shown = this.shown
    if (query.refund === '1' && shown && actionsFor(shown.order, Date.now()).some((a) => a.kind === 'refund')) this.setData({ form: openRefundForm(shown.order, newRequestId('r')) })
  },

  onShow() {
    if (this.away) {
      this.away = false
      return this.load()
    }
    this.render()
  },

  onHide() {
    this.away = true
    this.stopTimer()
  },

  onUnload() {
    this.stopTimer()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  onRetry() {
    this.setData({ ...LOADING_ORDER_DETAIL })
    return this.load()
  },

  /** Reads the order again; a failure clears everything shown (no order data on an error state). */
  async load() {
    if (!this.orderId) {
      this.shown = null
      this.stopTimer()
      this.setData({ ...NOT_FOUND_ORDER_DETAIL })
      return
    }
    try {
      const order = await getMyOrder(this.orderId)
      const images = await displayUrls(order.lines.map((l) => l.image))
      this.shown = { order, images }
      this.render()
    } catch (err) {
      this.shown = null
      this.stopTimer()
      this.setData(toDetailErrorView(err))
    }
  },

  render() {
    const shown = this.shown
    if (!shown) return
    const view = toOrderDetailView(shown.order, shown.images, Date.now())
    // a form the order no longer allows (it moved on) closes
    const form = this.data.form && view.actions.some((a) => a.kind === 'refund') ? this.data.form : null
    this.setData({ ...view, form })
    // counts down until the expiry only: after it the page waits for the server's expiry, it does not poll
    if (shown.order.status === 'pending_payment' && Date.now() < shown.order.expiresAt) {
      if (this.timer === null) this.timer = setInterval(() => this.tick(), 1000) as unknown as number
    } else this.stopTimer()
  },

  /** The countdown; when it runs out the pay button goes and the order is read again (the expiry timer cancels it). */
  tick() {
    const order = this.shown?.order
    if (!order || order.status !== 'pending_payment') return this.stopTimer()
    const now = Date.now()
    if (now >= order.expiresAt) {
      this.stopTimer()
      this.render()
      void this.load()
      return
    }
    this.setData({ countdownText: countdownText(order.expiresAt, now) })
  },

  stopTimer() {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  },

  /** Runs one action with a loading state, says how it went, then reads the order again whatever happened. */
  async run(call, done) {
    if (this.data.busy) return false
    this.setData({ busy: true })
    wx.showLoading({ title: '处理中', mask: true })
    let ok = false
    try {
      const result = await call()
      ok = true
      wx.hideLoading()
      wx.showToast({ title: typeof done === 'string' ? done : done(result), icon: 'none' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    }
    await this.load()
    this.setData({ busy: false })
    return ok
  },

  async onAction(e) {
    const kind = e.currentTarget.dataset.kind
    const id = this.shown?.order._id
    if (!kind || !id || this.data.busy) return
    switch (kind) {
      case 'pay':
        this.away = true
        wx.navigateTo({ url: payUrl(id) })
        return
      case 'cancel':
        if (await confirmModal('取消订单', '确定取消这个订单吗？取消后商品库存将释放')) await this.run(() => cancelMyOrder(id), '订单已取消')
        return
      case 'confirm':
        if (await askToConfirmReceipt()) await this.run(() => confirmReceipt(id), '已确认收货')
        return
      case 'withdraw':
        if (await confirmModal('撤回退款申请', '撤回后订单恢复原状态，之后仍可再次申请')) await this.run(() => withdrawRefund(id), '已撤回退款申请')
        return
      case 'refund':
        if (this.shown) this.setData({ form: openRefundForm(this.shown.order, newRequestId('r')) })
        return
    }
  },

  onRefundMode(e) {
    const mode = e.currentTarget.dataset.mode
    if (this.data.form && (mode === 'all' || mode === 'lines')) this.setData({ 'form.mode': mode })
  },

  onRefundMinus(e) {
    const form = this.data.form
    const index = e.currentTarget.dataset.index
    const line = typeof index === 'number' ? form?.lines[index] : undefined
    if (line) this.setData({ [`form.lines[${index}].quantity`]: clampRefundQuantity(line.quantity - 1, line.max) })
  },

  onRefundPlus(e) {
    const form = this.data.form
    const index = e.currentTarget.dataset.index
    const line = typeof index === 'number' ? form?.lines[index] : undefined
    if (!line) return
    if (line.quantity >= line.max) {
      wx.showToast({ title: `最多可退 ${line.max} 件`, icon: 'none' })
      return
    }
    this.setData({ [`form.lines[${index}].quantity`]: clampRefundQuantity(line.quantity + 1, line.max) })
  },

  onRefundReason(e) {
    const index = e.currentTarget.dataset.index
    if (this.data.form && typeof index === 'number') this.setData({ 'form.reasonIndex': index })
  },

  onRefundNote(e) {
    if (this.data.form) this.setData({ 'form.note': e.detail.value })
  },

  onRefundClose() {
    this.setData({ form: null })
  },

  async onRefundSubmit() {
    const form = this.data.form
    const id = this.shown?.order._id
    if (!form || !id) return
    const request = refundRequestOf(form)
    if ('missing' in request) {
      wx.showToast({ title: request.missing, icon: 'none' })
      return
    }
    const ok = await this.run(
      () => requestRefund({ orderId: id, requestId: form.requestId, ...request }),
      (result) => `已申请退款 ${formatFen((result as Awaited<ReturnType<typeof requestRefund>>).refund.refundFen)}`,
    )
    if (ok) this.setData({ form: null })
  },

  onCopyId() {
    if (this.data.orderId) wx.setClipboardData({ data: this.data.orderId })
  },

  onGoOrders() {
    wx.redirectTo({ url: `/${ORDERS_PAGE}` })
  },
})
