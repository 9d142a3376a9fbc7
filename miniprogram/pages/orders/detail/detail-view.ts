/** Pure parts of the order detail: status, timeline, lines and totals, the actions each status allows, the expiry countdown and the refund form. */
import type { AfterSaleOrderView, OrderStatus, RefundLineRequest, RefundState, RefundView } from '../../../../typings/orders'
import { isApiError } from '../../../services/transport'
import { formatDateTime } from '../../../utils/dates'
import { errorMessage } from '../../../utils/errors'
import { formatFen } from '../../../utils/money'
import { addressLine } from '../../../utils/address'
import { STATUS_LABELS } from '../orders-view'

/** WeChat's delivery company ids the owner ships with, as shoppers know them. */
const CARRIERS: Readonly<Record<string, string>> = {
  SF: '顺丰速运',
  ZTO: '中通快递',
  YTO: '圆通速递',
  STO: '申通快递',
  YD: '韵达速递',
  JD: '京东物流',
  EMS: 'EMS',
  JTSD: '极兔速递',
  DBL: '德邦快递',
  YZPY: '邮政快递包裹',
}

export function carrierName(carrier: string): string {
  return CARRIERS[carrier] ?? carrier
}

export const REFUND_STATE_LABELS: Readonly<Record<RefundState, string>> = {
  requested: '等待商家处理',
  approved: '商家已同意，退款中',
  succeeded: '退款成功',
  rejected: '商家已拒绝',
  withdrawn: '已撤回',
}

export interface TimelineEntry {
  key: string
  title: string
  timeText: string
  /** Carrier and tracking number, amounts, reasons ('' for none). */
  detail: string
}

interface Dated extends TimelineEntry {
  at: number
}

function linesText(order: Pick<AfterSaleOrderView, 'lines'>, refund: Pick<RefundView, 'lines'>): string {
  return refund.lines
    .map((rl) => {
      const line = order.lines.find((l) => l.skuId === rl.skuId)
      return `${line?.name ?? rl.skuId}${line?.spec ? `（${line.spec}）` : ''} ×${rl.quantity}`
    })
    .join('、')
}

/** What happened to the order, newest first: created, paid, shipped (carrier, tracking number), completed, cancelled, and each refund's request, decision and success. */
export function timelineOf(order: AfterSaleOrderView): TimelineEntry[] {
  const events: Dated[] = []
  const add = (key: string, at: number | null, title: string, detail = '') => {
    if (at !== null && at > 0) events.push({ key, at, title, timeText: formatDateTime(at), detail })
  }
  add('created', order.createdAt, '提交订单')
  add('paid', order.paidAt, '付款成功', `实付 ${formatFen(order.totalFen)}`)
  add('shipped', order.shippedAt, '商家已发货', order.shipping ? `${carrierName(order.shipping.carrier)} ${order.shipping.trackingNo}` : '')
  // the API does not say whether the buyer confirmed or the timer completed it after autoCompleteDays
  add('completed', order.completedAt, '交易完成')
  add('cancelled', order.cancelledAt, '订单已取消')
  order.refunds.forEach((r, i) => {
    add(`refund-${i}-requested`, r.requestedAt, `申请退款 ${formatFen(r.refundFen)}`, `${linesText(order, r)}；原因：${r.reason}`)
    if (r.state === 'withdrawn') add(`refund-${i}-withdrawn`, r.decidedAt, '已撤回退款申请')
    else if (r.state === 'rejected') add(`refund-${i}-rejected`, r.decidedAt, '商家拒绝退款', r.rejectReason ?? '')
    else add(`refund-${i}-approved`, r.decidedAt, '商家同意退款', '退款将原路退回微信支付')
    add(`refund-${i}-succeeded`, r.succeededAt, `退款成功 ${formatFen(r.refundFen)}`, '已退回微信支付')
  })
  // stable: events at the same instant keep the order they happen in
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.at - a.e.at || b.i - a.i)
    .map(({ e: { key, title, timeText, detail } }) => ({ key, title, timeText, detail }))
}

/** Units of each SKU refunded or being refunded (requests not rejected or withdrawn). */
function unitsTaken(order: Pick<AfterSaleOrderView, 'refunds'>): Map<string, number> {
  const taken = new Map<string, number>()
  for (const r of order.refunds) {
    if (r.state === 'rejected' || r.state === 'withdrawn') continue
    for (const l of r.lines) taken.set(l.skuId, (taken.get(l.skuId) ?? 0) + l.quantity)
  }
  return taken
}

/** Each line's units still paid for (what a refund can still take). */
export function unitsLeft(order: Pick<AfterSaleOrderView, 'lines' | 'refunds'>): Map<string, number> {
  const taken = unitsTaken(order)
  const left = new Map<string, number>()
  for (const l of order.lines) left.set(l.skuId, (left.get(l.skuId) ?? 0) + l.quantity)
  for (const [skuId, n] of taken) left.set(skuId, Math.max(0, (left.get(skuId) ?? 0) - n))
  return left
}

