/**
 * Which order a `prepay_id` belongs to, learnt from the function answers the preview has seen
 * (see requestPayment in wx.ts for the whole contract). Pure.
 */
export class PrepayLedger {
  private readonly orders = new Map<string, string>()

  /**
   * Reads a function answer (any depth up to 4) for `{payment: {package: 'prepay_id=...'}}` next to
   * the order's id (`orderId`, or `order._id` / `order.id`), as the orders function answers
   * `create` and `pay`; remembers prepayId -> order id.
   */
  note(value: unknown, depth = 0): void {
    if (depth > 4 || typeof value !== 'object' || value === null) return
    const record = value as Record<string, unknown>
    const payment = record.payment as { package?: unknown } | undefined
    if (payment && typeof payment.package === 'string' && payment.package.startsWith('prepay_id=')) {
      const order = record.order as { id?: unknown; _id?: unknown } | undefined
      const candidate = record.orderId ?? order?._id ?? order?.id ?? record.outTradeNo
      if (typeof candidate === 'string') this.orders.set(payment.package.slice('prepay_id='.length), candidate)
    }
    for (const child of Object.values(record)) if (typeof child === 'object') this.note(child, depth + 1)
  }

  /** The order (WeChat Pay outTradeNo) a prepay id was issued for, if the preview saw it. */
  orderOf(prepayId: string): string | undefined {
    return this.orders.get(prepayId)
  }
}
