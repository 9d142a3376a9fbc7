import type { OrderLine, Quote, RequestedLine, ShippingRule } from '../../typings/orders'

/** The product fields pricing reads (a snapshot loaded from the database). */
export interface PricedProduct {
  _id: string
  name: string
  priceFen: number
  stock: number
  onSale: boolean
  spec?: string
}

/** Shipping when the owner has set no rule: 10 yuan, free from 99 yuan of goods. */
export const DEFAULT_SHIPPING_RULE: ShippingRule = { flatFeeFen: 1000, freeFromFen: 9900 }

export type PricingErrorCode = 'PRODUCT_UNAVAILABLE' | 'OUT_OF_STOCK'

/** A line that cannot be priced: the product is missing or off sale, or has too little stock. */
export class PricingError extends Error {
  constructor(
    readonly code: PricingErrorCode,
    readonly productId: string,
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

/** Merges repeated products into one line each, keeping first-seen order. */
export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const byId = new Map<string, number>()
  for (const line of lines) byId.set(line.productId, (byId.get(line.productId) ?? 0) + line.quantity)
  return [...byId].map(([productId, quantity]) => ({ productId, quantity }))
}

/**
 * Prices requested lines from product snapshots read on the server (never from the client):
 * each line snapshots name, spec and unit price; totals are integer fen. Throws PricingError
 * for a missing or off-sale product, and, when `checkStock`, for a line above the stock.
 */
export function quoteOrder(requested: readonly RequestedLine[], products: readonly PricedProduct[], rule: ShippingRule, checkStock = true): Quote {
  const byId = new Map(products.map((p) => [p._id, p]))
  const lines: OrderLine[] = mergeLines(requested).map(({ productId, quantity }) => {
    const product = byId.get(productId)
    if (!product || !product.onSale) throw new PricingError('PRODUCT_UNAVAILABLE', productId, `product ${productId} is not on sale`)
    if (!Number.isInteger(product.priceFen) || product.priceFen < 0) throw new PricingError('PRODUCT_UNAVAILABLE', productId, `product ${productId} has no valid price`)
    if (checkStock && !(product.stock >= quantity)) throw new PricingError('OUT_OF_STOCK', productId, `product ${productId} has ${product.stock} left, ${quantity} asked`)
    return { productId, name: product.name, spec: product.spec ?? '', priceFen: product.priceFen, quantity, amountFen: product.priceFen * quantity }
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
