/**
 * After the sale: the owner's order desk (list, detail, ship with the upload to WeChat), the
 * buyer's receipt, and the timer work that finishes what a failure left (auto-completion after
 * `autoCompleteDays`, shipping uploads WeChat refused, refunds WeChat Pay could not take, stock
 * returns a crash interrupted). Every status change goes through the transition table and is a
 * conditional single-document update on the order's status and revision (`rev`), so of two
 * concurrent changes exactly one wins.
 */
import type { CloudApp } from './cloud'
import { DomainError } from './handler'
import { orderView, type OrderDoc } from './orders'
import { notifyBuyer } from './notifications'
import { finishStockReturns, resubmitDueRefunds } from './refunds'
import { readStoreSettings } from './settings'
import { wechatOpenApi } from './wechat-open-api'
import { assertTransition } from '../domain/order'
import type { AdminOrderView, AfterSaleOrderView, OrderStatus, RefundLine, RefundState, RefundView, ShippingInfo } from '../typings/orders'

type Db = ReturnType<CloudApp['database']>

/** A refund as stored on its order (`refunds[]`, oldest first). */
export interface RefundRecord {
  outRefundNo: string
  /** The buyer's client request id: a retried request answers this refund. */
  requestId: string
  state: RefundState
  lines: RefundLine[]
  shippingFen: number
  refundFen: number
  reason: string
  full: boolean
  restock: boolean | null
  from: OrderStatus
  requestedAt: Date
  decidedAt: Date | null
  succeededAt: Date | null
  /** WeChat Pay's refund id, from the notification. */
  refundId?: string
  rejectReason?: string
}

/** The after-sale fields of an order (absent on orders that never got this far). */
export interface AfterSaleFields {
  shippedAt?: Date | null
  completedAt?: Date | null
  completedBy?: 'buyer' | 'auto'
  shipping?: (ShippingInfo & { uploadedAt?: Date; attempts?: number; lastError?: string }) | null
  /** True until WeChat has accepted the shipping upload (the timer retries). */
  shippingUploadDue?: boolean
  refundedFen?: number
  refunds?: RefundRecord[]
  /** True while an approved refund has not been accepted by WeChat Pay (the timer resubmits it). */
  refundDue?: boolean
  /** outRefundNos whose goods are to go back to stock and have not yet (the timer finishes them). */
  stockReturnsDue?: string[]
  /** Subscribe messages sent about this order, by kind (and refund). */
  notices?: Record<string, Date>
  /** Revision of the after-sale state: every after-sale write is conditional on it and increments it. */
  rev?: number
}

export type AfterSaleOrder = OrderDoc & AfterSaleFields

const epoch = (value: Date | string | number | null | undefined): number | null => (value === null || value === undefined ? null : new Date(value).getTime())

export function refundView(r: RefundRecord): RefundView {
  return {
    outRefundNo: r.outRefundNo,
    state: r.state,
    lines: r.lines,
    shippingFen: r.shippingFen,
    refundFen: r.refundFen,
    reason: r.reason,
    full: r.full,
    restock: r.restock,
    from: r.from,
    requestedAt: epoch(r.requestedAt) ?? 0,
    decidedAt: epoch(r.decidedAt),
    succeededAt: epoch(r.succeededAt),
    ...(r.rejectReason ? { rejectReason: r.rejectReason } : {}),
  }
}

/** What the buyer sees of an order after the sale. */
export function afterSaleView(doc: AfterSaleOrder): AfterSaleOrderView {
  return {
    ...orderView(doc),
    shippedAt: epoch(doc.shippedAt),
    completedAt: epoch(doc.completedAt),
    shipping: doc.shipping ? { carrier: doc.shipping.carrier, trackingNo: doc.shipping.trackingNo, uploaded: doc.shipping.uploaded } : null,
    refundedFen: doc.refundedFen ?? 0,
    refunds: (doc.refunds ?? []).map(refundView),
  }
}

export function adminView(doc: AfterSaleOrder, buyerNickname: string | null): AdminOrderView {
  return { ...afterSaleView(doc), buyerOpenid: doc._openid, buyerNickname, sellerId: doc.sellerId }
}

/**
 * The owner's views of these orders with their buyers' nicknames, read from the buyers'
 * profiles (`customers/<openid>`) in one `_.in` query by id whatever the page holds.
 */
export async function adminViews(db: Db, docs: readonly AfterSaleOrder[]): Promise<AdminOrderView[]> {
  const buyers = [...new Set(docs.map((d) => d._openid))]
  const names = new Map<string, string>()
  if (buyers.length > 0) {
    const { data } = await db.collection('customers').where({ _id: db.command.in(buyers) }).limit(buyers.length).field({ nickname: true }).get()
    for (const c of data as Array<{ _id: string; nickname?: unknown }>) if (typeof c.nickname === 'string' && c.nickname !== '') names.set(c._id, c.nickname)
  }
  return docs.map((d) => adminView(d, names.get(d._openid) ?? null))
}

/** One order as the owner sees it (adminViews). */
export async function adminViewOf(db: Db, doc: AfterSaleOrder): Promise<AdminOrderView> {
  return (await adminViews(db, [doc]))[0]
}

