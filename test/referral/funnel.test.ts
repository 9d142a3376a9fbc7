/**
 * A seller's shares funnel: shares made (share cards and poster codes, with product and
 * channel), opens by channel, customers bound, paid orders and revenue credited, in total, per
 * product and per group; one seller's own, an owner's for any seller; every query on an index.
 */
import type { DatabaseModule } from '../../localcloud/db/module'
import { storeDayOf } from '../../domain/value'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { addProduct, confirmPayment, createAndPay } from '../orders/helpers'
import { as, configureOwner, expectOk, groupCard, makeSeller, openShare, OWNER } from './helpers'

let t: TestCloud
let a: { sellerId: string; code: string; openid: string }
let b: { sellerId: string; code: string; openid: string }
const paidTotals: number[] = []
let teaRevenue = 0

beforeAll(async () => {
  configureOwner()
  t = await startTestCloud()
  await addProduct(t, { _id: 'p-tea', name: 'Tea', priceFen: 5000, stock: 100 })
  await addProduct(t, { _id: 'p-cake', name: 'Cake', priceFen: 12000, stock: 100 })
  a = await makeSeller(t, 'o-seller-a', 'A')
  b = await makeSeller(t, 'o-seller-b', 'B')

  // shares: A makes four, A's customer Mei forwards one (credited to A), B makes one
  const sa = as(t, 'referral', a.openid)
  expectOk(await sa('shareCard', { productId: 'p-tea' }))
  expectOk(await sa('shareCard', { productId: 'p-tea', channel: 'moments' }))
  expectOk(await sa('shareCard', {}))
  expectOk(await sa('posterCode', { productId: 'p-cake' }))
  expect(expectOk(await openShare(t, 'o-mei', a.code, 1007))).toMatchObject({ bound: true, sellerId: a.sellerId })
  const mei = expectOk(await as(t, 'referral', 'o-mei')('shareCard', { productId: 'p-cake', channel: 'group' }))
  expectOk(await as(t, 'referral', b.openid)('shareCard', { productId: 'p-tea' }))

  // opens credited to A
  expect(expectOk(await openShare(t, 'o-b1', a.code, 1007, { productId: 'p-tea' }))).toMatchObject({ bound: true })
  expect(expectOk(await openShare(t, 'o-b2', a.code, 1008, { productId: 'p-tea', ...(await groupCard(t, 'G1')) }))).toMatchObject({ bound: true })
  expect(expectOk(await openShare(t, 'o-b3', mei.shortCode, 1008, await groupCard(t, 'G1')))).toMatchObject({ bound: true, sellerId: a.sellerId })
  expect(expectOk(await openShare(t, undefined, a.code, 1154, { productId: 'p-cake' }))).toMatchObject({ bound: false })
  expect(expectOk(await openShare(t, 'o-b1', a.code, 1047))).toMatchObject({ bound: false })
  // an open credited to B
  expect(expectOk(await openShare(t, 'o-b4', b.code, 1007))).toMatchObject({ bound: true })

  // orders: b1 and b2 pay, b3 does not, b4 pays B
  for (const [buyer, lines, pay] of [
    ['o-b1', [{ skuId: 'p-tea', quantity: 2 }, { skuId: 'p-cake', quantity: 1 }], true],
    ['o-b2', [{ skuId: 'p-cake', quantity: 1 }], true],
    ['o-b3', [{ skuId: 'p-tea', quantity: 1 }], false],
    ['o-b4', [{ skuId: 'p-tea', quantity: 1 }], true],
  ] as const) {
    const { order } = await createAndPay(t, buyer, [...lines])
    if (!pay) continue
    expect((await confirmPayment(t, order._id)).delivered).toBe(true)
    if (buyer !== 'o-b4') {
      paidTotals.push(order.totalFen)
      teaRevenue += order.lines.filter((l) => l.productId === 'p-tea').reduce((s, l) => s + l.amountFen, 0)
    }
  }
}, 120_000)
afterAll(() => t?.stop())

const funnelOf = async (openid: string, data: Record<string, unknown> = {}) => as(t, 'referral', openid)<any>('funnel', data)

test('a seller’s funnel over the last 30 days: shares, opens by channel, bound, paid orders and revenue', async () => {
  const { funnel } = expectOk(await funnelOf(a.openid))
  const today = storeDayOf(new Date())
  expect(funnel).toMatchObject({ sellerId: a.sellerId, to: today, truncated: false })
  expect(funnel.total).toEqual({
    shares: 5,
    opens: 6,
    bound: 4,
    paidOrders: 2,
    revenueFen: paidTotals[0] + paidTotals[1],
    sharesByChannel: { card: 2, chat: 0, group: 1, moments: 1, code: 1 },
    opensByChannel: { chat: 2, group: 2, moments: 1, code: 1, other: 0 },
  })
  expect(funnel.byProduct).toEqual([
    { productId: 'p-cake', name: 'Cake', shares: 2, opens: 1, bound: 0, paidOrders: 2, revenueFen: 24000 },
    { productId: 'p-tea', name: 'Tea', shares: 2, opens: 2, bound: 2, paidOrders: 1, revenueFen: teaRevenue },
  ])
  expect(funnel.byGroup).toEqual([{ groupId: 'G1', opens: 2, bound: 2, paidOrders: 1, revenueFen: paidTotals[1] }])
})

test('the other seller sees only their own; an owner sees either by naming them', async () => {
  const own = expectOk(await funnelOf(b.openid)).funnel
  expect(own.total).toMatchObject({ shares: 1, opens: 1, bound: 1, paidOrders: 1 })
  expect(expectOk(await funnelOf(OWNER, { sellerId: a.sellerId })).funnel).toEqual(expectOk(await funnelOf(a.openid)).funnel)
  expect(expectOk(await funnelOf(OWNER, { sellerId: b.sellerId })).funnel).toEqual(own)
})

