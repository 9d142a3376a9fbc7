/**
 * Holdout validation: mean actual vs model-expected purchases in the holdout period, by
 * calibration repeat purchases (0, 1, ..., k-1, k+), as in the BTYD walkthrough table.
 */
import type { HoldoutRow } from './charts'
import type { CustomerSummary } from './summary'

/** Returns one row per calibration frequency bucket 0..lastBucket-1 and lastBucket+ (empty buckets left out). */
export function holdoutTable(
  summaries: readonly CustomerSummary[],
  expectedHoldoutPurchases: (summary: CustomerSummary) => number,
  lastBucket = 7,
): HoldoutRow[] {
  const buckets = Array.from({ length: lastBucket + 1 }, () => ({ customers: 0, actual: 0, expected: 0 }))
  for (const summary of summaries) {
    const bucket = buckets[Math.min(summary.x, lastBucket)]
    bucket.customers++
    bucket.actual += summary.holdoutPurchases
    bucket.expected += expectedHoldoutPurchases(summary)
  }
  const rows: HoldoutRow[] = []
  buckets.forEach((bucket, x) => {
    if (bucket.customers === 0) return
    rows.push({ label: x === lastBucket ? `${x}+` : String(x), customers: bucket.customers, actual: bucket.actual / bucket.customers, expected: bucket.expected / bucket.customers })
  })
  return rows
}
