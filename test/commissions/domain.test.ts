/** The ledger's pure rules: rounding, reversal by refunds, transitions, account moves, maturity. */
import fc from 'fast-check'
import {
  accountMoves,
  applyMoves,
  assertCommissionTransition,
  assertWithdrawalTransition,
  commissionFor,
  creditAfterRefunds,
  DAY_MS,
  decideMaturity,
  EMPTY_ACCOUNT,
  LedgerTransitionError,
  RECHECK_MS,
  reversalFor,
  withdrawableOf,
  withdrawalRefusal,
} from '../../domain/commission'

describe('commission amounts', () => {
  test.each([
    [4590, 1000, 459],
    [4590, 333, 152], // 152.847 rounds down
    [1, 9999, 0],
    [99, 100, 0],
    [100, 100, 1],
    [0, 1000, 0],
    [12345, 0, 0],
    [12345, 10000, 12345],
  ])('goods %i fen at %i bps is %i fen', (goods, rate, fen) => {
    expect(commissionFor(goods, rate)).toBe(fen)
  })

  test('refuses fractional or negative money and rates outside 0..10000', () => {
    expect(() => commissionFor(1.5, 100)).toThrow(RangeError)
    expect(() => commissionFor(-1, 100)).toThrow(RangeError)
    expect(() => commissionFor(100, 10001)).toThrow(RangeError)
    expect(() => commissionFor(100, 12.5)).toThrow(RangeError)
  })

  test('after refunds the seller keeps the commission on the goods not refunded', () => {
    const credit = { baseFen: 13770, rateBps: 1000, amountFen: 1377 }
    expect(creditAfterRefunds(credit, 0)).toEqual({ keptFen: 1377, reversedFen: 0 })
    expect(creditAfterRefunds(credit, 4590)).toEqual({ keptFen: 918, reversedFen: 459 })
    expect(creditAfterRefunds(credit, 13770)).toEqual({ keptFen: 0, reversedFen: 1377 })
    expect(creditAfterRefunds(credit, 99999)).toEqual({ keptFen: 0, reversedFen: 1377 })
  })

  test('any sequence of refunds reverses at most the credit, never a negative amount, and everything once the goods are all refunded', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.array(fc.integer({ min: 0, max: 3_000_000 }), { maxLength: 12 }), (base, rate, refunds) => {
        const credit = { baseFen: base, rateBps: rate, amountFen: commissionFor(base, rate) }
        let refunded = 0
        let reversed = 0
        for (const goods of refunds) {
          const fen = reversalFor(credit, refunded, reversed, goods)
          expect(fen).toBeGreaterThanOrEqual(0)
          expect(Number.isInteger(fen)).toBe(true)
          refunded += goods
          reversed += fen
          expect(reversed).toBeLessThanOrEqual(credit.amountFen)
          // the same as one refund of everything so far: no drift from rounding each refund
          expect(reversed).toBe(creditAfterRefunds(credit, refunded).reversedFen)
        }
        reversed += reversalFor(credit, refunded, reversed, Math.max(0, base - refunded))
        expect(reversed).toBe(credit.amountFen)
      }),
    )
  })
})

describe('transition tables', () => {
  test.each([
    ['pending', 'withdrawable'],
    ['pending', 'reversed'],
    ['withdrawable', 'reversed'],
  ] as const)('an entry may go %s -> %s', (from, to) => expect(() => assertCommissionTransition(from, to)).not.toThrow())

  test.each([
    ['withdrawable', 'pending'],
    ['reversed', 'pending'],
    ['reversed', 'withdrawable'],
    ['pending', 'pending'],
  ] as const)('an entry may not go %s -> %s', (from, to) => expect(() => assertCommissionTransition(from, to)).toThrow(LedgerTransitionError))

  test('a withdrawal is decided once: requested -> paid | rejected, nothing after', () => {
    expect(() => assertWithdrawalTransition('requested', 'paid')).not.toThrow()
    expect(() => assertWithdrawalTransition('requested', 'rejected')).not.toThrow()
    for (const [from, to] of [['paid', 'rejected'], ['rejected', 'paid'], ['paid', 'requested'], ['rejected', 'requested']] as const) {
      expect(() => assertWithdrawalTransition(from, to)).toThrow(LedgerTransitionError)
    }
  })
})

describe('the account', () => {
  test('every move keeps credited = pending + balance + requested + withdrawn + reversed', () => {
    const moves = fc.oneof(
      ...(['credit', 'mature', 'request', 'pay', 'reject'] as const).map((m) => fc.tuple(fc.constant(m), fc.integer({ min: 0, max: 100_000 }))),
      fc.tuple(fc.constant('reverse' as const), fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('pending' as const, 'withdrawable' as const)),
    )
    fc.assert(
      fc.property(fc.array(moves, { maxLength: 30 }), (sequence) => {
        let account = { ...EMPTY_ACCOUNT }
        for (const [name, fen, from] of sequence as Array<[string, number, any]>) {
          account = applyMoves(account, name === 'reverse' ? accountMoves.reverse(fen, from) : (accountMoves as any)[name](fen))
          expect(account.creditedFen).toBe(account.pendingFen + account.balanceFen + account.requestedFen + account.withdrawnFen + account.reversedFen)
        }
      }),
    )
  })

  test('a withdrawal is refused above the balance and while it is negative', () => {
    const account = { ...EMPTY_ACCOUNT, creditedFen: 500, balanceFen: 500 }
    expect(withdrawalRefusal(account, 500)).toBeNull()
    expect(withdrawalRefusal(account, 501)).toBe('overBalance')
    const owing = applyMoves(account, accountMoves.request(500), accountMoves.pay(500), accountMoves.reverse(500, 'withdrawable'))
    expect(owing).toMatchObject({ balanceFen: -500, withdrawnFen: 500, reversedFen: 500 })
    expect(withdrawalRefusal(owing, 1)).toBe('negativeBalance')
    expect(withdrawableOf(owing)).toBe(0)
  })
})

describe('maturity', () => {
  const now = Date.UTC(2026, 10, 27)
  test('a completed order matures cooling-off days after completion, not before', () => {
    expect(decideMaturity({ status: 'completed', completedAt: now - 7 * DAY_MS }, 7, now)).toEqual({ mature: true })
    expect(decideMaturity({ status: 'completed', completedAt: now - 7 * DAY_MS + 1 }, 7, now)).toEqual({ mature: false, checkAfter: now + 1 })
    expect(decideMaturity({ status: 'completed', completedAt: now }, 0, now)).toEqual({ mature: true })
  })

  test('an order not completed is looked at again when it could first be due', () => {
    expect(decideMaturity({ status: 'shipped', completedAt: null }, 7, now)).toEqual({ mature: false, checkAfter: now + 7 * DAY_MS })
    expect(decideMaturity({ status: 'paid', completedAt: null }, 0, now)).toEqual({ mature: false, checkAfter: now + RECHECK_MS })
    expect(decideMaturity(undefined, 7, now)).toEqual({ mature: false, checkAfter: now + 7 * DAY_MS })
  })

  test('a completed order reopened by a refund request waits for the decision', () => {
    expect(decideMaturity({ status: 'refund_requested', completedAt: now - 30 * DAY_MS }, 7, now)).toEqual({ mature: false, checkAfter: now + RECHECK_MS })
    expect(decideMaturity({ status: 'refunded', completedAt: now - 30 * DAY_MS }, 7, now)).toMatchObject({ mature: false })
  })
})
