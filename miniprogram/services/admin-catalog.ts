/** The owner's catalogue tools (`catalog.admin.*`): the only module that calls them. */
import type { ResponseOf } from '../../typings/api'
import type { AdminProductView, AdminSkuView, ProductDraft, SaveProductResponse } from '../../typings/catalog'
import { callFunction } from './transport'

/** One page of every product (on sale or not) in display order; pass `nextCursor` back for the next. */
export function listAdminProducts(cursor?: string, pageSize = 20): Promise<ResponseOf<'catalog', 'admin.products'>> {
  return callFunction('catalog', 'admin.products', cursor ? { cursor, pageSize } : { pageSize })
}

/**
 * One product as the owner manages it, found by paging `admin.products` (the API has no
 * single-product read for owners); null when no page holds it.
 */
export async function findAdminProduct(productId: string): Promise<AdminProductView | null> {
  let cursor: string | undefined
  do {
    const page = await listAdminProducts(cursor, 50)
    const found = page.products.find((p) => p._id === productId)
    if (found) return found
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return null
}

/** Creates a product once per `requestId` (a retry with the same id answers the same product). */
export function createProduct(requestId: string, product: ProductDraft): Promise<SaveProductResponse> {
  return callFunction('catalog', 'admin.createProduct', { requestId, product })
}

/** Replaces a product's fields and SKUs (an existing SKU's stock is never set here). */
export function updateProduct(productId: string, product: ProductDraft): Promise<SaveProductResponse> {
  return callFunction('catalog', 'admin.updateProduct', { productId, product })
}

/** Adds `delta` units to a SKU's stock once per `requestId`; `applied: false` = that request was already applied. */
export function adjustStock(skuId: string, delta: number, requestId: string): Promise<{ sku: AdminSkuView; applied: boolean }> {
  return callFunction('catalog', 'admin.adjustStock', { skuId, delta, requestId })
}

/** Puts products on or off sale. */
export async function setOnSale(productIds: string[], onSale: boolean): Promise<number> {
  return (await callFunction('catalog', 'admin.setOnSale', { productIds, onSale })).updated
}
