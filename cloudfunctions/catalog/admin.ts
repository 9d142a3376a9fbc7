/**
 * The owner's catalogue tools: products with their SKUs, stock adjustments, categories, on/off
 * sale. Callers are checked with requireOwner in index.ts. Every write is idempotent, so a retry
 * (or a rerun after a crash) converges on the same catalogue.
 */
import { createHash } from 'node:crypto'
import { DomainError } from '../../backend/handler'
import { adjustStock as adjustSkuStock, productFieldsOfSkus, type SkuDoc } from '../../backend/orders'
import { isDuplicateWrite } from '../../backend/db-errors'
import { draftProblem, priceRange, skuIdFor, specKey, specLabel } from '../../domain/catalog'
import type { ResponseOf } from '../../typings/api'
import type { AdminProductFilter, AdminProductView, AdminSkuView, Category, ProductDraft, SaveProductResponse } from '../../typings/catalog'
import { escapeRegExp } from '../../backend/query'
import { db, epochOf, productPage, readProduct, skusOf, type CategoryDoc, type ProductDoc } from './store'

function adminSkuView(s: SkuDoc): AdminSkuView {
  return { _id: s._id, specValues: s.specValues ?? [], spec: s.spec ?? '', priceFen: s.priceFen, onSale: s.onSale, stock: s.stock, reserved: s.reserved ?? 0, sold: s.sold ?? 0, holds: s.holds?.length ?? 0 }
}

function adminProductView(p: ProductDoc, skus: readonly SkuDoc[]): AdminProductView {
  return {
    _id: p._id,
    name: p.name,
    categoryId: p.categoryId,
    description: p.description ?? '',
    images: p.images ?? [],
    specNames: p.specNames ?? [],
    onSale: p.onSale,
    sort: p.sort,
    createdAt: epochOf(p.createdAt),
    minPriceFen: p.minPriceFen ?? null,
    maxPriceFen: p.maxPriceFen ?? null,
    skus: skus.map(adminSkuView),
  }
}

const ADMIN_SKU_FIELDS = { specValues: true, spec: true, priceFen: true, stock: true, reserved: true, sold: true, holds: true, onSale: true }

/**
 * Every product, on sale or not, in display order, with where each SKU's units are; narrowed by
 * category and/or sale state on an index ending in `sort, _id` (sort_id, onSale_sort_id,
 * category_sort_id, category_onSale_sort_id) and by a name keyword (literal, case-insensitive)
 * checked on the rows that index range yields.
 */
export async function listAllProducts(filter: AdminProductFilter, cursor: string | undefined, pageSize: number): Promise<ResponseOf<'catalog', 'admin.products'>> {
  const base: Record<string, unknown> = {}
  if (filter.categoryId !== undefined) base.categoryId = filter.categoryId
  if (filter.onSale !== undefined) base.onSale = filter.onSale
  if (filter.keyword !== undefined) base.name = db().RegExp({ regexp: escapeRegExp(filter.keyword), options: 'i' })
  const { rows, nextCursor } = await productPage(base, cursor, pageSize)
  const skus = await skusOf(
    rows.map((p) => p._id),
    ADMIN_SKU_FIELDS,
  )
  return { products: rows.map((p) => adminProductView(p, skus.get(p._id) ?? [])), nextCursor }
}

/** One product, on sale or not, with all its SKUs as the owner manages them; NOT_FOUND when missing. */
export async function ownerProduct(productId: string): Promise<ResponseOf<'catalog', 'admin.product'>> {
  const [product, skus] = await Promise.all([readProduct(productId), skusOf([productId], ADMIN_SKU_FIELDS)])
  if (!product) throw new DomainError('NOT_FOUND', `no product ${productId}`)
  return { product: adminProductView(product, skus.get(productId) ?? []) }
}

/** A new product's id from the owner's client request id: a retry of the create lands on the same product. */
function productIdFor(requestId: string): string {
  return 'p-' + createHash('sha256').update(`product\n${requestId}`).digest('hex').slice(0, 12)
}

