import { newRequestId } from '../../utils/request-id'
import { getCommissionSummary, listCommissionEntries, listWithdrawals, requestWithdrawal } from '../../services/commissions'
import { isApiError } from '../../services/transport'
import { toastError } from '../../utils/errors'
import { PAGING_RESET, cursorState, loadFirstPage, loadNextPage, pagedListHandlers } from '../../utils/paged-list'
import {
  amountDraftOf,
  appendEntries,
  parseWithdrawalAmount,
  toEntryRow,
  toLoadFailure,
  toSummaryView,
  toWithdrawalRow,
  type CommissionsStatus,
  type EntryRow,
  type SummaryView,
  type WithdrawalRow,
} from './commissions-view'

export const ENTRIES_PAGE_SIZE = 20
const WITHDRAWALS_SHOWN = 20

interface CommissionsData {
  status: CommissionsStatus
  errorMessage: string
  summary: SummaryView | null
  entries: EntryRow[]
  nextCursor: string | null
  loadingMore: boolean
  finished: boolean
  moreError: string
  withdrawals: WithdrawalRow[]
  amountDraft: string
  amountError: string
  submitting: boolean
}

interface CommissionsMethods {
  generation: number
  /** The request being filed: its id is reused while the same amount is retried, so a double tap or a retry files one request. */
  pendingRequest: { requestId: string; amountFen: number } | null
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  refreshAfterRequest(): Promise<void>
  onRetry(): Promise<void>
  onRetryMore(): Promise<void>
  onAmountInput(e: WechatMiniprogram.Input): void
  onWithdrawAll(): void
  onRequest(): Promise<void>
}

const EMPTY: Omit<CommissionsData, 'status' | 'amountDraft'> = {
  errorMessage: '',
  summary: null,
  entries: [],
  ...PAGING_RESET,
  withdrawals: [],
  amountError: '',
  submitting: false,
}

Page<CommissionsData, CommissionsMethods>({
  data: { ...EMPTY, status: 'loading', amountDraft: '' },

  generation: 0,
  pendingRequest: null,

  onLoad() {
    return this.loadFirst()
  },

  ...pagedListHandlers,

  loadFirst() {
    this.setData({ ...EMPTY, status: 'loading' })
    return loadFirstPage(
      this,
      () =>
        Promise.all([
          getCommissionSummary(),
          listCommissionEntries({ pageSize: ENTRIES_PAGE_SIZE }),
          listWithdrawals({ pageSize: WITHDRAWALS_SHOWN }),
        ]),
      ([summary, page, requests]) =>
        this.setData({
          status: 'ready',
          summary: toSummaryView(summary),
          entries: page.entries.map(toEntryRow),
          ...cursorState(page.nextCursor),
          withdrawals: requests.withdrawals.map(toWithdrawalRow),
        }),
      (err) => this.setData({ ...EMPTY, ...toLoadFailure(err) }),
    )
  },

  loadMore() {
    return loadNextPage(
      this,
      (cursor) => listCommissionEntries({ pageSize: ENTRIES_PAGE_SIZE, cursor }),
      (page) => this.setData({ entries: appendEntries(this.data.entries, page.entries), ...cursorState(page.nextCursor), loadingMore: false }),
    )
  },

  onAmountInput(e) {
    this.setData({ amountDraft: e.detail.value, amountError: '' })
  },

  onWithdrawAll() {
    const summary = this.data.summary
    if (summary?.canWithdraw) this.setData({ amountDraft: amountDraftOf(summary.withdrawableFen), amountError: '' })
  },

  async onRequest() {
    const summary = this.data.summary
    if (!summary || this.data.submitting) return
    const checked = parseWithdrawalAmount(this.data.amountDraft, summary.withdrawableFen)
    if (!checked.ok) {
      this.setData({ amountError: checked.message })
      return
    }
    if (this.pendingRequest?.amountFen !== checked.amountFen) this.pendingRequest = { requestId: newRequestId('w'), amountFen: checked.amountFen }
    const { requestId, amountFen } = this.pendingRequest
    this.setData({ submitting: true, amountError: '' })
    wx.showLoading({ title: '提交中', mask: true })
    try {
      const { summary: after } = await requestWithdrawal(requestId, amountFen)
      this.pendingRequest = null
      this.setData({ summary: toSummaryView(after), amountDraft: '' })
      wx.hideLoading()
      wx.showToast({ title: '已申请提现', icon: 'success' })
      await this.refreshAfterRequest()
    } catch (err) {
      wx.hideLoading()
      // a typed refusal ends this request; a call that may not have arrived keeps its id for the retry
      if (isApiError(err) && err.code !== 'INTERNAL') this.pendingRequest = null
      toastError(err)
      if (isApiError(err) && err.code === 'INSUFFICIENT_BALANCE') await this.refreshAfterRequest()
    } finally {
      this.setData({ submitting: false })
    }
  },

  /** The balance and my requests as they are now (entries are unchanged by a request). */
  async refreshAfterRequest() {
    try {
      const [summary, requests] = await Promise.all([getCommissionSummary(), listWithdrawals({ pageSize: WITHDRAWALS_SHOWN })])
      this.setData({ summary: toSummaryView(summary), withdrawals: requests.withdrawals.map(toWithdrawalRow) })
    } catch (err) {
      toastError(err)
    }
  },
})
