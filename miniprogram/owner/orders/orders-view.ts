/** Pure mappers for the owner's order desk: status tabs, order cards, the ship sheet. */
import type { AdminOrderView, OrderLine, OrderStatus, RefundState } from '../../../typings/orders'
import { formatDateTime } from '../../utils/dates'
import { formatFen } from '../../utils/money'
import { addressLine } from '../../utils/address'

export const ORDER_TABS: ReadonlyArray<{ status: OrderStatus; label: string }> = [
  { status: 'paid', label: '待发货' },
  { status: 'shipped', label: '已发货' },
  { status: 'completed', label: '已完成' },
  { status: 'refund_requested', label: '售后中' },
  { status: 'refunded', label: '已退款' },
  { status: 'cancelled', label: '已取消' },
]

/** WeChat's delivery company ids (get_delivery_list) of the common carriers, as the picker lists them. */
export const CARRIERS: ReadonlyArray<{ id: string; name: string }> = [
  { id: 'SF', name: '顺丰' },
  { id: 'ZTO', name: '中通' },
  { id: 'YTO', name: '圆通' },
  { id: 'YD', name: '韵达' },
  { id: 'STO', name: '申通' },
  { id: 'EMS', name: '邮政' },
  { id: 'JD', name: '京东' },
]

export function carrierName(id: string): string {
  return CARRIERS.find((c) => c.id === id)?.name ?? id
}

const STATUS_TEXT: Record<OrderStatus, string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '已发货',
  completed: '已完成',
  cancelled: '已取消',
  refund_requested: '售后中',
  refunded: '已退款',
}

export const REFUND_STATE_TEXT: Record<RefundState, string> = {
  requested: '待处理',
  approved: '退款中',
  succeeded: '已退款',
  rejected: '已拒绝',
  withdrawn: '已撤回',
}

export interface LineView {
  key: string
  name: string
  spec: string
  quantityText: string
  amountText: string
}

export interface OrderCard {
  id: string
  status: OrderStatus
  statusText: string
  createdText: string
  buyerText: string
  /** Who receives it and where ('无收货地址' for an order created without one). */
  addressText: string
  lines: LineView[]
  totalText: string
  shippingFeeText: string
  canShip: boolean
  /** '顺丰 SF123…' once shipped, '' before. */
  shippingText: string
  /** Whether WeChat's shipping management has the upload ('' before shipping). */
  uploadText: string
  refundedText: string
}

export function toLineView(line: OrderLine): LineView {
  return { key: line.skuId, name: line.name, spec: line.spec, quantityText: `× ${line.quantity}`, amountText: formatFen(line.amountFen) }
}

/** The buyer by the nickname of their profile; without one, by their openid (first and last characters). */
export function buyerText(openid: string, nickname: string | null = null): string {
  if (nickname) return `买家 ${nickname}`
  return openid.length > 12 ? `买家 ${openid.slice(0, 6)}…${openid.slice(-4)}` : `买家 ${openid}`
}

export function toOrderCard(order: AdminOrderView): OrderCard {
  return {
    id: order._id,
    status: order.status,
    statusText: STATUS_TEXT[order.status],
    createdText: formatDateTime(order.createdAt),
    buyerText: buyerText(order.buyerOpenid, order.buyerNickname),
    addressText: addressLine(order.address),
    lines: order.lines.map(toLineView),
    totalText: formatFen(order.totalFen),
    shippingFeeText: order.shippingFen > 0 ? `含运费 ${formatFen(order.shippingFen)}` : '包邮',
    canShip: order.status === 'paid',
    shippingText: order.shipping ? `${carrierName(order.shipping.carrier)} ${order.shipping.trackingNo}` : '',
    uploadText: order.shipping ? (order.shipping.uploaded ? '已同步微信发货信息' : '微信发货信息同步中') : '',
    refundedText: order.refundedFen > 0 ? `已退款 ${formatFen(order.refundedFen)}` : '',
  }
}

export interface ShipSheet {
  orderId: string
  carrierIndex: number
  trackingNo: string
}

export type ShipResult = { ok: true; carrier: string; trackingNo: string } | { ok: false; message: string }

/** The ship sheet as admin.ship's fields (the API takes 4-64 letters, digits or '-'), or what to fix. */
export function toShipment(sheet: ShipSheet): ShipResult {
  const carrier = CARRIERS[sheet.carrierIndex]
  if (!carrier) return { ok: false, message: '请选择快递公司' }
  const trackingNo = sheet.trackingNo.replace(/\s+/g, '')
  if (!trackingNo) return { ok: false, message: '请填写或扫描快递单号' }
  if (!/^[A-Za-z0-9-]{4,64}$/.test(trackingNo)) return { ok: false, message: '快递单号应为 4-64 位字母或数字' }
  return { ok: true, carrier: carrier.id, trackingNo: trackingNo.toUpperCase() }
}
