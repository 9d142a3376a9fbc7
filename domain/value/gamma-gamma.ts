/**
 * Gamma-Gamma spend model (Fader & Hardie 2013, note 025): a customer's spend per purchase-day
 * is Gamma(p, ν), ν ~ Gamma(q, γ) across customers; fitted on repeat customers with positive
 * mean repeat spend. `gamma` carries the money unit of the data it was fitted on.
 */
import type { GammaGammaParams } from '../../typings/value'
import { ValueFitError, ValueInputError } from './errors'
import { minimize } from './optimize'
import { finishFit, type FitOptions, type FitResult } from './pareto-nbd'
import { gammaln } from './special'

/** Returns ln f(m̄ | p, q, γ, x), the density of a customer's mean spend m̄ over x purchases (eq. 1a). */
export function gammaGammaLogLikelihood(g: GammaGammaParams, meanSpend: number, x: number): number {
  const { p, q, gamma } = g
  const px = p * x
  return gammaln(px + q) - gammaln(px) - gammaln(q) + q * Math.log(gamma) + (px - 1) * Math.log(meanSpend) + px * Math.log(x) - (px + q) * Math.log(gamma + meanSpend * x)
}

const fromLog = (theta: ArrayLike<number>): GammaGammaParams => ({ p: Math.exp(theta[0]), q: Math.exp(theta[1]), gamma: Math.exp(theta[2]) })

/**
 * Fits Gamma-Gamma by maximum likelihood on the customers with x > 0 and positive mean spend
 * (the others carry no spend information and are skipped); converged fit or ValueFitError.
 */
export function fitGammaGamma(columns: { x: ArrayLike<number>; meanSpend: ArrayLike<number> }, options: FitOptions = {}): FitResult<GammaGammaParams> {
  const byKey = new Map<string, { x: number; meanSpend: number; weight: number }>()
  let spendSum = 0
  for (let i = 0; i < columns.x.length; i++) {
    const x = columns.x[i]
    const meanSpend = columns.meanSpend[i]
    if (!(Number.isInteger(x) && x >= 0)) throw new ValueInputError('INVALID_SUMMARY', `customer ${i + 1}: x must be a whole number >= 0, got ${x}`)
    if (!(meanSpend >= 0 && Number.isFinite(meanSpend))) throw new ValueInputError('INVALID_SUMMARY', `customer ${i + 1}: mean spend must be >= 0, got ${meanSpend}`)
    if (x === 0 || meanSpend === 0) continue
    const key = `${x}|${meanSpend}`
    const group = byKey.get(key)
    if (group) group.weight++
    else byKey.set(key, { x, meanSpend, weight: 1 })
    spendSum += meanSpend
  }
  const groups = Array.from(byKey.values())
  const customers = groups.reduce((sum, group) => sum + group.weight, 0)
  if (customers < 2) throw new ValueFitError('TOO_FEW_CUSTOMERS', 'a Gamma-Gamma fit needs at least two repeat customers with spend')
  const objective = (theta: Float64Array): number => {
    const params = fromLog(theta)
    let total = 0
    for (const group of groups) total += group.weight * gammaGammaLogLikelihood(params, group.meanSpend, group.x)
    return -total
  }
  // Start at p = q = 1 with γ at the mean spend's scale, so the money unit does not matter.
  const start = [0, 0, Math.log(spendSum / customers)]
  const progress = options.onProgress ? (evaluations: number, value: number) => options.onProgress?.(evaluations, -value) : undefined
  const result = minimize(objective, start, { onProgress: progress })
  return finishFit(result, customers, fromLog, options, 'Gamma-Gamma')
}

/** Returns the population mean spend per purchase-day pγ/(q-1); Infinity when q <= 1. */
export function gammaGammaPopulationMean(g: GammaGammaParams): number {
  return g.q > 1 ? (g.p * g.gamma) / (g.q - 1) : Infinity
}

/** Returns E(M | m̄, x) (eq. 5): the population mean for x = 0, shrinking towards m̄ as x grows. */
export function gammaGammaConditionalSpend(g: GammaGammaParams, meanSpend: number, x: number): number {
  const { p, q, gamma } = g
  if (!(q > 1)) return Infinity
  if (x === 0) return (p * gamma) / (q - 1)
  return (p * gamma + p * x * meanSpend) / (p * x + q - 1)
}
