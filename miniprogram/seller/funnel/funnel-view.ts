/**
 * Pure mappers from the shares funnel to what a seller reads: every number with what it counts,
 * opens by where they came from as bars, per product and per group, and how to start when there
 * is nothing yet.
 */
import type { ShareChannel, SharesFunnel } from '../../../typings/referral'
import { formatDay } from '../../utils/dates'
import { errorMessage } from '../../utils/errors'
import { formatFen } from '../../utils/money'

/** The periods a seller picks from; the API reads at most 92 days. */
export const PERIODS: ReadonlyArray<{ days: number; label: string }> = [
  { days: 7, label: '近 7 天' },
  { days: 30, label: '近 30 天' },
  { days: 90, label: '近 90 天' },
]

/** The server's default period (no `from`/`to` sent). */
export const DEFAULT_PERIOD_DAYS = 30

/** Where opens came from, in the order a seller shares. */
const SCENES: ReadonlyArray<{ channel: ShareChannel; label: string }> = [
  { channel: 'chat', label: '聊天' },
  { channel: 'group', label: '群聊' },
  { channel: 'moments', label: '朋友圈' },
  { channel: 'code', label: '小程序码' },
  { channel: 'other', label: '其他' },
]

export interface FunnelStep {
  key: string
  label: string
  value: string
  /** What the number counts, in plain words. */
  meaning: string
}

export interface SceneBar {
  channel: ShareChannel
  label: string
  count: number
  /** Bar length, 0-100 (% of the busiest scene); a scene with opens shows at least a sliver. */
  percent: number
}

export interface ProductRow {
  productId: string
  name: string
  /** '分享 2 次 · 打开 3 次 · 新客户 1 位' */
  activityText: string
  /** '成交 2 单 · ¥240.00' or '还没有成交'. */
  salesText: string
}

export interface GroupRow {
  groupId: string
  /** '群 1', '群 2'... in the API's order (most revenue first). */
  label: string
  activityText: string
  salesText: string
}

export type FunnelStatus = 'loading' | 'ready' | 'empty' | 'error'

export interface FunnelView {
  status: FunnelStatus
  errorMessage: string
  /** '2026年10月29日 至 2026年11月27日' */
  periodText: string
  steps: FunnelStep[]
  /** Conversion in a sentence: '30 次打开带来了 6 位新客户，成交 4 单'. */
  summaryText: string
  scenes: SceneBar[]
  products: ProductRow[]
  groups: GroupRow[]
  /** Set when the period held more records than one answer reads. */
  truncatedText: string
}

export const LOADING_FUNNEL: FunnelView = {
  status: 'loading',
  errorMessage: '',
  periodText: '',
  steps: [],
  summaryText: '',
  scenes: [],
  products: [],
  groups: [],
  truncatedText: '',
}

/** The `from` day `days` store days up to and including `to` ('YYYY-MM-DD'), by the calendar (no time zone involved). */
export function periodStart(to: string, days: number): string {
  const [y, m, d] = to.split('-').map(Number)
  const start = new Date(Date.UTC(y, m - 1, d - (days - 1)))
  return start.toISOString().slice(0, 10)
}

function activityText(counts: { shares?: number; opens: number; bound: number }): string {
  const parts = [`打开 ${counts.opens} 次`, `新客户 ${counts.bound} 位`]
  if (counts.shares !== undefined) parts.unshift(`分享 ${counts.shares} 次`)
  return parts.join(' · ')
}

function salesText(counts: { paidOrders: number; revenueFen: number }): string {
  return counts.paidOrders > 0 ? `成交 ${counts.paidOrders} 单 · ${formatFen(counts.revenueFen)}` : '还没有成交'
}

export function toSceneBars(opensByChannel: Record<ShareChannel, number>): SceneBar[] {
  const max = Math.max(0, ...SCENES.map((s) => opensByChannel[s.channel] ?? 0))
  return SCENES.filter((s) => s.channel !== 'other' || (opensByChannel.other ?? 0) > 0).map((s) => {
    const count = opensByChannel[s.channel] ?? 0
    return { channel: s.channel, label: s.label, count, percent: count === 0 ? 0 : Math.max(2, Math.round((count / max) * 100)) }
  })
}

function summaryText(total: SharesFunnel['total']): string {
  if (total.opens === 0) return total.shares > 0 ? `分享了 ${total.shares} 次，还没有人打开` : ''
  const orders = total.paidOrders > 0 ? `，成交 ${total.paidOrders} 单` : '，还没有成交'
  return `${total.opens} 次打开带来了 ${total.bound} 位新客户${orders}`
}

/** What a product the store has deleted since is called in the funnel (the API names every product that still exists). */
export const GONE_PRODUCT_NAME = '已删除的商品'

/** The funnel on screen, each product by the name the API gives it. */
export function toFunnelView(funnel: SharesFunnel): FunnelView {
  const { total } = funnel
  const nothing = total.shares === 0 && total.opens === 0 && total.paidOrders === 0
  return {
    ...LOADING_FUNNEL,
    status: nothing ? 'empty' : 'ready',
    periodText: `${formatDay(funnel.from)} 至 ${formatDay(funnel.to)}`,
    steps: [
      { key: 'shares', label: '分享', value: String(total.shares), meaning: '你发出的分享卡片和海报（含顾客转发你的分享）' },
      { key: 'opens', label: '打开', value: String(total.opens), meaning: '朋友点开你的分享的次数' },
      { key: 'bound', label: '新客户', value: String(total.bound), meaning: '因打开你的分享而成为你的客户的人' },
      { key: 'orders', label: '成交订单', value: String(total.paidOrders), meaning: '你的客户在这段时间付款的订单（已退款的不算）' },
      { key: 'revenue', label: '成交金额', value: formatFen(total.revenueFen), meaning: '这些订单的实付金额（含运费）' },
    ],
    summaryText: summaryText(total),
    scenes: toSceneBars(total.opensByChannel),
    products: funnel.byProduct.map((p) => ({ productId: p.productId, name: p.name ?? GONE_PRODUCT_NAME, activityText: activityText(p), salesText: salesText(p) })),
    groups: funnel.byGroup.map((g, i) => ({ groupId: g.groupId, label: `群 ${i + 1}`, activityText: activityText(g), salesText: salesText(g) })),
    truncatedText: funnel.truncated ? '这段时间的记录太多，以上数字只统计了一部分，实际只多不少。可以选短一些的时间段查看。' : '',
  }
}

export function toFunnelErrorView(err: unknown): FunnelView {
  return { ...LOADING_FUNNEL, status: 'error', errorMessage: errorMessage(err) }
}
