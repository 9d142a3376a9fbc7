/**
 * Order and stock effects shared by the `orders`, `payCallback` and `catalog` functions: stock
 * reservation and its inverse, the move to sold and its inverse (a return), the owner's stock
 * adjustments, cancellation, and the order's client view. Stock lives on `skus` documents; each
 * effect is a conditional single-document update, so a retry or a race never applies it twice.
 */
import type { OrderLine, OrderStatus, OrderView, ShippingAddress } from '../typings/orders'
import type { CloudApp } from './cloud'
import { nonceStr, paySucceeded, paymentGateway, subMchId } from './payment'

/** An order as stored in `orders` (its `_id` is the WeChat Pay outTradeNo). */
export interface OrderDoc {
  _id: string
  _openid: string
  status: OrderStatus
  lines: OrderLine[]
  itemsFen: number
  shippingFen: number
  totalFen: number
  /** The seller credited for this order, snapshotted from the buyer's binding at creation. */
  sellerId: string | null
  /** The store's commission terms when the order was created (with its prices and shipping); absent on orders created before they were snapshotted. */
  commissionTerms?: { rateBps: number; coolingOffDays: number }
  clientRequestId: string
  createdAt: Date
  expiresAt: Date
  paidAt: Date | null
  cancelledAt: Date | null
  transactionId: string | null
  /** Why it was cancelled: by the buyer, or the expiry timer. */
  cancelReason?: 'buyer' | 'expired'
  /** True while the order's lines hold reserved stock (SKUs' `holds`): cleared with the move to sold (paid) or after the release (cancelled). */
  stockHeld: boolean
  /** The SKUs' hold entries of this order (StockHold.holdId). */
  holdId: string
  /** Where to ship, as the buyer chose it; absent for orders created without one. */
  address?: ShippingAddress | null
  /** A payment that arrived after cancellation, refunded automatically. */
  lateRefund?: { outRefundNo: string; refundFee: number; transactionId: string } | null
}

type Db = ReturnType<CloudApp['database']>

const epoch = (value: Date | string | number | null | undefined): number | null => (value === null || value === undefined ? null : new Date(value).getTime())

/** What the buyer sees of an order. */
export function orderView(doc: OrderDoc): OrderView {
  return {
    _id: doc._id,
    status: doc.status,
    lines: doc.lines,
    itemsFen: doc.itemsFen,
    shippingFen: doc.shippingFen,
    totalFen: doc.totalFen,
    createdAt: epoch(doc.createdAt) ?? 0,
    expiresAt: epoch(doc.expiresAt) ?? 0,
    paidAt: epoch(doc.paidAt),
    cancelledAt: epoch(doc.cancelledAt),
    address: doc.address ?? null,
  }
}

/** Who holds reserved units of a SKU: one entry per creation attempt, pushed with the reservation itself. */
export interface StockHold {
  /** Unique per creation attempt, so concurrent retries of one order never release each other's units. */
  holdId: string
  orderId: string
  quantity: number
  at: Date
}

/** One keyed stock change on a SKU besides orders (an owner's adjustment, a return), kept so a retry finds it applied. */
export interface StockLogEntry {
  /** `adjust:<client request id>` or `return:<returnKey>`. */
  key: string
  /** Units added to stock (negative: removed). */
  delta: number
  at: Date
  /** Why the owner adjusted it, as they wrote it (adjustments only). */
  reason?: string
}

/**
 * A SKU as stored in `skus`: what is sold and stocked. `stock` is what can still be bought,
 * `reserved` what unpaid orders hold (one `holds` entry each), `sold` what paid orders took; a
 * product without specs has one SKU whose `_id` is the product's.
 */
export interface SkuDoc {
  _id: string
  productId: string
  /** One value per product spec name, in the product's `specNames` order ([] without specs). */
  specValues: string[]
  /** The label shoppers and order lines show, e.g. '500g / 礼盒' ('' without specs). */
  spec: string
  priceFen: number
  stock: number
  reserved: number
  sold: number
  holds: StockHold[]
  onSale: boolean
  /** Display order among the product's SKUs. */
  sort: number
  stockLog?: StockLogEntry[]
  /** The product's name, cover and on-sale flag, copied here by every catalogue write so checkout reads one collection (see productFieldsOfSkus). Absent on SKUs written before; checkout backfills them. */
  productName?: string
  productCover?: string
  productOnSale?: boolean
}

