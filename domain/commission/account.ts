/**
 * A seller's commission account: six counters kept on the seller document, moved only by the
 * ledger's events, each as a pair of opposite increments, so at every commit
 * credited = pending + balance + requested + withdrawn + reversed.
 * `balanceFen` is what matured credits leave after reversals and withdrawal requests; a refund
 * after a withdrawal makes it negative (the seller owes the store), and only a positive balance
 * can be withdrawn.
 */
import type { CommissionAccount } from '../../typings/commissions'

export type AccountField = keyof CommissionAccount
export type AccountDelta = Partial<Record<AccountField, number>>

export const ACCOUNT_FIELDS: readonly AccountField[] = ['creditedFen', 'pendingFen', 'balanceFen', 'requestedFen', 'withdrawnFen', 'reversedFen']

export const EMPTY_ACCOUNT: Readonly<CommissionAccount> = { creditedFen: 0, pendingFen: 0, balanceFen: 0, requestedFen: 0, withdrawnFen: 0, reversedFen: 0 }

/** Where an entry's remaining money is when a refund takes some of it back. */
export type ReversalBucket = 'pending' | 'withdrawable'

/** The ledger's events as counter moves. */
export const accountMoves = {
  credit: (fen: number): AccountDelta => ({ creditedFen: fen, pendingFen: fen }),
  mature: (fen: number): AccountDelta => ({ pendingFen: -fen, balanceFen: fen }),
  reverse: (fen: number, from: ReversalBucket): AccountDelta => (from === 'pending' ? { pendingFen: -fen, reversedFen: fen } : { balanceFen: -fen, reversedFen: fen }),
  request: (fen: number): AccountDelta => ({ balanceFen: -fen, requestedFen: fen }),
  pay: (fen: number): AccountDelta => ({ requestedFen: -fen, withdrawnFen: fen }),
  reject: (fen: number): AccountDelta => ({ requestedFen: -fen, balanceFen: fen }),
} as const

/** A stored account (or none) with every counter present. */
export function accountFrom(stored: unknown): CommissionAccount {
  const s = (typeof stored === 'object' && stored !== null ? stored : {}) as Record<string, unknown>
  const out = { ...EMPTY_ACCOUNT }
  for (const field of ACCOUNT_FIELDS) if (typeof s[field] === 'number' && Number.isFinite(s[field])) out[field] = s[field] as number
  return out
}

/** Applies counter moves to an account (what the database's increments do, for tests and views). */
export function applyMoves(account: CommissionAccount, ...deltas: AccountDelta[]): CommissionAccount {
  const out = { ...account }
  for (const delta of deltas) for (const field of ACCOUNT_FIELDS) out[field] += delta[field] ?? 0
  return out
}

/** What may be withdrawn now: the balance when positive. */
export function withdrawableOf(account: CommissionAccount): number {
  return Math.max(0, account.balanceFen)
}

/** Why a withdrawal of `amountFen` is refused, or null when the balance covers it. */
export function withdrawalRefusal(account: CommissionAccount, amountFen: number): 'negativeBalance' | 'overBalance' | null {
  if (account.balanceFen < 0) return 'negativeBalance'
  if (amountFen > account.balanceFen) return 'overBalance'
  return null
}
