/**
 * The WeChat Pay adapter. Functions talk to WeChat Pay only through `PaymentGateway`, whose
 * request and result fields are CloudBase cloudPay's (camelCase, as wx-server-sdk's
 * `cloud.cloudPay.*` takes and answers them). Two implementations:
 *
 * - production (`CloudPayGateway`): `wx-server-sdk`'s `cloud.cloudPay`, loaded lazily with
 *   `require` on the first payment call, so nothing else needs it. It is NOT a dependency of
 *   this repository: add `"wx-server-sdk"` to the deploying function's package.json
 *   (cloudfunctions/orders and cloudfunctions/payCallback) before deploying, and set
 *   `WXPAY_SUB_MCH_ID` (the merchant bound to the environment in 云开发控制台 -> 微信支付) in the
 *   functions' environment variables. The build keeps `wx-server-sdk` external.
 * - local (`LocalPaymentGateway`): the simulated WeChat Pay of the local cloud
 *   (localcloud/pay/), over HTTP at `LOCAL_CLOUD_URL/_local/pay/<api>`.
 *
 * `paymentGateway()` picks the local one when the function runs under the local cloud.
 */

import type { PaymentParams } from '../typings/orders'

/** cloudPay.unifiedOrder request (research/cloudbase-platform.md section 4). */
export interface UnifiedOrderRequest {
  /** The function WeChat invokes with the payment notification, and its environment. */
  functionName: string
  envId: string
  subMchId: string
  /** At most 32 characters. */
  nonceStr: string
  /** At most 128 characters. */
  body: string
  /** At most 32 of [0-9A-Za-z_-]; our order `_id`. */
  outTradeNo: string
  /** Fen. */
  totalFee: number
  spbillCreateIp: string
  tradeType?: 'JSAPI'
  openid?: string
  subOpenid?: string
  attach?: string
  feeType?: 'CNY'
}

export type { PaymentParams }

/** Every cloudPay result carries these; `resultCode` is absent when the call itself failed. */
export interface PayResultBase {
  returnCode: 'SUCCESS' | 'FAIL'
  returnMsg?: string
  resultCode?: 'SUCCESS' | 'FAIL'
  /** WeChat Pay's business error, e.g. ORDERPAID, ORDERCLOSED, ORDERNOTEXIST. */
  errCode?: string
  errCodeDes?: string
}

export interface UnifiedOrderResult extends PayResultBase {
  prepayId?: string
  subMchId?: string
  payment?: PaymentParams
}

export interface QueryOrderRequest {
  subMchId: string
  outTradeNo: string
  nonceStr: string
}

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR'

export interface QueryOrderResult extends PayResultBase {
  tradeState?: TradeState
  totalFee?: number
  transactionId?: string
  timeEnd?: string
}

export interface CloseOrderRequest {
  subMchId: string
  outTradeNo: string
  nonceStr: string
}

export interface RefundRequest {
  subMchId: string
  nonceStr: string
  outTradeNo: string
  /** Our refund number; WeChat refunds once per outRefundNo, so a retry never refunds twice. */
  outRefundNo: string
  totalFee: number
  refundFee: number
  refundDesc?: string
  /** The function WeChat invokes with the refund notification. */
  functionName?: string
  envId?: string
}

export interface RefundResult extends PayResultBase {
  refundId?: string
  refundFee?: number
}

/** WeChat Pay as the functions use it. */
export interface PaymentGateway {
  unifiedOrder(request: UnifiedOrderRequest): Promise<UnifiedOrderResult>
  queryOrder(request: QueryOrderRequest): Promise<QueryOrderResult>
  closeOrder(request: CloseOrderRequest): Promise<PayResultBase>
  refund(request: RefundRequest): Promise<RefundResult>
}

/** True when a cloudPay call both reached WeChat and succeeded. */
export function paySucceeded(result: PayResultBase): boolean {
  return result.returnCode === 'SUCCESS' && result.resultCode === 'SUCCESS'
}

/** The simulated WeChat Pay of the local cloud. */
export class LocalPaymentGateway implements PaymentGateway {
  constructor(private readonly baseUrl: string) {}

  unifiedOrder(request: UnifiedOrderRequest): Promise<UnifiedOrderResult> {
    return this.post('unifiedOrder', request)
  }
  queryOrder(request: QueryOrderRequest): Promise<QueryOrderResult> {
    return this.post('queryOrder', request)
  }
  closeOrder(request: CloseOrderRequest): Promise<PayResultBase> {
    return this.post('closeOrder', request)
  }
  refund(request: RefundRequest): Promise<RefundResult> {
    return this.post('refund', request)
  }

  private async post<T>(api: string, body: object): Promise<T> {
    const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/_local/pay/${api}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`local WeChat Pay ${api}: HTTP ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
}

interface WxServerSdk {
  init(options: { env: unknown }): void
  DYNAMIC_CURRENT_ENV: unknown
  cloudPay: PaymentGateway
}

/** WeChat Pay through CloudBase's cloudPay (wx-server-sdk), for functions deployed to CloudBase. */
export class CloudPayGateway implements PaymentGateway {
  private sdk?: WxServerSdk

  unifiedOrder(request: UnifiedOrderRequest): Promise<UnifiedOrderResult> {
    return this.cloudPay().unifiedOrder(request)
  }
  queryOrder(request: QueryOrderRequest): Promise<QueryOrderResult> {
    return this.cloudPay().queryOrder(request)
  }
  closeOrder(request: CloseOrderRequest): Promise<PayResultBase> {
    return this.cloudPay().closeOrder(request)
  }
  refund(request: RefundRequest): Promise<RefundResult> {
    return this.cloudPay().refund(request)
  }

  private cloudPay(): PaymentGateway {
    if (!this.sdk) {
      // Loaded only here, in production: the local cloud never needs wx-server-sdk.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const sdk = require('wx-server-sdk') as WxServerSdk
      sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV })
      this.sdk = sdk
    }
    return this.sdk.cloudPay
  }
}

let gateway: PaymentGateway | undefined

/** The process's payment gateway: the local simulator under the local cloud, cloudPay on CloudBase. */
export function paymentGateway(): PaymentGateway {
  if (!gateway) {
    const local = process.env.LOCAL_CLOUD_URL
    gateway = local ? new LocalPaymentGateway(local) : new CloudPayGateway()
  }
  return gateway
}

/** The sub-merchant id cloudPay calls name (set WXPAY_SUB_MCH_ID in production). */
export function subMchId(): string {
  return process.env.WXPAY_SUB_MCH_ID || (process.env.LOCAL_CLOUD_URL ? '1900000109' : '')
}

/** The environment id unifiedOrder sends with the callback function name. */
export function payEnvId(): string {
  return process.env.LOCAL_CLOUD_ENV || process.env.TCB_ENV || process.env.SCF_NAMESPACE || ''
}

/** A 32-character nonce for cloudPay calls. */
export function nonceStr(): string {
  let out = ''
  while (out.length < 32) out += Math.random().toString(36).slice(2)
  return out.slice(0, 32)
}
