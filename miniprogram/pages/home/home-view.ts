/** Pure mappers from catalogue data to what the home page shows. */
import type { ProductSummary } from '../../../typings/catalog'
import { formatFen } from '../../utils/money'
import { isApiError } from '../../services/transport'

export interface ProductCard {
  id: string
  name: string
  priceText: string
}

export type HomeStatus = 'loading' | 'ready' | 'empty' | 'error'

export interface HomeView {
  status: HomeStatus
  cards: ProductCard[]
  errorMessage: string
}

export const LOADING_VIEW: HomeView = { status: 'loading', cards: [], errorMessage: '' }

export function toProductCard(product: ProductSummary): ProductCard {
  return { id: product._id, name: product.name, priceText: formatFen(product.priceFen) }
}

export function toHomeView(products: ProductSummary[]): HomeView {
  return { status: products.length === 0 ? 'empty' : 'ready', cards: products.map(toProductCard), errorMessage: '' }
}

/** What the shopper reads when the catalogue cannot be loaded. */
export function toHomeErrorView(err: unknown): HomeView {
  const errorMessage = isApiError(err) && err.code === 'UNAUTHENTICATED' ? '请先登录后再浏览' : '商品加载失败，请稍后重试'
  return { status: 'error', cards: [], errorMessage }
}