async function requireCategory(categoryId: string): Promise<void> {
  const { data } = await db().collection('categories').doc(categoryId).get()
  if ((data as unknown[]).length === 0) throw new DomainError('NOT_FOUND', `no category ${categoryId}`)
}

/**
 * Writes the draft's SKUs and retires the product's others, each step idempotent. A SKU is
 * identified by its spec values: an existing one gets the draft's price, label and on-sale flag
 * (never its stock, which only orders and adjustments move); a new one is added with its initial
 * stock under skuIdFor's id (a concurrent duplicate add loses on the `_id` and is updated
 * instead). A SKU left out is first taken off sale, so no new order can reserve it, then deleted
 * only if nothing is reserved or sold (conditional remove); otherwise it stays, off sale.
 */
async function writeSkus(productId: string, draft: ProductDraft): Promise<{ skus: SkuDoc[]; keptOffSale: string[] }> {
  const existing = (await skusOf([productId])).get(productId) ?? []
  const byValues = new Map(existing.map((s) => [specKey(s.specValues ?? []), s._id]))
  const wanted = new Set<string>()
  for (const [sort, sku] of draft.skus.entries()) {
    const known = byValues.get(specKey(sku.specValues))
    const _id = known ?? skuIdFor(productId, sku.specValues)
    if (known === undefined && existing.some((s) => s._id === _id)) throw new DomainError('INVALID_INPUT', `the SKU ${specLabel(sku.specValues)} would take the id of another; change a value`)
    wanted.add(_id)
    const fields = { productId, specValues: sku.specValues, spec: specLabel(sku.specValues), priceFen: sku.priceFen, onSale: sku.onSale, sort, ...productFieldsOfSkus(draft) }
    if (known === undefined) {
      try {
        await db()
          .collection('skus')
          .add({ _id, ...fields, stock: sku.stock ?? 0, reserved: 0, sold: 0, holds: [], stockLog: [] })
        continue
      } catch (err) {
        if (!isDuplicateWrite(err)) throw err
      }
    }
    await db().collection('skus').doc(_id).update(fields)
  }
  const keptOffSale: string[] = []
  for (const { _id: id } of existing) {
    if (wanted.has(id)) continue
    await db().collection('skus').doc(id).update({ onSale: false })
    const { deleted } = await db().collection('skus').where({ _id: id, reserved: 0, sold: 0 }).remove()
    if (deleted !== 1) keptOffSale.push(id)
  }
  const skus = (await skusOf([productId])).get(productId) ?? []
  return { skus, keptOffSale }
}

function productFields(draft: ProductDraft, now: Date) {
  return {
    name: draft.name,
    categoryId: draft.categoryId,
    description: draft.description ?? '',
    images: draft.images,
    specNames: draft.specNames,
    onSale: draft.onSale,
    sort: draft.sort,
    updatedAt: now,
    ...priceRange(draft.skus),
  }
}

function checkDraft(productId: string, draft: ProductDraft): void {
  const problem = draftProblem(productId, draft)
  if (problem) throw new DomainError('INVALID_INPUT', problem)
}

/**
 * Creates a product with its SKUs once per client request id: the product's id derives from
 * it, the SKUs are written first and the product document last, so a shopper never sees a
 * product whose SKUs are missing; a retry after any failure completes the same product.
 */
export async function createProduct(requestId: string, draft: ProductDraft): Promise<SaveProductResponse> {
  const productId = productIdFor(requestId)
  const done = await readProduct(productId)
  if (done) return { product: adminProductView(done, (await skusOf([productId])).get(productId) ?? []), keptOffSale: [] }
  checkDraft(productId, draft)
  await requireCategory(draft.categoryId)
  const { skus, keptOffSale } = await writeSkus(productId, draft)
  const now = new Date()
  const doc: ProductDoc = { _id: productId, ...productFields(draft, now), createdAt: now }
  try {
    await db().collection('products').add(doc)
  } catch (err) {
    if (!isDuplicateWrite(err)) throw err
  }
  return { product: adminProductView((await readProduct(productId)) ?? doc, skus), keptOffSale }
}

