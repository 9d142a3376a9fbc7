/**
 * What the pages asked of `orders`: my orders of several statuses in one call by an opaque cursor
 * with what was refunded, a quote's units available per line, the owner's counts by status and
 * the buyer's nickname on the owner's order views. Through the real function on a local cloud.
 */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import type { DatabaseModule } from '../../localcloud/db/module'
import type { OrderStatus } from '../../typings/orders'
import { addProduct, ordersAs, requestId } from './helpers'
import { configureAfterSale, ok, owner, paidOrder, waitForOrder } from './after-sale-helpers'

jest.setTimeout(30_000)

let t: TestCloud
beforeAll(async () => {
  configureAfterSale()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refund_requested', 'refunded']

/** Stores `n` orders of a buyer directly: statuses in turn, times in steps of `stepMs` from `base` (0: all at the same instant). */
async function storeOrders(openid: string, n: number, base: number, stepMs: number): Promise<Array<{ _id: string; status: OrderStatus; createdAt: number }>> {
  const out = []
  for (let i = 0; i < n; i++) {
    const status = STATUSES[i % STATUSES.length]
    const createdAt = base + Math.floor(i / 3) * stepMs
    const _id = `o${openid.slice(-4)}${String(i).padStart(4, '0')}`
    await t.db.collection('orders').doc(_id).set({
      _openid: openid,
      status,
      lines: [{ productId: 'p-soap', skuId: 'p-soap', name: '手工山茶油皂', spec: '', priceFen: 100, quantity: 1, amountFen: 100 }],
      itemsFen: 100,
      shippingFen: 0,
      totalFen: 100,
      sellerId: null,
      clientRequestId: `r${i}`,
      createdAt: new Date(createdAt),
      expiresAt: new Date(createdAt + 1800_000),
      paidAt: null,
      cancelledAt: null,
      transactionId: null,
      stockHeld: false,
      holdId: `h${i}`,
      ...(i % 5 === 0 ? { refundedFen: 40 } : {}),
    })
    out.push({ _id, status, createdAt })
  }
  return out
}

const newestFirst = (a: { _id: string; createdAt: number }, b: { _id: string; createdAt: number }) => b.createdAt - a.createdAt || (a._id < b._id ? 1 : -1)

async function walk(openid: string, request: Record<string, unknown>, pageSize: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = []
  let cursor: string | undefined
  let pages = 0
  for (;;) {
    const page = await ok(ordersAs(t, openid)('list', { ...request, pageSize, ...(cursor ? { cursor } : {}) }))
    pages++
    ids.push(...page.orders.map((o: any) => o._id))
    expect(page.hasMore).toBe(page.nextCursor !== null)
    if (page.nextCursor === null) return { ids, pages }
    if (pages > 200) throw new Error('the cursor never ends')
    cursor = page.nextCursor
  }
}

describe('my orders by cursor', () => {
  test('one status, several statuses or all: every matching order exactly once, newest first, also across equal creation times', async () => {
    const buyer = 'o-lqc-pager'
    const stored = await storeOrders(buyer, 61, Date.UTC(2026, 9, 1), 60_000)
    for (const request of [{}, { status: 'paid' }, { statuses: ['refund_requested', 'refunded'] }, { statuses: ['paid', 'shipped', 'completed'] }, { statuses: STATUSES }]) {
      const wanted = (request as { statuses?: string[]; status?: string }).statuses ?? ((request as { status?: string }).status ? [(request as { status: string }).status] : STATUSES)
      const expected = stored.filter((o) => wanted.includes(o.status)).sort(newestFirst).map((o) => o._id)
      for (const pageSize of Object.keys(request).length === 0 ? [1, 4, 50] : [4, 50]) expect((await walk(buyer, request, pageSize)).ids).toEqual(expected)
    }
  })

  test('items carry refundedFen (0 when nothing was refunded)', async () => {
    // i % 7 == 0 are pending_payment; of those, 0 and 35 had a refund recorded
    const page = await ok(ordersAs(t, 'o-lqc-pager')('list', { statuses: ['pending_payment'], pageSize: 50 }))
    expect(page.orders.find((o: any) => o._id === 'oager0000')).toMatchObject({ refundedFen: 40 })
    expect(page.orders.find((o: any) => o._id === 'oager0007')).toMatchObject({ refundedFen: 0 })
  })

  test('an order written between two pages neither repeats nor shifts an order already shown', async () => {
    const buyer = 'o-lqc-shift'
    const stored = await storeOrders(buyer, 9, Date.UTC(2026, 9, 2), 1000)
    const first = await ok(ordersAs(t, buyer)('list', { pageSize: 4 }))
    const { _id: _copied, ...copy } = (await t.db.collection('orders').doc(stored[0]._id).get()).data[0] as any
    await t.db.collection('orders').doc('onew').set({ ...copy, createdAt: new Date(Date.UTC(2026, 9, 3)) })
    const rest = await walk(buyer, {}, 4)
    expect(rest.ids[0]).toBe('onew')
    const second = await ok(ordersAs(t, buyer)('list', { pageSize: 50, cursor: first.nextCursor }))
    expect([...first.orders, ...second.orders].map((o: any) => o._id)).toEqual(stored.sort(newestFirst).map((o) => o._id))
  })

  test('every read is an ordered index range, never a skip', () => {
    const plan = (filter: Record<string, unknown>, sort: Array<[string, 1 | -1]>) => t.cloud.module<DatabaseModule>('database').store.explain('orders', filter, sort)
    const newest: Array<[string, 1 | -1]> = [['createdAt', -1], ['_id', -1]]
    const at = new Date()
    expect(plan({ _openid: 'x' }, newest)).toMatchObject({ kind: 'index', index: { name: 'openid_createdAt_id' }, ordered: true })
    expect(plan({ _openid: 'x', createdAt: { $lt: at } }, newest)).toMatchObject({ kind: 'index', index: { name: 'openid_createdAt_id' }, ordered: true })
    expect(plan({ _openid: 'x', createdAt: at, _id: { $lt: 'o' } }, [['_id', -1]])).toMatchObject({ kind: 'index', index: { name: 'openid_createdAt_id' }, ordered: true })
    expect(plan({ _openid: 'x', status: 'paid', createdAt: { $lt: at } }, newest)).toMatchObject({ kind: 'index', index: { name: 'openid_status_createdAt_id' }, ordered: true })
    expect(plan({ _openid: 'x', status: 'paid', createdAt: at, _id: { $lt: 'o' } }, [['_id', -1]])).toMatchObject({ kind: 'index', index: { name: 'openid_status_createdAt_id' }, ordered: true })
    expect(plan({ status: 'paid' }, [])).toMatchObject({ kind: 'index' })
  })

  test('hostile requests: both status and statuses, unknown statuses, page offsets, forged cursors, an openid in the event', async () => {
    const me = ordersAs(t, 'o-lqc-pager')
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    for (const bad of [
      { status: 'paid', statuses: ['paid'] },
      { statuses: [] },
      { statuses: ['paid', 'lost'] },
      { statuses: 'paid' },
      { page: 3 },
      { cursor: '' },
      { cursor: 'not-a-cursor' },
      { cursor: forged(['x', 'y']) },
      { cursor: forged([1, { $gt: '' }]) },
      { cursor: forged({ $gt: 1 }) },
      { openid: 'o-lqc-shift' },
      { pageSize: 51 },
    ]) {
      expect(await me('list', bad)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
    expect(await ordersAs(t)('list', {})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    // a cursor from another buyer's list only positions my own list: it never shows their orders
    const theirs = await ok(ordersAs(t, 'o-lqc-shift')('list', { pageSize: 1 }))
    const mine = await ok(me('list', { cursor: theirs.nextCursor, pageSize: 50 }))
    expect(mine.orders.every((o: any) => o._id.startsWith('oager'))).toBe(true)
  })
})

describe('a partial refund in my list', () => {
  test('the refunds tab asks once and shows the refunded amount of a partly refunded order', async () => {
    const buyer = 'o-lqc-refund'
    const order = await paidOrder(t, buyer, [{ skuId: 'p-soap', quantity: 2 }])
    await ok(ordersAs(t, buyer)('refund.request', { orderId: order._id, requestId: requestId(), reason: '少了一块', lines: [{ skuId: 'p-soap', quantity: 1 }] }))
    const pending = await ok(ordersAs(t, buyer)('list', { statuses: ['refund_requested', 'refunded'] }))
    expect(pending.orders.map((o: any) => [o._id, o.status, o.refundedFen])).toEqual([[order._id, 'refund_requested', 0]])
    await ok(owner(t)('admin.refund.approve', { orderId: order._id, restock: true }))
    const done = await waitForOrder(t, order._id, (o) => (o.refundedFen ?? 0) > 0 && o.status === 'paid')
    const listed = await ok(ordersAs(t, buyer)('list', { statuses: ['paid'] }))
    expect(listed.orders).toEqual([expect.objectContaining({ _id: order._id, status: 'paid', totalFen: order.totalFen, refundedFen: done.refundedFen })])
    expect(done.refundedFen).toBeLessThan(order.totalFen)
  })
})

describe('quote', () => {
  test('each line carries the units that can be bought now, at most 99', async () => {
    await addProduct(t, { _id: 'p-lqc-few', name: '少量', priceFen: 500, stock: 3 })
    await addProduct(t, { _id: 'p-lqc-many', name: '大量', priceFen: 500, stock: 5000 })
    const quote = await ok(ordersAs(t)('quote', { lines: [{ skuId: 'p-lqc-few', quantity: 2 }, { skuId: 'p-lqc-many', quantity: 1 }, { skuId: 'p-lqc-few', quantity: 1 }] }))
    expect(quote.lines.map((l: any) => [l.skuId, l.quantity, l.available])).toEqual([
      ['p-lqc-few', 3, 3],
      ['p-lqc-many', 1, 99],
    ])
  })

  test('an OUT_OF_STOCK refusal says how many are available; an off-sale SKU stays PRODUCT_UNAVAILABLE', async () => {
    expect(await ordersAs(t)('quote', { lines: [{ skuId: 'p-lqc-few', quantity: 4 }] })).toMatchObject({ ok: false, code: 'OUT_OF_STOCK', data: { productId: 'p-lqc-few', skuId: 'p-lqc-few', available: 3 } })
    await t.db.collection('skus').doc('p-lqc-few').update({ stock: 0 })
    expect(await ordersAs(t)('quote', { lines: [{ skuId: 'p-lqc-few', quantity: 1 }] })).toMatchObject({ ok: false, code: 'OUT_OF_STOCK', data: { available: 0 } })
    expect(await ordersAs(t)('quote', { lines: [{ skuId: 'p-retired', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE' })
    expect(await ordersAs(t)('quote', { lines: [{ skuId: 'p-soap', quantity: 1, available: 5 }] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})

describe('the owner’s desk', () => {
  test('admin.counts answers how many orders are in each status, equal to the stored orders', async () => {
    const stored = (await t.db.collection('orders').limit(1000).get()).data as Array<{ status: string }>
    const count = (s: string) => stored.filter((o) => o.status === s).length
    expect(await ok(owner(t)('admin.counts', {}))).toEqual({ counts: { paid: count('paid'), refund_requested: count('refund_requested') } })
    expect(await ok(owner(t)('admin.counts', { statuses: ['shipped', 'cancelled', 'shipped'] }))).toEqual({ counts: { shipped: count('shipped'), cancelled: count('cancelled') } })
    expect(count('paid')).toBeGreaterThan(0)
  })

  test('admin.counts is the owner’s only; malformed requests are INVALID_INPUT', async () => {
    expect(await ordersAs(t, 'o-lqc-pager')('admin.counts', {})).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await ordersAs(t)('admin.counts', {})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
    for (const bad of [{ statuses: [] }, { statuses: ['nope'] }, { status: 'paid' }, { openid: 'o-as-owner' }]) expect(await owner(t)('admin.counts', bad)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('order views carry the buyer’s nickname from their profile (null without one)', async () => {
    const named = await paidOrder(t, 'o-lqc-named', [{ skuId: 'p-soap', quantity: 1 }])
    const anonymous = await paidOrder(t, 'o-lqc-anon', [{ skuId: 'p-soap', quantity: 1 }])
    await t.invoke('profile', { action: 'update', data: { nickname: '小林' } }, { openid: 'o-lqc-named' })
    const nickname = ((await t.db.collection('customers').doc('o-lqc-named').get()).data[0] as any)?.nickname
    expect(nickname).toBe('小林')
    const views: any[] = []
    let cursor: string | undefined
    do {
      const page = await ok(owner(t)('admin.list', { status: 'paid', pageSize: 50, ...(cursor ? { cursor } : {}) }))
      views.push(...page.orders)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(views.find((o) => o._id === named._id)).toMatchObject({ buyerOpenid: 'o-lqc-named', buyerNickname: '小林' })
    expect(views.find((o) => o._id === anonymous._id)).toMatchObject({ buyerOpenid: 'o-lqc-anon', buyerNickname: null })
    expect(await ok(owner(t)('admin.detail', { orderId: named._id }))).toMatchObject({ order: { buyerNickname: '小林' } })
    expect(await ok(owner(t)('admin.ship', { orderId: named._id, carrier: 'SF', trackingNo: 'SF1234567' }))).toMatchObject({ order: { status: 'shipped', buyerNickname: '小林' } })
  })
})
