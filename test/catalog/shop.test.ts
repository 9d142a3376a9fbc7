/** The shopper's catalogue through the real `catalog` function, without an identity (Moments single-page mode). */
import fc from 'fast-check'
import path from 'node:path'
import { SEED_IMAGES_PREFIX } from '../../localcloud'
import { REPO_ROOT } from '../../localcloud/config'
import type { DatabaseModule } from '../../localcloud/db/module'
import type { StorageModule } from '../../localcloud/storage/module'
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { ordersAs, requestId } from '../orders/helpers'
import { catalogAs, configureOwner, expectOk, walkProducts } from './helpers'

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
})
afterAll(() => t.stop())

const shopper = () => catalogAs(t)

describe('the demo catalogue', () => {
  test('categories in display order', async () => {
    expect(expectOk<any>(await shopper()('categories')).categories).toEqual([
      { _id: 'cat-tea', name: '茶叶', sort: 1 },
      { _id: 'cat-snack', name: '零食', sort: 2 },
      { _id: 'cat-care', name: '个护', sort: 3 },
    ])
  })

  test('products on sale in display order, each with its cover, price range and sold-out flag', async () => {
    const page = expectOk<any>(await shopper()('listProducts'))
    expect(page.nextCursor).toBeNull()
    expect(page.products.map((p: any) => [p._id, p.fromPriceFen, p.toPriceFen, p.soldOut])).toEqual([
      ['p-longjing', 16800, 32000, false],
      ['p-pu-erh', 12900, 12900, false],
      ['p-walnut', 4590, 10900, false],
      ['p-jujube', 3990, 3990, false],
      ['p-soap', 2800, 2800, false],
    ])
    for (const p of page.products) expect(p.cover).toMatch(/^cloud:\/\/local\.[^/]+\/seed\/images\/[a-z-]+\.png$/)
  })

  test('every demo product’s images are real PNGs in cloud storage, downloadable by their fileIDs', async () => {
    const { data } = await t.db.collection('products').get()
    const fileIds = data.flatMap((p: any) => p.images)
    expect(fileIds.length).toBe(data.length)
    for (const fileID of fileIds) {
      const fileContent = (await t.app.downloadFile({ fileID })).fileContent as Buffer
      expect(fileContent.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      expect(fileContent.length).toBeGreaterThan(1000)
    }
    const { fileList } = await t.app.getTempFileURL({ fileList: fileIds.slice(0, 1) })
    const res = await fetch(fileList[0].tempFileURL)
    expect(res.headers.get('content-type')).toBe('image/png')
    // seeding again (a restart) finds them there and writes nothing
    expect(await t.cloud.module<StorageModule>('storage').seedFiles(path.join(REPO_ROOT, 'database/seed/images'), SEED_IMAGES_PREFIX)).toEqual([])
  })

  test('a product whose SKUs on sale have no stock left is sold out; stock back, it is not', async () => {
    await t.db.collection('skus').doc('p-jujube').update({ stock: 0 })
    try {
      const page = expectOk<any>(await shopper()('listProducts', { categoryId: 'cat-snack' }))
      expect(page.products.map((p: any) => [p._id, p.soldOut])).toEqual([
        ['p-walnut', false],
        ['p-jujube', true],
      ])
    } finally {
      await t.db.collection('skus').doc('p-jujube').update({ stock: 5 })
    }
    expect(expectOk<any>(await shopper()('product', { productId: 'p-jujube' })).product.soldOut).toBe(false)
  })

  test('a product’s detail: images, spec names and SKUs with spec, price, available stock and on-sale flag', async () => {
    const { product } = expectOk<any>(await shopper()('product', { productId: 'p-longjing' }))
    expect(product).toMatchObject({ _id: 'p-longjing', name: '明前龙井', categoryId: 'cat-tea', specNames: ['重量', '包装'], fromPriceFen: 16800, toPriceFen: 32000, soldOut: false, description: expect.any(String) })
    expect(product.images).toHaveLength(1)
    expect(product.skus).toEqual([
      { _id: 'p-longjing', specValues: ['250g', '罐装'], spec: '250g / 罐装', priceFen: 16800, available: 120, onSale: true },
      { _id: 'p-longjing-500g', specValues: ['500g', '礼盒'], spec: '500g / 礼盒', priceFen: 32000, available: 40, onSale: true },
    ])
    // what a pending order reserves is no longer available
    expect((await ordersAs(t, 'o-shop-buyer')('create', { requestId: requestId(), lines: [{ skuId: 'p-longjing-500g', quantity: 3 }] })).ok).toBe(true)
    const after = expectOk<any>(await shopper()('product', { productId: 'p-longjing' })).product
    expect(after.skus[1].available).toBe(37)
    // a product without specs has one SKU, with the product's id
    expect(expectOk<any>(await shopper()('product', { productId: 'p-soap' })).product.skus).toEqual([{ _id: 'p-soap', specValues: [], spec: '', priceFen: 2800, available: 60, onSale: true }])
  })

  test('an off-sale or missing product is NOT_FOUND', async () => {
    expect(await shopper()('product', { productId: 'p-retired' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await shopper()('product', { productId: 'p-nope' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
  })
})

describe('listing many products', () => {
  const generated: Array<{ _id: string; name: string; categoryId: string; onSale: boolean; sort: number }> = []
  beforeAll(async () => {
    await t.db.collection('categories').doc('cat-gen').set({ name: '生成', sort: 9 })
    for (let i = 0; i < 47; i++) {
      const p = { _id: `g-${String((i * 37) % 47).padStart(2, '0')}`, name: i % 5 === 0 ? `特价(a+b)茶 ${i}` : `茶 ${i}`, categoryId: i % 2 === 0 ? 'cat-gen' : 'cat-tea', onSale: i % 6 !== 5, sort: 100 + (i % 7) }
      generated.push(p)
      const { _id, ...fields } = p
      await t.db.collection('products').doc(_id).set({ ...fields, images: [], specNames: [], minPriceFen: 100, maxPriceFen: 100 })
      await t.db.collection('skus').doc(p._id).set({ productId: p._id, specValues: [], spec: '', priceFen: 100 + i, stock: i % 4, reserved: 0, sold: 0, holds: [], onSale: true, sort: 0 })
    }
  })

  /** Display order as the spec says: sort ascending, then id. */
  const expected = (filter: (p: (typeof generated)[number]) => boolean, seed: string[] = []) =>
    seed.concat(generated.filter((p) => p.onSale && filter(p)).sort((a, b) => a.sort - b.sort || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)).map((p) => p._id))

  const demo = ['p-longjing', 'p-pu-erh', 'p-walnut', 'p-jujube', 'p-soap']

  test.each([1, 4, 7, 50])('pages of %i follow the display order (ties in sort by id), each product once', async (pageSize) => {
    const { ids, pages } = await walkProducts(t, { pageSize })
    expect(ids).toEqual(expected(() => true, demo))
    // a page ends the list as soon as nothing follows it: no empty last page
    expect(pages).toBe(Math.max(1, Math.ceil(ids.length / pageSize)))
  })

  test('one category, paginated', async () => {
    expect((await walkProducts(t, { categoryId: 'cat-gen', pageSize: 3 })).ids).toEqual(expected((p) => p.categoryId === 'cat-gen'))
    expect((await walkProducts(t, { categoryId: 'cat-tea', pageSize: 5 })).ids).toEqual(expected((p) => p.categoryId === 'cat-tea', ['p-longjing', 'p-pu-erh']))
  })

  test('keyword search matches part of the name literally, with or without a category', async () => {
    expect((await walkProducts(t, { keyword: '(a+b)', pageSize: 2 })).ids).toEqual(expected((p) => p.name.includes('(a+b)')))
    expect((await walkProducts(t, { keyword: '(A+B)', categoryId: 'cat-gen', pageSize: 2 })).ids).toEqual(expected((p) => p.name.includes('(a+b)') && p.categoryId === 'cat-gen'))
    expect((await walkProducts(t, { keyword: '龙井' })).ids).toEqual(['p-longjing'])
    expect((await walkProducts(t, { keyword: '.*' })).ids).toEqual([])
  })

  test('every page is answered from an index: the first page and both ranges after a cursor', () => {
    const plan = (filter: Record<string, unknown>, sort: Array<[string, 1 | -1]>) => t.cloud.module<DatabaseModule>('database').store.explain('products', filter, sort)
    expect(plan({ onSale: true }, [['sort', 1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'onSale_sort_id' }, ordered: true })
    expect(plan({ onSale: true, sort: 3, _id: { $gt: 'g-10' } }, [['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'onSale_sort_id' }, ordered: true })
    expect(plan({ onSale: true, sort: { $gt: 3 } }, [['sort', 1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'onSale_sort_id' }, ordered: true })
    expect(plan({ onSale: true, categoryId: 'cat-gen', sort: { $gt: 3 } }, [['sort', 1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'category_onSale_sort_id' }, ordered: true })
    expect(plan({ onSale: true, categoryId: 'cat-gen', sort: 3, _id: { $gt: 'g' } }, [['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'category_onSale_sort_id' }, ordered: true })
    // the owner's list of every product
    expect(plan({}, [['sort', 1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'sort_id' }, ordered: true })
    expect(plan({ sort: { $gt: 3 } }, [['sort', 1], ['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'sort_id' }, ordered: true })
    expect(plan({ sort: 3, _id: { $gt: 'g' } }, [['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'sort_id' }, ordered: true })
    expect(t.cloud.module<DatabaseModule>('database').store.explain('skus', { productId: { $in: ['a', 'b'] } }, [['productId', 1], ['sort', 1]])).toMatchObject({ kind: 'index', index: { name: 'productId_sort' } })
  })

  test('a cursor that this list did not give is INVALID_INPUT', async () => {
    for (const cursor of ['nope', Buffer.from('["sort","x","y"]').toString('base64url'), Buffer.from('{"$gt":1}').toString('base64url')]) {
      expect(await shopper()('listProducts', { cursor })).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
  })
})

test('malformed and hostile events get typed refusals, never INTERNAL, and write nothing', async () => {
  const snapshot = async () => JSON.stringify([(await t.db.collection('products').limit(1000).get()).data, (await t.db.collection('skus').limit(1000).get()).data, (await t.db.collection('categories').get()).data])
  const before = await snapshot()
  const hostile = fc.oneof(fc.anything(), fc.constantFrom(null, '', -1, 0, 1e308, '$where', { $gt: '' }, { $ne: null }, '.*', '(', 'p-longjing\u0000', '../../etc', 'x'.repeat(600)))
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('categories', 'listProducts', 'product', 'admin.products', 'admin.product', 'admin.createProduct', 'admin.updateProduct', 'admin.adjustStock', 'admin.saveCategories', 'admin.setOnSale', '__proto__'),
      fc.oneof(hostile, fc.record({ categoryId: hostile, keyword: hostile, cursor: hostile, pageSize: hostile, productId: hostile, skuId: hostile, delta: hostile, requestId: hostile, product: hostile, openid: hostile }, { requiredKeys: [] })),
      fc.constantFrom(undefined, 'o-fuzz'),
      async (action, data, openid) => {
        const res: any = await catalogAs(t, openid)(action, data)
        if (res.ok) return // a well-formed shopper read may succeed
        expect(['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN']).toContain(res.code)
      },
    ),
    { numRuns: 300 },
  )
  expect(await snapshot()).toEqual(before)
})
