import type { TestCloud } from '../helpers/local-cloud'
import type { ApiResult } from '../../typings/api'
import type { CustomerSortKey } from '../../typings/customers'

/** Calls a `customers` action as `openid` (none: an identityless call). */
export function customersAs(t: TestCloud, openid?: string) {
  return <T = any>(action: string, data: unknown = {}) => t.invoke('customers', { action, data }, openid ? { openid } : {}) as Promise<ApiResult<T>>
}

/** Walks every page of `list` with `request`, returning the customer ids in page order and the page sizes. */
export async function walk(t: TestCloud, openid: string, request: Record<string, unknown>): Promise<{ ids: string[]; pages: number[] }> {
  const ids: string[] = []
  const pages: number[] = []
  let cursor: string | undefined
  for (let guard = 0; guard < 100; guard++) {
    const res = await customersAs(t, openid)<any>('list', cursor ? { ...request, cursor } : request)
    if (!res.ok) throw new Error(`list failed: ${res.code} ${res.message}`)
    ids.push(...res.data.customers.map((c: { customerId: string }) => c.customerId))
    pages.push(res.data.customers.length)
    if (!res.data.nextCursor) return { ids, pages }
    cursor = res.data.nextCursor
  }
  throw new Error('the cursor never ended')
}

/** A generated customer bound to `sellerId` with chosen sort keys (undefined: never bought, no key). */
export interface GeneratedCustomer {
  _id: string
  nickname: string
  sellerId: string
  clvFen?: number
  lastPurchaseDay?: string
  spendFen?: number
  segment?: 'loyal' | 'promising' | 'at_risk'
}

export function customerDoc(c: GeneratedCustomer): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: c._id, nickname: c.nickname, sellerId: c.sellerId, boundAt: new Date('2026-10-01T00:00:00Z'), createdAt: new Date('2026-10-01T00:00:00Z') }
  if (c.lastPurchaseDay) {
    doc.stats = { customerId: c._id, firstPurchaseDay: '2026-09-01', lastPurchaseDay: c.lastPurchaseDay, repeatPurchaseDays: 1, firstDaySpendFen: 1000, repeatSpendFen: 1000 }
  }
  if (c.clvFen !== undefined || c.segment) {
    doc.score = { customerId: c._id, scoredAt: '2026-11-01', source: 'prior', model: 'pnbd', pAlive: 0.8, expectedPurchases: 1.2, expectedSpendFen: 1500, clvFen: c.clvFen ?? null, segment: c.segment ?? 'promising', segmentLabel: '', horizonWeeks: 52 }
  }
  if (c.spendFen !== undefined) {
    doc.spendFen = c.spendFen
    doc.paidOrders = 2
  }
  return doc
}

const FIELD: Record<CustomerSortKey, keyof GeneratedCustomer> = { clv: 'clvFen', recency: 'lastPurchaseDay', spend: 'spendFen' }

/** The order the list promises: the key descending, customers without it last, ties by id ascending. */
export function expectedOrder(customers: GeneratedCustomer[], sort: CustomerSortKey): string[] {
  const key = FIELD[sort]
  return [...customers]
    .sort((a, b) => {
      const ka = a[key]
      const kb = b[key]
      if (ka !== kb) {
        if (ka === undefined) return 1
        if (kb === undefined) return -1
        return ka < kb ? 1 : -1
      }
      return a._id < b._id ? -1 : 1
    })
    .map((c) => c._id)
}
