import type { OrderLine, OrderStatus, RefundLine, RefundLineRequest } from '../../typings/orders'
import { prorate } from './pricing'

/** The order fields refund math reads (a snapshot). */
export interface RefundableOrder {
  status: OrderStatus
  lines: readonly OrderLine[]
  shippingFen: number
  totalFen: number
  /** Refunds that took or are taking units: succeeded, approved or requested (not rejected or withdrawn). */
  refunds: ReadonlyArray<{ lines: readonly RefundLine[]; shippingFen: number; state: string }>
  shippedAt?: unknown
}

export type RefundErrorCode = 'REFUND_INVALID'

export class RefundError extends Error {
  constructor(
    readonly code: RefundErrorCode,
    message: string,
    /** The SKU the refusal is about, when one is. */
    readonly skuId?: string,
  ) {
    super(message)
    this.name = 'RefundError'
  }
}

/** The computed refund: lines with their amounts, shipping, total and whether it takes everything still paid for. */
export interface RefundQuote {
  lines: RefundLine[]
  shippingFen: number
  refundFen: number
  full: boolean
}

const TAKING = new Set(['requested', 'approved', 'succeeded'])

/** Units of each SKU already refunded or being refunded. */
export function unitsTaken(order: Pick<RefundableOrder, 'refunds'>): Map<string, number> {
  const taken = new Map<string, number>()
  for (const refund of order.refunds) {
    if (!TAKING.has(refund.state)) continue
    for (const line of refund.lines) taken.set(line.skuId, (taken.get(line.skuId) ?? 0) + line.quantity)
  }
  return taken
}

/**
 * The amount of `quantity` units of a line after `already` of its units: the line's amount split
 * over its units by largest remainder (prorate), so refunding every unit in any steps returns
 * exactly the line's amount, never a fen more.
 */
export function unitsAmount(line: Pick<OrderLine, 'amountFen' | 'quantity'>, already: number, quantity: number): number {
  const perUnit = prorate(line.amountFen, Array.from({ length: line.quantity }, () => 1))
  return perUnit.slice(already, already + quantity).reduce((a, b) => a + b, 0)
}

/**
 * Prices a refund request from the order's snapshotted lines (never from the client): each
 * requested line must be on the order with at most the units not yet refunded or being
 * refunded; no `requested` means every unit still paid for. Shipping is refunded only when the
 * order has not been shipped and the request takes every unit left (the whole order, before
 * shipment). Throws RefundError otherwise.
 */
export function quoteRefund(order: RefundableOrder, requested?: readonly RefundLineRequest[]): RefundQuote {
  const taken = unitsTaken(order)
  const left = new Map(order.lines.map((l) => [l.skuId, l.quantity - (taken.get(l.skuId) ?? 0)]))
  const wanted = new Map<string, number>()
  if (requested === undefined) {
    for (const [skuId, n] of left) if (n > 0) wanted.set(skuId, n)
  } else {
    for (const r of requested) {
      if (!Number.isInteger(r.quantity) || r.quantity <= 0) throw new RefundError('REFUND_INVALID', `quantity must be a positive integer`, r.skuId)
      wanted.set(r.skuId, (wanted.get(r.skuId) ?? 0) + r.quantity)
    }
  }
  if (wanted.size === 0) throw new RefundError('REFUND_INVALID', 'nothing is left to refund')
  const lines: RefundLine[] = []
  for (const [skuId, quantity] of wanted) {
    const line = order.lines.find((l) => l.skuId === skuId)
    if (!line) throw new RefundError('REFUND_INVALID', `SKU ${skuId} is not on this order`, skuId)
    const remaining = left.get(skuId) ?? 0
    if (quantity > remaining) throw new RefundError('REFUND_INVALID', `only ${remaining} of ${skuId} can still be refunded, ${quantity} asked`, skuId)
    lines.push({ productId: line.productId, skuId, quantity, amountFen: unitsAmount(line, taken.get(skuId) ?? 0, quantity) })
  }
  const full = [...left].every(([skuId, n]) => (wanted.get(skuId) ?? 0) === n)
  const shippingTaken = order.refunds.some((r) => TAKING.has(r.state) && r.shippingFen > 0)
  const shipped = order.shippedAt !== undefined && order.shippedAt !== null
  const shippingFen = full && !shipped && order.status === 'paid' && !shippingTaken ? order.shippingFen : 0
  const refundFen = lines.reduce((s, l) => s + l.amountFen, 0) + shippingFen
  if (refundFen <= 0) throw new RefundError('REFUND_INVALID', 'these units cost nothing: there is no money to refund')
  return { lines, shippingFen, refundFen, full }
}
