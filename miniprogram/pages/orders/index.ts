import { confirmReceipt, feedHasMore, nextOrders, startOrderFeed, type OrderFeed } from '../../services/orders'
import { displayUrls } from '../../services/transport'
import type { OrderListItem } from '../../../typings/orders'
import { toastError } from '../../utils/errors'
import { loadFirstPage, whileCurrent } from '../../utils/paged-list'
import { askToConfirmReceipt } from './confirm-modal'
import {
  LOADING_ORDERS,
  ORDER_TABS,
  coverFileOf,
  detailUrl,
  payUrl,
  tabFromQuery,
  toOrderCard,
  toOrdersErrorView,
  toOrdersView,
  type CardActionKind,
  type OrderCard,
  type OrdersTabKey,
  type OrdersView,
} from './orders-view'

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id?: string; key?: string; action?: CardActionKind }>

interface OrdersMethods {
  /** Where the list's pages are (null before the first load). */
  feed: OrderFeed | null
  /** Bumped by every fresh load, so a slow answer for an earlier tab is dropped. */
  generation: number
  /** The shopper left for a page that may change an order: the list is re-read on return. */
  stale: boolean
  load(): Promise<void>
  cardsOf(orders: OrderListItem[]): Promise<OrderCard[]>
  loadMore(): Promise<void>
  onTab(e: Tap): Promise<void>
  onRetry(): Promise<void>
  onOpenOrder(e: Tap): void
  onCardAction(e: Tap): Promise<void>
  onGoShopping(): void
  openPage(url: string): void
}

Page<OrdersView, OrdersMethods>({
  data: { ...LOADING_ORDERS },
  feed: null,
  generation: 0,
  stale: false,

  onLoad(query: Record<string, string | undefined>) {
    this.setData({ tab: tabFromQuery(query.status).key })
    return this.load()
  },

  onShow() {
    if (!this.stale) return
    this.stale = false
    return this.load()
  },

  async onPullDownRefresh() {
    await this.load()
    wx.stopPullDownRefresh()
  },

  onReachBottom() {
    return this.loadMore()
  },

  async cardsOf(orders) {
    const covers = await displayUrls(orders.map(coverFileOf))
    const now = Date.now()
    return orders.map((o, i) => toOrderCard(o, covers[i] ?? '', now))
  },

  /** The tab's first page, from the start. */
  load() {
    const tab = this.data.tab
    return loadFirstPage(
      this,
      async () => {
        const { orders, feed } = await nextOrders(startOrderFeed(ORDER_TABS.find((t) => t.key === tab)?.statuses))
        return { cards: await this.cardsOf(orders), feed }
      },
      ({ cards, feed }) => {
        this.feed = feed
        this.setData(toOrdersView(tab, cards, feedHasMore(feed)))
      },
      (err) => {
        this.feed = null
        this.setData(toOrdersErrorView(tab, err))
      },
    )
  },

  /** The next page, appended; a failure keeps the cards and offers a retry in the footer. */
  loadMore() {
    const feed = this.feed
    if (!feed || this.data.status !== 'ready' || !this.data.hasMore || this.data.loadingMore) return Promise.resolve()
    this.setData({ loadingMore: true, moreFailed: false })
    return whileCurrent(
      this,
      this.generation,
      async () => {
        const next = await nextOrders(feed)
        return { cards: await this.cardsOf(next.orders), feed: next.feed }
      },
      (next) => {
        this.feed = next.feed
        this.setData(toOrdersView(this.data.tab, next.cards, feedHasMore(next.feed), this.data.cards))
      },
      () => this.setData({ loadingMore: false, moreFailed: true }),
    )
  },

  onTab(e) {
    const key = e.currentTarget.dataset.key as OrdersTabKey | undefined
    if (!key || (key === this.data.tab && this.data.status !== 'error')) return Promise.resolve()
    this.setData({ ...LOADING_ORDERS, tab: key })
    wx.pageScrollTo({ scrollTop: 0, duration: 0 })
    return this.load()
  },

  onRetry() {
    this.setData({ ...LOADING_ORDERS, tab: this.data.tab })
    return this.load()
  },

  onOpenOrder(e) {
    const id = e.currentTarget.dataset.id
    if (id) this.openPage(detailUrl(id))
  },

  async onCardAction(e) {
    const { id, action } = e.currentTarget.dataset
    if (!id || !action || this.data.busy) return
    if (action === 'pay') return this.openPage(payUrl(id))
    if (action === 'refund') return this.openPage(detailUrl(id, true))
    if (action === 'viewRefund') return this.openPage(detailUrl(id))
    if (!(await askToConfirmReceipt())) return
    this.setData({ busy: true })
    wx.showLoading({ title: '处理中', mask: true })
    try {
      await confirmReceipt(id)
      wx.hideLoading()
      wx.showToast({ title: '已确认收货', icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ busy: false })
    }
    // the order moved (or someone else moved it first): read the list again
    await this.load()
  },

  onGoShopping() {
    wx.switchTab({ url: '/pages/home/index' })
  },

  openPage(url) {
    this.stale = true
    wx.navigateTo({ url })
  },
})
