/**
 * Cursor-paged lists with infinite scroll, as every list page runs them: a first page replaces the
 * list (an answer for a list asked earlier, before a tab, filter or search change, is dropped);
 * next pages are appended from the footer, and a failed one keeps the cards and is retried from
 * the footer; pull-down reads the list again from the first page.
 */
import { errorMessage } from './errors'

/** The paging fields of a list page's data. */
export interface PagedListState {
  status: string
  nextCursor: string | null
  loadingMore: boolean
  finished: boolean
  moreError: string
}

/** The paging fields of a list about to read its first page. */
export const PAGING_RESET: Omit<PagedListState, 'status'> = { nextCursor: null, loadingMore: false, finished: false, moreError: '' }

/** Where the list stands after a page: more to read while the API handed back a cursor. */
export function cursorState(nextCursor: string | null): Pick<PagedListState, 'nextCursor' | 'finished'> {
  return { nextCursor, finished: nextCursor === null }
}

/** Whether the next page may be asked for: the list is shown, no page is on its way, the API gave a cursor, and no failed page waits for its retry. */
export function canLoadMore(state: PagedListState): state is PagedListState & { nextCursor: string } {
  return state.status === 'ready' && !state.loadingMore && !state.finished && !!state.nextCursor && !state.moreError
}

/** A next page that failed: the cards stay, the footer says why and offers 重试. */
export function moreFailed(err: unknown): Pick<PagedListState, 'loadingMore' | 'moreError'> {
  return { loadingMore: false, moreError: errorMessage(err) }
}

/** A page whose loads are counted: every first-page load bumps `generation`, so only the latest list's answers are shown. */
export interface Generational {
  generation: number
}

/** Runs `fetch` for the load numbered `generation`; its answer (`show`) or failure (`fail`) is delivered only while no later first-page load has started. */
export async function whileCurrent<T>(page: Generational, generation: number, fetch: () => Promise<T>, show: (result: T) => void, fail: (err: unknown) => void): Promise<void> {
  try {
    const result = await fetch()
    if (generation !== page.generation) return
    show(result)
  } catch (err) {
    if (generation === page.generation) fail(err)
  }
}

/** Starts a new first-page load: any answer still on its way for an earlier one will be dropped. */
export function loadFirstPage<T>(page: Generational, fetch: () => Promise<T>, show: (result: T) => void, fail: (err: unknown) => void): Promise<void> {
  return whileCurrent(page, ++page.generation, fetch, show, fail)
}

export interface PagedListPage extends Generational {
  data: PagedListState
  setData(patch: Partial<PagedListState>): void
}

/** Reads the next page at the list's cursor when `canLoadMore`, and hands it to `append` unless the list was reloaded meanwhile; a failure shows in the footer (`moreFailed`). */
export async function loadNextPage<T>(page: PagedListPage, fetch: (cursor: string) => Promise<T>, append: (result: T) => void): Promise<void> {
  const state = page.data
  if (!canLoadMore(state)) return
  const cursor = state.nextCursor
  page.setData({ loadingMore: true })
  await whileCurrent(page, page.generation, () => fetch(cursor), append, (err) => page.setData(moreFailed(err)))
}

interface PagedListHandlersThis {
  loadFirst(): Promise<void>
  loadMore(): Promise<void>
  setData(patch: Pick<PagedListState, 'moreError'>): void
}

/** A list page's standard handlers (spread into its Page options): pull-down and 重试 read the first page again, the bottom reads the next page, the footer's 重试 asks for the failed page again. */
export const pagedListHandlers = {
  async onPullDownRefresh(this: PagedListHandlersThis): Promise<void> {
    await this.loadFirst()
    wx.stopPullDownRefresh()
  },

  onReachBottom(this: PagedListHandlersThis): Promise<void> {
    return this.loadMore()
  },

  onRetry(this: PagedListHandlersThis): Promise<void> {
    return this.loadFirst()
  },

  onRetryMore(this: PagedListHandlersThis): Promise<void> {
    this.setData({ moreError: '' })
    return this.loadMore()
  },
}
