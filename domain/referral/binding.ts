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
  /**
   * `windowFrom`: when the protection window of `firstTouchWindow` started: the binding, or the
   * bound seller's own touch that renewed a lapsed window (absent: `boundAt`).
   */
  binding?: { sellerId: string; boundAt: number; windowFrom?: number }
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
  /** `renewsWindow`: the bound seller touched the customer again after the window lapsed: it protects them again from now on. */
  | { bind: false; reason: NoBindingReason; target?: CreditTarget; renewsWindow?: true }

/**
 * Binds a customer by the store's rule: permanent first touch keeps the first seller forever;
 * last touch always moves to the newest seller; first touch with a window protects the binding
 * from other sellers for `windowDays` after it started. A lapsed window does not unbind: the
 * customer stays their seller's customer and their orders keep crediting that seller, until a
 * touch decides anew. Another seller's touch then rebinds (and a new window starts for that
 * seller); the bound seller's own touch renews the window from now (`renewsWindow`, not a new
 * binding: `boundAt` stays). Inside the window the seller's own touches change nothing. Refuses
 * self-referral and A<->B loops (`targetBoundToSellerId` is the seller the target seller is bound
 * to as a customer).
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
  const windowOpen = now < (current.windowFrom ?? current.boundAt) + rule.windowDays * DAY_MS
  if (current.sellerId === target.sellerId) {
    return rule.mode === 'firstTouchWindow' && !windowOpen ? { bind: false, reason: 'alreadyBound', target, renewsWindow: true } : { bind: false, reason: 'alreadyBound', target }
  }
  if (rule.mode === 'permanentFirstTouch') return { bind: false, reason: 'keptExisting', target }
  if (rule.mode === 'firstTouchWindow' && windowOpen) return { bind: false, reason: 'keptExisting', target }
  return { bind: true, target, replacesSellerId: current.sellerId }
}
