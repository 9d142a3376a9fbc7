/** The demo catalogue (database/seed/) keeps the catalogue's rules, so what `npm start` shows is what the functions would write. */
import fs from 'node:fs'
import path from 'node:path'
import { draftProblem, priceRange, specLabel } from '../../domain/catalog'

const SEED = path.resolve(__dirname, '../../database/seed')
const read = (name: string) => JSON.parse(fs.readFileSync(path.join(SEED, `${name}.json`), 'utf8')) as any[]
const products = read('products')
const skus = read('skus')
const categories = read('categories')

test.each(products.map((p) => [p._id, p]))('%s: its SKUs fit its specs, its price range is theirs, its category and images exist', (_id, p) => {
  const own = skus.filter((s) => s.productId === p._id)
  expect(own.length).toBeGreaterThan(0)
  expect(draftProblem(p._id, { ...p, skus: own })).toBeUndefined()
  if (p.specNames.length === 0) expect(own.map((s) => s._id)).toEqual([p._id])
  for (const s of own) {
    expect(s.spec).toBe(specLabel(s.specValues))
    expect({ stock: Number.isInteger(s.stock) && s.stock >= 0, reserved: s.reserved, sold: s.sold, holds: s.holds }).toEqual({ stock: true, reserved: 0, sold: 0, holds: [] })
  }
  expect({ minPriceFen: p.minPriceFen, maxPriceFen: p.maxPriceFen }).toEqual(priceRange(own))
  expect(categories.map((c) => c._id)).toContain(p.categoryId)
  for (const image of p.images) expect(fs.existsSync(path.join(SEED, 'images', path.basename(image)))).toBe(true)
})

test('SKU ids are unique and every SKU belongs to a product', () => {
  expect(new Set(skus.map((s) => s._id)).size).toBe(skus.length)
  for (const s of skus) expect(products.map((p) => p._id)).toContain(s.productId)
})
