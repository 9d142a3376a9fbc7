import type { OrderLine, Quote, RequestedLine, ShippingRule } from '../../typings/orders'

/** The product fields pricing reads (a snapshot loaded from the database). */
export interface PricedProduct {
  _id: string
  name: string
  onSale: boolean
  images?: string[]
}

/** The SKU fields pricing reads: what is sold and stocked. */
export interface PricedSku {
  _id: string
  productId: string
  /** The spec label ('' for a product without specs). */
  spec?: string
  priceFen: number
  stock: number
  onSale: boolean
}

/** Shipping when the owner has set no rule: 10 yuan, free from 99 yuan of goods. */
export const DEFAULT_SHIPPING_RULE: ShippingRule = { flatFeeFen: 1000, freeFromFen: 9900 }

export type PricingErrorCode = 'PRODUCT_UNAVAILABLE' | 'OUT_OF_STOCK'

/** A line that cannot be priced: its SKU or product is missing or off sale, or the SKU has too little stock. */
export class PricingError extends Error {
  constructor(
    readonly code: PricingErrorCode,
    /** The SKU's product, or '' when the SKU itself is unknown. */
    readonly productId: string,
    readonly skuId: string,
    message: string,
  ) {
    super(message)
    this.name = 'PricingError'
  }
}

/** The owner's rule from a settings document, with the default for anything missing or malformed. */
export function shippingRuleFrom(settings: { shipping?: Partial<ShippingRule> } | null | undefined): ShippingRule {
  const s = settings?.shipping
  const flat = s?.flatFeeFen
  const free = s?.freeFromFen
  return {
    flatFeeFen: Number.isInteger(flat) && (flat as number) >= 0 ? (flat as number) : DEFAULT_SHIPPING_RULE.flatFeeFen,
    freeFromFen: free === null ? null : Number.isInteger(free) && (free as number) >= 0 ? (free as number) : DEFAULT_SHIPPING_RULE.freeFromFen,
  }
}

/** Shipping for a goods value: free from the threshold, else the flat fee; nothing to ship costs nothing. */
export function shippingFee(itemsFen: number, rule: ShippingRule): number {
  if (itemsFen <= 0) return 0
  if (rule.freeFromFen !== null && itemsFen >= rule.freeFromFen) return 0
  return rule.flatFeeFen
}

/** Merges repeated SKUs into one line each, keeping first-seen order. */
export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const byId = new Map<string, number>()
  for (const line of lines) byId.set(line.skuId, (byId.get(line.skuId) ?? 0) + line.quantity)
  return [...byId].map(([skuId, quantity]) => ({ skuId, quantity }))
}

/**
 * Prices requested lines from SKU and product snapshots read on the server (never from the
 * client): each line snapshots the product's name and cover, the SKU's spec and unit price;
 * totals are integer fen. Throws PricingError for a SKU or product that is missing or off sale,
 * and, when `checkStock`, for a line above the SKU's stock.
 */
export function quoteOrder(requested: readonly RequestedLine[], skus: readonly PricedSku[], products: readonly PricedProduct[], rule: ShippingRule, checkStock = true): Quote {
  const skuById = new Map(skus.map((s) => [s._id, s]))
  const productById = new Map(products.map((p) => [p._id, p]))
  const lines: OrderLine[] = mergeLines(requested).map(({ skuId, quantity }) => {
    const sku = skuById.get(skuId)
    if (!sku) throw new PricingError('PRODUCT_UNAVAILABLE', '', skuId, `SKU ${skuId} does not exist`)
    const { productId } = sku
    const product = productById.get(productId)
    if (!product || !product.onSale || !sku.onSale) throw new PricingError('PRODUCT_UNAVAILABLE', productId, skuId, `SKU ${skuId} of product ${productId} is not on sale`)
    if (!Number.isInteger(sku.priceFen) || sku.priceFen < 0) throw new PricingError('PRODUCT_UNAVAILABLE', productId, skuId, `SKU ${skuId} has no valid price`)
    if (checkStock && !(sku.stock >= quantity)) throw new PricingError('OUT_OF_STOCK', productId, skuId, `SKU ${skuId} has ${sku.stock} left, ${quantity} asked`)
    const line: OrderLine = { productId, skuId, name: product.name, spec: sku.spec ?? '', priceFen: sku.priceFen, quantity, amountFen: sku.priceFen * quantity }
    const cover = product.images?.[0]
    if (typeof cover === 'string' && cover !== '') line.image = cover
    return line
  })
  const itemsFen = lines.reduce((sum, line) => sum + line.amountFen, 0)
  const shippingFen = shippingFee(itemsFen, rule)
  return { lines, itemsFen, shippingFen, totalFen: itemsFen + shippingFen }
}

/**
 * Splits `totalFen` in proportion to non-negative integer `weights` by largest remainder: the
 * parts are whole fen, each within 1 fen of its exact share, and they add up to the total.
 * All-zero weights split evenly.
 */
export function prorate(totalFen: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(totalFen)) throw new RangeError(`total must be whole fen, got ${totalFen}`)
  if (weights.length === 0) {
    if (totalFen !== 0) throw new RangeError('cannot split a non-zero total over no parts')
    return []
  }
  if (weights.some((w) => !Number.isInteger(w) || w < 0)) throw new RangeError('weights must be non-negative integers')
  const sum = weights.reduce((a, b) => a + b, 0)
  const effective = sum === 0 ? weights.map(() => 1) : weights
  const weightSum = sum === 0 ? weights.length : sum
  const sign = totalFen < 0 ? -1 : 1
  const magnitude = Math.abs(totalFen)
  // Integer arithmetic: floor(magnitude * w / weightSum) and its remainder, exact for fen-sized values.
  const parts = effective.map((w) => Math.floor((magnitude * w) / weightSum))
  const remainders = effective.map((w, i) => ({ i, r: magnitude * w - parts[i] * weightSum }))
  let left = magnitude - parts.reduce((a, b) => a + b, 0)
  remainders.sort((a, b) => b.r - a.r || a.i - b.i)
  for (let k = 0; left > 0; k++, left--) parts[remainders[k].i] += 1
  return parts.map((p) => p * sign + 0)
}
