/**
 * The only code in the mini program that calls the cloud. On WeChat it uses `wx.cloud`; in local
 * mode (develop version with the local cloud enabled) it sends the same requests to the local
 * cloud's client endpoints with `wx.request`, the caller named in header x-wx-openid:
 * - functions: `POST <local cloud>/functions/<name>`; the `{ ok, data } | { ok: false, code, message }`
 *   envelope is unwrapped into the data or a thrown `ApiError`;
 * - storage: `POST /storage/upload?cloudPath=`, `/storage/temp-urls`, `/storage/delete`, with the
 *   results `wx.cloud.uploadFile` / `getTempFileURL` / `deleteFile` give.
 */
import type { ActionName, ApiResult, ErrorCode, FunctionName, RequestOf, ResponseOf } from '../../typings/api'
import type { PaymentParams } from '../../typings/orders'
import { config } from '../config'

/** A call that did not produce data: the function's typed refusal, or INTERNAL for anything unexpected. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Details the function sent with its refusal. */
    readonly data?: unknown,
    /** The platform's errCode when the call itself failed (-504002: the function threw, -501000: no such function). */
    readonly errCode?: number,
  ) {
    super(message)
    this.name = 'ApiError'
    Object.setPrototypeOf(this, ApiError.prototype) // keeps instanceof working if compiled to ES5
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError
}

/** Where local-mode calls go and who they claim to come from. */
export interface TransportTarget {
  localCloudUrl: string
  /** null: no WeChat identity, like Moments single-page mode. */
  openid: string | null
  /**
   * Local mode only: whether the simulated WeChat Pay delivers its payment notification when a
   * payment is confirmed ('deliver', the default) or holds it back ('hold': a late notification,
   * so the result page's 支付处理中 can be seen and tested; the next confirm delivers it).
   */
  payNotification?: 'deliver' | 'hold'
}

let target: TransportTarget = { localCloudUrl: config.localCloud.url, openid: config.localCloud.openid, payNotification: 'deliver' }

/** Points local-mode calls elsewhere (tests start their own local cloud; demos switch shopper). */
export function setTransportTarget(next: Partial<TransportTarget>): void {
  target = { ...target, ...next }
}

/** Whether calls go to the local cloud: enabled in config and running as the develop version, never trial or release. */
export function usesLocalCloud(): boolean {
  if (!config.localCloud.enabled) return false
  const envVersion = typeof wx.getAccountInfoSync === 'function' ? wx.getAccountInfoSync().miniProgram.envVersion : 'develop'
  return envVersion === 'develop'
}

/** Calls `action` of cloud function `name` with its typed request; resolves with the action's data or throws ApiError. */
export async function callFunction<N extends FunctionName, A extends ActionName<N>>(name: N, action: A, data: RequestOf<N, A>): Promise<ResponseOf<N, A>> {
  const event = { action, data }
  const result = usesLocalCloud() ? await callLocalCloud(name, event) : await callWeChatCloud(name, event)
  return unwrapEnvelope<ResponseOf<N, A>>(result, `${name}.${action}`)
}

function unwrapEnvelope<T>(result: unknown, call: string): T {
  if (typeof result === 'object' && result !== null && typeof (result as { ok?: unknown }).ok === 'boolean') {
    const envelope = result as ApiResult<T>
    if (envelope.ok) return envelope.data
    throw new ApiError(envelope.code, envelope.message, envelope.data)
  }
  throw new ApiError('INTERNAL', `${call} answered without the { ok, ... } envelope`)
}

async function callWeChatCloud(name: string, event: { action: string; data: unknown }): Promise<unknown> {
  const res = await onWeChatCloud(() => wx.cloud.callFunction({ name, data: event }))
  return res.result
}

/** The local cloud's client endpoint answers `{result}`, or `{errCode, errMsg}` with HTTP 404/500 as wx.cloud.callFunction would fail. */
async function callLocalCloud(name: string, event: { action: string; data: unknown }): Promise<unknown> {
  const body = await postToLocalCloud<{ result: unknown }>(`/functions/${encodeURIComponent(name)}`, event, `cloud function ${name}`)
  return body.result
}

