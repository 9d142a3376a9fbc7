/** A seller's commissions and withdrawal requests, and the owner's decisions: the only module that calls the `commissions` function. */
import type { RequestOf, ResponseOf } from '../../typings/api'
import type { CommissionSummary, WithdrawalView } from '../../typings/commissions'
import { callFunction } from './transport'

export type CommissionEntriesRequest = RequestOf<'commissions', 'entries'>
export type CommissionEntriesPage = ResponseOf<'commissions', 'entries'>
export type WithdrawalsRequest = RequestOf<'commissions', 'withdrawals.list'>
export type WithdrawalsPage = ResponseOf<'commissions', 'withdrawals.list'>

/** My commission account (a seller's own; an owner names `sellerId`). */
export async function getCommissionSummary(sellerId?: string): Promise<CommissionSummary> {
  return (await callFunction('commissions', 'summary', sellerId ? { sellerId } : {})).summary
}

/** One page of ledger entries, newest credit first; pass the previous page's nextCursor as `cursor`. */
export function listCommissionEntries(request: CommissionEntriesRequest = {}): Promise<CommissionEntriesPage> {
  return callFunction('commissions', 'entries', request)
}

/** Asks for `amountFen` of my balance; the same `requestId` (made once per request) answers the same request on a retry. */
export function requestWithdrawal(requestId: string, amountFen: number): Promise<ResponseOf<'commissions', 'withdrawals.request'>> {
  return callFunction('commissions', 'withdrawals.request', { requestId, amountFen })
}

/** One page of withdrawal requests (a seller's own; an owner's of everyone or of one seller), newest first. */
export function listWithdrawals(request: WithdrawalsRequest = {}): Promise<WithdrawalsPage> {
  return callFunction('commissions', 'withdrawals.list', request)
}

/** Owner: the request was paid outside the app, with an optional payment reference. */
export async function markWithdrawalPaid(withdrawalId: string, reference?: string): Promise<WithdrawalView> {
  return (await callFunction('commissions', 'withdrawals.markPaid', reference ? { withdrawalId, reference } : { withdrawalId })).withdrawal
}

/** Owner: the amount goes back to the seller's balance, with an optional reason. */
export async function rejectWithdrawal(withdrawalId: string, reason?: string): Promise<WithdrawalView> {
  return (await callFunction('commissions', 'withdrawals.reject', reason ? { withdrawalId, reason } : { withdrawalId })).withdrawal
}
