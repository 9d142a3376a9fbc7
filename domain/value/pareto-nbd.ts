/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie's notes): purchases are
 * Poisson(λ) while alive, lifetimes exponential(μ), λ ~ Gamma(r, α), μ ~ Gamma(s, β).
 * Likelihood in log space with the two-case 2F1 form (z = |α-β| / (max(α,β) + t) < 1), the
 * difference A0 taken as log1mexp, and t_x = T handled as A0 = 0 (ln A0 = -∞).
 */
import type { ParetoNbdParams } from '../../typings/value'
import { ValueFitError, ValueInputError } from './errors'
import { groupSummaries, subsampleGroups, type GroupedSummaries, type SummaryColumns } from './grouping'
import { invertPositiveDefinite, minimize } from './optimize'
import { gammaln, log1mExp, logAddExp, logHyp2f1Positive, scaledUpperGamma } from './special'

export interface FitResult<P> {
  params: P
  logLikelihood: number
  converged: boolean
  customers: number
  evaluations: number
  /** Largest |∂LL/∂ln θ| at the estimate. */
  gradientNorm: number
  /** Asymptotic standard errors (delta method from the log-parameter Hessian), null when unavailable. */
  standardErrors: P | null
}

export interface FitOptions {
  /** Return a non-converged fit with converged:false instead of throwing NOT_CONVERGED. */
  allowNotConverged?: boolean
  onProgress?: (evaluations: number, logLikelihood: number) => void
}

/** ln of (α+y)^-(r+s+x) 2F1(...) — the pieces whose difference is A0. */
function logA0Piece(r: number, alpha: number, s: number, beta: number, x: number, y: number): number {
  const a = r + s + x
  if (alpha >= beta) {
    return logHyp2f1Positive(a, s + 1, a + 1, (alpha - beta) / (alpha + y)) - a * Math.log(alpha + y)
  }
  return logHyp2f1Positive(a, r + x, a + 1, (beta - alpha) / (beta + y)) - a * Math.log(beta + y)
}

interface SharedSeries {
  coefficients: Float64Array
  terms: number
  a: number
  rho: number
  gap: number
}

const SHARED_TERMS = 400
const sharedCoefficients = new Float64Array(SHARED_TERMS + 1)

/**
 * The 2F1 coefficients of logA0Piece depend on x but not on y; when the series converges for
 * the largest z of this x (its smallest y) within SHARED_TERMS, every pair of this x is a
 * polynomial in z evaluated by Horner's rule. Null when that does not hold (use the series).
 */
function sharedSeries(r: number, alpha: number, s: number, beta: number, x: number, minTime: number): SharedSeries | null {
  const a = r + s + x
  const b = alpha >= beta ? s + 1 : r + x
  const rho = Math.max(alpha, beta)
  const gap = Math.abs(alpha - beta)
  const zMax = gap / (rho + minTime)
  const coefficients = sharedCoefficients
  coefficients[0] = 1
  let power = 1
  for (let n = 0; n < SHARED_TERMS; n++) {
    const ratio = ((a + n) * (b + n)) / ((a + 1 + n) * (n + 1))
    coefficients[n + 1] = coefficients[n] * ratio
    power *= zMax
    if (!Number.isFinite(coefficients[n + 1])) return null
    if (coefficients[n + 1] * power <= 1e-17 && ratio * zMax < 1) return { coefficients, terms: n + 2, a, rho, gap }
  }
  return null
}

function logA0PieceFromSeries(series: SharedSeries, y: number): number {
  const z = series.gap / (series.rho + y)
  const { coefficients, terms } = series
  let sum = coefficients[terms - 1]
  for (let n = terms - 2; n >= 0; n--) sum = sum * z + coefficients[n]
  return Math.log(sum) - series.a * Math.log(series.rho + y)
}

/** ln of the two likelihood terms: alive at T (term1) and died between t_x and T (term2). */
function logTerms(p: ParetoNbdParams, x: number, tx: number, T: number): { alive: number; died: number } {
  const { r, alpha, s, beta } = p
  const alive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T)
  if (tx >= T) return { alive, died: -Infinity }
  const atTx = logA0Piece(r, alpha, s, beta, x, tx)
  const atT = logA0Piece(r, alpha, s, beta, x, T)
  const died = Math.log(s / (r + s + x)) + atTx + log1mExp(Math.min(atT - atTx, 0))
  return { alive, died }
}

