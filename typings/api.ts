/**
 * The contract between the mini program and the cloud functions: the response envelope, the
 * error codes, and every function's actions with their request and response types. Both sides
 * import this file, so a change to the API is a change here. Type-only.
 *
 * Wire form of one call: the function receives the event `{ action, data }` (`FunctionEvent`)
 * and answers an `ApiResult` envelope.
 */
import type { CatalogApi } from './catalog'
import type { ProfileApi } from './profile'
import type { ReferralApi } from './referral'
import type { OrdersApi } from './orders'
import type { CustomersApi } from './customers'
import type { CommissionsApi } from './commissions'
import type { StoreApi } from './store'

/**
 * Expected refusals a client switches on (STYLE.md 7). Unexpected failures are caught once by
 * the function's handler wrapper and reach the client as INTERNAL.
 */
export type ErrorCode =
  /** The event did not match the action's request schema. */
  | 'INVALID_INPUT'
  /** The action needs a WeChat identity and the call carried none (e.g. Moments single-page mode). */
  | 'UNAUTHENTICATED'
  /** The caller's role does not allow the action. */
  | 'FORBIDDEN'
  /** The thing the request names does not exist (or is not visible to the caller). */
  | 'NOT_FOUND'
  /** Not enough stock for a line (`data: {productId, skuId}`); the loser of a race for the last units gets this; also an owner's adjustment that would take a SKU's stock below zero (`data.skuId`). */
  | 'OUT_OF_STOCK'
  /** A SKU in the request, or its product, does not exist or is not on sale (`data: {productId, skuId}`; productId '' for an unknown SKU). */
  | 'PRODUCT_UNAVAILABLE'
  /** What the request would delete is still in use (a category that products are in: `data.categoryIds`). */
  | 'IN_USE'
  /** No such order among the caller's own. */
  | 'ORDER_NOT_FOUND'
  /** The status of the order (or withdrawal request) does not allow the action (e.g. cancelling a paid order, paying an expired one, paying a rejected withdrawal). */
  | 'INVALID_TRANSITION'
  /** WeChat Pay refused or could not be reached; the order is unchanged, the client may retry. */
  | 'PAYMENT_FAILED'
  /** A refund names a product not on the order, or more units of a line than are still paid for (`data.skuId`), or nothing. */
  | 'REFUND_INVALID'
  /** Another request (refund or decision) changed the order first; read it again. */
  | 'CONFLICT'
  /** A withdrawal asks for more than the seller's balance, or the balance is negative (`data: { balanceFen, withdrawableFen }`). */
  | 'INSUFFICIENT_BALANCE'
  /** Anything unexpected; the details are in the function's log under the request id. */
  | 'INTERNAL'

export interface ApiOk<T> {
  ok: true
  data: T
}

export interface ApiFail {
  ok: false
  code: ErrorCode
  message: string
  /** Details a client may use for this code (e.g. which field was invalid). */
  data?: unknown
}

export type ApiResult<T> = ApiOk<T> | ApiFail

/** The event a function receives: which action, and its request. */
export interface FunctionEvent<A extends string = string, D = unknown> {
  action: A
  data: D
}

/** Every cloud function and its actions: `{ [action]: { request, response } }`. */
export interface CloudApi {
  catalog: CatalogApi
  profile: ProfileApi
  referral: ReferralApi
  orders: OrdersApi
  customers: CustomersApi
  commissions: CommissionsApi
  store: StoreApi
}

export type FunctionName = keyof CloudApi
export type ActionName<N extends FunctionName> = keyof CloudApi[N] & string
export type RequestOf<N extends FunctionName, A extends ActionName<N>> = CloudApi[N][A] extends { request: infer R } ? R : never
export type ResponseOf<N extends FunctionName, A extends ActionName<N>> = CloudApi[N][A] extends { response: infer R } ? R : never
