/** The cursor-paged list every list page runs: when a next page may be asked for, and which answers are shown after the list was asked again. */
import './helpers/wx-harness'
import { PAGING_RESET, canLoadMore, cursorState, loadFirstPage, loadNextPage, moreFailed, pagedListHandlers, whileCurrent, type PagedListState } from '../../miniprogram/utils/paged-list'
import { ApiError } from '../../miniprogram/services/transport'
import { errorMessage } from '../../miniprogram/utils/errors'

/** A promise settled from the test, so answers can arrive in any order. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(err: unknown): void } {
  let resolve!: (value: T) => void
  let reject!: (err: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

interface Page {
  rows: string[]
}

/** A list page's state and setData, as a plain object. */
function makePage(state: Partial<PagedListState & Page> = {}) {
  const page = {
    generation: 0,
    data: { status: 'ready', ...PAGING_RESET, nextCursor: 'c1', rows: ['a'], ...state } as PagedListState & Page,
    setData(patch: Partial<PagedListState & Page>) {
      page.data = { ...page.data, ...patch }
    },
  }
  return page
}

describe('canLoadMore: the next page is asked for only from a shown list with a cursor', () => {
  const ready: PagedListState = { status: 'ready', ...PAGING_RESET, nextCursor: 'c1' }

  test('a shown list with a cursor and nothing on its way may read on', () => {
    expect(canLoadMore(ready)).toBe(true)
  })

  test.each([
    ['the first page is loading', { status: 'loading' }],
    ['the first page failed', { status: 'error' }],
    ['the list is empty', { status: 'empty' }],
    ['a page is already on its way', { loadingMore: true }],
    ['the last page was read', { finished: true }],
    ['there is no cursor', { nextCursor: null }],
    ['a failed page waits for its retry', { moreError: '网络开小差了，请稍后重试' }],
  ])('not when %s', (_, patch) => {
    expect(canLoadMore({ ...ready, ...patch })).toBe(false)
  })
})

test('cursorState: the list is finished exactly when the API hands back no cursor', () => {
  expect(cursorState('c2')).toEqual({ nextCursor: 'c2', finished: false })
  expect(cursorState(null)).toEqual({ nextCursor: null, finished: true })
})

test('moreFailed: the footer stops spinning and says why in Chinese, a typed code by its message', () => {
  expect(moreFailed(new ApiError('FORBIDDEN', 'no'))).toEqual({ loadingMore: false, moreError: errorMessage(new ApiError('FORBIDDEN', 'no')) })
  expect(moreFailed(new Error('socket hang up'))).toEqual({ loadingMore: false, moreError: '网络开小差了，请稍后重试' })
})

describe('loadFirstPage: only the latest list is shown', () => {
  test('an answer for a list asked before the latest one is dropped, whichever arrives first', async () => {
    const page = makePage()
    const shown: string[] = []
    const first = deferred<string>()
    const second = deferred<string>()
    const one = loadFirstPage(page, () => first.promise, (r) => shown.push(r), () => shown.push('failed'))
    const two = loadFirstPage(page, () => second.promise, (r) => shown.push(r), () => shown.push('failed'))
    second.resolve('second tab')
    await two
    first.resolve('first tab')
    await one
    expect(shown).toEqual(['second tab'])
    expect(page.generation).toBe(2)
  })

  test('a failure of an earlier list is dropped too; the latest failure is shown', async () => {
    const page = makePage()
    const outcomes: string[] = []
    const first = deferred<string>()
    const one = loadFirstPage(page, () => first.promise, (r) => outcomes.push(r), () => outcomes.push('first failed'))
    const two = loadFirstPage(page, () => Promise.reject(new Error('down')), (r) => outcomes.push(r), (err) => outcomes.push(`latest failed: ${(err as Error).message}`))
    await two
    first.reject(new Error('late'))
    await one
    expect(outcomes).toEqual(['latest failed: down'])
  })

  test('whileCurrent delivers a next page only while no first-page load started since', async () => {
    const page = makePage()
    const shown: string[] = []
    const next = deferred<string>()
    const more = whileCurrent(page, page.generation, () => next.promise, (r) => shown.push(r), () => shown.push('failed'))
    await loadFirstPage(page, () => Promise.resolve('reloaded'), (r) => shown.push(r), () => shown.push('failed'))
    next.resolve('page 2 of the old list')
    await more
    expect(shown).toEqual(['reloaded'])
  })
})

