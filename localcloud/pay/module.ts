import fs from 'node:fs'
import { CloudError } from '../errors'
import { sendJson } from '../http'
import type { FunctionsModule } from '../functions/module'
import { LOCAL_APPID } from '../functions/module'
import type { JsonEndpoint, LocalCloud, LocalCloudModule } from '../server'
import { randomHex } from '../random'

/** The merchant the simulator answers as. */
const LOCAL_MCH_ID = '1900000100'

type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND'

/** One simulated WeChat Pay order, keyed by the merchant's outTradeNo. */
interface SimPayment {
  outTradeNo: string
  totalFee: number
  body: string
  openid: string
  subMchId: string
  functionName: string
  prepayId: string
  state: TradeState
  transactionId?: string
  timeEnd?: string
  /** Refunds by outRefundNo (WeChat refunds once per number). */
  refunds: Map<string, SimRefund>
  /** Notification deliveries attempted and the last answer. */
  deliveries: number
  delivered: boolean
}

/** One simulated refund and its notification to the function named in the refund request. */
interface SimRefund {
  refundId: string
  refundFee: number
  functionName?: string
  successTime?: string
  deliveries: number
  delivered: boolean
}

export interface PayModuleOptions {
  /** Delivery attempts per confirmation before giving up (WeChat keeps trying for 2 days). */
  maxDeliveries?: number
  /** First retry delay; it doubles per attempt, capped at 2 s. */
  retryBaseMs?: number
  /**
   * Where WeChat Pay's side is kept (an append-only log of payment records, one JSON line per
   * change). WeChat Pay does not crash with the merchant's server: with a file, a restart (also
   * after kill -9) remembers every payment and refund, and notifications not yet acknowledged are
   * delivered again, as WeChat keeps delivering them. Without one, payments live in memory.
   */
  stateFile?: string
}

/** A payment as one line of the state file. */
type StoredPayment = Omit<SimPayment, 'refunds'> & { refunds: Array<[string, SimRefund]> }

const ok = { returnCode: 'SUCCESS', returnMsg: 'OK' } as const

function fail(errCode: string, errCodeDes: string) {
  return { ...ok, resultCode: 'FAIL', errCode, errCodeDes }
}

/** yyyy-MM-dd HH:mm:ss in China time, as WeChat writes a refund's success_time. */
function wechatRefundTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19)
}

/** yyyyMMddHHmmss in China time, as WeChat writes timeEnd. */
function wechatTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/**
 * A simulated WeChat Pay: the cloudPay APIs (`POST /_local/pay/unifiedOrder|queryOrder|
 * closeOrder|refund`, cloudPay's camelCase fields) and what `wx.requestPayment` does locally,
 * `POST /_local/pay/confirm {outTradeNo}`: the payment succeeds, then the payment callback
 * function named in unifiedOrder is invoked as WeChat invokes it (source `wx_paycallback`, the
 * documented camelCase fields), retried with backoff until it answers `{errcode: 0}` (bounded).
 * Payments are kept in `stateFile` when given (`npm start`: DATA_DIR/pay-simulator.jsonl), so a
 * restart remembers them and delivers what was not acknowledged; else in memory.
 */
export class PayModule implements LocalCloudModule {
  readonly name = 'pay'
  private cloud?: LocalCloud
  private readonly payments = new Map<string, SimPayment>()
  /** While true, accepted refunds are not notified until `POST /_local/pay/notifyRefund` (a late notification). */
  private holdRefundNotifications = false
  /** The state file, open for appending from the first save until stop. */
  private stateFd?: number
  /** Failures a test asked for: the next `count` calls of an API answer `errCode` (`POST /_local/pay/failures`). */
  private readonly failures = new Map<string, { count: number; errCode: string }>()
  private stopped = false

  constructor(private readonly options: PayModuleOptions = {}) {
    this.load()
  }

