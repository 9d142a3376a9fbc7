/**
 * My customers: a seller's customers with their stored value scores, cursor-paginated on the
 * compound indexes of database/collections/customers.json, and one customer's full view.
 */
import { cloudApp, type Caller } from './cloud'
import { DomainError } from './handler'
import { escapeRegExp } from './query'
import { codeOf, sellerById, sellerByOpenid } from './referral'
import { isOwner } from './roles'
import { explainScore } from '../domain/customers'
import { buildValueModel, scoreCustomer, SEGMENT_LABELS, storeDayOf } from '../domain/value'
import type {
  CustomerDetailResponse,
  CustomerOrderRow,
  CustomerRow,
  CustomerSortKey,
  ListCustomersRequest,
  ListCustomersResponse,
  ReferredCustomer,
} from '../typings/customers'
import type { CustomerScore, CustomerStats, ValueModel } from '../typings/value'

/** Whose customers a call may see: one seller's, or (an owner giving no seller) everyone's. */
export interface CustomerScope {
  sellerId?: string
}

interface StoredCustomer {
  _id: string
  nickname?: string
  avatarUrl?: string
  sellerId?: string
  boundAt?: Date | string
  bindingSource?: { code: string; scene: number; groupId?: string }
  stats?: CustomerStats | null
  score?: CustomerScore | null
  paidOrders?: number
  spendFen?: number
  /** Paid orders fully refunded (kept by refunds; absent: none). */
  refundedOrders?: number
  /** Customer referral value, when a rescoring job has stored one. */
  referralValue?: { crvFen?: number } | null
}

/** The stored field each sort key reads; every one has a `sellerId, <field> -1, _id 1` index. */
export const SORT_FIELDS: Readonly<Record<CustomerSortKey, string>> = {
  clv: 'score.clvFen',
  recency: 'stats.lastPurchaseDay',
  spend: 'spendFen',
}

export const MAX_PAGE_SIZE = 50
const DEFAULT_PAGE_SIZE = 20
const DETAIL_ORDERS = 50
const DETAIL_REFERRED = 50

const db = () => cloudApp().database()

/**
 * The caller's view: an active seller sees their own customers (a `sellerId` other than their
 * own is FORBIDDEN); an owner sees any seller's, or everyone's without one; anyone else is FORBIDDEN.
 */
export async function customerScope(caller: Caller, requestedSellerId?: string): Promise<CustomerScope> {
  if (isOwner(caller)) {
    if (requestedSellerId === undefined) return {}
    if (!(await sellerById(requestedSellerId))) throw new DomainError('NOT_FOUND', `no seller ${requestedSellerId}`)
    return { sellerId: requestedSellerId }
  }
  const seller = caller.openid ? await sellerByOpenid(caller.openid) : undefined
  if (!seller || seller.status !== 'active') throw new DomainError('FORBIDDEN', 'only an active seller has customers')
  if (requestedSellerId !== undefined && requestedSellerId !== seller._id) throw new DomainError('FORBIDDEN', 'a seller sees only their own customers')
  return { sellerId: seller._id }
}

/** Where the previous page stopped: the last row's sort key (null once into the customers without one) and id. */
interface Cursor {
  sort: CustomerSortKey
  key: number | string | null
  id: string
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.id])).toString('base64url')
}

function decodeCursor(text: string, sort: CustomerSortKey): Cursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === sort && typeof parsed[2] === 'string' && (parsed[1] === null || typeof parsed[1] === 'string' || (typeof parsed[1] === 'number' && Number.isFinite(parsed[1])))) {
    return { sort, key: parsed[1], id: parsed[2] }
  }
  throw new DomainError('INVALID_INPUT', 'the cursor is not one this list gave for this sort')
}

