/**
 * The owner's product form as pure functions: the form state, its changes, and the one place
 * that turns it into the `ProductDraft` the API takes (validated first, messages in Chinese).
 */
import type { AdminProductView, AdminSkuView, Category, ProductDraft } from '../../../typings/catalog'
import { formatFen, parseYuanToFen } from '../../utils/money'

export const MAX_IMAGES = 9
export const MAX_SPEC_NAMES = 5
export const MAX_SKUS = 100
const MAX_PRICE_FEN = 100_000_000
const MAX_STOCK = 10_000_000

export interface ImageItem {
  fileID: string
  /** A displayable URL ('' when the file has none). */
  src: string
}

export interface SkuRow {
  /** Stable key for wx:key. */
  key: string
  /** null for a row not saved yet. */
  skuId: string | null
  /** One value per spec name. */
  values: string[]
  priceText: string
  /** Initial stock of a new row; ignored for saved ones (their stock moves only through adjustments). */
  stockText: string
  onSale: boolean
  /** Saved SKUs: units on the shelf, held by unpaid orders, sold. */
  stock: number
  reserved: number
  sold: number
}

export interface ProductForm {
  /** null: a new product. */
  productId: string | null
  /** The create request's id, made once per form so a retried create answers the same product. */
  requestId: string
  name: string
  categoryId: string
  description: string
  images: ImageItem[]
  specNames: string[]
  skus: SkuRow[]
  onSale: boolean
  sort: number
}

let rowSeq = 0
const rowKey = () => `row-${++rowSeq}`

export function emptySkuRow(specCount: number): SkuRow {
  return { key: rowKey(), skuId: null, values: new Array<string>(specCount).fill(''), priceText: '', stockText: '', onSale: true, stock: 0, reserved: 0, sold: 0 }
}

export function emptyForm(requestId: string): ProductForm {
  return { productId: null, requestId, name: '', categoryId: '', description: '', images: [], specNames: [], skus: [emptySkuRow(0)], onSale: true, sort: 0 }
}

/** '19.90' for 1990: how a saved price reads in its input. */
export function fenToYuanText(fen: number): string {
  return formatFen(fen).replace('¥', '')
}

function rowOf(sku: AdminSkuView): SkuRow {
  return { key: sku._id, skuId: sku._id, values: [...sku.specValues], priceText: fenToYuanText(sku.priceFen), stockText: '', onSale: sku.onSale, stock: sku.stock, reserved: sku.reserved, sold: sku.sold }
}

export function formFromProduct(product: AdminProductView, srcs: string[], requestId: string): ProductForm {
  return {
    productId: product._id,
    requestId,
    name: product.name,
    categoryId: product.categoryId,
    description: product.description,
    images: product.images.map((fileID, i) => ({ fileID, src: srcs[i] ?? '' })),
    specNames: [...product.specNames],
    skus: product.skus.map(rowOf),
    onSale: product.onSale,
    sort: product.sort,
  }
}

/** The SKU row after the server answered an adjustment. */
export function withSkuStock(form: ProductForm, sku: AdminSkuView): ProductForm {
  return { ...form, skus: form.skus.map((r) => (r.skuId === sku._id ? { ...r, stock: sku.stock, reserved: sku.reserved, sold: sku.sold } : r)) }
}

/** Whether spec dimensions may be added or removed: only while no row is saved (a saved SKU is identified by its values). */
export function canChangeSpecDimensions(form: ProductForm): boolean {
  return form.skus.every((r) => r.skuId === null)
}

export function addSpecName(form: ProductForm): ProductForm {
  if (form.specNames.length >= MAX_SPEC_NAMES || !canChangeSpecDimensions(form)) return form
  return { ...form, specNames: [...form.specNames, ''], skus: form.skus.map((r) => ({ ...r, values: [...r.values, ''] })) }
}

