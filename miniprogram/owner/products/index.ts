import { listAdminProducts, setOnSale } from '../../services/admin-catalog'
import { listCategories } from '../../services/catalog'
import { displayUrls } from '../../services/transport'
import type { AdminProductFilter, AdminProductView } from '../../../typings/catalog'
import { toastError } from '../../utils/errors'
import { loadFirstPage, loadNextPage, pagedListHandlers } from '../../utils/paged-list'
import { toOwnerErrorView } from '../owner-view'
import { LOADING_PRODUCTS, productFilterOf, SALE_CHIPS, toCategoryChips, toProductCard, toProductsView, withOnSale, type ProductCard, type ProductsView, type SaleFilter } from './products-view'

const PAGE_SIZE = 20

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id?: string; sale?: SaleFilter }>
type TextInput = WechatMiniprogram.Input
type SwitchChange = WechatMiniprogram.SwitchChange & { currentTarget: { dataset: { id?: string } } }

interface ProductsMethods {
  /** Bumped by every first-page load, so an answer for an older list is dropped. */
  generation: number
  /** Whether the page was shown once (returning from the editor reloads). */
  shownOnce: boolean
  /** The filter the shown pages were asked with (null before the first load): more pages continue it, whatever the search box holds now. */
  applied: AdminProductFilter | null
  cardsOf(products: AdminProductView[]): Promise<ProductCard[]>
  /** Reads the category chips once; without them the list still works (no category chips). */
  loadCategories(): Promise<void>
  loadFirst(): Promise<void>
  onKeywordInput(e: TextInput): void
  onSearch(): Promise<void>
  onClearSearch(): Promise<void>
  onSaleChip(e: Tap): Promise<void>
  onCategoryChip(e: Tap): Promise<void>
  loadMore(): Promise<void>
  onRetry(): Promise<void>
  onRetryMore(): Promise<void>
  onToggleSale(e: SwitchChange): Promise<void>
  onOpen(e: Tap): void
  onCreate(): void
}

Page<ProductsView & { saleChips: typeof SALE_CHIPS }, ProductsMethods>({
  data: { ...LOADING_PRODUCTS, saleChips: SALE_CHIPS },
  generation: 0,
  shownOnce: false,
  applied: null,

  onLoad() {
    return Promise.all([this.loadFirst(), this.loadCategories()]).then(() => undefined)
  },

  async loadCategories() {
    try {
      this.setData({ categoryChips: toCategoryChips(await listCategories()) })
    } catch {
      // the chips are a shortcut; the list and its errors are shown by loadFirst
    }
  },

  onKeywordInput(e) {
    this.setData({ keyword: e.detail.value })
  },

  onSearch() {
    return this.loadFirst()
  },

  onClearSearch() {
    this.setData({ keyword: '' })
    return this.loadFirst()
  },

  onSaleChip(e) {
    const sale = e.currentTarget.dataset.sale
    if (!sale || sale === this.data.sale) return Promise.resolve()
    this.setData({ sale })
    return this.loadFirst()
  },

  onCategoryChip(e) {
    const id = e.currentTarget.dataset.id ?? ''
    if (id === this.data.categoryId) return Promise.resolve()
    this.setData({ categoryId: id })
    return this.loadFirst()
  },

  onShow() {
    if (this.shownOnce) return this.loadFirst()
    this.shownOnce = true
    return undefined
  },

  ...pagedListHandlers,

  async cardsOf(products) {
    const covers = await displayUrls(products.map((p) => p.images[0]))
    return products.map((p, i) => toProductCard(p, covers[i]))
  },

  loadFirst() {
    const filter = productFilterOf(this.data)
    if (this.data.status === 'ready' || this.data.status === 'empty') this.setData({ loadingMore: true, moreError: '' })
    else this.setData({ status: 'loading' })
    return loadFirstPage(
      this,
      async () => {
        const { products, nextCursor } = await listAdminProducts(undefined, PAGE_SIZE, filter)
        return { cards: await this.cardsOf(products), nextCursor }
      },
      ({ cards, nextCursor }) => {
        this.applied = filter
        this.setData(toProductsView(cards, nextCursor, filter))
      },
      (err) => this.setData(toOwnerErrorView(err)),
    )
  },

  loadMore() {
    const filter = this.applied ?? {}
    return loadNextPage(
      this,
      async (cursor) => {
        const page = await listAdminProducts(cursor, PAGE_SIZE, filter)
        return { cards: await this.cardsOf(page.products), nextCursor: page.nextCursor }
      },
      ({ cards, nextCursor }) => this.setData(toProductsView([...this.data.cards, ...cards], nextCursor, filter)),
    )
  },

  /** 重试 after a failed first page shows the loading state again. */
  onRetry() {
    this.setData({ status: 'loading' })
    return this.loadFirst()
  },

  async onToggleSale(e) {
    const id = e.currentTarget.dataset.id
    const onSale = e.detail.value
    if (!id || this.data.switching) return
    const before = this.data.cards
    this.setData({ switching: id, cards: withOnSale(before, id, onSale) })
    try {
      await setOnSale([id], onSale)
      wx.showToast({ title: onSale ? '已上架' : '已下架', icon: 'success' })
      this.setData({ switching: '' })
    } catch (err) {
      this.setData({ switching: '', cards: withOnSale(this.data.cards, id, !onSale) })
      toastError(err)
    }
  },

  onOpen(e) {
    const id = e.currentTarget.dataset.id
    if (id) wx.navigateTo({ url: `/owner/product/index?id=${encodeURIComponent(id)}` })
  },

  onCreate() {
    wx.navigateTo({ url: '/owner/product/index' })
  },
})
