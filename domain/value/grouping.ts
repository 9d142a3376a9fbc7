/**
 * Groups customers by identical (x, t_x, T) so a likelihood is evaluated once per distinct
 * triple, and the expensive parts once per distinct (x, t_x) and (x, T) pair.
 */

export interface SummaryColumns {
  x: ArrayLike<number>
  tx: ArrayLike<number>
  T: ArrayLike<number>
}

export interface GroupedSummaries {
  customers: number
  /** Distinct repeat counts. */
  xValues: Float64Array
  /** Distinct (x, y) pairs: index into xValues and the time y (t_x or T). */
  pairX: Int32Array
  pairTime: Float64Array
  /** Pair indices ordered by x: those of xValues[k] are pairsByX[pairsByXStart[k] .. pairsByXStart[k+1]). */
  pairsByX: Int32Array
  pairsByXStart: Int32Array
  /** Smallest pair time per x. */
  minTimeByX: Float64Array
  /** Distinct triples: their x, weights (customer counts) and pair indices. */
  tripleX: Int32Array
  tripleTxPair: Int32Array
  tripleTPair: Int32Array
  tripleWeight: Float64Array
  /** True when t_x equals T for the triple (the last purchase happened on the calibration end). */
  tripleAtEnd: Uint8Array
}

/** Checks one customer summary; returns a message when it is not a valid (x, t_x, T). */
export function summaryProblem(x: number, tx: number, T: number): string | null {
  if (!(Number.isInteger(x) && x >= 0)) return `x must be a whole number >= 0, got ${x}`
  if (!(tx >= 0 && Number.isFinite(tx))) return `t_x must be finite and >= 0, got ${tx}`
  if (!(T >= tx && Number.isFinite(T))) return `T must be finite and >= t_x, got T=${T}, t_x=${tx}`
  if (x === 0 && tx !== 0) return `t_x must be 0 when x = 0, got ${tx}`
  return null
}

/** Groups validated summary columns into distinct triples and pairs; throws on an invalid row. */
export function groupSummaries(columns: SummaryColumns, onInvalid: (index: number, problem: string) => never): GroupedSummaries {
  const n = columns.x.length
  const xIndexOf = new Map<number, number>()
  const xValues: number[] = []
  const pairIndexOf = new Map<number | string, number>()
  const pairX: number[] = []
  const pairTime: number[] = []
  const tripleIndexOf = new Map<number | string, number>()
  const tripleX: number[] = []
  const tripleTxPair: number[] = []
  const tripleTPair: number[] = []
  const tripleWeight: number[] = []
  const tripleAtEnd: number[] = []

  // Whole days (t*7 integral, below 2^20) and x below 2^12 pack exactly into one number key.
  let dayKeys = true
  for (let i = 0; i < n && dayKeys; i++) {
    const txDays = columns.tx[i] * 7
    const TDays = columns.T[i] * 7
    if (Math.abs(txDays - Math.round(txDays)) > 1e-7 || Math.abs(TDays - Math.round(TDays)) > 1e-7 || TDays >= 1 << 20 || columns.x[i] >= 1 << 12) {
      dayKeys = false
    }
  }
  const timeKey = (time: number): number | string => (dayKeys ? Math.round(time * 7) : time)
  const pairKey = (xIndex: number, time: number): number | string => {
    const key = timeKey(time)
    return typeof key === 'number' ? xIndex * 1048576 + key : `${xIndex}|${key}`
  }

  const internPair = (xIndex: number, time: number): number => {
    const key = pairKey(xIndex, time)
    let index = pairIndexOf.get(key)
    if (index === undefined) {
      index = pairX.length
      pairIndexOf.set(key, index)
      pairX.push(xIndex)
      pairTime.push(time)
    }
    return index
  }

  for (let i = 0; i < n; i++) {
    const x = columns.x[i]
    const tx = columns.tx[i]
    const T = columns.T[i]
    const problem = summaryProblem(x, tx, T)
    if (problem) onInvalid(i, problem)
    let xIndex = xIndexOf.get(x)
    if (xIndex === undefined) {
      xIndex = xValues.length
      xIndexOf.set(x, xIndex)
      xValues.push(x)
    }
    const txPair = internPair(xIndex, tx)
    const TPair = internPair(xIndex, T)
    const key = dayKeys ? txPair * 4194304 + Math.round(T * 7) : `${txPair}|${T}`
    let triple = tripleIndexOf.get(key)
    if (triple === undefined) {
      triple = tripleX.length
      tripleIndexOf.set(key, triple)
      tripleX.push(xIndex)
      tripleTxPair.push(txPair)
      tripleTPair.push(TPair)
      tripleWeight.push(0)
      tripleAtEnd.push(tx === T ? 1 : 0)
    }
    tripleWeight[triple] += 1
  }
  const pairsByXStart = new Int32Array(xValues.length + 1)
  const minTimeByX = new Float64Array(xValues.length).fill(Infinity)
  for (let i = 0; i < pairX.length; i++) {
    pairsByXStart[pairX[i] + 1]++
    minTimeByX[pairX[i]] = Math.min(minTimeByX[pairX[i]], pairTime[i])
  }
  for (let k = 0; k < xValues.length; k++) pairsByXStart[k + 1] += pairsByXStart[k]
  const pairsByX = new Int32Array(pairX.length)
  const cursor = pairsByXStart.slice(0, xValues.length)
  for (let i = 0; i < pairX.length; i++) pairsByX[cursor[pairX[i]]++] = i
  return {
    customers: n,
    xValues: Float64Array.from(xValues),
    pairX: Int32Array.from(pairX),
    pairTime: Float64Array.from(pairTime),
    pairsByX,
    pairsByXStart,
    minTimeByX,
    tripleX: Int32Array.from(tripleX),
    tripleTxPair: Int32Array.from(tripleTxPair),
    tripleTPair: Int32Array.from(tripleTPair),
    tripleWeight: Float64Array.from(tripleWeight),
    tripleAtEnd: Uint8Array.from(tripleAtEnd),
  }
}

/**
 * Returns a smaller grouping whose log-likelihood is about the full one divided by `stride`:
 * triples holding at least `stride` customers are all kept with their weight divided by the
 * stride; of the lighter ones every stride-th is kept at its own weight. Used only to find a
 * start near the optimum, never for the estimate itself.
 */
export function subsampleGroups(groups: GroupedSummaries, maxTriples: number): GroupedSummaries {
  const total = groups.tripleX.length
  if (total <= maxTriples) return groups
  const stride = Math.ceil(total / maxTriples)
  const picked: number[] = []
  const weights: number[] = []
  let light = 0
  for (let i = 0; i < total; i++) {
    const weight = groups.tripleWeight[i]
    if (weight >= stride) {
      picked.push(i)
      weights.push(weight / stride)
    } else if (light++ % stride === 0) {
      picked.push(i)
      weights.push(weight)
    }
  }
  const pick = <T extends Int32Array | Float64Array | Uint8Array>(source: T, make: (n: number) => T): T => {
    const out = make(picked.length)
    picked.forEach((index, k) => (out[k] = source[index]))
    return out
  }
  return {
    ...groups,
    customers: weights.reduce((sum, weight) => sum + weight, 0),
    tripleX: pick(groups.tripleX, (n) => new Int32Array(n)),
    tripleTxPair: pick(groups.tripleTxPair, (n) => new Int32Array(n)),
    tripleTPair: pick(groups.tripleTPair, (n) => new Int32Array(n)),
    tripleWeight: Float64Array.from(weights),
    tripleAtEnd: pick(groups.tripleAtEnd, (n) => new Uint8Array(n)),
  }
}
