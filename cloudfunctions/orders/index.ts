/**
 * `orders`: checkout and the shopper's orders. Identity only from the platform context; prices
 * only from the database; stock reserved by atomic conditional updates; a timer cancels
 * expired unpaid orders.
 */
import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { isTimerCall, cloudApp, type FunctionContext } from '../../backend/cloud'
import { isDuplicateWrite } from '../../backend/db-errors'
import { action, defineFunction, DomainError } from '../../backend/handler'
import { backfillSkuProductFields, cancelUnpaidOrder, closePayment, moveHeldToSold, orderView, releaseLines, releaseOrderStock, releaseStock, reserveStockAndRead, type OrderDoc, type SkuDoc, type StockHold } from '../../backend/orders'
import { settlePayment } from '../../backend/paid-order'
import { decodeCursor, encodeCursor, runAfterSaleTimer, type ListCursor } from '../../backend/after-sale'
import { afterSaleActions } from '../../backend/after-sale-actions'
import { nonceStr, payEnvId, paySucceeded, paymentGateway, subMchId } from '../../backend/payment'
import { readStoreSettings } from '../../backend/settings'
import { assertTransition, mergeLines, PricingError, quoteOrder, type PricedProduct, type PricedSku } from '../../domain/order'
import type { ResponseOf } from '../../typings/api'
import type { PaymentParams, Quote, RequestedLine, ShippingAddress } from '../../typings/orders'

/** An unpaid order is cancelled this long after creation (WeChat Pay's own default is 2 h; we hold stock 30 min). */
export const ORDER_TTL_MS = 30 * 60 * 1000
const MAX_LINES = 50
const MAX_QUANTITY = 999
/** Reservations of one line tried when the line still prices fine after a miss. */
const RESERVE_ATTEMPTS = 3
const PAY_CALLBACK_FUNCTION = 'payCallback'

const db = () => cloudApp().database()

const linesSchema = z
  .array(z.object({ skuId: z.string().min(1).max(64), quantity: z.number().int().min(1).max(MAX_QUANTITY) }).strict())
  .min(1)
  .max(MAX_LINES)
/** wx.chooseAddress's fields, renamed; trimmed, bounded, the phone as WeChat formats it. */
const addressSchema = z
  .object({
    name: z.string().trim().min(1).max(40),
    phone: z.string().trim().regex(/^\+?[0-9][0-9 -]{4,19}$/),
    province: z.string().trim().min(1).max(20),
    city: z.string().trim().min(1).max(30),
    district: z.string().trim().max(30),
    detail: z.string().trim().min(1).max(200),
    postalCode: z.string().trim().regex(/^[0-9]{0,10}$/),
  })
  .strict()
const orderIdSchema = z.object({ orderId: z.string().regex(/^[0-9A-Za-z_-]{1,32}$/) }).strict()
const statusSchema = z.enum(['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refund_requested', 'refunded'])

/** The order id (and WeChat Pay outTradeNo, 32 chars) for one buyer's client request id: a retry lands on the same order. */
function orderIdFor(openid: string, requestId: string): string {
  return 'o' + createHash('sha256').update(`${openid}\n${requestId}`).digest('hex').slice(0, 31)
}

async function readOrder(orderId: string): Promise<OrderDoc | undefined> {
  const { data } = await db().collection('orders').doc(orderId).get()
  return (data as OrderDoc[])[0]
}

/** The caller's own order, or ORDER_NOT_FOUND (another buyer's order is not visible). */
async function myOrder(openid: string, orderId: string): Promise<OrderDoc> {
  const order = await readOrder(orderId)
  if (!order || order._openid !== openid) throw new DomainError('ORDER_NOT_FOUND', `no order ${orderId}`)
  return order
}

const SKU_FIELDS = { productId: true, spec: true, priceFen: true, stock: true, onSale: true } as const
const PRODUCT_FIELDS = { name: true, onSale: true, images: true } as const

/**
 * Prices lines from the SKUs, their products and the store's shipping rule as they are in the
 * database now. A product without specs has one SKU with the product's id, so the products are
 * read by the requested ids alongside the SKUs (one round trip for the usual cart); only the
 * products of multi-spec SKUs need a second read.
 */
