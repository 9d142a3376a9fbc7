/**
 * Inside a function worker: the SDK's calls to the local cloud's own `/admin` endpoint travel
 * over the worker's message port instead of a loopback HTTP connection. The SDK still builds
 * every request as it would for CloudBase (headers, signature, the JSON body); only the last hop
 * changes: the main thread hands the body to the same `dispatch` the HTTP endpoint uses (where
 * every database round trip is counted), and the reply comes back as the status and JSON text
 * the HTTP endpoint would have sent. The loopback hop cost both threads more CPU than most
 * database actions themselves (HTTP parsing and two socket writes a call, see README).
 *
 * Anything else (other URLs, form data, a body over CloudBase's 6 MB limit, which the HTTP
 * endpoint refuses) goes through the SDK's real HTTP request unchanged.
 */
import path from 'node:path'
import { MAX_BODY_BYTES } from '../http'

/** The SDK's own request function: `request(opts, cb(err, res, body))` in dist/utils/request-core.js. */
type SdkRequest = (opts: SdkRequestOptions, cb: (err: Error | null, res?: unknown, body?: unknown) => void) => unknown

interface SdkRequestOptions {
  url?: unknown
  method?: unknown
  headers?: Record<string, unknown>
  body?: unknown
  json?: unknown
  formData?: unknown
  timeout?: unknown
}

export type SendSdkCall = (sdkId: number, body: string, caller: string | undefined) => void

interface PendingSdkCall {
  cb: (err: Error | null, res?: unknown, body?: unknown) => void
  timer?: NodeJS.Timeout
}

const pending = new Map<number, PendingSdkCall>()
let sdkSeq = 0

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const value = headers[key]
      return typeof value === 'string' && value !== '' ? value : undefined
    }
  }
  return undefined
}

/**
 * Routes the SDK copy at `sdkEntry` (its dist/index.js) to the local cloud at `cloudUrl` through
 * `send`; returns false when that SDK has no request-core to route (then it keeps using HTTP).
 */
export function routeSdkThroughPort(sdkEntry: string, cloudUrl: string, send: SendSdkCall): boolean {
  let core: { request?: SdkRequest }
  try {
    core = require(path.join(path.dirname(sdkEntry), 'utils', 'request-core.js')) as { request?: SdkRequest }
  } catch {
    return false
  }
  const real = core.request
  if (typeof real !== 'function') return false
  const adminUrl = `${cloudUrl.replace(/\/$/, '')}/admin`
  core.request = function localRequest(opts: SdkRequestOptions, cb) {
    if (!opts || typeof opts.url !== 'string' || opts.formData || opts.json !== true || String(opts.method).toLowerCase() !== 'post' || opts.body === undefined || opts.body === null) return real(opts, cb)
    const query = opts.url.indexOf('?')
    const base = query < 0 ? opts.url : opts.url.slice(0, query)
    if (base !== adminUrl && base !== `${adminUrl}/`) return real(opts, cb)
    const body = JSON.stringify(opts.body)
    if (body.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(body) > MAX_BODY_BYTES) return real(opts, cb)
    const sdkId = ++sdkSeq
    const call: PendingSdkCall = { cb }
    // the SDK's timeout, as its HTTP request would apply it (ESOCKETTIMEDOUT once connected)
    if (typeof opts.timeout === 'number' && opts.timeout >= 0) {
      call.timer = setTimeout(() => {
        if (!pending.delete(sdkId)) return
        cb(Object.assign(new Error('request timeout'), { code: 'ESOCKETTIMEDOUT', url: opts.url }))
      }, opts.timeout || 1)
    }
    pending.set(sdkId, call)
    send(sdkId, body, headerValue(opts.headers, 'x-local-function'))
    return undefined
  }
  return true
}

/** Delivers the local cloud's answer to a routed SDK call, as the SDK's HTTP response would have. */
export function receiveSdkReply(sdkId: number, status: number, json: string): void {
  const call = pending.get(sdkId)
  if (!call) return
  pending.delete(sdkId)
  if (call.timer) clearTimeout(call.timer)
  let body: unknown
  try {
    body = json.length === 0 ? undefined : JSON.parse(json)
  } catch (err) {
    call.cb(err as Error)
    return
  }
  call.cb(null, { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' } }, body)
}
