/**
 * The customer segments this module owns. The backend and the pages use them as they are.
 * Rules are checked in the order below and the first that holds wins:
 *
 * | code      | label    | model-based rule (pnbd/bgnbd)               | RFM rule (cold start)      |
 * |-----------|----------|---------------------------------------------|----------------------------|
 * | new       | 新客户    | first purchase within the last 30 days      | same                       |
 * | lost      | 已流失    | P(alive) < 0.3                              | R = 1                      |
 * | at_risk   | 流失预警  | P(alive) < 0.7                              | R = 2                      |
 * | champion  | 高价值客户 | CLV in the store's top fifth (championClvFen) | F >= 4 and M >= 4          |
 * | loyal     | 忠实客户  | has repeat purchase-days (x >= 1)           | x >= 1                     |
 * | promising | 潜力客户  | everyone else: one purchase, likely active  | everyone else              |
 */
import type { SegmentCode } from '../../typings/value'

export const SEGMENT_LABELS: Readonly<Record<SegmentCode, string>> = {
  new: '新客户',
  lost: '已流失',
  at_risk: '流失预警',
  champion: '高价值客户',
  loyal: '忠实客户',
  promising: '潜力客户',
}

/** Segment codes in rule order (also a sensible display order, best last). */
export const SEGMENT_ORDER: readonly SegmentCode[] = ['new', 'lost', 'at_risk', 'champion', 'loyal', 'promising']

export const NEW_CUSTOMER_DAYS = 30
export const LOST_BELOW_P_ALIVE = 0.3
export const AT_RISK_BELOW_P_ALIVE = 0.7

/** Returns the segment of a modelled customer by the rules above. */
export function modelSegment(ageDays: number, x: number, pAlive: number, clvFen: number, championClvFen: number): SegmentCode {
  if (ageDays <= NEW_CUSTOMER_DAYS) return 'new'
  if (pAlive < LOST_BELOW_P_ALIVE) return 'lost'
  if (pAlive < AT_RISK_BELOW_P_ALIVE) return 'at_risk'
  if (clvFen >= championClvFen && clvFen > 0) return 'champion'
  if (x >= 1) return 'loyal'
  return 'promising'
}

/** Returns the segment of a customer from RFM scores only (stores without a usable model). */
export function rfmSegment(ageDays: number, x: number, recency: number, frequency: number, monetary: number): SegmentCode {
  if (ageDays <= NEW_CUSTOMER_DAYS) return 'new'
  if (recency === 1) return 'lost'
  if (recency === 2) return 'at_risk'
  if (frequency >= 4 && monetary >= 4) return 'champion'
  if (x >= 1) return 'loyal'
  return 'promising'
}