export function removeSpecName(form: ProductForm, index: number): ProductForm {
  if (!canChangeSpecDimensions(form) || index < 0 || index >= form.specNames.length) return form
  return { ...form, specNames: form.specNames.filter((_, i) => i !== index), skus: form.skus.map((r) => ({ ...r, values: r.values.filter((_, i) => i !== index) })) }
}

export function addSkuRow(form: ProductForm): ProductForm {
  if (form.skus.length >= MAX_SKUS) return form
  return { ...form, skus: [...form.skus, emptySkuRow(form.specNames.length)] }
}

export function removeSkuRow(form: ProductForm, key: string): ProductForm {
  return { ...form, skus: form.skus.filter((r) => r.key !== key) }
}

/** Moves the image at `index` by `step` (-1 earlier, +1 later); the first image is the cover. */
export function moveImage(images: ImageItem[], index: number, step: number): ImageItem[] {
  const to = index + step
  if (index < 0 || index >= images.length || to < 0 || to >= images.length) return images
  const next = [...images]
  const [moved] = next.splice(index, 1)
  next.splice(to, 0, moved)
  return next
}

/** How many more images may be added. */
export function imageRoom(form: ProductForm): number {
  return Math.max(0, MAX_IMAGES - form.images.length)
}

/** Cloud path for an uploaded product image: `products/<key>.<ext>`. */
export function productImagePath(tempFilePath: string, key: string): string {
  const ext = /\.(png|jpe?g|webp|gif)$/i.exec(tempFilePath)?.[1]?.toLowerCase() ?? 'jpg'
  return `products/${key}.${ext}`
}

export type DraftResult = { ok: true; draft: ProductDraft } | { ok: false; message: string }

function parseStock(text: string): number | null {
  const trimmed = text.trim()
  if (trimmed === '') return 0
  if (!/^\d+$/.test(trimmed)) return null
  const n = Number(trimmed)
  return n <= MAX_STOCK ? n : null
}

/** The form as the API's draft, or the first thing to fix, in Chinese. */
export function toProductDraft(form: ProductForm, categories: Category[]): DraftResult {
  const fail = (message: string): DraftResult => ({ ok: false, message })
  const name = form.name.trim()
  if (!name) return fail('请填写商品名称')
  if ([...name].length > 60) return fail('商品名称最多 60 个字')
  if (!form.categoryId || !categories.some((c) => c._id === form.categoryId)) return fail('请选择商品分类')
  if (form.description.length > 2000) return fail('商品描述最多 2000 个字')
  if (form.images.length === 0) return fail('请至少上传一张商品图片')
  if (form.images.length > MAX_IMAGES) return fail(`最多 ${MAX_IMAGES} 张图片`)

  const specNames = form.specNames.map((s) => s.trim())
  if (specNames.some((s) => !s)) return fail('规格名不能为空')
  if (specNames.some((s) => [...s].length > 16)) return fail('规格名最多 16 个字')
  if (new Set(specNames).size !== specNames.length) return fail('规格名不能重复')

  if (form.skus.length === 0) return fail('请至少添加一个规格')
  if (specNames.length === 0 && form.skus.length !== 1) return fail('没有规格名的商品只能有一个 SKU，请先添加规格名')
  const seen = new Set<string>()
  const skus: ProductDraft['skus'] = []
  for (const [i, row] of form.skus.entries()) {
    const label = form.skus.length > 1 ? `第 ${i + 1} 个规格` : '商品'
    const values = row.values.map((v) => v.trim())
    const missing = values.findIndex((v) => !v)
    if (missing >= 0) return fail(`请填写${label}的「${specNames[missing]}」`)
    if (values.some((v) => [...v].length > 32)) return fail(`${label}的规格值最多 32 个字`)
    const combination = JSON.stringify(values)
    if (seen.has(combination)) return fail(`有两个规格的取值相同：${values.join(' / ')}`)
    seen.add(combination)
    if (!row.priceText.trim()) return fail(`请填写${label}的价格`)
    const priceFen = parseYuanToFen(row.priceText)
    if (priceFen === null) return fail(`${label}的价格格式不对：请填写金额，最多两位小数`)
    if (priceFen > MAX_PRICE_FEN) return fail(`${label}的价格过高`)
    const sku: ProductDraft['skus'][number] = { specValues: values, priceFen, onSale: row.onSale }
    if (row.skuId === null) {
      const stock = parseStock(row.stockText)
      if (stock === null) return fail(`${label}的初始库存需为 0 到 ${MAX_STOCK} 的整数`)
      sku.stock = stock
    }
    skus.push(sku)
  }

  const draft: ProductDraft = { name, categoryId: form.categoryId, images: form.images.map((img) => img.fileID), specNames, skus, onSale: form.onSale, sort: form.sort }
  const description = form.description.trim()
  if (description) draft.description = description
  return { ok: true, draft }
}

