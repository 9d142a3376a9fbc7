/**
 * Commission amounts in whole fen. The rule for both directions is one function: the commission
 * on a goods value at a rate is `floor(goodsFen x rateBps / 10000)` (rounded down to the fen, so
 * the store never credits a fraction it did not owe), and after refunds the seller keeps exactly
 * the commission on the goods not refunded, so a full refund reverses everything and no sequence
 * of refunds reverses more than was credited.
 */

export const BPS = 10_000

const assertFen = (name: string, value: number) => {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`)
}

/** The commission on `goodsFen` at `rateBps`, rounded down to a whole fen. */
export function commissionFor(goodsFen: number, rateBps: number): number {
  assertFen('goodsFen', goodsFen)
  if (!Number.isInteger(rateBps) || rateBps < 0 || rateBps > BPS) throw new RangeError(`rateBps must be an integer in 0..${BPS}, got ${rateBps}`)
  // goodsFen x rateBps stays a safe integer for any real order (goods below 9e11 fen)
  return Math.floor((goodsFen * rateBps) / BPS)
}

/** What a credit looks like once `refundedGoodsFen` of its base has been refunded in total. */
export interface CreditAfterRefunds {
  /** What the seller keeps: the commission on the goods not refunded. */
  keptFen: number
  /** What has been taken back in total (amountFen - keptFen). */
  reversedFen: number
}

/**
 * The credit of `amountFen` (on `baseFen` at `rateBps`) after refunds of `refundedGoodsFen` goods
 * in total: kept = commissionFor(base - refunded) capped at the credit; refunds beyond the base count as the base.
 */
export function creditAfterRefunds(credit: { baseFen: number; rateBps: number; amountFen: number }, refundedGoodsFen: number): CreditAfterRefunds {
  assertFen('refundedGoodsFen', refundedGoodsFen)
  const remainingGoods = Math.max(0, credit.baseFen - refundedGoodsFen)
  const keptFen = Math.min(credit.amountFen, commissionFor(remainingGoods, credit.rateBps))
  return { keptFen, reversedFen: credit.amountFen - keptFen }
}

/**
 * How much one more refund of `refundGoodsFen` takes back, given what earlier refunds already
 * took (`reversedSoFarFen`, after `refundedSoFarFen` goods): the difference of the cumulative
 * reversal, never negative, never past the credit.
 */
export function reversalFor(
  credit: { baseFen: number; rateBps: number; amountFen: number },
  refundedSoFarFen: number,
  reversedSoFarFen: number,
  refundGoodsFen: number,
): number {
  const { reversedFen } = creditAfterRefunds(credit, refundedSoFarFen + refundGoodsFen)
  return Math.max(0, Math.min(credit.amountFen - reversedSoFarFen, reversedFen - reversedSoFarFen))
}
