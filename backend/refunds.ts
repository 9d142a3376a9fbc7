/**
 * Refunds: the buyer asks (whole order or chosen lines), may withdraw; the owner approves
 * (goods back to stock or not) or rejects. Approval asks WeChat Pay to refund through the
 * payment adapter, under a refund number fixed at the request (`<orderId>-R<n>`), so a retry
 * never refunds twice. The refund is final only on WeChat's refund notification
 * (`refundCallback` -> settleRefund): in ONE transaction the refund is recorded, the order moves
 * on, the buyer's value statistics are recomputed from their orders and rescored, and the
 * order's credits are reversed (reverseOrderCredits); then the goods go back to stock
 * (returnStock), exactly once.
 */
import { cloudApp, type CloudApp } from './cloud'
import { reverseCommission } from './commission'
import { DomainError } from './handler'
import { notifyBuyer } from './notifications'
import { answer, isConflict, storeValueModel, type PayCallbackAnswer } from './paid-order'
import { nonceStr, payEnvId, paySucceeded, paymentGateway, subMchId } from './payment'
import { anyOrder, assertMove, buyersOrder, readOrder, writeIfUnchanged, type AfterSaleOrder, type RefundRecord } from './after-sale'
import { returnSoldStock } from './orders'
import { assertTransition, quoteRefund, RefundError } from '../domain/order'
import { customerValueFromOrders, scoreCustomer, storeDayOf } from '../domain/value'
import type { RefundLineRequest } from '../typings/orders'
import type { ValueModel } from '../typings/value'

type Db = ReturnType<CloudApp['database']>

/** The function WeChat Pay notifies of refunds (named in every refund request). */
export const REFUND_CALLBACK_FUNCTION = 'refundCallback'

/** The refund in progress on an order (requested or approved), if any. */
export function currentRefund(order: AfterSaleOrder): { refund: RefundRecord; index: number } | undefined {
  const refunds = order.refunds ?? []
  const index = refunds.length - 1
  const refund = refunds[index]
  return refund && (refund.state === 'requested' || refund.state === 'approved') ? { refund, index } : undefined
}

const replaced = (refunds: readonly RefundRecord[], index: number, refund: RefundRecord): RefundRecord[] => refunds.map((r, i) => (i === index ? refund : r))

// ---- the buyer ----

/**
 * Asks for a refund of my order: the amount comes from the order's lines (domain quoteRefund);
 * the order goes to refund_requested remembering where it came from. A retry with the same
 * client request id answers the same refund.
 */
export async function requestRefund(db: Db, openid: string, orderId: string, requestId: string, reason: string, lines: RefundLineRequest[] | undefined): Promise<{ order: AfterSaleOrder; refund: RefundRecord }> {
  const order = await buyersOrder(db, openid, orderId)
  const previous = (order.refunds ?? []).find((r) => r.requestId === requestId)
  if (previous) return { order, refund: previous }
  assertMove(order, 'refund_requested')
  let quote
  try {
    quote = quoteRefund({ status: order.status, lines: order.lines, shippingFen: order.shippingFen, totalFen: order.totalFen, refunds: order.refunds ?? [], shippedAt: order.shippedAt }, lines)
  } catch (err) {
    if (err instanceof RefundError) throw new DomainError(err.code, err.message, err.skuId ? { skuId: err.skuId } : undefined)
    throw err
  }
  const refunds = order.refunds ?? []
  const refund: RefundRecord = {
    outRefundNo: `${order._id}-R${refunds.length + 1}`,
    requestId,
    state: 'requested',
    ...quote,
    reason,
    restock: null,
    from: order.status,
    requestedAt: new Date(),
    decidedAt: null,
    succeededAt: null,
  }
  try {
    return { order: await writeIfUnchanged(db, order, { status: 'refund_requested', refunds: [...refunds, refund] }), refund }
  } catch (err) {
    // a concurrent retry of the same request won: answer its refund
    const now = await readOrder(db, orderId)
    const same = now?.refunds?.find((r) => r.requestId === requestId)
    if (err instanceof DomainError && now && same) return { order: now, refund: same }
    throw err
  }
}