  /** Reads the state file: the last record of each payment wins (a torn last line, from a kill mid-write, is skipped), then compacts the file. */
  private load(): void {
    const file = this.options.stateFile
    if (!file || !fs.existsSync(file)) return
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue
      let stored: StoredPayment
      try {
        stored = JSON.parse(line) as StoredPayment
      } catch {
        continue
      }
      this.payments.set(stored.outTradeNo, { ...stored, refunds: new Map(stored.refunds) })
    }
    // compacted to one line per payment, so the log grows with the payments, not with their changes
    const compact = [...this.payments.values()].map((p) => JSON.stringify({ ...p, refunds: [...p.refunds] } satisfies StoredPayment) + '\n').join('')
    fs.writeFileSync(`${file}.tmp`, compact)
    fs.renameSync(`${file}.tmp`, file)
  }

  /** Appends the payment's state to the state file (synchronously: a kill -9 right after keeps it). */
  private save(p: SimPayment): void {
    const file = this.options.stateFile
    if (!file) return
    const stored: StoredPayment = { ...p, refunds: [...p.refunds] }
    const line = JSON.stringify(stored) + '\n'
    if (this.stopped) return fs.appendFileSync(file, line) // a late change of a call still running at stop
    this.stateFd ??= fs.openSync(file, 'a')
    fs.writeSync(this.stateFd, line)
  }

  /** After a restart, WeChat goes on delivering what was not acknowledged: payment and refund notifications. */
  start(): void {
    if (!this.options.stateFile) return
    for (const p of this.payments.values()) {
      if ((p.state === 'SUCCESS' || p.state === 'REFUND') && !p.delivered) setImmediate(() => void this.deliver(p))
      for (const [outRefundNo, r] of p.refunds) if (r.functionName && r.successTime && !r.delivered) setImmediate(() => void this.deliverRefund(p, outRefundNo, r))
    }
  }

  attach(cloud: LocalCloud): void {
    this.cloud = cloud
    const route = (api: string, handler: JsonEndpoint) => cloud.addJsonEndpoint(`/_local/pay/${api}`, handler)
    route('unifiedOrder', (b) => this.unifiedOrder(b))
    route('queryOrder', (b) => this.queryOrder(b))
    route('closeOrder', (b) => this.closeOrder(b))
    route('refund', (b) => this.refund(b))
    route('confirm', (b) => this.confirm(b))
    route('refundNotifications', (b) => {
      if (typeof b.hold === 'boolean') this.holdRefundNotifications = b.hold
      return { hold: this.holdRefundNotifications }
    })
    route('notifyRefund', (b) => this.notifyRefund(b))
    route('failures', (b) => {
      if (typeof b.api !== 'string' || !Number.isInteger(b.count)) throw new CloudError('INVALID_PARAM', 'give {"api", "count", "errCode"?}', 400)
      this.failures.set(b.api, { count: b.count as number, errCode: typeof b.errCode === 'string' ? b.errCode : 'SYSTEMERROR' })
      return { ok: true }
    })
    cloud.router.add('GET', /^\/_local\/pay\/payments\/([^/]+)$/, ({ res, params }) => {
      const payment = this.payments.get(decodeURIComponent(params[0]))
      if (!payment) throw new CloudError('INVALID_PARAM', 'no such payment', 404)
      sendJson(res, 200, this.view(payment))
    })
  }

  /** A payment as the simulator holds it (for tests and `GET /_local/pay/payments/<outTradeNo>`). */
  payment(outTradeNo: string): object | undefined {
    const p = this.payments.get(outTradeNo)
    return p && this.view(p)
  }

  private view(p: SimPayment): object {
    const { refunds, ...rest } = p
    return { ...rest, refunds: [...refunds].map(([outRefundNo, r]) => ({ outRefundNo, ...r, notification: r.successTime ? this.refundNotification(p, outRefundNo, r) : undefined })) }
  }

  stop(): void {
    this.stopped = true
    if (this.stateFd !== undefined) fs.closeSync(this.stateFd)
    this.stateFd = undefined
  }

  private unifiedOrder(b: Record<string, unknown>): object {
    const { outTradeNo, totalFee, body, functionName, subMchId, nonceStr } = b
    if (typeof outTradeNo !== 'string' || !/^[0-9A-Za-z_-]{1,32}$/.test(outTradeNo)) return { returnCode: 'FAIL', returnMsg: 'outTradeNo: 1-32 of [0-9A-Za-z_-]' }
    if (!Number.isInteger(totalFee) || (totalFee as number) <= 0) return { returnCode: 'FAIL', returnMsg: 'totalFee must be a positive integer (fen)' }
    if (typeof functionName !== 'string' || functionName === '') return { returnCode: 'FAIL', returnMsg: 'functionName is required' }
    if (typeof subMchId !== 'string' || subMchId === '' || typeof nonceStr !== 'string' || nonceStr.length > 32) return { returnCode: 'FAIL', returnMsg: 'subMchId and nonceStr (<= 32) are required' }
    const openid = typeof b.openid === 'string' ? b.openid : typeof b.subOpenid === 'string' ? b.subOpenid : ''
    const existing = this.payments.get(outTradeNo)
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return fail('ORDERPAID', '该订单已支付')
      if (existing.state === 'CLOSED') return fail('ORDERCLOSED', '该订单已关闭')
      if (existing.totalFee !== totalFee) return fail('INVALID_REQUEST', '201 商户订单号重复')
    }
    const payment: SimPayment = existing ?? {
      outTradeNo,
      totalFee: totalFee as number,
      body: String(body ?? ''),
      openid,
      subMchId,
      functionName,
      prepayId: `wx${randomHex(14)}`,
      state: 'NOTPAY',
      refunds: new Map(),
      deliveries: 0,
      delivered: false,
    }
    this.payments.set(outTradeNo, payment)
    if (!existing) this.save(payment)
    const nonce = randomHex(16)
    return {
      ...ok,
      resultCode: 'SUCCESS',
      appid: LOCAL_APPID,
      mchId: LOCAL_MCH_ID,
      subMchId,
      nonceStr: nonce,
      tradeType: 'JSAPI',
      prepayId: payment.prepayId,
      payment: {
        appId: LOCAL_APPID,
        timeStamp: String(Math.floor(this.now() / 1000)),
        nonceStr: nonce,
        package: `prepay_id=${payment.prepayId}`,
        signType: 'MD5',
        paySign: randomHex(16).toUpperCase(),
      },
    }
  }

  private queryOrder(b: Record<string, unknown>): object {
    const p = typeof b.outTradeNo === 'string' ? this.payments.get(b.outTradeNo) : undefined
    if (!p) return fail('ORDERNOTEXIST', '此交易订单号不存在')
    return { ...ok, resultCode: 'SUCCESS', outTradeNo: p.outTradeNo, tradeState: p.state, totalFee: p.totalFee, transactionId: p.transactionId, timeEnd: p.timeEnd }
  }

  private closeOrder(b: Record<string, unknown>): object {
    const p = typeof b.outTradeNo === 'string' ? this.payments.get(b.outTradeNo) : undefined
    // Closing an order WeChat never saw succeeds: nothing can be paid on it any more.
    if (!p) return { ...ok, resultCode: 'SUCCESS' }
    if (p.state === 'SUCCESS' || p.state === 'REFUND') return fail('ORDERPAID', '订单已支付，不能发起关单')
    p.state = 'CLOSED'
    this.save(p)
    return { ...ok, resultCode: 'SUCCESS' }
  }

  private refund(b: Record<string, unknown>): object {
    const failure = this.failures.get('refund')
    if (failure && failure.count > 0) {
      failure.count--
      return fail(failure.errCode, '系统超时 (simulated)')
    }
    const { outTradeNo, outRefundNo, totalFee, refundFee } = b
    const p = typeof outTradeNo === 'string' ? this.payments.get(outTradeNo) : undefined
    if (!p) return fail('ORDERNOTEXIST', '此交易订单号不存在')
    if (typeof outRefundNo !== 'string' || outRefundNo === '') return { returnCode: 'FAIL', returnMsg: 'outRefundNo is required' }
    const done = p.refunds.get(outRefundNo)
    if (done) {
      // the same number again: no second refund; a notification not yet acknowledged is sent again
      if (done.functionName && !done.delivered && !this.holdRefundNotifications) setImmediate(() => void this.deliverRefund(p, outRefundNo, done))
      return { ...ok, resultCode: 'SUCCESS', refundId: done.refundId, refundFee: done.refundFee }
    }
    if (p.state !== 'SUCCESS' && p.state !== 'REFUND') return fail('TRADE_STATE_ERROR', '订单状态错误')
    if (totalFee !== p.totalFee) return fail('INVALID_REQUEST', 'totalFee does not match the order')
    const refunded = [...p.refunds.values()].reduce((s, r) => s + r.refundFee, 0)
    if (!Number.isInteger(refundFee) || (refundFee as number) <= 0 || refunded + (refundFee as number) > p.totalFee) return fail('INVALID_REQUEST', 'refundFee exceeds what is left')
    const refundId = `50${randomHex(14)}`
    const refund: SimRefund = { refundId, refundFee: refundFee as number, deliveries: 0, delivered: false }
    if (typeof b.functionName === 'string' && b.functionName !== '') refund.functionName = b.functionName
    p.refunds.set(outRefundNo, refund)
    p.state = 'REFUND'
    if (!refund.functionName) this.save(p)
    // WeChat refunds asynchronously: the money goes back, then the refund notification follows
    if (refund.functionName) {
      refund.successTime = wechatRefundTime(this.now())
      this.save(p)
      if (!this.holdRefundNotifications) setImmediate(() => void this.deliverRefund(p, outRefundNo, refund))
    }
    return { ...ok, resultCode: 'SUCCESS', refundId, refundFee }
  }

  /**
   * The refund notification WeChat Pay sends the function named in the refund request, as
   * CloudBase delivers it (source `wx_paycallback`): the v2 notification's fields in camelCase,
   * with `req_info` already decrypted into `reqInfo`.
   */
  refundNotification(p: SimPayment, outRefundNo: string, r: SimRefund): Record<string, unknown> {
    return {
      ...this.notificationHeader(p),
      reqInfo: {
        transactionId: p.transactionId,
        outTradeNo: p.outTradeNo,
        refundId: r.refundId,
        outRefundNo,
        totalFee: p.totalFee,
        settlementTotalFee: p.totalFee,
        refundFee: r.refundFee,
        settlementRefundFee: r.refundFee,
        refundStatus: 'SUCCESS',
        successTime: r.successTime,
        refundRecvAccout: '支付用户零钱',
        refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
        refundRequestSource: 'API',
      },
    }
  }

  /** Delivers (again) the notification of a refund now: `POST /_local/pay/notifyRefund {outRefundNo}`. */
  private async notifyRefund(b: Record<string, unknown>): Promise<object> {
    for (const p of this.payments.values()) {
      const r = typeof b.outRefundNo === 'string' ? p.refunds.get(b.outRefundNo) : undefined
      if (r && r.functionName) return { outRefundNo: b.outRefundNo, delivered: await this.deliverRefund(p, b.outRefundNo as string, r), deliveries: r.deliveries }
    }
    throw new CloudError('INVALID_PARAM', 'no refund with this outRefundNo and a notification function', 404)
  }

  /** Invokes the refund's notification function until it answers `{errcode: 0}` (bounded, with backoff), as WeChat does. */
  private async deliverRefund(p: SimPayment, outRefundNo: string, r: SimRefund): Promise<boolean> {
    const functions = this.requireCloud().module<FunctionsModule>('functions')
    const attempts = this.options.maxDeliveries ?? 6
    const base = this.options.retryBaseMs ?? 100
    for (let attempt = 0; attempt < attempts && !this.stopped; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(base * 2 ** (attempt - 1), 2000)))
      if (this.stopped) break
      r.deliveries++
      try {
        const answer = (await functions.invoke(r.functionName!, this.refundNotification(p, outRefundNo, r), { source: 'wx_paycallback' })) as { errcode?: unknown } | null
        if (answer && answer.errcode === 0) {
          r.delivered = true
          this.save(p)
          return true
        }
      } catch {
        // retried, as WeChat does
      }
    }
    return false
  }

  /**
   * `wx.requestPayment` succeeding: the payment is marked paid (once) and its notification is
   * delivered until the callback answers `{errcode: 0}`. `deliver: false` holds the
   * notification back (a delayed notification); a later confirm delivers it.
   */
  private async confirm(b: Record<string, unknown>): Promise<object> {
    const p = typeof b.outTradeNo === 'string' ? this.payments.get(b.outTradeNo) : undefined
    if (!p) throw new CloudError('INVALID_PARAM', 'no unified order with this outTradeNo', 404)
    if (p.state === 'CLOSED') throw new CloudError('INVALID_PARAM', 'the order is closed: WeChat refuses the payment', 409)
    if (p.state === 'NOTPAY') {
      p.state = 'SUCCESS'
      p.transactionId = `42${randomHex(13)}`.slice(0, 28)
      p.timeEnd = wechatTime(this.now())
      this.save(p)
    }
    if (b.deliver === false) return { outTradeNo: p.outTradeNo, state: p.state, delivered: false, deliveries: p.deliveries }
    const delivered = await this.deliver(p)
    return { outTradeNo: p.outTradeNo, state: p.state, delivered, deliveries: p.deliveries }
  }

  /** What every WeChat Pay notification to the merchant starts with. */
  private notificationHeader(p: SimPayment): Record<string, unknown> {
    return {
      returnCode: 'SUCCESS',
      appid: LOCAL_APPID,
      mchId: LOCAL_MCH_ID,
      subAppid: LOCAL_APPID,
      subMchId: p.subMchId,
      nonceStr: randomHex(16),
    }
  }

  /** The notification WeChat sends the callback function for a successful payment. */
  notification(p: SimPayment): Record<string, unknown> {
    return {
      ...this.notificationHeader(p),
      resultCode: 'SUCCESS',
      openid: p.openid,
      isSubscribe: 'N',
      subOpenid: p.openid,
      subIsSubscribe: 'N',
      tradeType: 'JSAPI',
      bankType: 'OTHERS',
      totalFee: p.totalFee,
      feeType: 'CNY',
      cashFee: p.totalFee,
      transactionId: p.transactionId,
      outTradeNo: p.outTradeNo,
      timeEnd: p.timeEnd,
    }
  }

  private async deliver(p: SimPayment): Promise<boolean> {
    const functions = this.requireCloud().module<FunctionsModule>('functions')
    const attempts = this.options.maxDeliveries ?? 6
    const base = this.options.retryBaseMs ?? 100
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(base * 2 ** (attempt - 1), 2000)))
      p.deliveries++
      try {
        const answer = (await functions.invoke(p.functionName, this.notification(p), { source: 'wx_paycallback', openid: p.openid })) as { errcode?: unknown } | null
        if (answer && answer.errcode === 0) {
          p.delivered = true
          this.save(p)
          return true
        }
      } catch {
        // a failed or timed-out callback is retried, as WeChat does
      }
    }
    return false
  }

  private now(): number {
    return this.requireCloud().clock.now()
  }

  private requireCloud(): LocalCloud {
    if (!this.cloud) throw new Error('the pay module is not attached to a local cloud')
    return this.cloud
  }
}
