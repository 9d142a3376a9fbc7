/**
 * The paid transition, shared by the payment callback and the orders timer: in ONE transaction
 * the order becomes paid and the purchase is recorded on the customer (value statistics and
 * score) and on the order's seller; a payment for a cancelled order is refunded.
 */
import { cloudApp } from './cloud'
import { notifyBuyer } from './notifications'
import { creditCommission } from './commission'
import { moveHoldsToSold, type OrderDoc } from './orders'
import { nonceStr, paySucceeded, paymentGateway, subMchId } from './payment'
import { assertTransition } from '../domain/order'
import { buildValueModel, dayNumber, recordPurchaseDay, scoreCustomer, storeDayOf } from '../domain/value'
import type { CustomerStats, ValueModel } from '../typings/value'

/** What settling a payment needs to know of it, checked beforehand (source, result codes, currency). */
export interface PaymentNotice {
  outTradeNo: string
  totalFee: number
  transactionId: string
}

export interface PayCallbackAnswer {
  errcode: number
  errmsg: string
}

/** Codes of refusals: WeChat retries a non-zero answer, so forgeries just keep failing, and change nothing. */
export const REFUSED = { source: 1001, fields: 1002, failure: 1003, order: 1004, amount: 1005, transient: 1500 } as const

interface CustomerDoc {
  _id: string
  stats?: CustomerStats | null
  sellerId?: string
}

export const answer = (errcode: number, errmsg: string): PayCallbackAnswer => ({ errcode, errmsg })

/** How long a warm instance reuses the store's value model; the owner refits it nightly. */
const MODEL_TTL_MS = 60_000
let cachedModel: { model: ValueModel; day: string; readAt: number } | undefined

/** The store's value model (settings/valueModel, refitted by the owner's timer), or the cold-start model (kept as long, it depends only on the day). */
export async function storeValueModel(today: string): Promise<ValueModel> {
  const now = Date.now()
  if (!cachedModel || cachedModel.day !== today || now - cachedModel.readAt > MODEL_TTL_MS || now < cachedModel.readAt) {
    const { data } = await cloudApp().database().collection('settings').doc('valueModel').get()
    cachedModel = { model: (data as Array<{ model?: ValueModel }>)[0]?.model ?? buildValueModel([], today), day: today, readAt: now }
  }
  return cachedModel.model
}

type Outcome = { kind: 'paid'; order: OrderDoc } | { kind: 'duplicate'; order: OrderDoc } | { kind: 'refund'; order: OrderDoc } | { kind: 'refused'; errcode: number; errmsg: string }

export const isConflict = (err: unknown) => typeof err === 'object' && err !== null && String((err as { code?: unknown }).code ?? '') === 'DATABASE_TRANSACTION_CONFLICT'

/** Transaction attempts per delivery; between attempts a jittered backoff, so concurrent payments on a hot seller do not spin. */
const TRANSACTION_ATTEMPTS = 40

/**
 * The paid transition with everything it implies, as one transaction of document operations:
 * order -> paid, the buyer's statistics and score, the seller's commission entry (the reserved stock
 * then becomes sold by moveHeldToSold, conditional on the order's hold). A conflict with a
 * concurrent delivery reruns it after a short random wait; the rerun reads the order paid and stops.
 */
async function recordPaidOrder(note: PaymentNotice, model: ValueModel): Promise<Outcome> {
  const db = cloudApp().database()
  for (let attempt = 1; ; attempt++) {
    try {
      // times = 0: one attempt; the retry with backoff is here
      return await db.runTransaction((t: any) => paidTransition(t, db, note, model), 0)
    } catch (err) {
      if (!isConflict(err) || attempt >= TRANSACTION_ATTEMPTS) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)))
    }
  }
}

