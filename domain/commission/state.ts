import type { CommissionStatus, WithdrawalStatus } from '../../typings/commissions'

/**
 * A ledger entry's life: credited `pending` when its order is paid; `withdrawable` once the order
 * is completed and the cooling-off period has passed; `reversed` once refunds have taken all of
 * it back (a partial refund keeps the status and lowers what remains). Nothing else is allowed.
 */
export const COMMISSION_TRANSITIONS: Readonly<Record<CommissionStatus, readonly CommissionStatus[]>> = {
  pending: ['withdrawable', 'reversed'],
  withdrawable: ['reversed'],
  reversed: [],
}

/** A withdrawal request: the owner pays it outside the app and marks it paid, or rejects it (the money goes back to the balance). */
export const WITHDRAWAL_TRANSITIONS: Readonly<Record<WithdrawalStatus, readonly WithdrawalStatus[]>> = {
  requested: ['paid', 'rejected'],
  paid: [],
  rejected: [],
}

/** A move one of the ledger's transition tables does not allow. */
export class LedgerTransitionError extends Error {
  constructor(
    readonly table: 'commission' | 'withdrawal',
    readonly from: string,
    readonly to: string,
  ) {
    super(`a ${table} cannot go from ${from} to ${to}`)
    this.name = 'LedgerTransitionError'
  }
}

export function canCommissionTransition(from: CommissionStatus, to: CommissionStatus): boolean {
  return COMMISSION_TRANSITIONS[from]?.includes(to) ?? false
}

export function canWithdrawalTransition(from: WithdrawalStatus, to: WithdrawalStatus): boolean {
  return WITHDRAWAL_TRANSITIONS[from]?.includes(to) ?? false
}

/** Throws LedgerTransitionError unless the entry table allows `from -> to`; every entry status write goes through this. */
export function assertCommissionTransition(from: CommissionStatus, to: CommissionStatus): void {
  if (!canCommissionTransition(from, to)) throw new LedgerTransitionError('commission', from, to)
}

/** Throws LedgerTransitionError unless the withdrawal table allows `from -> to`; every withdrawal status write goes through this. */
export function assertWithdrawalTransition(from: WithdrawalStatus, to: WithdrawalStatus): void {
  if (!canWithdrawalTransition(from, to)) throw new LedgerTransitionError('withdrawal', from, to)
}
