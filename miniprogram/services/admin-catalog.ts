/** The owner's catalogue tools (`catalog.admin.*`): the only module that calls them. */
import type { ResponseOf } from '../../typings/api'
import type { AdminProductFilter, AdminProductView, AdminSkuView, ProductDraft, SaveProductResponse } from '../../typings/catalog'
import { callFunction, isApiError } from './transport'

/**
 * One page of every product (on sale or not) in display order, narrowed by `filter` (name
 * keyword, category, sale state); pass `nextCursor` back with the same filter for the next.
 */
export function listAdminProducts(cursor?: string, pageSize = 20, filter: AdminProductFilter = {}): Promise<ResponseOf<'catalog', 'admin.products'>> {
  return callFunction('catalog', 'admin.products', { ...filter, ...(cursor ? { cursor } : {}), pageSize })
}

/** One product as the owner manages it (on sale or not, every SKU); null when it does not exist. */
export async function adminProduct(productId: string): Promise<AdminProductView | null> {
  try {
    return (await callFunction('catalog', 'admin.product', { productId })).product
  } catch (err) {
    if (isApiError(err) && err.code === 'NOT_FOUND') return null
    throw err
  }
}

/** Creates a product once per `requestId` (a retry with the same id answers the same product). */
export function createProduct(requestId: string, product: ProductDraft): Promise<SaveProductResponse> {
  return callFunction('catalog', 'admin.createProduct', { requestId, product })
}

/** Replaces a product's fields and SKUs (an existing SKU's stock is never set here). */
export function updateProduct(productId: string, product: ProductDraft): Promise<SaveProductResponse> {
  return callFunction('catalog', 'admin.updateProduct', { productId, product })
}

/** Adds `delta` units to a SKU's stock once per `requestId`, recording the owner's `reason`; `applied: false` = that request was already applied. */
export function adjustStock(skuId: string, delta: number, requestId: string, reason: string): Promise<{ sku: AdminSkuView; applied: boolean }> {
  return callFunction('catalog', 'admin.adjustStock', { skuId, delta, requestId, reason })
}

/** Puts products on or off sale. */
export async function setOnSale(productIds: string[], onSale: boolean): Promise<number> {
  return (await callFunction('catalog', 'admin.setOnSale', { productIds, onSale })).updated
}