// ---- stock adjustments ----------------------------------------------------------------------

export const STOCK_REASONS = ['到货入库', '盘点修正', '损耗报废', '退货入库', '其他'] as const

/** An adjustment the owner is entering for one SKU. */
export interface StockAdjustment {
  skuId: string
  spec: string
  stock: number
  /** +1 adds, -1 removes. */
  sign: 1 | -1
  amountText: string
  reason: string
}

export type DeltaResult = { ok: true; delta: number } | { ok: false; message: string }

/** The signed change the adjustment asks for, or what to fix. */
export function adjustmentDelta(adjustment: StockAdjustment): DeltaResult {
  const text = adjustment.amountText.trim()
  if (!/^\d+$/.test(text) || Number(text) === 0) return { ok: false, message: '请填写调整数量（正整数）' }
  const amount = Number(text)
  if (amount > MAX_STOCK) return { ok: false, message: `一次最多调整 ${MAX_STOCK} 件` }
  if (!adjustment.reason) return { ok: false, message: '请选择调整原因' }
  if (adjustment.sign < 0 && amount > adjustment.stock) return { ok: false, message: `库存不足，最多可减少 ${adjustment.stock} 件` }
  return { ok: true, delta: adjustment.sign * amount }
}

/**
 * The request id for sending `delta` now: the previous attempt's id when it asked for the same
 * change (a retry after a lost answer is applied once), a new one for a different change.
 */
export function attemptFor(previous: { delta: number; requestId: string } | null, delta: number, makeId: () => string): { delta: number; requestId: string } {
  return previous && previous.delta === delta ? previous : { delta, requestId: makeId() }
}

// ---- the page's view ------------------------------------------------------------------------

export interface SkuRowView extends SkuRow {
  saved: boolean
  specText: string
  stockInfo: string
}

export interface FormView {
  name: string
  categoryIndex: number
  categoryName: string
  description: string
  images: ImageItem[]
  imageRoom: number
  specNames: string[]
  canChangeSpecs: boolean
  canAddSpec: boolean
  canRemoveSkus: boolean
  skus: SkuRowView[]
  onSale: boolean
  isNew: boolean
}

export function toFormView(form: ProductForm, categories: Category[]): FormView {
  const categoryIndex = categories.findIndex((c) => c._id === form.categoryId)
  return {
    name: form.name,
    categoryIndex,
    categoryName: categoryIndex >= 0 ? categories[categoryIndex].name : '',
    description: form.description,
    images: form.images,
    imageRoom: imageRoom(form),
    specNames: form.specNames,
    canChangeSpecs: canChangeSpecDimensions(form),
    canAddSpec: canChangeSpecDimensions(form) && form.specNames.length < MAX_SPEC_NAMES,
    canRemoveSkus: form.skus.length > 1,
    skus: form.skus.map((r) => ({
      ...r,
      saved: r.skuId !== null,
      specText: r.values.join(' / '),
      stockInfo: r.skuId === null ? '' : `库存 ${r.stock} · 待付款占用 ${r.reserved} · 已售 ${r.sold}`,
    })),
    onSale: form.onSale,
    isNew: form.productId === null,
  }
}