function valueAt(doc: unknown, path: string): unknown {
  let value: unknown = doc
  for (const part of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined
  return value
}

/** A sort key as MongoDB orders it: missing and null are one (lowest) value. */
function sortKeyOf(doc: StoredCustomer, field: string): number | string | null {
  const value = valueAt(doc, field)
  return typeof value === 'number' || typeof value === 'string' ? value : null
}


function rowOf(doc: StoredCustomer): CustomerRow {
  const score = doc.score ?? null
  const row: CustomerRow = {
    customerId: doc._id,
    paidOrders: doc.paidOrders ?? 0,
    refundedOrders: doc.refundedOrders ?? 0,
    spendFen: doc.spendFen ?? 0,
    pAlive: score?.pAlive ?? null,
    expectedPurchases: score?.expectedPurchases ?? null,
    expectedSpendFen: score?.expectedSpendFen ?? null,
    clvFen: score?.clvFen ?? null,
    referralValueFen: typeof doc.referralValue?.crvFen === 'number' ? doc.referralValue.crvFen : null,
    segment: score?.segment ?? null,
    segmentLabel: score ? SEGMENT_LABELS[score.segment] : null,
    scoredAt: score?.scoredAt ?? null,
  }
  if (doc.nickname !== undefined) row.nickname = doc.nickname
  if (doc.avatarUrl !== undefined) row.avatarUrl = doc.avatarUrl
  if (doc.stats?.lastPurchaseDay) row.lastPurchaseDay = doc.stats.lastPurchaseDay
  if (doc.boundAt) row.boundAt = new Date(doc.boundAt).toISOString()
  return row
}

/**
 * One page of the scope's customers, descending by the sort key, ties by `_id` ascending,
 * customers without the key last. Every query is an equality prefix plus at most one range on
 * an index ending in `<key> -1, _id 1`, so a page reads about a page of index entries however
 * many customers there are. After a cursor (k, id) the rest of the order is, in three index
 * ranges: key == k and _id > id; key < k (same type, as MongoDB brackets ranges); key missing.
 */
export async function listCustomers(scope: CustomerScope, request: ListCustomersRequest): Promise<ListCustomersResponse> {
  const _ = db().command
  const field = SORT_FIELDS[request.sort]
  const pageSize = Math.min(request.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
  const want = pageSize + 1 // one more tells whether there is a next page
  const base: Record<string, unknown> = {}
  if (scope.sellerId !== undefined) base.sellerId = scope.sellerId
  if (request.segment !== undefined) base['score.segment'] = request.segment
  if (request.nickname !== undefined) base.nickname = db().RegExp({ regexp: escapeRegExp(request.nickname), options: 'i' })

  const customers = db().collection('customers')
  const byKey = async (filter: Record<string, unknown>, limit: number) =>
    (await customers.where({ ...base, ...filter }).orderBy(field, 'desc').orderBy('_id', 'asc').limit(limit).get()).data as StoredCustomer[]
  const byId = async (filter: Record<string, unknown>, limit: number) =>
    (await customers.where({ ...base, ...filter }).orderBy('_id', 'asc').limit(limit).get()).data as StoredCustomer[]

  let rows: StoredCustomer[]
  if (request.cursor === undefined) {
    rows = await byKey({}, want)
  } else {
    const cursor = decodeCursor(request.cursor, request.sort)
    if (cursor.key === null) {
      rows = await byId({ [field]: null, _id: _.gt(cursor.id) }, want)
    } else {
      rows = await byId({ [field]: cursor.key, _id: _.gt(cursor.id) }, want)
      if (rows.length < want) rows = rows.concat(await byKey({ [field]: _.lt(cursor.key) }, want - rows.length))
      if (rows.length < want) rows = rows.concat(await byId({ [field]: null }, want - rows.length))
    }
  }
  const page = rows.slice(0, pageSize)
  const last = page[page.length - 1]
  return {
    customers: page.map(rowOf),
    nextCursor: rows.length > pageSize && last ? encodeCursor({ sort: request.sort, key: sortKeyOf(last, field), id: last._id }) : null,
  }
}

/** The store's value model (settings/valueModel, refitted by the owner), or the cold-start model for today. */
async function storeValueModel(today: string): Promise<ValueModel> {
  const { data } = await db().collection('settings').doc('valueModel').get()
  return (data as Array<{ model?: ValueModel }>)[0]?.model ?? buildValueModel([], today)
}

interface StoredOrder {
  _id: string
  status: string
  totalFen: number
  lines?: Array<{ quantity: number }>
  createdAt: Date | string
  paidAt?: Date | string | null
}

/**
 * One customer in the scope (anyone else's is NOT_FOUND, so a seller learns nothing of other
 * sellers' customers): orders credited to the seller, statistics, a score computed now with the
 * store's current model and explained, and the customers bound through their own forwarded code.
 */
export async function customerDetail(scope: CustomerScope, customerId: string): Promise<CustomerDetailResponse> {
  const { data } = await db().collection('customers').doc(customerId).get()
  const doc = (data as StoredCustomer[])[0]
  if (!doc || (scope.sellerId !== undefined && doc.sellerId !== scope.sellerId)) throw new DomainError('NOT_FOUND', 'no such customer of yours')

  const inScope = scope.sellerId !== undefined ? { sellerId: scope.sellerId } : {}
  const [orders, code, model] = await Promise.all([
    db().collection('orders').where({ _openid: customerId, ...inScope }).orderBy('createdAt', 'desc').limit(DETAIL_ORDERS).get(),
    codeOf(customerId),
    doc.stats ? storeValueModel(storeDayOf(new Date())) : Promise.resolve(undefined),
  ])
  const referredDocs = code
    ? ((await db().collection('customers').where({ 'bindingSource.code': code._id, ...inScope }).orderBy('boundAt', 'desc').limit(DETAIL_REFERRED).get()).data as StoredCustomer[])
    : []

  let freshScore: CustomerScore | null = null
  if (doc.stats && model) freshScore = scoreCustomer(doc.stats, model, storeDayOf(new Date(), model.timeZone))

  const customer: CustomerDetailResponse['customer'] = rowOf(doc)
  if (doc.sellerId) customer.sellerId = doc.sellerId
  if (doc.bindingSource) customer.bindingSource = doc.bindingSource
  return {
    customer,
    orders: (orders.data as StoredOrder[]).map(
      (o): CustomerOrderRow => ({
        orderId: o._id,
        status: o.status,
        totalFen: o.totalFen,
        itemCount: (o.lines ?? []).reduce((n, line) => n + line.quantity, 0),
        createdAt: new Date(o.createdAt).getTime(),
        paidAt: o.paidAt ? new Date(o.paidAt).getTime() : null,
      }),
    ),
    stats: doc.stats
      ? {
          firstPurchaseDay: doc.stats.firstPurchaseDay,
          lastPurchaseDay: doc.stats.lastPurchaseDay,
          repeatPurchaseDays: doc.stats.repeatPurchaseDays,
          firstDaySpendFen: doc.stats.firstDaySpendFen,
          repeatSpendFen: doc.stats.repeatSpendFen,
        }
      : null,
    freshScore,
    explanation: freshScore && model ? explainScore(freshScore, model) : null,
    referred: referredDocs.map((r): ReferredCustomer => {
      const out: ReferredCustomer = { customerId: r._id, paidOrders: r.paidOrders ?? 0, spendFen: r.spendFen ?? 0 }
      if (r.nickname !== undefined) out.nickname = r.nickname
      if (r.boundAt) out.boundAt = new Date(r.boundAt).toISOString()
      return out
    }),
  }
}
