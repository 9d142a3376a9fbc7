/** What shoppers browse: categories, pages of products on sale, one product with its SKUs. No identity needed. */
import { DomainError } from '../../backend/handler'
import { productSummary } from '../../domain/catalog'
import type { ResponseOf } from '../../typings/api'
import type { Category, SkuView } from '../../typings/catalog'
import { escapeRegExp } from '../../backend/query'
import { db, productPage, readProduct, skusOf, type CategoryDoc } from './store'

const SUMMARY_FIELDS = { name: true, categoryId: true, images: true, sort: true, minPriceFen: true, maxPriceFen: true }
const SKU_SUMMARY_FIELDS = { priceFen: true, stock: true, onSale: true }

/** The store's categories in display order (the `sort_1` index). */
export async function listCategories(): Promise<ResponseOf<'catalog', 'categories'>> {
  const { data } = await db().collection('categories').orderBy('sort', 'asc').limit(100).get()
  return { categories: (data as CategoryDoc[]).map((c): Category => ({ _id: c._id, name: c.name, sort: c.sort })) }
}

/**
 * A page of products on sale in display order, of one category and/or whose name contains the
 * keyword (matched literally, case-insensitive, on the rows the index delivers), each with its
 * cover, "from" price and sold-out flag computed from its SKUs now.
 */
export async function listProducts(request: { categoryId?: string; keyword?: string; cursor?: string; pageSize: number }): Promise<ResponseOf<'catalog', 'listProducts'>> {
  const base: Record<string, unknown> = { onSale: true }
  if (request.categoryId !== undefined) base.categoryId = request.categoryId
  if (request.keyword !== undefined) base.name = db().RegExp({ regexp: escapeRegExp(request.keyword), options: 'i' })
  const { rows, nextCursor } = await productPage(base, request.cursor, request.pageSize, SUMMARY_FIELDS)
  const skus = await skusOf(
    rows.map((p) => p._id),
    SKU_SUMMARY_FIELDS,
  )
  return { products: rows.map((p) => productSummary(p, skus.get(p._id) ?? [])), nextCursor }
}

/** One product on sale with everything a shopper chooses from; NOT_FOUND when it is missing or off sale. */
export async function productDetail(productId: string): Promise<ResponseOf<'catalog', 'product'>> {
  const product = await readProduct(productId)
  if (!product || product.onSale !== true) throw new DomainError('NOT_FOUND', `no product ${productId} on sale`)
  const skus = (await skusOf([productId], { specValues: true, spec: true, ...SKU_SUMMARY_FIELDS })).get(productId) ?? []
  return {
    product: {
      ...productSummary(product, skus),
      description: product.description ?? '',
      images: product.images ?? [],
      specNames: product.specNames ?? [],
      skus: skus.map((s): SkuView => ({ _id: s._id, specValues: s.specValues ?? [], spec: s.spec ?? '', priceFen: s.priceFen, available: Math.max(0, s.stock), onSale: s.onSale })),
    },
  }
}
