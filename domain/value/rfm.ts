/**
 * RFM quintile scores, the fallback ranking when a store cannot be modelled (Hughes; the R
 * package `rfm`): independent (not nested) quintile bins per dimension, cut at the 20/40/60/80th
 * percentiles (linear interpolation) of the store's customers. Bins are (lower cut, upper cut],
 * so tied customers always share a score (with many one-time buyers several cuts coincide and
 * they all score F=1). 5 is best: most recent, most
 * repeat purchase-days, highest total spend. RFM ranks; it is not a value (CLV is not monotone
 * in RFM cells, FHL 2005 JMR).
 */
import type { RfmCutpoints, RfmScore } from '../../typings/value'

const QUINTILE_PROBABILITIES = [0.2, 0.4, 0.6, 0.8]

/** Returns the 20/40/60/80th percentiles of `values` (linear interpolation); zeros when empty. */
export function quintileCutpoints(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values).sort()
  if (sorted.length === 0) return [0, 0, 0, 0]
  return QUINTILE_PROBABILITIES.map((probability) => {
    const position = probability * (sorted.length - 1)
    const lower = Math.floor(position)
    const upper = Math.min(lower + 1, sorted.length - 1)
    return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower])
  })
}

/** Returns the RFM cut points over a store's customers. */
export function rfmCutpoints(customers: ReadonlyArray<{ recencyDays: number; frequency: number; monetaryFen: number }>): RfmCutpoints {
  return {
    recencyDays: quintileCutpoints(customers.map((c) => c.recencyDays)),
    frequency: quintileCutpoints(customers.map((c) => c.frequency)),
    monetaryFen: quintileCutpoints(customers.map((c) => c.monetaryFen)),
  }
}

/** Returns 1..5 for a larger-is-better value: 1 + the number of cut points strictly below it. */
function higherIsBetter(value: number, cutpoints: readonly number[]): number {
  let score = 1
  for (const cut of cutpoints) if (cut < value) score++
  return score
}

/** Returns a customer's RFM scores against the store's cut points; each score is 1..5. */
export function rfmScore(recencyDays: number, frequency: number, monetaryFen: number, cutpoints: RfmCutpoints): RfmScore {
  const recency = 6 - higherIsBetter(recencyDays, cutpoints.recencyDays)
  const frequencyScore = higherIsBetter(frequency, cutpoints.frequency)
  const monetary = higherIsBetter(monetaryFen, cutpoints.monetaryFen)
  return { recency, frequency: frequencyScore, monetary, cell: `${recency}${frequencyScore}${monetary}` }
}
