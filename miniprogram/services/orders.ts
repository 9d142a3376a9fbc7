/**
 * The shopper's own orders and what they can do after buying (cancel, confirm receipt, ask for a
 * refund, withdraw it): typed calls to the `orders` function. Checkout and payment live in
 * services/checkout.ts.
 */
import type { RequestOf, ResponseOf } from '../../typings/api'
import type { AfterSaleOrderView, OrderListItem, OrderStatus, OrderView, RefundView } from '../../typings/orders'
import { callFunction } from './transport'

/** The list action's page size ceiling (the function refuses more). */
export const ORDERS_PAGE_SIZE = 10

/** One page of my orders, newest first, of the given statuses (none: all); pass `nextCursor` back as `cursor` for the next. */
export function listMyOrders(request: RequestOf<'orders', 'list'>): Promise<ResponseOf<'orders', 'list'>> {
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

// ---- infinite scroll over a tab's statuses ------------------------------------------------------

/** Where an order list is: its statuses (undefined: all) and the cursor the last page ended at. */
export interface OrderFeed {
  statuses?: readonly OrderStatus[]
  cursor: string | null
  hasMore: boolean
}

export type FetchOrdersPage = (request: RequestOf<'orders', 'list'>) => Promise<ResponseOf<'orders', 'list'>>

/** A feed of my orders of these statuses (undefined or empty: all), from the start. */
export function startOrderFeed(statuses?: readonly OrderStatus[]): OrderFeed {
  return { ...(statuses && statuses.length > 0 ? { statuses } : {}), cursor: null, hasMore: true }
}

/** Whether the feed has more orders to give. */
export function feedHasMore(feed: OrderFeed): boolean {
  return feed.hasMore
}

/**
 * The next `pageSize` orders of the feed, newest first, and the feed after them: one list call
 * for all the tab's statuses, continuing from the server's cursor (an order that arrives between
 * two pages never shifts or repeats one already shown).
 */
export async function nextOrders(feed: OrderFeed, pageSize: number = ORDERS_PAGE_SIZE, fetchPage: FetchOrdersPage = listMyOrders): Promise<{ orders: OrderListItem[]; feed: OrderFeed }> {
  if (!feed.hasMore) return { orders: [], feed }
  const page = await fetchPage({ ...(feed.statuses ? { statuses: [...feed.statuses] } : {}), ...(feed.cursor ? { cursor: feed.cursor } : {}), pageSize })
  return { orders: page.orders, feed: { ...feed, cursor: page.nextCursor, hasMore: page.nextCursor !== null } }
}
