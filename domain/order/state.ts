import type { OrderStatus } from '../../typings/orders'

/** The order state machine: from each status, the statuses it may move to. Nothing else is allowed. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['shipped', 'refund_requested'],
  shipped: ['completed', 'refund_requested'],
  completed: ['refund_requested'],
  refund_requested: ['refunded', 'paid', 'shipped', 'completed'],
  cancelled: [],
  refunded: [],
}

/** A move the transition table does not allow. */
export class OrderTransitionError extends Error {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`an order cannot go from ${from} to ${to}`)
    this.name = 'OrderTransitionError'
  }
}

/** Whether the table allows `from -> to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from]?.includes(to) ?? false
}

/** Throws OrderTransitionError unless the table allows `from -> to`; every status write goes through this. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new OrderTransitionError(from, to)
}
