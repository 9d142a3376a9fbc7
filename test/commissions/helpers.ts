import type { TestCloud } from '../helpers/local-cloud'
import { confirmPayment, createAndPay, storedOrder } from '../orders/helpers'
import { makeSeller, openShare } from '../referral/helpers'
import type { ApiResult } from '../../typings/api'

/** Calls a `commissions` action as `openid` (none: an identityless call). */
export function commissionsAs(t: TestCloud, openid?: string) {
  return <T = any>(action: string, data: unknown = {}) => t.invoke('commissions', { action, data }, openid ? { openid } : {}) as Promise<ApiResult<T>>
}

/** The maturing timer as the platform fires it. */
export const runTimer = (t: TestCloud) => t.invoke('commissions', { Type: 'Timer', TriggerName: 'matureCommissions', Time: new Date().toISOString(), Message: '' }, { source: 'wx_trigger' }) as Promise<any>

/**
 * The store's commission terms. The settings screen is another part of the work; until then the
 * tests write `settings/store` directly through the SDK (backend/settings.ts reads it field by field).
 */
export async function setTerms(t: TestCloud, commission: { rateBps: number; coolingOffDays: number }): Promise<void> {
  await t.db.collection('settings').doc('store').set({ commission })
}

let sellers = 0
/** A fresh active seller and a buyer bound to them through an opened share card. */
export async function sellerWithBuyer(t: TestCloud, label: string): Promise<{ seller: { sellerId: string; code: string; openid: string }; buyer: string }> {
  const seller = await makeSeller(t, `o-seller-${label}-${++sellers}`, `Seller ${label}`)
  const buyer = `o-buyer-${label}-${sellers}`
  const opened = await openShare(t, buyer, seller.code)
  if (!opened.ok || !(opened.data as { bound: boolean }).bound) throw new Error(`binding ${buyer} failed`)
  return { seller, buyer }
}

/** A paid order of `buyer` (created, then paid through the simulated WeChat Pay). */
export async function paidOrder(t: TestCloud, buyer: string, lines: Array<{ skuId: string; quantity: number }>): Promise<any> {
  const { order } = await createAndPay(t, buyer, lines)
  const confirmed = await confirmPayment(t, order._id)
  if (confirmed.state !== 'SUCCESS') throw new Error(`payment of ${order._id} failed`)
  return storedOrder(t, order._id)
}

/**
 * Completes an order now on the local clock. Confirm receipt is another engineer's work; until
 * it lands the tests set the order completed by a direct database update through the SDK, as
 * that work will (status `completed`, `completedAt`).
 */
export async function completeOrder(t: TestCloud, orderId: string, at = t.cloud.clock.now()): Promise<void> {
  await t.db.collection('orders').doc(orderId).update({ status: 'completed', completedAt: new Date(at) })
}

/**
 * The seller's account as the owner sees it through `commissions.summary` (the counters stored on
 * the seller document plus the seller's pending entries: the paid transition never writes the
 * seller document).
 */
export async function sellerAccount(t: TestCloud, sellerId: string): Promise<Record<string, number>> {
  const owner = (process.env.OWNER_OPENIDS ?? '').split(',')[0] // the owner the test file configured
  const answer: any = await commissionsAs(t, owner)('summary', { sellerId })
  if (!answer.ok) throw new Error(`summary of ${sellerId}: ${JSON.stringify(answer)}`)
  const { creditedFen, pendingFen, balanceFen, requestedFen, withdrawnFen, reversedFen } = answer.data.summary
  return { creditedFen, pendingFen, balanceFen, requestedFen, withdrawnFen, reversedFen }
}

export async function entryOf(t: TestCloud, orderId: string): Promise<any> {
  return (await t.db.collection('commissions').doc(`c_${orderId}`).get()).data[0]
}

/** All documents of a collection matching `filter` (test data stays far below the page limits). */
async function all(t: TestCloud, collection: string, filter: Record<string, unknown>): Promise<any[]> {
  return (await t.db.collection(collection).where(filter).limit(1000).get()).data
}

/**
 * The seller's counters agree with the ledger itself: credited = sum of credits, pending = what
 * pending entries keep, reversed = what refunds took, requested/withdrawn = open/paid requests,
 * and the balance is what matured entries keep minus requests made and not rejected.
 */
export async function expectLedgerConsistent(t: TestCloud, sellerId: string): Promise<Record<string, number>> {
  const [account, entries, withdrawals] = await Promise.all([sellerAccount(t, sellerId), all(t, 'commissions', { sellerId }), all(t, 'commissionWithdrawals', { sellerId })])
  const sum = (xs: any[], f: (x: any) => number) => xs.reduce((s, x) => s + f(x), 0)
  const kept = (e: any) => e.amountFen - e.reversedFen
  const requested = sum(withdrawals.filter((w) => w.status === 'requested'), (w) => w.amountFen)
  const withdrawn = sum(withdrawals.filter((w) => w.status === 'paid'), (w) => w.amountFen)
  // reversals of matured money come out of the balance
  const reversedAfterMaturing = sum(entries, (e) => sum(e.refunds.filter((r: any) => r.from === 'withdrawable'), (r: any) => r.reversedFen))
  const matured = sum(entries.filter((e) => e.maturedAt), (e) => e.amountFen - sum(e.refunds.filter((r: any) => r.from === 'pending'), (r: any) => r.reversedFen))
  expect(account).toEqual({
    creditedFen: sum(entries, (e) => e.amountFen),
    pendingFen: sum(entries.filter((e) => e.status === 'pending'), kept),
    balanceFen: matured - reversedAfterMaturing - requested - withdrawn,
    requestedFen: requested,
    withdrawnFen: withdrawn,
    reversedFen: sum(entries, (e) => e.reversedFen),
  })
  return account
}
