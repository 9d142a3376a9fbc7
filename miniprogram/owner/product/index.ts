import { adjustStock, adminProduct, createProduct, updateProduct } from '../../services/admin-catalog'
import { listCategories } from '../../services/catalog'
import { getMyProfile } from '../../services/profile'
import { deleteFiles, displayUrls, uploadFile } from '../../services/transport'
import type { AdminProductView, Category } from '../../../typings/catalog'
import { toastError } from '../../utils/errors'
import { requirePrivacy } from '../../utils/privacy'
import { newRequestId } from '../../utils/request-id'
import { FORBIDDEN_TEXT, toOwnerErrorView } from '../owner-view'
import {
  STOCK_REASONS,
  addSkuRow,
  addSpecName,
  adjustmentDelta,
  attemptFor,
  emptyForm,
  formFromProduct,
  imageRoom,
  moveImage,
  productImagePath,
  removeSkuRow,
  removeSpecName,
  toFormView,
  toProductDraft,
  withSkuStock,
  type FormView,
  type ProductForm,
  type SkuRow,
  type StockAdjustment,
} from './product-form'

interface ProductPageData {
  status: 'loading' | 'ready' | 'error' | 'forbidden' | 'notFound'
  errorMessage: string
  form: FormView | null
  categoryNames: string[]
  saving: boolean
  uploading: boolean
  /** The stock adjustment sheet (null: closed). */
  adjust: StockAdjustment | null
  adjusting: boolean
  reasons: string[]
}

type Dataset = { key?: string; index?: number; step?: number; sign?: number; reason?: string }
type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, Dataset>
type InputEvent = { detail: { value: string }; currentTarget: { dataset: Dataset } }
type ValueEvent<T> = { detail: { value: T }; currentTarget: { dataset: Dataset } }

interface ProductPageMethods {
  productId: string
  form: ProductForm | null
  categories: Category[] | null
  /** The last adjustment sent and its request id, kept until it succeeds (a retry of the same change reuses the id). */
  attempt: { skuId: string; delta: number; requestId: string; reason: string } | null
  /** Images uploaded here and not saved into the product yet: removing one deletes its file (saved ones may be on orders). */
  unsaved: Record<string, true> | null
  load(): Promise<void>
  show(product: AdminProductView, requestId: string): Promise<void>
  render(): void
  change(next: ProductForm): void
  editRow(key: string | undefined, edit: (row: SkuRow) => SkuRow): void
  onRetry(): Promise<void>
  onNameInput(e: InputEvent): void
  onDescriptionInput(e: InputEvent): void
  onCategoryChange(e: ValueEvent<string | number>): void
  onSaleChange(e: ValueEvent<boolean>): void
  onAddImages(): Promise<void>
  onMoveImage(e: Tap): void
  onRemoveImage(e: Tap): void
  onPreviewImage(e: Tap): void
  onAddSpec(): void
  onRemoveSpec(e: Tap): void
  onSpecNameInput(e: InputEvent): void
  onAddSku(): void
  onRemoveSku(e: Tap): void
  onSkuValueInput(e: InputEvent): void
  onSkuPriceInput(e: InputEvent): void
  onSkuStockInput(e: InputEvent): void
  onSkuSaleChange(e: ValueEvent<boolean>): void
  onSave(): Promise<void>
  onOpenAdjust(e: Tap): void
  onAdjustSign(e: Tap): void
  onAdjustAmountInput(e: InputEvent): void
  onAdjustReason(e: Tap): void
  onCancelAdjust(): void
  onStay(): void
  onConfirmAdjust(): Promise<void>
}

const hint = (title: string) => wx.showToast({ title, icon: 'none', duration: 2500 })

