import { listWithdrawals, markWithdrawalPaid, rejectWithdrawal } from '../../services/commissions'
import { listSellers } from '../../services/referral'
import { isApiError } from '../../services/transport'
import type { WithdrawalStatus, WithdrawalView } from '../../../typings/commissions'
import { errorMessage, toastError } from '../../utils/errors'
import { PAGING_RESET, cursorState, loadFirstPage, loadNextPage, pagedListHandlers } from '../../utils/paged-list'
import { STATUS_TABS, appendCards, cleanNote, sellerNames, toWithdrawalCard, type WithdrawalCard } from './withdrawals-view'

const PAGE_SIZE = 20

type Dataset<T> = { currentTarget: { dataset: T } }

interface WithdrawalsData {
  tab: WithdrawalStatus
  tabs: typeof STATUS_TABS
  status: 'loading' | 'ready' | 'empty' | 'error'
  errorMessage: string
  cards: WithdrawalCard[]
  nextCursor: string | null
  loadingMore: boolean
  finished: boolean
  moreError: string
  /** The request being decided (its buttons are disabled). */
  busyId: string
}

interface WithdrawalsMethods {
  generation: number
  names: Record<string, string> | null
  sellerNamesOnce(): Promise<Record<string, string>>
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  onTab(e: Dataset<{ status: WithdrawalStatus }>): Promise<void>
  onRetry(): Promise<void>
  onRetryMore(): Promise<void>
  onMarkPaid(e: Dataset<{ id: string }>): Promise<void>
  onReject(e: Dataset<{ id: string }>): Promise<void>
  decide(withdrawalId: string, decision: () => Promise<WithdrawalView>, done: string): Promise<void>
}

/** A confirm modal with a one-line text box (`editable`); resolves with the text, or null when cancelled. */
function askNote(title: string, placeholderText: string, confirmText: string): Promise<string | null> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      editable: true,
      placeholderText,
      confirmText,
      success: (res) => resolve(res.confirm ? (res.content ?? '') : null),
      fail: () => resolve(null),
    })
  })
}

Page<WithdrawalsData, WithdrawalsMethods>({
  data: {
    tab: 'requested',
    tabs: STATUS_TABS,
    status: 'loading',
    errorMessage: '',
    cards: [],
    ...PAGING_RESET,
    busyId: '',
  },

  generation: 0,
  names: null,

  onLoad() {
    return this.loadFirst()
  },

  ...pagedListHandlers,

  /** Pull-down also reads the sellers' names again. */
  onPullDownRefresh() {
    this.names = null
    return pagedListHandlers.onPullDownRefresh.call(this)
  },

  async sellerNamesOnce() {
    if (!this.names) this.names = sellerNames(await listSellers())
    return this.names
  },

  loadFirst() {
    this.setData({ status: 'loading', errorMessage: '', cards: [], ...PAGING_RESET })
    return loadFirstPage(
      this,
      () => Promise.all([this.sellerNamesOnce(), listWithdrawals({ status: this.data.tab, pageSize: PAGE_SIZE })]),
      ([names, page]) =>
        this.setData({
          status: page.withdrawals.length === 0 ? 'empty' : 'ready',
          cards: page.withdrawals.map((w) => toWithdrawalCard(w, names)),
          ...cursorState(page.nextCursor),
        }),
      (err) => this.setData({ status: 'error', errorMessage: errorMessage(err) }),
    )
  },

  loadMore() {
    const tab = this.data.tab
    return loadNextPage(
      this,
      (cursor) => Promise.all([this.sellerNamesOnce(), listWithdrawals({ status: tab, pageSize: PAGE_SIZE, cursor })]),
      ([names, page]) => this.setData({ cards: appendCards(this.data.cards, page.withdrawals, names), ...cursorState(page.nextCursor), loadingMore: false }),
    )
  },

  onTab(e) {
    const status = e.currentTarget.dataset.status
    if (status === this.data.tab) return Promise.resolve()
    this.setData({ tab: status })
    return this.loadFirst()
  },

  async onMarkPaid(e) {
    const id = e.currentTarget.dataset.id
    const card = this.data.cards.find((c) => c.withdrawalId === id)
    if (!card || this.data.busyId) return
    const note = await askNote(`确认已打款 ${card.amountText} 给 ${card.sellerName}？`, '转账单号（选填）', '已打款')
    if (note === null) return
    const reference = cleanNote(note)
    await this.decide(id, () => markWithdrawalPaid(id, reference), '已标记打款')
  },

  async onReject(e) {
    const id = e.currentTarget.dataset.id
    const card = this.data.cards.find((c) => c.withdrawalId === id)
    if (!card || this.data.busyId) return
    const note = await askNote(`驳回 ${card.sellerName} 的 ${card.amountText} 提现？金额会退回其余额`, '驳回原因（选填，推广员可见）', '驳回')
    if (note === null) return
    const reason = cleanNote(note)
    await this.decide(id, () => rejectWithdrawal(id, reason), '已驳回')
  },

  /** Runs one decision; the decided request leaves the 待打款 list (or shows its new state elsewhere). */
  async decide(withdrawalId, decision, done) {
    this.setData({ busyId: withdrawalId })
    wx.showLoading({ title: '提交中', mask: true })
    try {
      const decided = await decision()
      const names = this.names ?? {}
      const cards = this.data.cards.flatMap((c) => (c.withdrawalId !== withdrawalId ? [c] : decided.status === this.data.tab ? [toWithdrawalCard(decided, names)] : []))
      this.setData({ cards, status: cards.length === 0 ? 'empty' : 'ready' })
      wx.hideLoading()
      wx.showToast({ title: done, icon: 'success' })
    } catch (err) {
      wx.hideLoading()
      toastError(err)
      // decided meanwhile (another owner, another device): show the list as it is now
      if (isApiError(err) && (err.code === 'INVALID_TRANSITION' || err.code === 'NOT_FOUND')) await this.loadFirst()
    } finally {
      this.setData({ busyId: '' })
    }
  },
})
