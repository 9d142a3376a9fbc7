/**
 * reverseCommission run inside real transactions as a refund runs it (replays, several refunds,
 * a refund after the money was withdrawn), and withdrawal requests and the owner's decisions
 * under concurrency.
 */
import { reverseCommission } from '../../backend/commission'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { configureOwner, DAY, OWNER } from '../referral/helpers'
import { commissionsAs, completeOrder, entryOf, expectLedgerConsistent, paidOrder, runTimer, sellerAccount, sellerWithBuyer } from './helpers'

jest.setTimeout(60_000)

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

/**
 * A refund as the refunds work will run it: one transaction that records the refund on the order
 * and reverses the commission with document operations only. `fail` aborts it after the reversal,
 * as a refund that breaks half-way would.
 */
async function refund(orderId: string, refundId: string, refundGoodsFen: number, fail = false): Promise<any> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await t.db.runTransaction(async (tx: any) => {
        const _ = t.db.command
        await tx.collection('orders').doc(orderId).update({ refundedGoodsFen: _.inc(refundGoodsFen) })
        const reversal = await reverseCommission(tx, t.db, { orderId, refundId, refundGoodsFen, at: new Date() })
        if (fail) throw new Error('the refund broke after reversing')
        return reversal
      }, 0)
    } catch (err) {
      // a concurrent payment, timer or refund committed first: rerun on fresh data, as the refund will
      if ((err as { code?: string }).code !== 'DATABASE_TRANSACTION_CONFLICT' || attempt >= 30) throw err
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20))
    }
  }
}

/** A credit that has matured: paid, completed, cooling-off passed, timer run. */
async function maturedOrder(buyer: string, lines: Array<{ skuId: string; quantity: number }>) {
  const order = await paidOrder(t, buyer, lines)
  await completeOrder(t, order._id)
  await t.cloud.clock.advance(7 * DAY + 60_000)
  await runTimer(t)
  expect((await entryOf(t, order._id)).status).toBe('withdrawable')
  return order
}

describe('reversal inside a refund’s transaction', () => {
  test('refunds of a pending credit take back the share of the refunded goods, each once; the last one reverses everything and no more', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'rev')
    // 3 x 4590 = 13770 goods -> 1377 commission
    const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 3 }])

    // one unit refunded: the seller keeps floor(9180 x 10 %) = 918
    expect(await refund(order._id, 'r1', 4590)).toEqual({ reversedFen: 459, from: 'pending', replay: false })
    const replays = await Promise.all([refund(order._id, 'r1', 4590), refund(order._id, 'r1', 4590), refund(order._id, 'r1', 4590)])
    expect(replays).toEqual(Array(3).fill({ reversedFen: 459, from: 'pending', replay: true }))
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'pending', reversedFen: 459, refundedGoodsFen: 4590 })
    expect(await sellerAccount(t, seller.sellerId)).toMatchObject({ pendingFen: 918, reversedFen: 459 })

    // two more refunds at once: together they return the rest
    const [r2, r3] = await Promise.all([refund(order._id, 'r2', 4590), refund(order._id, 'r3', 4590)])
    expect(r2.reversedFen + r3.reversedFen).toBe(918)
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'reversed', reversedFen: 1377, checkAfter: null })
    // a refund beyond the goods takes nothing more
    expect(await refund(order._id, 'r4', 4590)).toEqual({ reversedFen: 0, from: null, replay: false })
    expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ creditedFen: 1377, pendingFen: 0, reversedFen: 1377, balanceFen: 0 })
    // a reversed credit never matures
    await completeOrder(t, order._id)
    await t.cloud.clock.advance(8 * DAY)
    await runTimer(t)
    expect((await entryOf(t, order._id)).status).toBe('reversed')
  })

  test('a partial refund of a credit that matured comes out of the balance; what is left is withdrawable', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'rev-matured')
    const order = await maturedOrder(buyer, [{ skuId: 'p-soap', quantity: 3 }]) // 8400 -> 840
    expect(await refund(order._id, 'r-soap', 2800)).toEqual({ reversedFen: 280, from: 'withdrawable', replay: false })
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'withdrawable', reversedFen: 280 })
    expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ balanceFen: 560, reversedFen: 280 })
  })

  test('a refund that fails after reversing changes nothing; its retry reverses once', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'rev-crash')
    const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 1 }])
    await expect(refund(order._id, 'r-crash', 4590, true)).rejects.toThrow('broke')
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'pending', reversedFen: 0, refunds: [] })
    expect(await sellerAccount(t, seller.sellerId)).toMatchObject({ pendingFen: 459, reversedFen: 0 })
    expect(await refund(order._id, 'r-crash', 4590)).toMatchObject({ reversedFen: 459 })
    expect(await refund(order._id, 'r-crash', 4590)).toMatchObject({ reversedFen: 459, replay: true })
    await expectLedgerConsistent(t, seller.sellerId)
  })

  test('an order that credited nothing reverses nothing and writes nothing', async () => {
    const order = await paidOrder(t, 'o-buyer-nobody', [{ skuId: 'p-walnut', quantity: 1 }])
    expect(await refund(order._id, 'r-none', 4590)).toEqual({ reversedFen: 0, from: null, replay: false })
    expect(await entryOf(t, order._id)).toBeUndefined()
  })
})

