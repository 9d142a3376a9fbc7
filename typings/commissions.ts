/**
 * The `commissions` function's actions: a seller's commission ledger (summary and entries),
 * withdrawal requests, and the owner's view and decisions. Money is integer fen; times are ISO
 * strings. Type-only.
 */

/** A ledger entry: `pending` until its order is completed plus the cooling-off period, then `withdrawable`; `reversed` once refunds took all of it back. */
export type CommissionStatus = 'pending' | 'withdrawable' | 'reversed'

/** A withdrawal request: `requested`, then `paid` (the owner paid it outside the app) or `rejected` (the money went back to the balance). */
export type WithdrawalStatus = 'requested' | 'paid' | 'rejected'

/**
 * A seller's counters. Always credited = pending + balance + requested + withdrawn + reversed.
 * `balanceFen` is matured credit not yet requested, after reversals: negative when a refund came
 * after the money was withdrawn (the seller owes it back; nothing can be withdrawn meanwhile).
 */
export interface CommissionAccount {
  /** Every credit ever made. */
  creditedFen: number
  /** Credits of orders not yet completed plus cooling-off (after reversals). */
  pendingFen: number
  balanceFen: number
  /** In open withdrawal requests. */
  requestedFen: number
  /** Paid out by the owner. */
  withdrawnFen: number
  /** Taken back by refunds. */
  reversedFen: number
}

export interface CommissionSummary extends CommissionAccount {
  sellerId: string
  sellerName: string
  /** What a withdrawal may ask for now: the balance when positive, else 0. */
  withdrawableFen: number
  /** The store's terms now (each entry keeps the terms of its own sale). */
  terms: { rateBps: number; coolingOffDays: number }
}

export interface CommissionRefundView {
  refundId: string
  /** Goods value this refund returned. */
  goodsFen: number
  /** Commission it took back. */
  reversedFen: number
  /** Where the money was taken from. */
  from: 'pending' | 'withdrawable'
  at: string
}

export interface CommissionEntryView {
  entryId: string
  orderId: string
  status: CommissionStatus
  /** The order's goods value (shipping excluded) the commission is on. */
  baseFen: number
  /** The store's rate when the order was paid. */
  rateBps: number
  /** floor(baseFen x rateBps / 10000). */
  amountFen: number
  reversedFen: number
  /** amountFen - reversedFen. */
  remainingFen: number
  coolingOffDays: number
  creditedAt: string
  maturedAt?: string
  refunds: CommissionRefundView[]
}

export interface WithdrawalView {
  withdrawalId: string
  sellerId: string
  amountFen: number
  status: WithdrawalStatus
  requestedAt: string
  paidAt?: string
  rejectedAt?: string
  /** The owner's payment reference (e.g. a transfer number), when marked paid. */
  reference?: string
  /** Why the owner rejected it. */
  reason?: string
}

export interface CommissionsApi {
  /** The caller's account (a seller), or any seller's (an owner naming `sellerId`). */
  summary: {
    request: { sellerId?: string }
    response: { summary: CommissionSummary }
  }
  /** Ledger entries, newest credit first, optionally of one status; pass `nextCursor` back as `cursor`. */
  entries: {
    request: { sellerId?: string; status?: CommissionStatus; cursor?: string; pageSize?: number }
    response: { entries: CommissionEntryView[]; nextCursor: string | null }
  }
  /**
   * Asks for `amountFen` of the balance once per client `requestId` (a retry answers the same
   * request). Refused with INSUFFICIENT_BALANCE above the balance, or while it is negative.
   */
  'withdrawals.request': {
    request: { requestId: string; amountFen: number }
    response: { withdrawal: WithdrawalView; summary: CommissionSummary }
  }
  /** A seller's own requests; an owner's of one seller or of everyone; newest first. */
  'withdrawals.list': {
    request: { sellerId?: string; status?: WithdrawalStatus; cursor?: string; pageSize?: number }
    response: { withdrawals: WithdrawalView[]; nextCursor: string | null }
  }
  /** Owner only: the request was paid outside the app. A repeat answers the paid request; a rejected one is INVALID_TRANSITION. */
  'withdrawals.markPaid': {
    request: { withdrawalId: string; reference?: string }
    response: { withdrawal: WithdrawalView }
  }
  /** Owner only: the money goes back to the seller's balance. A repeat answers the rejected request; a paid one is INVALID_TRANSITION. */
  'withdrawals.reject': {
    request: { withdrawalId: string; reason?: string }
    response: { withdrawal: WithdrawalView }
  }
}
