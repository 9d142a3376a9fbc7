/**
 * Unconstrained minimisation for the maximum-likelihood fits: Nelder–Mead (adaptive
 * coefficients, restarted from its own best point) to get close, then Newton steps on a
 * finite-difference Hessian to land exactly and to certify the optimum (small gradient,
 * positive-definite Hessian). Objectives return NaN or Infinity for infeasible points.
 */

export type Objective = (theta: Float64Array) => number

export interface MinimizeOptions {
  /** Nelder–Mead stops when the simplex's values agree within this (absolute + relative). */
  valueTolerance?: number
  /** Nelder–Mead also waits until every vertex is this close to the best one, per coordinate. */
  simplexTolerance?: number
  /** Nelder–Mead evaluation budget across restarts. */
  maxEvaluations?: number
  /** Initial simplex step in each coordinate. */
  initialStep?: number
  /** Newton polish iterations (0 to skip). */
  newtonIterations?: number
  /** Largest |coordinate| allowed; a fit that runs to it is not converged. */
  bound?: number
  /** Skip Nelder–Mead and go straight to Newton steps (for a start already near the optimum). */
  startNearOptimum?: boolean
  /** Progress callback, called every so many evaluations with the best value so far. */
  onProgress?: (evaluations: number, best: number) => void
}

export interface MinimizeResult {
  theta: Float64Array
  value: number
  evaluations: number
  /** Largest |gradient| component at the result (finite differences). */
  gradientNorm: number
  /** True when the gradient vanishes, the Hessian is positive definite and no bound was hit. */
  converged: boolean
  /** Finite-difference Hessian at the result (row-major), when it could be formed. */
  hessian: Float64Array | null
}

/** Minimises `objective` from `start`, returning the best point and an honest convergence flag. */
export function minimize(objective: Objective, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const dimension = start.length
  const bound = options.bound ?? 30
  let evaluations = 0
  const safeObjective = (theta: Float64Array): number => {
    evaluations++
    for (let i = 0; i < dimension; i++) if (!(Math.abs(theta[i]) <= bound)) return Infinity
    const value = objective(theta)
    if (options.onProgress && evaluations % 2000 === 0) options.onProgress(evaluations, value)
    return Number.isFinite(value) ? value : Infinity
  }
  const valueTolerance = options.valueTolerance ?? 1e-7
  const maxEvaluations = options.maxEvaluations ?? 20000
  let best: Float64Array = Float64Array.from(start)
  let bestValue = safeObjective(best)
  if (!Number.isFinite(bestValue)) {
    return { theta: best, value: bestValue, evaluations, gradientNorm: NaN, converged: false, hessian: null }
  }
  let step = options.initialStep ?? 0.5
  const restarts = options.startNearOptimum ? 0 : 6
  for (let restart = 0; restart < restarts && evaluations < maxEvaluations; restart++) {
    const result = nelderMead(safeObjective, best, bestValue, step, valueTolerance, maxEvaluations - evaluations, options.simplexTolerance ?? 0.03)
    const improvement = bestValue - result.value
    best = result.theta
    bestValue = result.value
    step = 0.05
    if (restart > 0 && improvement <= valueTolerance * (1 + Math.abs(bestValue))) break
  }
  const newtonIterations = options.newtonIterations ?? 8
  let hessian: Float64Array | null = null
  let gradientNorm = NaN
  let positiveDefinite = false
  for (let iteration = 0; iteration <= newtonIterations; iteration++) {
    const local = localQuadratic(safeObjective, best, bestValue)
    hessian = local.hessian
    gradientNorm = maxAbs(local.gradient)
    const cholesky = choleskyFactor(local.hessian, dimension)
    positiveDefinite = cholesky !== null
    if (gradientNorm <= polishTolerance(bestValue) || iteration === newtonIterations) break
    const direction = cholesky ? choleskySolve(cholesky, local.gradient, dimension) : local.gradient.slice()
    let scale = 1
    let moved = false
    for (let halving = 0; halving < 30; halving++) {
      const trial = new Float64Array(dimension)
      for (let i = 0; i < dimension; i++) trial[i] = best[i] - scale * direction[i] * (cholesky ? 1 : 1e-3)
      const trialValue = safeObjective(trial)
      if (trialValue < bestValue) {
        best = trial
        bestValue = trialValue
        moved = true
        break
      }
      scale /= 2
    }
    if (!moved) break
  }
  const atBound = Array.from(best).some((value) => Math.abs(value) > bound - 1)
  const converged = Number.isFinite(bestValue) && positiveDefinite && gradientNorm <= gradientTolerance(bestValue) && !atBound
  return { theta: best, value: bestValue, evaluations, gradientNorm, converged, hessian }
}

/** Gradient (per unit of log-parameter) at which a minimum is certified: well above finite-difference noise. */
function gradientTolerance(value: number): number {
  return 1e-6 + 1e-7 * Math.abs(value)
}

/** Gradient the Newton polish aims for while its steps still improve the value. */
function polishTolerance(value: number): number {
  return 1e-6 + 1e-9 * Math.abs(value)
}

function maxAbs(values: Float64Array): number {
  let result = 0
  for (const value of values) result = Math.max(result, Math.abs(value))
  return Number.isFinite(result) ? result : Infinity
}

