/**
 * Customer referral value (CRV) from the exact share graph (clv-models.md §6, after Kumar,
 * Petersen & Leone 2007/2010), reported beside CLV and never added to it:
 *
 *   CRV_i = Σ_j [ π_j (CLV_j + realised_j - M_j) + ACQ - a_j ]
 *
 * over i's first-generation referrals j who joined within `windowDays` of the share (365 by
 * default). π_j is the probability j would not have joined otherwise (0.5 by default, KPL's
 * roughly even split), ACQ the paid-channel acquisition cost the referral saved, a_j the
 * rewards paid, M_j retention spend. Every term is valued at the scoring day (CLV_j is already
 * discounted to it; realised margin is counted at face value), so the discount factor is 1.
 * Deviations from KPL, as in §6: a_j is subtracted for both referral types and ACQ1 = ACQ2.
 * Each referred customer credits one referrer only — the earliest qualifying share — and
 * referrals of referrals belong to the intermediate referrer, never counted twice.
 */
import type { ReferralEdge, ReferralValue, ReferredCustomerValue, StoreDay, ValueQuadrant } from '../../typings/value'
import { ValueInputError } from './errors'
import { dayNumber } from './summary'

export interface ReferralOptions {
  windowDays?: number
  /** Average paid-channel acquisition cost per customer, fen. */
  acquisitionCostFen?: number
  defaultIncrementalProbability?: number
}

/** Returns the CRV of every referrer in the graph, in fen, sorted by CRV (highest first). */
export function referralValues(
  edges: readonly ReferralEdge[],
  referredValue: (customerId: string) => ReferredCustomerValue | undefined,
  options: ReferralOptions = {},
): ReferralValue[] {
  const windowDays = options.windowDays ?? 365
  const acquisitionCostFen = options.acquisitionCostFen ?? 0
  const defaultProbability = options.defaultIncrementalProbability ?? 0.5
  const creditedEdge = new Map<string, { edge: ReferralEdge; sharedDay: number }>()
  for (const edge of edges) {
    const sharedDay = dayNumber(edge.sharedDay)
    const joinedDay = dayNumber(edge.joinedDay)
    const probability = edge.incrementalProbability ?? defaultProbability
    if (!(probability >= 0 && probability <= 1)) throw new ValueInputError('INVALID_OPTION', `incrementalProbability must be within 0..1, got ${probability}`)
    if (!(Number.isInteger(edge.rewardPaidFen) && edge.rewardPaidFen >= 0)) throw new ValueInputError('INVALID_AMOUNT', `rewardPaidFen must be whole fen >= 0, got ${edge.rewardPaidFen}`)
    if (edge.referrerId === edge.referredId) continue
    if (joinedDay < sharedDay || joinedDay - sharedDay > windowDays) continue
    const current = creditedEdge.get(edge.referredId)
    if (!current || sharedDay < current.sharedDay) creditedEdge.set(edge.referredId, { edge, sharedDay })
  }
  const byReferrer = new Map<string, ReferralValue>()
  for (const { edge } of creditedEdge.values()) {
    const probability = edge.incrementalProbability ?? defaultProbability
    const value = referredValue(edge.referredId)
    const customerValue = value ? value.clvFen + value.realisedMarginFen - (value.retentionCostFen ?? 0) : 0
    const contribution = probability * customerValue + acquisitionCostFen - edge.rewardPaidFen
    const entry = byReferrer.get(edge.referrerId) ?? { referrerId: edge.referrerId, crvFen: 0, referrals: 0, incrementalReferrals: 0 }
    entry.crvFen += contribution
    entry.referrals += 1
    entry.incrementalReferrals += probability
    byReferrer.set(edge.referrerId, entry)
  }
  return Array.from(byReferrer.values())
    .map((entry) => ({ ...entry, crvFen: Math.round(entry.crvFen) }))
    .sort((a, b) => b.crvFen - a.crvFen)
}

/**
 * Returns the KPL quadrant of a customer: champion (CLV and CRV at or above the thresholds),
 * affluent (CLV only), advocate (CRV only), miser (neither).
 */
export function valueQuadrant(clvFen: number, crvFen: number, thresholds: { clvFen: number; crvFen: number }): ValueQuadrant {
  const highClv = clvFen >= thresholds.clvFen
  const highCrv = crvFen >= thresholds.crvFen && crvFen > 0
  if (highClv && highCrv) return 'champion'
  if (highClv) return 'affluent'
  if (highCrv) return 'advocate'
  return 'miser'
}

/** Returns quadrant thresholds at the medians of CLV and of positive CRV. */
export function quadrantThresholds(clvFen: readonly number[], crvFen: readonly number[]): { clvFen: number; crvFen: number } {
  const median = (values: readonly number[]): number => {
    if (values.length === 0) return 0
    const sorted = [...values].sort((a, b) => a - b)
    const middle = sorted.length >> 1
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
  return { clvFen: median(clvFen), crvFen: median(crvFen.filter((value) => value > 0)) }
}

/** One customer bound through a referrer's share code, as the store keeps them. */
export interface ReferredThroughCode {
  customerId: string
  /** Store day of the binding (the share was opened then). */
  boundDay: StoreDay
  /** Store day of their first paid purchase; absent before it. */
  firstPurchaseDay?: StoreDay
  /** Their stored CLV (null or absent: no model value yet). */
  clvFen: number | null
  /** What they have paid so far, fen. */
  spendFen: number
}

/**
 * The CRV of one referrer from the customers bound through their code: each is an edge from the
 * binding day to their first purchase (a customer who bought before the binding was not
 * brought by it; one who has not bought yet joined on the binding day and is worth their CLV
 * only), valued at CLV plus realised margin (spend x margin). No rewards are subtracted here.
 * The result does not depend on the order of `referred`.
 */
export function referralValueOfReferrer(referrerId: string, referred: readonly ReferredThroughCode[], margin: number, options: ReferralOptions = {}): ReferralValue {
  // in id order, so the same customers give the same fen whatever order they were read in
  const sorted = [...referred].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))
  const byId = new Map(sorted.map((r) => [r.customerId, r]))
  const edges: ReferralEdge[] = sorted.map((r) => ({
    referrerId,
    referredId: r.customerId,
    sharedDay: r.boundDay,
    joinedDay: r.firstPurchaseDay ?? r.boundDay,
    rewardPaidFen: 0,
  }))
  const [value] = referralValues(
    edges,
    (id) => {
      const r = byId.get(id)
      return r ? { clvFen: r.clvFen ?? 0, realisedMarginFen: r.spendFen * margin } : undefined
    },
    options,
  )
  return value ?? { referrerId, crvFen: 0, referrals: 0, incrementalReferrals: 0 }
}
