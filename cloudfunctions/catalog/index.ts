/**
 * `catalog`: what shoppers browse. Works without an OPENID (Moments single-page mode).
 */
import { z } from 'zod'
import { cloudApp } from '../../backend/cloud'
import { action, defineFunction } from '../../backend/handler'
import type { ResponseOf } from '../../typings/api'
import type { ProductSummary } from '../../typings/catalog'

/** One page of the catalogue; CloudBase reads at most 1000, the list stays well under 100 for now. */
const LIST_LIMIT = 100

interface ProductDoc {
  _id: string
  name: string
  priceFen: number
  images?: string[]
}

/** Products on sale in display order (`sort` ascending), through the `onSale_sort` index. */
async function listProducts(): Promise<ResponseOf<'catalog', 'listProducts'>> {
  const db = cloudApp().database()
  const { data } = await db
    .collection('products')
    .where({ onSale: true })
    .orderBy('sort', 'asc')
    .limit(LIST_LIMIT)
    .field({ name: true, priceFen: true, images: true })
    .get()
  const products: ProductSummary[] = (data as ProductDoc[]).map((doc) => ({
    _id: doc._id,
    name: doc.name,
    priceFen: doc.priceFen,
    images: doc.images ?? [],
  }))
  return { products }
}

export const main = defineFunction('catalog', {
  listProducts: action({ schema: z.object({}).strict(), run: () => listProducts() }),
})
