/**
 * The only code in the mini program that calls the cloud. On WeChat it uses
 * `wx.cloud.callFunction`; in local mode (develop version with the local cloud enabled) it POSTs
 * the same event to `<local cloud>/functions/<name>`, the caller named in header x-wx-openid.
 * Either way it unwraps the `{ ok, data } | { ok: false, code, message }` envelope into the data
 * or a thrown `ApiError`.
 */
import type { ActionName, ApiResult, ErrorCode, FunctionName, RequestOf, ResponseOf } from '../../typings/api'
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
}

let target: TransportTarget = { localCloudUrl: config.localCloud.url, openid: config.localCloud.openid }

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
  if (!wx.cloud) throw new ApiError('INTERNAL', 'wx.cloud is unavailable (base library 2.2.3 or later is needed)')
  try {
    const res = await wx.cloud.callFunction({ name, data: event })
    return res.result
  } catch (err) {
    const { errCode, errMsg } = err as { errCode?: number; errMsg?: string }
    throw new ApiError('INTERNAL', errMsg ?? String(err), undefined, errCode)
  }
}

/** The local cloud's client endpoint answers `{result}`, or `{errCode, errMsg}` with HTTP 404/500 as wx.cloud.callFunction would fail. */
function callLocalCloud(name: string, event: { action: string; data: unknown }): Promise<unknown> {
  const header: Record<string, string> = { 'content-type': 'application/json' }
  if (target.openid) header['x-wx-openid'] = target.openid
  return new Promise((resolve, reject) => {
    wx.request({
      url: `${target.localCloudUrl}/functions/${encodeURIComponent(name)}`,
      method: 'POST',
      header,
      data: event,
      dataType: 'json',
      success(res) {
        const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as { result?: unknown; errCode?: number; errMsg?: string }
        if (res.statusCode === 200) resolve(body.result)
        else reject(new ApiError('INTERNAL', body.errMsg ?? `cloud function ${name} failed with HTTP ${res.statusCode}`, undefined, body.errCode))
      },
      fail(err) {
        reject(new ApiError('INTERNAL', `cannot reach the local cloud at ${target.localCloudUrl}: ${err.errMsg}`))
      },
    })
  })
}
