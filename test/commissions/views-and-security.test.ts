/** Who sees what: the seller themself or an owner, never from the event; cursor pages on indexes; hostile events refused with typed codes and nothing written. */
import fc from 'fast-check'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { configureOwner, DAY, LIN, OWNER, ZHOU } from '../referral/helpers'
import { commissionsAs, completeOrder, entryOf, paidOrder, runTimer, sellerWithBuyer } from './helpers'

jest.setTimeout(60_000)

let t: TestCloud
let mine: { seller: { sellerId: string; openid: string }; orderId: string; withdrawalId: string }
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
  const { seller, buyer } = await sellerWithBuyer(t, 'views')
  const order = await paidOrder(t, buyer, [{ skuId: 'p-walnut', quantity: 3 }])
  await completeOrder(t, order._id)
  await t.cloud.clock.advance(7 * DAY + 60_000)
  await runTimer(t)
  const requested: any = await commissionsAs(t, seller.openid)('withdrawals.request', { requestId: 'req-views-01', amountFen: 100 })
  mine = { seller, orderId: order._id, withdrawalId: requested.data.withdrawal.withdrawalId }
})
afterAll(() => t.stop())

describe('identity and roles', () => {
  test('a seller sees their own summary, entries and requests', async () => {
    const as = commissionsAs(t, mine.seller.openid)
    expect(await as('summary')).toMatchObject({ ok: true, data: { summary: { sellerId: mine.seller.sellerId, creditedFen: 1377, balanceFen: 1277, requestedFen: 100 } } })
    expect(await as('entries')).toMatchObject({ ok: true, data: { entries: [{ orderId: mine.orderId, status: 'withdrawable', amountFen: 1377, remainingFen: 1377, baseFen: 13770 }], nextCursor: null } })
    expect(await as('withdrawals.list')).toMatchObject({ ok: true, data: { withdrawals: [{ withdrawalId: mine.withdrawalId, status: 'requested' }] } })
  })

  test('another seller, a shopper or an identityless call cannot see or move this seller’s money', async () => {
    const lin = commissionsAs(t, LIN.openid)
    for (const action of ['summary', 'entries', 'withdrawals.list']) expect(await lin(action, { sellerId: mine.seller.sellerId })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await lin('entries')).toMatchObject({ ok: true, data: { entries: [] } })
    expect(await lin('withdrawals.markPaid', { withdrawalId: mine.withdrawalId })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await lin('withdrawals.reject', { withdrawalId: mine.withdrawalId })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await commissionsAs(t, mine.seller.openid)('withdrawals.markPaid', { withdrawalId: mine.withdrawalId })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await commissionsAs(t, 'o-demo-customer-tian')('summary')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await commissionsAs(t, 'o-demo-customer-tian')('withdrawals.request', { requestId: 'req-tian-01', amountFen: 1 })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await commissionsAs(t)('summary')).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  test('identity, seller or amounts in the event are refused, never trusted', async () => {
    const tian = commissionsAs(t, 'o-demo-customer-tian')
    expect(await tian('summary', { openid: mine.seller.openid })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await commissionsAs(t, LIN.openid)('withdrawals.request', { requestId: 'req-forged-1', amountFen: 1, sellerId: mine.seller.sellerId })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await commissionsAs(t, mine.seller.openid)('withdrawals.request', { requestId: 'req-forged-2', amountFen: 1.5 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await commissionsAs(t, mine.seller.openid)('withdrawals.request', { requestId: 'req-forged-3', amountFen: -100 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await commissionsAs(t, OWNER)('withdrawals.markPaid', { withdrawalId: mine.withdrawalId, status: 'paid', amountFen: 1 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('the owner sees any seller and every request, and decides; an unknown seller is NOT_FOUND', async () => {
    const owner = commissionsAs(t, OWNER)
    expect(await owner('summary', { sellerId: mine.seller.sellerId })).toMatchObject({ ok: true, data: { summary: { creditedFen: 1377 } } })
    expect(await owner('entries', { sellerId: mine.seller.sellerId, status: 'withdrawable' })).toMatchObject({ ok: true, data: { entries: [{ orderId: mine.orderId }] } })
    expect(await owner('withdrawals.list', { status: 'requested' })).toMatchObject({ ok: true, data: { withdrawals: [{ withdrawalId: mine.withdrawalId }] } })
    expect(await owner('summary', { sellerId: 's_nobody' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await owner('summary')).toMatchObject({ ok: false, code: 'NOT_FOUND' }) // the owner is not a seller: name one
  })
})

describe('entries and requests, one cursor page at a time', () => {
  const entries = Array.from({ length: 23 }, (_, i) => ({
    _id: `c_ofixture${String(i).padStart(2, '0')}`,
    sellerId: ZHOU.sellerId,
    orderId: `ofixture${String(i).padStart(2, '0')}`,
    // ties on purpose: three entries per credit time
    creditedAt: new Date(Date.UTC(2026, 10, 1) + Math.floor(i / 3) * 3600_000),
    status: i % 4 === 0 ? 'withdrawable' : 'pending',
    baseFen: 1000,
    rateBps: 1000,
    amountFen: 100,
    reversedFen: 0,
    refundedGoodsFen: 0,
    coolingOffDays: 7,
    checkAfter: new Date(Date.UTC(2030, 0, 1)),
    refunds: [],
  }))
  beforeAll(async () => {
    // a fixture ledger for Zhou, written directly: pagination is about the index, not the credit
    for (const e of entries) await t.db.collection('commissions').add(e)
  })

  const expected = (list: typeof entries) => [...list].sort((a, b) => b.creditedAt.getTime() - a.creditedAt.getTime() || (a._id < b._id ? -1 : 1)).map((e) => e._id)

  async function walk(request: Record<string, unknown>): Promise<string[]> {
    const ids: string[] = []
    let cursor: string | undefined
    for (let guard = 0; guard < 50; guard++) {
      const res: any = await commissionsAs(t, ZHOU.openid)('entries', cursor ? { ...request, cursor } : request)
      if (!res.ok) throw new Error(`${res.code} ${res.message}`)
      ids.push(...res.data.entries.map((e: any) => e.entryId))
      if (!res.data.nextCursor) return ids
      cursor = res.data.nextCursor
    }
    throw new Error('the cursor never ended')
  }

  test('every entry once, newest credit first, ties by id, across pages of any size and by status', async () => {
    for (const pageSize of [1, 4, 7, 50]) expect(await walk({ pageSize })).toEqual(expected(entries))
    expect(await walk({ pageSize: 2, status: 'withdrawable' })).toEqual(expected(entries.filter((e) => e.status === 'withdrawable')))
    expect(await walk({ pageSize: 3, status: 'reversed' })).toEqual([])
  })

  test('a cursor from the other list, or made up, is INVALID_INPUT', async () => {
    const page: any = await commissionsAs(t, OWNER)('withdrawals.list', { pageSize: 1 })
    const fake = Buffer.from(JSON.stringify(['withdrawals', 1, 'x'])).toString('base64url')
    expect(await commissionsAs(t, ZHOU.openid)('entries', { cursor: fake })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await commissionsAs(t, ZHOU.openid)('entries', { cursor: 'not-a-cursor' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(page.ok).toBe(true)
  })

  test('each page query is answered from an index range', () => {
    const store = t.cloud.module<any>('database').store
    const k = new Date()
    const plans = [
      ['commissions', { sellerId: 's' }, [['creditedAt', -1], ['_id', 1]], 'sellerId_creditedAt_id'],
      ['commissions', { sellerId: 's', creditedAt: k, _id: { $gt: 'c' } }, [['_id', 1]], 'sellerId_creditedAt_id'],
      ['commissions', { sellerId: 's', status: 'pending', creditedAt: { $lt: k } }, [['creditedAt', -1], ['_id', 1]], 'sellerId_status_creditedAt_id'],
      // the summary's pending entries (what the seller's account adds to the counters stored on the seller)
      ['commissions', { sellerId: 's', status: 'pending' }, [['creditedAt', -1]], 'sellerId_status_creditedAt_id'],
      ['commissionWithdrawals', {}, [['requestedAt', -1], ['_id', 1]], 'requestedAt_id'],
      ['commissionWithdrawals', { status: 'requested', requestedAt: { $lt: k } }, [['requestedAt', -1], ['_id', 1]], 'status_requestedAt_id'],
      ['commissionWithdrawals', { sellerId: 's', requestedAt: k, _id: { $gt: 'w' } }, [['_id', 1]], 'sellerId_requestedAt_id'],
      ['commissionWithdrawals', { sellerId: 's', status: 'paid' }, [['requestedAt', -1], ['_id', 1]], 'sellerId_status_requestedAt_id'],
    ] as const
    for (const [collection, filter, sort, index] of plans) expect(store.explain(collection, filter, sort)).toMatchObject({ kind: 'index', index: { name: index }, ordered: true })
  })
})

test('hostile events to every action: only typed refusals, never INTERNAL, nothing written', async () => {
  const snapshot = async () => JSON.stringify(await Promise.all(['commissions', 'commissionWithdrawals', 'sellers'].map(async (c) => (await t.db.collection(c).limit(1000).get()).data)))
  const before = await snapshot()
  const expectedCodes = new Set(['INVALID_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'INSUFFICIENT_BALANCE', 'INVALID_TRANSITION'])
  const hostile = fc.oneof(fc.anything(), fc.constantFrom(null, '', -1, 0, 1e308, 2 ** 53 + 2, { $gt: '' }, { _id: { $ne: null } }, 'w' + 'f'.repeat(31), mine.seller.sellerId, '../../x'))
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('summary', 'entries', 'withdrawals.request', 'withdrawals.list', 'withdrawals.markPaid', 'withdrawals.reject', 'mature', '__proto__'),
      fc.oneof(hostile, fc.record({ sellerId: hostile, status: hostile, cursor: hostile, pageSize: hostile, requestId: hostile, amountFen: hostile, withdrawalId: hostile, reference: hostile }, { requiredKeys: [] })),
      fc.constantFrom(undefined, 'o-fuzz', LIN.openid, OWNER),
      async (action, data, openid) => {
        const res: any = await commissionsAs(t, openid)(action, data)
        if (res.ok) {
          // only reads can succeed on this data (a request needs a balance Lin does not have)
          expect(['summary', 'entries', 'withdrawals.list']).toContain(action)
          return
        }
        expect(expectedCodes.has(res.code)).toBe(true)
      },
    ),
    { numRuns: 250 },
  )
  expect(await snapshot()).toBe(before)
  expect(await entryOf(t, mine.orderId)).toMatchObject({ status: 'withdrawable' })
})
