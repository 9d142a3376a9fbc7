import { adminOrderDetail, approveRefund, listAdminOrders, rejectRefund } from '../../services/admin-orders'
import type { OrderStatus } from '../../../typings/orders'
import { toastError } from '../../utils/errors'
import { cursorState, loadFirstPage, loadNextPage, pagedListHandlers } from '../../utils/paged-list'
import { LIST_LOADING, toOwnerErrorView, type ListStatus } from '../owner-view'
import { REFUND_TABS, approvalQuestion, cleanRejectReason, replaceCard, toRefundCard, type RefundCard } from './refunds-view'

const PAGE_SIZE = 20
/** How often, and how many times, an approved refund is re-read while WeChat Pay's notification is awaited. */
const WATCH_INTERVAL_MS = 1500
const WATCH_TIMES = 40

type TabKey = (typeof REFUND_TABS)[number]['key']
const TAB_STATUS: Record<TabKey, OrderStatus> = { open: 'refund_requested', done: 'refunded' }

interface RefundsData {
  tabs: typeof REFUND_TABS
  tab: TabKey
  status: ListStatus
  errorMessage: string
  cards: RefundCard[]
  nextCursor: string | null
  loadingMore: boolean
  moreError: string
  finished: boolean
  /** The order being decided ('' when none). */
  deciding: string
  /** The reject sheet (null: closed). */
  reject: { orderId: string; reason: string } | null
}

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { id?: string; key?: TabKey }>

interface RefundsMethods {
  generation: number
  /** Timers re-reading approved refunds, by order id. */
  watches: Record<string, number> | null
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  cardsOf(orders: Parameters<typeof toRefundCard>[0][]): RefundCard[]
  watch(orderId: string, left: number): void
  onTab(e: Tap): Promise<void>
  onRetry(): Promise<void>
  onRetryMore(): Promise<void>
  onRestockChange(e: { detail: { value: boolean }; currentTarget: { dataset: { id?: string } } }): void
  onApprove(e: Tap): Promise<void>
  onOpenReject(e: Tap): void
  onRejectInput(e: { detail: { value: string } }): void
  onCancelReject(): void
  onStay(): void
  onConfirmReject(): Promise<void>
}

const LIST_RESET = { ...LIST_LOADING, cards: [] }

function confirmModal(title: string, content: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({ title, content, confirmText: '同意退款', confirmColor: '#07c160', success: (res) => resolve(res.confirm), fail: () => resolve(false) })
  })
}

Page<RefundsData, RefundsMethods>({
  data: { tabs: REFUND_TABS, tab: 'open', ...LIST_RESET, deciding: '', reject: null },
  generation: 0,
  watches: null,

  onLoad() {
    this.watches = {}
    return this.loadFirst()
  },

  onUnload() {
    for (const timer of Object.values(this.watches ?? {})) clearTimeout(timer)
    this.watches = {}
  },

  ...pagedListHandlers,

  cardsOf(orders) {
    return orders.map((o) => toRefundCard(o)).filter((c): c is RefundCard => c !== null)
  },

  loadFirst() {
    this.setData({ ...LIST_RESET })
    return loadFirstPage(
      this,
      () => listAdminOrders(TAB_STATUS[this.data.tab], undefined, PAGE_SIZE),
      ({ orders, nextCursor }) => {
        const cards = this.cardsOf(orders)
        this.setData({ status: cards.length === 0 ? 'empty' : 'ready', cards, ...cursorState(nextCursor) })
        for (const card of cards) if (card.state === 'approved') this.watch(card.orderId, WATCH_TIMES)
      },
      (err) => this.setData(toOwnerErrorView(err)),
    )
  },

  loadMore() {
    return loadNextPage(
      this,
      (cursor) => listAdminOrders(TAB_STATUS[this.data.tab], cursor, PAGE_SIZE),
      (page) => this.setData({ cards: [...this.data.cards, ...this.cardsOf(page.orders)], ...cursorState(page.nextCursor), loadingMore: false }),
    )
  },

  /** Re-reads an approved refund until WeChat Pay's notification has settled it (or `left` reads are used up). */
  watch(orderId, left) {
    const watches = this.watches
    if (!watches || watches[orderId] !== undefined || left <= 0) return
    watches[orderId] = setTimeout(async () => {
      delete watches[orderId]
      try {
        const order = await adminOrderDetail(orderId)
        this.setData({ cards: replaceCard(this.data.cards, order) })
        if (order.refunds[order.refunds.length - 1]?.state === 'approved') this.watch(orderId, left - 1)
      } catch {
        this.watch(orderId, left - 1)
      }
    }, WATCH_INTERVAL_MS) as unknown as number
  },

  onTab(e) {
    const key = e.currentTarget.dataset.key
    if (!key || key === this.data.tab) return Promise.resolve()
    this.setData({ tab: key })
    return this.loadFirst()
  },

  onRestockChange(e) {
    const id = e.currentTarget.dataset.id
    this.setData({ cards: this.data.cards.map((c) => (c.orderId === id ? { ...c, restock: e.detail.value } : c)) })
  },

  async onApprove(e) {
    const card = this.data.cards.find((c) => c.orderId === e.currentTarget.dataset.id)
    if (!card || !card.canDecide || this.data.deciding) return
    if (!(await confirmModal('同意退款', approvalQuestion(card)))) return
    this.setData({ deciding: card.orderId })
    wx.showLoading({ title: '提交中', mask: true })
    try {
      const { order, submitted } = await approveRefund(card.orderId, card.restock)
      wx.hideLoading()
      this.setData({ cards: replaceCard(this.data.cards, order) })
      wx.showToast({ title: submitted ? '已提交退款' : '已同意，稍后自动提交退款', icon: submitted ? 'success' : 'none' })
      this.watch(order._id, WATCH_TIMES)
    } catch (err) {
      wx.hideLoading()
      toastError(err)
      await this.loadFirst() // someone else may have decided it
    } finally {
      this.setData({ deciding: '' })
    }
  },

  onOpenReject(e) {
    const id = e.currentTarget.dataset.id
    if (id && !this.data.deciding) this.setData({ reject: { orderId: id, reason: '' } })
  },

  onRejectInput(e) {
    if (this.data.reject) this.setData({ 'reject.reason': e.detail.value })
  },

  onCancelReject() {
    if (!this.data.deciding) this.setData({ reject: null })
  },

  onStay() {},

  async onConfirmReject() {
    const sheet = this.data.reject
    if (!sheet || this.data.deciding) return
    const reason = cleanRejectReason(sheet.reason)
    if (reason === null) {
      wx.showToast({ title: '请填写拒绝原因（200 字以内）', icon: 'none', duration: 2500 })
      return
    }
    this.setData({ deciding: sheet.orderId })
    wx.showLoading({ title: '提交中', mask: true })
    try {
      await rejectRefund(sheet.orderId, reason)
      wx.hideLoading()
      this.setData({ reject: null })
      wx.showToast({ title: '已拒绝退款', icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ deciding: '' })
    }
    await this.loadFirst()
  },
})
