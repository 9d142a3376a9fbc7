/**
 * The customers list page (My customers for a seller, every customer for an owner): sort tabs,
 * segment chips, nickname search and infinite scroll over the API's cursor. A response that
 * arrives after the person changed the filter is dropped.
 */
import type { CustomerSortKey, ListCustomersRequest } from '../../typings/customers'
import type { SegmentCode } from '../../typings/value'
import { listCustomers } from '../services/customers'
import { errorMessage } from '../utils/errors'
import { LOADING_LIST, SEGMENT_CHIPS, SORT_TABS, appendPage, toListErrorView, toListView, type CustomerListView } from './customer-view'

export const PAGE_SIZE = 20

export interface CustomerListData extends CustomerListView {
  sort: CustomerSortKey
  segment: SegmentCode | ''
  searchDraft: string
  nickname: string
  sortTabs: typeof SORT_TABS
  segmentChips: typeof SEGMENT_CHIPS
  emptyText: string
}

interface Dataset<T> {
  currentTarget: { dataset: T }
}

export interface CustomerListMethods {
  generation: number
  request(cursor?: string): ListCustomersRequest
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  onSort(e: Dataset<{ key: CustomerSortKey }>): Promise<void>
  onSegment(e: Dataset<{ code: SegmentCode | '' }>): Promise<void>
  onSearchInput(e: WechatMiniprogram.Input): void
  onSearch(): Promise<void>
  onClearSearch(): Promise<void>
  onRetry(): Promise<void>
  onRetryMore(): Promise<void>
  onOpen(e: Dataset<{ id: string }>): void
}

/** Page options for a customers list whose rows open `detailPage?customerId=`. */
export function customerListPage(detailPage: string): WechatMiniprogram.Page.Options<CustomerListData, CustomerListMethods> {
  return {
    data: {
      ...LOADING_LIST,
      sort: 'clv',
      segment: '',
      searchDraft: '',
      nickname: '',
      sortTabs: SORT_TABS,
      segmentChips: SEGMENT_CHIPS,
      emptyText: '还没有客户。把店铺分享给朋友，他们打开后就会出现在这里。',
    },

    generation: 0,

    onLoad() {
      return this.loadFirst()
    },

    async onPullDownRefresh() {
      await this.loadFirst()
      wx.stopPullDownRefresh()
    },

    onReachBottom() {
      return this.loadMore()
    },

    request(cursor) {
      const request: ListCustomersRequest = { sort: this.data.sort, pageSize: PAGE_SIZE }
      if (this.data.segment) request.segment = this.data.segment
      if (this.data.nickname) request.nickname = this.data.nickname
      if (cursor) request.cursor = cursor
      return request
    },

    async loadFirst() {
      const generation = ++this.generation
      this.setData({ ...LOADING_LIST, emptyText: this.data.nickname || this.data.segment ? '没有符合条件的客户' : this.data.emptyText })
      let view: CustomerListView
      try {
        const { customers, nextCursor } = await listCustomers(this.request())
        view = toListView(customers, nextCursor)
      } catch (err) {
        view = toListErrorView(err)
      }
      if (generation === this.generation) this.setData(view)
    },

    async loadMore() {
      const { status, loadingMore, finished, nextCursor, moreError } = this.data
      if (status !== 'ready' || loadingMore || finished || !nextCursor || moreError) return
      const generation = this.generation
      this.setData({ loadingMore: true })
      try {
        const page = await listCustomers(this.request(nextCursor))
        if (generation === this.generation) this.setData(appendPage(this.data, page.customers, page.nextCursor))
      } catch (err) {
        if (generation === this.generation) this.setData({ loadingMore: false, moreError: errorMessage(err) })
      }
    },

    onSort(e) {
      const key = e.currentTarget.dataset.key
      if (key === this.data.sort) return Promise.resolve()
      this.setData({ sort: key })
      return this.loadFirst()
    },

    onSegment(e) {
      const code = e.currentTarget.dataset.code
      if (code === this.data.segment) return Promise.resolve()
      this.setData({ segment: code })
      return this.loadFirst()
    },

    onSearchInput(e) {
      this.setData({ searchDraft: e.detail.value })
    },

    onSearch() {
      const nickname = this.data.searchDraft.trim().slice(0, 32)
      if (nickname === this.data.nickname) return Promise.resolve()
      this.setData({ nickname })
      return this.loadFirst()
    },

    onClearSearch() {
      this.setData({ searchDraft: '' })
      return this.onSearch()
    },

    onRetry() {
      return this.loadFirst()
    },

    onRetryMore() {
      this.setData({ moreError: '' })
      return this.loadMore()
    },

    onOpen(e) {
      wx.navigateTo({ url: `${detailPage}?customerId=${encodeURIComponent(e.currentTarget.dataset.id)}` })
    },
  }
}
