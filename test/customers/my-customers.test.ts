/** My customers: a seller's own customers by value, recency and spend, cursor pages, filters, and who may see what. */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import type { DatabaseModule } from '../../localcloud/db/module'
import { configureOwner, expectOk, LIN, makeSeller, openShare, OWNER, ZHOU } from '../referral/helpers'
import { confirmPayment, ordersAs, requestId } from '../orders/helpers'
import { customerDoc, customersAs, expectedOrder, walk, type GeneratedCustomer } from './helpers'

/** The demo customers (database/seed/customers.json, written by scripts/demo-history.ts). */
const SEED_CUSTOMERS: Array<{ _id: string; sellerId?: string; boundAt?: { $date: string }; bindingSource?: { code: string }; stats?: unknown }> = require('../../database/seed/customers.json')
const boundTo = (sellerId: string) => SEED_CUSTOMERS.filter((c) => c.sellerId === sellerId).map((c) => c._id).sort()

let t: TestCloud
let gen: { sellerId: string; openid: string }
const generated: GeneratedCustomer[] = []
const SEGMENTS = ['loyal', 'promising', 'at_risk'] as const
const DAYS = ['2026-11-20', '2026-11-02', '2026-10-15', '2026-09-30']

beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
  gen = await makeSeller(t, 'o-seller-gen', '批量店')
  // 60 customers with few distinct keys (ties on every sort), some without a key, ids not in insertion order
  for (let i = 0; i < 60; i++) {
    const c: GeneratedCustomer = { _id: `o-gen-${String((i * 37) % 60).padStart(2, '0')}`, nickname: `客户${i}`, sellerId: gen.sellerId }
    if (i % 5 !== 0) c.clvFen = [50000, 20000, 20000, 0][i % 4]
    if (i % 5 !== 0 || i % 10 === 5) c.segment = SEGMENTS[i % 3]
    if (i % 6 !== 0) c.lastPurchaseDay = DAYS[i % 4]
    if (i % 7 !== 0) c.spendFen = (i % 3) * 1000 + 500
    generated.push(c)
  }
  await Promise.all(generated.map((c) => t.db.collection('customers').add(customerDoc(c))))
})
afterAll(() => t.stop())

const ids = (res: any) => expectOk<any>(res).customers.map((c: { customerId: string }) => c.customerId)

