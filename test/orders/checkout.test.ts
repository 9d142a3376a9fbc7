/** Checkout through the real `orders` function on a local cloud: quote, create, cancel, list, detail, and the race for the last units. */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { addProduct, confirmPayment, ordersAs, requestId, sku, storedOrder, units } from './helpers'

const OWNER = 'o-checkout-owner'
let t: TestCloud
beforeAll(async () => {
  process.env.OWNER_OPENIDS = OWNER // read by the functions' workers at start
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const alice = () => ordersAs(t, 'o-alice')

describe('quote', () => {
  test('prices come from the database with the default shipping rule, whatever the event claims', async () => {
    const res = await alice()('quote', { lines: [{ skuId: 'p-walnut', quantity: 1 }] })
    expect(res).toMatchObject({ ok: true, data: { itemsFen: 4590, shippingFen: 1000, totalFen: 5590 } })
    const hostile = await alice()('quote', { lines: [{ skuId: 'p-walnut', quantity: 1, priceFen: 1 }] })
    expect(hostile).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    const withTotal = await alice()('quote', { lines: [{ skuId: 'p-walnut', quantity: 1 }], totalFen: 1 })
    expect(withTotal).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('the owner’s shipping rule from settings applies', async () => {
    await t.db.collection('settings').doc('store').set({ shipping: { flatFeeFen: 600, freeFromFen: 20000 } })
    try {
      expect(await alice()('quote', { lines: [{ skuId: 'p-longjing', quantity: 1 }] })).toMatchObject({ ok: true, data: { shippingFen: 600, totalFen: 17400 } })
      expect(await alice()('quote', { lines: [{ skuId: 'p-longjing', quantity: 2 }] })).toMatchObject({ ok: true, data: { shippingFen: 0, totalFen: 33600 } })
    } finally {
      await t.db.collection('settings').doc('store').remove()
    }
  })

  test('an off-sale or unknown SKU is PRODUCT_UNAVAILABLE; too many is OUT_OF_STOCK; each names the SKU and its product', async () => {
    expect(await alice()('quote', { lines: [{ skuId: 'p-retired', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE', data: { productId: 'p-retired', skuId: 'p-retired' } })
    expect(await alice()('quote', { lines: [{ skuId: 'p-nope', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE', data: { productId: '', skuId: 'p-nope' } })
    expect(await alice()('quote', { lines: [{ skuId: 'p-jujube', quantity: 6 }] })).toMatchObject({ ok: false, code: 'OUT_OF_STOCK', data: { productId: 'p-jujube', skuId: 'p-jujube' } })
    expect(await alice()('quote', { lines: [{ productId: 'p-jujube', quantity: 1 }] })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('a multi-spec product is bought by SKU: each line snapshots its spec and price, and the product name', async () => {
    const res = await alice()('quote', { lines: [{ skuId: 'p-longjing', quantity: 1 }, { skuId: 'p-longjing-500g', quantity: 1 }, { skuId: 'p-walnut-2500g', quantity: 2 }] })
    expect(res.ok && res.data.lines.map((l: any) => [l.productId, l.skuId, l.name, l.spec, l.priceFen, l.amountFen])).toEqual([
      ['p-longjing', 'p-longjing', '明前龙井', '250g / 罐装', 16800, 16800],
      ['p-longjing', 'p-longjing-500g', '明前龙井', '500g / 礼盒', 32000, 32000],
      ['p-walnut', 'p-walnut-2500g', '纸皮核桃', '2.5kg', 10900, 21800],
    ])
    expect(res).toMatchObject({ ok: true, data: { itemsFen: 70600, shippingFen: 0, totalFen: 70600 } })
  })

  test('a SKU of a product taken off sale is PRODUCT_UNAVAILABLE, although the SKU itself is on sale', async () => {
    await t.db.collection('products').doc('p-walnut').update({ onSale: false })
    try {
      expect(await alice()('quote', { lines: [{ skuId: 'p-walnut-2500g', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE', data: { productId: 'p-walnut', skuId: 'p-walnut-2500g' } })
    } finally {
      await t.db.collection('products').doc('p-walnut').update({ onSale: true })
    }
  })
})

describe('create', () => {
  test('a new order snapshots lines, reserves stock, expires, and ignores openid/price/total in the event', async () => {
    const before = await sku(t, 'p-soap')
    const res = await alice()('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 2 }] })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    const order = res.data.order
    expect(order).toMatchObject({ status: 'pending_payment', itemsFen: 5600, shippingFen: 1000, totalFen: 6600 })
    expect(order.lines).toEqual([{ productId: 'p-soap', skuId: 'p-soap', name: '手工山茶油皂', spec: '', priceFen: 2800, quantity: 2, amountFen: 5600, image: expect.stringMatching(/^cloud:\/\/.+\/soap\.png$/) }])
    expect(order.expiresAt).toBeGreaterThan(order.createdAt)
    expect(res.data.payment).toMatchObject({ package: expect.stringMatching(/^prepay_id=/) })
    const after = await sku(t, 'p-soap')
    expect(after.stock).toBe(before.stock - 2)
    expect(after.reserved ?? 0).toBe((before.reserved ?? 0) + 2)
    expect((await storedOrder(t, order._id))._openid).toBe('o-alice')

    const forged = await alice()('create', { requestId: requestId(), openid: 'o-bob', lines: [{ skuId: 'p-soap', quantity: 1 }] })
    expect(forged).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    const priced = await alice()('create', { requestId: requestId(), totalFen: 1, lines: [{ skuId: 'p-soap', quantity: 1 }] })
    expect(priced).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })

  test('the shipping address is snapshotted onto the order: the buyer and the owner see it, a malformed one is refused and reserves nothing', async () => {
    const address = { name: '张三', phone: '020-81167888', province: '广东省', city: '广州市', district: '海珠区', detail: '新港中路397号', postalCode: '510000' }
    const res = await ordersAs(t, 'o-addressee')('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 1 }], address: { ...address, name: ' 张三 ' } })
    expect(res).toMatchObject({ ok: true, data: { order: { address } } })
    const orderId = res.ok ? (res.data as { order: { _id: string } }).order._id : ''
    expect((await storedOrder(t, orderId)).address).toEqual(address)
    expect(await ordersAs(t, 'o-addressee')('detail', { orderId })).toMatchObject({ ok: true, data: { order: { address } } })
    expect(await ordersAs(t, OWNER)('admin.detail', { orderId })).toMatchObject({ ok: true, data: { order: { address, buyerOpenid: 'o-addressee' } } })

    const without = await ordersAs(t, 'o-addressee')('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 1 }] })
    expect(without).toMatchObject({ ok: true, data: { order: { address: null } } })

    const before = await sku(t, 'p-soap')
    for (const bad of [{ ...address, phone: 'call me' }, { ...address, detail: '' }, { ...address, name: 'x'.repeat(41) }, { ...address, openid: 'o-x' }, { ...address, postalCode: 510000 }, 'somewhere']) {
      expect(await ordersAs(t, 'o-addressee')('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 1 }], address: bad })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
    expect(await sku(t, 'p-soap')).toEqual(before)
  })

  test('a retry with the same client request id answers the same order and reserves once', async () => {
    const id = requestId()
    const before = await sku(t, 'p-walnut')
    const answers = await Promise.all([1, 2, 3].map(() => alice()('create', { requestId: id, lines: [{ skuId: 'p-walnut', quantity: 1 }] })))
    const again = await alice()('create', { requestId: id, lines: [{ skuId: 'p-walnut', quantity: 1 }] })
    const ids = new Set([...answers, again].map((a) => (a.ok ? a.data.order._id : a.code)))
    expect(ids.size).toBe(1)
    expect((await sku(t, 'p-walnut')).stock).toBe(before.stock - 1)
    expect(await units(t, 'p-walnut')).toBe(300)
    // the losing attempts released their own holds, never the winner's
    const orderId = [...ids][0]
    expect(((await sku(t, 'p-walnut')) as any).holds.filter((h: any) => h.orderId === orderId)).toHaveLength(1)
  })

  test('a retry after the last unit went (to this very order) or the product went off sale still answers the order', async () => {
    await addProduct(t, { _id: 'p-retry-last', name: 'last tin', priceFen: 5000, stock: 1 })
    const id = requestId()
    const first = await alice()('create', { requestId: id, lines: [{ skuId: 'p-retry-last', quantity: 1 }] })
    expect(first).toMatchObject({ ok: true })
    const again = await alice()('create', { requestId: id, lines: [{ skuId: 'p-retry-last', quantity: 1 }] })
    expect(again).toMatchObject({ ok: true, data: { order: { _id: (first as any).data.order._id } } })
    await t.db.collection('products').doc('p-retry-last').update({ onSale: false })
    const offSale = await alice()('create', { requestId: id, lines: [{ skuId: 'p-retry-last', quantity: 1 }] })
    expect(offSale).toMatchObject({ ok: true, data: { order: { _id: (first as any).data.order._id } } })
    expect(await sku(t, 'p-retry-last')).toMatchObject({ stock: 0, reserved: 1, sold: 0 })
    // a new request for it is refused as before
    expect(await alice()('create', { requestId: requestId(), lines: [{ skuId: 'p-retry-last', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE' })
  })

  test('the same request id from another buyer is another order', async () => {
    const id = requestId()
    const a = await alice()('create', { requestId: id, lines: [{ skuId: 'p-walnut', quantity: 1 }] })
    const b = await ordersAs(t, 'o-bob')('create', { requestId: id, lines: [{ skuId: 'p-walnut', quantity: 1 }] })
    expect(a.ok && b.ok && a.data.order._id !== b.data.order._id).toBe(true)
  })

  test('without an identity (Moments single-page mode) an order cannot be created', async () => {
    expect(await ordersAs(t)('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 1 }] })).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' })
  })

  test('a failing later line releases what the earlier lines reserved', async () => {
    const before = await sku(t, 'p-longjing')
    const res = await alice()('create', { requestId: requestId(), lines: [{ skuId: 'p-longjing', quantity: 3 }, { skuId: 'p-jujube', quantity: 50 }] })
    expect(res).toMatchObject({ ok: false, code: 'OUT_OF_STOCK', data: { productId: 'p-jujube', skuId: 'p-jujube' } })
    const after = await sku(t, 'p-longjing')
    expect(after.stock).toBe(before.stock)
    expect(after.reserved ?? 0).toBe(before.reserved ?? 0)
  })

  test('an order of two SKUs of one product reserves each SKU on its own; a SKU short of stock is OUT_OF_STOCK naming it, and the other SKU’s reservation is released', async () => {
    const [small, large] = [await sku(t, 'p-walnut'), await sku(t, 'p-walnut-2500g')]
    const res = await alice()('create', { requestId: requestId(), lines: [{ skuId: 'p-walnut', quantity: 2 }, { skuId: 'p-walnut-2500g', quantity: 1 }] })
    expect(res.ok).toBe(true)
    expect((await sku(t, 'p-walnut')).reserved).toBe(small.reserved + 2)
    expect((await sku(t, 'p-walnut-2500g')).reserved).toBe(large.reserved + 1)
    const short = await alice()('create', { requestId: requestId(), lines: [{ skuId: 'p-walnut', quantity: 1 }, { skuId: 'p-walnut-2500g', quantity: 61 }] })
    expect(short).toMatchObject({ ok: false, code: 'OUT_OF_STOCK', data: { productId: 'p-walnut', skuId: 'p-walnut-2500g' } })
    expect((await sku(t, 'p-walnut')).reserved).toBe(small.reserved + 2)
  })

  test('200 concurrent buyers for the last 10 units: 10 orders, 190 OUT_OF_STOCK, none INTERNAL, nothing lost', async () => {
    await addProduct(t, { _id: 'p-last10', name: '最后十件', priceFen: 1000, stock: 10 })
    let minStock = 10
    let sampling = true
    const sampler = (async () => {
      while (sampling) {
        const p = await sku(t, 'p-last10')
        minStock = Math.min(minStock, p.stock)
        expect(p.stock + (p.reserved ?? 0) + (p.sold ?? 0)).toBe(10)
      }
    })()
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => ordersAs(t, `o-buyer-${i}`)('create', { requestId: requestId(), lines: [{ skuId: 'p-last10', quantity: 1 }] })),
    )
    sampling = false
    await sampler
    const codes = answers.map((a) => (a.ok ? 'OK' : a.code))
    expect(codes.filter((c) => c === 'OK')).toHaveLength(10)
    expect(codes.filter((c) => c === 'OUT_OF_STOCK')).toHaveLength(190)
    expect(codes).not.toContain('INTERNAL')
    const p = await sku(t, 'p-last10')
    expect(p).toMatchObject({ stock: 0, reserved: 10 })
    expect((p as any).holds).toHaveLength(10)
    expect(minStock).toBeGreaterThanOrEqual(0)
    const { total } = await t.db.collection('orders').where({ 'lines.productId': 'p-last10' }).count()
    expect(total).toBe(10)
  }, 30_000)
})

describe('cancel, list and detail', () => {
  test('cancelling my unpaid order releases its stock; a second cancel changes nothing', async () => {
    const before = await sku(t, 'p-pu-erh')
    const created = await alice()('create', { requestId: requestId(), lines: [{ skuId: 'p-pu-erh', quantity: 4 }] })
    if (!created.ok) throw new Error(created.code)
    const id = created.data.order._id
    expect(await alice()('cancel', { orderId: id })).toMatchObject({ ok: true, data: { order: { status: 'cancelled' } } })
    expect(await alice()('cancel', { orderId: id })).toMatchObject({ ok: false, code: 'INVALID_TRANSITION' })
    const after = await sku(t, 'p-pu-erh')
    expect({ stock: after.stock, reserved: after.reserved ?? 0 }).toEqual({ stock: before.stock, reserved: before.reserved ?? 0 })
  })

  test('another buyer can neither see nor cancel my order', async () => {
    const created = await alice()('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 1 }] })
    if (!created.ok) throw new Error(created.code)
    const bob = ordersAs(t, 'o-bob')
    expect(await bob('detail', { orderId: created.data.order._id })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' })
    expect(await bob('cancel', { orderId: created.data.order._id })).toMatchObject({ ok: false, code: 'ORDER_NOT_FOUND' })
    expect(await alice()('detail', { orderId: created.data.order._id })).toMatchObject({ ok: true, data: { order: { _id: created.data.order._id } } })
  })

  test('list shows only my orders, newest first, by status, paginated', async () => {
    const carol = ordersAs(t, 'o-carol')
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      await t.cloud.clock.advance(1000)
      const res = await carol('create', { requestId: requestId(), lines: [{ skuId: 'p-walnut', quantity: 1 }] })
      if (!res.ok) throw new Error(res.code)
      ids.push(res.data.order._id)
    }
    await carol('cancel', { orderId: ids[0] })
    const first = await carol('list', { pageSize: 2 })
    expect(first).toMatchObject({ ok: true, data: { hasMore: true } })
    const second = await carol('list', { pageSize: 2, cursor: first.ok ? first.data.nextCursor : undefined })
    expect(second).toMatchObject({ ok: true, data: { hasMore: false } })
    if (!first.ok || !second.ok) return
    expect([...first.data.orders, ...second.data.orders].map((o: any) => o._id)).toEqual([...ids].reverse())
    const cancelled = await carol('list', { status: 'cancelled' })
    expect(cancelled.ok && cancelled.data.orders.map((o: any) => o._id)).toEqual([ids[0]])
    expect(await carol('list', { openid: 'o-alice' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})

describe('stock under a mixed workload', () => {
  test('buyers creating, paying, cancelling and expiring at once: stock + reserved + sold stays the units received at every point, and holds match reserved', async () => {
    await addProduct(t, { _id: 'p-mixed', name: '混合', priceFen: 500, stock: 40, sort: 98 })
    let sampling = true
    let samples = 0
    const sampler = (async () => {
      while (sampling) {
        const p: any = await sku(t, 'p-mixed')
        expect(p.stock).toBeGreaterThanOrEqual(0)
        expect(p.stock + (p.reserved ?? 0) + (p.sold ?? 0)).toBe(40)
        samples++
      }
    })()
    const timer = () => t.invoke('orders', { Type: 'Timer', TriggerName: 'expireUnpaidOrders', Time: '', Message: '' }, { source: 'wx_trigger' })
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const call = ordersAs(t, `o-mixed-${i}`)
        const res: any = await call('create', { requestId: requestId(), lines: [{ skuId: 'p-mixed', quantity: 1 + (i % 3) }] })
        if (!res.ok) return res.code
        if (i % 3 === 0) return (await call('cancel', { orderId: res.data.order._id })).ok ? 'cancelled' : 'cancel-refused'
        if (i % 3 === 1) return (await confirmPayment(t, res.data.order._id)).delivered ? 'paid' : 'undelivered'
        return 'left'
      }).concat([timer(), timer()] as any),
    )
    await t.cloud.clock.advance(31 * 60_000)
    await timer()
    sampling = false
    await sampler
    expect(outcomes).not.toContain('INTERNAL')
    expect(samples).toBeGreaterThan(0)
    const p: any = await sku(t, 'p-mixed')
    expect(p.reserved ?? 0).toBe(0)
    expect(p.holds).toEqual([])
    const { data: paid } = await t.db.collection('orders').where({ 'lines.productId': 'p-mixed', status: 'paid' }).get()
    expect(p.sold ?? 0).toBe(paid.reduce((n: number, o: any) => n + o.lines[0].quantity, 0))
    expect(p.stock + (p.sold ?? 0)).toBe(40)
  }, 30_000)
})
