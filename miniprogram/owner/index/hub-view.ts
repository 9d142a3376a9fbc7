/** Pure parts of the owner's hub: the entries to the owner's pages, the few figures, the refusal state the owner pages share. */
import type { ValueModelSummary } from '../../../typings/store'
import { isApiError } from '../../services/transport'
import { errorMessage } from '../../utils/errors'
import { formatDay } from '../../utils/dates'

export interface HubEntry {
  key: string
  title: string
  hint: string
  url: string
  /** e.g. '2 人待审核'; '' for none. */
  badge: string
}

/** The owner's pages, in the order the hub lists them. */
export const OWNER_ENTRIES: ReadonlyArray<Omit<HubEntry, 'badge'>> = [
  { key: 'products', title: '商品与库存', hint: '上架、图片、价格与库存', url: '/owner/products/index' },
  { key: 'orders', title: '待发货订单', hint: '填写快递单号发货', url: '/owner/orders/index' },
  { key: 'refunds', title: '退款审核', hint: '同意或拒绝顾客的退款申请', url: '/owner/refunds/index' },
  { key: 'withdrawals', title: '佣金提现', hint: '处理销售员的提现申请', url: '/owner/withdrawals/index' },
  { key: 'sellers', title: '销售员', hint: '审核申请、分享政策', url: '/owner/sellers/index' },
  { key: 'customers', title: '全部顾客', hint: '全店顾客与价值', url: '/owner/customers/index' },
  { key: 'settings', title: '店铺设置', hint: '运费、佣金、绑定规则、价值模型', url: '/owner/settings/index' },
]

export interface HubFigures {
  /** Applications waiting (sellers.list answers at most 100). */
  pendingSellers: number
  model: ValueModelSummary | null
  /** Orders paid and not shipped yet (orders.admin.counts); undefined: not known. */
  toShip?: number
  /** Orders with a refund request waiting for the owner (orders.admin.counts). */
  refundsWaiting?: number
}

export interface HubFigure {
  key: string
  label: string
  value: string
}

export interface HubView {
  status: 'loading' | 'ready' | 'error'
  errorMessage: string
  /** False for a refusal that a retry cannot change (not the owner, no identity). */
  canRetry: boolean
  entries: HubEntry[]
  figures: HubFigure[]
}

export const LOADING_HUB: HubView = { status: 'loading', errorMessage: '', canRetry: true, entries: [], figures: [] }

/** sellers.list answers at most this many. */
export const SELLERS_LIST_CAP = 100

const countText = (n: number, cap: number) => (n >= cap ? `${cap}+` : String(n))

/** The badge of each entry that has work waiting: applications, orders to ship, refunds to decide. */
function badgeOf(key: string, figures: HubFigures): string {
  const pending = figures.pendingSellers
  if (key === 'sellers' && pending > 0) return `${countText(pending, SELLERS_LIST_CAP)} 人待审核`
  if (key === 'orders' && figures.toShip) return `${figures.toShip} 单待发货`
  if (key === 'refunds' && figures.refundsWaiting) return `${figures.refundsWaiting} 单售后中`
  return ''
}

export function toHubView(figures: HubFigures): HubView {
  const pending = figures.pendingSellers
  const entries = OWNER_ENTRIES.map((e) => ({ ...e, badge: badgeOf(e.key, figures) }))
  const model = figures.model
  return {
    ...LOADING_HUB,
    status: 'ready',
    entries,
    figures: [
      { key: 'pendingSellers', label: '待审核销售员', value: countText(pending, SELLERS_LIST_CAP) },
      { key: 'customers', label: '已购顾客', value: model ? String(model.customers) : '—' },
      { key: 'repeatCustomers', label: '回头客', value: model ? String(model.repeatCustomers) : '—' },
      { key: 'fittedAt', label: '价值模型更新', value: model ? formatDay(model.fittedAt) : '尚未拟合' },
    ],
  }
}

/** Refusals a retry cannot change: the owner pages show them without a retry button. */
const FINAL_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED'])

/** The error state of an owner page: the typed refusal in Chinese, and whether retrying makes sense. */
export function ownerErrorView(err: unknown): { status: 'error'; errorMessage: string; canRetry: boolean } {
  return { status: 'error', errorMessage: errorMessage(err), canRetry: !(isApiError(err) && FINAL_CODES.has(err.code)) }
}