async function priceLines(lines: RequestedLine[], checkStock: boolean): Promise<Quote> {
  const _ = db().command
  const ids = [...new Set(lines.map((l) => l.skuId))]
  const [skuRows, sameIdProducts, settings] = await Promise.all([
    db().collection('skus').where({ _id: _.in(ids) }).limit(MAX_LINES).field(SKU_FIELDS).get(),
    db().collection('products').where({ _id: _.in(ids) }).limit(MAX_LINES).field(PRODUCT_FIELDS).get(),
    readStoreSettings(db()),
  ])
  const skus = skuRows.data as PricedSku[]
  const products = sameIdProducts.data as PricedProduct[]
  const missing = [...new Set(skus.map((s) => s.productId))].filter((id) => !products.some((p) => p._id === id))
  if (missing.length > 0) products.push(...((await db().collection('products').where({ _id: _.in(missing) }).limit(MAX_LINES).field(PRODUCT_FIELDS).get()).data as PricedProduct[]))
  try {
    return quoteOrder(lines, skus, products, settings.shipping, checkStock)
  } catch (err) {
    if (err instanceof PricingError) throw new DomainError(err.code, err.message, { productId: err.productId, skuId: err.skuId })
    throw err
  }
}

/** A cart line can hold at most this many units (the mini program's cart limit). */
const MAX_CART_UNITS = 99

/** How many units of each SKU can be bought now: its stock on sale, at most MAX_CART_UNITS (0 off sale or unknown). */
async function unitsAvailable(skuIds: readonly string[]): Promise<Map<string, number>> {
  const _ = db().command
  const { data } = await db().collection('skus').where({ _id: _.in([...skuIds]) }).limit(MAX_LINES).field({ stock: true, onSale: true }).get()
  const found = new Map((data as Array<{ _id: string; stock: number; onSale: boolean }>).map((s) => [s._id, s.onSale ? Math.max(0, Math.min(s.stock, MAX_CART_UNITS)) : 0]))
  return new Map(skuIds.map((id) => [id, found.get(id) ?? 0]))
}

/**
 * The `quote` action: priceLines, each line with the units that can be bought now, so a cart
 * bounds its steppers without reading the catalogue; an OUT_OF_STOCK refusal carries the SKU's
 * `available` too. The stock is read after the prices (a quote reserves nothing; create decides).
 */
async function quoteWithAvailability(lines: RequestedLine[]): Promise<ResponseOf<'orders', 'quote'>> {
  try {
    const quote = await priceLines(lines, true)
    const available = await unitsAvailable(quote.lines.map((l) => l.skuId))
    return { ...quote, lines: quote.lines.map((l) => ({ ...l, available: available.get(l.skuId) ?? 0 })) }
  } catch (err) {
    if (err instanceof DomainError && err.code === 'OUT_OF_STOCK') {
      const { skuId } = err.data as { skuId: string }
      throw new DomainError('OUT_OF_STOCK', err.message, { ...(err.data as object), available: (await unitsAvailable([skuId])).get(skuId) ?? 0 })
    }
    throw err
  }
}

/** The seller (`sellers` _id) the buyer is bound to now, by the referral binding on `customers/<openid>`, or null. */
async function boundSeller(openid: string): Promise<string | null> {
  const { data } = await db().collection('customers').doc(openid).get()
  const sellerId = (data as Array<{ sellerId?: unknown }>)[0]?.sellerId
  return typeof sellerId === 'string' && sellerId !== '' ? sellerId : null
}

/** Runs pricing, turning its refusals into the API's codes. */
function priced<T>(run: () => T): T {
  try {
    return run()
  } catch (err) {
    if (err instanceof PricingError) throw new DomainError(err.code, err.message, { productId: err.productId, skuId: err.skuId })
    throw err
  }
}

/**
 * Reserves one line and answers its SKU. When nothing was reserved, the line is priced from the
 * database to say why (PRODUCT_UNAVAILABLE or OUT_OF_STOCK); a SKU from before the product fields
 * were copied onto SKUs gets them (backfillSkuProductFields), and a line that prices fine now (the
 * copy was just made, or units came back meanwhile) is tried again, a few times.
 */
