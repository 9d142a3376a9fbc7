/** Pure parts of My orders: the tabs and the statuses each means, status labels, order cards and their next action. */
import type { OrderListItem, OrderStatus, OrderView } from '../../../typings/orders'
import { formatDateTime } from '../../utils/dates'
import { formatFen } from '../../utils/money'
import { errorMessage } from '../../utils/errors'

export const ORDERS_PAGE = 'pages/orders/index'
export const ORDER_DETAIL_PAGE = 'pages/orders/detail/index'
/** The checkout's pay-result page pays an unpaid order when opened with `pay=1`. */
export const PAY_PAGE = 'pages/pay-result/index'

/** What each status reads as for the shopper. */
export const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  refund_requested: '退款中',
  refunded: '已退款',
}

export type OrdersTabKey = 'all' | 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'refund'

export interface OrdersTab {
  key: OrdersTabKey
  label: string
  /** The API statuses the tab lists; undefined = every order (cancelled ones too). */
  statuses?: readonly OrderStatus[]
}

/** The tabs in order. 退款 lists orders with a refund open and orders refunded in full (a partly refunded order is back in its own status). */
export const ORDER_TABS: readonly OrdersTab[] = [
  { key: 'all', label: '全部' },
  { key: 'pending_payment', label: '待付款', statuses: ['pending_payment'] },
  { key: 'paid', label: '待发货', statuses: ['paid'] },
  { key: 'shipped', label: '待收货', statuses: ['shipped'] },
  { key: 'completed', label: '已完成', statuses: ['completed'] },
  { key: 'refund', label: '退款', statuses: ['refund_requested', 'refunded'] },
]

/** The tab a `?status=` query names: a tab key or an API status (refund_requested and refunded open 退款); anything else opens 全部. */
export function tabFromQuery(status: string | undefined): OrdersTab {
  return ORDER_TABS.find((t) => t.key === status || (status !== undefined && t.statuses?.includes(status as OrderStatus))) ?? ORDER_TABS[0]
}

/** The one thing a card offers: pay, confirm receipt, or open the detail at its refund or refund state. */
export type CardActionKind = 'pay' | 'confirm' | 'refund' | 'viewRefund'

export interface OrderCard {
  id: string
  createdText: string
  /** A displayable URL of the first line's image ('' for none). */
  cover: string
  /** The product names, '、'-joined. */
  names: string
  /** '共 3 件' */
  countText: string
  totalText: string
  /** '已退款 ¥12.00' when part of the order was refunded and it goes on ('' otherwise; a full refund shows in the status). */
  refundText: string
  statusText: string
  status: OrderStatus
  action: CardActionKind | ''
  actionText: string
}

const CARD_ACTION_TEXT: Readonly<Record<CardActionKind, string>> = { pay: '去支付', confirm: '确认收货', refund: '申请售后', viewRefund: '查看退款' }

/** The card's next action for the order's status at `now`: an unpaid order past its expiry offers nothing. */
export function cardActionOf(order: Pick<OrderView, 'status' | 'expiresAt'>, now: number): CardActionKind | '' {
  switch (order.status) {
    case 'pending_payment':
      return now < order.expiresAt ? 'pay' : ''
    case 'shipped':
      return 'confirm'
    case 'paid':
    case 'completed':
      return 'refund'
    case 'refund_requested':
      return 'viewRefund'
    default:
      return ''
  }
}

/** The line image to show for an order: the first line that has one (a cloud fileID), or undefined. */
export function coverFileOf(order: Pick<OrderView, 'lines'>): string | undefined {
  return order.lines.find((l) => l.image)?.image
}

/** The card's partial-refund note: the amount refunded of an order that goes on (not a full refund, whose status says it). */
export function partialRefundText(order: Pick<OrderListItem, 'status' | 'refundedFen'>): string {
  return order.refundedFen > 0 && order.status !== 'refunded' ? `已退款 ${formatFen(order.refundedFen)}` : ''
}

export function toOrderCard(order: OrderListItem, cover: string, now: number): OrderCard {
  const action = cardActionOf(order, now)
  return {
    id: order._id,
    createdText: formatDateTime(order.createdAt),
    cover,
    names: order.lines.map((l) => l.name).join('、'),
    countText: `共 ${order.lines.reduce((n, l) => n + l.quantity, 0)} 件`,
    totalText: formatFen(order.totalFen),
    refundText: partialRefundText(order),
    statusText: STATUS_LABELS[order.status],
    status: order.status,
    action,
    actionText: action === 'refund' && order.status === 'paid' ? '申请退款' : action ? CARD_ACTION_TEXT[action] : '',
  }
}

export type OrdersStatus = 'loading' | 'ready' | 'empty' | 'error'

export interface OrdersView {
  status: OrdersStatus
  tab: OrdersTabKey
  tabs: Array<{ key: OrdersTabKey; label: string }>
  cards: OrderCard[]
  hasMore: boolean
  loadingMore: boolean
  /** The next page failed: the footer offers a retry. */
  moreFailed: boolean
  errorMessage: string
  emptyText: string
  /** An action on a card is running. */
  busy: boolean
}

export const LOADING_ORDERS: OrdersView = {
  status: 'loading',
  tab: 'all',
  tabs: ORDER_TABS.map(({ key, label }) => ({ key, label })),
  cards: [],
  hasMore: false,
  loadingMore: false,
  moreFailed: false,
  errorMessage: '',
  emptyText: '',
  busy: false,
}

/** The list after a page: the first replaces the cards, a later one (`previous`) appends. */
export function toOrdersView(tab: OrdersTabKey, cards: OrderCard[], hasMore: boolean, previous: OrderCard[] = []): Partial<OrdersView> {
  const all = previous.concat(cards)
  return { status: all.length === 0 ? 'empty' : 'ready', tab, cards: all, hasMore, loadingMore: false, moreFailed: false, errorMessage: '', emptyText: emptyText(tab) }
}

export function toOrdersErrorView(tab: OrdersTabKey, err: unknown): Partial<OrdersView> {
  return { status: 'error', tab, cards: [], hasMore: false, loadingMore: false, moreFailed: false, errorMessage: errorMessage(err) }
}

/** What the empty state says on each tab. */
export function emptyText(tab: OrdersTabKey): string {
  return tab === 'all' ? '还没有订单，去逛逛吧' : `暂无${ORDER_TABS.find((t) => t.key === tab)?.label ?? ''}订单`
}

export function detailUrl(orderId: string, openRefund = false): string {
  return `/${ORDER_DETAIL_PAGE}?id=${encodeURIComponent(orderId)}${openRefund ? '&refund=1' : ''}`
}

/** Paying an unpaid order happens on the checkout's pay-result page. */
export function payUrl(orderId: string): string {
  return `/${PAY_PAGE}?orderId=${encodeURIComponent(orderId)}&pay=1`
}
