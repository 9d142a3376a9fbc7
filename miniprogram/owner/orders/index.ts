import { listAdminOrders, shipOrder } from '../../services/admin-orders'
import type { OrderStatus } from '../../../typings/orders'
import { toastError } from '../../utils/errors'
import { cursorState, loadFirstPage, loadNextPage, pagedListHandlers } from '../../utils/paged-list'
import { LIST_LOADING, toOwnerErrorView, type ListStatus } from '../owner-view'
import { CARRIERS, ORDER_TABS, toOrderCard, toShipment, type OrderCard, type ShipSheet } from './orders-view'

const PAGE_SIZE = 20

interface OrdersData {
  tabs: typeof ORDER_TABS
  tab: OrderStatus
  status: ListStatus
  errorMessage: string
  cards: OrderCard[]
  nextCursor: string | null
  loadingMore: boolean
  moreError: string
  finished: boolean
  carrierNames: string[]
  /** The ship sheet (null: closed). */
  ship: ShipSheet | null
  shipping: boolean
}

type Tap = WechatMiniprogram.TouchEvent<Record<string, never>, Record<string, never>, { status?: OrderStatus; id?: string }>

interface OrdersMethods {
  generation: number
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  onTab(e: Tap): Promise<void>
  onRetry(): Promise<void>
  onRetryMore(): Promise<void>
  onOpenShip(e: Tap): void
  onCarrierChange(e: { detail: { value: string | number } }): void
  onTrackingInput(e: { detail: { value: string } }): void
  onScan(): void
  onCancelShip(): void
  onStay(): void
  onConfirmShip(): Promise<void>
}

const LIST_RESET = { ...LIST_LOADING, cards: [] }

Page<OrdersData, OrdersMethods>({
  data: {
    tabs: ORDER_TABS,
    tab: 'paid',
    ...LIST_RESET,
    carrierNames: CARRIERS.map((c) => c.name),
    ship: null,
    shipping: false,
  },
  generation: 0,

  onLoad(query: Record<string, string | undefined>) {
    const tab = ORDER_TABS.find((t) => t.status === query.status)
    if (tab) this.setData({ tab: tab.status })
    return this.loadFirst()
  },

  ...pagedListHandlers,

  loadFirst() {
    this.setData({ ...LIST_RESET })
    return loadFirstPage(
      this,
      () => listAdminOrders(this.data.tab, undefined, PAGE_SIZE),
      ({ orders, nextCursor }) => {
        const cards = orders.map(toOrderCard)
        this.setData({ status: cards.length === 0 ? 'empty' : 'ready', cards, ...cursorState(nextCursor) })
      },
      (err) => this.setData(toOwnerErrorView(err)),
    )
  },

  loadMore() {
    return loadNextPage(
      this,
      (cursor) => listAdminOrders(this.data.tab, cursor, PAGE_SIZE),
      (page) => this.setData({ cards: [...this.data.cards, ...page.orders.map(toOrderCard)], ...cursorState(page.nextCursor), loadingMore: false }),
    )
  },

  onTab(e) {
    const status = e.currentTarget.dataset.status
    if (!status || status === this.data.tab) return Promise.resolve()
    this.setData({ tab: status })
    return this.loadFirst()
  },

  onOpenShip(e) {
    const id = e.currentTarget.dataset.id
    if (id) this.setData({ ship: { orderId: id, carrierIndex: -1, trackingNo: '' } })
  },

  onCarrierChange(e) {
    if (this.data.ship) this.setData({ 'ship.carrierIndex': Number(e.detail.value) })
  },

  onTrackingInput(e) {
    if (this.data.ship) this.setData({ 'ship.trackingNo': e.detail.value })
  },

  onScan() {
    if (!this.data.ship) return
    wx.scanCode({
      scanType: ['barCode', 'qrCode'],
      success: (res) => {
        if (this.data.ship) this.setData({ 'ship.trackingNo': res.result.trim() })
      },
      fail: () => undefined, // cancelled: type it instead
    })
  },

  onCancelShip() {
    if (!this.data.shipping) this.setData({ ship: null })
  },

  onStay() {},

  async onConfirmShip() {
    const sheet = this.data.ship
    if (!sheet || this.data.shipping) return
    const shipment = toShipment(sheet)
    if (!shipment.ok) {
      wx.showToast({ title: shipment.message, icon: 'none', duration: 2500 })
      return
    }
    this.setData({ shipping: true })
    wx.showLoading({ title: '提交中', mask: true })
    try {
      const order = await shipOrder(sheet.orderId, shipment.carrier, shipment.trackingNo)
      wx.hideLoading()
      // shipped orders leave the 待发货 list; elsewhere the card shows the shipment
      const cards = this.data.tab === 'paid' ? this.data.cards.filter((c) => c.id !== order._id) : this.data.cards.map((c) => (c.id === order._id ? toOrderCard(order) : c))
      this.setData({ ship: null, cards, status: cards.length === 0 ? 'empty' : 'ready' })
      wx.showToast({ title: '已发货', icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
    } finally {
      this.setData({ shipping: false })
    }
  },
})
