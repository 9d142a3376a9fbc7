/** The catalogue as shoppers browse it: the only module that calls the `catalog` function. */
import type { ProductSummary } from '../../typings/catalog'
import { callFunction } from './transport'

/** Products on sale, in the store's display order. */
export async function listProducts(): Promise<ProductSummary[]> {
  const { products } = await callFunction('catalog', 'listProducts', {})
  return products
}
