/**
 * BG/NBD (Fader, Hardie & Lee 2005): Poisson(λ) purchases, after each repeat purchase the
 * customer drops out with probability p; λ ~ Gamma(r, α), p ~ Beta(a, b). Every one-time
 * buyer is alive under this model (P(alive) = 1 at x = 0), which is why Pareto/NBD is the
 * default for scores.
 */
import type { BgNbdParams } from '../../typings/value'
import { ValueFitError, ValueInputError } from './errors'
import { groupSummaries, type GroupedSummaries, type SummaryColumns } from './grouping'
import { minimize } from './optimize'
import { finishFit, type FitOptions, type FitResult } from './pareto-nbd'
import { gammaln, gaussLegendreUnit, hyp2f1Series, logAddExp, scaledUpperGamma } from './special'

/** Returns the BG/NBD log-likelihood of one customer (FHL 2005 eq. 6 in its log form). */
export function bgNbdLogLikelihood(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha)
  const a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
  const a3 = -(r + x) * Math.log(alpha + T)
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity
  return a1 + a2 + logAddExp(a3, a4)
}

/** Returns the summed log-likelihood of grouped customers. */
export function bgNbdGroupedLogLikelihood(p: BgNbdParams, groups: GroupedSummaries): number {
  const { r, alpha, a, b } = p
  const { xValues, pairTime, tripleX, tripleTxPair, tripleTPair, tripleWeight } = groups
  const perX = new Float64Array(xValues.length)
  const logA = Math.log(a)
  const base = -gammaln(r) + r * Math.log(alpha) + gammaln(a + b) - gammaln(b)
  for (let k = 0; k < xValues.length; k++) {
    const x = xValues[k]
    perX[k] = base + gammaln(r + x) + gammaln(b + x) - gammaln(a + b + x)
  }
  let total = 0
  for (let i = 0; i < tripleX.length; i++) {
    const x = xValues[tripleX[i]]
    const T = pairTime[tripleTPair[i]]
    const tx = pairTime[tripleTxPair[i]]
    const a3 = -(r + x) * Math.log(alpha + T)
    const a4 = x > 0 ? logA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity
    total += tripleWeight[i] * (perX[tripleX[i]] + logAddExp(a3, a4))
  }
  return total
}

const fromLog = (theta: ArrayLike<number>): BgNbdParams => ({
  r: Math.exp(theta[0]),
  alpha: Math.exp(theta[1]),
  a: Math.exp(theta[2]),
  b: Math.exp(theta[3]),
})

/** Fits BG/NBD by maximum likelihood; a converged fit or a ValueFitError, as for Pareto/NBD. */
export function fitBgNbd(columns: SummaryColumns, options: FitOptions = {}): FitResult<BgNbdParams> {
  const groups = groupSummaries(columns, (index, problem) => {
    throw new ValueInputError('INVALID_SUMMARY', `customer ${index + 1}: ${problem}`)
  })
  if (groups.customers < 2) throw new ValueFitError('TOO_FEW_CUSTOMERS', 'a BG/NBD fit needs customers')
  const progress = options.onProgress ? (evaluations: number, value: number) => options.onProgress?.(evaluations, -value) : undefined
  const result = minimize((theta) => -bgNbdGroupedLogLikelihood(fromLog(theta), groups), [0, 0, 0, 0], { onProgress: progress })
  return finishFit(result, groups.customers, fromLog, options, 'BG/NBD')
}

/** Returns P(alive at T | x, t_x, T); exactly 1 for x = 0. */
export function bgNbdPAlive(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1
  const { r, alpha, a, b } = p
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))
  return 1 / (1 + Math.exp(logOdds))
}

/**
 * E[Y(t)] numerator of FHL eq. 10 after Euler's transformation, which cancels the large powers:
 * (a+b+x-1)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)], z = t/(α+T+t).
 */