async function reserveLine(line: RequestedLine, hold: Omit<StockHold, 'quantity'>): Promise<SkuDoc> {
  for (let attempt = 1; ; attempt++) {
    const sku = await reserveStockAndRead(db(), line.skuId, line.quantity, hold)
    if (sku) return sku
    const { data } = await db().collection('skus').doc(line.skuId).field({ productId: true, productOnSale: true }).get()
    const stored = (data as SkuDoc[])[0]
    if (stored && stored.productOnSale === undefined) await backfillSkuProductFields(db(), stored.productId)
    await priceLines([line], true) // throws the reason
    if (attempt >= RESERVE_ATTEMPTS) throw new DomainError('OUT_OF_STOCK', `not enough stock of SKU ${line.skuId}`, { productId: stored?.productId ?? '', skuId: line.skuId })
  }
}

/**
 * Creates the order for (buyer, client request id) once: a retry answers the same order, with
 * the params for wx.requestPayment when WeChat Pay could start the payment. Stock
 * is reserved line by line with conditional updates; if a line cannot be reserved or the order
 * cannot be written, the lines already reserved are released (compensation), and the buyer
 * gets OUT_OF_STOCK, never INTERNAL.
 */
async function createOrder(openid: string, requestId: string, requested: RequestedLine[], address: ShippingAddress | null): Promise<ResponseOf<'orders', 'create'>> {
  const orderId = orderIdFor(openid, requestId)
  try {
    return await createOrderOnce(openid, orderId, requestId, requested, address)
  } catch (err) {
    // A retry of a request whose order exists answers that order, whatever the shelf says now
    // (its own reservation attempt found the units gone, or the product off sale).
    if (err instanceof DomainError && (err.code === 'OUT_OF_STOCK' || err.code === 'PRODUCT_UNAVAILABLE')) {
      const existing = await readOrder(orderId)
      if (existing) return { order: orderView(existing), payment: await paymentIfPossible(existing) }
    }
    throw err
  }
}

/**
 * One attempt, optimistic: the order is not read first (a purchase is one round trip cheaper).
 * A retry whose order exists reserves, finds the order id taken when it writes, gives its
 * reservation back and answers the existing order.
 */
async function createOrderOnce(openid: string, orderId: string, requestId: string, requested: RequestedLine[], address: ShippingAddress | null): Promise<ResponseOf<'orders', 'create'>> {
  const lines = mergeLines(requested)
  const [settings, sellerId] = await Promise.all([readStoreSettings(db()), boundSeller(openid)])
  const reserved: Array<{ skuId: string; quantity: number }> = []
  const now = new Date()
  const holdId = `${orderId}-${randomBytes(6).toString('hex')}`
  try {
    // Each line's reservation answers its SKU, which carries the price and its product's name,
    // cover and on-sale flag: the lines are priced from what was reserved, in one round trip each.
    const skus: PricedSku[] = []
    const products: PricedProduct[] = []
    for (const line of lines) {
      const sku = await reserveLine(line, { holdId, orderId, at: now })
      reserved.push(line)
      skus.push(sku)
      products.push({ _id: sku.productId, name: sku.productName ?? '', onSale: sku.productOnSale === true, images: sku.productCover ? [sku.productCover] : [] })
    }
    const quote = priced(() => quoteOrder(lines, skus, products, settings.shipping, false))
    const order: OrderDoc = {
      _id: orderId,
      _openid: openid,
      status: 'pending_payment',
      ...quote,
      sellerId,
      address,
      commissionTerms: settings.commission,
      clientRequestId: requestId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ORDER_TTL_MS),
      paidAt: null,
      cancelledAt: null,
      transactionId: null,
      stockHeld: true,
      holdId,
    }
    await db().collection('orders').add(order)
    reserved.length = 0 // the order holds the stock now: a later failure must not release it
    return { order: orderView(order), payment: await paymentIfPossible(order) }
  } catch (err) {
    if (reserved.length > 0 && !(err instanceof DomainError) && !isDuplicateWrite(err)) {
      // The write may have landed although its answer was lost: then the order owns the stock.
      const written = await readOrder(orderId).catch(() => undefined)
      if (written?.holdId === holdId) return { order: orderView(written), payment: await paymentIfPossible(written) }
    }
    await releaseLines(db(), holdId, reserved)
    if (isDuplicateWrite(err)) {
      // A concurrent retry of the same request wrote the order first: answer that one.
      const winner = await readOrder(orderId)
      if (winner) return { order: orderView(winner), payment: await paymentIfPossible(winner) }
    }
    throw err
  }
}

