import type { TestCloud } from '../helpers/local-cloud'
import { confirmPayment, createAndPay, ordersAs, storedOrder } from './helpers'
import { customerValueFromOrders } from '../../domain/value'

/** The owner the after-sale tests configure (OWNER_OPENIDS is read by the functions' workers at start). */
export const OWNER = 'o-as-owner'
export const TEMPLATES = { paid: 'tmpl-paid-1', shipped: 'tmpl-shipped-1', refunded: 'tmpl-refunded-1' }

/** Owner and subscribe templates, set before the local cloud starts (workers inherit the environment). */
export function configureAfterSale(): void {
  process.env.OWNER_OPENIDS = OWNER
  process.env.SUBSCRIBE_TEMPLATE_PAID = TEMPLATES.paid
  process.env.SUBSCRIBE_TEMPLATE_SHIPPED = TEMPLATES.shipped
  process.env.SUBSCRIBE_TEMPLATE_REFUNDED = TEMPLATES.refunded
}

export const owner = (t: TestCloud) => ordersAs(t, OWNER)

/** An order created, paid through the simulated WeChat Pay and settled by payCallback. */
export async function paidOrder(t: TestCloud, openid: string, lines: Array<{ skuId: string; quantity: number }>): Promise<any> {
  const { order } = await createAndPay(t, openid, lines)
  const confirmed = await confirmPayment(t, order._id)
  if (!confirmed.delivered) throw new Error('payment notification not delivered')
  return storedOrder(t, order._id)
}

export async function ok<T = any>(p: Promise<{ ok: boolean; data?: any; code?: string; message?: string }>): Promise<T> {
  const res = await p
  if (!res.ok) throw new Error(`expected ok, got ${res.code}: ${res.message}`)
  return res.data as T
}

export async function outbox(t: TestCloud, api?: string): Promise<Array<{ api: string; request: any; errcode: number }>> {
  const res = await fetch(`${t.url}/_local/wechat/outbox${api ? `?api=${encodeURIComponent(api)}` : ''}`)
  return ((await res.json()) as { entries: any[] }).entries
}

export async function failNextWeChat(t: TestCloud, api: string, count: number, errcode = -1): Promise<void> {
  await fetch(`${t.url}/_local/wechat/failures`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api, count, errcode }) })
}

export async function payControl(t: TestCloud, api: string, body: unknown): Promise<any> {
  const res = await fetch(`${t.url}/_local/pay/${api}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`pay ${api}: HTTP ${res.status} ${await res.text()}`)
  return res.json()
}

export const runTimer = (t: TestCloud) => t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: new Date().toISOString(), Message: '' }, { source: 'wx_trigger' }) as Promise<any>

/** Polls until `check` holds on the stored order (refund notifications arrive asynchronously, as WeChat's do). */
export async function waitForOrder(t: TestCloud, orderId: string, check: (order: any) => boolean): Promise<any> {
  for (let i = 0; i < 400; i++) {
    const order = await storedOrder(t, orderId)
    if (check(order)) return order
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`order ${orderId} never reached the expected state: ${JSON.stringify(await storedOrder(t, orderId))}`)
}

/** The customer's recorded value equals the recompute from their stored orders. */
export async function valueFromStoredOrders(t: TestCloud, openid: string) {
  const { data } = await t.db.collection('orders').where({ _openid: openid }).limit(1000).get()
  const paid = (data as any[]).filter((o) => o.paidAt && o.status !== 'cancelled')
  return customerValueFromOrders(openid, paid.map((o) => ({ paidAt: o.paidAt, totalFen: o.totalFen, refundedFen: o.refundedFen ?? 0, fullyRefunded: o.status === 'refunded' })))
}

/** A SKU's stock counters (a product without specs has one SKU with its own id). */
export const product = async (t: TestCloud, id: string): Promise<any> => (await t.db.collection('skus').doc(id).get()).data[0]
export const seller = async (t: TestCloud, id: string): Promise<any> => (await t.db.collection('sellers').doc(id).get()).data[0]
