/** The catalogue as shoppers browse it: the only module that calls the `catalog` function. */
import type { RequestOf, ResponseOf } from '../../typings/api'
import type { Category, ProductDetail } from '../../typings/catalog'
import { callFunction } from './transport'

/** The store's categories in display order. */
export async function listCategories(): Promise<Category[]> {
  const { categories } = await callFunction('catalog', 'categories', {})
  return categories
}

/** One page of products on sale in display order (optionally of a category or matching a keyword); pass `nextCursor` back for the next. */
export function listProducts(request: RequestOf<'catalog', 'listProducts'> = {}): Promise<ResponseOf<'catalog', 'listProducts'>> {
  return callFunction('catalog', 'listProducts', request)
}

/** One product on sale with its images, specs and SKUs. */
export async function productDetail(productId: string): Promise<ProductDetail> {
  const { product } = await callFunction('catalog', 'product', { productId })
  return product
}
