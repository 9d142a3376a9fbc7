/** The owner's product lookups (`admin.product`, `admin.products` filters) and the reason on stock adjustments, through the real function. */
import { startTestCloud, type TestCloud } from '../helpers/local-cloud'
import { requestId, sku } from '../orders/helpers'
import type { DatabaseModule } from '../../localcloud/db/module'
import { catalogAs, configureOwner, expectOk, OWNER } from './helpers'

let t: TestCloud
beforeAll(async () => {
  configureOwner()
  t = await startTestCloud({ seed: true })
  // enough products for several pages of every filter: 24 in two categories, half off sale, two sharing a sort
  for (let i = 0; i < 24; i++) {
    const _id = `p-bulk-${String(i).padStart(2, '0')}`
    await t.db.collection('products').doc(_id).set({ name: i % 3 === 0 ? `Oolong 乌龙 ${i}` : `绿豆糕 ${i}`, categoryId: i % 2 ? 'cat-tea' : 'cat-snack', images: [], specNames: [], onSale: i % 4 < 2, sort: 100 + Math.floor(i / 2), createdAt: new Date() })
    await t.db.collection('skus').doc(_id).set({ productId: _id, specValues: [], spec: '', priceFen: 1000 + i, stock: i, reserved: 0, sold: 0, holds: [], stockLog: [], onSale: true, sort: 0 })
  }
})
afterAll(() => t.stop())

const owner = () => catalogAs(t, OWNER)

async function walkOwnerList(request: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 100; pages++) {
    const page = expectOk<any>(await owner()('admin.products', { ...request, pageSize: 5, ...(cursor ? { cursor } : {}) }))
    ids.push(...page.products.map((p: any) => p._id))
    if (page.nextCursor === null) return ids
    cursor = page.nextCursor
  }
  throw new Error('the cursor never ends')
}

/** What the filter should answer, from the stored products, in display order. */
async function expected(keep: (p: any) => boolean): Promise<string[]> {
  const { data } = await t.db.collection('products').limit(1000).get()
  return (data as any[])
    .filter(keep)
    .sort((a, b) => a.sort - b.sort || (a._id < b._id ? -1 : 1))
    .map((p) => p._id)
}

