/**
 * The `customers` function's actions: a seller's "My customers" list and one customer's view.
 * Money is integer fen; days are store days 'YYYY-MM-DD'. Type-only.
 */
import type { CustomerScore, SegmentCode } from './value'

/** What the list is ordered by, always descending, ties by customer id ascending. */
export type CustomerSortKey = 'clv' | 'recency' | 'spend'

export interface CustomerRow {
  customerId: string
  nickname?: string
  /** `cloud://` fileID of the avatar. */
  avatarUrl?: string
  /** Paid orders and spend as the payment callback recorded them (refunds recompute them: a fully refunded order is no purchase). */
  paidOrders: number
  spendFen: number
  /** Paid orders that were refunded in full. */
  refundedOrders: number
  /** Store day of the latest paid purchase; absent for a customer who has not bought yet. */
  lastPurchaseDay?: string
  /** The stored score (kept by the payment callback and the nightly rescore); null before a first purchase. */
  pAlive: number | null
  expectedPurchases: number | null
  /** Expected spend per future purchase-day. */
  expectedSpendFen: number | null
  clvFen: number | null
  /** Customer referral value, when the nightly job has stored one. */
  referralValueFen: number | null
  segment: SegmentCode | null
  segmentLabel: string | null
  scoredAt: string | null
  /** ISO time of the binding to the seller. */
  boundAt?: string
}

export interface ListCustomersRequest {
  sort: CustomerSortKey
  segment?: SegmentCode
  /** Part of a nickname, case-insensitive. */
  nickname?: string
  /** The previous page's `nextCursor`, opaque; only valid with the same sort. */
  cursor?: string
  /** 1..50, default 20. */
  pageSize?: number
  /** Owners only: one seller's customers; an owner who gives none sees every customer. */
  sellerId?: string
}

export interface ListCustomersResponse {
  customers: CustomerRow[]
  /** Null on the last page. */
  nextCursor: string | null
}

export interface CustomerOrderRow {
  orderId: string
  status: string
  totalFen: number
  itemCount: number
  /** Epoch ms. */
  createdAt: number
  paidAt: number | null
}

/** A fresh score in words: which segment rule holds, and the figures behind it. */
export interface ScoreExplanation {
  /** The segment rule that put the customer where they are, in Chinese, for the seller. */
  segmentRule: string
  /** e.g. "仍是活跃客户的概率 82%". Null without a model (RFM cold start). */
  pAlive: string | null
  /** e.g. "未来 52 周预计购买 1.4 天". Null without a model. */
  expectedPurchases: string | null
}

export interface ReferredCustomer {
  customerId: string
  nickname?: string
  /** ISO time of their binding. */
  boundAt?: string
  paidOrders: number
  spendFen: number
}

export interface CustomerDetailResponse {
  customer: CustomerRow & { sellerId?: string; bindingSource?: { code: string; scene: number; groupId?: string } }
  /** This customer's orders credited to the seller (all of theirs for an owner looking at every customer), newest first, at most 50. */
  orders: CustomerOrderRow[]
  stats: { firstPurchaseDay: string; lastPurchaseDay: string; repeatPurchaseDays: number; firstDaySpendFen: number; repeatSpendFen: number } | null
  /** Scored now with the store's current model; null before a first purchase. */
  freshScore: CustomerScore | null
  explanation: ScoreExplanation | null
  /** Customers bound through this customer's own forwarded code (one level; still credited to their seller). */
  referred: ReferredCustomer[]
}

export interface CustomersApi {
  /** The customers bound to the calling seller, by value, recency or spend; cursor-paginated. */
  list: { request: ListCustomersRequest; response: ListCustomersResponse }
  /** One of the calling seller's customers: orders with the seller, statistics, a fresh score explained, whom they referred. */
  detail: { request: { customerId: string; sellerId?: string }; response: CustomerDetailResponse }
}