Page<ProductPageData, ProductPageMethods>({
  data: {
    status: 'loading',
    errorMessage: '',
    form: null,
    categoryNames: [],
    saving: false,
    uploading: false,
    adjust: null,
    adjusting: false,
    reasons: [...STOCK_REASONS],
  },
  productId: '',
  form: null,
  categories: null,
  attempt: null,
  unsaved: null,

  onLoad(query: Record<string, string | undefined>) {
    this.productId = query.id ?? ''
    if (!this.productId) wx.setNavigationBarTitle({ title: '新建商品' })
    return this.load()
  },

  onRetry() {
    this.setData({ status: 'loading' })
    return this.load()
  },

  async load() {
    try {
      const categories = await listCategories()
      this.categories = categories
      this.setData({ categoryNames: categories.map((c) => c.name) })
      if (this.productId) {
        const product = await adminProduct(this.productId)
        if (!product) {
          this.setData({ status: 'notFound', errorMessage: '商品不存在' })
          return
        }
        await this.show(product, newRequestId('c'))
      } else {
        // a new form sends nothing until it is saved: ask who I am so a shopper gets the refusal now
        if (!(await getMyProfile()).isOwner) {
          this.setData({ status: 'forbidden', errorMessage: FORBIDDEN_TEXT })
          return
        }
        this.form = emptyForm(newRequestId('c'))
        this.render()
      }
      this.setData({ status: 'ready' })
    } catch (err) {
      this.setData(toOwnerErrorView(err))
    }
  },

  async show(product, requestId) {
    this.productId = product._id
    this.form = formFromProduct(product, await displayUrls(product.images), requestId)
    wx.setNavigationBarTitle({ title: '编辑商品' })
    this.render()
  },

  render() {
    if (this.form) this.setData({ form: toFormView(this.form, this.categories ?? []) })
  },

  change(next) {
    this.form = next
    this.render()
  },

  editRow(key, edit) {
    const form = this.form
    if (!form || !key) return
    this.form = { ...form, skus: form.skus.map((r) => (r.key === key ? edit(r) : r)) }
  },

  // text inputs update the form without re-rendering (the input already shows what was typed)
  onNameInput(e) {
    if (this.form) this.form = { ...this.form, name: e.detail.value }
  },

  onDescriptionInput(e) {
    if (this.form) this.form = { ...this.form, description: e.detail.value }
  },

  onCategoryChange(e) {
    const category = this.categories?.[Number(e.detail.value)]
    if (this.form && category) this.change({ ...this.form, categoryId: category._id })
  },

  onSaleChange(e) {
    if (this.form) this.change({ ...this.form, onSale: e.detail.value })
  },

  async onAddImages() {
    const form = this.form
    if (!form || this.data.uploading) return
    const room = imageRoom(form)
    if (room === 0) {
      hint('最多 9 张图片')
      return
    }
    if (!(await requirePrivacy())) {
      hint('需要同意隐私保护指引才能选择图片')
      return
    }
    const chosen = await new Promise<WechatMiniprogram.ChooseMediaSuccessCallbackResult | null>((resolve) => {
      wx.chooseMedia({
        count: room,
        mediaType: ['image'],
        sourceType: ['album', 'camera'],
        sizeType: ['compressed'],
        success: resolve,
        fail: (err) => {
          if (!/cancel/.test(err.errMsg)) hint('无法选择图片，请检查相册和相机权限')
          resolve(null)
        },
      })
    })
    const paths = (chosen?.tempFiles ?? []).map((f) => f.tempFilePath).slice(0, room)
    if (paths.length === 0) return // cancelled
    this.setData({ uploading: true })
    wx.showLoading({ title: '上传中', mask: true })
    try {
      const fileIDs: string[] = []
      for (const path of paths) fileIDs.push(await uploadFile(productImagePath(path, newRequestId('i')), path))
      this.unsaved = { ...this.unsaved }
      for (const id of fileIDs) this.unsaved[id] = true
      const srcs = await displayUrls(fileIDs)
      const current = this.form ?? form
      this.change({ ...current, images: [...current.images, ...fileIDs.map((fileID, i) => ({ fileID, src: srcs[i] }))] })
      wx.hideLoading()
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ uploading: false })
    }
  },

  onMoveImage(e) {
    const { index, step } = e.currentTarget.dataset
    if (this.form && typeof index === 'number' && typeof step === 'number') this.change({ ...this.form, images: moveImage(this.form.images, index, step) })
  },

  onRemoveImage(e) {
    const index = e.currentTarget.dataset.index
    const removed = typeof index === 'number' ? this.form?.images[index] : undefined
    if (!this.form || !removed) return
    this.change({ ...this.form, images: this.form.images.filter((_, i) => i !== index) })
    if (this.unsaved?.[removed.fileID]) {
      delete this.unsaved[removed.fileID]
      void deleteFiles([removed.fileID]).catch(() => undefined) // a leftover file costs storage only
    }
  },

  onPreviewImage(e) {
    const urls = (this.form?.images ?? []).map((img) => img.src).filter(Boolean)
    const index = e.currentTarget.dataset.index ?? 0
    if (urls.length > 0) wx.previewImage({ urls, current: this.form?.images[index]?.src || urls[0] })
  },

  onAddSpec() {
    if (this.form) this.change(addSpecName(this.form))
  },

  onRemoveSpec(e) {
    const index = e.currentTarget.dataset.index
    if (this.form && typeof index === 'number') this.change(removeSpecName(this.form, index))
  },

  onSpecNameInput(e) {
    const index = e.currentTarget.dataset.index
    if (this.form && typeof index === 'number') this.form = { ...this.form, specNames: this.form.specNames.map((s, i) => (i === index ? e.detail.value : s)) }
  },

  onAddSku() {
    if (this.form) this.change(addSkuRow(this.form))
  },

  onRemoveSku(e) {
    const key = e.currentTarget.dataset.key
    if (this.form && key) this.change(removeSkuRow(this.form, key))
  },

  onSkuValueInput(e) {
    const index = e.currentTarget.dataset.index
    if (typeof index === 'number') this.editRow(e.currentTarget.dataset.key, (r) => ({ ...r, values: r.values.map((v, i) => (i === index ? e.detail.value : v)) }))
  },

  onSkuPriceInput(e) {
    this.editRow(e.currentTarget.dataset.key, (r) => ({ ...r, priceText: e.detail.value }))
  },

  onSkuStockInput(e) {
    this.editRow(e.currentTarget.dataset.key, (r) => ({ ...r, stockText: e.detail.value }))
  },

  onSkuSaleChange(e) {
    this.editRow(e.currentTarget.dataset.key, (r) => ({ ...r, onSale: e.detail.value }))
    this.render()
  },

  async onSave() {
    const form = this.form
    if (!form || this.data.saving || this.data.uploading) return
    const result = toProductDraft(form, this.categories ?? [])
    if (!result.ok) {
      hint(result.message)
      return
    }
    this.setData({ saving: true })
    wx.showLoading({ title: '保存中', mask: true })
    try {
      const saved = form.productId ? await updateProduct(form.productId, result.draft) : await createProduct(form.requestId, result.draft)
      await this.show(saved.product, form.requestId)
      this.unsaved = null
      wx.hideLoading()
      if (saved.keptOffSale.length > 0) {
        wx.showModal({ title: '已保存', content: `有 ${saved.keptOffSale.length} 个规格仍有订单占用或已售出，已改为下架而未删除。`, showCancel: false })
      } else {
        wx.showToast({ title: form.productId ? '已保存' : '商品已创建', icon: 'success' })
      }
    } catch (err) {
      wx.hideLoading()
      toastError(err) // the form and its request id stay: saving again retries the same create
    } finally {
      this.setData({ saving: false })
    }
  },

  onOpenAdjust(e) {
    const row = this.form?.skus.find((r) => r.key === e.currentTarget.dataset.key)
    if (!row || !row.skuId) return
    this.attempt = null
    this.setData({ adjust: { skuId: row.skuId, spec: row.values.join(' / ') || '默认', stock: row.stock, sign: e.currentTarget.dataset.sign === -1 ? -1 : 1, amountText: '', reason: '' } })
  },

  onAdjustSign(e) {
    if (this.data.adjust) this.setData({ 'adjust.sign': e.currentTarget.dataset.sign === -1 ? -1 : 1 })
  },

  onAdjustAmountInput(e) {
    if (this.data.adjust) this.setData({ 'adjust.amountText': e.detail.value })
  },

  onAdjustReason(e) {
    if (this.data.adjust) this.setData({ 'adjust.reason': e.currentTarget.dataset.reason ?? '' })
  },

  /** Taps inside the sheet stay there (the mask around it closes it). */
  onStay() {},

  onCancelAdjust() {
    if (!this.data.adjusting) this.setData({ adjust: null })
  },

  async onConfirmAdjust() {
    const adjust = this.data.adjust
    if (!adjust || this.data.adjusting) return
    const result = adjustmentDelta(adjust)
    if (!result.ok) {
      hint(result.message)
      return
    }
    // the same change with the same reason retries the same request id (applied once)
    const previous = this.attempt && this.attempt.skuId === adjust.skuId && this.attempt.reason === adjust.reason ? this.attempt : null
    const attempt = { skuId: adjust.skuId, reason: adjust.reason, ...attemptFor(previous, result.delta, () => newRequestId('s')) }
    this.attempt = attempt
    this.setData({ adjusting: true })
    wx.showLoading({ title: '提交中', mask: true })
    try {
      const { sku, applied } = await adjustStock(attempt.skuId, attempt.delta, attempt.requestId, attempt.reason)
      this.attempt = null
      if (this.form) this.change(withSkuStock(this.form, sku))
      wx.hideLoading()
      this.setData({ adjust: null })
      const amount = Math.abs(attempt.delta)
      wx.showToast({ title: applied ? `${attempt.delta > 0 ? '已增加' : '已减少'} ${amount} 件` : `已生效，库存 ${sku.stock}`, icon: applied ? 'success' : 'none' })
    } catch (err) {
      wx.hideLoading()
      toastError(err) // the sheet and the request id stay: confirming again retries the same adjustment
    } finally {
      this.setData({ adjusting: false })
    }
  },
})