/** Withdraws my refund request before the owner decides: the order goes back to where it came from. */
export async function withdrawRefund(db: Db, openid: string, orderId: string): Promise<AfterSaleOrder> {
  const order = await buyersOrder(db, openid, orderId)
  const current = currentRefund(order)
  if (order.status !== 'refund_requested' || !current || current.refund.state !== 'requested') throw new DomainError('INVALID_TRANSITION', `order ${orderId} has no refund request waiting for a decision`)
  assertMove(order, current.refund.from)
  return writeIfUnchanged(db, order, { status: current.refund.from, refunds: replaced(order.refunds!, current.index, { ...current.refund, state: 'withdrawn', decidedAt: new Date() }) })
}

// ---- the owner ----

/** Owner: rejects the waiting request; the order goes back to where it came from. */
export async function rejectRefund(db: Db, orderId: string, reason: string | undefined): Promise<AfterSaleOrder> {
  const order = await anyOrder(db, orderId)
  const current = currentRefund(order)
  if (order.status !== 'refund_requested' || !current || current.refund.state !== 'requested') throw new DomainError('INVALID_TRANSITION', `order ${orderId} has no refund request waiting for a decision`)
  assertMove(order, current.refund.from)
  const rejected: RefundRecord = { ...current.refund, state: 'rejected', decidedAt: new Date(), ...(reason ? { rejectReason: reason } : {}) }
  return writeIfUnchanged(db, order, { status: current.refund.from, refunds: replaced(order.refunds!, current.index, rejected) })
}

/**
 * Owner: approves the waiting request (saying whether the goods come back to stock), then asks
 * WeChat Pay to refund it. `submitted` false means WeChat Pay did not take it now: the approval
 * stands and the orders timer submits it again under the same refund number.
 */
export async function approveRefund(db: Db, orderId: string, restock: boolean): Promise<{ order: AfterSaleOrder; submitted: boolean }> {
  const order = await anyOrder(db, orderId)
  const current = currentRefund(order)
  if (order.status !== 'refund_requested' || !current || current.refund.state !== 'requested') throw new DomainError('INVALID_TRANSITION', `order ${orderId} has no refund request waiting for a decision`)
  const approved: RefundRecord = { ...current.refund, state: 'approved', restock, decidedAt: new Date() }
  const written = await writeIfUnchanged(db, order, { refunds: replaced(order.refunds!, current.index, approved), refundDue: true })
  const submitted = await submitRefund(db, written, approved)
  return { order: (await readOrder(db, orderId))!, submitted }
}

/**
 * Asks WeChat Pay to refund an approved refund (idempotent on outRefundNo: WeChat refunds a
 * number once) and records that it was accepted. False when WeChat Pay could not take it now.
 */
export async function submitRefund(db: Db, order: AfterSaleOrder, refund: RefundRecord): Promise<boolean> {
  try {
    const result = await paymentGateway().refund({
      subMchId: subMchId(),
      nonceStr: nonceStr(),
      outTradeNo: order._id,
      outRefundNo: refund.outRefundNo,
      totalFee: order.totalFen,
      refundFee: refund.refundFen,
      refundDesc: refund.reason.slice(0, 80),
      functionName: REFUND_CALLBACK_FUNCTION,
      envId: payEnvId(),
    })
    if (!paySucceeded(result)) {
      console.warn(`refund ${refund.outRefundNo} not taken: ${result.errCode ?? result.returnMsg ?? 'unknown'}`)
      return false
    }
  } catch (err) {
    console.warn(`refund ${refund.outRefundNo} failed; the timer submits it again`, err)
    return false
  }
  await db.collection('orders').where({ _id: order._id, refundDue: true }).update({ refundDue: false })
  return true
}

