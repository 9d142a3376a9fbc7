/** The `orders` function's actions: checkout, payment start and the shopper's orders. Type-only; money is integer fen. */

/** Where an order is in its life; every change goes through the transition table in domain/order/state.ts. */
export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refund_requested' | 'refunded'

/** One SKU and quantity a shopper asks for (a product without specs has one SKU whose id is the product's id). */
export interface RequestedLine {
  skuId: string
  quantity: number
}

/** One priced line, as snapshotted onto the order when it is created. */
export interface OrderLine {
  productId: string
  /** The SKU sold and stocked (`skus/<skuId>`); equals productId for a product without specs. */
  skuId: string
  /** The product's name at the time of the order. */
  name: string
  /** The SKU's spec label, e.g. '500g / 礼盒' ('' for products without specs). */
  spec: string
  priceFen: number
  quantity: number
  /** priceFen x quantity. */
  amountFen: number
  /** The product's cover image (cloud fileID) at the time of the order, when it had one. */
  image?: string
}

/** The store's shipping fee rule: a flat fee, free from a threshold of goods value. */
export interface ShippingRule {
  flatFeeFen: number
  /** Goods value from which shipping is free; null = never free. */
  freeFromFen: number | null
}

/** A server-side quote: prices only from the database. */
export interface Quote {
  lines: OrderLine[]
  itemsFen: number
  shippingFen: number
  totalFen: number
}

/** An order as its owner sees it. */
export interface OrderView extends Quote {
  _id: string
  status: OrderStatus
  /** Epoch ms. */
  createdAt: number
  /** An unpaid order is cancelled after this (epoch ms). */
  expiresAt: number
  paidAt: number | null
  cancelledAt: number | null
}

/** What `wx.requestPayment` takes, as CloudBase's cloudPay.unifiedOrder returns it. */
export interface PaymentParams {
  appId: string
  timeStamp: string
  nonceStr: string
  package: string
  signType: string
  paySign: string
}

export interface OrdersApi {
  /** Prices the lines from the database with the store's shipping rule; reserves nothing. */
  quote: { request: { lines: RequestedLine[] }; response: Quote }
  /**
   * Creates an order and reserves its stock; a retry with the same requestId answers the same
   * order. `payment` is wx.requestPayment's params, or null when WeChat Pay could not start the
   * payment now (call `pay`).
   */
  create: { request: { requestId: string; lines: RequestedLine[] }; response: { order: OrderView; payment: PaymentParams | null } }
  /** Starts WeChat Pay for my unpaid order: the params for `wx.requestPayment`. */
  pay: { request: { orderId: string }; response: { orderId: string; payment: PaymentParams } }
  /** Cancels my unpaid order and releases its stock. */
  cancel: { request: { orderId: string }; response: { order: OrderView } }
  /** My orders, newest first, optionally of one status. */
  list: { request: { status?: OrderStatus; page?: number; pageSize?: number }; response: { orders: OrderView[]; hasMore: boolean } }
  /** One of my orders. */
  detail: { request: { orderId: string }; response: { order: OrderView } }
}
