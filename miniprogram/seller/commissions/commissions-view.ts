/**
 * Pure mappers from a seller's commission account to what they read: the amounts by state, the
 * store's terms in words, why a balance can be negative, each entry's state and when it can be
 * withdrawn, the withdrawal requests, and the amount typed into 申请提现.
 */
import type { CommissionEntryView, CommissionStatus, CommissionSummary, WithdrawalStatus, WithdrawalView } from '../../../typings/commissions'
import { formatDateTime, formatDay } from '../../utils/dates'
import { errorMessage } from '../../utils/errors'
import { isApiError } from '../../services/transport'
import { formatFen } from '../../utils/money'

export interface AmountCell {
  key: 'pending' | 'withdrawable' | 'withdrawn' | 'reversed'
  label: string
  value: string
  meaning: string
}

export interface SummaryView {
  cells: AmountCell[]
  /** '佣金比例：订单商品金额的 10%（不含运费）' */
  rateText: string
  /** '确认收货 7 天后可提现' */
  coolingOffText: string
  /** Also in a request still waiting for the owner: '有 ¥1.00 正在提现中'; '' when none. */
  requestedText: string
  /** Why nothing can be withdrawn while the balance is negative; '' otherwise. */
  negativeText: string
  withdrawableFen: number
  canWithdraw: boolean
}

export interface EntryRow {
  entryId: string
  /** '订单 ab12cd34' (the last 8 characters of the id). */
  orderText: string
  amountText: string
  /** '订单 ¥137.70 × 10%' */
  baseText: string
  status: CommissionStatus
  statusText: string
  /** When it can be or was withdrawn, or why it was taken back. */
  whenText: string
  /** '退款退回 ¥0.46'; '' without refunds. */
  reversedText: string
  creditedText: string
}

export interface WithdrawalRow {
  withdrawalId: string
  amountText: string
  status: WithdrawalStatus
  statusText: string
  requestedText: string
  /** '2026年11月27日 已打款 · 转账单号 T123', '已驳回：原因'; '' while waiting. */
  outcomeText: string
}

export const ENTRY_STATUS_TEXT: Readonly<Record<CommissionStatus, string>> = {
  pending: '待结算',
  withdrawable: '可提现',
  reversed: '已退回',
}

export const WITHDRAWAL_STATUS_TEXT: Readonly<Record<WithdrawalStatus, string>> = {
  requested: '等待店主打款',
  paid: '已打款',
  rejected: '已驳回',
}

/** 1000 -> '10%', 1250 -> '12.5%', 5 -> '0.05%'. */
export function formatRate(bps: number): string {
  const whole = Math.floor(bps / 100)
  const rest = String(bps % 100).padStart(2, '0').replace(/0+$/, '')
  return `${whole}${rest ? `.${rest}` : ''}%`
}

/** '确认收货 7 天后可提现', '确认收货后即可提现' for no cooling-off. */
export function coolingOffText(days: number): string {
  return days > 0 ? `确认收货 ${days} 天后可提现` : '确认收货后即可提现'
}

export function toSummaryView(summary: CommissionSummary): SummaryView {
  const negative = summary.balanceFen < 0
  return {
    cells: [
      { key: 'withdrawable', label: '可提现', value: formatFen(summary.withdrawableFen), meaning: '已过售后期，可以申请提现' },
      { key: 'pending', label: '待结算', value: formatFen(summary.pendingFen), meaning: `订单${coolingOffText(summary.terms.coolingOffDays)}` },
      { key: 'withdrawn', label: '已提现', value: formatFen(summary.withdrawnFen), meaning: '店主已打款给你' },
      { key: 'reversed', label: '已退回', value: formatFen(summary.reversedFen), meaning: '顾客退款后扣回的佣金' },
    ],
    rateText: `佣金比例：订单商品金额的 ${formatRate(summary.terms.rateBps)}（不含运费）`,
    coolingOffText: coolingOffText(summary.terms.coolingOffDays),
    requestedText: summary.requestedFen > 0 ? `有 ${formatFen(summary.requestedFen)} 正在提现中，等待店主打款` : '',
    negativeText: negative
      ? `你的余额是 ${formatFen(summary.balanceFen)}：有顾客在你提现之后退了款，这部分佣金需要退回。之后的新佣金会先抵扣它，抵扣完之前暂时不能提现。`
      : '',
    withdrawableFen: summary.withdrawableFen,
    canWithdraw: summary.withdrawableFen > 0,
  }
}

