/**
 * Customer value benchmark (`npm run bench:value`):
 * 1. fit times of Pareto/NBD, BG/NBD and Gamma-Gamma on the CDNOW sample (median of 5 runs;
 *    the first, cold run is printed too);
 * 2. a synthetic store of 1,000,000 customers drawn from the fitted Pareto/NBD at day
 *    resolution (first purchases spread over 12 weeks, calibration 39 weeks like CDNOW; same-day
 *    purchases merge), fitted again with Pareto/NBD;
 * 3. scoring all 1,000,000 (P(alive), expected purchases over 52 weeks, DERT, spend, CLV), and
 *    scoreCustomer per call on store statistics.
 * Prints figures; the last line is one JSON object: sampleFitSeconds {pnbd, bgnbd, gg},
 * millionFitSeconds, millionScoreSeconds, peakRssMB. Targets: 0.2 s, 10 s, 2 s, 1024 MB.
 */
import { readFileSync } from 'fs'
import * as path from 'path'
import { performance } from 'perf_hooks'
import type { CustomerStats, GammaGammaParams, ParetoNbdParams, ValueModel } from '../typings/value'
import { fitBgNbd } from '../domain/value/bg-nbd'
import { fitGammaGamma, gammaGammaConditionalSpend } from '../domain/value/gamma-gamma'
import { fitParetoNbd } from '../domain/value/pareto-nbd'
import { buildValueModel, purchaseScorer, scoreCustomer } from '../domain/value/score'
import { dayNumber, dayString, summarizeTransactions } from '../domain/value/summary'
import { readTransactionLog } from '../domain/value/transaction-log'

const SAMPLE = path.resolve(__dirname, '../../shared/data/cdnow/CDNOW_sample.txt')
const CUSTOMERS = 1_000_000
const ACQUISITION_DAYS = 84
const CALIBRATION_DAYS = 273

function seconds(since: number): number {
  return (performance.now() - since) / 1000
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1]
}

function timeFit(run: () => unknown): { cold: number; median: number } {
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    run()
    times.push(seconds(started))
  }
  return { cold: times[0], median: median(times) }
}

/** xoshiro128** — a small seeded generator, so the synthetic store is the same on every run. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0 || 1
  let b = 0x9e3779b9
  let c = 0x243f6a88
  let d = 0xb7e15162
  const next = (): number => {
    const result = Math.imul(rotate(Math.imul(b, 5), 7), 9)
    const t = b << 9
    c ^= a
    d ^= b
    b ^= c
    a ^= d
    c ^= t
    d = rotate(d, 11)
    return (result >>> 0) / 4294967296
  }
  for (let i = 0; i < 20; i++) next()
  return () => {
    const value = next()
    return value === 0 ? next() : value
  }
}

function rotate(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

function normal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
}

/** Gamma(shape, rate) by Marsaglia–Tsang, boosted for shape < 1. */
function gamma(shape: number, rate: number, uniform: () => number): number {
  if (shape < 1) return gamma(shape + 1, rate, uniform) * Math.pow(uniform(), 1 / shape)
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    let x: number
    let v: number
    do {
      x = normal(uniform)
      v = 1 + c * x
    } while (v <= 0)
    v = v * v * v
    const u = uniform()
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate
  }
}

/** Draws customers from Pareto/NBD (weeks) and Gamma-Gamma spend, observed by store day. */
function syntheticStore(params: ParetoNbdParams, spend: GammaGammaParams, customers: number) {
  const uniform = randomSource(20240601)
  const x = new Float64Array(customers)
  const tx = new Float64Array(customers)
  const T = new Float64Array(customers)
  const meanSpend = new Float64Array(customers)
  for (let i = 0; i < customers; i++) {
    const firstDay = Math.floor(uniform() * ACQUISITION_DAYS)
    const ageDays = CALIBRATION_DAYS - 1 - firstDay
    const timeOfDay = uniform()
    const rate = gamma(params.r, params.alpha, uniform)
    const dropout = gamma(params.s, params.beta, uniform)
    const observedWeeks = Math.min(-Math.log(uniform()) / dropout, ageDays / 7)
    let time = 0
    let lastDay = 0
    let repeatDays = 0
    for (;;) {
      time += -Math.log(uniform()) / rate
      if (time > observedWeeks) break
      const day = Math.floor(timeOfDay + time * 7)
      if (day > ageDays) break
      if (day > lastDay) {
        repeatDays++
        lastDay = day
      }
    }
    x[i] = repeatDays
    tx[i] = lastDay / 7
    T[i] = ageDays / 7
    // Mean of x Gamma(p, ν) spends, ν ~ Gamma(q, γ): Gamma(p x, ν x).
    const scale = gamma(spend.q, spend.gamma, uniform)
    meanSpend[i] = repeatDays > 0 ? gamma(spend.p * repeatDays, scale * repeatDays, uniform) : 0
  }
  return { x, tx, T, meanSpend }
}