export type DetailActionKind = 'pay' | 'cancel' | 'confirm' | 'refund' | 'withdraw'

export interface DetailAction {
  kind: DetailActionKind
  text: string
  primary: boolean
}

const ACTION_TEXT: Readonly<Record<DetailActionKind, string>> = { pay: '去支付', cancel: '取消订单', confirm: '确认收货', refund: '申请退款', withdraw: '撤回退款申请' }
const REFUNDABLE: ReadonlySet<OrderStatus> = new Set(['paid', 'shipped', 'completed'])

/**
 * What the shopper may do with the order at `now`: pay (until it expires) or cancel an unpaid
 * order; confirm a shipped one; ask for a refund of a paid, shipped or completed order while
 * units are left; withdraw a request the owner has not decided. The primary action comes last.
 */
export function actionsFor(order: AfterSaleOrderView, now: number): DetailAction[] {
  const kinds: DetailActionKind[] = []
  if (order.status === 'pending_payment') {
    kinds.push('cancel')
    if (now < order.expiresAt) kinds.push('pay')
  }
  if (REFUNDABLE.has(order.status) && [...unitsLeft(order).values()].some((n) => n > 0)) kinds.push('refund')
  if (order.status === 'shipped') kinds.push('confirm')
  if (order.status === 'refund_requested' && order.refunds[order.refunds.length - 1]?.state === 'requested') kinds.push('withdraw')
  return kinds.map((kind, i) => ({ kind, text: ACTION_TEXT[kind], primary: i === kinds.length - 1 && kind !== 'cancel' && kind !== 'withdraw' }))
}

/** '剩余 29:59 后自动取消' until `expiresAt`, then that it is closing. */
export function countdownText(expiresAt: number, now: number): string {
  const left = Math.floor((expiresAt - now) / 1000)
  if (left <= 0) return '支付已超时，订单即将关闭'
  const h = Math.floor(left / 3600)
  const m = Math.floor((left % 3600) / 60)
  const s = left % 60
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
  return `剩余 ${h > 0 ? `${h}:` : ''}${mmss} 后自动取消`
}

/** One sentence under the status: what the order waits for. */
export function statusHint(order: AfterSaleOrderView): string {
  const last = order.refunds[order.refunds.length - 1]
  switch (order.status) {
    case 'pending_payment':
      return '请尽快支付，超时订单将自动取消'
    case 'paid':
      return '商家正在备货，发货后可查看物流单号'
    case 'shipped':
      return order.shipping ? `${carrierName(order.shipping.carrier)} ${order.shipping.trackingNo}` : '商家已发货'
    case 'completed':
      return order.refundedFen > 0 ? `交易完成，已退款 ${formatFen(order.refundedFen)}` : '交易完成，感谢你的购买'
    case 'refund_requested':
      return last?.state === 'approved' ? '商家已同意退款，款项将原路退回' : '退款申请已提交，等待商家处理'
    case 'refunded':
      return `已退款 ${formatFen(order.refundedFen)}，款项已原路退回`
    case 'cancelled':
      return '订单已取消'
  }
}

export interface DetailLine {
  skuId: string
  name: string
  spec: string
  priceText: string
  quantity: number
  amountText: string
  /** A displayable URL ('' for none). */
  image: string
}

export interface RefundCard {
  no: string
  stateText: string
  state: RefundState
  amountText: string
  linesText: string
  reason: string
  rejectReason: string
  timeText: string
}

export interface RefundFormLine {
  skuId: string
  name: string
  spec: string
  /** Units still paid for. */
  max: number
  quantity: number
}

/** The refund form: the whole order, or chosen lines and units; a preset reason and an optional note. */
export interface RefundForm {
  mode: 'all' | 'lines'
  lines: RefundFormLine[]
  /** Index into REFUND_REASONS, -1 until chosen. */
  reasonIndex: number
  note: string
  /** One id per submission, kept across retries of it. */
  requestId: string
}

export const REFUND_REASONS: readonly string[] = ['不想要了', '商品与描述不符', '质量问题', '少件或漏发', '未收到货', '其他']

export type DetailStatus = 'loading' | 'ready' | 'notFound' | 'error'

export interface OrderDetailView {
  status: DetailStatus
  errorMessage: string
  orderId: string
  orderStatus: OrderStatus | ''
  statusText: string
  statusHint: string
  /** The unpaid order's countdown ('' otherwise). */
  countdownText: string
  createdText: string
  lines: DetailLine[]
  itemsText: string
  shippingText: string
  /** Who receives it and where ('' for an order created without an address). */
  addressText: string
  totalText: string
  /** '' while unpaid. */
  paidText: string
  /** '' while nothing is refunded. */
  refundedText: string
  timeline: TimelineEntry[]
  refunds: RefundCard[]
  actions: DetailAction[]
  /** An action is running. */
  busy: boolean
  /** The refund form while it is open. */
  form: RefundForm | null
  reasons: readonly string[]
}

