/** Pure mappers for the owner's product list. */
import type { AdminProductView } from '../../../typings/catalog'
import { formatFen } from '../../utils/money'
import { LIST_LOADING, type ListStatus } from '../owner-view'

export interface ProductCard {
  id: string
  name: string
  /** A displayable cover URL ('' shows the placeholder). */
  cover: string
  priceText: string
  stockText: string
  onSale: boolean
  statusText: string
}

export interface ProductsView {
  status: ListStatus
  errorMessage: string
  cards: ProductCard[]
  nextCursor: string | null
  loadingMore: boolean
  moreError: string
  finished: boolean
  /** The product whose on-sale switch is being saved ('' when none). */
  switching: string
}

export const LOADING_PRODUCTS: ProductsView = { ...LIST_LOADING, cards: [], switching: '' }

/** '¥16.80' or '¥168.00 - ¥320.00' over the SKUs on sale (all SKUs when none is), '未定价' without SKUs. */
export function priceRangeText(product: AdminProductView): string {
  const onSale = product.skus.filter((s) => s.onSale)
  const prices = (onSale.length > 0 ? onSale : product.skus).map((s) => s.priceFen)
  if (prices.length === 0) return '未定价'
  const min = Math.min(...prices)
  const max = Math.max(...prices)
  return min === max ? formatFen(min) : `${formatFen(min)} - ${formatFen(max)}`
}

/** Units on the shelf across the product's SKUs (stock not yet reserved by orders). */
export function totalStock(product: AdminProductView): number {
  return product.skus.reduce((sum, s) => sum + s.stock, 0)
}

export function toProductCard(product: AdminProductView, cover: string): ProductCard {
  const stock = totalStock(product)
  return {
    id: product._id,
    name: product.name,
    cover,
    priceText: priceRangeText(product),
    stockText: stock > 0 ? `库存 ${stock}` : '无库存',
    onSale: product.onSale,
    statusText: product.onSale ? '在售' : '已下架',
  }
}

export function toProductsView(cards: ProductCard[], nextCursor: string | null): Partial<ProductsView> {
  return { status: cards.length === 0 ? 'empty' : 'ready', errorMessage: '', cards, nextCursor, loadingMore: false, moreError: '', finished: nextCursor === null }
}

/** The list with one card's on-sale flag changed. */
export function withOnSale(cards: ProductCard[], id: string, onSale: boolean): ProductCard[] {
  return cards.map((c) => (c.id === id ? { ...c, onSale, statusText: onSale ? '在售' : '已下架' } : c))
}