// ---- cloud storage ---------------------------------------------------------------------------

/** One file's outcome, as wx.cloud reports it: status 0 and errMsg 'ok', or a wx errCode (-503003: no such file). */
export interface FileStatus {
  fileID: string
  status: number
  errMsg: string
}

export interface TempFileUrl extends FileStatus {
  /** Empty when status is not 0. */
  tempFileURL: string
}

/** Uploads the local file at `filePath` (e.g. from wx.chooseMedia) to `cloudPath`; resolves with its fileID (cloud://...). */
export async function uploadFile(cloudPath: string, filePath: string): Promise<string> {
  if (usesLocalCloud()) {
    const bytes = await readLocalFile(filePath)
    const body = await postToLocalCloud<{ fileID: string }>(`/storage/upload?cloudPath=${encodeURIComponent(cloudPath)}`, bytes, 'cloud.uploadFile', 'application/octet-stream')
    return body.fileID
  }
  const res = await onWeChatCloud(() => wx.cloud.uploadFile({ cloudPath, filePath }))
  return res.fileID
}

/** Temporary URLs (valid at most a day) for cloud files, one entry per fileID in order. */
export async function getTempFileUrls(fileIDs: string[]): Promise<TempFileUrl[]> {
  if (usesLocalCloud()) return (await postToLocalCloud<{ fileList: TempFileUrl[] }>('/storage/temp-urls', { fileList: fileIDs }, 'cloud.getTempFileURL')).fileList
  const res = await onWeChatCloud(() => wx.cloud.getTempFileURL({ fileList: fileIDs }))
  return res.fileList.map((f) => ({ fileID: f.fileID, tempFileURL: f.tempFileURL, status: f.status, errMsg: f.errMsg }))
}

/** URLs an <image> can show for cloud fileIDs, in order: '' for an absent id or one that has no URL. */
export async function displayUrls(fileIDs: Array<string | undefined>): Promise<string[]> {
  const ids = fileIDs.filter((id): id is string => !!id)
  const files = ids.length > 0 ? await getTempFileUrls(ids) : []
  return fileIDs.map((id) => (id ? files.find((f) => f.fileID === id && f.status === 0)?.tempFileURL ?? '' : ''))
}

/** Deletes cloud files; a user may delete only files they uploaded, so check each status. */
export async function deleteFiles(fileIDs: string[]): Promise<FileStatus[]> {
  if (usesLocalCloud()) return (await postToLocalCloud<{ fileList: FileStatus[] }>('/storage/delete', { fileList: fileIDs }, 'cloud.deleteFile')).fileList
  const res = await onWeChatCloud(() => wx.cloud.deleteFile({ fileList: fileIDs }))
  return res.fileList.map((f) => ({ fileID: f.fileID, status: f.status, errMsg: f.errMsg }))
}

// ---- WeChat Pay ------------------------------------------------------------------------------

/** How a payment sheet ended: paid (as far as the client knows: only the callback makes the order paid) or closed by the person. */
export type PaymentSheetOutcome = 'paid' | 'cancelled'

export interface PaymentRequest {
  /** The order, which is also WeChat Pay's outTradeNo. */
  orderId: string
  /** What `orders.create` or `orders.pay` answered for wx.requestPayment. */
  payment: PaymentParams
  /** What the local confirmation dialog says is being paid, e.g. '¥168.00'. */
  amountText: string
}

/**
 * Shows WeChat Pay's sheet for an order: resolves 'paid' when the person paid, 'cancelled' when
 * they closed it (a normal outcome, not an error); anything else throws ApiError PAYMENT_FAILED.
 * A resolved 'paid' never means the order is paid: only WeChat Pay's notification (payCallback)
 * makes it so, so callers wait for it (services/checkout.ts `waitForPaid`).
 *
 * Contract of local mode (DevTools against `npm start`, the page tests' wx harness and the
 * browser preview's wx shim all follow it): there is no WeChat Pay to show, so `wx.requestPayment`
 * is never called. Instead the person is asked with `wx.showModal` (title '模拟支付'; confirm =
 * pay, cancel = close the sheet), and paying is `POST <local cloud>/_local/pay/confirm
 * {outTradeNo: orderId, deliver}` through `wx.request`: the simulated WeChat Pay marks the payment
 * successful and calls payCallback as WeChat would (or holds the notification back when the
 * target's payNotification is 'hold'). A closed order (HTTP 409: expired or cancelled) is
 * PAYMENT_FAILED, as WeChat refuses to pay it. A wx shim therefore needs only `showModal`
 * (answering `{confirm, cancel}`) and `request` for payments.
 */
