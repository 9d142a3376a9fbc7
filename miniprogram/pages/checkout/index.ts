import {
  acceptOrderNotifications,
  askOrderNotifications,
  createOrder,
  linesFromQuery,
  payOrder,
  quoteLines,
  subscribeTemplates,
} from '../../services/checkout'
import { displayUrls, isApiError } from '../../services/transport'
import type { Quote, RequestedLine, ShippingAddress } from '../../../typings/orders'
import { toastError } from '../../utils/errors'
import { requirePrivacy } from '../../utils/privacy'
import { newRequestId } from '../../utils/request-id'
import {
  EMPTY_CHECKOUT,
  LOADING_CHECKOUT,
  payResultUrl,
  toAddressView,
  toCheckoutRefusedView,
  toCheckoutView,
  toShippingAddress,
  type CheckoutView,
} from './checkout-view'

interface Checkout {
  lines: RequestedLine[]
  /** Made once per checkout: a double tap or a retry after a network error answers the same order. */
  requestId: string
  fromCart: boolean
  quote: Quote | null
  address: ShippingAddress | null
  /** Subscribe-message template ids to ask for (null until known). */
  templateIds: string[] | null
  /** A submission is running (checked before any await, so a second tap does nothing). */
  submitting: boolean
}

interface CheckoutMethods {
  /** This checkout's state (null before onLoad). */
  checkout: Checkout | null
  loadQuote(): Promise<void>
  onRetry(): Promise<void>
  onChooseAddress(): Promise<void>
  onSubmit(): Promise<void>
  onBackToCart(): void
}

Page<CheckoutView, CheckoutMethods>({
  data: { ...LOADING_CHECKOUT },
  checkout: null,

  onLoad(query: Record<string, string | undefined>) {
    const lines = linesFromQuery(query.lines)
    this.checkout = { lines, requestId: newRequestId('c'), fromCart: query.from === 'cart', quote: null, address: null, templateIds: null, submitting: false }
    if (lines.length === 0) {
      this.setData({ ...EMPTY_CHECKOUT })
      return
    }
    // known before the tap: WeChat shows the consent dialog only when asked straight from a tap
    void subscribeTemplates()
      .then((templates) => {
        if (this.checkout) this.checkout.templateIds = Object.values(templates).filter((id): id is string => !!id)
      })
      .catch(() => undefined)
    return this.loadQuote()
  },

  async loadQuote() {
    const checkout = this.checkout
    if (!checkout) return
    try {
      const quote = await quoteLines(checkout.lines)
      const images = quote.lines.map((l) => l.image).filter((id): id is string => !!id)
      const urls = await displayUrls(images).catch(() => images.map(() => ''))
      checkout.quote = quote
      this.setData({ ...toCheckoutView(quote, Object.fromEntries(images.map((id, i) => [id, urls[i]])), checkout.address), submitting: checkout.submitting })
    } catch (err) {
      this.setData(toCheckoutRefusedView(err, checkout.quote, checkout.address))
      checkout.quote = null
    }
  },

  onRetry() {
    this.setData({ status: 'loading' })
    return this.loadQuote()
  },

  async onChooseAddress() {
    const checkout = this.checkout
    if (!checkout) return
    if (!(await requirePrivacy())) {
      wx.showToast({ title: '需同意隐私保护指引后才能选择地址', icon: 'none' })
      return
    }
    const res = await new Promise<WechatMiniprogram.ChooseAddressSuccessCallbackResult | null>((resolve) => {
      wx.chooseAddress({ success: resolve, fail: () => resolve(null) }) // fail: closed, or the permission refused
    })
    if (!res) return
    const address = toShippingAddress(res as unknown as Record<string, unknown>)
    if (!address) {
      wx.showToast({ title: '地址不完整，请重新选择', icon: 'none' })
      return
    }
    checkout.address = address
    this.setData({ address: toAddressView(address) })
  },

  async onSubmit() {
    const checkout = this.checkout
    if (!checkout || checkout.submitting || !this.data.canSubmit) return
    if (!checkout.address) {
      wx.showToast({ title: '请选择收货地址', icon: 'none' })
      return
    }
    checkout.submitting = true
    this.setData({ submitting: true })
    const consent = askOrderNotifications(checkout.templateIds ?? []) // straight from the tap, before any await
    let created: Awaited<ReturnType<typeof createOrder>>
    try {
      created = await createOrder(checkout.requestId, checkout.lines, checkout.address)
    } catch (err) {
      toastError(err)
      // the shelf changed: show what it says now (the same requestId still names no order)
      if (isApiError(err) && (err.code === 'OUT_OF_STOCK' || err.code === 'PRODUCT_UNAVAILABLE')) await this.loadQuote()
      checkout.submitting = false
      this.setData({ submitting: false })
      return
    }
    // consent never holds up the purchase: recorded in the background, its failure ignored
    void consent.then((accepted) => acceptOrderNotifications(accepted))
    await consent
    let sheet: 'paid' | 'cancelled' | 'failed'
    try {
      sheet = await payOrder(created.order, created.payment)
    } catch (err) {
      toastError(err)
      sheet = 'failed'
    }
    wx.redirectTo({ url: payResultUrl(created.order._id, sheet, checkout.fromCart) })
  },

  onBackToCart() {
    if (this.checkout?.fromCart) wx.switchTab({ url: '/pages/cart/index' })
    else wx.navigateBack({ delta: 1 })
  },
})
