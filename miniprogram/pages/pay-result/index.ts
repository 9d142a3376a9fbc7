import { orderDetail, payOrder, waitForPaid } from '../../services/checkout'
import { removeManyFromCart } from '../../services/cart'
import { isApiError } from '../../services/transport'
import type { OrderView } from '../../../typings/orders'
import { toastError } from '../../utils/errors'
import { orderDetailUrl, toResultErrorView, toResultView, waitingView, type ResultView } from './pay-result-view'

interface ResultMethods {
  orderId: string
  /** The lines came from the cart: once paid they leave it. */
  fromCart: boolean
  /** The page was closed: stop reading the order. */
  closed: boolean
  /** Counts waits so an older one never overwrites a newer one. */
  waits: number
  /** Reads the order until the payment notification settles it; `sheet` is how the payment sheet ended. */
  follow(sheet: string): Promise<void>
  show(order: OrderView, whilePending: 'waiting' | 'unpaid' | 'confirming'): void
  /** Shows WeChat Pay for the order, then follows how it ends. */
  pay(): Promise<void>
  onPayAgain(): Promise<void>
  onRefresh(): Promise<void>
  onViewOrder(): void
  onGoShopping(): void
}

Page<ResultView, ResultMethods>({
  data: waitingView(''),
  orderId: '',
  fromCart: false,
  closed: false,
  waits: 0,

  onLoad(query: Record<string, string | undefined>) {
    this.orderId = query.orderId ?? ''
    this.fromCart = query.from === 'cart'
    this.setData(waitingView(this.orderId))
    // opened from my orders with pay=1: the order is still to pay, so pay first
    if (query.pay === '1') void this.pay()
    else void this.follow(query.sheet ?? 'paid')
  },

  onUnload() {
    this.closed = true
  },

  async follow(sheet) {
    const waitNo = ++this.waits
    const stopped = () => this.closed || waitNo !== this.waits
    try {
      if (sheet !== 'paid') {
        // the sheet was closed or failed: one read says whether it is still to pay
        const order = await orderDetail(this.orderId)
        if (!stopped()) this.show(order, 'unpaid')
        return
      }
      this.setData(waitingView(this.orderId))
      const { order, settled } = await waitForPaid(this.orderId, { stopped })
      if (stopped() || !order) return
      this.show(order, settled ? 'waiting' : 'confirming')
    } catch (err) {
      if (!stopped()) this.setData(toResultErrorView(this.orderId, err))
    }
  },

  show(order, whilePending) {
    const view = toResultView(order, whilePending)
    if (view.status === 'paid' && this.fromCart) removeManyFromCart(order.lines.map((l) => l.skuId))
    this.setData(view)
  },

  async onPayAgain() {
    if (this.data.busy || this.data.status !== 'unpaid') return
    await this.pay()
  },

  async pay() {
    this.setData({ busy: true })
    try {
      const order = await orderDetail(this.orderId)
      if (order.status !== 'pending_payment') return this.show(order, 'waiting')
      const sheet = await payOrder(order)
      if (sheet === 'paid') await this.follow('paid')
      else if (this.data.status === 'unpaid') this.setData({ busy: false })
      else this.show(order, 'unpaid')
    } catch (err) {
      toastError(err)
      this.setData({ busy: false })
      // the order changed under us (paid meanwhile, or expired): show what it is now
      if (isApiError(err) && err.code === 'INVALID_TRANSITION') await this.follow('cancelled')
    }
  },

  async onRefresh() {
    if (this.data.busy) return
    this.setData({ busy: true })
    await this.follow('paid')
  },

  onViewOrder() {
    wx.navigateTo({ url: orderDetailUrl(this.orderId) })
  },

  onGoShopping() {
    wx.switchTab({ url: '/pages/home/index' })
  },
})