/** The statuses the owner's hub counts by default: to ship, and refunds to decide. */
export const WORK_QUEUES: readonly OrderStatus[] = ['paid', 'refund_requested']

/** How many orders are in each status now: one count() per status on the `status_createdAt_id` index's prefix. */
export async function countByStatus(db: Db, statuses: readonly OrderStatus[]): Promise<Partial<Record<OrderStatus, number>>> {
  const wanted = [...new Set(statuses)]
  const totals = await Promise.all(wanted.map((status) => db.collection('orders').where({ status }).count()))
  return Object.fromEntries(wanted.map((status, i) => [status, totals[i].total])) as Partial<Record<OrderStatus, number>>
}

export async function readOrder(db: Db, orderId: string): Promise<AfterSaleOrder | undefined> {
  const { data } = await db.collection('orders').doc(orderId).get()
  return (data as AfterSaleOrder[])[0]
}

/** The caller's own order, or ORDER_NOT_FOUND (another buyer's order is not visible). */
export async function buyersOrder(db: Db, openid: string, orderId: string): Promise<AfterSaleOrder> {
  const order = await readOrder(db, orderId)
  if (!order || order._openid !== openid) throw new DomainError('ORDER_NOT_FOUND', `no order ${orderId}`)
  return order
}

export async function anyOrder(db: Db, orderId: string): Promise<AfterSaleOrder> {
  const order = await readOrder(db, orderId)
  if (!order) throw new DomainError('ORDER_NOT_FOUND', `no order ${orderId}`)
  return order
}

/** INVALID_TRANSITION unless the transition table allows the move. */
export function assertMove(order: Pick<OrderDoc, '_id' | 'status'>, to: OrderStatus): void {
  try {
    assertTransition(order.status, to)
  } catch {
    throw new DomainError('INVALID_TRANSITION', `order ${order._id} cannot go from ${order.status} to ${to}`)
  }
}

/** The filter of a conditional write on the order as it was read: same status, same after-sale revision. */
export function unchanged(db: Db, order: AfterSaleOrder): Record<string, unknown> {
  return { _id: order._id, status: order.status, rev: order.rev === undefined ? db.command.exists(false) : order.rev }
}

/**
 * Writes `update` (with the next revision) only if the order is still as it was read; CONFLICT
 * otherwise (another change won the race). Answers the order as written.
 */
export async function writeIfUnchanged(db: Db, order: AfterSaleOrder, update: Record<string, unknown>): Promise<AfterSaleOrder> {
  const { updated } = await db.collection('orders').where(unchanged(db, order)).update({ ...update, rev: (order.rev ?? 0) + 1 })
  if (updated !== 1) throw new DomainError('CONFLICT', `order ${order._id} changed meanwhile; read it again`)
  return (await readOrder(db, order._id))!
}

// ---- the buyer ----

/** My shipped order arrived: completed, once (a repeat answers the completed order). */
export async function confirmReceipt(db: Db, openid: string, orderId: string): Promise<AfterSaleOrder> {
  const order = await buyersOrder(db, openid, orderId)
  if (order.status === 'completed') return order
  assertMove(order, 'completed')
  return writeIfUnchanged(db, order, { status: 'completed', completedAt: new Date(), completedBy: 'buyer' })
}

// ---- the owner's desk ----

const LIST_MAX = 50

/** Where a page of orders by time stopped: the last order's time (epoch ms) and id. */
export interface ListCursor {
  t: number
  id: string
}

/** An order list's opaque cursor (the owner's desk, the buyer's list). */
export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id])).toString('base64url')
}