/** Starts WeChat Pay for an unpaid, unexpired order: unifiedOrder through the adapter (idempotent on outTradeNo), answered with wx.requestPayment's params. */
async function startPayment(order: OrderDoc): Promise<PaymentParams> {
  if (order.status !== 'pending_payment') throw new DomainError('INVALID_TRANSITION', `order ${order._id} is ${order.status}, not awaiting payment`)
  if (new Date(order.expiresAt).getTime() <= Date.now()) throw new DomainError('INVALID_TRANSITION', `order ${order._id} has expired`)
  const result = await paymentGateway().unifiedOrder({
    functionName: PAY_CALLBACK_FUNCTION,
    envId: payEnvId(),
    subMchId: subMchId(),
    nonceStr: nonceStr(),
    // WeChat Pay counts body in bytes (at most 128); 40 characters of UTF-8 Chinese stay under it.
    body: (order.lines.map((l) => l.name).join('、') || 'order').slice(0, 40),
    outTradeNo: order._id,
    totalFee: order.totalFen,
    spbillCreateIp: '127.0.0.1',
    tradeType: 'JSAPI',
    openid: order._openid,
    feeType: 'CNY',
  })
  if (!paySucceeded(result) || !result.payment) throw new DomainError('PAYMENT_FAILED', `WeChat Pay refused the order: ${result.errCode ?? result.returnMsg ?? 'unknown'}`, { errCode: result.errCode })
  return result.payment
}

/** The payment params for a just-created order, or null when WeChat Pay cannot start it now (the client then calls `pay`). */
async function paymentIfPossible(order: OrderDoc): Promise<PaymentParams | null> {
  if (order.status !== 'pending_payment') return null
  try {
    return await startPayment(order)
  } catch (err) {
    if (!(err instanceof DomainError)) console.warn(`unifiedOrder for ${order._id} failed; the client can retry with pay`, err)
    return null
  }
}

async function payOrder(openid: string, orderId: string): Promise<ResponseOf<'orders', 'pay'>> {
  return { orderId, payment: await startPayment(await myOrder(openid, orderId)) }
}

/** Cancels my unpaid order: WeChat Pay's order is closed first, so it can no longer be paid; then stock is released. */
async function cancelOrder(openid: string, orderId: string): Promise<ResponseOf<'orders', 'cancel'>> {
  const order = await myOrder(openid, orderId)
  assertOrderMove(order, 'cancelled')
  const closed = await closePayment(order._id)
  if (closed === 'paid') throw new DomainError('INVALID_TRANSITION', `order ${orderId} has been paid`)
  if (closed === 'unavailable') throw new DomainError('PAYMENT_FAILED', 'WeChat Pay could not close the payment; try again')
  if (!(await cancelUnpaidOrder(db(), order, 'buyer', new Date()))) {
    const now = await myOrder(openid, orderId)
    if (now.status !== 'cancelled') throw new DomainError('INVALID_TRANSITION', `order ${orderId} is ${now.status}`)
    return { order: orderView(now) }
  }
  return { order: orderView(await myOrder(openid, orderId)) }
}

function assertOrderMove(order: OrderDoc, to: OrderDoc['status']): void {
  try {
    assertTransition(order.status, to)
  } catch {
    throw new DomainError('INVALID_TRANSITION', `order ${order._id} cannot go from ${order.status} to ${to}`)
  }
}

/** Newest first; equal times by id, descending (the order of the `openid[_status]_createdAt_id` indexes). */
const newerFirst = (a: OrderDoc, b: OrderDoc): number => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0)

/**
 * Up to `limit` of the buyer's orders matching `filter` after the cursor, newest first, read in
 * index order (`_openid[, status], createdAt -1, _id -1`): the rest of time t with a smaller id,
 * then earlier times; each read an equality prefix and one range, stopped at the limit.
 */
