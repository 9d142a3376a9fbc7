/** Pure mappers for the owner's product list. */
import type { AdminProductFilter, AdminProductView, Category } from '../../../typings/catalog'
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
  /** What the search box holds (searched on confirm). */
  keyword: string
  /** The sale-state chip chosen. */
  sale: SaleFilter
  /** The category chip chosen ('' = every category). */
  categoryId: string
  /** The category chips (empty until the categories are read). */
  categoryChips: CategoryChip[]
  /** Whether a filter or keyword narrows the list (the empty state says so). */
  filtered: boolean
}

export type SaleFilter = 'all' | 'onSale' | 'offSale'

export interface CategoryChip {
  /** '' for 全部分类. */
  id: string
  name: string
}

export const SALE_CHIPS: ReadonlyArray<{ sale: SaleFilter; name: string }> = [
  { sale: 'all', name: '全部' },
  { sale: 'onSale', name: '在售' },
  { sale: 'offSale', name: '已下架' },
]

/** The search box's limit, as admin.products takes a keyword. */
export const KEYWORD_MAX = 30

export const LOADING_PRODUCTS: ProductsView = { ...LIST_LOADING, cards: [], switching: '', keyword: '', sale: 'all', categoryId: '', categoryChips: [], filtered: false }

/** The chips for the store's categories, 全部分类 first. */
export function toCategoryChips(categories: readonly Category[]): CategoryChip[] {
  return [{ id: '', name: '全部分类' }, ...categories.map((c) => ({ id: c._id, name: c.name }))]
}

/** What admin.products is asked for the chosen chips and the search box (a blank keyword searches nothing). */
export function productFilterOf(state: Pick<ProductsView, 'keyword' | 'sale' | 'categoryId'>): AdminProductFilter {
  const filter: AdminProductFilter = {}
  const keyword = state.keyword.trim().slice(0, KEYWORD_MAX).trim()
  if (keyword) filter.keyword = keyword
  if (state.categoryId) filter.categoryId = state.categoryId
  if (state.sale !== 'all') filter.onSale = state.sale === 'onSale'
  return filter
}

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

export function toProductsView(cards: ProductCard[], nextCursor: string | null, filter: AdminProductFilter = {}): Partial<ProductsView> {
  return { status: cards.length === 0 ? 'empty' : 'ready', errorMessage: '', cards, nextCursor, loadingMore: false, moreError: '', finished: nextCursor === null, filtered: Object.keys(filter).length > 0 }
}

/** The list with one card's on-sale flag changed. */
export function withOnSale(cards: ProductCard[], id: string, onSale: boolean): ProductCard[] {
  return cards.map((c) => (c.id === id ? { ...c, onSale, statusText: onSale ? '在售' : '已下架' } : c))
}