test('each product carries its current name, null once the product is gone (one read of products for the page)', async () => {
  await t.db.collection('products').doc('p-cake').update({ name: 'Cheesecake' })
  const renamed = expectOk(await funnelOf(a.openid)).funnel
  expect(renamed.byProduct.map((p: any) => [p.productId, p.name])).toEqual([
    ['p-cake', 'Cheesecake'],
    ['p-tea', 'Tea'],
  ])
  const cake = (await t.db.collection('products').doc('p-cake').get()).data[0] as any
  await t.db.collection('products').doc('p-cake').remove()
  try {
    const gone = expectOk(await funnelOf(a.openid)).funnel
    expect(gone.byProduct.find((p: any) => p.productId === 'p-cake')).toMatchObject({ name: null, paidOrders: 2 })
  } finally {
    const { _id, ...rest } = cake
    await t.db.collection('products').doc(_id).set({ ...rest, name: 'Cake' })
  }
})

test('the owner’s seller list carries the customers bound to each seller', async () => {
  const { sellers } = expectOk(await as(t, 'referral', OWNER)('sellers.list', {}))
  expect(sellers.find((s: any) => s.sellerId === a.sellerId)).toMatchObject({ customers: 4 })
  expect(sellers.find((s: any) => s.sellerId === b.sellerId)).toMatchObject({ customers: 1 })
  // a seller nobody was bound to yet: zero, not a missing field
  const fresh = await makeSeller(t, 'o-seller-fresh', 'Fresh')
  const again = expectOk(await as(t, 'referral', OWNER)('sellers.list', {})).sellers
  expect(again.find((s: any) => s.sellerId === fresh.sellerId)).toMatchObject({ customers: 0 })
  expect(await as(t, 'referral', a.openid)('sellers.list', {})).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  // the customers are counted on an index, not by a scan
  expect(t.cloud.module<DatabaseModule>('database').store.explain('customers', { sellerId: a.sellerId }, [])).toMatchObject({ kind: 'index' })
})

test('a period without activity counts nothing; the default is the last 30 store days', async () => {
  const { funnel } = expectOk(await funnelOf(a.openid, { from: '2026-01-01', to: '2026-01-31' }))
  expect(funnel.total).toMatchObject({ shares: 0, opens: 0, bound: 0, paidOrders: 0, revenueFen: 0 })
  expect(funnel.byProduct).toEqual([])
  const def = expectOk(await funnelOf(a.openid)).funnel
  expect((Date.parse(def.to) - Date.parse(def.from)) / 86_400_000).toBe(29)
})

describe('refusals', () => {
  test.each([
    ['a shopper', 'o-b1', {}, 'FORBIDDEN'],
    ['a seller naming another seller', 'o-seller-b', { sellerId: 's_x' }, 'FORBIDDEN'],
    ['an owner naming no seller', OWNER, {}, 'INVALID_INPUT'],
    ['an owner naming an unknown seller', OWNER, { sellerId: 's_nobody' }, 'NOT_FOUND'],
    ['a day that does not exist', 'o-seller-a', { from: '2026-02-30' }, 'INVALID_INPUT'],
    ['a period that ends before it starts', 'o-seller-a', { from: '2026-03-02', to: '2026-03-01' }, 'INVALID_INPUT'],
    ['a period over 92 days', 'o-seller-a', { from: '2026-01-01', to: '2026-04-30' }, 'INVALID_INPUT'],
    ['an openid in the event', 'o-seller-a', { openid: 'o-seller-b' }, 'INVALID_INPUT'],
    ['a number for a day', 'o-seller-a', { from: 20260101 }, 'INVALID_INPUT'],
  ])('%s (as %s, %j) is %s', async (_what, openid, data, code) => {
    expect(await funnelOf(openid, data)).toMatchObject({ ok: false, code })
  })

  test('an identityless call is UNAUTHENTICATED; a share card without identity records nothing', async () => {
    const before = (await t.db.collection('shareEvents').count()).total
    expect(await as(t, 'referral')('funnel', {})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(await as(t, 'referral')('shareCard', { productId: 'p-tea' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    expect(await as(t, 'referral', 'o-b1')('shareCard', { productId: 'p-tea', channel: 'telegram' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await as(t, 'referral', 'o-b1')('shareCard', { productId: 'p-none' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect((await t.db.collection('shareEvents').count()).total).toBe(before)
  })
})

test('every funnel query is an index range on the seller and the time', () => {
  const store = t.cloud.module<DatabaseModule>('database').store
  const range = (field: string) => [{ [field]: { $gte: new Date('2026-01-01') } }, { [field]: { $lt: new Date('2026-02-01') } }]
  expect(store.explain('shareEvents', { $and: [{ sellerId: 's' }, ...range('at')] }, [['at', 1]])).toMatchObject({ kind: 'index', index: { name: 'sellerId_at' }, ordered: true })
  expect(store.explain('shareOpens', { $and: [{ creditedSellerId: 's' }, ...range('openedAt')] }, [['openedAt', 1]])).toMatchObject({ kind: 'index', index: { name: 'creditedSellerId_openedAt' }, ordered: true })
  expect(store.explain('orders', { $and: [{ sellerId: 's' }, ...range('paidAt')] }, [['paidAt', 1]])).toMatchObject({ kind: 'index', index: { name: 'sellerId_paidAt' }, ordered: true })
})
