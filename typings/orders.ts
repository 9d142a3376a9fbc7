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

/**
 * Where the goods go, as the buyer chose it with `wx.chooseAddress` (userName, telNumber,
 * provinceName, cityName, countyName, detailInfo, postalCode), snapshotted onto the order.
 * Only the buyer and the owner see it; sellers never do.
 */
export interface ShippingAddress {
  name: string
  phone: string
  province: string
  city: string
  /** The county or district; '' where the city has none (e.g. 东莞市). */
  district: string
  detail: string
  postalCode: string
}

/** A server-side quote: prices only from the database. */
export interface Quote {
  lines: OrderLine[]
  itemsFen: number
  shippingFen: number
  totalFen: number
}

/** A quoted line with the units of its SKU that can be bought now (stock on sale, at most 99: a cart line's limit). */
export interface QuotedLine extends OrderLine {
  available: number
}

/** What `quote` answers: the quote, each line with what can be bought now. */
export interface CartQuote extends Quote {
  lines: QuotedLine[]
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
  /** Where to ship; null for an order created without one (goods that need no delivery). */
  address: ShippingAddress | null
}

/** An order in my list: with what has been refunded of it so far (a partial refund leaves it paid, shipped or completed). */
export interface OrderListItem extends OrderView {
  /** Succeeded refunds, fen. */
  refundedFen: number
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

export interface OrdersApi extends AfterSaleApi {
  /**
   * Prices the lines from the database with the store's shipping rule; reserves nothing. Each
   * line carries `available`; an OUT_OF_STOCK refusal's data carries the SKU's `available` too.
   */
  quote: { request: { lines: RequestedLine[] }; response: CartQuote }
  /**
   * Creates an order and reserves its stock; a retry with the same requestId answers the same
   * order. `payment` is wx.requestPayment's params, or null when WeChat Pay could not start the
   * payment now (call `pay`). `address` is snapshotted onto the order (the checkout page always
   * sends it: physical goods cannot ship without one).
   */
  create: { request: { requestId: string; lines: RequestedLine[]; address?: ShippingAddress }; response: { order: OrderView; payment: PaymentParams | null } }
  /** Starts WeChat Pay for my unpaid order: the params for `wx.requestPayment`. */
  pay: { request: { orderId: string }; response: { orderId: string; payment: PaymentParams } }
  /** Cancels my unpaid order and releases its stock. */
  cancel: { request: { orderId: string }; response: { order: OrderView } }
  /**
   * My orders, newest first, of one `status` or any of `statuses` (neither: all; not both).
   * Pass `nextCursor` back as `cursor` with the same statuses for the next page (null: last page).
   */
  list: {
    request: { status?: OrderStatus; statuses?: OrderStatus[]; cursor?: string; pageSize?: number }
    response: { orders: OrderListItem[]; hasMore: boolean; nextCursor: string | null }
  }
  /** One of my orders. */
  detail: { request: { orderId: string }; response: { order: OrderView } }
}

// ---- After the sale: shipping, receipt, refunds, subscribe messages ----

/** How an order was shipped, as the owner entered it. */
export interface ShippingInfo {
  /** WeChat's delivery company id (get_delivery_list), e.g. `SF`, `ZTO`, `YTO`, `STO`, `YD`, `JD`, `EMS`. */
  carrier: string
  trackingNo: string
  /** Whether WeChat's 发货信息管理 has accepted the upload (a failed upload is retried by the orders timer). */
  uploaded: boolean
}

/** One requested line of a refund: a SKU of the order and how many of its units. */
export interface RefundLineRequest {
  skuId: string
  quantity: number
}

/** A refund line as recorded: the units and their amount, from the order's snapshotted line. */
export interface RefundLine extends RefundLineRequest {
  productId: string
  amountFen: number
}

/** requested: waiting for the owner; approved: WeChat Pay is refunding it (final on its notification); succeeded; rejected; withdrawn. */
export type RefundState = 'requested' | 'approved' | 'succeeded' | 'rejected' | 'withdrawn'

/** A refund of an order as the buyer and the owner see it. */
export interface RefundView {
  /** Our refund number (outRefundNo): `<orderId>-R<n>`. */
  outRefundNo: string
  state: RefundState
  lines: RefundLine[]
  /** Shipping refunded with it (only when the whole order is refunded before shipment). */
  shippingFen: number
  refundFen: number
  reason: string
  /** Whether this refund takes every unit still paid for (the order becomes refunded). */
  full: boolean
  /** Set by the owner on approval: whether the goods come back to stock. */
  restock: boolean | null
  /** The status the order goes back to if the request is rejected or withdrawn. */
  from: OrderStatus
  requestedAt: number
  decidedAt: number | null
  succeededAt: number | null
  rejectReason?: string
}

/** An order with its after-sale state. */
export interface AfterSaleOrderView extends OrderView {
  shippedAt: number | null
  completedAt: number | null
  shipping: ShippingInfo | null
  /** Total refunded so far (succeeded refunds), fen. */
  refundedFen: number
  /** Every refund asked for, oldest first; the last one may be in progress. */
  refunds: RefundView[]
}

/** What the owner's order desk shows of an order. */
export interface AdminOrderView extends AfterSaleOrderView {
  buyerOpenid: string
  /** The buyer's nickname from their profile (null: they have not set one). */
  buyerNickname: string | null
  sellerId: string | null
}

/** The subscribe-message kinds the store sends. */
export type SubscribeKind = 'paid' | 'shipped' | 'refunded'

export interface AfterSaleApi {
  /** My shipped order arrived: it becomes completed (unconfirmed ones complete by themselves after `autoCompleteDays`). */
  confirmReceipt: { request: { orderId: string }; response: { order: AfterSaleOrderView } }
  /**
   * Asks for a refund of my paid, shipped or completed order: the whole order (no `lines`) or
   * chosen lines and quantities. The amount is computed on the server from the order's lines.
   * A retry with the same requestId answers the same request.
   */
  'refund.request': { request: { orderId: string; requestId: string; reason: string; lines?: RefundLineRequest[] }; response: { order: AfterSaleOrderView; refund: RefundView } }
  /** Withdraws my refund request while the owner has not decided it: the order goes back to where it was. */
  'refund.withdraw': { request: { orderId: string }; response: { order: AfterSaleOrderView } }
  /** My order with its shipping and refunds. */
  afterSale: { request: { orderId: string }; response: { order: AfterSaleOrderView } }
  /** The template ids the mini program passes to wx.requestSubscribeMessage (only the configured ones). */
  'subscribe.templates': { request: Record<string, never>; response: { templates: Partial<Record<SubscribeKind, string>> } }
  /** Reports the templates I accepted in wx.requestSubscribeMessage: each accept allows one message. */
  'subscribe.accept': { request: { templateIds: string[] }; response: { credits: Partial<Record<SubscribeKind, number>> } }
  /** Owner: orders of one status (paid = to ship, refund_requested = to decide), oldest first, by cursor. */
  'admin.list': { request: { status: OrderStatus; cursor?: string; pageSize?: number }; response: { orders: AdminOrderView[]; nextCursor: string | null } }
  /** Owner: how many orders are in each of `statuses` now (default the work queues: paid = to ship, refund_requested = to decide). */
  'admin.counts': { request: { statuses?: OrderStatus[] }; response: { counts: Partial<Record<OrderStatus, number>> } }
  /** Owner: one order. */
  'admin.detail': { request: { orderId: string }; response: { order: AdminOrderView } }
  /** Owner: ships a paid order; the shipping information is uploaded to WeChat (retried by the timer if WeChat fails). */
  'admin.ship': { request: { orderId: string; carrier: string; trackingNo: string }; response: { order: AdminOrderView } }
  /** Owner: approves the pending refund request; WeChat Pay refunds it, final on its notification. `restock`: the goods come back to stock. */
  'admin.refund.approve': { request: { orderId: string; restock: boolean }; response: { order: AdminOrderView; submitted: boolean } }
  /** Owner: rejects the pending refund request; the order goes back to where it was. */
  'admin.refund.reject': { request: { orderId: string; reason?: string }; response: { order: AdminOrderView } }
}
