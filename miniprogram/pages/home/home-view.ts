/** Pure mappers from catalogue data to what the home page shows. */
import type { ProductSummary } from '../../../typings/catalog'
import { formatFen } from '../../utils/money'
import { isApiError } from '../../services/transport'

export interface ProductCard {
  id: string
  name: string
  /** The "from" price. */
  priceText: string
  /** The SKUs cost different amounts: the price reads "from". */
  priceFrom: boolean
  /** Cover image (cloud fileID), '' when the product has none. */
  cover: string
  soldOut: boolean
}

export type HomeStatus = 'loading' | 'ready' | 'empty' | 'error'

export interface HomeView {
  status: HomeStatus
  cards: ProductCard[]
  errorMessage: string
  /** Where the next page starts (null: this was the last). */
  nextCursor: string | null
}

export const LOADING_VIEW: HomeView = { status: 'loading', cards: [], errorMessage: '', nextCursor: null }

export function toProductCard(product: ProductSummary): ProductCard {
  return {
    id: product._id,
    name: product.name,
    priceText: formatFen(product.fromPriceFen),
    priceFrom: product.toPriceFen > product.fromPriceFen,
    cover: product.cover ?? '',
    soldOut: product.soldOut,
  }
}

/** The view after loading a page: the first page replaces the cards, a later one (`previous` given) appends. */
export function toHomeView(page: { products: ProductSummary[]; nextCursor: string | null }, previous: ProductCard[] = []): HomeView {
  const cards = previous.concat(page.products.map(toProductCard))
  return { status: cards.length === 0 ? 'empty' : 'ready', cards, errorMessage: '', nextCursor: page.nextCursor }
}

/** What the shopper reads when the catalogue cannot be loaded. */
export function toHomeErrorView(err: unknown): HomeView {
  const errorMessage = isApiError(err) && err.code === 'UNAUTHENTICATED' ? '请先登录后再浏览' : '商品加载失败，请稍后重试'
  return { status: 'error', cards: [], errorMessage, nextCursor: null }
}