/** Returns the Pareto/NBD log-likelihood of one customer (x, t_x, T in weeks); NaN only on invalid params. */
export function paretoNbdLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p
  const { alive, died } = logTerms(p, x, tx, T)
  return gammaln(r + x) - gammaln(r) + r * Math.log(alpha) + s * Math.log(beta) + logAddExp(alive, died)
}

/** Returns the summed log-likelihood of grouped customers; NaN when any term cannot be evaluated. */
export function paretoNbdGroupedLogLikelihood(p: ParetoNbdParams, groups: GroupedSummaries, scratch?: Float64Array): number {
  const { r, alpha, s, beta } = p
  const { xValues, pairX, pairTime } = groups
  const pairCount = pairX.length
  const buffer = scratch && scratch.length >= 2 * pairCount ? scratch : new Float64Array(2 * pairCount)
  // Per (x, y) pair: ln A0 piece at y and the "alive at y" term -(r+x) ln(α+y) - s ln(β+y).
  for (let k = 0; k < xValues.length; k++) {
    const x = xValues[k]
    const from = groups.pairsByXStart[k]
    const to = groups.pairsByXStart[k + 1]
    const shared = sharedSeries(r, alpha, s, beta, x, groups.minTimeByX[k])
    for (let j = from; j < to; j++) {
      const i = groups.pairsByX[j]
      const y = pairTime[i]
      buffer[i] = shared ? logA0PieceFromSeries(shared, y) : logA0Piece(r, alpha, s, beta, x, y)
      buffer[pairCount + i] = -(r + x) * Math.log(alpha + y) - s * Math.log(beta + y)
    }
  }
  const constant = -gammaln(r) + r * Math.log(alpha) + s * Math.log(beta)
  const perX = new Float64Array(xValues.length)
  const share = new Float64Array(xValues.length)
  for (let k = 0; k < xValues.length; k++) {
    perX[k] = gammaln(r + xValues[k]) + constant
    share[k] = s / (r + s + xValues[k])
  }
  const { tripleX, tripleTxPair, tripleTPair, tripleWeight, tripleAtEnd } = groups
  let total = 0
  for (let i = 0; i < tripleX.length; i++) {
    const xIndex = tripleX[i]
    const TPair = tripleTPair[i]
    const alive = buffer[pairCount + TPair]
    let logTerm = alive
    if (!tripleAtEnd[i]) {
      const atTx = buffer[tripleTxPair[i]]
      const drop = Math.min(buffer[TPair] - atTx, 0)
      const gap = alive - atTx
      // ln(e^alive + share (e^atTx - e^atT)) = atTx + ln(e^gap - share expm1(drop)), unless e^gap overflows.
      logTerm = gap < 700 ? atTx + Math.log(Math.exp(gap) - share[xIndex] * Math.expm1(drop)) : logAddExp(alive, Math.log(share[xIndex]) + atTx + log1mExp(drop))
    }
    total += tripleWeight[i] * (perX[xIndex] + logTerm)
  }
  return total
}

const fromLog = (theta: ArrayLike<number>): ParetoNbdParams => ({
  r: Math.exp(theta[0]),
  alpha: Math.exp(theta[1]),
  s: Math.exp(theta[2]),
  beta: Math.exp(theta[3]),
})

/** Distinct triples above which the fit first runs on a systematic subsample to start near the optimum. */
const WARM_START_TRIPLES = 20000

/**
 * Fits Pareto/NBD by maximum likelihood over log-parameters; returns a converged fit or throws
 * ValueFitError (NOT_CONVERGED / TOO_FEW_CUSTOMERS) unless `allowNotConverged` is set.
 */
export function fitParetoNbd(columns: SummaryColumns, options: FitOptions = {}): FitResult<ParetoNbdParams> {
  const groups = groupSummaries(columns, (index, problem) => {
    throw new ValueInputError('INVALID_SUMMARY', `customer ${index + 1}: ${problem}`)
  })
  return fitParetoNbdGrouped(groups, options)
}