/** Timer: approved refunds WeChat Pay has not accepted yet, submitted again under their own numbers. */
export async function resubmitDueRefunds(db: Db): Promise<number> {
  const { data } = await db.collection('orders').where({ refundDue: true }).limit(100).get()
  let submitted = 0
  for (const order of data as AfterSaleOrder[]) {
    const current = currentRefund(order)
    if (current?.refund.state === 'approved' && (await submitRefund(db, order, current.refund))) submitted++
  }
  return submitted
}

// ---- WeChat's refund notification ----

/** What settling a refund needs of WeChat's notification (reqInfo), checked beforehand for source and shape. */
export interface RefundNotice {
  outTradeNo: string
  outRefundNo: string
  refundId: string
  transactionId: string
  totalFee: number
  refundFee: number
  refundStatus: 'SUCCESS' | 'CHANGE' | 'REFUNDCLOSE'
}

/** Codes of refused refund notifications (non-zero, so WeChat retries and a forgery keeps failing). */
export const REFUND_REFUSED = { source: 2001, fields: 2002, order: 2004, amount: 2005, state: 2006, transient: 2500 } as const

type RefundOutcome = { kind: 'refunded'; before: AfterSaleOrder; after: AfterSaleOrder; refund: RefundRecord } | { kind: 'duplicate'; order: AfterSaleOrder; refund: RefundRecord } | { kind: 'refused'; errcode: number; errmsg: string }

/** A read outside the transaction went stale before it started: redo the reads. */
class StaleRead extends Error {}

/** The customer fields every purchase or refund changes: equal before and inside the transaction means the orders read in between are current. */
const customerMark = (c: Record<string, unknown> | null | undefined) => JSON.stringify([c?.paidOrders ?? null, c?.spendFen ?? null, c?.lastPaidAt ? new Date(c.lastPaidAt as string).getTime() : null, c?.valueRev ?? null])

/** Statuses of orders that were paid. */
const PAID_STATUSES = ['paid', 'shipped', 'completed', 'refund_requested', 'refunded']

interface PaidOrderRow {
  _id: string
  status: string
  paidAt: Date
  totalFen: number
  refundedFen?: number
}

async function paidOrdersOf(db: Db, openid: string): Promise<PaidOrderRow[]> {
  const _ = db.command
  const out: PaidOrderRow[] = []
  for (;;) {
    const { data } = await db
      .collection('orders')
      .where({ _openid: openid, status: _.in(PAID_STATUSES) })
      .orderBy('createdAt', 'desc')
      .skip(out.length)
      .limit(1000)
      .field({ _id: true, status: true, paidAt: true, totalFen: true, refundedFen: true })
      .get()
    out.push(...(data as PaidOrderRow[]))
    if (data.length < 1000) return out
  }
}

/**
 * Reverses what the paid transition credited for the part of `order` that `refund` gives back,
 * inside the refund's transaction `t`: the commission on the refunded goods (reverseCommission,
 * once per refund). The attribution itself needs no reversal: it is the order, whose
 * `refundedFen` and status this transaction records (a seller's totals are summed from orders).
 */
export async function reverseOrderCredits(t: any, db: Db, order: AfterSaleOrder, refund: RefundRecord, at: Date): Promise<void> {
  if (!order.sellerId) return
  // the commission on the refunded goods (shipping never earned any), once per refund
  const refundGoodsFen = refund.lines.reduce((sum, line) => sum + line.amountFen, 0)
  await reverseCommission(t, db, { orderId: order._id, refundId: refund.outRefundNo, refundGoodsFen, at })
}