async function ordersAfter(filter: Record<string, unknown>, after: ListCursor | undefined, limit: number): Promise<OrderDoc[]> {
  const _ = db().command
  const orders = db().collection('orders')
  const out: OrderDoc[] = []
  if (after) {
    const { data } = await orders.where({ ...filter, createdAt: new Date(after.t), _id: _.lt(after.id) }).orderBy('_id', 'desc').limit(limit).get()
    out.push(...(data as OrderDoc[]))
  }
  if (out.length < limit) {
    const { data } = await orders
      .where({ ...filter, ...(after ? { createdAt: _.lt(new Date(after.t)) } : {}) })
      .orderBy('createdAt', 'desc')
      .orderBy('_id', 'desc')
      .limit(limit - out.length)
      .get()
    out.push(...(data as OrderDoc[]))
  }
  return out
}

/**
 * My orders, newest first, of any of `statuses` (none: all), a page after an opaque cursor. Each
 * status is read on its own index range (at most pageSize + 1 rows each) and the reads merged
 * by time, so a tab of several statuses is one call and no page skips over earlier rows.
 */
async function listOrders(openid: string, statuses: readonly OrderDoc['status'][], cursor: string | undefined, pageSize: number): Promise<ResponseOf<'orders', 'list'>> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor)
  const filters = statuses.length === 0 ? [{ _openid: openid }] : [...new Set(statuses)].map((status) => ({ _openid: openid, status }))
  const reads = await Promise.all(filters.map((f) => ordersAfter(f, after, pageSize + 1)))
  const docs = reads.flat().sort(newerFirst) as Array<OrderDoc & { refundedFen?: number }>
  const page = docs.slice(0, pageSize)
  const last = page[page.length - 1]
  const hasMore = docs.length > pageSize
  return {
    orders: page.map((doc) => ({ ...orderView(doc), refundedFen: doc.refundedFen ?? 0 })),
    hasMore,
    nextCursor: hasMore && last ? encodeCursor({ t: new Date(last.createdAt).getTime(), id: last._id }) : null,
  }
}

/** Settles an order WeChat says is paid, from queryOrder (the notification may never have come). */
async function settleFromQuery(order: OrderDoc): Promise<boolean> {
  try {
    const query = await paymentGateway().queryOrder({ subMchId: subMchId(), outTradeNo: order._id, nonceStr: nonceStr() })
    if (!paySucceeded(query) || query.tradeState !== 'SUCCESS' || !query.transactionId || query.totalFee === undefined) return false
    const settled = await settlePayment({ outTradeNo: order._id, totalFee: query.totalFee, transactionId: query.transactionId }, 'orders.expiry')
    return settled.errcode === 0
  } catch (err) {
    console.warn(`queryOrder ${order._id} failed`, err)
    return false
  }
}

/** Batches the expiry timer handles per run (a function runs at most 60 s; the next minute continues). */
const EXPIRY_BATCH = 100
const EXPIRY_BATCHES = 10

/**
 * The expiry timer: every unpaid order past its expiresAt has its WeChat Pay order closed and is
 * cancelled, releasing its stock. An order WeChat reports paid but whose notification has not
 * settled it is settled from queryOrder, exactly as the notification would; one WeChat cannot
 * be asked about is retried on the next run. Cancelled orders
 * still holding stock (a run that stopped between the two steps) are released too.
 */
async function expireOrders(): Promise<{ cancelled: number; settled: number; skipped: number; recovered: number }> {
  const _ = db().command
  let cancelled = 0
  let settled = 0
  let skipped = 0
  const skippedIds: string[] = []
  for (let batch = 0; batch < EXPIRY_BATCHES; batch++) {
    const now = new Date()
    const { data } = await db()
      .collection('orders')
      .where({ status: 'pending_payment', expiresAt: _.lte(now), ...(skippedIds.length ? { _id: _.nin(skippedIds) } : {}) })
      .orderBy('expiresAt', 'asc')
      .limit(EXPIRY_BATCH)
      .get()
    const due = data as OrderDoc[]
    if (due.length === 0) break
    for (const order of due) {
      const closed = await closePayment(order._id)
      if (closed === 'closed') {
        if (await cancelUnpaidOrder(db(), order, 'expired', now)) cancelled++
      } else if (closed === 'paid' && (await settleFromQuery(order))) {
        settled++
      } else {
        skipped++
        skippedIds.push(order._id)
      }
    }
    if (due.length < EXPIRY_BATCH) break
  }
  return { cancelled, settled, skipped, recovered: await releaseStrandedStock() }
}

/** Holds older than this cannot belong to an order still being created (a function runs at most 60 s). */
const STRANDED_AFTER_MS = ORDER_TTL_MS + 5 * 60 * 1000