/** As `fitParetoNbd`, on customers already grouped. */
export function fitParetoNbdGrouped(groups: GroupedSummaries, options: FitOptions = {}): FitResult<ParetoNbdParams> {
  if (groups.customers < 2) throw new ValueFitError('TOO_FEW_CUSTOMERS', 'a Pareto/NBD fit needs customers')
  const scratch = new Float64Array(2 * groups.pairX.length)
  const objectiveOn = (data: GroupedSummaries) => (theta: Float64Array) => -paretoNbdGroupedLogLikelihood(fromLog(theta), data, scratch)
  const progress = options.onProgress ? (evaluations: number, value: number) => options.onProgress?.(evaluations, -value) : undefined
  let start: ArrayLike<number> = [0, 0, 0, 0]
  let nearOptimum = false
  if (groups.tripleX.length > WARM_START_TRIPLES) {
    const sample = subsampleGroups(groups, WARM_START_TRIPLES / 2)
    start = minimize(objectiveOn(sample), start, { valueTolerance: 1e-9, newtonIterations: 2, onProgress: progress }).theta
    nearOptimum = true
  }
  let result = minimize(objectiveOn(groups), start, { startNearOptimum: nearOptimum, initialStep: nearOptimum ? 0.05 : 0.5, onProgress: progress })
  if (!result.converged && nearOptimum) result = minimize(objectiveOn(groups), result.theta, { onProgress: progress })
  return finishFit(result, groups.customers, fromLog, options, 'Pareto/NBD')
}

/** Shared ending of the fits: standard errors, and the refusal to return an unconverged estimate silently. */
export function finishFit<P extends object>(
  result: ReturnType<typeof minimize>,
  customers: number,
  toParams: (theta: ArrayLike<number>) => P,
  options: FitOptions,
  modelName: string,
): FitResult<P> {
  const params = toParams(result.theta)
  let standardErrors: P | null = null
  const n = result.theta.length
  const covariance = result.hessian ? invertPositiveDefinite(result.hessian, n) : null
  if (covariance) {
    const values = Object.values(params) as number[]
    const errors = toParams(values.map((value, i) => Math.log(value * Math.sqrt(covariance[i * n + i]))))
    standardErrors = errors
  }
  const fit: FitResult<P> = {
    params,
    logLikelihood: -result.value,
    converged: result.converged,
    customers,
    evaluations: result.evaluations,
    gradientNorm: result.gradientNorm,
    standardErrors,
  }
  if (!fit.converged && !options.allowNotConverged) {
    throw new ValueFitError(
      'NOT_CONVERGED',
      `${modelName} fit did not converge (gradient ${result.gradientNorm.toExponential(2)}, log-likelihood ${fit.logLikelihood}); the data may not identify the model`,
      fit,
    )
  }
  return fit
}

/** Returns P(alive at T | x, t_x, T) in [0, 1]. */
export function paretoNbdPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { alive, died } = logTerms(p, x, tx, T)
  if (died === -Infinity) return 1
  return 1 / (1 + Math.exp(died - alive))
}

/** Returns (1 - (b/(b+t))^k) / k, continuous at k = 0 (where it is ln(1 + t/b)). */
function powerIncrement(b: number, t: number, k: number): number {
  const logRatio = Math.log1p(t / b)
  if (Math.abs(k) < 1e-10) return logRatio
  return -Math.expm1(-k * logRatio) / k
}

/** Returns E[X(t)], the expected purchases of a new customer in (0, t]. */
export function paretoNbdExpectedPurchases(p: ParetoNbdParams, t: number): number {
  return ((p.r * p.beta) / p.alpha) * powerIncrement(p.beta, t, p.s - 1)
}

/** Returns E[Y(t) | x, t_x, T], the expected purchases in (T, T + t]. */
export function paretoNbdConditionalExpectedPurchases(p: ParetoNbdParams, x: number, tx: number, T: number, t: number): number {
  return paretoNbdPAlive(p, x, tx, T) * paretoNbdExpectedPurchasesIfAlive(p, x, T, t)
}

/** Returns E[Y(t) | alive at T, x], the expected purchases in (T, T + t] of a customer known to be alive. */
export function paretoNbdExpectedPurchasesIfAlive(p: ParetoNbdParams, x: number, T: number, t: number): number {
  const { r, alpha, s, beta } = p
  return ((r + x) / (alpha + T)) * (beta + T) * powerIncrement(beta + T, t, s - 1)
}

/**
 * Returns DERT, the expected purchases from T on discounted continuously at `weeklyRate`
 * (> 0): P(alive) (r+x)/(α+T) (β+T) z^(s-1) e^z Γ(1-s, z) with z = rate (β+T).
 */
export function paretoNbdDert(p: ParetoNbdParams, x: number, tx: number, T: number, weeklyRate: number): number {
  if (!(weeklyRate > 0)) throw new ValueInputError('INVALID_OPTION', `the discount rate must be > 0, got ${weeklyRate}`)
  const z = weeklyRate * (p.beta + T)
  return paretoNbdPAlive(p, x, tx, T) * ((p.r + x) / (p.alpha + T)) * (p.beta + T) * scaledUpperGamma(1 - p.s, z)
}
