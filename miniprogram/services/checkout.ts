/**
 * Checkout: quotes, orders, WeChat Pay and order notifications, the only module that calls the
 * `orders` function for buying. Prices and totals always come from the server; the client never
 * decides that an order is paid (`waitForPaid` reads the order until payCallback has settled it).
 */
import type { CartQuote, OrderView, PaymentParams, RequestedLine, ShippingAddress, SubscribeKind } from '../../typings/orders'
import type { ProductDetail } from '../../typings/catalog'
import { formatFen } from '../utils/money'
import { productDetail } from './catalog'
import { callFunction, isApiError, requestPayment, type PaymentSheetOutcome } from './transport'

/**
 * Prices lines from the database with the store's shipping rule, each line with the units that
 * can be bought now (OUT_OF_STOCK / PRODUCT_UNAVAILABLE name the line in `data.skuId`).
 */
export function quoteLines(lines: RequestedLine[]): Promise<CartQuote> {
  return callFunction('orders', 'quote', { lines })
}

/** A line the server would not price now: its SKU or product is off sale or gone, or it has fewer units than asked. */
export interface RefusedLine extends RequestedLine {
  code: 'OUT_OF_STOCK' | 'PRODUCT_UNAVAILABLE'
  /** '' when the SKU is unknown. */
  productId: string
  /** Units that can be bought now, as an OUT_OF_STOCK refusal says (absent for other refusals). */
  available?: number
}

/** The line a quote refusal names, when it names one of `lines`. */
export function refusedLineOf(err: unknown, lines: readonly RequestedLine[]): RefusedLine | null {
  if (!isApiError(err) || (err.code !== 'OUT_OF_STOCK' && err.code !== 'PRODUCT_UNAVAILABLE')) return null
  const data = (err.data ?? {}) as { skuId?: unknown; productId?: unknown; available?: unknown }
  const line = lines.find((l) => l.skuId === data.skuId)
  if (!line) return null
  const refused: RefusedLine = { ...line, code: err.code, productId: typeof data.productId === 'string' ? data.productId : '' }
  if (typeof data.available === 'number' && Number.isInteger(data.available) && data.available >= 0) refused.available = data.available
  return refused
}

/**
 * Quotes as many of the lines as the server will price: a quote refuses the whole request for
 * one line, so each refused line is set aside (with why) and the rest quoted again, at most once
 * per line. `quote` is null when no line is left.
 */
export async function quoteWhatCanBeBought(lines: readonly RequestedLine[]): Promise<{ quote: CartQuote | null; refused: RefusedLine[] }> {
  const refused: RefusedLine[] = []
  let rest = [...lines]
  while (rest.length > 0) {
    try {
      return { quote: await quoteLines(rest), refused }
    } catch (err) {
      const line = refusedLineOf(err, rest)
      if (!line) throw err
      refused.push(line)
      rest = rest.filter((l) => l.skuId !== line.skuId)
    }
  }
  return { quote: null, refused }
}

/** The products of these ids as shoppers see them now (null for one missing or off sale), for stock bounds and names. */
export async function productsById(productIds: readonly string[]): Promise<Record<string, ProductDetail | null>> {
  const ids = [...new Set(productIds.filter(Boolean))]
  const found = await Promise.all(
    ids.map((id) =>
      productDetail(id).catch((err: unknown) => {
        if (isApiError(err) && (err.code === 'NOT_FOUND' || err.code === 'PRODUCT_UNAVAILABLE')) return null
        throw err
      }),
    ),
  )
  return Object.fromEntries(ids.map((id, i) => [id, found[i]]))
}

/** Creates the order for this client request id once, shipped to `address`: a retry with the same id answers the same order. */
export function createOrder(requestId: string, lines: RequestedLine[], address: ShippingAddress): Promise<{ order: OrderView; payment: PaymentParams | null }> {
  return callFunction('orders', 'create', { requestId, lines, address })
}

export async function orderDetail(orderId: string): Promise<OrderView> {
  return (await callFunction('orders', 'detail', { orderId })).order
}

// ---- lines through a page query ---------------------------------------------------------------

/** `p-longjing:2,p-soap:1`: the lines to check out, as the checkout page's `lines` query. */
export function linesToQuery(lines: readonly RequestedLine[]): string {
  return lines.map((l) => `${encodeURIComponent(l.skuId)}:${l.quantity}`).join(',')
}

/** The lines of a `lines` query (also when the platform hands it over still URL-encoded); malformed parts are left out. */
export function linesFromQuery(query: string | undefined): RequestedLine[] {
  if (!query) return []
  const text = query.includes(':') ? query : safeDecode(query)
  const lines: RequestedLine[] = []
  for (const part of text.split(',')) {
    const at = part.lastIndexOf(':')
    if (at <= 0) continue
    const skuId = safeDecode(part.slice(0, at))
    const quantity = Number(part.slice(at + 1))
    if (skuId && Number.isSafeInteger(quantity) && quantity > 0 && !lines.some((l) => l.skuId === skuId)) lines.push({ skuId, quantity })
  }
  return lines
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return ''
  }
}