describe('admin.product', () => {
  test('answers one product on sale or not, with every SKU (off-sale ones too) and where its units are', async () => {
    await t.db.collection('skus').doc('p-walnut-2500g').update({ onSale: false })
    const { product } = expectOk<any>(await owner()('admin.product', { productId: 'p-walnut' }))
    expect(product).toMatchObject({ _id: 'p-walnut', onSale: true })
    expect(product.skus.map((s: any) => s._id).sort()).toEqual(['p-walnut', 'p-walnut-2500g'])
    expect(product.skus.find((s: any) => s._id === 'p-walnut-2500g')).toMatchObject({ onSale: false, stock: 60, reserved: 0, sold: expect.any(Number), holds: 0 })
    const retired = expectOk<any>(await owner()('admin.product', { productId: 'p-retired' }))
    expect(retired.product).toMatchObject({ _id: 'p-retired', onSale: false, skus: [{ _id: 'p-retired', stock: 0 }] })
  })

  test('a missing product is NOT_FOUND; a shopper or no identity is FORBIDDEN; a malformed id is INVALID_INPUT', async () => {
    expect(await owner()('admin.product', { productId: 'p-nope' })).toMatchObject({ ok: false, code: 'NOT_FOUND' })
    expect(await catalogAs(t, 'o-lookup-shopper')('admin.product', { productId: 'p-retired' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await catalogAs(t)('admin.product', { productId: 'p-retired' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    for (const bad of [{}, { productId: 'x'.repeat(24) }, { productId: { $ne: '' } }, { productId: 'p-soap', openid: OWNER }]) {
      expect(await owner()('admin.product', bad)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
  })
})

describe('admin.products filters', () => {
  test('every filter, alone and combined, pages through exactly the matching products in display order', async () => {
    const cases: Array<[Record<string, unknown>, (p: any) => boolean]> = [
      [{}, () => true],
      [{ onSale: false }, (p) => p.onSale === false],
      [{ onSale: true }, (p) => p.onSale === true],
      [{ categoryId: 'cat-tea' }, (p) => p.categoryId === 'cat-tea'],
      [{ categoryId: 'cat-tea', onSale: false }, (p) => p.categoryId === 'cat-tea' && !p.onSale],
      [{ keyword: 'oolong' }, (p) => /oolong/i.test(p.name)],
      [{ keyword: '乌龙', categoryId: 'cat-snack', onSale: true }, (p) => p.name.includes('乌龙') && p.categoryId === 'cat-snack' && p.onSale],
      [{ keyword: '（已下架）' }, (p) => p.name.includes('（已下架）')],
    ]
    for (const [filter, keep] of cases) {
      const want = await expected(keep)
      expect(want.length).toBeGreaterThan(0)
      expect(await walkOwnerList(filter)).toEqual(want)
    }
  })

  test('a keyword is matched literally (regular-expression characters match nothing special)', async () => {
    expect(expectOk<any>(await owner()('admin.products', { keyword: '.*' })).products).toEqual([])
    expect(expectOk<any>(await owner()('admin.products', { keyword: '(' })).products).toEqual([])
  })

  test('every filtered page is answered from an index in display order', () => {
    const plan = (filter: Record<string, unknown>, sort: Array<[string, 1 | -1]>) => t.cloud.module<DatabaseModule>('database').store.explain('products', filter, sort)
    const bySort: Array<[string, 1 | -1]> = [['sort', 1], ['_id', 1]]
    expect(plan({ categoryId: 'cat-tea' }, bySort)).toMatchObject({ kind: 'index', index: { name: 'category_sort_id' }, ordered: true })
    expect(plan({ categoryId: 'cat-tea', sort: { $gt: 3 } }, bySort)).toMatchObject({ kind: 'index', index: { name: 'category_sort_id' }, ordered: true })
    expect(plan({ categoryId: 'cat-tea', sort: 3, _id: { $gt: 'p' } }, [['_id', 1]])).toMatchObject({ kind: 'index', index: { name: 'category_sort_id' }, ordered: true })
    expect(plan({ onSale: false, sort: { $gt: 3 } }, bySort)).toMatchObject({ kind: 'index', index: { name: 'onSale_sort_id' }, ordered: true })
    expect(plan({ categoryId: 'cat-tea', onSale: false }, bySort)).toMatchObject({ kind: 'index', index: { name: 'category_onSale_sort_id' }, ordered: true })
  })

  test('wrong filter types, an empty or long keyword and unknown fields are INVALID_INPUT; shoppers are FORBIDDEN', async () => {
    for (const bad of [{ onSale: 'yes' }, { keyword: '' }, { keyword: '  ' }, { keyword: 'x'.repeat(31) }, { categoryId: { $ne: null } }, { keyword: { $regex: '.' } }, { name: 'x' }]) {
      expect(await owner()('admin.products', bad)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
    expect(await catalogAs(t, 'o-lookup-shopper')('admin.products', { onSale: false })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})

describe('the reason of a stock adjustment', () => {
  test('is recorded in the SKU’s stock log entry with the change, once however often the request is retried', async () => {
    const id = requestId()
    const answers = await Promise.all(Array.from({ length: 5 }, () => owner()('admin.adjustStock', { skuId: 'p-soap', delta: 7, requestId: id, reason: '  到货 第二批 ' })))
    expect(answers.every((a) => a.ok)).toBe(true)
    const entries = ((await sku(t, 'p-soap')).stockLog ?? []).filter((e: any) => e.key === `adjust:${id}`)
    expect(entries).toEqual([expect.objectContaining({ delta: 7, reason: '到货 第二批' })])
  })

  test('a missing, empty, too long or control-character reason is INVALID_INPUT and changes nothing', async () => {
    const before = await sku(t, 'p-soap')
    for (const reason of [undefined, '', '   ', 'x'.repeat(61), 'a\nb', 42]) {
      const data: Record<string, unknown> = { skuId: 'p-soap', delta: 1, requestId: requestId() }
      if (reason !== undefined) data.reason = reason
      expect(await owner()('admin.adjustStock', data)).toMatchObject({ ok: false, code: 'INVALID_INPUT' })
    }
    expect(await sku(t, 'p-soap')).toEqual(before)
    expect(await owner()('admin.adjustStock', { skuId: 'p-soap', delta: 1, requestId: requestId(), reason: 'x'.repeat(60) })).toMatchObject({ ok: true, data: { applied: true } })
  })
})
