/**
 * `catalog`: what shoppers browse. Minimal for now (the backend issue adds the handler wrapper,
 * schemas and more actions); it already answers in the `{ ok, data } | { ok: false, code, message }`
 * envelope of typings/api.ts.
 */
import { cloudApp, type FunctionContext } from '../../backend/cloud'
import type { ApiResult, FunctionEvent, ResponseOf } from '../../typings/api'
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

export const main = async (event: Partial<FunctionEvent>, context: FunctionContext): Promise<ApiResult<unknown>> => {
  try {
    switch (event?.action) {
      case 'listProducts':
        return { ok: true, data: await listProducts() }
      default:
        return { ok: false, code: 'INVALID_INPUT', message: `catalog has no action ${JSON.stringify(event?.action)}` }
    }
  } catch (err) {
    console.error(`[catalog] ${String(event?.action)} failed (request ${context?.request_id ?? '?'})`, err)
    return { ok: false, code: 'INTERNAL', message: 'internal error' }
  }
}
