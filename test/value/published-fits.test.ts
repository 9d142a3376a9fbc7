/**
 * The CDNOW sample reproduces the published maximum-likelihood estimates: parameters within
 * 0.5 % and log-likelihoods within 0.01 at exact days/7 times (clv-models.md §1, §4).
 */
import { fitBgNbd, fitGammaGamma, fitParetoNbd, paretoNbdLogLikelihood, bgNbdLogLikelihood } from '../../domain/value'
import { cdnowSample, columnsOf, expectRelativelyClose } from './cdnow'

const { summaries } = cdnowSample()
const columns = columnsOf(summaries)

describe('CDNOW sample summaries', () => {
  it('follow the published conventions: 2,357 customers, 946 repeat buyers, 2,457 calibration and 1,882 holdout repeat purchases', () => {
    expect(summaries).toHaveLength(2357)
    expect(summaries.filter((s) => s.x > 0)).toHaveLength(946)
    expect(summaries.reduce((sum, s) => sum + s.x, 0)).toBe(2457)
    expect(summaries.reduce((sum, s) => sum + s.holdoutPurchases, 0)).toBe(1882)
  })

  it('give customer 1 x=2, t_x=30.43, T=38.86 weeks', () => {
    const first = summaries.find((s) => s.id === '1')!
    expect(first.x).toBe(2)
    expect(first.tx).toBeCloseTo(30.43, 2)
    expect(first.T).toBeCloseTo(38.86, 2)
  })
})

describe('Pareto/NBD on the CDNOW sample', () => {
  const fit = fitParetoNbd(columns)
  it('matches FHL 2005: r=0.553, alpha=10.578, s=0.606, beta=11.669 within 0.5 %', () => {
    expect(fit.converged).toBe(true)
    expectRelativelyClose(fit.params.r, 0.553, 0.005)
    expectRelativelyClose(fit.params.alpha, 10.578, 0.005)
    expectRelativelyClose(fit.params.s, 0.606, 0.005)
    expectRelativelyClose(fit.params.beta, 11.669, 0.005)
  })
  it('reaches LL -9594.976 (BTYD / CLVTools at exact times) within 0.01', () => {
    expect(Math.abs(fit.logLikelihood - -9594.976)).toBeLessThan(0.01)
    expect(fit.customers).toBe(2357)
  })
  it('reports standard errors close to CLVTools (r 0.0476, alpha 0.843, s 0.187, beta 6.21)', () => {
    expectRelativelyClose(fit.standardErrors!.r, 0.0476, 0.02)
    expectRelativelyClose(fit.standardErrors!.alpha, 0.843, 0.02)
    expectRelativelyClose(fit.standardErrors!.s, 0.187, 0.02)
    expectRelativelyClose(fit.standardErrors!.beta, 6.21, 0.02)
  })
  it('sums per-customer likelihoods to the grouped likelihood it maximised', () => {
    const total = summaries.reduce((sum, s) => sum + paretoNbdLogLikelihood(fit.params, s.x, s.tx, s.T), 0)
    expect(total).toBeCloseTo(fit.logLikelihood, 6)
  })
})

describe('BG/NBD on the CDNOW sample', () => {
  const fit = fitBgNbd(columns)
  it('matches FHL 2005: r=0.243, alpha=4.414, a=0.793, b=2.426 within 0.5 %', () => {
    expect(fit.converged).toBe(true)
    expectRelativelyClose(fit.params.r, 0.243, 0.005)
    expectRelativelyClose(fit.params.alpha, 4.414, 0.005)
    expectRelativelyClose(fit.params.a, 0.793, 0.005)
    expectRelativelyClose(fit.params.b, 2.426, 0.005)
  })
  it('reaches LL -9582.43 (-9582.429 at exact times) within 0.01', () => {
    expect(Math.abs(fit.logLikelihood - -9582.429)).toBeLessThan(0.01)
  })
  it('sums per-customer likelihoods to the grouped likelihood', () => {
    const total = summaries.reduce((sum, s) => sum + bgNbdLogLikelihood(fit.params, s.x, s.tx, s.T), 0)
    expect(total).toBeCloseTo(fit.logLikelihood, 6)
  })
})

describe('Gamma-Gamma on the CDNOW sample', () => {
  const fit = fitGammaGamma({ x: columns.x, meanSpend: columns.meanSpend })
  it('uses the 946 repeat customers and matches note 025: p=6.25, q=3.74, gamma=15.44 within 0.5 %', () => {
    expect(fit.converged).toBe(true)
    expect(fit.customers).toBe(946)
    expectRelativelyClose(fit.params.p, 6.25, 0.005)
    expectRelativelyClose(fit.params.q, 3.74, 0.005)
    expectRelativelyClose(fit.params.gamma, 15.44, 0.005)
  })
  it('reaches CLVTools LL -4055.9177 on exact mean spends', () => {
    expect(Math.abs(fit.logLikelihood - -4055.9177)).toBeLessThan(0.01)
  })
  it('does not depend on the money unit: fitting in fen scales gamma by 100 only', () => {
    const inFen = fitGammaGamma({ x: columns.x, meanSpend: columns.meanSpend.map((m) => m * 100) })
    expectRelativelyClose(inFen.params.p, fit.params.p, 1e-4)
    expectRelativelyClose(inFen.params.q, fit.params.q, 1e-4)
    expectRelativelyClose(inFen.params.gamma, fit.params.gamma * 100, 1e-4)
  })
})