function nelderMead(
  objective: Objective,
  start: Float64Array,
  startValue: number,
  step: number,
  valueTolerance: number,
  budget: number,
  simplexTolerance: number,
): { theta: Float64Array; value: number } {
  const n = start.length
  const reflectCoefficient = 1
  const expandCoefficient = 1 + 2 / n
  const contractCoefficient = 0.75 - 1 / (2 * n)
  const shrinkCoefficient = 1 - 1 / n
  const points: Float64Array[] = [Float64Array.from(start)]
  const values: number[] = [startValue]
  let used = 0
  for (let i = 0; i < n; i++) {
    const point = Float64Array.from(start)
    point[i] += step
    points.push(point)
    values.push(objective(point))
    used++
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i)
  const centroid = new Float64Array(n)
  const candidate = (from: Float64Array, coefficient: number): Float64Array => {
    const point = new Float64Array(n)
    for (let j = 0; j < n; j++) point[j] = centroid[j] + coefficient * (from[j] - centroid[j])
    return point
  }
  while (used < budget) {
    order.sort((i, j) => values[i] - values[j])
    const bestIndex = order[0]
    const worstIndex = order[n]
    const secondWorstValue = values[order[n - 1]]
    const spread = values[worstIndex] - values[bestIndex]
    let size = 0
    for (let i = 1; i <= n; i++) {
      for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(points[order[i]][j] - points[bestIndex][j]))
    }
    if (spread <= valueTolerance * (1 + Math.abs(values[bestIndex])) && size < simplexTolerance) break
    centroid.fill(0)
    for (let i = 0; i < n; i++) {
      const point = points[order[i]]
      for (let j = 0; j < n; j++) centroid[j] += point[j] / n
    }
    const reflected = candidate(points[worstIndex], -reflectCoefficient)
    const reflectedValue = objective(reflected)
    used++
    if (reflectedValue < values[bestIndex]) {
      const expanded = candidate(points[worstIndex], -reflectCoefficient * expandCoefficient)
      const expandedValue = objective(expanded)
      used++
      if (expandedValue < reflectedValue) {
        points[worstIndex] = expanded
        values[worstIndex] = expandedValue
      } else {
        points[worstIndex] = reflected
        values[worstIndex] = reflectedValue
      }
      continue
    }
    if (reflectedValue < secondWorstValue) {
      points[worstIndex] = reflected
      values[worstIndex] = reflectedValue
      continue
    }
    const outside = reflectedValue < values[worstIndex]
    const contracted = outside
      ? candidate(points[worstIndex], -reflectCoefficient * contractCoefficient)
      : candidate(points[worstIndex], contractCoefficient)
    const contractedValue = objective(contracted)
    used++
    if (contractedValue < Math.min(reflectedValue, values[worstIndex])) {
      points[worstIndex] = contracted
      values[worstIndex] = contractedValue
      continue
    }
    const bestPoint = points[bestIndex]
    for (let i = 1; i <= n; i++) {
      const index = order[i]
      const point = points[index]
      for (let j = 0; j < n; j++) point[j] = bestPoint[j] + shrinkCoefficient * (point[j] - bestPoint[j])
      values[index] = objective(point)
      used++
    }
  }
  let bestIndex = 0
  for (let i = 1; i <= n; i++) if (values[i] < values[bestIndex]) bestIndex = i
  return { theta: points[bestIndex], value: values[bestIndex] }
}

/** Central-difference gradient and Hessian at theta. */
function localQuadratic(objective: Objective, theta: Float64Array, value: number): { gradient: Float64Array; hessian: Float64Array } {
  const n = theta.length
  const h = 1e-4
  const gradient = new Float64Array(n)
  const hessian = new Float64Array(n * n)
  const at = (shifts: Array<[number, number]>): number => {
    const point = Float64Array.from(theta)
    for (const [index, amount] of shifts) point[index] += amount
    return objective(point)
  }
  for (let i = 0; i < n; i++) {
    const plus = at([[i, h]])
    const minus = at([[i, -h]])
    gradient[i] = (plus - minus) / (2 * h)
    hessian[i * n + i] = (plus - 2 * value + minus) / (h * h)
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const mixed =
        (at([[i, h], [j, h]]) - at([[i, h], [j, -h]]) - at([[i, -h], [j, h]]) + at([[i, -h], [j, -h]])) / (4 * h * h)
      hessian[i * n + j] = mixed
      hessian[j * n + i] = mixed
    }
  }
  return { gradient, hessian }
}

function choleskyFactor(matrix: Float64Array, n: number): Float64Array | null {
  const lower = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j]
      for (let k = 0; k < j; k++) sum -= lower[i * n + k] * lower[j * n + k]
      if (i === j) {
        if (!(sum > 0)) return null
        lower[i * n + i] = Math.sqrt(sum)
      } else {
        lower[i * n + j] = sum / lower[j * n + j]
      }
    }
  }
  return lower
}

function choleskySolve(lower: Float64Array, rhs: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = rhs[i]
    for (let k = 0; k < i; k++) sum -= lower[i * n + k] * y[k]
    y[i] = sum / lower[i * n + i]
  }
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]
    for (let k = i + 1; k < n; k++) sum -= lower[k * n + i] * x[k]
    x[i] = sum / lower[i * n + i]
  }
  return x
}

/** Inverts a symmetric positive-definite matrix (row-major); null when it is not. */
export function invertPositiveDefinite(matrix: Float64Array, n: number): Float64Array | null {
  const lower = choleskyFactor(matrix, n)
  if (!lower) return null
  const inverse = new Float64Array(n * n)
  for (let column = 0; column < n; column++) {
    const unit = new Float64Array(n)
    unit[column] = 1
    const solved = choleskySolve(lower, unit, n)
    for (let row = 0; row < n; row++) inverse[row * n + column] = solved[row]
  }
  return inverse
}