export const LOADING_ORDER_DETAIL: OrderDetailView = {
  status: 'loading',
  errorMessage: '',
  orderId: '',
  orderStatus: '',
  statusText: '',
  statusHint: '',
  countdownText: '',
  createdText: '',
  lines: [],
  itemsText: '',
  shippingText: '',
  addressText: '',
  totalText: '',
  paidText: '',
  refundedText: '',
  timeline: [],
  refunds: [],
  actions: [],
  busy: false,
  form: null,
  reasons: REFUND_REASONS,
}

export function toRefundCard(order: AfterSaleOrderView, r: RefundView): RefundCard {
  return {
    no: r.outRefundNo,
    stateText: REFUND_STATE_LABELS[r.state],
    state: r.state,
    amountText: formatFen(r.refundFen),
    linesText: linesText(order, r) + (r.shippingFen > 0 ? `、运费 ${formatFen(r.shippingFen)}` : ''),
    reason: r.reason,
    rejectReason: r.rejectReason ?? '',
    timeText: formatDateTime(r.requestedAt),
  }
}

/** The ready page for `order` at `now`; `images` are displayable URLs per line ('' for none). */
export function toOrderDetailView(order: AfterSaleOrderView, images: string[], now: number): Omit<OrderDetailView, 'busy' | 'form' | 'reasons'> {
  return {
    status: 'ready',
    errorMessage: '',
    orderId: order._id,
    orderStatus: order.status,
    statusText: STATUS_LABELS[order.status],
    statusHint: statusHint(order),
    countdownText: order.status === 'pending_payment' ? countdownText(order.expiresAt, now) : '',
    createdText: formatDateTime(order.createdAt),
    lines: order.lines.map((l, i) => ({ skuId: l.skuId, name: l.name, spec: l.spec, priceText: formatFen(l.priceFen), quantity: l.quantity, amountText: formatFen(l.amountFen), image: images[i] ?? '' })),
    itemsText: formatFen(order.itemsFen),
    shippingText: order.shippingFen > 0 ? formatFen(order.shippingFen) : '免运费',
    addressText: order.address ? addressLine(order.address) : '',
    totalText: formatFen(order.totalFen),
    paidText: order.paidAt !== null ? formatFen(order.totalFen) : '',
    refundedText: order.refundedFen > 0 ? formatFen(order.refundedFen) : '',
    timeline: timelineOf(order),
    refunds: order.refunds.map((r) => toRefundCard(order, r)).reverse(),
    actions: actionsFor(order, now),
  }
}

export const NOT_FOUND_ORDER_DETAIL: OrderDetailView = { ...LOADING_ORDER_DETAIL, status: 'notFound', errorMessage: '订单不存在或不属于你' }

/** A missing order, or another buyer's, is the not-found state; anything else the error state. Neither shows any order data. */
export function toDetailErrorView(err: unknown): OrderDetailView {
  if (isApiError(err) && err.code === 'ORDER_NOT_FOUND') return { ...NOT_FOUND_ORDER_DETAIL }
  return { ...LOADING_ORDER_DETAIL, status: 'error', errorMessage: errorMessage(err) }
}

/** A fresh refund form for the order: every line with units left, none chosen yet. */
export function openRefundForm(order: AfterSaleOrderView, requestId: string): RefundForm {
  const left = unitsLeft(order)
  const lines: RefundFormLine[] = []
  for (const l of order.lines) {
    const max = left.get(l.skuId) ?? 0
    if (max > 0 && !lines.some((f) => f.skuId === l.skuId)) lines.push({ skuId: l.skuId, name: l.name, spec: l.spec, max, quantity: 0 })
  }
  return { mode: 'all', lines, reasonIndex: -1, note: '', requestId }
}

/** The line's units after a stepper tap, kept within 0..max. */
export function clampRefundQuantity(quantity: number, max: number): number {
  if (!Number.isFinite(quantity)) return 0
  return Math.max(0, Math.min(max, Math.floor(quantity)))
}

/** What refund.request is sent for the form, or what the shopper must still fill in. */
export function refundRequestOf(form: RefundForm): { reason: string; lines?: RefundLineRequest[] } | { missing: string } {
  const preset = REFUND_REASONS[form.reasonIndex]
  if (!preset) return { missing: '请选择退款原因' }
  const note = form.note.trim()
  const reason = (note ? `${preset}：${note}` : preset).slice(0, 200)
  if (form.mode === 'all') return { reason }
  const lines = form.lines.filter((l) => l.quantity > 0).map((l) => ({ skuId: l.skuId, quantity: l.quantity }))
  if (lines.length === 0) return { missing: '请选择要退款的商品和数量' }
  return { reason, lines }
}