describe('loadNextPage: appends at the cursor, keeps the cards on failure', () => {
  test('reads at the list cursor, marks the footer busy meanwhile, and appends', async () => {
    const page = makePage({ nextCursor: 'c1' })
    const answer = deferred<{ rows: string[]; nextCursor: string | null }>()
    const asked: string[] = []
    const loading = loadNextPage(
      page,
      (cursor) => {
        asked.push(cursor)
        return answer.promise
      },
      (p) => page.setData({ rows: [...page.data.rows, ...p.rows], ...cursorState(p.nextCursor), loadingMore: false }),
    )
    expect(page.data.loadingMore).toBe(true)
    // a second bottom reached while the page is on its way asks nothing
    await loadNextPage(page, (cursor) => Promise.resolve(asked.push(cursor)), () => undefined)
    answer.resolve({ rows: ['b'], nextCursor: null })
    await loading
    expect(asked).toEqual(['c1'])
    expect(page.data).toMatchObject({ rows: ['a', 'b'], loadingMore: false, finished: true, nextCursor: null })
  })

  test('a failed page keeps the cards and the cursor, shows why, and is not asked again until retried', async () => {
    const page = makePage({ nextCursor: 'c1' })
    let calls = 0
    const fetch = (cursor: string) => {
      calls += 1
      return calls === 1 ? Promise.reject(new Error('down')) : Promise.resolve({ rows: [`after ${cursor}`], nextCursor: 'c2' })
    }
    const append = (p: { rows: string[]; nextCursor: string | null }) => page.setData({ rows: [...page.data.rows, ...p.rows], ...cursorState(p.nextCursor), loadingMore: false })
    await loadNextPage(page, fetch, append)
    expect(page.data).toMatchObject({ rows: ['a'], nextCursor: 'c1', loadingMore: false, moreError: '网络开小差了，请稍后重试' })
    await loadNextPage(page, fetch, append) // the bottom again: the footer's 重试 is the way
    expect(calls).toBe(1)
    const host = Object.assign(page, { loadFirst: () => Promise.resolve(), loadMore: () => loadNextPage(page, fetch, append) })
    await pagedListHandlers.onRetryMore.call(host)
    expect(calls).toBe(2)
    expect(page.data).toMatchObject({ rows: ['a', 'after c1'], nextCursor: 'c2', moreError: '' })
  })

  test('a page answered after the list was asked again is dropped, and so is its failure', async () => {
    const page = makePage({ nextCursor: 'c1' })
    const late = deferred<string[]>()
    const failing = deferred<string[]>()
    const appended: string[][] = []
    const one = loadNextPage(page, () => late.promise, (rows) => appended.push(rows))
    await loadFirstPage(page, () => Promise.resolve(), () => page.setData({ rows: [], ...PAGING_RESET, nextCursor: 'n1' }), () => undefined)
    const two = loadNextPage(page, () => failing.promise, (rows) => appended.push(rows))
    await loadFirstPage(page, () => Promise.resolve(), () => page.setData({ rows: ['fresh'], ...PAGING_RESET, nextCursor: 'n2' }), () => undefined)
    late.resolve(['stale'])
    failing.reject(new Error('late failure'))
    await Promise.all([one, two])
    expect(appended).toEqual([])
    expect(page.data).toMatchObject({ rows: ['fresh'], moreError: '', nextCursor: 'n2', loadingMore: false })
  })
})

describe('pagedListHandlers', () => {
  function host() {
    const calls: string[] = []
    return {
      calls,
      data: { moreError: 'x' },
      loadFirst: () => Promise.resolve(void calls.push('first')),
      loadMore: () => Promise.resolve(void calls.push('more')),
      setData(patch: { moreError: string }) {
        calls.push(`setData moreError=${JSON.stringify(patch.moreError)}`)
      },
    }
  }

  test('pull-down reads the first page again, then stops the refresh indicator', async () => {
    const h = host()
    const stop = jest.spyOn(wx, 'stopPullDownRefresh').mockImplementation(() => void h.calls.push('stop'))
    await pagedListHandlers.onPullDownRefresh.call(h)
    expect(h.calls).toEqual(['first', 'stop'])
    stop.mockRestore()
  })

  test('the bottom reads on, 重试 reads the first page, the footer 重试 clears the failure first', async () => {
    const h = host()
    await pagedListHandlers.onReachBottom.call(h)
    await pagedListHandlers.onRetry.call(h)
    await pagedListHandlers.onRetryMore.call(h)
    expect(h.calls).toEqual(['more', 'first', 'setData moreError=""', 'more'])
  })
})
