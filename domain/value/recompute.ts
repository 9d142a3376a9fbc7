/**
 * The customer's value statistics recomputed from their orders, the source of truth: what a
 * refund stores in place of the incremental cache (recordPurchaseDay on each payment).
 */
import type { CustomerStats } from '../../typings/value'
import { statsFromPurchases, storeDayOf } from './summary'

/** What the recompute reads of one order of the customer that was paid. */
export interface PaidOrderFacts {
  paidAt: Date | number | string
  totalFen: number
  /** Refunded so far (succeeded refunds), fen. */
  refundedFen: number
  /** Every unit refunded (status `refunded`): the order is no purchase any more. */
  fullyRefunded: boolean
}

export interface CustomerValueFacts {
  /** null when no purchase is left. */
  stats: CustomerStats | null
  /** What the customer kept paying for: the sum of totals minus refunds over the purchases left. */
  spendFen: number
  /** Paid orders that are still purchases. */
  paidOrders: number
  /** Paid orders every unit of which was refunded: no purchase any more, but the customer did order. */
  refundedOrders: number
}

/**
 * Recomputes a customer's statistics, spend and paid-order count from their paid orders: an
 * order fully refunded is no purchase; a partly refunded one counts with what was kept, on the
 * store day it was paid. Equal to the incremental result of recording the same purchases on the
 * days they were paid (the property test holds the two equal).
 */
export function customerValueFromOrders(customerId: string, orders: readonly PaidOrderFacts[], timeZone?: string): CustomerValueFacts {
  const purchases = orders
    .filter((o) => !o.fullyRefunded)
    .map((o) => ({ day: storeDayOf(o.paidAt, timeZone), amountFen: o.totalFen - o.refundedFen }))
  return {
    stats: statsFromPurchases(customerId, purchases),
    spendFen: purchases.reduce((s, p) => s + p.amountFen, 0),
    paidOrders: purchases.length,
    refundedOrders: orders.length - purchases.length,
  }
}