// ---- paying ---------------------------------------------------------------------------------------

/** Params older than this are asked for again (WeChat's prepay_id lives 2 hours). */
export const PAYMENT_PARAMS_MAX_AGE_MS = 100 * 60 * 1000

/** Whether wx.requestPayment's params were made too long ago to be used (timeStamp is in seconds). */
export function paymentParamsStale(payment: PaymentParams, now = Date.now()): boolean {
  const madeAt = Number(payment.timeStamp) * 1000
  return !Number.isFinite(madeAt) || now - madeAt > PAYMENT_PARAMS_MAX_AGE_MS
}

/**
 * Shows WeChat Pay for my unpaid order: with the params `create` answered when they are usable,
 * else (none, or stale) with fresh ones from `orders.pay`; params that WeChat refuses are
 * replaced once by fresh ones. 'cancelled' is the person closing the sheet. Throws ApiError
 * (PAYMENT_FAILED, INVALID_TRANSITION for a paid, cancelled or expired order, ...).
 */
export async function payOrder(order: Pick<OrderView, '_id' | 'totalFen'>, payment?: PaymentParams | null): Promise<PaymentSheetOutcome> {
  const amountText = formatFen(order.totalFen)
  const fresh = async () => (await callFunction('orders', 'pay', { orderId: order._id })).payment
  const given = payment && !paymentParamsStale(payment) ? payment : null
  if (given) {
    try {
      return await requestPayment({ orderId: order._id, payment: given, amountText })
    } catch (err) {
      if (!isApiError(err) || err.code !== 'PAYMENT_FAILED') throw err
      // fall through: WeChat refused these params; ask for new ones once
    }
  }
  return requestPayment({ orderId: order._id, payment: await fresh(), amountText })
}

export interface WaitOptions {
  /** Delays between reads, the last one repeated (ms). */
  delaysMs?: readonly number[]
  /** Give up after this long (ms); the order is then answered as it is. */
  maxWaitMs?: number
  /** Checked before each read: true stops waiting (e.g. the page was closed). */
  stopped?: () => boolean
  /** Called with the order after each read. */
  onRead?: (order: OrderView) => void
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export const WAIT_DELAYS_MS: readonly number[] = [300, 600, 1000, 1500, 2000]
export const WAIT_MAX_MS = 20_000

/** Whether the order has left pending_payment (paid, or cancelled/expired, or later states). */
export function paymentSettled(order: Pick<OrderView, 'status'>): boolean {
  return order.status !== 'pending_payment'
}

/**
 * Reads the order with backoff until WeChat Pay's notification has settled it (status no longer
 * pending_payment), the bound is reached or `stopped()` says so; answers the last order read
 * and whether it settled. A read that fails is retried within the same bound.
 */
export async function waitForPaid(orderId: string, options: WaitOptions = {}): Promise<{ order: OrderView | null; settled: boolean }> {
  const delays = options.delaysMs ?? WAIT_DELAYS_MS
  const maxWait = options.maxWaitMs ?? WAIT_MAX_MS
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const now = options.now ?? Date.now
  const deadline = now() + maxWait
  let last: OrderView | null = null
  let lastError: unknown = null
  for (let attempt = 0; ; attempt++) {
    if (options.stopped?.()) break
    try {
      last = await orderDetail(orderId)
      lastError = null
      options.onRead?.(last)
      if (paymentSettled(last)) return { order: last, settled: true }
    } catch (err) {
      // ORDER_NOT_FOUND will not change by waiting
      if (isApiError(err) && err.code === 'ORDER_NOT_FOUND') throw err
      lastError = err
    }
    const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1000
    if (now() + delay > deadline) break
    await sleep(delay)
  }
  if (!last && lastError) throw lastError
  return { order: last, settled: false }
}

// ---- order notifications --------------------------------------------------------------------------

/** The configured subscribe-message template ids, for wx.requestSubscribeMessage. */
export async function subscribeTemplates(): Promise<Partial<Record<SubscribeKind, string>>> {
  return (await callFunction('orders', 'subscribe.templates', {})).templates
}

/**
 * Asks the person for order notifications with `wx.requestSubscribeMessage` and answers the
 * template ids they accepted ([] when there is nothing to ask, they refused, or the dialog failed).
 * WeChat only shows the dialog when this is called straight from a tap, so call it first in
 * the tap handler, before any await.
 */
export function askOrderNotifications(templateIds: readonly string[]): Promise<string[]> {
  if (templateIds.length === 0 || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve([])
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: [...templateIds],
      success: (res) => resolve(templateIds.filter((id) => (res as unknown as Record<string, string>)[id] === 'accept')),
      fail: () => resolve([]),
    })
  })
}

/** Records the accepted templates (each allows one message). Never throws: consent is never worth failing a purchase. */
export async function acceptOrderNotifications(templateIds: readonly string[]): Promise<boolean> {
  if (templateIds.length === 0) return false
  try {
    await callFunction('orders', 'subscribe.accept', { templateIds: [...templateIds] })
    return true
  } catch {
    return false
  }
}
