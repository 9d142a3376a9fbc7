/** Summaries the benchmarks print. */

/** The p-th percentile (nearest rank) of a sample. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** A figure rounded for the JSON line. */
export const round = (n: number, digits: number) => Number(n.toFixed(digits))
