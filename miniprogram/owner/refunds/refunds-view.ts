/** Pure mappers for the owner's refund desk: one card per order with a refund to decide or in progress. */
import type { AdminOrderView, RefundState } from '../../../typings/orders'
import { formatDateTime } from '../../utils/dates'
import { formatFen } from '../../utils/money'
import { REFUND_STATE_TEXT, buyerText, type LineView } from '../orders/orders-view'

export const REFUND_TABS: ReadonlyArray<{ key: 'open' | 'done'; label: string }> = [
  { key: 'open', label: '待处理' },
  { key: 'done', label: '已退款' },
]

export interface RefundCard {
  orderId: string
  outRefundNo: string
  state: RefundState
  stateText: string
  buyerText: string
  requestedText: string
  lines: LineView[]
  /** What WeChat Pay refunds, as the server computed it (goods, plus shipping when it is refunded). */
  amountText: string
  refundFen: number
  shippingText: string
  reason: string
  orderTotalText: string
  canDecide: boolean
  /** Whether the goods come back to stock on approval (the owner's choice; by default only when nothing was shipped). */
  restock: boolean
  rejectReason: string
}

/** The order's latest refund as a card; null for an order without one. */
export function toRefundCard(order: AdminOrderView, restock?: boolean): RefundCard | null {
  const refund = order.refunds[order.refunds.length - 1]
  if (!refund) return null
  const byId = new Map(order.lines.map((l) => [l.skuId, l]))
  return {
    orderId: order._id,
    outRefundNo: refund.outRefundNo,
    state: refund.state,
    stateText: REFUND_STATE_TEXT[refund.state],
    buyerText: buyerText(order.buyerOpenid, order.buyerNickname),
    requestedText: formatDateTime(refund.requestedAt),
    lines: refund.lines.map((l) => {
      const line = byId.get(l.skuId)
      return { key: l.skuId, name: line?.name ?? l.skuId, spec: line?.spec ?? '', quantityText: `× ${l.quantity}`, amountText: formatFen(l.amountFen) }
    }),
    amountText: formatFen(refund.refundFen),
    refundFen: refund.refundFen,
    shippingText: refund.shippingFen > 0 ? `含运费 ${formatFen(refund.shippingFen)}` : '',
    reason: refund.reason,
    orderTotalText: formatFen(order.totalFen),
    canDecide: order.status === 'refund_requested' && refund.state === 'requested',
    restock: restock ?? refund.from === 'paid',
    rejectReason: refund.rejectReason ?? '',
  }
}

/** The approval question, with the server's amount. */
export function approvalQuestion(card: RefundCard): string {
  return `将通过微信支付退款 ${card.amountText} 给买家${card.restock ? '，商品退回库存' : ''}。确认同意？`
}

/** A rejection reason as the API takes it (1-200 characters), or null. */
export function cleanRejectReason(input: string): string | null {
  const trimmed = input.trim()
  return trimmed.length >= 1 && trimmed.length <= 200 ? trimmed : null
}

/** Cards with one order's card replaced (or dropped when it has no refund any more). */
export function replaceCard(cards: RefundCard[], order: AdminOrderView): RefundCard[] {
  return cards.flatMap((c) => {
    if (c.orderId !== order._id) return [c]
    const next = toRefundCard(order, c.restock)
    return next ? [next] : []
  })
}