export async function requestPayment(request: PaymentRequest): Promise<PaymentSheetOutcome> {
  return usesLocalCloud() ? confirmLocalPayment(request) : showWeChatPay(request.payment)
}

function showWeChatPay(payment: PaymentParams): Promise<PaymentSheetOutcome> {
  return new Promise((resolve, reject) => {
    wx.requestPayment({
      timeStamp: payment.timeStamp,
      nonceStr: payment.nonceStr,
      package: payment.package,
      signType: payment.signType as 'MD5' | 'HMAC-SHA256' | 'RSA',
      paySign: payment.paySign,
      success: () => resolve('paid'),
      fail: (err) => {
        // 'requestPayment:fail cancel' is the person closing the sheet
        if (/cancel/i.test(err.errMsg ?? '')) resolve('cancelled')
        else reject(new ApiError('PAYMENT_FAILED', err.errMsg ?? 'requestPayment failed'))
      },
    })
  })
}

async function confirmLocalPayment(request: PaymentRequest): Promise<PaymentSheetOutcome> {
  const answer = await new Promise<{ confirm: boolean }>((resolve) => {
    wx.showModal({
      title: '模拟支付',
      content: `本地云没有真实的微信支付。确认支付 ${request.amountText}？`,
      confirmText: '确认支付',
      cancelText: '取消',
      success: (res) => resolve({ confirm: res.confirm }),
      fail: () => resolve({ confirm: false }),
    })
  })
  if (!answer.confirm) return 'cancelled'
  const deliver = target.payNotification !== 'hold'
  try {
    await postToLocalCloud('/_local/pay/confirm', { outTradeNo: request.orderId, deliver }, 'requestPayment')
  } catch (err) {
    throw new ApiError('PAYMENT_FAILED', err instanceof Error ? err.message : String(err), undefined, isApiError(err) ? err.errCode : undefined)
  }
  return 'paid'
}

async function onWeChatCloud<T>(call: () => Promise<T>): Promise<T> {
  if (!wx.cloud) throw new ApiError('INTERNAL', 'wx.cloud is unavailable (base library 2.2.3 or later is needed)')
  try {
    return await call()
  } catch (err) {
    const { errCode, errMsg } = err as { errCode?: number; errMsg?: string }
    throw new ApiError('INTERNAL', errMsg ?? String(err), undefined, errCode)
  }
}

function readLocalFile(filePath: string): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    wx.getFileSystemManager().readFile({
      filePath,
      success: (res) => resolve(res.data as ArrayBuffer),
      fail: (err) => reject(new ApiError('INVALID_INPUT', `cannot read ${filePath}: ${err.errMsg}`)),
    })
  })
}

/** POSTs to a local cloud client endpoint as the current caller; non-200 answers `{errCode, errMsg}` become ApiError INTERNAL. */
function postToLocalCloud<T>(path: string, data: WechatMiniprogram.IAnyObject | ArrayBuffer, what: string, contentType = 'application/json'): Promise<T> {
  const header: Record<string, string> = { 'content-type': contentType }
  if (target.openid) header['x-wx-openid'] = target.openid
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${target.localCloudUrl}${path}`,
      method: 'POST',
      header,
      data,
      dataType: 'json',
      success(res) {
        const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as { errCode?: number; errMsg?: string }
        if (res.statusCode === 200) resolve(body as T)
        else reject(new ApiError('INTERNAL', body.errMsg ?? `${what} failed with HTTP ${res.statusCode}`, undefined, body.errCode))
      },
      fail(err) {
        reject(new ApiError('INTERNAL', `cannot reach the local cloud at ${target.localCloudUrl}: ${err.errMsg}`))
      },
    })
  })
}
