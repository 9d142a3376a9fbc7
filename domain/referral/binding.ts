/**
 * Referral binding: which seller a customer belongs to after opening someone's share. Pure:
 * the caller loads snapshots, asks `decideBinding`, then writes what it says.
 */

import type { BindingMode, SharePolicy } from '../../typings/referral'

/** Who may be credited for a share: approved sellers only (`sellersOnly`), or anyone who shares (`everyone`). */
export type { BindingMode, SharePolicy }

export interface BindingRule {
  mode: BindingMode
  /** Days a first-touch binding is protected in `firstTouchWindow` mode. */
  windowDays: number
  sharePolicy: SharePolicy
}

export const DEFAULT_WINDOW_DAYS = 30
export const DEFAULT_BINDING_RULE: BindingRule = { mode: 'firstTouchWindow', windowDays: DEFAULT_WINDOW_DAYS, sharePolicy: 'sellersOnly' }

const DAY_MS = 24 * 60 * 60 * 1000

/** The person whose share was opened, as loaded from the store. */
export interface SharerSnapshot {
  openid: string
  /** The sharer's own seller record, if any (`active` or `pending`). */
  seller?: { sellerId: string; status: 'active' | 'pending' }
  /** The seller id the sharer would get if enrolled under the "everyone may share" policy. */
  enrolmentSellerId: string
  /** The seller the sharer is bound to as a customer, with that seller's openid. */
  boundSeller?: { sellerId: string; openid: string }
}

/** A seller who can receive credit: the target of a binding. */
export interface CreditTarget {
  sellerId: string
  openid: string
  /** The sharer becomes a seller by sharing (the "everyone may share" policy). */
  enrolsSharer: boolean
}

/**
 * One level only: the sharer is credited when they can be (an active seller, or anyone under
 * the "everyone may share" policy); otherwise their own seller is, so a customer forwarding a
 * seller's card keeps the sale with that seller. Never the seller's seller.
 */
export function creditTargetOf(sharer: SharerSnapshot, policy: SharePolicy): CreditTarget | undefined {
  if (sharer.seller?.status === 'active') return { sellerId: sharer.seller.sellerId, openid: sharer.openid, enrolsSharer: false }
  if (policy === 'everyone' && !sharer.seller) return { sellerId: sharer.enrolmentSellerId, openid: sharer.openid, enrolsSharer: true }
  if (sharer.boundSeller) return { sellerId: sharer.boundSeller.sellerId, openid: sharer.boundSeller.openid, enrolsSharer: false }
  return undefined
}

/** The customer who opened the share, as loaded from the store. */
export interface CustomerSnapshot {
  openid: string
  /** The customer's own seller id, if they are a seller themselves (any status). */
  ownSellerId?: string
  binding?: { sellerId: string; boundAt: number }
}

export type NoBindingReason =
  /** No identity (Moments single-page mode): the open is recorded, nobody is bound. */
  | 'anonymous'
  /** The sharer can not be credited and has no seller of their own. */
  | 'noCreditableSeller'
  /** The customer would be bound to themselves. */
  | 'selfReferral'
  /** The target seller is bound to the customer: binding back would make an A<->B loop. */
  | 'loop'
  /** Already bound to this seller. */
  | 'alreadyBound'
  /** Bound to another seller, and the rule keeps that binding. */
  | 'keptExisting'

export type BindingDecision =
  | { bind: true; target: CreditTarget; replacesSellerId?: string }
  | { bind: false; reason: NoBindingReason; target?: CreditTarget }

/**
 * Binds a customer by the store's rule: permanent first touch keeps the first seller forever;
 * first touch with a window protects it for `windowDays` after binding, then the next other
 * seller's touch rebinds (until then the binding stays and keeps crediting orders); last touch always moves to the newest seller. Refuses self-referral and A<->B loops
 * (`targetBoundToSellerId` is the seller the target seller is bound to as a customer).
 */
export function decideBinding(input: {
  customer: CustomerSnapshot | undefined
  sharer: SharerSnapshot
  targetBoundToSellerId?: string
  rule: BindingRule
  now: number
}): BindingDecision {
  const { customer, sharer, rule, now } = input
  const target = creditTargetOf(sharer, rule.sharePolicy)
  if (!customer) return target ? { bind: false, reason: 'anonymous', target } : { bind: false, reason: 'anonymous' }
  if (!target) return { bind: false, reason: 'noCreditableSeller' }
  if (target.openid === customer.openid || (customer.ownSellerId !== undefined && target.sellerId === customer.ownSellerId)) {
    return { bind: false, reason: 'selfReferral', target }
  }
  if (customer.ownSellerId !== undefined && input.targetBoundToSellerId === customer.ownSellerId) return { bind: false, reason: 'loop', target }
  const current = customer.binding
  if (!current) return { bind: true, target }
  if (current.sellerId === target.sellerId) return { bind: false, reason: 'alreadyBound', target }
  if (rule.mode === 'permanentFirstTouch') return { bind: false, reason: 'keptExisting', target }
  if (rule.mode === 'firstTouchWindow' && now < current.boundAt + rule.windowDays * DAY_MS) return { bind: false, reason: 'keptExisting', target }
  return { bind: true, target, replacesSellerId: current.sellerId }
}
