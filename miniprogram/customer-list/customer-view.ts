/**
 * Pure mappers from the customers API to what a seller reads: the scores in plain words, never a
 * raw probability or a number without its meaning. Shared by the seller's and the owner's pages.
 */
import type { CustomerDetailResponse, CustomerOrderRow, CustomerRow, CustomerSortKey } from '../../typings/customers'
import type { CustomerScore, SegmentCode } from '../../typings/value'
import type { OrderStatus } from '../../typings/orders'
import { formatDateTime, formatDay } from '../utils/dates'
import { errorMessage } from '../utils/errors'
import { formatApproxYuan, formatFen } from '../utils/money'

export const SORT_TABS: ReadonlyArray<{ key: CustomerSortKey; label: string }> = [
  { key: 'clv', label: '价值最高' },
  { key: 'recency', label: '最近购买' },
  { key: 'spend', label: '消费最多' },
]

/** Segment chips in the order a seller acts on them ('' = all). */
export const SEGMENT_CHIPS: ReadonlyArray<{ code: SegmentCode | ''; label: string }> = [
  { code: '', label: '全部' },
  { code: 'champion', label: '高价值客户' },
  { code: 'loyal', label: '忠实客户' },
  { code: 'promising', label: '潜力客户' },
  { code: 'new', label: '新客户' },
  { code: 'at_risk', label: '流失预警' },
  { code: 'lost', label: '已流失' },
]

export interface CustomerCard {
  customerId: string
  name: string
  initial: string
  segmentLabel: string
  segmentCode: string
  /** e.g. '价值约 120 元'; '' before a first purchase. */
  valueText: string
  /** e.g. '买过 2 次 · 共 ¥239.00' or '还没有下单'. */
  purchasesText: string
  /** e.g. '最近购买 2026年11月3日'. */
  lastPurchaseText: string
}

export type ListStatus = 'loading' | 'ready' | 'empty' | 'error'

export interface CustomerListView {
  status: ListStatus
  errorMessage: string
  cards: CustomerCard[]
  nextCursor: string | null
  /** A next page is being fetched. */
  loadingMore: boolean
  /** The last page is on screen. */
  finished: boolean
  /** A next page failed; tapping retries it. */
  moreError: string
}

export const LOADING_LIST: CustomerListView = { status: 'loading', errorMessage: '', cards: [], nextCursor: null, loadingMore: false, finished: false, moreError: '' }

const NO_NAME = '未留昵称的顾客'

export function displayName(nickname: string | undefined): string {
  return nickname && nickname.trim() ? nickname.trim() : NO_NAME
}

/** '价值约 120 元', from the stored CLV; '' when there is no value yet. */
export function valueText(clvFen: number | null | undefined): string {
  return typeof clvFen === 'number' ? `价值${formatApproxYuan(clvFen)}` : ''
}

/** '买过 2 次 · 共 ¥239.00', '下过 1 单，已全部退款', or '还没有下单'. */
export function purchasesText(paidOrders: number, spendFen: number, refundedOrders = 0): string {
  if (paidOrders > 0) return `买过 ${paidOrders} 次 · 共 ${formatFen(spendFen)}`
  return refundedOrders > 0 ? `下过 ${refundedOrders} 单，已全部退款` : '还没有下单'
}

export function toCustomerCard(row: CustomerRow): CustomerCard {
  const name = displayName(row.nickname)
  return {
    customerId: row.customerId,
    name,
    initial: [...name][0] ?? '客',
    segmentLabel: row.segmentLabel ?? (row.paidOrders > 0 ? '' : row.refundedOrders > 0 ? '已退款' : '未下单'),
    segmentCode: row.segment ?? 'none',
    valueText: valueText(row.clvFen),
    purchasesText: purchasesText(row.paidOrders, row.spendFen, row.refundedOrders),
    lastPurchaseText: row.lastPurchaseDay ? `最近购买 ${formatDay(row.lastPurchaseDay)}` : '',
  }
}

/** The first page. */
export function toListView(customers: CustomerRow[], nextCursor: string | null): CustomerListView {
  return { ...LOADING_LIST, status: customers.length === 0 ? 'empty' : 'ready', cards: customers.map(toCustomerCard), nextCursor, finished: nextCursor === null }
}

/** A next page appended to what is shown (a customer already shown is not repeated). */
export function appendPage(view: Pick<CustomerListView, 'cards'>, customers: CustomerRow[], nextCursor: string | null): Partial<CustomerListView> {
  const seen = new Set(view.cards.map((c) => c.customerId))
  const added = customers.filter((c) => !seen.has(c.customerId)).map(toCustomerCard)
  return { cards: [...view.cards, ...added], nextCursor, finished: nextCursor === null, loadingMore: false, moreError: '' }
}

export function toListErrorView(err: unknown): CustomerListView {
  return { ...LOADING_LIST, status: 'error', errorMessage: errorMessage(err) }
}

// ---- one customer ------------------------------------------------------------------------------

const ORDER_STATUS_TEXT: Readonly<Record<OrderStatus, string>> = {
  pending_payment: '待付款',
  paid: '已付款',
  shipped: '已发货',
  completed: '已完成',
  cancelled: '已取消',
  refund_requested: '退款中',
  refunded: '已退款',
}