async function refundTransition(t: any, db: Db, note: RefundNotice, orders: PaidOrderRow[], customerBefore: string, model: ValueModel, at: Date): Promise<RefundOutcome> {
  const _ = db.command
  const order = (await t.collection('orders').doc(note.outTradeNo).get()).data as AfterSaleOrder | null | undefined
  if (!order) return { kind: 'refused', errcode: REFUND_REFUSED.order, errmsg: 'unknown order' }
  const refunds = order.refunds ?? []
  const index = refunds.findIndex((r) => r.outRefundNo === note.outRefundNo)
  const refund = refunds[index]
  if (!refund) return { kind: 'refused', errcode: REFUND_REFUSED.order, errmsg: 'unknown refund' }
  if (note.totalFee !== order.totalFen || note.refundFee !== refund.refundFen || (order.transactionId !== null && note.transactionId !== order.transactionId)) {
    return { kind: 'refused', errcode: REFUND_REFUSED.amount, errmsg: 'amount or payment does not match the refund' }
  }
  if (refund.state === 'succeeded') return { kind: 'duplicate', order, refund }
  if (refund.state !== 'approved' || order.status !== 'refund_requested') return { kind: 'refused', errcode: REFUND_REFUSED.state, errmsg: `refund ${refund.outRefundNo} is ${refund.state}, not approved` }
  const to = refund.full ? 'refunded' : refund.from
  assertTransition(order.status, to)
  const customer = (await t.collection('customers').doc(order._openid).get()).data as Record<string, unknown> | null | undefined
  if (customerMark(customer) !== customerBefore) throw new StaleRead()
  const succeeded: RefundRecord = { ...refund, state: 'succeeded', succeededAt: at, refundId: note.refundId }
  const refundedFen = (order.refundedFen ?? 0) + refund.refundFen
  const after: AfterSaleOrder = { ...order, status: to, refunds: replaced(refunds, index, succeeded), refundedFen, refundDue: false, rev: (order.rev ?? 0) + 1 }
  if (refund.restock) after.stockReturnsDue = [...(order.stockReturnsDue ?? []), refund.outRefundNo]
  await t.collection('orders').doc(order._id).update({
    status: after.status,
    refunds: after.refunds,
    refundedFen,
    refundDue: false,
    rev: after.rev,
    ...(refund.restock ? { stockReturnsDue: after.stockReturnsDue } : {}),
    ...(to === 'refunded' ? { refundedAt: at } : {}),
  })
  // the buyer's value: recomputed from their paid orders, this one as it is now
  const facts = orders
    .filter((o) => o._id !== order._id)
    .map((o) => ({ paidAt: o.paidAt, totalFen: o.totalFen, refundedFen: o.refundedFen ?? 0, fullyRefunded: o.status === 'refunded' }))
  facts.push({ paidAt: order.paidAt!, totalFen: order.totalFen, refundedFen, fullyRefunded: to === 'refunded' })
  const value = customerValueFromOrders(order._openid, facts, model.timeZone)
  const today = storeDayOf(at, model.timeZone)
  await t.collection('customers').doc(order._openid).update({
    stats: value.stats ?? _.remove(),
    score: value.stats ? scoreCustomer(value.stats, model, today) : _.remove(),
    spendFen: value.spendFen,
    paidOrders: value.paidOrders,
    refundedOrders: value.refundedOrders,
    valueRev: _.inc(1),
  })
  await reverseOrderCredits(t, db, order, refund, at)
  return { kind: 'refunded', before: order, after, refund: succeeded }
}

const TRANSACTION_ATTEMPTS = 40

/**
 * Settles WeChat's notification of a successful refund, idempotent on outRefundNo: the refund
 * must be one we approved, for the recorded amount on the recorded payment. Answers
 * `{errcode: 0}` once it is settled (now or before), non-zero otherwise (WeChat retries).
 */
