/**
 * The shares funnel of one seller, computed from the records of one period: shares made, their
 * opens by channel, customers bound, paid orders and revenue; in total, per product, per group.
 * Pure: the caller loads the records (index ranges) and passes them in.
 */
import type { CountedFunnel, FunnelCounts, ShareChannel, ShareEventChannel } from '../../typings/referral'

export interface FunnelShare {
  channel: ShareEventChannel
  productId?: string
}

export interface FunnelOpen {
  channel: ShareChannel
  productId?: string
  groupId?: string
  bound: boolean
}

export interface FunnelOrder {
  totalFen: number
  lines: ReadonlyArray<{ productId: string; amountFen: number }>
  /** The group the buyer was bound through, if any. */
  groupId?: string
}

const zero = (): FunnelCounts => ({ shares: 0, opens: 0, bound: 0, paidOrders: 0, revenueFen: 0 })

const SHARE_CHANNELS: ShareEventChannel[] = ['card', 'chat', 'group', 'moments', 'code']
const OPEN_CHANNELS: ShareChannel[] = ['chat', 'group', 'moments', 'code', 'other']

/** Adds up one period's shares, opens and paid orders of a seller into its funnel. */
export function buildFunnel(
  period: { sellerId: string; from: string; to: string; truncated: boolean },
  shares: readonly FunnelShare[],
  opens: readonly FunnelOpen[],
  orders: readonly FunnelOrder[],
): CountedFunnel {
  const total = {
    ...zero(),
    sharesByChannel: Object.fromEntries(SHARE_CHANNELS.map((c) => [c, 0])) as Record<ShareEventChannel, number>,
    opensByChannel: Object.fromEntries(OPEN_CHANNELS.map((c) => [c, 0])) as Record<ShareChannel, number>,
  }
  const products = new Map<string, FunnelCounts>()
  const groups = new Map<string, Omit<FunnelCounts, 'shares'>>()
  const product = (id: string) => products.get(id) ?? (products.set(id, zero()), products.get(id)!)
  const group = (id: string) => groups.get(id) ?? (groups.set(id, { opens: 0, bound: 0, paidOrders: 0, revenueFen: 0 }), groups.get(id)!)

  for (const share of shares) {
    total.shares++
    total.sharesByChannel[share.channel]++
    if (share.productId) product(share.productId).shares++
  }
  for (const open of opens) {
    total.opens++
    total.opensByChannel[open.channel]++
    if (open.bound) total.bound++
    if (open.productId) {
      const p = product(open.productId)
      p.opens++
      if (open.bound) p.bound++
    }
    if (open.groupId) {
      const g = group(open.groupId)
      g.opens++
      if (open.bound) g.bound++
    }
  }
  for (const order of orders) {
    total.paidOrders++
    total.revenueFen += order.totalFen
    const amounts = new Map<string, number>()
    for (const line of order.lines) amounts.set(line.productId, (amounts.get(line.productId) ?? 0) + line.amountFen)
    for (const [productId, amountFen] of amounts) {
      const p = product(productId)
      p.paidOrders++
      p.revenueFen += amountFen
    }
    if (order.groupId) {
      const g = group(order.groupId)
      g.paidOrders++
      g.revenueFen += order.totalFen
    }
  }
  const byRevenue = <T extends { revenueFen: number; opens: number }>(a: [string, T], b: [string, T]) =>
    b[1].revenueFen - a[1].revenueFen || b[1].opens - a[1].opens || (a[0] < b[0] ? -1 : 1)
  return {
    sellerId: period.sellerId,
    from: period.from,
    to: period.to,
    total,
    byProduct: [...products].sort(byRevenue).map(([productId, counts]) => ({ productId, ...counts })),
    byGroup: [...groups].sort(byRevenue).map(([groupId, counts]) => ({ groupId, ...counts })),
    truncated: period.truncated,
  }
}
