/**
 * Special functions the value models need, in log space where it matters. lnΓ and the
 * incomplete gamma come from @stdlib; the Gauss hypergeometric series and the scaled upper
 * incomplete gamma for negative orders are written here with explicit guards.
 */
import gammaln from '@stdlib/math-base-special-gammaln'
import gammainc from '@stdlib/math-base-special-gammainc'

export { gammaln }

/** Returns ln(e^a + e^b) without overflow; -Infinity when both are -Infinity. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b
  if (b === -Infinity) return a
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b))
}

/** Returns ln(1 - e^a) for a <= 0, accurate near 0 and near -Infinity; NaN for a > 0. */
export function log1mExp(a: number): number {
  if (a > 0) return NaN
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a))
}

/** Terms a hypergeometric series may take before it is declared not convergent. */
const MAX_SERIES_TERMS = 20000

/**
 * Returns ln 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1 (every term positive), summed with
 * rescaling so it never overflows; NaN when the series does not converge within the term cap
 * (callers treat NaN as an infeasible point, never as a value).
 */
export function logHyp2f1Positive(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1) || !(a > 0 && b > 0 && c > 0)) return NaN
  if (z === 0) return 0
  let term = 1
  let sum = 1
  let logScale = 0
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1))
    sum += term
    if (term <= 1e-16 * sum) {
      // Terms fall geometrically from here only once the ratio is below 1.
      const nextRatio = ((a + n + 1) * (b + n + 1) * z) / ((c + n + 1) * (n + 2))
      if (nextRatio < 1) return Math.log(sum) + logScale
    }
    if (sum > 1e280) {
      logScale += Math.log(sum)
      term /= sum
      sum = 1
    }
  }
  return NaN
}

/**
 * Returns 2F1(a, b; c; z) for real a, b, c (c not a non-positive integer) and |z| < 1 by the
 * plain series; NaN when it does not converge within the term cap.
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (!(Math.abs(z) < 1)) return NaN
  if (c <= 0 && Number.isInteger(c)) return NaN
  let term = 1
  let sum = 1
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1))
    sum += term
    if (term === 0) return sum
    if (Math.abs(term) <= 1e-16 * Math.abs(sum) && n > Math.abs(a) + Math.abs(b)) return sum
  }
  return NaN
}

/** Continued fraction for z^-a e^z Γ(a, z) (modified Lentz); used for z > max(4, a + 1), where it converges in a few dozen steps. */
function scaledUpperGammaFraction(a: number, z: number): number {
  const tiny = 1e-300
  let b = z + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-15) return h
  }
  return NaN
}

/**
 * z^-a e^z Γ(a, z) = z^-a e^z Γ(a) - Σ_n z^n / (a)_(n+1) for a > 0 and z <= max(4, a + 1), where the
 * lower series converges fast. Written here because @stdlib's gammainc takes 20-45 µs in this
 * region (tests check the two agree); lnΓ still comes from @stdlib.
 */
function scaledUpperGammaSeries(a: number, z: number): number {
  let term = 1 / a
  let lower = term
  for (let n = 1; n < 1000; n++) {
    term *= z / (a + n)
    lower += term
    if (term < 1e-17 * lower) break
  }
  return Math.exp(gammaln(a) - a * Math.log(z) + z) - lower
}

/** Returns Γ(a, z) from @stdlib (regularised upper tail times Γ(a)), for a > 0: the reference for the series above. */
export function upperIncompleteGamma(a: number, z: number): number {
  return gammainc(z, a, false, true)
}

/**
 * Returns G(a, z) = z^-a e^z Γ(a, z), the scaled upper incomplete gamma, for any real a and
 * z > 0 (for a = 1 - s this is z^(s-1) U(s, s, z), the Tricomi function in the DERT formula).
 * Non-positive integer orders are taken as the mean of the two neighbours 1e-6 away, where the
 * function is continuous.
 */
export function scaledUpperGamma(a: number, z: number): number {
  if (!(z > 0) || !Number.isFinite(a)) return NaN
  if (a <= 0 && Math.abs(a - Math.round(a)) < 1e-7) {
    const integer = Math.round(a)
    return 0.5 * (scaledUpperGammaOffInteger(integer - 1e-6, z) + scaledUpperGammaOffInteger(integer + 1e-6, z))
  }
  return scaledUpperGammaOffInteger(a, z)
}

function scaledUpperGammaOffInteger(a: number, z: number): number {
  if (z > Math.max(4, a + 1)) return scaledUpperGammaFraction(a, z)
  if (a > 0) return scaledUpperGammaSeries(a, z)
  // a < 0 and small z: recur down from the order in (0, 1]: G(a) = (z G(a+1) - 1) / a.
  const steps = Math.ceil(-a)
  const order = a + steps
  let value = scaledUpperGammaOffInteger(order, z)
  for (let k = order - 1; k >= a - 1e-9; k -= 1) value = (z * value - 1) / k
  return value
}

/** Returns n Gauss–Legendre nodes and weights on [0, 1]. */
export function gaussLegendreUnit(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n)
  const weights = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5))
    let derivative = 0
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1
      let p1 = x
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
        p0 = p1
        p1 = p2
      }
      derivative = (n * (x * p1 - p0)) / (x * x - 1)
      const step = p1 / derivative
      x -= step
      if (Math.abs(step) < 1e-15) break
    }
    nodes[i] = (1 - x) / 2
    weights[i] = 1 / ((1 - x * x) * derivative * derivative)
  }
  return { nodes, weights }
}
