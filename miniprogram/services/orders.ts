/**
 * The shopper's own orders and what they can do after buying (cancel, confirm receipt, ask for a
 * refund, withdraw it): typed calls to the `orders` function. Checkout and payment live in
 * services/checkout.ts.
 */
import type { RequestOf } from '../../typings/api'
import type { AfterSaleOrderView, OrderStatus, OrderView, RefundView } from '../../typings/orders'
import { callFunction } from './transport'

/** The list action's page size ceiling (the function refuses more). */
export const ORDERS_PAGE_SIZE = 10

/** One page of my orders, newest first, optionally of one status; `page` counts from 0. */
export function listMyOrders(request: RequestOf<'orders', 'list'>): Promise<{ orders: OrderView[]; hasMore: boolean }> {
  return callFunction('orders', 'list', request)
}

/** One of my orders with its shipping and refunds (another buyer's answers ORDER_NOT_FOUND). */
export async function getMyOrder(orderId: string): Promise<AfterSaleOrderView> {
  const { order } = await callFunction('orders', 'afterSale', { orderId })
  return order
}

/** Cancels my unpaid order; its stock goes back. */
export async function cancelMyOrder(orderId: string): Promise<OrderView> {
  const { order } = await callFunction('orders', 'cancel', { orderId })
  return order
}

/** My shipped order arrived. */
export async function confirmReceipt(orderId: string): Promise<AfterSaleOrderView> {
  const { order } = await callFunction('orders', 'confirmReceipt', { orderId })
  return order
}

/**
 * Asks for a refund of the whole order (no `lines`) or of chosen lines and units; the amount is
 * the server's. Keep one `requestId` per submission so a retry answers the same refund.
 */
export function requestRefund(request: RequestOf<'orders', 'refund.request'>): Promise<{ order: AfterSaleOrderView; refund: RefundView }> {
  return callFunction('orders', 'refund.request', request)
}

/** Withdraws my refund request before the owner decides. */
export async function withdrawRefund(orderId: string): Promise<AfterSaleOrderView> {
  const { order } = await callFunction('orders', 'refund.withdraw', { orderId })
  return order
}

/** A client request id as refund.request takes it (8-64 of [0-9A-Za-z_-]), unique per submission. */
export function newRequestId(now: number = Date.now(), random: () => number = Math.random): string {
  let tail = ''
  for (let i = 0; i < 16; i++) tail += Math.floor(random() * 36).toString(36)
  return `r${now.toString(36)}_${tail}`
}

// ---- infinite scroll over one or several statuses ----------------------------------------------

/** One status's pages (or every status when `status` is undefined): rows fetched but not yet shown. */
interface FeedStream {
  status?: OrderStatus
  nextPage: number
  hasMore: boolean
  buffer: OrderView[]
}

/** Where an order list is: what each status's pages have given so far and which orders are shown. */
export interface OrderFeed {
  streams: FeedStream[]
  shownIds: string[]
}

export type FetchOrdersPage = (request: { status?: OrderStatus; page: number; pageSize: number }) => Promise<{ orders: OrderView[]; hasMore: boolean }>

/** A feed of my orders of these statuses (undefined: all), from the start. */
export function startOrderFeed(statuses?: readonly OrderStatus[]): OrderFeed {
  const streams = statuses && statuses.length > 0 ? statuses.map((status) => ({ status, nextPage: 0, hasMore: true, buffer: [] })) : [{ nextPage: 0, hasMore: true, buffer: [] }]
  return { streams, shownIds: [] }
}

/** Whether the feed has more orders to give. */
export function feedHasMore(feed: OrderFeed): boolean {
  return feed.streams.some((s) => s.hasMore || s.buffer.length > 0)
}

const newerFirst = (a: OrderView, b: OrderView): number => b.createdAt - a.createdAt || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0)

/**
 * The next `pageSize` orders of the feed, newest first, and the feed after them. The list action
 * takes one status, so a feed of several statuses merges their pages by creation time (a status's
 * next page is fetched only when its buffer runs dry). The action pages by offset: an order that
 * arrives or changes status between two pages can shift a row, so orders already shown are skipped.
 */
export async function nextOrders(feed: OrderFeed, pageSize: number = ORDERS_PAGE_SIZE, fetchPage: FetchOrdersPage = listMyOrders): Promise<{ orders: OrderView[]; feed: OrderFeed }> {
  const streams = feed.streams.map((s) => ({ ...s, buffer: [...s.buffer] }))
  const shown = new Set(feed.shownIds)
  const orders: OrderView[] = []
  while (orders.length < pageSize) {
    const dry = streams.filter((s) => s.buffer.length === 0 && s.hasMore)
    const pages = await Promise.all(dry.map((s) => fetchPage({ ...(s.status ? { status: s.status } : {}), page: s.nextPage, pageSize })))
    dry.forEach((s, i) => {
      s.buffer.push(...pages[i].orders)
      s.nextPage++
      s.hasMore = pages[i].hasMore && pages[i].orders.length > 0
    })
    const live = streams.filter((s) => s.buffer.length > 0)
    if (live.length === 0) break
    const newest = live.reduce((a, b) => (newerFirst(a.buffer[0], b.buffer[0]) <= 0 ? a : b))
    const order = newest.buffer.shift()!
    if (shown.has(order._id)) continue
    shown.add(order._id)
    orders.push(order)
  }
  return { orders, feed: { streams, shownIds: [...shown] } }
}
