/** The owner's order desk (`orders.admin.*`): the only module that calls it. */
import type { ResponseOf } from '../../typings/api'
import type { AdminOrderView, OrderStatus } from '../../typings/orders'
import { callFunction } from './transport'

/** One page of orders of `status`, oldest first; pass `nextCursor` back for the next. */
export function listAdminOrders(status: OrderStatus, cursor?: string, pageSize = 20): Promise<ResponseOf<'orders', 'admin.list'>> {
  return callFunction('orders', 'admin.list', cursor ? { status, cursor, pageSize } : { status, pageSize })
}

/** How many orders are in each of these statuses now (the hub's badges: paid = to ship, refund_requested = to decide). */
export async function countOrders(statuses: OrderStatus[]): Promise<Partial<Record<OrderStatus, number>>> {
  return (await callFunction('orders', 'admin.counts', { statuses })).counts
}

export async function adminOrderDetail(orderId: string): Promise<AdminOrderView> {
  return (await callFunction('orders', 'admin.detail', { orderId })).order
}

/** Ships a paid order; `carrier` is WeChat's delivery company id (SF, ZTO, ...). */
export async function shipOrder(orderId: string, carrier: string, trackingNo: string): Promise<AdminOrderView> {
  return (await callFunction('orders', 'admin.ship', { orderId, carrier, trackingNo })).order
}

/** Approves the waiting refund request; final when WeChat Pay's notification arrives. */
export function approveRefund(orderId: string, restock: boolean): Promise<{ order: AdminOrderView; submitted: boolean }> {
  return callFunction('orders', 'admin.refund.approve', { orderId, restock })
}

/** Rejects the waiting refund request; the order goes back to where it was. */
export async function rejectRefund(orderId: string, reason: string): Promise<AdminOrderView> {
  return (await callFunction('orders', 'admin.refund.reject', { orderId, reason })).order
}
