/**
 * The customers list page (My customers for a seller, every customer for an owner): sort tabs,
 * segment chips, nickname search and infinite scroll over the API's cursor. A response that
 * arrives after the person changed the filter is dropped.
 */
import type { CustomerSortKey, ListCustomersRequest } from '../../typings/customers'
import type { SegmentCode } from '../../typings/value'
import { listCustomers } from '../services/customers'
import { loadFirstPage, loadNextPage, pagedListHandlers } from '../utils/paged-list'
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

    ...pagedListHandlers,

    request(cursor) {
      const request: ListCustomersRequest = { sort: this.data.sort, pageSize: PAGE_SIZE }
      if (this.data.segment) request.segment = this.data.segment
      if (this.data.nickname) request.nickname = this.data.nickname
      if (cursor) request.cursor = cursor
      return request
    },

    loadFirst() {
      this.setData({ ...LOADING_LIST, emptyText: this.data.nickname || this.data.segment ? '没有符合条件的客户' : this.data.emptyText })
      return loadFirstPage(
        this,
        () => listCustomers(this.request()),
        ({ customers, nextCursor }) => this.setData(toListView(customers, nextCursor)),
        (err) => this.setData(toListErrorView(err)),
      )
    },

    loadMore() {
      return loadNextPage(
        this,
        (cursor) => listCustomers(this.request(cursor)),
        (page) => this.setData(appendPage(this.data, page.customers, page.nextCursor)),
      )
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

    onOpen(e) {
      wx.navigateTo({ url: `${detailPage}?customerId=${encodeURIComponent(e.currentTarget.dataset.id)}` })
    },
  }
}