describe('withdrawals', () => {
  test('a refund after the money was withdrawn leaves a negative balance, which refuses withdrawals until new credit covers it', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'negative')
    const order = await maturedOrder(buyer, [{ skuId: 'p-walnut', quantity: 1 }]) // 459
    const as = commissionsAs(t, seller.openid)
    const requested: any = await as('withdrawals.request', { requestId: 'req-neg-0001', amountFen: 459 })
    expect(requested).toMatchObject({ ok: true, data: { withdrawal: { status: 'requested', amountFen: 459 }, summary: { balanceFen: 0, requestedFen: 459, withdrawableFen: 0 } } })
    expect(await commissionsAs(t, OWNER)('withdrawals.markPaid', { withdrawalId: requested.data.withdrawal.withdrawalId, reference: '转账 0001' })).toMatchObject({ ok: true, data: { withdrawal: { status: 'paid', reference: '转账 0001' } } })

    expect(await refund(order._id, 'r-after', 4590)).toEqual({ reversedFen: 459, from: 'withdrawable', replay: false })
    expect(await entryOf(t, order._id)).toMatchObject({ status: 'reversed' })
    expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ balanceFen: -459, withdrawnFen: 459, reversedFen: 459 })
    expect(await as('summary')).toMatchObject({ ok: true, data: { summary: { balanceFen: -459, withdrawableFen: 0 } } })
    expect(await as('withdrawals.request', { requestId: 'req-neg-0002', amountFen: 1 })).toMatchObject({ ok: false, code: 'INSUFFICIENT_BALANCE', data: { balanceFen: -459, withdrawableFen: 0 } })

    // new credit first pays back the debt: 3 x 4590 -> 1377, balance 918
    await maturedOrder(buyer, [{ skuId: 'p-walnut', quantity: 3 }])
    expect(await as('withdrawals.request', { requestId: 'req-neg-0003', amountFen: 919 })).toMatchObject({ ok: false, code: 'INSUFFICIENT_BALANCE', data: { balanceFen: 918 } })
    expect(await as('withdrawals.request', { requestId: 'req-neg-0004', amountFen: 918 })).toMatchObject({ ok: true })
    await expectLedgerConsistent(t, seller.sellerId)
  })

  test('parallel requests cannot spend one balance twice; a retried request id asks once', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'double')
    await maturedOrder(buyer, [{ skuId: 'p-walnut', quantity: 1 }]) // 459
    const as = commissionsAs(t, seller.openid)
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => as('withdrawals.request', { requestId: `req-double-${i}`, amountFen: 400 })))
    expect(answers.filter((a) => a.ok)).toHaveLength(1)
    expect(answers.filter((a) => !a.ok).map((a: any) => a.code)).toEqual(Array(5).fill('INSUFFICIENT_BALANCE'))

    const retries = await Promise.all(Array.from({ length: 6 }, () => as<any>('withdrawals.request', { requestId: 'req-double-same', amountFen: 59 })))
    expect(retries.filter((a) => !a.ok)).toEqual([])
    expect(new Set(retries.map((a: any) => a.data.withdrawal.withdrawalId)).size).toBe(1)
    expect(await as('withdrawals.request', { requestId: 'req-double-same', amountFen: 1 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ balanceFen: 0, requestedFen: 459 })
  })

  test('the owner’s decisions: paid and rejected race and one wins once; a repeat answers the same; rejected money is back in the balance', async () => {
    const { seller, buyer } = await sellerWithBuyer(t, 'decide')
    await maturedOrder(buyer, [{ skuId: 'p-walnut', quantity: 3 }]) // 1377
    const as = commissionsAs(t, seller.openid)
    const owner = commissionsAs(t, OWNER)
    const a: any = await as('withdrawals.request', { requestId: 'req-decide-a', amountFen: 500 })
    const b: any = await as('withdrawals.request', { requestId: 'req-decide-b', amountFen: 300 })

    const race = await Promise.all([
      ...Array.from({ length: 3 }, () => owner<any>('withdrawals.markPaid', { withdrawalId: a.data.withdrawal.withdrawalId })),
      ...Array.from({ length: 3 }, () => owner<any>('withdrawals.reject', { withdrawalId: a.data.withdrawal.withdrawalId, reason: '信息不全' })),
    ])
    const final = (await owner<any>('withdrawals.list', { sellerId: seller.sellerId })) as any
    const status = final.data.withdrawals.find((w: any) => w.withdrawalId === a.data.withdrawal.withdrawalId).status
    // every answer is either the winning decision or INVALID_TRANSITION for the other one
    for (const answer of race) {
      if (answer.ok) expect(answer.data.withdrawal.status).toBe(status)
      else expect(answer.code).toBe('INVALID_TRANSITION')
    }
    const account = await expectLedgerConsistent(t, seller.sellerId)
    expect(account).toMatchObject(status === 'paid' ? { withdrawnFen: 500, balanceFen: 577 } : { withdrawnFen: 0, balanceFen: 1077 })

    expect(await owner('withdrawals.reject', { withdrawalId: b.data.withdrawal.withdrawalId })).toMatchObject({ ok: true, data: { withdrawal: { status: 'rejected' } } })
    expect(await owner('withdrawals.reject', { withdrawalId: b.data.withdrawal.withdrawalId })).toMatchObject({ ok: true, data: { withdrawal: { status: 'rejected' } } })
    expect(await owner('withdrawals.markPaid', { withdrawalId: b.data.withdrawal.withdrawalId })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    expect(await owner('withdrawals.markPaid', { withdrawalId: 'w' + '0'.repeat(31) })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ requestedFen: 0, balanceFen: account.balanceFen + 300 })
  })
})

test('a refund racing the maturing timer on the same credit: whichever commits first, the money is taken from where it is, once', async () => {
  const { seller, buyer } = await sellerWithBuyer(t, 'race')
  const orders = await Promise.all(Array.from({ length: 4 }, () => paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 2 }]))) // 918 each
  for (const o of orders) await completeOrder(t, o._id)
  await t.cloud.clock.advance(7 * DAY + 60_000)
  const [, ...reversals] = await Promise.all([runTimer(t), ...orders.map((o) => refund(o._id, `r-race-${o._id}`, 4590)), runTimer(t)])
  for (const r of reversals.slice(0, 4) as any[]) expect(r).toMatchObject({ reversedFen: 459, replay: false, from: expect.stringMatching(/^(pending|withdrawable)$/) })
  await runTimer(t)
  for (const o of orders) expect(await entryOf(t, o._id)).toMatchObject({ status: 'withdrawable', reversedFen: 459 })
  expect(await expectLedgerConsistent(t, seller.sellerId)).toMatchObject({ creditedFen: 4 * 918, reversedFen: 4 * 459, balanceFen: 4 * 459, pendingFen: 0 })
})