/** The product fields every SKU of the product carries (written with the product by the catalogue's admin actions, and by setOnSale). */
export function productFieldsOfSkus(product: { name: string; images?: readonly string[]; onSale: boolean }): Pick<SkuDoc, 'productName' | 'productCover' | 'productOnSale'> {
  return { productName: product.name, productCover: product.images?.[0] ?? '', productOnSale: product.onSale }
}

/**
 * Reserves `quantity` of a SKU on sale (of a product on sale) for an order: stock moves to
 * reserved only if enough is left, and the same single-document update records the order's hold,
 * so the reservation always knows whom it belongs to (atomic, no transaction). Answers the SKU as
 * the reservation left it (one round trip: `updateAndReturn`, with the price and the product's
 * name, cover and on-sale flag copied onto the SKU), or null when nothing was reserved: the SKU
 * or its product is missing or off sale, or too little is left (the caller reads why), or the SKU
 * predates the copied product fields (the caller backfills them with backfillSkuProductFields).
 */
export async function reserveStockAndRead(db: Db, skuId: string, quantity: number, hold: Omit<StockHold, 'quantity'>): Promise<SkuDoc | null> {
  const _ = db.command
  const { doc } = (await db
    .collection('skus')
    .where({ _id: skuId, onSale: true, productOnSale: true, stock: _.gte(quantity) })
    .updateAndReturn({ stock: _.inc(-quantity), reserved: _.inc(quantity), holds: _.push({ ...hold, quantity } satisfies StockHold) })) as { doc?: SkuDoc | null }
  return doc ?? null
}

/** Copies the product's fields onto its SKUs that predate them (a database from before the copy); answers whether any SKU changed. */
export async function backfillSkuProductFields(db: Db, productId: string): Promise<boolean> {
  const _ = db.command
  const product = ((await db.collection('products').doc(productId).field({ name: true, images: true, onSale: true }).get()).data as Array<{ name: string; images?: string[]; onSale: boolean }>)[0]
  if (!product) return false
  const { updated } = await db.collection('skus').where({ productId, productOnSale: _.exists(false) }).update(productFieldsOfSkus(product))
  return (updated ?? 0) > 0
}

/**
 * The inverse of reserveStockAndRead: the order's hold goes back to stock, conditional on the hold
 * still being there, so a retry, a concurrent release or a recovery sweep releases it once.
 */
export async function releaseStock(db: Db, skuId: string, quantity: number, holdId: string): Promise<boolean> {
  const _ = db.command
  const { updated } = await db
    .collection('skus')
    .where({ _id: skuId, 'holds.holdId': holdId })
    .update({ stock: _.inc(quantity), reserved: _.inc(-quantity), holds: _.pull({ holdId }) })
  return updated === 1
}

export async function releaseLines(db: Db, holdId: string, lines: ReadonlyArray<{ skuId: string; quantity: number }>): Promise<void> {
  for (const line of lines) await releaseStock(db, line.skuId, line.quantity, holdId)
}

/**
 * The paid order's reserved units become sold: per line one conditional single-document update
 * on the order's hold (like releaseStock), outside the paid transaction, so a hot SKU's
 * concurrent reservations never conflict with it. Then the order stops holding stock. Safe to
 * rerun after a crash at any point (the notification's retry and the orders timer finish it).
 */
export async function moveHeldToSold(db: Db, order: Pick<OrderDoc, '_id' | 'lines' | 'holdId'>): Promise<void> {
  const _ = db.command
  await moveHoldsToSold(db, order)
  await db.collection('orders').where({ _id: order._id, stockHeld: true, status: _.nin(['pending_payment', 'cancelled']) }).update({ stockHeld: false })
}

/**
 * The SKU half of moveHeldToSold, for the payment path, whose transaction already cleared the
 * order's stockHeld: each line's hold becomes sold, conditional on the hold (once). A move a
 * crash interrupted is finished by a redelivered notification or by the expiry timer's sweep of
 * old holds whose order is paid.
 */
export async function moveHoldsToSold(db: Db, order: Pick<OrderDoc, 'lines' | 'holdId'>): Promise<void> {
  const _ = db.command
  for (const line of order.lines) {
    await db
      .collection('skus')
      .where({ _id: line.skuId, 'holds.holdId': order.holdId })
      .update({ reserved: _.inc(-line.quantity), sold: _.inc(line.quantity), holds: _.pull({ holdId: order.holdId }) })
  }
}

/** What a keyed stock change did: applied now, found applied before (a retry), or refused. */
export type KeyedStockOutcome = 'applied' | 'alreadyApplied' | 'refused'

