import type { TestCloud } from '../helpers/local-cloud'
import type { ApiResult } from '../../typings/api'
import type { OrderView, PaymentParams } from '../../typings/orders'

/** Calls an `orders` action as a shopper (identity only from the platform context). */
export function ordersAs(t: TestCloud, openid?: string) {
  return <T = any>(action: string, data: unknown = {}) => t.invoke('orders', { action, data }, openid ? { openid } : {}) as Promise<ApiResult<T>>
}

/** A SKU as stored (`skus/<id>`): where its units are. */
export async function sku(t: TestCloud, id: string): Promise<{ stock: number; reserved: number; sold: number; priceFen: number; holds: any[]; stockLog?: any[] }> {
  return (await t.db.collection('skus').doc(id).get()).data[0]
}

/** stock + reserved + sold of a SKU: constant through every order, payment and cancellation. */
export async function units(t: TestCloud, id: string): Promise<number> {
  const s = await sku(t, id)
  return s.stock + s.reserved + s.sold
}

/** Adds a product without specs: its document and its one SKU (with the product's id), on sale. */
export async function addProduct(t: TestCloud, p: { _id: string; name: string; priceFen: number; stock: number; sort?: number }): Promise<void> {
  await t.db.collection('products').doc(p._id).set({ name: p.name, categoryId: 'cat-tea', description: '', images: [], specNames: [], onSale: true, sort: p.sort ?? 99, minPriceFen: p.priceFen, maxPriceFen: p.priceFen, createdAt: new Date() })
  await t.db.collection('skus').doc(p._id).set({ productId: p._id, specValues: [], spec: '', priceFen: p.priceFen, stock: p.stock, reserved: 0, sold: 0, holds: [], stockLog: [], onSale: true, sort: 0 })
}

export async function storedOrder(t: TestCloud, id: string): Promise<any> {
  return (await t.db.collection('orders').doc(id).get()).data[0]
}

export async function customer(t: TestCloud, openid: string): Promise<any> {
  return (await t.db.collection('customers').doc(openid).get()).data[0]
}

let seq = 0
export const requestId = () => `req-${Date.now().toString(36)}-${++seq}`

/** Creates an order and starts its payment; returns the order and wx.requestPayment's params. */
export async function createAndPay(t: TestCloud, openid: string, lines: Array<{ skuId: string; quantity: number }>): Promise<{ order: OrderView; payment: PaymentParams }> {
  const call = ordersAs(t, openid)
  const created = await call<{ order: OrderView }>('create', { requestId: requestId(), lines })
  if (!created.ok) throw new Error(`create failed: ${created.code} ${created.message}`)
  const paid = await call<{ payment: PaymentParams }>('pay', { orderId: created.data.order._id })
  if (!paid.ok) throw new Error(`pay failed: ${paid.code} ${paid.message}`)
  return { order: created.data.order, payment: paid.data.payment }
}

/** What wx.requestPayment does locally: WeChat takes the money and notifies the callback. */
export async function confirmPayment(t: TestCloud, outTradeNo: string, deliver = true): Promise<{ state: string; delivered: boolean; deliveries: number }> {
  const res = await fetch(`${t.url}/_local/pay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outTradeNo, deliver }) })
  if (!res.ok) throw new Error(`confirm: HTTP ${res.status} ${await res.text()}`)
  return res.json() as Promise<{ state: string; delivered: boolean; deliveries: number }>
}

export async function simulatedPayment(t: TestCloud, outTradeNo: string): Promise<any> {
  const res = await fetch(`${t.url}/_local/pay/payments/${outTradeNo}`)
  return res.ok ? res.json() : undefined
}

/**
 * A seller's attribution as the orders record it (the paid transition writes no counters on the
 * seller document): the orders credited to them that are paid and not wholly refunded, and the
 * revenue they kept (total minus what was refunded).
 */
export async function attributionOf(t: TestCloud, sellerId: string): Promise<{ orders: number; revenue: number }> {
  const _ = t.db.command
  const { data } = await t.db.collection('orders').where({ sellerId, paidAt: _.neq(null), status: _.neq('cancelled') }).limit(1000).field({ status: true, totalFen: true, refundedFen: true }).get()
  const kept = (data as Array<{ status: string; totalFen: number; refundedFen?: number }>).filter((o) => o.status !== 'refunded')
  return { orders: kept.length, revenue: kept.reduce((sum, o) => sum + o.totalFen - (o.refundedFen ?? 0), 0) }
}
