/** Pure mappers for the owner's withdrawals desk: requests by state, each with its seller, amount and what was decided. */
import type { WithdrawalStatus, WithdrawalView } from '../../../typings/commissions'
import type { SellerView } from '../../../typings/referral'
import { formatDateTime } from '../../utils/dates'
import { formatFen } from '../../utils/money'

export const STATUS_TABS: ReadonlyArray<{ status: WithdrawalStatus; label: string }> = [
  { status: 'requested', label: '待打款' },
  { status: 'paid', label: '已打款' },
  { status: 'rejected', label: '已驳回' },
]

export interface WithdrawalCard {
  withdrawalId: string
  sellerName: string
  amountText: string
  status: WithdrawalStatus
  statusText: string
  requestedText: string
  /** '11月27日 周五 14:05 已打款 · 转账单号 T1', '11月27日 … 已驳回：原因'; '' while waiting. */
  outcomeText: string
  /** Mark paid / reject are offered. */
  decidable: boolean
}

/** Seller id -> display name, from the owner's sellers list. */
export function sellerNames(sellers: readonly SellerView[]): Record<string, string> {
  return Object.fromEntries(sellers.map((s) => [s.sellerId, s.name]))
}

export function toWithdrawalCard(w: WithdrawalView, names: Readonly<Record<string, string>>): WithdrawalCard {
  let outcomeText = ''
  if (w.status === 'paid') outcomeText = `${w.paidAt ? `${formatDateTime(w.paidAt)} ` : ''}已打款${w.reference ? ` · 转账单号 ${w.reference}` : ''}`
  if (w.status === 'rejected') outcomeText = `${w.rejectedAt ? `${formatDateTime(w.rejectedAt)} ` : ''}已驳回${w.reason ? `：${w.reason}` : ''}`
  return {
    withdrawalId: w.withdrawalId,
    sellerName: names[w.sellerId] ?? `推广员 ${w.sellerId}`,
    amountText: formatFen(w.amountFen),
    status: w.status,
    statusText: STATUS_TABS.find((t) => t.status === w.status)?.label ?? w.status,
    requestedText: `${formatDateTime(w.requestedAt)} 申请`,
    outcomeText,
    decidable: w.status === 'requested',
  }
}

/** A next page after the cards shown (a request already shown is not repeated). */
export function appendCards(shown: readonly WithdrawalCard[], page: readonly WithdrawalView[], names: Readonly<Record<string, string>>): WithdrawalCard[] {
  const seen = new Set(shown.map((c) => c.withdrawalId))
  return [...shown, ...page.filter((w) => !seen.has(w.withdrawalId)).map((w) => toWithdrawalCard(w, names))]
}

/** The text typed into a decision modal: one trimmed line of at most 128 characters, or undefined when empty. */
export function cleanNote(text: string | undefined): string | undefined {
  const line = (text ?? '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim().slice(0, 128)
  return line || undefined
}