export async function settleRefund(note: RefundNotice): Promise<PayCallbackAnswer> {
  const db = cloudApp().database()
  try {
    // pre-check without writing: forged or unknown notifications stop here
    const known = await readOrder(db, note.outTradeNo)
    const refund = known?.refunds?.find((r) => r.outRefundNo === note.outRefundNo)
    if (!known || !refund) return answer(REFUND_REFUSED.order, 'unknown refund')
    if (note.refundStatus !== 'SUCCESS') {
      if (note.totalFee !== known.totalFen || note.refundFee !== refund.refundFen) return answer(REFUND_REFUSED.amount, 'amount does not match the refund')
      // WeChat could not pay it back (closed or abnormal): the same number is submitted again by the timer
      if (refund.state === 'approved') await db.collection('orders').where({ _id: known._id, refundDue: false }).update({ refundDue: true })
      console.warn(`refund ${note.outRefundNo} ended ${note.refundStatus}; submitted again later`)
      return answer(0, 'OK')
    }
    let outcome: RefundOutcome | undefined
    for (let attempt = 1; !outcome; attempt++) {
      const customerBefore = customerMark(((await db.collection('customers').doc(known._openid).get()).data as Array<Record<string, unknown>>)[0])
      const orders = await paidOrdersOf(db, known._openid)
      const at = new Date()
      const model = await storeValueModel(storeDayOf(at))
      try {
        outcome = await db.runTransaction((t: any) => refundTransition(t, db, note, orders, customerBefore, model, at), 0)
      } catch (err) {
        if (!(err instanceof StaleRead || isConflict(err)) || attempt >= TRANSACTION_ATTEMPTS) throw err
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)))
      }
    }
    switch (outcome.kind) {
      case 'refused':
        console.warn(`[refundCallback] refused ${note.outRefundNo}: ${outcome.errmsg}`)
        return answer(outcome.errcode, outcome.errmsg)
      case 'duplicate':
        // a delivery after a crash between the transaction and the stock return finishes it
        if (outcome.order.stockReturnsDue?.includes(outcome.refund.outRefundNo)) await returnStock(db, outcome.order, outcome.refund)
        return answer(0, 'OK')
      case 'refunded':
        if (outcome.refund.restock) await returnStock(db, outcome.after, outcome.refund)
        await notifyBuyer(db, outcome.after, 'refunded', { key: `refunded-${outcome.refund.outRefundNo}`, amountFen: outcome.refund.refundFen })
        return answer(0, 'OK')
    }
  } catch (err) {
    console.error(`[refundCallback] ${note.outRefundNo} failed; to be retried`, err)
    return answer(REFUND_REFUSED.transient, 'temporary failure')
  }
}

// ---- stock ----

/**
 * The refunded units of `refund` go back to stock (sold -> stock) through returnSoldStock, once
 * per line however often this runs (keyed by refund and SKU). Then the order stops owing the
 * return. The one place a refund touches stock.
 */
export async function returnStock(db: Db, order: Pick<AfterSaleOrder, '_id'>, refund: Pick<RefundRecord, 'outRefundNo' | 'lines'>): Promise<void> {
  const _ = db.command
  for (const line of refund.lines) {
    const outcome = await returnSoldStock(db, line.skuId, line.quantity, `${refund.outRefundNo}:${line.skuId}`)
    if (outcome === 'refused') console.warn(`refund ${refund.outRefundNo}: ${line.quantity} of SKU ${line.skuId} could not go back to stock (unknown SKU or fewer sold)`)
  }
  await db.collection('orders').where({ _id: order._id }).update({ stockReturnsDue: _.pull(refund.outRefundNo) })
}

/** Timer: stock returns a crash interrupted, finished. */
export async function finishStockReturns(db: Db): Promise<number> {
  const _ = db.command
  const { data } = await db.collection('orders').where({ stockReturnsDue: _.gt('') }).limit(100).get()
  let finished = 0
  for (const order of data as AfterSaleOrder[]) {
    for (const no of order.stockReturnsDue ?? []) {
      const refund = order.refunds?.find((r) => r.outRefundNo === no)
      if (refund) {
        await returnStock(db, order, refund)
        finished++
      }
    }
  }
  return finished
}
