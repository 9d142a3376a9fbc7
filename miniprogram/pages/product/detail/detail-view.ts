/** Pure parts of the product page: the spec picker (what can be chosen given the other choices), the chosen SKU, price, stock, share paths. */
import type { ProductDetail, SkuView } from '../../../../typings/catalog'
import { formatFen } from '../../../utils/money'
import { errorMessage } from '../../../utils/errors'
import { isApiError } from '../../../services/transport'
import { MAX_LINE_QUANTITY } from '../../../services/cart'

export const PRODUCT_PAGE = 'pages/product/detail/index'

/** One value per spec name, null while not chosen. */
export type Selection = Array<string | null>

export interface SpecChip {
  value: string
  selected: boolean
  /** No SKU on sale with stock has this value together with the other choices. */
  disabled: boolean
}

export interface SpecRow {
  index: number
  name: string
  chips: SpecChip[]
}

export type DetailStatus = 'loading' | 'ready' | 'notFound' | 'error'

export interface DetailView {
  status: DetailStatus
  errorMessage: string
  productId: string
  name: string
  description: string
  /** Displayable image URLs, cover first ('' entries dropped). */
  images: string[]
  specRows: SpecRow[]
  /** The chosen SKU's price, or the range (one price when all cost the same) before a choice. */
  priceText: string
  chosenSkuId: string
  /** e.g. '已选 500g / 礼盒', or '请选择 重量、包装'. */
  choiceText: string
  /** e.g. '库存 40 件' for the chosen SKU; '' before a choice. */
  stockText: string
  quantity: number
  maxQuantity: number
  /** Nothing on sale with stock: the buttons are off. */
  soldOut: boolean
  canAdd: boolean
  adding: boolean
}

export const LOADING_DETAIL: DetailView = {
  status: 'loading',
  errorMessage: '',
  productId: '',
  name: '',
  description: '',
  images: [],
  specRows: [],
  priceText: '',
  chosenSkuId: '',
  choiceText: '',
  stockText: '',
  quantity: 1,
  maxQuantity: 1,
  soldOut: false,
  canAdd: false,
  adding: false,
}

export const NOT_FOUND_DETAIL: DetailView = { ...LOADING_DETAIL, status: 'notFound', errorMessage: '商品不存在或已下架' }

export function purchasable(sku: SkuView): boolean {
  return sku.onSale && sku.available > 0
}

/** Whether `sku` agrees with every choice in `selection` except the one at `except`. */
function matches(sku: SkuView, selection: Selection, except = -1): boolean {
  return selection.every((value, i) => i === except || value === null || sku.specValues[i] === value)
}

export function emptySelection(product: Pick<ProductDetail, 'specNames'>): Selection {
  return product.specNames.map(() => null)
}

/** One row per spec name; its values in SKU order, a value disabled when no purchasable SKU has it with the other choices. */
export function specRows(product: Pick<ProductDetail, 'specNames' | 'skus'>, selection: Selection): SpecRow[] {
  return product.specNames.map((name, index) => {
    const values: string[] = []
    for (const sku of product.skus) {
      const value = sku.specValues[index]
      if (value !== undefined && !values.includes(value)) values.push(value)
    }
    const chips = values.map((value) => ({
      value,
      selected: selection[index] === value,
      disabled: !product.skus.some((sku) => sku.specValues[index] === value && purchasable(sku) && matches(sku, selection, index)),
    }))
    return { index, name, chips }
  })
}

/** The SKU the choices name: the only one of a product without specs, else the one matching every chosen value (undefined until all are chosen). */
export function chosenSku(product: Pick<ProductDetail, 'specNames' | 'skus'>, selection: Selection): SkuView | undefined {
  if (product.specNames.length === 0) return product.skus[0]
  if (selection.some((v) => v === null)) return undefined
  return product.skus.find((sku) => matches(sku, selection))
}

/** The selection after tapping a chip: a chosen value is unchosen, a disabled one changes nothing. */
export function toggleValue(product: Pick<ProductDetail, 'specNames' | 'skus'>, selection: Selection, index: number, value: string): Selection {
  const chip = specRows(product, selection)[index]?.chips.find((c) => c.value === value)
  if (!chip || chip.disabled) return selection
  return selection.map((v, i) => (i === index ? (v === value ? null : value) : v))
}

export function priceText(product: Pick<ProductDetail, 'fromPriceFen' | 'toPriceFen'>, sku: SkuView | undefined): string {
  if (sku) return formatFen(sku.priceFen)
  if (product.toPriceFen > product.fromPriceFen) return `${formatFen(product.fromPriceFen)} - ${formatFen(product.toPriceFen)}`
  return formatFen(product.fromPriceFen)
}

/** The most one line may hold of `sku` (at least 1 so the stepper always shows a number). */
export function maxQuantityOf(sku: SkuView | undefined): number {
  return sku && purchasable(sku) ? Math.min(sku.available, MAX_LINE_QUANTITY) : 1
}

export function clampQuantity(quantity: number, max: number): number {
  if (!Number.isFinite(quantity)) return 1
  return Math.max(1, Math.min(Math.max(1, max), Math.floor(quantity)))
}

/** The ready page for `product` with these choices and quantity (clamped to what the chosen SKU allows). */
export function toDetailView(product: ProductDetail, images: string[], selection: Selection, quantity: number): DetailView {
  const sku = chosenSku(product, selection)
  const missing = product.specNames.filter((_, i) => selection[i] === null)
  const maxQuantity = maxQuantityOf(sku)
  const soldOut = !product.skus.some(purchasable)
  let stockText = ''
  if (sku) stockText = purchasable(sku) ? `库存 ${sku.available} 件` : '已售罄'
  let choiceText = ''
  if (missing.length > 0) choiceText = `请选择 ${missing.join('、')}`
  else if (sku?.spec) choiceText = `已选 ${sku.spec}`
  return {
    status: 'ready',
    errorMessage: '',
    productId: product._id,
    name: product.name,
    description: product.description,
    images: images.filter(Boolean),
    specRows: specRows(product, selection),
    priceText: priceText(product, sku),
    chosenSkuId: sku?._id ?? '',
    choiceText,
    stockText,
    quantity: clampQuantity(quantity, maxQuantity),
    maxQuantity,
    soldOut,
    canAdd: !!sku && purchasable(sku),
    adding: false,
  }
}

/** A product that is missing or off sale gets the not-found state; anything else the error state with its Chinese message. */
export function toDetailErrorView(err: unknown): DetailView {
  if (isApiError(err) && (err.code === 'NOT_FOUND' || err.code === 'PRODUCT_UNAVAILABLE')) return { ...NOT_FOUND_DETAIL }
  return { ...LOADING_DETAIL, status: 'error', errorMessage: errorMessage(err) }
}

/** The chat card's path: this page, the product, and the sharer's code when known. */
export function sharePath(productId: string, code?: string): string {
  return `/${PRODUCT_PAGE}?${timelineQuery(productId, code)}`
}

/** The Moments share's query (Moments opens this page alone, in single-page mode). */
export function timelineQuery(productId: string, code?: string): string {
  return code ? `id=${encodeURIComponent(productId)}&ref=${encodeURIComponent(code)}` : `id=${encodeURIComponent(productId)}`
}