/** Replaces a product's fields and SKUs (see writeSkus for what happens to SKUs left out). */
export async function updateProduct(productId: string, draft: ProductDraft): Promise<SaveProductResponse> {
  if (!(await readProduct(productId))) throw new DomainError('NOT_FOUND', `no product ${productId}`)
  checkDraft(productId, draft)
  await requireCategory(draft.categoryId)
  const { skus, keptOffSale } = await writeSkus(productId, draft)
  await db().collection('products').doc(productId).update(productFields(draft, new Date()))
  return { product: adminProductView((await readProduct(productId))!, skus), keptOffSale }
}

async function readSku(skuId: string): Promise<SkuDoc | undefined> {
  const { data } = await db().collection('skus').doc(skuId).field({ stockLog: false }).get()
  return (data as SkuDoc[])[0]
}

/** Adds `delta` to a SKU's stock once per request id (backend/orders.ts adjustStock), the owner's reason in its stock log entry; never below zero. */
export async function adjustStock(skuId: string, delta: number, requestId: string, reason: string): Promise<ResponseOf<'catalog', 'admin.adjustStock'>> {
  const outcome = await adjustSkuStock(db(), skuId, delta, requestId, reason)
  const sku = await readSku(skuId)
  if (!sku) throw new DomainError('NOT_FOUND', `no SKU ${skuId}`)
  if (outcome === 'refused') throw new DomainError('OUT_OF_STOCK', `SKU ${skuId} has ${sku.stock} in stock, cannot remove ${-delta}`, { productId: sku.productId, skuId, stock: sku.stock })
  return { sku: adminSkuView(sku), applied: outcome === 'applied' }
}

/**
 * Saves the store's categories: these are written (by id), the others deleted, unless a product
 * is still in one of them (IN_USE, nothing changed).
 */
export async function saveCategories(categories: Category[]): Promise<ResponseOf<'catalog', 'admin.saveCategories'>> {
  const _ = db().command
  if (new Set(categories.map((c) => c._id)).size !== categories.length) throw new DomainError('INVALID_INPUT', 'category ids must be distinct')
  const { data } = await db().collection('categories').limit(1000).field({ _id: true }).get()
  const removed = (data as CategoryDoc[]).map((c) => c._id).filter((id) => !categories.some((c) => c._id === id))
  if (removed.length > 0) {
    const { data: inUse } = await db().collection('products').where({ categoryId: _.in(removed) }).limit(100).field({ categoryId: true }).get()
    const used = [...new Set((inUse as ProductDoc[]).map((p) => p.categoryId))]
    if (used.length > 0) throw new DomainError('IN_USE', `products are still in ${used.join(', ')}`, { categoryIds: used })
  }
  for (const c of categories) await db().collection('categories').doc(c._id).set({ name: c.name, sort: c.sort })
  for (const id of removed) await db().collection('categories').doc(id).remove()
  const { data: saved } = await db().collection('categories').orderBy('sort', 'asc').limit(1000).get()
  return { categories: (saved as CategoryDoc[]).map((c) => ({ _id: c._id, name: c.name, sort: c.sort })) }
}

/** Puts products on or off sale (off sale: shoppers no longer see or buy them; pending orders keep their reservations). */
export async function setOnSale(productIds: string[], onSale: boolean): Promise<ResponseOf<'catalog', 'admin.setOnSale'>> {
  const _ = db().command
  const { updated } = await db().collection('products').where({ _id: _.in(productIds) }).update({ onSale, updatedAt: new Date() })
  // checkout reads the flag from the SKUs (productFieldsOfSkus); a retry after a failure here sets it again
  await db().collection('skus').where({ productId: _.in(productIds) }).update({ productOnSale: onSale })
  return { updated }
}
