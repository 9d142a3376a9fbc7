/** Pure parts of the payment result page: the order as the server has it -> what the page says. Never trusts the client's own view of the payment. */
import type { OrderView } from '../../../typings/orders'
import { formatFen } from '../../utils/money'
import { formatDateTime } from '../../utils/dates'
import { errorMessage } from '../../utils/errors'

/**
 * waiting: reading the order until WeChat Pay's notification settles it (支付处理中);
 * paid: the notification made it paid; unpaid: still pending_payment and the sheet was closed or
 * failed (重新支付); confirming: the sheet said paid but no notification came within the bound;
 * cancelled: cancelled or expired unpaid; error: the order could not be read.
 */
export type ResultStatus = 'waiting' | 'paid' | 'unpaid' | 'confirming' | 'cancelled' | 'error'

export interface ResultLineView {
  skuId: string
  name: string
  spec: string
  quantity: number
  amountText: string
}

export interface ResultView {
  status: ResultStatus
  title: string
  message: string
  orderId: string
  lines: ResultLineView[]
  totalText: string
  paidAtText: string
  /** A call started by a tap is running (重新支付, 刷新). */
  busy: boolean
}

const TITLES: Record<ResultStatus, string> = {
  waiting: '支付处理中',
  paid: '支付成功',
  unpaid: '未支付',
  confirming: '支付结果确认中',
  cancelled: '订单已取消',
  error: '订单读取失败',
}

const MESSAGES: Record<ResultStatus, string> = {
  waiting: '正在等待微信支付的结果，请稍候',
  paid: '我们会尽快为你发货',
  unpaid: '订单已保留，请在有效期内完成支付',
  confirming: '暂未收到微信支付的结果，请稍后刷新查看',
  cancelled: '订单未支付，已取消',
  error: '',
}

export function waitingView(orderId: string): ResultView {
  return { status: 'waiting', title: TITLES.waiting, message: MESSAGES.waiting, orderId, lines: [], totalText: '', paidAtText: '', busy: false }
}

/**
 * The page for the order as read: paid once it has a paidAt (whatever came after), cancelled when
 * it left pending_payment unpaid, else (still pending) `whilePending`: waiting while the page
 * still waits, unpaid when the sheet was not paid, confirming when the wait ran out.
 */
export function toResultView(order: OrderView, whilePending: 'waiting' | 'unpaid' | 'confirming'): ResultView {
  let status: ResultStatus
  if (order.paidAt !== null) status = 'paid'
  else if (order.status !== 'pending_payment') status = 'cancelled'
  else status = whilePending
  const lines = order.lines.map((l) => ({ skuId: l.skuId, name: l.name, spec: l.spec, quantity: l.quantity, amountText: formatFen(l.amountFen) }))
  let message = MESSAGES[status]
  if (status === 'unpaid') message = `订单已保留，请在 ${formatDateTime(order.expiresAt)} 前完成支付`
  return {
    status,
    title: TITLES[status],
    message,
    orderId: order._id,
    lines,
    totalText: formatFen(order.totalFen),
    paidAtText: order.paidAt !== null ? formatDateTime(order.paidAt) : '',
    busy: false,
  }
}

export function toResultErrorView(orderId: string, err: unknown): ResultView {
  return { ...waitingView(orderId), status: 'error', title: TITLES.error, message: errorMessage(err) }
}

/** The order's page (built with "my orders"). */
export function orderDetailUrl(orderId: string): string {
  return `/pages/orders/detail/index?id=${encodeURIComponent(orderId)}`
}