async function paidTransition(t: any, db: any, note: PaymentNotice, model: ValueModel): Promise<Outcome> {
  const _ = db.command
  const order = (await t.collection('orders').doc(note.outTradeNo).get()).data as OrderDoc | null | undefined
  if (!order) return { kind: 'refused', errcode: REFUSED.order, errmsg: 'unknown order' }
  if (note.totalFee !== order.totalFen) return { kind: 'refused', errcode: REFUSED.amount, errmsg: 'amount does not match the order' }
  if (order.transactionId === note.transactionId || order.lateRefund?.transactionId === note.transactionId) return { kind: 'duplicate', order }
  if (order.status === 'cancelled') return { kind: 'refund', order }
  if (order.status !== 'pending_payment') return { kind: 'refused', errcode: REFUSED.order, errmsg: `order is ${order.status} with another payment` }
  assertTransition(order.status, 'paid')
  const paidAt = new Date()
  const day = storeDayOf(paidAt, model.timeZone)
  // The order stops counting as holding stock here; its SKUs' holds become sold right after the
  // transaction (moveHoldsToSold), and a move a crash interrupts is finished by a redelivery or
  // by the expiry timer's sweep of old holds whose order is paid. One write fewer per purchase.
  await t.collection('orders').doc(order._id).update({ status: 'paid', paidAt, transactionId: note.transactionId, stockHeld: false })
  const customer = (await t.collection('customers').doc(order._openid).get()).data as CustomerDoc | null | undefined
  const previous = customer?.stats ?? null
  // Payments are recorded on the store day they are processed, which never goes back, so the
  // incremental update applies (a payment processed on an earlier day than the last, across midnight, counts on that last day).
  const recordDay = previous && dayNumber(previous.lastPurchaseDay) > dayNumber(day) ? previous.lastPurchaseDay : day
  const stats = recordPurchaseDay(previous, order._openid, recordDay, order.totalFen)
  const score = scoreCustomer(stats, model, day)
  const purchase = { stats, score, paidOrders: _.inc(1), spendFen: _.inc(order.totalFen), lastPaidAt: paidAt }
  if (customer) await t.collection('customers').doc(order._openid).update(purchase)
  else await t.collection('customers').doc(order._openid).set({ stats, score, paidOrders: 1, spendFen: order.totalFen, lastPaidAt: paidAt, createdAt: paidAt })
  // The attribution is the order itself (its sellerId, snapshotted at creation, now paid); the
  // commission credit is its own entry. The seller's document is hot (all its customers pay
  // concurrently) and is not written here: the seller's totals are summed from these records.
  if (order.sellerId) await creditCommission(t, db, order, paidAt)
  return { kind: 'paid', order }
}

/**
 * A payment that arrives for an order already cancelled (its stock is gone back to the shelf)
 * is refunded in full. The refund number derives from outTradeNo, so WeChat refunds it once
 * however often this runs; the order records it once the refund is accepted.
 */
async function refundLatePayment(order: OrderDoc, note: PaymentNotice): Promise<PayCallbackAnswer> {
  const outRefundNo = `r${order._id}`.slice(0, 32)
  const result = await paymentGateway().refund({
    subMchId: subMchId(),
    nonceStr: nonceStr(),
    outTradeNo: order._id,
    outRefundNo,
    totalFee: note.totalFee,
    refundFee: note.totalFee,
    refundDesc: 'order cancelled before payment arrived',
  })
  if (!paySucceeded(result)) return answer(REFUSED.transient, `refund failed: ${result.errCode ?? result.returnMsg ?? 'unknown'}`)
  await cloudApp()
    .database()
    .collection('orders')
    .where({ _id: order._id, status: 'cancelled' })
    .update({ lateRefund: { outRefundNo, refundFee: note.totalFee, transactionId: note.transactionId } })
  return answer(0, 'OK')
}


/**
 * Settles one successful payment (from WeChat's notification, or from queryOrder when the
 * notification never came): the paid transition with the purchase recorded, or, for an order
 * already cancelled, a full refund. Idempotent on outTradeNo and transactionId. Answers
 * `{errcode: 0}` when the payment is settled (now or before), non-zero otherwise.
 */
export async function settlePayment(note: PaymentNotice, label = 'payment'): Promise<PayCallbackAnswer> {
  try {
    const model = await storeValueModel(storeDayOf(new Date()))
    const outcome = await recordPaidOrder(note, model)
    switch (outcome.kind) {
      case 'paid':
      case 'duplicate':
        // a delivery after a crash between the transaction and the move finishes the move
        // (a duplicate tries too: each line's move is conditional on its hold, so a finished one is a no-op)
        if (outcome.order.status !== 'cancelled') await moveHoldsToSold(cloudApp().database(), outcome.order)
        // the buyer's "paid" message, if they consented; it never fails the payment
        if (outcome.kind === 'paid') await notifyBuyer(cloudApp().database(), outcome.order, 'paid')
        return answer(0, 'OK')
      case 'refund':
        return await refundLatePayment(outcome.order, note)
      case 'refused':
        console.warn(`[${label}] refused ${note.outTradeNo}: ${outcome.errmsg}`)
        return answer(outcome.errcode, outcome.errmsg)
    }
  } catch (err) {
    console.error(`[${label}] ${note.outTradeNo} failed; to be retried`, err)
    return answer(REFUSED.transient, 'temporary failure')
  }
}
