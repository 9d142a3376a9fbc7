/**
 * The catalogue's rules, pure: SKU identity and labels, a product draft's consistency, price
 * ranges and what a shopper sees of a product. No SDK; the `catalog` function loads snapshots.
 */
import type { ProductDraft, ProductSummary, SkuDraft } from '../../typings/catalog'

/** The SKU fields these rules read. */
export interface SkuSnapshot {
  _id: string
  priceFen: number
  stock: number
  onSale: boolean
}

/** The product fields these rules read. */
export interface ProductSnapshot {
  _id: string
  name: string
  categoryId: string
  images?: string[]
  minPriceFen?: number | null
  maxPriceFen?: number | null
}

/** The label a SKU shows for its spec values: '500g / 礼盒' ('' without specs). */
export function specLabel(specValues: readonly string[]): string {
  return specValues.join(' / ')
}

/** One key per spec combination (values joined by a character no value contains). */
export function specKey(specValues: readonly string[]): string {
  return specValues.join('\u0001')
}

/** FNV-1a, 32 bits, as 8 hex digits: short, stable ids from spec values. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h.toString(16).padStart(8, '0')
}

/**
 * A new SKU's id: a product without specs has one SKU whose id is the product's (other parts of
 * the store rely on this); a new spec combination's id derives from the product and its values,
 * so saving the same draft twice never makes a second SKU. (Existing SKUs keep their ids and are
 * matched by their spec values, so a product that gained specs may keep its first SKU under the
 * product's id, as the demo data's 龙井 and 核桃 do.)
 */
export function skuIdFor(productId: string, specValues: readonly string[]): string {
  return specValues.length === 0 ? productId : `${productId}-${fnv1a(specKey(specValues))}`
}

/** Why a product draft is inconsistent, or undefined when it is fine. */
export function draftProblem(productId: string, draft: ProductDraft): string | undefined {
  const names = draft.specNames
  if (new Set(names).size !== names.length) return 'spec names must be distinct'
  if (names.length === 0 && draft.skus.length !== 1) return 'a product without specs has exactly one SKU'
  const combinations = new Set<string>()
  const ids = new Set<string>()
  for (const sku of draft.skus) {
    if (sku.specValues.length !== names.length) return `each SKU needs one value per spec name (${names.length})`
    if (sku.specValues.some((v) => v.includes('\u0001'))) return 'spec values cannot contain control characters'
    const key = specKey(sku.specValues)
    const id = skuIdFor(productId, sku.specValues)
    if (combinations.has(key)) return `two SKUs have the values ${specLabel(sku.specValues)}`
    if (ids.has(id)) return `the SKUs ${specLabel(sku.specValues)} and another would share an id; change a value`
    combinations.add(key)
    ids.add(id)
  }
  return undefined
}

/** The price range of the SKUs on sale, or nulls when none is. */
export function priceRange(skus: ReadonlyArray<Pick<SkuDraft | SkuSnapshot, 'priceFen' | 'onSale'>>): { minPriceFen: number | null; maxPriceFen: number | null } {
  const prices = skus.filter((s) => s.onSale).map((s) => s.priceFen)
  return prices.length === 0 ? { minPriceFen: null, maxPriceFen: null } : { minPriceFen: Math.min(...prices), maxPriceFen: Math.max(...prices) }
}

/**
 * What a list shows of a product: cover, price range and whether it is sold out, from its SKUs
 * as they are now (no SKU on sale, or none with stock, is sold out).
 */
export function productSummary(product: ProductSnapshot, skus: readonly SkuSnapshot[]): ProductSummary {
  const onSale = skus.filter((s) => s.onSale)
  const range = priceRange(onSale)
  return {
    _id: product._id,
    name: product.name,
    categoryId: product.categoryId,
    cover: product.images?.[0] ?? null,
    fromPriceFen: range.minPriceFen ?? product.minPriceFen ?? 0,
    toPriceFen: range.maxPriceFen ?? product.maxPriceFen ?? 0,
    soldOut: !onSale.some((s) => s.stock > 0),
  }
}
