/**
 * `commissions`: a seller's commission ledger (summary, entries), withdrawal requests, and the
 * owner's view and decisions; its timer matures pending credits. Identity only from the
 * platform context: a seller is the caller's own `sellers` record, owners only from OWNER_OPENIDS.
 * The credit itself is made by the paid transition, and reversed by a refund's transaction
 * (backend/commission.ts creditCommission / reverseCommission).
 */
import { z } from 'zod'
import { isTimerCall, type FunctionContext } from '../../backend/cloud'
import {
  commissionSummary,
  decideWithdrawal,
  ledgerSeller,
  listEntries,
  listWithdrawals,
  matureDueCommissions,
  MAX_PAGE_SIZE,
  requestWithdrawal,
  withdrawalScope,
  withdrawalView,
} from '../../backend/commission'
import { action, defineFunction } from '../../backend/handler'
import { requireOwner } from '../../backend/roles'
import type { ResponseOf } from '../../typings/api'

const sellerId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/)
const cursor = z.string().min(1).max(512)
const pageSize = z.number().int().min(1).max(MAX_PAGE_SIZE)
const withdrawalId = z.string().regex(/^w[0-9a-f]{31}$/)
/** Free text the owner attaches to a decision: one line, no control characters. */
const note = z.string().trim().min(1).max(128).regex(/^[^\p{Cc}]+$/u)
/** At most 1,000,000 yuan per request. */
const MAX_WITHDRAWAL_FEN = 100_000_000

const handle = defineFunction('commissions', {
  /** The caller's commission account (or, for an owner, a named seller's) and the store's terms. */
  summary: action({
    schema: z.object({ sellerId: sellerId.optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'commissions', 'summary'>> => ({ summary: await commissionSummary(await ledgerSeller(caller, data.sellerId)) }),
  }),

  /** Ledger entries, newest first, by status, one cursor page at a time. */
  entries: action({
    schema: z.object({ sellerId: sellerId.optional(), status: z.enum(['pending', 'withdrawable', 'reversed']).optional(), cursor: cursor.optional(), pageSize: pageSize.optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'commissions', 'entries'>> => {
      const { sellerId: requested, ...request } = data
      return listEntries((await ledgerSeller(caller, requested))._id, request)
    },
  }),

  /** The caller (a seller) asks for part of their balance, once per requestId. */
  'withdrawals.request': action({
    schema: z.object({ requestId: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/), amountFen: z.number().int().min(1).max(MAX_WITHDRAWAL_FEN) }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'commissions', 'withdrawals.request'>> => {
      // always the caller's own seller record: the schema takes no sellerId, not even from an owner
      const withdrawal = await requestWithdrawal(await ledgerSeller(caller), data.requestId, data.amountFen)
      return { withdrawal: withdrawalView(withdrawal), summary: await commissionSummary(await ledgerSeller(caller)) }
    },
  }),

  /** A seller's own requests; an owner's of one seller or all; newest first. */
  'withdrawals.list': action({
    schema: z.object({ sellerId: sellerId.optional(), status: z.enum(['requested', 'paid', 'rejected']).optional(), cursor: cursor.optional(), pageSize: pageSize.optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'commissions', 'withdrawals.list'>> => {
      const { sellerId: requested, ...request } = data
      return listWithdrawals(await withdrawalScope(caller, requested), request)
    },
  }),

  /** Owner only: the request was paid outside the app. */
  'withdrawals.markPaid': action({
    schema: z.object({ withdrawalId, reference: note.optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'commissions', 'withdrawals.markPaid'>> => {
      const owner = requireOwner(caller)
      return { withdrawal: withdrawalView(await decideWithdrawal(data.withdrawalId, 'paid', owner, data.reference)) }
    },
  }),

  /** Owner only: the request is refused and its amount goes back to the seller's balance. */
  'withdrawals.reject': action({
    schema: z.object({ withdrawalId, reason: note.optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'commissions', 'withdrawals.reject'>> => {
      const owner = requireOwner(caller)
      return { withdrawal: withdrawalView(await decideWithdrawal(data.withdrawalId, 'rejected', owner, data.reason)) }
    },
  }),
})

/** Timer events (only from the platform's trigger) mature due credits; everything else is an action call. */
export async function main(event: unknown, context: FunctionContext): Promise<unknown> {
  if (isTimerCall(event, context)) return matureDueCommissions()
  return handle(event, context)
}
