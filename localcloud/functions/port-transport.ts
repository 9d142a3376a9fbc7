/**
 * Inside a function worker: the function's requests to the local cloud itself travel over the
 * worker's message port instead of a loopback HTTP connection. Two kinds:
 *
 * - the SDK's calls to `/admin`. The SDK still builds every request as it would for CloudBase
 *   (headers, signature, the JSON body); only the last hop changes.
 * - `fetch` POSTs to the local cloud's JSON endpoints (the simulated WeChat Pay, open data, the
 *   WeChat outbox: the local adapters of backend/payment.ts and backend/wechat-open-api.ts).
 *
 * The main thread serves the body text with the same code as the HTTP route
 * (`LocalCloud.servePortRequest`; every database round trip is counted there) and the reply
 * comes back as the status and JSON text HTTP would have carried. The loopback hop cost both
 * threads more CPU than most database actions themselves (HTTP parsing, socket writes, and
 * undici's fetch machinery in the worker, see README).
 *
 * Anything else (other URLs and methods, form data, streams, abort signals, a body over
 * CloudBase's 6 MB limit, which the HTTP server refuses) goes over real HTTP unchanged.
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

/** Hands one request to the main thread: the path on the local cloud, the body text, and the SDK's x-local-function header. */
export type SendOverPort = (requestId: number, path: string, body: string, caller: string | undefined) => void

type Answer = (err: Error | null, status?: number, json?: string) => void

const pending = new Map<number, { answer: Answer; timer?: NodeJS.Timeout }>()
let requestSeq = 0

/** Sends one request; `answer` gets the reply, or an error once `timeoutMs` (when given) passes. */
function request(send: SendOverPort, urlPath: string, body: string, caller: string | undefined, answer: Answer, timeoutMs?: number): void {
  const requestId = ++requestSeq
  const call: { answer: Answer; timer?: NodeJS.Timeout } = { answer }
  if (timeoutMs !== undefined) {
    call.timer = setTimeout(() => {
      if (pending.delete(requestId)) answer(Object.assign(new Error('request timeout'), { code: 'ESOCKETTIMEDOUT' }))
    }, timeoutMs || 1)
  }
  pending.set(requestId, call)
  send(requestId, urlPath, body, caller)
}

/** Delivers the local cloud's answer to a request sent over the port. */
export function receiveReply(requestId: number, status: number, json: string): void {
  const call = pending.get(requestId)
  if (!call) return
  pending.delete(requestId)
  if (call.timer) clearTimeout(call.timer)
  call.answer(null, status, json)
}

/** A body HTTP would refuse as over the limit goes over HTTP, to be refused the same way. */
function overLimit(body: string): boolean {
  return body.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(body) > MAX_BODY_BYTES
}

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
export function routeSdkThroughPort(sdkEntry: string, cloudUrl: string, send: SendOverPort): boolean {
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
    if (overLimit(body)) return real(opts, cb)
    // the SDK's timeout, as its HTTP request would apply it (ESOCKETTIMEDOUT once connected)
    const timeoutMs = typeof opts.timeout === 'number' && opts.timeout >= 0 ? opts.timeout : undefined
    request(
      send,
      '/admin',
      body,
      headerValue(opts.headers, 'x-local-function'),
      (err, status, json) => {
        if (err) return cb(Object.assign(err, { url: opts.url }))
        let parsed: unknown
        try {
          parsed = json!.length === 0 ? undefined : JSON.parse(json!)
        } catch (e) {
          return cb(e as Error)
        }
        cb(null, { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' } }, parsed)
      },
      timeoutMs,
    )
    return undefined
  }
  return true
}

/**
 * Routes this thread's `fetch` POSTs of a string body to `cloudUrl` + one of `paths` (the local
 * cloud's JSON endpoints) through `send`, answering a real `Response` with the status and JSON
 * text HTTP would have carried.
 */
export function routeFetchThroughPort(cloudUrl: string, paths: readonly string[], send: SendOverPort): void {
  const realFetch = globalThis.fetch
  const base = cloudUrl.replace(/\/$/, '')
  const routed = new Set(paths.map((p) => base + p))
  globalThis.fetch = function localFetch(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined
    if (url === undefined || !routed.has(url) || !init || String(init.method).toUpperCase() !== 'POST' || typeof init.body !== 'string' || init.signal || overLimit(init.body)) {
      return realFetch(input, init)
    }
    return new Promise((resolve, reject) => {
      request(send, url.slice(base.length), init.body as string, undefined, (err, status, json) => {
        if (err) reject(err)
        else resolve(new Response(json, { status, headers: { 'content-type': 'application/json; charset=utf-8' } }))
      })
    })
  }
}
