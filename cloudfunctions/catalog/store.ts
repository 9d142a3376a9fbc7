/**
 * The catalogue's documents and the reads both the shopper's and the owner's actions share:
 * display-order pages over an index (opaque cursor, no offset) and a page's SKUs in one query.
 */
import { cloudApp } from '../../backend/cloud'
import { DomainError } from '../../backend/handler'
import type { SkuDoc } from '../../backend/orders'

export const db = () => cloudApp().database()

/** A product as stored in `products`: what a shopper sees; what is sold is in `skus`. */
export interface ProductDoc {
  _id: string
  name: string
  categoryId: string
  description?: string
  images?: string[]
  specNames?: string[]
  onSale: boolean
  sort: number
  createdAt?: Date | string
  updatedAt?: Date | string
  /** Price range of the SKUs on sale when the owner last saved the product (null: none on sale). */
  minPriceFen?: number | null
  maxPriceFen?: number | null
}

export interface CategoryDoc {
  _id: string
  name: string
  sort: number
}

/** Where a display-order page stopped: the last product's `sort` and `_id`. */
interface Cursor {
  sort: number
  id: string
}

export function encodeCursor(last: { sort: number; _id: string }): string {
  return Buffer.from(JSON.stringify(['sort', last.sort, last._id])).toString('base64url')
}

function decodeCursor(text: string): Cursor {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === 'sort' && typeof parsed[1] === 'number' && Number.isFinite(parsed[1]) && typeof parsed[2] === 'string') {
    return { sort: parsed[1], id: parsed[2] }
  }
  throw new DomainError('INVALID_INPUT', 'the cursor is not one this list gave')
}

/**
 * One page of products matching `base` in display order (`sort`, then `_id`), and the cursor
 * for the next. After a cursor (k, id) the rest of the order is two index ranges: sort == k
 * and _id > id, then sort > k; so every query is an equality prefix plus one range on an index
 * ending in `sort 1, _id 1` (products.json), read in order and stopped at the page size.
 */
export async function productPage(base: Record<string, unknown>, cursor: string | undefined, pageSize: number, fields?: Record<string, boolean>): Promise<{ rows: ProductDoc[]; nextCursor: string | null }> {
  const _ = db().command
  const want = pageSize + 1 // one more tells whether there is a next page
  const products = db().collection('products')
  const query = (filter: Record<string, unknown>, bySort: boolean, limit: number) => {
    let q = products.where({ ...base, ...filter })
    if (bySort) q = q.orderBy('sort', 'asc')
    q = q.orderBy('_id', 'asc').limit(limit)
    return (fields ? q.field(fields) : q).get().then((r) => r.data as ProductDoc[])
  }
  let rows: ProductDoc[]
  if (cursor === undefined) {
    rows = await query({}, true, want)
  } else {
    const after = decodeCursor(cursor)
    rows = await query({ sort: after.sort, _id: _.gt(after.id) }, false, want)
    if (rows.length < want) rows = rows.concat(await query({ sort: _.gt(after.sort) }, true, want - rows.length))
  }
  const page = rows.slice(0, pageSize)
  const last = page[page.length - 1]
  return { rows: page, nextCursor: rows.length > pageSize && last ? encodeCursor(last) : null }
}

/** CloudBase answers at most 1000 documents per read. */
const READ_LIMIT = 1000

/** The SKUs of these products in display order (`productId_sort` index), grouped by product. */
export async function skusOf(productIds: readonly string[], fields?: Record<string, boolean>): Promise<Map<string, SkuDoc[]>> {
  const byProduct = new Map<string, SkuDoc[]>(productIds.map((id) => [id, []]))
  if (productIds.length === 0) return byProduct
  const _ = db().command
  for (let skip = 0; ; skip += READ_LIMIT) {
    let q = db().collection('skus').where({ productId: _.in([...productIds]) }).orderBy('productId', 'asc').orderBy('sort', 'asc').skip(skip).limit(READ_LIMIT)
    if (fields) q = q.field({ ...fields, productId: true, sort: true })
    const { data } = await q.get()
    for (const sku of data as SkuDoc[]) byProduct.get(sku.productId)?.push(sku)
    if (data.length < READ_LIMIT) return byProduct
  }
}

export async function readProduct(productId: string): Promise<ProductDoc | undefined> {
  const { data } = await db().collection('products').doc(productId).get()
  return (data as ProductDoc[])[0]
}

/** Epoch ms of a stored date, or 0. */
export const epochOf = (value: Date | string | undefined): number => (value === undefined ? 0 : new Date(value).getTime() || 0)