function main(): void {
  const transactions = readTransactionLog(readFileSync(SAMPLE, 'utf8'), 'cdnow-sample')
  const summaries = summarizeTransactions(transactions, { calibrationEnd: dayNumber('1997-09-30') })
  const columns = { x: summaries.map((s) => s.x), tx: summaries.map((s) => s.tx), T: summaries.map((s) => s.T) }
  const meanSpend = summaries.map((s) => s.meanRepeatSpend)

  const pnbd = timeFit(() => fitParetoNbd(columns))
  const bgnbd = timeFit(() => fitBgNbd(columns))
  const gg = timeFit(() => fitGammaGamma({ x: columns.x, meanSpend }))
  const fitted = fitParetoNbd(columns)
  const spend = fitGammaGamma({ x: columns.x, meanSpend }).params
  console.log(`CDNOW sample (${summaries.length} customers), seconds, cold / median of 5:`)
  console.log(`  Pareto/NBD  ${pnbd.cold.toFixed(3)} / ${pnbd.median.toFixed(3)}  LL ${fitted.logLikelihood.toFixed(4)}`)
  console.log(`  BG/NBD      ${bgnbd.cold.toFixed(3)} / ${bgnbd.median.toFixed(3)}`)
  console.log(`  Gamma-Gamma ${gg.cold.toFixed(3)} / ${gg.median.toFixed(3)}`)

  let started = performance.now()
  const store = syntheticStore(fitted.params, spend, CUSTOMERS)
  console.log(`synthetic store: ${CUSTOMERS} customers drawn in ${seconds(started).toFixed(2)} s, ${store.x.reduce((a, b) => a + b, 0)} repeat purchase-days`)

  started = performance.now()
  const millionFit = fitParetoNbd(store, { allowNotConverged: true })
  const millionFitSeconds = seconds(started)
  const truth = fitted.params
  const recovered = millionFit.params
  console.log(
    `  Pareto/NBD fit ${millionFitSeconds.toFixed(2)} s, converged ${millionFit.converged}, ${millionFit.evaluations} evaluations; ` +
      `r ${recovered.r.toFixed(4)} (drawn ${truth.r.toFixed(4)}), alpha ${recovered.alpha.toFixed(3)} (${truth.alpha.toFixed(3)}), ` +
      `s ${recovered.s.toFixed(4)} (${truth.s.toFixed(4)}), beta ${recovered.beta.toFixed(3)} (${truth.beta.toFixed(3)})`,
  )

  const score = purchaseScorer({ kind: 'pnbd', params: millionFit.params }, 0.15)
  const pAlive = new Float64Array(CUSTOMERS)
  const expected = new Float64Array(CUSTOMERS)
  const clv = new Float64Array(CUSTOMERS)
  started = performance.now()
  for (let i = 0; i < CUSTOMERS; i++) {
    const result = score(store.x[i], store.tx[i], store.T[i], 52)
    pAlive[i] = result.pAlive
    expected[i] = result.expectedPurchases
    clv[i] = result.dert * gammaGammaConditionalSpend(spend, store.meanSpend[i], store.x[i]) * 0.3
  }
  const millionScoreSeconds = seconds(started)
  let expectedTotal = 0
  for (const value of expected) expectedTotal += value
  console.log(`  scoring ${CUSTOMERS} customers ${millionScoreSeconds.toFixed(2)} s; expected purchases next 52 weeks ${expectedTotal.toFixed(0)}`)

  const statsCount = 100_000
  const stats: CustomerStats[] = []
  const start = dayNumber('2024-01-01')
  for (let i = 0; i < statsCount; i++) {
    const firstDay = start + CALIBRATION_DAYS - 1 - Math.round(store.T[i] * 7)
    stats.push({
      customerId: String(i),
      firstPurchaseDay: dayString(firstDay),
      lastPurchaseDay: dayString(firstDay + Math.round(store.tx[i] * 7)),
      repeatPurchaseDays: store.x[i],
      firstDaySpendFen: Math.round(spend.gamma * 100),
      repeatSpendFen: Math.round(store.meanSpend[i] * store.x[i] * 100),
    })
  }
  const now = dayString(start + CALIBRATION_DAYS - 1)
  started = performance.now()
  const model: ValueModel = buildValueModel(stats, now)
  console.log(`store model from ${statsCount} customers' statistics (fit + champion line): ${seconds(started).toFixed(2)} s, source '${model.source}'`)
  started = performance.now()
  for (const customer of stats) scoreCustomer(customer, model, now)
  const perCall = (seconds(started) / statsCount) * 1e6
  console.log(`  scoreCustomer on store statistics: ${perCall.toFixed(2)} µs per call`)

  const peakRssMB = process.resourceUsage().maxRSS / 1024
  console.log(`peak RSS ${peakRssMB.toFixed(0)} MB`)
  const round = (value: number) => Number(value.toFixed(4))
  console.log(
    JSON.stringify({
      sampleFitSeconds: { pnbd: round(pnbd.median), bgnbd: round(bgnbd.median), gg: round(gg.median) },
      millionFitSeconds: round(millionFitSeconds),
      millionScoreSeconds: round(millionScoreSeconds),
      peakRssMB: Math.round(peakRssMB),
    }),
  )
}

main()