function expectedIfAlive(p: BgNbdParams, x: number, T: number, t: number): number {
  const { r, alpha, a, b } = p
  const z = t / (alpha + T + t)
  const c = a + b + x - 1
  const hyper = hyp2f1Series(a + b - 1 - r, a - 1, c, z)
  if (Math.abs(a - 1) < 1e-9) {
    // Limit a -> 1 of the expression, by a symmetric difference around a = 1.
    return 0.5 * (expectedIfAlive({ ...p, a: 1 + 1e-6 }, x, T, t) + expectedIfAlive({ ...p, a: 1 - 1e-6 }, x, T, t))
  }
  // The series can cancel to a few ulps around a true value near 0; then 1 - (1-z)^(a-1) F is 1 to working precision.
  if (hyper > 0) return (c / (a - 1)) * -Math.expm1((a - 1) * Math.log1p(-z) + Math.log(hyper))
  return (c / (a - 1)) * (1 - Math.pow(1 - z, a - 1) * hyper)
}

/** Returns E[X(t)], the expected purchases of a new customer in (0, t] (FHL eq. 9). */
export function bgNbdExpectedPurchases(p: BgNbdParams, t: number): number {
  return expectedIfAlive(p, 0, 0, t)
}

/** Returns E[Y(t) | x, t_x, T], the expected purchases in (T, T + t] (FHL eq. 10). */
export function bgNbdConditionalExpectedPurchases(p: BgNbdParams, x: number, tx: number, T: number, t: number): number {
  const { r, alpha, a, b } = p
  const odds = x > 0 ? (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 0
  return expectedIfAlive(p, x, T, t) / (1 + odds)
}

/** Returns P(X(t) = n) for a new customer (FHL eq. 8), computed in log space. */
export function bgNbdProbabilityOfPurchases(p: BgNbdParams, t: number, n: number): number {
  const { r, alpha, a, b } = p
  const logBeta = (u: number, v: number) => gammaln(u) + gammaln(v) - gammaln(u + v)
  const logFirst =
    logBeta(a, b + n) - logBeta(a, b) + gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * Math.log(alpha / (alpha + t)) + n * Math.log(t / (alpha + t))
  let value = Math.exp(logFirst)
  if (n > 0) {
    // Σ_{j=0}^{n-1} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j
    let tail = 0
    for (let j = 0; j < n; j++) tail += Math.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + j * Math.log(t / (alpha + t)))
    const weight = Math.exp(logBeta(a + 1, b + n - 1) - logBeta(a, b))
    value += weight * (1 - Math.pow(alpha / (alpha + t), r) * tail)
  }
  return value
}

const QUADRATURE = gaussLegendreUnit(48)

/**
 * Returns DERT under BG/NBD at a continuous weekly discount rate: P(alive) E[λ / (rate + pλ)]
 * over the alive posterior λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x) (each future purchase is
 * followed by dropout with probability p). The λ expectation is closed form through the
 * scaled incomplete gamma; the p expectation is Gauss–Legendre after p = v^(1/a).
 */
export function bgNbdDert(p: BgNbdParams, x: number, tx: number, T: number, weeklyRate: number): number {
  if (!(weeklyRate > 0)) throw new ValueInputError('INVALID_OPTION', `the discount rate must be > 0, got ${weeklyRate}`)
  const { r, alpha, a, b } = p
  const shape = r + x
  const rate = alpha + T
  const dropoutB = b + x
  let weighted = 0
  let weights = 0
  for (let i = 0; i < QUADRATURE.nodes.length; i++) {
    const v = QUADRATURE.nodes[i]
    const dropout = Math.pow(v, 1 / a)
    const weight = QUADRATURE.weights[i] * Math.pow(1 - dropout, dropoutB - 1)
    if (!(weight > 0)) continue
    // E_λ[λ/(δ+pλ)] = (k/p) G(-k, y), y = (α+T)δ/p, k = r + x.
    const y = (rate * weeklyRate) / dropout
    weighted += weight * (shape / dropout) * scaledUpperGamma(-shape, y)
    weights += weight
  }
  return bgNbdPAlive(p, x, tx, T) * (weighted / weights)
}
