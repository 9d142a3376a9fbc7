/**
 * DERT, the discounted expected residual purchases, against numerical integration of the
 * discounted expected purchase rate: DERT = ∫ e^{-δt} dE[Y(t)] = ∫_0^1 E[Y(-ln u / δ)] du.
 */
import { bgNbdConditionalExpectedPurchases, bgNbdDert, paretoNbdConditionalExpectedPurchases, paretoNbdDert, weeklyDiscountRate } from '../../domain/value'
import { scaledUpperGamma, upperIncompleteGamma } from '../../domain/value/special'

/** Composite Simpson on [0, 1] with n (even) intervals. */
function simpson(f: (v: number) => number, n: number): number {
  let sum = f(0) + f(1)
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * f(i / n)
  return sum / (3 * n)
}

/** ∫_0^1 E[Y(-ln u / δ)] du with u = v^4, which tames the slow growth of E[Y] at u -> 0. */
function integratedDert(expected: (t: number) => number, rate: number): number {
  return simpson((v) => (v === 0 ? 0 : expected((-4 * Math.log(v)) / rate) * 4 * v ** 3), 4000)
}

const PNBD = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 }
const BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }

describe('Pareto/NBD DERT', () => {
  const customers: Array<[number, number, number]> = [
    [0, 0, 38.86],
    [2, 30.43, 38.86],
    [7, 35, 77.86],
    [26, 30.86, 31],
  ]
  it.each(customers)('equals the integral of the discounted expected purchases for x=%d, t_x=%d, T=%d', (x, tx, T) => {
    for (const annual of [0.15, 0.5]) {
      const rate = weeklyDiscountRate(annual)
      const closedForm = paretoNbdDert(PNBD, x, tx, T, rate)
      const integral = integratedDert((t) => paretoNbdConditionalExpectedPurchases(PNBD, x, tx, T, t), rate)
      expect(Math.abs(closedForm / integral - 1)).toBeLessThan(1e-5)
    }
  })

  it('holds when s > 1 (the incomplete gamma of negative order, by recurrence)', () => {
    const params = { r: 0.8, alpha: 6, s: 2.4, beta: 30 }
    const rate = weeklyDiscountRate(0.3)
    const integral = integratedDert((t) => paretoNbdConditionalExpectedPurchases(params, 3, 20, 40, t), rate)
    expect(Math.abs(paretoNbdDert(params, 3, 20, 40, rate) / integral - 1)).toBeLessThan(1e-5)
  })

  it('converts 15 % a year to 0.002688 a week (FHL round it to 0.0027)', () => {
    expect(weeklyDiscountRate(0.15)).toBeCloseTo(0.002688, 6)
  })
})

describe('BG/NBD DERT', () => {
  it.each([
    [0, 0, 38.86],
    [2, 30.43, 38.86],
    [10, 20, 39],
  ])('equals the integral of the discounted expected purchases for x=%d, t_x=%d, T=%d', (x, tx, T) => {
    const rate = weeklyDiscountRate(1)
    const closedForm = bgNbdDert(BGNBD, x, tx, T, rate)
    const integral = integratedDert((t) => bgNbdConditionalExpectedPurchases(BGNBD, x, tx, T, t), rate)
    expect(Math.abs(closedForm / integral - 1)).toBeLessThan(1e-4)
  })
})

describe('scaled upper incomplete gamma z^-a e^z Γ(a, z)', () => {
  // = ∫_0^∞ (1+u)^(a-1) e^(-zu) du = ∫_0^1 (1 - ln w / z)^(a-1) dw / z, with w = v^2.
  const reference = (a: number, z: number) => simpson((v) => (v === 0 ? 0 : ((1 - (2 * Math.log(v)) / z) ** (a - 1) * 2 * v) / z), 20000)
  it.each([
    [-5.3, 0.3],
    [-1.5, 2],
    [-0.4, 0.01],
    [-0.4, 30],
    [0, 0.5],
    [0.394, 0.0316],
    [1.7, 3],
    [-20.76, 0.05],
  ])('matches numerical integration at a=%d, z=%d', (a, z) => {
    expect(Math.abs(scaledUpperGamma(a, z) / reference(a, z) - 1)).toBeLessThan(1e-6)
  })
})

describe('the incomplete gamma series', () => {
  it('agrees with @stdlib gammainc for positive orders', () => {
    for (const a of [0.05, 0.394, 0.76, 1, 1.7, 3.2]) {
      for (const z of [0.001, 0.12, 0.9, 2.5, 4]) {
        const reference = upperIncompleteGamma(a, z) * Math.exp(z) * z ** -a
        expect(Math.abs(scaledUpperGamma(a, z) / reference - 1)).toBeLessThan(1e-10)
      }
    }
  })
})