/**
 * One keyed change of a SKU's stock, applied at most once per key: a single-document update
 * conditional on the key not being in the SKU's `stockLog` (and on `guard`), which pushes the
 * key with the change. A concurrent duplicate matches nothing once the first has landed; a
 * retry after a lost answer finds its key and answers 'alreadyApplied'.
 */
async function applyKeyedStockChange(db: Db, skuId: string, key: string, guard: Record<string, unknown>, change: Record<string, unknown>, delta: number, reason?: string): Promise<KeyedStockOutcome> {
  const _ = db.command
  const entry: StockLogEntry = { key, delta, at: new Date(), ...(reason === undefined ? {} : { reason }) }
  const { updated } = await db
    .collection('skus')
    .where({ _id: skuId, 'stockLog.key': _.neq(key), ...guard })
    .update({ ...change, stockLog: _.push(entry) })
  if (updated === 1) return 'applied'
  const { data } = await db.collection('skus').where({ _id: skuId, 'stockLog.key': key }).field({ _id: true }).get()
  return data.length > 0 ? 'alreadyApplied' : 'refused'
}

/**
 * The inverse of a sale, for refunds whose goods come back: `quantity` sold units of the SKU
 * return to stock, once per `returnKey` however often (or concurrently) it runs. 'refused' when
 * the SKU does not exist or has fewer sold units than that.
 */
export function returnSoldStock(db: Db, skuId: string, quantity: number, returnKey: string): Promise<KeyedStockOutcome> {
  if (!Number.isInteger(quantity) || quantity <= 0) throw new RangeError(`a return is a positive whole quantity, got ${quantity}`)
  const _ = db.command
  return applyKeyedStockChange(db, skuId, `return:${returnKey}`, { sold: _.gte(quantity) }, { stock: _.inc(quantity), sold: _.inc(-quantity) }, quantity)
}

/**
 * The owner's stock adjustment by `delta` units (positive: received, negative: written off),
 * once per client request id, with the owner's reason in its stock log entry; stock never goes
 * below zero ('refused' then, or for an unknown SKU).
 */
export function adjustStock(db: Db, skuId: string, delta: number, requestId: string, reason?: string): Promise<KeyedStockOutcome> {
  if (!Number.isInteger(delta) || delta === 0) throw new RangeError(`an adjustment is a non-zero whole number, got ${delta}`)
  const _ = db.command
  return applyKeyedStockChange(db, skuId, `adjust:${requestId}`, delta < 0 ? { stock: _.gte(-delta) } : {}, { stock: _.inc(delta) }, delta, reason)
}

export type CloseOutcome = 'closed' | 'paid' | 'unavailable'

/**
 * Closes the order's WeChat Pay order so nothing more can be paid on it. 'paid' means WeChat
 * already took the money (the notification will mark the order paid); 'unavailable' means
 * WeChat could not be asked, so the order must not be cancelled now.
 */
export async function closePayment(outTradeNo: string): Promise<CloseOutcome> {
  try {
    const result = await paymentGateway().closeOrder({ subMchId: subMchId(), outTradeNo, nonceStr: nonceStr() })
    if (paySucceeded(result)) return 'closed'
    if (result.errCode === 'ORDERPAID') return 'paid'
    if (result.errCode === 'ORDERNOTEXIST' || result.errCode === 'ORDERCLOSED') return 'closed'
    return 'unavailable'
  } catch (err) {
    console.warn(`closeOrder ${outTradeNo} failed`, err)
    return 'unavailable'
  }
}

/**
 * Gives a cancelled order's reserved stock back: each line's hold is released once
 * (releaseStock), then the order stops holding stock. Safe to rerun after a crash at any point.
 */
export async function releaseOrderStock(db: Db, order: Pick<OrderDoc, '_id' | 'lines' | 'holdId'>): Promise<void> {
  await releaseLines(db, order.holdId, order.lines)
  await db.collection('orders').where({ _id: order._id, status: 'cancelled' }).update({ stockHeld: false })
}

/**
 * Cancels an unpaid order and releases its stock. The status write is conditional on
 * `pending_payment`, so of a buyer's cancel, the timer and a payment only one wins; the release
 * is exactly once (releaseOrderStock). Returns whether this call cancelled it.
 */
export async function cancelUnpaidOrder(db: Db, order: OrderDoc, reason: 'buyer' | 'expired', now: Date): Promise<boolean> {
  const { updated } = await db
    .collection('orders')
    .where({ _id: order._id, status: 'pending_payment' })
    .update({ status: 'cancelled', cancelledAt: now, cancelReason: reason })
  if (updated !== 1) return false
  await releaseOrderStock(db, order)
  return true
}
