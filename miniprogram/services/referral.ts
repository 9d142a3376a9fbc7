/** Share opens, share cards, poster codes and seller applications: the only module that calls the `referral` function. */
import type { RequestOf, ResponseOf } from '../../typings/api'
import type { MyBinding, SellerListItem, SellerStatus, SellerView, SharesFunnel } from '../../typings/referral'
import { callFunction } from './transport'

export type RecordOpenRequest = RequestOf<'referral', 'recordOpen'>
export type RecordOpenResponse = ResponseOf<'referral', 'recordOpen'>
export type ShareCard = ResponseOf<'referral', 'shareCard'>
export type PosterCode = ResponseOf<'referral', 'posterCode'>

export function recordOpen(request: RecordOpenRequest): Promise<RecordOpenResponse> {
  return callFunction('referral', 'recordOpen', request)
}

/** Title, image and a path carrying the caller's own code, for onShareAppMessage. */
export function getShareCard(productId?: string): Promise<ShareCard> {
  return callFunction('referral', 'shareCard', productId ? { productId } : {})
}

/** The caller's mini program code for a poster (a cloud fileID). */
export function getPosterCode(productId?: string): Promise<PosterCode> {
  return callFunction('referral', 'posterCode', productId ? { productId } : {})
}

export function getMyBinding(): Promise<{ binding: MyBinding | null; shortCode?: string }> {
  return callFunction('referral', 'myBinding', {})
}

/** Asks to become a seller under `name`; idempotent. */
export async function applyToSell(name: string): Promise<SellerView> {
  return (await callFunction('referral', 'sellers.apply', { name })).seller
}

// ---- the owner's sellers and share policy ------------------------------------------------------

export type ReferralSettingsPatch = RequestOf<'referral', 'settings.update'>
export type ReferralSettingsNow = ResponseOf<'referral', 'settings.get'>['settings']

/** Owner only: sellers newest first (at most 100), optionally of one status. */
export async function listSellers(status?: RequestOf<'referral', 'sellers.list'>['status']): Promise<SellerListItem[]> {
  return (await callFunction('referral', 'sellers.list', status ? { status } : {})).sellers
}

/** Owner only: makes a pending seller active. */
export async function approveSeller(sellerId: string): Promise<SellerView> {
  return (await callFunction('referral', 'sellers.approve', { sellerId })).seller
}

/** Owner only: the binding rule and share policy in force. */
export async function getReferralSettings(): Promise<ReferralSettingsNow> {
  return (await callFunction('referral', 'settings.get', {})).settings
}

/** Owner only: changes the given fields of the binding rule or share policy; answers what is in force. */
export async function updateReferralSettings(patch: ReferralSettingsPatch): Promise<ReferralSettingsNow> {
  return (await callFunction('referral', 'settings.update', patch)).settings
}

// ---- the seller's shares funnel ------------------------------------------------------------------

export type FunnelRequest = RequestOf<'referral', 'funnel'>

/** My shares funnel over store days `from`..`to` (the last 30 by default); an owner names `sellerId`. */
export async function getSharesFunnel(request: FunnelRequest = {}): Promise<SharesFunnel> {
  return (await callFunction('referral', 'funnel', request)).funnel
}