function entryWhenText(entry: CommissionEntryView): string {
  if (entry.status === 'reversed') return '顾客已退款，佣金已退回'
  if (entry.status === 'withdrawable') return entry.maturedAt ? `${formatDay(entry.maturedAt)} 起可提现` : '可提现'
  return `订单${coolingOffText(entry.coolingOffDays)}`
}

export function toEntryRow(entry: CommissionEntryView): EntryRow {
  return {
    entryId: entry.entryId,
    orderText: `订单 ${entry.orderId.slice(-8)}`,
    amountText: formatFen(entry.remainingFen),
    baseText: `商品金额 ${formatFen(entry.baseFen)} × ${formatRate(entry.rateBps)}`,
    status: entry.status,
    statusText: ENTRY_STATUS_TEXT[entry.status],
    whenText: entryWhenText(entry),
    reversedText: entry.reversedFen > 0 ? `退款退回 ${formatFen(entry.reversedFen)}` : '',
    creditedText: formatDateTime(entry.creditedAt),
  }
}

/** Entries of a next page after those shown (an entry already shown is not repeated). */
export function appendEntries(shown: readonly EntryRow[], entries: readonly CommissionEntryView[]): EntryRow[] {
  const seen = new Set(shown.map((e) => e.entryId))
  return [...shown, ...entries.filter((e) => !seen.has(e.entryId)).map(toEntryRow)]
}

export function toWithdrawalRow(w: WithdrawalView): WithdrawalRow {
  let outcomeText = ''
  if (w.status === 'paid') outcomeText = `${w.paidAt ? `${formatDay(w.paidAt)} ` : ''}已打款${w.reference ? ` · 转账单号 ${w.reference}` : ''}`
  if (w.status === 'rejected') outcomeText = `已驳回，金额已退回余额${w.reason ? `：${w.reason}` : ''}`
  return {
    withdrawalId: w.withdrawalId,
    amountText: formatFen(w.amountFen),
    status: w.status,
    statusText: WITHDRAWAL_STATUS_TEXT[w.status],
    requestedText: `${formatDateTime(w.requestedAt)} 申请`,
    outcomeText,
  }
}

export type AmountCheck = { ok: true; amountFen: number } | { ok: false; message: string }

/** The yuan typed into the amount box as whole fen, read from the text (never through floating point), bounded by what can be withdrawn. */
export function parseWithdrawalAmount(text: string, withdrawableFen: number): AmountCheck {
  const match = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(text.trim())
  if (!match) return { ok: false, message: '请输入金额，最多两位小数' }
  const amountFen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
  if (amountFen <= 0) return { ok: false, message: '提现金额需大于 0' }
  if (amountFen > withdrawableFen) return { ok: false, message: `最多可提现 ${formatFen(Math.max(0, withdrawableFen))}` }
  return { ok: true, amountFen }
}

/** The whole withdrawable amount as the box shows it: 1277 -> '12.77'. */
export function amountDraftOf(fen: number): string {
  return formatFen(fen).replace('¥', '')
}

export type CommissionsStatus = 'loading' | 'ready' | 'forbidden' | 'error'

/** How the page looks when loading failed: FORBIDDEN (not a seller) gets its own state with a way to apply. */
export function toLoadFailure(err: unknown): { status: CommissionsStatus; errorMessage: string } {
  if (isApiError(err) && err.code === 'FORBIDDEN') return { status: 'forbidden', errorMessage: '只有推广员才有佣金。在“我的”页面申请成为推广员，审核通过后即可分享赚佣金。' }
  return { status: 'error', errorMessage: errorMessage(err) }
}