/** The position a cursor from encodeCursor holds; INVALID_INPUT for anything else. */
export function decodeCursor(cursor: string): ListCursor {
  try {
    const [t, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    if (typeof t === 'number' && Number.isFinite(t) && typeof id === 'string' && id.length <= 64) return { t, id }
  } catch {
    // fall through
  }
  throw new DomainError('INVALID_INPUT', 'the cursor is not one this list gave')
}

/**
 * Orders of one status, oldest first (a work queue: paid = to ship, refund_requested = to
 * decide), by cursor on the index `status, createdAt, _id`: after (t, id) come the rest of time
 * t with a greater id, then later times, each an equality prefix and one range in index order.
 */
export async function listForOwner(db: Db, status: OrderStatus, cursor: string | undefined, pageSize: number): Promise<{ orders: AdminOrderView[]; nextCursor: string | null }> {
  const _ = db.command
  const size = Math.min(pageSize, LIST_MAX)
  const out: AfterSaleOrder[] = []
  const orders = db.collection('orders')
  let after: ListCursor | undefined = cursor ? decodeCursor(cursor) : undefined
  if (after) {
    const { data } = await orders.where({ status, createdAt: new Date(after.t), _id: _.gt(after.id) }).orderBy('createdAt', 'asc').orderBy('_id', 'asc').limit(size + 1).get()
    out.push(...(data as AfterSaleOrder[]))
  }
  if (out.length <= size) {
    const { data } = await orders
      .where({ status, ...(after ? { createdAt: _.gt(new Date(after.t)) } : {}) })
      .orderBy('createdAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(size + 1 - out.length)
      .get()
    out.push(...(data as AfterSaleOrder[]))
  }
  const page = out.slice(0, size)
  const last = page[page.length - 1]
  after = last ? { t: new Date(last.createdAt).getTime(), id: last._id } : undefined
  return { orders: await adminViews(db, page), nextCursor: out.length > size && after ? encodeCursor(after) : null }
}

/** RFC 3339 in China time, as upload_time wants it. */
function rfc3339China(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00')
}

/**
 * Uploads the order's shipping to WeChat (发货信息录入) and records that WeChat accepted it.
 * A failure is recorded and left for the timer; it never changes the order's status.
 */
export async function uploadShipping(db: Db, order: AfterSaleOrder): Promise<boolean> {
  const _ = db.command
  if (!order.shipping || !order.transactionId) return false
  try {
    await wechatOpenApi().uploadShippingInfo({
      orderKey: { orderNumberType: 2, transactionId: order.transactionId },
      logisticsType: 1,
      deliveryMode: 1,
      shippingList: [{ trackingNo: order.shipping.trackingNo, expressCompany: order.shipping.carrier, itemDesc: order.lines.map((l) => `${l.name}*${l.quantity}`).join('、').slice(0, 120) }],
      uploadTime: rfc3339China(new Date()),
      payer: { openid: order._openid },
    })
  } catch (err) {
    console.warn(`shipping upload of ${order._id} failed; the timer retries it: ${String((err as Error)?.message ?? err)}`)
    await db.collection('orders').where({ _id: order._id, shippingUploadDue: true }).update({ 'shipping.attempts': _.inc(1), 'shipping.lastError': String((err as Error)?.message ?? err).slice(0, 200) })
    return false
  }
  await db.collection('orders').where({ _id: order._id, shippingUploadDue: true }).update({ shippingUploadDue: false, 'shipping.uploaded': true, 'shipping.uploadedAt': new Date() })
  return true
}

/**
 * Ships a paid order: shipped with `shippedAt` and the carrier and tracking number, then the
 * upload to WeChat and the buyer's message (neither can undo the shipping). Shipping it again
 * with the same parcel answers the shipped order; another parcel is INVALID_TRANSITION.
 */
export async function shipOrder(db: Db, orderId: string, carrier: string, trackingNo: string): Promise<AfterSaleOrder> {
  const order = await anyOrder(db, orderId)
  if (order.status === 'shipped' && order.shipping?.carrier === carrier && order.shipping.trackingNo === trackingNo) {
    if (order.shippingUploadDue) await uploadShipping(db, order)
    return (await readOrder(db, orderId))!
  }
  assertMove(order, 'shipped')
  const at = new Date()
  const shipped = await writeIfUnchanged(db, order, { status: 'shipped', shippedAt: at, shipping: { carrier, trackingNo, uploaded: false, attempts: 0 }, shippingUploadDue: true })
  await uploadShipping(db, shipped)
  await notifyBuyer(db, shipped, 'shipped', { carrier, trackingNo, at })
  return (await readOrder(db, orderId))!
}

// ---- the timer ----

const TIMER_BATCH = 100
const DAY_MS = 24 * 3600_000

/** Shipped orders the buyer has not confirmed `autoCompleteDays` after shipping are completed (conditional on still being shipped). */
export async function autoCompleteOrders(db: Db, now: Date): Promise<number> {
  const _ = db.command
  const { autoCompleteDays } = await readStoreSettings(db)
  const cutoff = new Date(now.getTime() - autoCompleteDays * DAY_MS)
  const { data } = await db.collection('orders').where({ status: 'shipped', shippedAt: _.lte(cutoff) }).orderBy('shippedAt', 'asc').limit(TIMER_BATCH).get()
  let completed = 0
  for (const order of data as AfterSaleOrder[]) {
    assertTransition(order.status, 'completed')
    const { updated } = await db
      .collection('orders')
      .where({ _id: order._id, status: 'shipped', shippedAt: _.lte(cutoff) })
      .update({ status: 'completed', completedAt: now, completedBy: 'auto', rev: _.inc(1) })
    completed += updated
  }
  return completed
}

/** Shipping uploads WeChat has not accepted yet, retried. */
export async function retryShippingUploads(db: Db): Promise<number> {
  const { data } = await db.collection('orders').where({ shippingUploadDue: true }).limit(TIMER_BATCH).get()
  let uploaded = 0
  for (const order of data as AfterSaleOrder[]) if (await uploadShipping(db, order)) uploaded++
  return uploaded
}

/** The after-sale part of the orders timer: each step is idempotent, so overlapping runs are harmless. */
export async function runAfterSaleTimer(db: Db): Promise<{ completed: number; uploaded: number; refundsSubmitted: number; stockReturned: number }> {
  const now = new Date()
  return {
    completed: await autoCompleteOrders(db, now),
    uploaded: await retryShippingUploads(db),
    refundsSubmitted: await resubmitDueRefunds(db),
    stockReturned: await finishStockReturns(db),
  }
}
