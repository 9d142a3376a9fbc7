/** The owner's catalogue tools (`catalog` admin.* actions) through the real function: owners only, every write idempotent. */
import fc from 'fast-check'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { confirmPayment, ordersAs, requestId, sku, storedOrder } from '../orders/helpers'
import { catalogAs, configureOwner, expectOk, OWNER } from './helpers'

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const owner = () => catalogAs(t, OWNER)
const shopper = () => catalogAs(t, 'o-admin-shopper')
const IMAGE = 'cloud://local.6c6f-local-1250000000/products/new/cover.png'

function honeyDraft(over: Record<string, unknown> = {}) {
  return {
    name: '土蜂蜜',
    categoryId: 'cat-snack',
    description: '山里的百花蜜',
    images: [IMAGE],
    specNames: ['重量'],
    skus: [
      { specValues: ['500g'], priceFen: 5800, stock: 30, onSale: true },
      { specValues: ['1kg'], priceFen: 9800, stock: 10, onSale: true },
    ],
    onSale: true,
    sort: 7,
    ...over,
  }
}

async function allSkusOf(productId: string): Promise<any[]> {
  return (await t.db.collection('skus').where({ productId }).get()).data
}

describe('only the owner', () => {
  test('a shopper, a caller without identity, or an openid in the event is refused; nothing is written', async () => {
    const before = JSON.stringify([(await t.db.collection('products').get()).data, (await t.db.collection('skus').get()).data, (await t.db.collection('categories').get()).data])
    const calls: Array<[string, unknown]> = [
      ['admin.products', {}],
      ['admin.createProduct', { requestId: requestId(), product: honeyDraft() }],
      ['admin.updateProduct', { productId: 'p-soap', product: honeyDraft() }],
      ['admin.adjustStock', { skuId: 'p-soap', delta: 5, requestId: requestId(), reason: '盘点' }],
      ['admin.saveCategories', { categories: [] }],
      ['admin.setOnSale', { productIds: ['p-soap'], onSale: false }],
    ]
    for (const [action, data] of calls) {
      expect(await shopper()(action, data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await catalogAs(t)(action, data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
      expect(await shopper()(action, { ...(data as object), openid: OWNER })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
    expect(JSON.stringify([(await t.db.collection('products').get()).data, (await t.db.collection('skus').get()).data, (await t.db.collection('categories').get()).data])).toBe(before)
  })
})

describe('products and SKUs', () => {
  test('the owner’s list has every product, off-sale ones too, with each SKU’s stock, reserved and sold', async () => {
    const created: any = await ordersAs(t, 'o-admin-buyer')('create', { requestId: requestId(), lines: [{ skuId: 'p-walnut-2500g', quantity: 2 }] })
    await confirmPayment(t, created.data.order._id)
    await ordersAs(t, 'o-admin-buyer')('create', { requestId: requestId(), lines: [{ skuId: 'p-walnut-2500g', quantity: 1 }] })
    const { products, nextCursor } = expectOk<any>(await owner()('admin.products', { pageSize: 50 }))
    expect(nextCursor).toBeNull()
    expect(products.map((p: any) => p._id)).toEqual(['p-longjing', 'p-pu-erh', 'p-walnut', 'p-jujube', 'p-soap', 'p-retired'])
    expect(products.find((p: any) => p._id === 'p-retired')).toMatchObject({ onSale: false })
    const walnut = products.find((p: any) => p._id === 'p-walnut')
    expect(walnut.skus).toEqual([
      expect.objectContaining({ _id: 'p-walnut', spec: '1kg', stock: 300, reserved: 0, sold: 0, holds: 0 }),
      expect.objectContaining({ _id: 'p-walnut-2500g', spec: '2.5kg', priceFen: 10900, stock: 57, reserved: 1, sold: 2, holds: 1 }),
    ])
    const paged = expectOk<any>(await owner()('admin.products', { pageSize: 4 }))
    expect(paged.products).toHaveLength(4)
    expect(expectOk<any>(await owner()('admin.products', { pageSize: 4, cursor: paged.nextCursor })).products.map((p: any) => p._id)).toEqual(['p-soap', 'p-retired'])
  })

  test('creating a product with specs makes one SKU per combination; retries (also concurrent) make it once', async () => {
    const id = requestId()
    const answers = await Promise.all([1, 2, 3, 4].map(() => owner()('admin.createProduct', { requestId: id, product: honeyDraft() })))
    const again = await owner()('admin.createProduct', { requestId: id, product: honeyDraft() })
    const ids = new Set([...answers, again].map((a: any) => (a.ok ? a.data.product._id : a.code)))
    expect(ids.size).toBe(1)
    const productId = [...ids][0] as string
    expect(productId).toMatch(/^p-[0-9a-f]{12}$/)
    const skus = await allSkusOf(productId)
    expect(skus.map((s) => [s.spec, s.priceFen, s.stock, s.reserved, s.sold]).sort()).toEqual([
      ['1kg', 9800, 10, 0, 0],
      ['500g', 5800, 30, 0, 0],
    ])
    expect(skus.every((s) => s._id !== productId && s._id.startsWith(`${productId}-`))).toBe(true)
    // the shopper sees it and buys a SKU
    const { product } = expectOk<any>(await shopper()('product', { productId }))
    expect(product).toMatchObject({ name: '土蜂蜜', fromPriceFen: 5800, toPriceFen: 9800, images: [IMAGE], specNames: ['重量'] })
    const big = product.skus.find((s: any) => s.spec === '1kg')
    const order: any = await ordersAs(t, 'o-honey')('create', { requestId: requestId(), lines: [{ skuId: big._id, quantity: 2 }] })
    expect(order).toMatchObject({ ok: true, data: { order: { lines: [{ productId, skuId: big._id, name: '土蜂蜜', spec: '1kg', priceFen: 9800, image: IMAGE }] } } })
  })

  test('a product without specs gets exactly one SKU with the product’s own id', async () => {
    const res = expectOk<any>(await owner()('admin.createProduct', { requestId: requestId(), product: honeyDraft({ name: '野菊花', specNames: [], skus: [{ specValues: [], priceFen: 1500, stock: 9, onSale: true }] }) }))
    expect(res.product.skus).toEqual([expect.objectContaining({ _id: res.product._id, spec: '', priceFen: 1500, stock: 9 })])
  })

  test.each<[string, Record<string, unknown>, string]>([
    ['a SKU without a value for each spec name', { skus: [{ specValues: [], priceFen: 1, onSale: true }] }, 'INVALID_INPUT'],
    ['two SKUs with the same values', { skus: [{ specValues: ['500g'], priceFen: 1, onSale: true }, { specValues: ['500g'], priceFen: 2, onSale: true }] }, 'INVALID_INPUT'],
    ['no specs but two SKUs', { specNames: [], skus: [{ specValues: [], priceFen: 1, onSale: true }, { specValues: [], priceFen: 2, onSale: true }] }, 'INVALID_INPUT'],
    ['a price that is not whole fen', { skus: [{ specValues: ['500g'], priceFen: 19.9, onSale: true }] }, 'INVALID_INPUT'],
    ['a negative stock', { skus: [{ specValues: ['500g'], priceFen: 100, stock: -1, onSale: true }] }, 'INVALID_INPUT'],
    ['an image that is not a cloud fileID', { images: ['https://evil.example/x.png'] }, 'INVALID_INPUT'],
    ['an unknown category', { categoryId: 'cat-nope' }, 'NOT_FOUND'],
    ['an unknown field', { stockLog: [] }, 'INVALID_INPUT'],
  ])('a draft with %s is refused and writes nothing', async (_name, over, code) => {
    const before = (await t.db.collection('skus').count()).total
    expect(await owner()('admin.createProduct', { requestId: requestId(), product: honeyDraft(over) })).toMatchObject({ ok: false, code })
    expect((await t.db.collection('skus').count()).total).toBe(before)
  })

  test('updating changes name and prices for new orders (existing orders keep their snapshot), never an existing SKU’s stock', async () => {
    const { product } = expectOk<any>(await owner()('admin.createProduct', { requestId: requestId(), product: honeyDraft({ name: '槐花蜜' }) }))
    const small = product.skus.find((s: any) => s.spec === '500g')
    const before: any = await ordersAs(t, 'o-upd')('create', { requestId: requestId(), lines: [{ skuId: small._id, quantity: 1 }] })
    const updated = expectOk<any>(
      await owner()('admin.updateProduct', {
        productId: product._id,
        product: honeyDraft({ name: '槐花蜜（新）', skus: [{ specValues: ['500g'], priceFen: 6300, stock: 999, onSale: true }, { specValues: ['1kg'], priceFen: 9800, onSale: true }] }),
      }),
    )
    expect(updated.keptOffSale).toEqual([])
    expect(updated.product).toMatchObject({ name: '槐花蜜（新）', minPriceFen: 6300, maxPriceFen: 9800 })
    expect(await sku(t, small._id)).toMatchObject({ priceFen: 6300, stock: 29, reserved: 1 })
    expect((await storedOrder(t, before.data.order._id)).lines[0]).toMatchObject({ name: '槐花蜜', priceFen: 5800 })
    const quote: any = await ordersAs(t, 'o-upd')('quote', { lines: [{ skuId: small._id, quantity: 1 }] })
    expect(quote.data.lines[0]).toMatchObject({ name: '槐花蜜（新）', priceFen: 6300 })
    expect(await owner()('admin.updateProduct', { productId: 'p-nope', product: honeyDraft() })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })

  test('a SKU left out is deleted when nothing holds or sold it; one with a live hold is taken off sale instead, and its order still releases it', async () => {
    const { product } = expectOk<any>(await owner()('admin.createProduct', { requestId: requestId(), product: honeyDraft({ name: '枣花蜜', skus: [
      { specValues: ['250g'], priceFen: 3000, stock: 5, onSale: true },
      { specValues: ['500g'], priceFen: 5800, stock: 5, onSale: true },
      { specValues: ['1kg'], priceFen: 9800, stock: 5, onSale: true },
    ] }) }))
    const bySpec = Object.fromEntries(product.skus.map((s: any) => [s.spec, s._id]))
    const held: any = await ordersAs(t, 'o-held')('create', { requestId: requestId(), lines: [{ skuId: bySpec['500g'], quantity: 2 }] })
    expect(held.ok).toBe(true)
    const res = expectOk<any>(await owner()('admin.updateProduct', { productId: product._id, product: honeyDraft({ name: '枣花蜜', skus: [{ specValues: ['1kg'], priceFen: 9800, onSale: true }] }) }))
    expect(res.keptOffSale).toEqual([bySpec['500g']])
    expect(await sku(t, bySpec['250g'])).toBeUndefined()
    expect(await sku(t, bySpec['500g'])).toMatchObject({ onSale: false, stock: 3, reserved: 2, holds: [expect.objectContaining({ orderId: held.data.order._id })] })
    // nobody can buy it any more; the holder cancels and its units come back
    expect(await ordersAs(t, 'o-other')('create', { requestId: requestId(), lines: [{ skuId: bySpec['500g'], quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE', data: { skuId: bySpec['500g'] } })
    expect(await ordersAs(t, 'o-held')('cancel', { orderId: held.data.order._id })).toMatchObject({ ok: true })
    expect(await sku(t, bySpec['500g'])).toMatchObject({ stock: 5, reserved: 0, holds: [] })
    // the detail shows the retired SKU off sale, and the price range counts only SKUs on sale
    const { product: shown } = expectOk<any>(await shopper()('product', { productId: product._id }))
    expect(shown.skus.map((s: any) => [s.spec, s.onSale])).toEqual([
      ['1kg', true],
      ['500g', false],
    ])
    expect(shown).toMatchObject({ fromPriceFen: 9800, toPriceFen: 9800 })
  })
})

describe('retiring a SKU while buyers reserve it', () => {
  test('either the SKU is deleted and no order holds it, or it is kept off sale with every unit accounted for', async () => {
    const { product } = expectOk<any>(await owner()('admin.createProduct', { requestId: requestId(), product: honeyDraft({ name: '荆条蜜', skus: [
      { specValues: ['500g'], priceFen: 5800, stock: 20, onSale: true },
      { specValues: ['1kg'], priceFen: 9800, stock: 20, onSale: true },
    ] }) }))
    const retired = product.skus.find((s: any) => s.spec === '500g')._id
    const buys = Array.from({ length: 16 }, (_, i) => ordersAs(t, `o-race-${i}`)('create', { requestId: requestId(), lines: [{ skuId: retired, quantity: 1 }] }))
    const save = owner()('admin.updateProduct', { productId: product._id, product: honeyDraft({ name: '荆条蜜', skus: [{ specValues: ['1kg'], priceFen: 9800, onSale: true }] }) })
    const [saved, ...answers] = await Promise.all([save, ...buys])
    const codes = answers.map((a: any) => (a.ok ? 'OK' : a.code))
    expect(codes).not.toContain('INTERNAL')
    const ok = answers.filter((a: any) => a.ok).map((a: any) => a.data.order._id)
    const left = await sku(t, retired)
    if (left === undefined) {
      expect(ok).toEqual([])
      expect(expectOk<any>(saved).keptOffSale).toEqual([])
    } else {
      expect(expectOk<any>(saved).keptOffSale).toEqual([retired])
      expect(left).toMatchObject({ onSale: false, reserved: ok.length, stock: 20 - ok.length })
      expect(left.holds.map((h: any) => h.orderId).sort()).toEqual([...ok].sort())
    }
    // nothing can reserve it any more
    expect((await ordersAs(t, 'o-race-late')('create', { requestId: requestId(), lines: [{ skuId: retired, quantity: 1 }] })).ok).toBe(false)
  })
})

describe('stock adjustments', () => {
  test('an adjustment applies once per request id, also when retried concurrently', async () => {
    const id = requestId()
    const before = await sku(t, 'p-pu-erh')
    const answers = await Promise.all(Array.from({ length: 8 }, () => owner()('admin.adjustStock', { skuId: 'p-pu-erh', delta: 10, requestId: id, reason: '盘点' })))
    expect(answers.every((a: any) => a.ok)).toBe(true)
    expect(answers.filter((a: any) => a.data.applied)).toHaveLength(1)
    expect(await sku(t, 'p-pu-erh')).toMatchObject({ stock: before.stock + 10, reserved: before.reserved, sold: before.sold })
    expect(await owner()('admin.adjustStock', { skuId: 'p-pu-erh', delta: 10, requestId: id, reason: '盘点' })).toMatchObject({ ok: true, data: { applied: false, sku: { stock: before.stock + 10 } } })
  })

  test('stock never goes below zero: of concurrent removals only those that fit apply; the rest are OUT_OF_STOCK', async () => {
    await t.db.collection('skus').doc('p-jujube').update({ stock: 10 })
    const answers = await Promise.all(Array.from({ length: 8 }, () => owner()('admin.adjustStock', { skuId: 'p-jujube', delta: -3, requestId: requestId(), reason: '盘点' })))
    expect(answers.filter((a: any) => a.ok)).toHaveLength(3)
    expect(answers.filter((a: any) => !a.ok && a.code === 'OUT_OF_STOCK' && a.data.skuId === 'p-jujube')).toHaveLength(5)
    expect((await sku(t, 'p-jujube')).stock).toBe(1)
  })

  test('an unknown SKU is NOT_FOUND; a zero or fractional delta is INVALID_INPUT', async () => {
    expect(await owner()('admin.adjustStock', { skuId: 'p-nope', delta: 1, requestId: requestId(), reason: '盘点' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await owner()('admin.adjustStock', { skuId: 'p-soap', delta: 0, requestId: requestId(), reason: '盘点' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    expect(await owner()('admin.adjustStock', { skuId: 'p-soap', delta: 1.5, requestId: requestId(), reason: '盘点' })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
  })
})

describe('categories and on/off sale', () => {
  test('saving categories upserts the given ones and deletes the others, unless a product is in one (IN_USE, nothing changed)', async () => {
    await t.db.collection('categories').doc('cat-empty').set({ name: '空', sort: 8 })
    const refused = await owner()('admin.saveCategories', { categories: [{ _id: 'cat-tea', name: '好茶', sort: 1 }] })
    expect(refused).toMatchObject({ ok: false, code: 'IN_USE', data: { categoryIds: expect.arrayContaining(['cat-snack', 'cat-care']) } })
    expect((await t.db.collection('categories').doc('cat-tea').get()).data[0].name).toBe('茶叶')
    const saved = expectOk<any>(
      await owner()('admin.saveCategories', {
        categories: [
          { _id: 'cat-tea', name: '好茶', sort: 1 },
          { _id: 'cat-snack', name: '零食', sort: 2 },
          { _id: 'cat-care', name: '个护', sort: 3 },
          { _id: 'cat-gift', name: '礼盒', sort: 0 },
        ],
      }),
    )
    expect(saved.categories.map((c: any) => [c._id, c.name])).toEqual([
      ['cat-gift', '礼盒'],
      ['cat-tea', '好茶'],
      ['cat-snack', '零食'],
      ['cat-care', '个护'],
    ])
    expect(expectOk<any>(await shopper()('categories')).categories.map((c: any) => c._id)).toEqual(['cat-gift', 'cat-tea', 'cat-snack', 'cat-care'])
  })

  test('a product taken off sale disappears for shoppers and cannot be bought; back on sale it returns', async () => {
    expect(expectOk<any>(await owner()('admin.setOnSale', { productIds: ['p-soap'], onSale: false })).updated).toBe(1)
    expect(await shopper()('product', { productId: 'p-soap' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(expectOk<any>(await shopper()('listProducts', { categoryId: 'cat-care' })).products).toEqual([])
    expect(await ordersAs(t, 'o-soap')('quote', { lines: [{ skuId: 'p-soap', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE', data: { productId: 'p-soap', skuId: 'p-soap' } })
    // checkout reads the product's flag from its SKUs (copied there by setOnSale): nothing is reserved
    const before = await sku(t, 'p-soap')
    expect(await ordersAs(t, 'o-soap')('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE', data: { productId: 'p-soap', skuId: 'p-soap' } })
    expect(await sku(t, 'p-soap')).toMatchObject({ stock: before.stock, reserved: before.reserved, productOnSale: false })
    await owner()('admin.setOnSale', { productIds: ['p-soap'], onSale: true })
    expect(expectOk<any>(await shopper()('listProducts', { categoryId: 'cat-care' })).products.map((p: any) => p._id)).toEqual(['p-soap'])
    expect(await ordersAs(t, 'o-soap')('create', { requestId: requestId(), lines: [{ skuId: 'p-soap', quantity: 1 }] })).toMatchObject({ ok: true, data: { order: { lines: [{ skuId: 'p-soap', quantity: 1 }] } } })
  })

  test('a renamed product with a new cover: the next order snapshots the new name and cover from its SKUs; earlier orders keep theirs', async () => {
    const created = expectOk<any>(await owner()('admin.createProduct', { requestId: requestId(), product: honeyDraft({ name: '槐花蜜' }) }))
    const productId = created.product._id
    const skuId = created.product.skus[0]._id
    const first = expectOk<any>(await ordersAs(t, 'o-honey-fan')('create', { requestId: requestId(), lines: [{ skuId, quantity: 1 }] }))
    expect(first.order.lines[0]).toMatchObject({ productId, name: '槐花蜜', image: IMAGE, priceFen: 5800 })
    const cover = 'cloud://local.6c6f-local-1250000000/products/new/cover-2.png'
    expectOk(await owner()('admin.updateProduct', { productId, product: honeyDraft({ name: '椴树蜜', images: [cover] }) }))
    expect(await sku(t, skuId)).toMatchObject({ productName: '椴树蜜', productCover: cover, productOnSale: true })
    const second = expectOk<any>(await ordersAs(t, 'o-honey-fan')('create', { requestId: requestId(), lines: [{ skuId, quantity: 1 }] }))
    expect(second.order.lines[0]).toMatchObject({ name: '椴树蜜', image: cover })
    expect((await storedOrder(t, first.order._id)).lines[0]).toMatchObject({ name: '槐花蜜', image: IMAGE })
  })

  test('a SKU written before the product fields were copied onto SKUs gets them at its first purchase, priced as before', async () => {
    await t.db.collection('products').doc('p-legacy').set({ name: '老库存', categoryId: 'cat-tea', description: '', images: [IMAGE], specNames: [], onSale: true, sort: 50, minPriceFen: 990, maxPriceFen: 990, createdAt: new Date() })
    await t.db.collection('skus').doc('p-legacy').set({ productId: 'p-legacy', specValues: [], spec: '', priceFen: 990, stock: 5, reserved: 0, sold: 0, holds: [], stockLog: [], onSale: true, sort: 0 })
    const made = expectOk<any>(await ordersAs(t, 'o-legacy')('create', { requestId: requestId(), lines: [{ skuId: 'p-legacy', quantity: 2 }] }))
    expect(made.order).toMatchObject({ itemsFen: 1980, lines: [{ productId: 'p-legacy', name: '老库存', image: IMAGE, priceFen: 990, quantity: 2 }] })
    expect(await sku(t, 'p-legacy')).toMatchObject({ stock: 3, reserved: 2, productName: '老库存', productOnSale: true })
    // a legacy SKU of a product off sale is refused, and reserves nothing
    await t.db.collection('products').doc('p-legacy-off').set({ name: '下架', categoryId: 'cat-tea', description: '', images: [], specNames: [], onSale: false, sort: 51, createdAt: new Date() })
    await t.db.collection('skus').doc('p-legacy-off').set({ productId: 'p-legacy-off', specValues: [], spec: '', priceFen: 990, stock: 5, reserved: 0, sold: 0, holds: [], stockLog: [], onSale: true, sort: 0 })
    expect(await ordersAs(t, 'o-legacy')('create', { requestId: requestId(), lines: [{ skuId: 'p-legacy-off', quantity: 1 }] })).toMatchObject({ ok: false, code: 'PRODUCT_UNAVAILABLE' })
    expect(await sku(t, 'p-legacy-off')).toMatchObject({ stock: 5, reserved: 0 })
  })
})

test('the owner’s hostile events get typed refusals, never INTERNAL', async () => {
  const hostile = fc.oneof(fc.anything(), fc.constantFrom(null, '', -1, 0, 1.5, 1e308, { $gt: '' }, '../x', 'cloud://', ['cloud://a/b'], [{ specValues: { $ne: 1 } }]))
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('admin.products', 'admin.product', 'admin.createProduct', 'admin.updateProduct', 'admin.adjustStock', 'admin.saveCategories', 'admin.setOnSale'),
      fc.record({ cursor: hostile, pageSize: hostile, keyword: hostile, reason: hostile, requestId: hostile, productId: hostile, product: fc.oneof(hostile, fc.record({ name: hostile, categoryId: hostile, images: hostile, specNames: hostile, skus: hostile, onSale: hostile, sort: hostile })), skuId: hostile, delta: hostile, categories: hostile, productIds: hostile, onSale: hostile }, { requiredKeys: [] }),
      async (action, data) => {
        const res: any = await owner()(action, data)
        if (!res.ok) expect(['INVALID_INPUT', 'NOT_FOUND', 'OUT_OF_STOCK', 'IN_USE']).toContain(res.code)
      },
    ),
    { numRuns: 200 },
  )
})