describe('who sees which customers', () => {
  test('each demo seller sees exactly the customers bound to them', async () => {
    expect((await walk(t, LIN.openid, { sort: 'clv', pageSize: 50 })).ids.sort()).toEqual(boundTo(LIN.sellerId))
    expect((await walk(t, ZHOU.openid, { sort: 'recency', pageSize: 50 })).ids.sort()).toEqual(boundTo(ZHOU.sellerId))
    expect(boundTo(LIN.sellerId)).toEqual(expect.arrayContaining(['o-demo-customer-hao', 'o-demo-customer-mei']))
    expect(boundTo(ZHOU.sellerId)).toEqual(expect.arrayContaining(['o-demo-customer-qing', 'o-demo-customer-yun']))
  })

  test('a seller cannot read another seller’s customer, nor list them by naming the other seller', async () => {
    expect(await customersAs(t, LIN.openid)('detail', { customerId: 'o-demo-customer-yun' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await customersAs(t, LIN.openid)('detail', { customerId: 'o-demo-customer-tian' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await customersAs(t, LIN.openid)('list', { sort: 'clv', sellerId: ZHOU.sellerId })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await customersAs(t, LIN.openid)('detail', { customerId: 'o-demo-customer-yun', sellerId: ZHOU.sellerId })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  test('a shopper, a pending applicant and an identityless call are refused', async () => {
    for (const openid of ['o-demo-customer-mei', 'o-demo-applicant-wang']) {
      expect(await customersAs(t, openid)('list', { sort: 'clv' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await customersAs(t, openid)('detail', { customerId: 'o-demo-customer-hao' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    }
    expect(await customersAs(t)('list', { sort: 'clv' })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  test('an openid or other unknown field in the event is INVALID_INPUT, never trusted', async () => {
    expect(await customersAs(t, 'o-demo-customer-mei')('list', { sort: 'clv', openid: LIN.openid })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await customersAs(t, LIN.openid)('detail', { customerId: 'o-demo-customer-yun', openid: ZHOU.openid })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await customersAs(t, LIN.openid)('list', { sort: 'clv', pageSize: 51 })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('the owner sees one seller’s customers by naming them, or every customer', async () => {
    expect((await walk(t, OWNER, { sort: 'spend', sellerId: ZHOU.sellerId, pageSize: 50 })).ids.sort()).toEqual(boundTo(ZHOU.sellerId))
    const all = await walk(t, OWNER, { sort: 'clv', pageSize: 50 })
    expect(all.ids).toEqual(expect.arrayContaining(['o-demo-customer-tian', 'o-demo-customer-mei', 'o-demo-customer-yun', 'o-gen-00']))
    expect(new Set(all.ids).size).toBe(all.ids.length)
    expect(await customersAs(t, OWNER)('detail', { customerId: 'o-demo-customer-tian' })).toMatchObject({ ok: true })
    expect(await customersAs(t, OWNER)('list', { sort: 'clv', sellerId: 's_nobody' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })
})

describe('ordering and cursor pages', () => {
  test.each(['clv', 'recency', 'spend'] as const)('by %s: pages of 7 walk all 60 customers once, key descending, ties by id, keyless last', async (sort) => {
    const { ids: walked, pages } = await walk(t, gen.openid, { sort, pageSize: 7 })
    expect(walked).toEqual(expectedOrder(generated, sort))
    expect(pages).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 4])
  })

  test('a page carries the stored score, spend and segment label', async () => {
    const first = expectOk<any>(await customersAs(t, gen.openid)('list', { sort: 'clv', pageSize: 1 })).customers[0]
    expect(first).toMatchObject({ clvFen: 50000, pAlive: 0.8, expectedPurchases: 1.2, expectedSpendFen: 1500, segment: expect.any(String), segmentLabel: expect.stringMatching(/客户|流失/) })
  })

  test('a cursor from another sort, or a made-up one, is INVALID_INPUT', async () => {
    const { nextCursor } = expectOk<any>(await customersAs(t, gen.openid)('list', { sort: 'clv', pageSize: 3 }))
    expect(await customersAs(t, gen.openid)('list', { sort: 'spend', cursor: nextCursor })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await customersAs(t, gen.openid)('list', { sort: 'clv', cursor: 'bm90LWEtY3Vyc29y' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('the segment filter walks only that segment, in the same order', async () => {
    const loyal = generated.filter((c) => c.segment === 'loyal')
    expect(loyal.length).toBeGreaterThan(7)
    for (const sort of ['clv', 'spend'] as const) {
      expect((await walk(t, gen.openid, { sort, segment: 'loyal', pageSize: 7 })).ids).toEqual(expectedOrder(loyal, sort))
    }
  })

  test('nickname search matches part of a nickname, literally', async () => {
    const matching = generated.filter((c) => c.nickname.includes('客户1'))
    expect((await walk(t, gen.openid, { sort: 'recency', nickname: '客户1', pageSize: 4 })).ids).toEqual(expectedOrder(matching, 'recency'))
    expect(ids(await customersAs(t, gen.openid)('list', { sort: 'clv', nickname: '.*' }))).toEqual([])
  })
})

describe('the list queries are answered from indexes', () => {
  const plan = (filter: Record<string, unknown>, sort: Array<[string, 1 | -1]>) => t.cloud.module<DatabaseModule>('database').store.explain('customers', filter, sort)

  test.each([
    ['clv', 'score.clvFen'],
    ['recency', 'stats.lastPurchaseDay'],
    ['spend', 'spendFen'],
  ])('by %s: first page, ties after the cursor, the range below it and the keyless rest', (name, field) => {
    const k = field === 'stats.lastPurchaseDay' ? '2026-11-01' : 100
    expect(plan({ sellerId: 's_x' }, [[field, -1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: `sellerId_${name}_id` }, ordered: true })
    expect(plan({ sellerId: 's_x', [field]: k, _id: { $gt: 'o' } }, [['_id', 1]])).toMatchObject({ kind: 'index', index: { name: `sellerId_${name}_id` }, ordered: true })
    expect(plan({ sellerId: 's_x', [field]: { $lt: k } }, [[field, -1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: `sellerId_${name}_id` }, ordered: true })
    expect(plan({ sellerId: 's_x', [field]: null }, [['_id', 1]])).toMatchObject({ kind: 'index', index: { name: `sellerId_${name}_id` }, ordered: true })
    expect(plan({ sellerId: 's_x', 'score.segment': 'loyal', [field]: { $lt: k } }, [[field, -1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: `sellerId_segment_${name}_id` }, ordered: true })
    expect(plan({ [field]: { $lt: k } }, [[field, -1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: `${name}_id` }, ordered: true })
  })
})

describe('a purchase reaches the seller’s list', () => {
  test('a shopper who opens Lin’s card and pays appears in Lin’s list with a score, and in detail with the order and a fresh score explained', async () => {
    const buyer = 'o-buyer-customers'
    expect(expectOk<any>(await openShare(t, buyer, LIN.code))).toMatchObject({ bound: true, sellerId: LIN.sellerId })
    const created = expectOk<any>(await ordersAs(t, buyer)('create', { requestId: requestId(), lines: [{ skuId: 'p-walnut', quantity: 2 }] }))
    await confirmPayment(t, created.order._id)

    const rows = expectOk<any>(await customersAs(t, LIN.openid)('list', { sort: 'recency', pageSize: 50 })).customers
    const row = rows.find((r: { customerId: string }) => r.customerId === buyer)
    expect(row).toMatchObject({ customerId: buyer, paidOrders: 1, spendFen: created.order.totalFen, segment: 'new', segmentLabel: '新客户', scoredAt: expect.any(String) })

    const detail = expectOk<any>(await customersAs(t, LIN.openid)('detail', { customerId: buyer }))
    expect(detail.orders).toEqual([expect.objectContaining({ orderId: created.order._id, status: 'paid', totalFen: created.order.totalFen, itemCount: 2 })])
    expect(detail.stats).toMatchObject({ repeatPurchaseDays: 0, firstDaySpendFen: created.order.totalFen })
    expect(detail.freshScore).toMatchObject({ customerId: buyer, segment: 'new' })
    expect(detail.explanation.segmentRule).toContain('新客户')
    expect(detail.explanation.pAlive === null || /\d+%/.test(detail.explanation.pAlive)).toBe(true)

    expect(await customersAs(t, ZHOU.openid)('detail', { customerId: buyer })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  test('a customer’s detail names whom they referred through their own forwarded code', async () => {
    const mei = expectOk<any>(await customersAs(t, LIN.openid)('detail', { customerId: 'o-demo-customer-mei' }))
    const throughMei = SEED_CUSTOMERS.filter((c) => c.bindingSource?.code === 'Mei4fwd0').sort((a, b) => (a.boundAt!.$date < b.boundAt!.$date ? 1 : -1))
    expect(mei.referred.map((r: { customerId: string }) => r.customerId)).toEqual(throughMei.map((c) => c._id))
    expect(mei.referred.map((r: { customerId: string }) => r.customerId)).toContain('o-demo-customer-hao')
    expect(mei.freshScore).toMatchObject({ customerId: 'o-demo-customer-mei' }) // the demo history has her orders
    const hao = expectOk<any>(await customersAs(t, LIN.openid)('detail', { customerId: 'o-demo-customer-hao' }))
    expect(hao.customer.bindingSource).toMatchObject({ code: 'Mei4fwd0', groupId: 'G-demo-tea-lovers' })
    expect(hao.referred).toEqual([])
  })
})