/**
 * Recovery after a crash: stock still held for a cancelled order (cancelled, not yet released),
 * and holds older than any order creation that no unpaid order owns (its order was never
 * written, or another attempt's was), go back to stock. Each release is conditional on its hold, so it happens once.
 */
async function releaseStrandedStock(): Promise<number> {
  const _ = db().command
  let recovered = 0
  const { data: stranded } = await db().collection('orders').where({ stockHeld: true, status: 'cancelled' }).limit(EXPIRY_BATCH).field({ _id: true, lines: true, holdId: true }).get()
  for (const order of stranded as Array<Pick<OrderDoc, '_id' | 'lines' | 'holdId'>>) {
    await releaseOrderStock(db(), order)
    recovered++
  }
  // paid orders whose reserved units the payment callback did not get to move to sold
  const { data: unsold } = await db().collection('orders').where({ stockHeld: true, status: _.nin(['pending_payment', 'cancelled']) }).limit(EXPIRY_BATCH).field({ _id: true, lines: true, holdId: true }).get()
  for (const order of unsold as Array<Pick<OrderDoc, '_id' | 'lines' | 'holdId'>>) {
    await moveHeldToSold(db(), order)
    recovered++
  }
  const cutoff = new Date(Date.now() - STRANDED_AFTER_MS)
  const { data: skus } = await db().collection('skus').where({ 'holds.at': _.lte(cutoff) }).limit(EXPIRY_BATCH).field({ holds: true }).get()
  for (const sku of skus as Array<{ _id: string; holds: StockHold[] }>) {
    for (const hold of sku.holds.filter((h) => new Date(h.at).getTime() <= cutoff.getTime())) {
      const order = await readOrder(hold.orderId)
      // An unpaid order's own hold is the expiry's to release; any other old hold (an attempt
      // that lost or died, an order cancelled or gone) is released here.
      if (order && order.status === 'pending_payment' && order.holdId === hold.holdId) continue
      if (order && order.status !== 'cancelled' && order.holdId === hold.holdId) {
        // a paid order's own hold: its units are sold, not returned
        await moveHeldToSold(db(), order)
        recovered++
        continue
      }
      if (await releaseStock(db(), sku._id, hold.quantity, hold.holdId)) recovered++
    }
  }
  return recovered
}

const handle = defineFunction('orders', {
  quote: action({
    schema: z.object({ lines: linesSchema }).strict(),
    run: ({ data }) => quoteWithAvailability(mergeLines(data.lines)),
  }),
  create: action({
    schema: z.object({ requestId: z.string().regex(/^[0-9A-Za-z_-]{8,64}$/), lines: linesSchema, address: addressSchema.optional() }).strict(),
    needsIdentity: true,
    run: ({ data, caller }) => createOrder(caller.openid!, data.requestId, data.lines, data.address ?? null),
  }),
  pay: action({ schema: orderIdSchema, needsIdentity: true, run: ({ data, caller }) => payOrder(caller.openid!, data.orderId) }),
  cancel: action({ schema: orderIdSchema, needsIdentity: true, run: ({ data, caller }) => cancelOrder(caller.openid!, data.orderId) }),
  detail: action({ schema: orderIdSchema, needsIdentity: true, run: async ({ data, caller }) => ({ order: orderView(await myOrder(caller.openid!, data.orderId)) }) }),
  list: action({
    schema: z
      .object({
        status: statusSchema.optional(),
        statuses: z.array(statusSchema).min(1).max(7).optional(),
        cursor: z.string().min(1).max(200).optional(),
        pageSize: z.number().int().min(1).max(50).default(20),
      })
      .strict()
      .refine((d) => d.status === undefined || d.statuses === undefined, 'give status or statuses, not both'),
    needsIdentity: true,
    run: ({ data, caller }) => listOrders(caller.openid!, data.statuses ?? (data.status ? [data.status] : []), data.cursor, data.pageSize),
  }),
  ...afterSaleActions,
})

/** Timer events (only from the platform's trigger) run the expiry; everything else is an action call. */
export async function main(event: unknown, context: FunctionContext): Promise<unknown> {
  if (isTimerCall(event, context)) return { ...(await expireOrders()), afterSale: await runAfterSaleTimer(db()) }
  return handle(event, context)
}
