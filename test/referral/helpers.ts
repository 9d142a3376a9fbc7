import type { TestCloud } from '../helpers/local-cloud'
import type { ApiResult } from '../../typings/api'

/** The owner the referral tests configure through OWNER_OPENIDS (the demo owner). */
export const OWNER = 'o-demo-owner'
export const LIN = { openid: 'o-demo-seller-lin', sellerId: 's_Lin8shop', code: 'Lin8shop' }
export const ZHOU = { openid: 'o-demo-seller-zhou', sellerId: 's_Zhou5tea', code: 'Zhou5tea' }
export const DAY = 24 * 60 * 60 * 1000

/**
 * Owners are configuration: the functions' workers inherit the server process's environment
 * (localcloud/functions/module.ts workerEnv), so the tests set OWNER_OPENIDS before the cloud starts.
 */
export function configureOwner(): void {
  process.env.OWNER_OPENIDS = OWNER
}

/** Calls a function's action as `openid` (none: an identityless call, as in Moments single-page mode). */
export function as(t: TestCloud, name: 'referral' | 'profile', openid?: string) {
  return <T = any>(action: string, data: unknown = {}) => t.invoke(name, { action, data }, openid ? { openid } : {}) as Promise<ApiResult<T>>
}

let keys = 0
/** A fresh client open key (one per launch in the mini program). */
export const openKey = () => `k${Date.now().toString(36)}x${++keys}`.padEnd(8, '0')

/** Opens `code`'s share as `openid` from scene `sceneValue`; returns the answer. */
export function openShare(t: TestCloud, openid: string | undefined, code: string, sceneValue = 1007, extra: Record<string, unknown> = {}) {
  return as(t, 'referral', openid)('recordOpen', { openKey: openKey(), sceneValue, ref: code, ...extra })
}

export async function doc(t: TestCloud, collection: string, id: string): Promise<any> {
  return (await t.db.collection(collection).doc(id).get()).data[0]
}

export function expectOk<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`)
  return result.data
}

/** Makes `openid` an active seller (apply, then the owner approves); returns their seller id and code. */
export async function makeSeller(t: TestCloud, openid: string, name = 'Seller'): Promise<{ sellerId: string; code: string; openid: string }> {
  const applied = expectOk(await as(t, 'referral', openid)('sellers.apply', { name }))
  expectOk(await as(t, 'referral', OWNER)('sellers.approve', { sellerId: applied.seller.sellerId }))
  return { sellerId: applied.seller.sellerId, code: applied.seller.shortCode, openid }
}

export async function setRule(t: TestCloud, rule: Record<string, unknown>): Promise<void> {
  expectOk(await as(t, 'referral', OWNER)('settings.update', rule))
}

/** A group card's cloudID as wx.getGroupEnterInfo hands it to the page: the local cloud plays WeChat's side and resolves it to `{opengid}`. */
export async function groupCard(t: TestCloud, opengid: string): Promise<{ groupCloudId: string }> {
  const res = await fetch(`${t.url}/_local/open-data`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { opengid } }) })
  return { groupCloudId: ((await res.json()) as { cloudID: string }).cloudID }
}
