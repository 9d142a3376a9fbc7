/**
 * Arranging a page test's world over the local cloud's HTTP endpoints, as other people would:
 * calls to the real functions as any openid, WeChat's simulated side (payments, open data).
 * (jest's jsdom environment has no fetch; Node's http it is.)
 */
import { execFileSync } from 'node:child_process'
import http from 'node:http'
import { REPO_ROOT } from './local-cloud-process'
import type { ActionName, ApiResult, FunctionName, RequestOf, ResponseOf } from '../../../typings/api'

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body))
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed: unknown = text
        try {
          parsed = JSON.parse(text)
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed })
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** Calls a function's action as `openid` (null: no identity) and answers its envelope. */
export async function callAs<N extends FunctionName, A extends ActionName<N>>(cloudUrl: string, openid: string | null, name: N, action: A, data: RequestOf<N, A>): Promise<ApiResult<ResponseOf<N, A>>> {
  const res = await post(`${cloudUrl}/functions/${name}`, { action, data }, openid ? { 'x-wx-openid': openid } : {})
  if (res.status !== 200) throw new Error(`${name}.${action}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.result as ApiResult<ResponseOf<N, A>>
}

/** Like callAs, but the data or a thrown error with the refusal's code. */
export async function dataAs<N extends FunctionName, A extends ActionName<N>>(cloudUrl: string, openid: string | null, name: N, action: A, data: RequestOf<N, A>): Promise<ResponseOf<N, A>> {
  const result = await callAs(cloudUrl, openid, name, action, data)
  if (!result.ok) throw new Error(`${name}.${action} refused: ${result.code} ${result.message}`)
  return result.data
}

let seq = 0

/** `openid` buys `quantity` of SKU `skuId` and pays through the simulated WeChat Pay; resolves once the callback made it paid. */
export async function buyAndPay(cloudUrl: string, openid: string, skuId: string, quantity = 1): Promise<string> {
  const { order } = await dataAs(cloudUrl, openid, 'orders', 'create', { requestId: `page-test-${Date.now().toString(36)}-${++seq}`, lines: [{ skuId, quantity }] })
  await dataAs(cloudUrl, openid, 'orders', 'pay', { orderId: order._id })
  const confirmed = await post(`${cloudUrl}/_local/pay/confirm`, { outTradeNo: order._id })
  if (confirmed.status !== 200) throw new Error(`pay/confirm: HTTP ${confirmed.status}`)
  const { order: after } = await dataAs(cloudUrl, openid, 'orders', 'detail', { orderId: order._id })
  if (after.status !== 'paid') throw new Error(`order ${order._id} is ${after.status} after the payment`)
  return order._id
}

/** What `wx.getGroupEnterInfo` gives a page opened from a group card: a cloudID the platform resolves to `{opengid}` (the field wx.getGroupEnterInfo's open data uses). */
export async function issueGroupCloudId(cloudUrl: string, openGId: string): Promise<string> {
  const res = await post(`${cloudUrl}/_local/open-data`, { data: { opengid: openGId } })
  if (res.status !== 200 || typeof res.body.cloudID !== 'string') throw new Error(`open-data: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.cloudID as string
}

/**
 * Writes (or, with `update`, merges into) documents as the store's operator would (the SDK over the local cloud's /admin wire
 * protocol), in a separate Node process: the SDK does not belong in the jsdom environment.
 */
export function writeDocuments(cloudUrl: string, docs: Array<{ collection: string; id: string; doc: Record<string, unknown>; update?: boolean }>): void {
  const script = `
    process.env.TENCENTCLOUD = 'true'
    const tcb = require('@cloudbase/node-sdk')
    const db = tcb.init({ env: 'local', secretId: 'local', secretKey: 'local', serviceUrl: process.env.CLOUD_URL + '/admin' }).database()
    ;(async () => {
      for (const { collection, id, doc, update } of JSON.parse(process.env.DOCS)) {
        if (update) await db.collection(collection).doc(id).update(doc)
        else await db.collection(collection).doc(id).set(doc)
      }
    })().catch((err) => { console.error(err); process.exit(1) })
  `
  execFileSync(process.execPath, ['-e', script], { cwd: REPO_ROOT, env: { ...process.env, CLOUD_URL: cloudUrl, DOCS: JSON.stringify(docs) }, stdio: ['ignore', 'ignore', 'pipe'] })
}

/** `referral.recordOpen` as `openid`, with exactly the request the app would send. */
export function recordOpenAs(cloudUrl: string, openid: string | null, request: RequestOf<'referral', 'recordOpen'>): Promise<ResponseOf<'referral', 'recordOpen'>> {
  return dataAs(cloudUrl, openid, 'referral', 'recordOpen', request)
}
