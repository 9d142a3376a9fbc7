/**
 * Order effects shared by the `orders` and `payCallback` functions: stock reservation and its
 * inverse, cancellation, and the order's client view. Each effect is a conditional
 * single-document update, so a retry or a race never applies it twice.
 */
import type { OrderLine, OrderStatus, OrderView } from '../typings/orders'
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
  clientRequestId: string
  createdAt: Date
  expiresAt: Date
  paidAt: Date | null
  cancelledAt: Date | null
  transactionId: string | null
  /** Why it was cancelled: by the buyer, or the expiry timer. */
  cancelReason?: 'buyer' | 'expired'
  /** True while the order's lines hold reserved stock: set at creation, cleared atomically with the move to sold (paid) or back to stock (cancelled). */
  stockHeld: boolean
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
  }
}

/** Reserves `quantity` of a product on sale: stock moves to reserved only if enough is left (atomic, one document). */
export async function reserveStock(db: Db, productId: string, quantity: number): Promise<boolean> {
  const _ = db.command
  const { updated } = await db
    .collection('products')
    .where({ _id: productId, onSale: true, stock: _.gte(quantity) })
    .update({ stock: _.inc(-quantity), reserved: _.inc(quantity) })
  return updated === 1
}

/** The inverse of reserveStock: reserved goes back to stock. */
export async function releaseStock(db: Db, productId: string, quantity: number): Promise<void> {
  const _ = db.command
  await db
    .collection('products')
    .where({ _id: productId, reserved: _.gte(quantity) })
    .update({ stock: _.inc(quantity), reserved: _.inc(-quantity) })
}

export async function releaseLines(db: Db, lines: ReadonlyArray<{ productId: string; quantity: number }>): Promise<void> {
  for (const line of lines) await releaseStock(db, line.productId, line.quantity)
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
 * Gives a cancelled order's reserved stock back, exactly once: in one transaction the order's
 * `stockHeld` flag is cleared and each line's reserved units return to stock, so a retry, a
 * concurrent release or the timer's sweep after a crash can never release twice.
 */
export async function releaseOrderStock(db: Db, orderId: string): Promise<boolean> {
  const _ = db.command
  return db.runTransaction(async (t: any) => {
    const order = (await t.collection('orders').doc(orderId).get()).data as OrderDoc | null | undefined
    if (!order || order.status !== 'cancelled' || !order.stockHeld) return false
    for (const line of order.lines) await t.collection('products').doc(line.productId).update({ stock: _.inc(line.quantity), reserved: _.inc(-line.quantity) })
    await t.collection('orders').doc(orderId).update({ stockHeld: false })
    return true
  }, 30)
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
  await releaseOrderStock(db, order._id)
  return true
}
