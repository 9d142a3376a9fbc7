/**
 * When a pending credit becomes withdrawable: once its order is `completed` (the buyer confirmed
 * receipt, or it was completed automatically) and `coolingOffDays` have passed since
 * `completedAt`. The timer asks this of pending entries whose `checkAfter` has come, and an entry
 * not yet due is next looked at when it could first be due, so each pending entry is read about
 * once per cooling-off period, never on every run.
 */
import type { OrderStatus } from '../../typings/orders'

export const DAY_MS = 24 * 60 * 60 * 1000
/** The soonest an entry is looked at again (also the delay with a cooling-off of 0 days). */
export const RECHECK_MS = 60 * 60 * 1000

export interface OrderProgress {
  status: OrderStatus
  /** Epoch ms the order was completed; kept when a refund request reopens it. */
  completedAt: number | null
}

/** The earliest a credit of an order not completed at `at` could mature: completion comes later, then the cooling-off. */
export function earliestMaturity(coolingOffDays: number, at: number): number {
  return at + Math.max(coolingOffDays * DAY_MS, RECHECK_MS)
}

export type MaturityDecision = { mature: true } | { mature: false; checkAfter: number }

/**
 * Whether a credit of an order in `order`'s state matures at `now` (epoch ms, read before the
 * order was), else the earliest time it could. An order not completed at `now` completes later,
 * so its credit cannot mature before now + cooling-off.
 */
export function decideMaturity(order: OrderProgress | undefined, coolingOffDays: number, now: number): MaturityDecision {
  const coolingMs = coolingOffDays * DAY_MS
  const completedAt = order?.completedAt ?? null
  if (order?.status === 'completed' && completedAt !== null) {
    const due = completedAt + coolingMs
    return due <= now ? { mature: true } : { mature: false, checkAfter: due }
  }
  // completed before and now in a refund request: due again as soon as the request is decided
  if (completedAt !== null && order?.status === 'refund_requested') return { mature: false, checkAfter: Math.max(completedAt + coolingMs, now + RECHECK_MS) }
  return { mature: false, checkAfter: earliestMaturity(coolingOffDays, now) }
}