export interface OrderLine {
  orderId: string
  statusText: string
  totalText: string
  itemsText: string
  dateText: string
}

export interface CustomerDetailView {
  status: 'loading' | 'ready' | 'error'
  errorMessage: string
  name: string
  initial: string
  segmentLabel: string
  /** The scores in plain words, most important first. */
  sentences: string[]
  /** Why the customer is in their segment, as the server explains it. */
  segmentRule: string
  purchasesText: string
  boundText: string
  orders: OrderLine[]
  referred: Array<{ customerId: string; name: string; text: string }>
}

export const LOADING_DETAIL: CustomerDetailView = {
  status: 'loading',
  errorMessage: '',
  name: '',
  initial: '',
  segmentLabel: '',
  sentences: [],
  segmentRule: '',
  purchasesText: '',
  boundText: '',
  orders: [],
  referred: [],
}

/** Weeks in "the next 3 months". */
const QUARTER_WEEKS = 13

/**
 * Whether the customer will buy again, in words: from P(alive) and the expected purchase-days
 * over the next 3 months (the model's horizon scaled down). Null when the model gives no figures.
 */
export function repurchaseSentence(score: Pick<CustomerScore, 'pAlive' | 'expectedPurchases' | 'horizonWeeks'>): string | null {
  if (score.pAlive === null || score.expectedPurchases === null || !(score.horizonWeeks > 0)) return null
  const nextQuarter = (score.expectedPurchases * QUARTER_WEEKS) / score.horizonWeeks
  if (score.pAlive >= 0.7 && nextQuarter >= 0.5) return '很可能在未来 3 个月再次购买'
  if (score.pAlive >= 0.7) return '仍是活跃客户，未来 3 个月有可能再次购买'
  if (score.pAlive >= 0.3) return '有流失的迹象，适合主动问候一下'
  return '很可能已经不再购买了'
}

export function referredSentence(count: number): string {
  return count > 0 ? `带来了 ${count} 位顾客` : '还没有带来新顾客'
}

const CHANNEL_WORDS: Readonly<Record<number, string>> = {
  1007: '好友分享的卡片',
  1008: '群里分享的卡片',
  1044: '群里分享的卡片',
  1047: '扫描小程序码',
  1048: '长按小程序码',
  1049: '相册里的小程序码',
  1154: '朋友圈',
}

/** '2026年8月3日 通过群里分享的卡片成为你的客户'; '' without a binding. */
export function boundSentence(boundAt: string | undefined, source: { scene: number } | undefined): string {
  if (!boundAt) return ''
  const how = source ? CHANNEL_WORDS[source.scene] : undefined
  return how ? `${formatDay(boundAt)} 通过${how}成为你的客户` : `${formatDay(boundAt)} 成为你的客户`
}

export function toOrderLine(order: CustomerOrderRow): OrderLine {
  return {
    orderId: order.orderId,
    statusText: ORDER_STATUS_TEXT[order.status as OrderStatus] ?? '处理中',
    totalText: formatFen(order.totalFen),
    itemsText: `${order.itemCount} 件`,
    dateText: formatDateTime(order.paidAt ?? order.createdAt),
  }
}

/** A customer whose orders are all unpaid, cancelled or refunded in full (what a refund leaves). */
const NO_VALID_ORDER = '暂无有效订单（未付款、已取消和已退款的不算）'

export function toDetailView(detail: CustomerDetailResponse): CustomerDetailView {
  const { customer, freshScore, explanation } = detail
  const name = displayName(customer.nickname)
  const sentences: string[] = []
  if (freshScore) {
    const repurchase = repurchaseSentence(freshScore)
    if (repurchase) sentences.push(repurchase)
    const value = valueText(freshScore.clvFen)
    if (value) sentences.push(value)
    if (typeof freshScore.expectedSpendFen === 'number') sentences.push(`每次下单预计消费${formatApproxYuan(freshScore.expectedSpendFen)}`)
  } else {
    // orders listed but none counts (unpaid, cancelled or refunded in full): not "never ordered"
    sentences.push(`${detail.orders.length > 0 ? NO_VALID_ORDER : '还没有下单'}，暂时无法估算价值`)
  }
  sentences.push(referredSentence(detail.referred.length))
  return {
    ...LOADING_DETAIL,
    status: 'ready',
    name,
    initial: [...name][0] ?? '客',
    segmentLabel: freshScore?.segmentLabel ?? customer.segmentLabel ?? '',
    sentences,
    segmentRule: explanation?.segmentRule ?? '',
    purchasesText: customer.paidOrders === 0 && detail.orders.length > 0 ? NO_VALID_ORDER : purchasesText(customer.paidOrders, customer.spendFen),
    boundText: boundSentence(customer.boundAt, customer.bindingSource),
    orders: detail.orders.map(toOrderLine),
    referred: detail.referred.map((r) => ({
      customerId: r.customerId,
      name: displayName(r.nickname),
      text: purchasesText(r.paidOrders, r.spendFen),
    })),
  }
}

export function toDetailErrorView(err: unknown): CustomerDetailView {
  return { ...LOADING_DETAIL, status: 'error', errorMessage: errorMessage(err) }
}
