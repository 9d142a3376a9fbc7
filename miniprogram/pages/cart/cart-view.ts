/** Pure parts of the cart page: stored lines + the server's quote + stock -> what the page shows. */
import type { ProductDetail } from '../../../typings/catalog'
import type { CartQuote, Quote } from '../../../typings/orders'
import { formatFen } from '../../utils/money'
import { errorMessage } from '../../utils/errors'
import { MAX_LINE_QUANTITY, type CartLine } from '../../services/cart'
import type { RefusedLine } from '../../services/checkout'

export type CartStatus = 'loading' | 'ready' | 'empty' | 'error'

export interface CartLineView {
  skuId: string
  name: string
  spec: string
  /** Displayable image URL ('' for none). */
  cover: string
  /** Unit price from the server ('' when it cannot be bought). */
  priceText: string
  /** Line total from the quote ('' when it cannot be bought). */
  amountText: string
  quantity: number
  /** The most this line may hold now (units available, at most 99). */
  maxQuantity: number
  canMinus: boolean
  canPlus: boolean
  /** Can be bought now (priced by the quote). */
  available: boolean
  /** Why it cannot be bought ('' when it can). */
  reason: string
  selected: boolean
}

export interface CartView {
  status: CartStatus
  errorMessage: string
  lines: CartLineView[]
  /** Every line that can be bought is selected (and there is one). */
  allSelected: boolean
  /** Selected lines that can be bought. */
  selectedCount: number
  itemsText: string
  shippingText: string
  totalText: string
  canCheckout: boolean
  /** A call is in flight (stepper, remove, selection). */
  busy: boolean
}

export const LOADING_CART: CartView = {
  status: 'loading',
  errorMessage: '',
  lines: [],
  allSelected: false,
  selectedCount: 0,
  itemsText: '',
  shippingText: '',
  totalText: '',
  canCheckout: false,
  busy: false,
}

export const EMPTY_CART: CartView = { ...LOADING_CART, status: 'empty' }

/** What the server said about the cart. */
export interface PricedCart {
  stored: CartLine[]
  /** The quote of every line it would price, each with its units available (null: none). */
  quote: CartQuote | null
  refused: RefusedLine[]
  /** The refused lines' products as the catalogue shows them now, for their names and images (null: missing or off sale). */
  products: Record<string, ProductDetail | null>
  /** Displayable URL per image fileID. */
  imageUrls: Record<string, string>
}

/** Units of the SKU a shopper can buy now (0 when it is off sale, or its product is unknown). */
export function unitsAvailable(products: PricedCart['products'], productId: string, skuId: string): number {
  const sku = products[productId]?.skus.find((s) => s._id === skuId)
  return sku && sku.onSale ? Math.max(0, sku.available) : 0
}

/** The Chinese reason a refused line cannot be bought. */
export function refusalReason(line: RefusedLine, available: number): string {
  if (line.code === 'PRODUCT_UNAVAILABLE' || !line.productId) return '已下架'
  return available > 0 ? `库存不足，仅剩 ${available} 件` : '已售罄'
}

/** A stepper's next quantity: within 1..max (a line over the max comes down to it). */
export function steppedQuantity(quantity: number, delta: number, max: number): number {
  const cap = Math.max(1, Math.min(MAX_LINE_QUANTITY, max))
  return Math.max(1, Math.min(cap, quantity + delta))
}

/** The lines that can be bought and are selected, in cart order: what 去结算 takes. */
export function selectedLines(cart: PricedCart, unselected: readonly string[]): CartLine[] {
  const priced = new Set((cart.quote?.lines ?? []).map((l) => l.skuId))
  return cart.stored.filter((l) => priced.has(l.skuId) && !unselected.includes(l.skuId))
}

/** The page for a priced cart; `totals` is the quote of the selected lines (null when none is selected). */
export function toCartView(cart: PricedCart, unselected: readonly string[], totals: Quote | null): CartView {
  if (cart.stored.length === 0) return { ...EMPTY_CART }
  const lines = cart.stored.map((stored): CartLineView => {
    const priced = cart.quote?.lines.find((l) => l.skuId === stored.skuId)
    if (priced) {
      const max = Math.min(MAX_LINE_QUANTITY, Math.max(priced.quantity, priced.available))
      return {
        skuId: stored.skuId,
        name: priced.name,
        spec: priced.spec,
        cover: (priced.image && cart.imageUrls[priced.image]) || '',
        priceText: formatFen(priced.priceFen),
        amountText: formatFen(priced.amountFen),
        quantity: priced.quantity,
        maxQuantity: max,
        canMinus: priced.quantity > 1,
        canPlus: priced.quantity < max,
        available: true,
        reason: '',
        selected: !unselected.includes(stored.skuId),
      }
    }
    const refused = cart.refused.find((r) => r.skuId === stored.skuId)
    const product = refused?.productId ? cart.products[refused.productId] : null
    const sku = product?.skus.find((s) => s._id === stored.skuId)
    const available = refused ? (refused.available ?? unitsAvailable(cart.products, refused.productId, stored.skuId)) : 0
    const cover = product?.images[0] ? cart.imageUrls[product.images[0]] ?? '' : ''
    return {
      skuId: stored.skuId,
      name: product?.name ?? '商品已下架',
      spec: sku?.spec ?? '',
      cover,
      priceText: '',
      amountText: '',
      quantity: stored.quantity,
      maxQuantity: Math.min(MAX_LINE_QUANTITY, available),
      // a line with too few units left can be brought down to what is there
      canMinus: available > 0 && stored.quantity > 1,
      canPlus: false,
      available: false,
      reason: refused ? refusalReason(refused, available) : '已下架',
      selected: false,
    }
  })
  const buyable = lines.filter((l) => l.available)
  const selected = buyable.filter((l) => l.selected)
  return {
    status: 'ready',
    errorMessage: '',
    lines,
    allSelected: buyable.length > 0 && selected.length === buyable.length,
    selectedCount: selected.length,
    itemsText: formatFen(totals?.itemsFen ?? 0),
    shippingText: totals ? (totals.shippingFen === 0 ? '免运费' : formatFen(totals.shippingFen)) : formatFen(0),
    totalText: formatFen(totals?.totalFen ?? 0),
    canCheckout: selected.length > 0 && totals !== null,
    busy: false,
  }
}

export function toCartErrorView(err: unknown): CartView {
  return { ...LOADING_CART, status: 'error', errorMessage: errorMessage(err) }
}
