/**
 * Customer value CLI for store owners and analysts:
 *
 *   npm run --silent value -- fit   --model pnbd|bgnbd|gg --input FILE --format csv|cdnow-master|cdnow-sample --calibration-end YYYY-MM-DD
 *   npm run --silent value -- score --model pnbd|bgnbd --input FILE --format ... --calibration-end ... --horizon WEEKS [--margin 0.3] [--annual-discount 0.15]
 *   npm run --silent value -- plot  [--model pnbd|bgnbd] --input FILE --format ... --calibration-end ... [--holdout-end YYYY-MM-DD] [--out-dir DIR]
 *
 * Common option: --time-zone (IANA, default Asia/Shanghai) for csv instants. Money is in the
 * input's units. Exit codes: 0 done, 1 bad input file, 2 bad usage, 3 a fit did not converge.
 * This is the only file of the value module that touches Node (fs, process).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs'
import { join } from 'path'
import { performance } from 'perf_hooks'
import type { BgNbdParams, ParetoNbdParams, PurchaseModel } from '../../typings/value'
import { bgNbdConditionalExpectedPurchases, bgNbdPAlive, fitBgNbd } from './bg-nbd'
import { holdoutChart, pAliveMatrixChart } from './charts'
import { ValueFitError, ValueInputError } from './errors'
import { fitGammaGamma, gammaGammaConditionalSpend } from './gamma-gamma'
import { holdoutTable } from './holdout'
import { fitParetoNbd, paretoNbdConditionalExpectedPurchases, paretoNbdPAlive, type FitOptions, type FitResult } from './pareto-nbd'
import { purchaseScorer } from './score'
import { DEFAULT_TIME_ZONE, dayNumber, dayString, summarizeTransactions, type CustomerSummary } from './summary'
import { readTransactionLog, TRANSACTION_LOG_FORMATS, type TransactionLogFormat } from './transaction-log'

const USAGE = `usage:
  value fit   --model pnbd|bgnbd|gg --input FILE --format csv|cdnow-master|cdnow-sample --calibration-end YYYY-MM-DD
  value score --model pnbd|bgnbd --input FILE --format FORMAT --calibration-end YYYY-MM-DD --horizon WEEKS [--margin 0.3] [--annual-discount 0.15]
  value plot  [--model pnbd|bgnbd] --input FILE --format FORMAT --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--out-dir DIR]
  common: [--time-zone Asia/Shanghai]`

class UsageError extends Error {}

const LONG_INPUT_LINES = 100000

type Options = Map<string, string>

const ALLOWED: Record<string, string[]> = {
  fit: ['model', 'input', 'format', 'calibration-end', 'time-zone'],
  score: ['model', 'input', 'format', 'calibration-end', 'horizon', 'margin', 'annual-discount', 'time-zone'],
  plot: ['model', 'input', 'format', 'calibration-end', 'holdout-end', 'out-dir', 'time-zone'],
}

function parseArguments(argv: string[]): { command: string; options: Options } {
  const [command, ...rest] = argv
  if (!command || command === '--help' || command === '-h') throw new UsageError('a command is required')
  if (!(command in ALLOWED)) throw new UsageError(`unknown command '${command}'`)
  const options: Options = new Map()
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]
    if (!token.startsWith('--')) throw new UsageError(`unexpected argument '${token}'`)
    const equals = token.indexOf('=')
    const name = equals > 0 ? token.slice(2, equals) : token.slice(2)
    const value = equals > 0 ? token.slice(equals + 1) : rest[++i]
    if (!ALLOWED[command].includes(name)) throw new UsageError(`unknown option --${name} for ${command}`)
    if (value === undefined || value.startsWith('--')) throw new UsageError(`option --${name} needs a value`)
    options.set(name, value)
  }
  return { command, options }
}

function required(options: Options, name: string): string {
  const value = options.get(name)
  if (value === undefined) throw new UsageError(`--${name} is required`)
  return value
}

function numberOption(options: Options, name: string, fallback: number | null, check: (value: number) => boolean, rule: string): number {
  const text = options.get(name)
  if (text === undefined) {
    if (fallback === null) throw new UsageError(`--${name} is required`)
    return fallback
  }
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw new UsageError(`--${name} must be ${rule}, got '${text}'`)
  return value
}

function choice<T extends string>(options: Options, name: string, allowed: readonly T[], fallback?: T): T {
  const value = options.get(name) ?? fallback
  if (value === undefined) throw new UsageError(`--${name} is required (${allowed.join('|')})`)
  if (!allowed.includes(value as T)) throw new UsageError(`--${name} must be one of ${allowed.join('|')}, got '${value}'`)
  return value as T
}

function dayOption(options: Options, name: string): number {
  const text = required(options, name)
  try {
    return dayNumber(text)
  } catch {
    throw new UsageError(`--${name} must be a calendar day YYYY-MM-DD, got '${text}'`)
  }
}

function progress(message: string): void {
  process.stderr.write(`${message}\n`)
}

interface LoadedInput {
  summaries: CustomerSummary[]
  lastDay: number
  format: TransactionLogFormat
}

function loadSummaries(options: Options, holdoutEnd?: number): LoadedInput {
  const input = required(options, 'input')
  const format = choice(options, 'format', TRANSACTION_LOG_FORMATS)
  const calibrationEnd = dayOption(options, 'calibration-end')
  const timeZone = options.get('time-zone') ?? DEFAULT_TIME_ZONE
  let text: string
  try {
    text = readFileSync(input, 'utf8')
  } catch (error) {
    throw new ValueInputError('EMPTY_INPUT', `cannot read ${input}: ${(error as Error).message}`)
  }
  const long = text.length > LONG_INPUT_LINES * 20
  const transactions = readTransactionLog(text, format, {
    timeZone,
    onProgress: long ? (done, total) => progress(`reading ${input}: ${done}/${total} lines`) : undefined,
  })
  let lastDay = -Infinity
  for (const transaction of transactions) lastDay = Math.max(lastDay, transaction.day)
  const summaries = summarizeTransactions(transactions, { calibrationEnd, holdoutEnd: holdoutEnd ?? lastDay })
  if (summaries.length === 0) throw new ValueInputError('EMPTY_INPUT', `no customer made a first purchase on or before ${dayString(calibrationEnd)}`)
  if (long) progress(`${transactions.length} transactions, ${summaries.length} customers`)
  return { summaries, lastDay, format }
}

function fitOptions(customers: number): FitOptions {
  return {
    allowNotConverged: true,
    onProgress: customers > LONG_INPUT_LINES ? (evaluations, logLikelihood) => progress(`fitting: ${evaluations} evaluations, log-likelihood ${logLikelihood.toFixed(3)}`) : undefined,
  }
}

type ModelName = 'pnbd' | 'bgnbd' | 'gg'

function fitPurchaseModel(model: 'pnbd' | 'bgnbd', summaries: CustomerSummary[]): FitResult<ParetoNbdParams> | FitResult<BgNbdParams> {
  const columns = { x: summaries.map((s) => s.x), tx: summaries.map((s) => s.tx), T: summaries.map((s) => s.T) }
  return model === 'pnbd' ? fitParetoNbd(columns, fitOptions(summaries.length)) : fitBgNbd(columns, fitOptions(summaries.length))
}

function fitSpendModel(summaries: CustomerSummary[]) {
  return fitGammaGamma({ x: summaries.map((s) => s.x), meanSpend: summaries.map((s) => s.meanRepeatSpend) }, fitOptions(summaries.length))
}

function requireConverged(fit: { converged: boolean; gradientNorm: number }, model: string): void {
  if (!fit.converged) throw new ValueFitError('NOT_CONVERGED', `the ${model} fit did not converge (gradient ${fit.gradientNorm.toExponential(2)}); no scores printed`)
}

function runFit(options: Options): number {
  const model = choice<ModelName>(options, 'model', ['pnbd', 'bgnbd', 'gg'])
  const { summaries } = loadSummaries(options)
  const started = performance.now()
  const fit = model === 'gg' ? fitSpendModel(summaries) : fitPurchaseModel(model, summaries)
  const seconds = (performance.now() - started) / 1000
  process.stdout.write(`${JSON.stringify({ model, params: fit.params, logLikelihood: fit.logLikelihood, customers: fit.customers, converged: fit.converged, seconds })}\n`)
  if (!fit.converged) {
    process.stderr.write(`error: the ${model} fit did not converge (gradient ${fit.gradientNorm.toExponential(2)}); do not use these parameters\n`)
    return 3
  }
  return 0
}

function purchaseModelOf(model: 'pnbd' | 'bgnbd', fit: FitResult<ParetoNbdParams> | FitResult<BgNbdParams>): PurchaseModel {
  return model === 'pnbd' ? { kind: 'pnbd', params: fit.params as ParetoNbdParams } : { kind: 'bgnbd', params: fit.params as BgNbdParams }
}

function runScore(options: Options): number {
  const model = choice(options, 'model', ['pnbd', 'bgnbd'] as const)
  const horizon = numberOption(options, 'horizon', null, (v) => v > 0, 'a number of weeks > 0')
  const margin = numberOption(options, 'margin', 0.3, (v) => v >= 0 && v <= 1, 'a fraction within 0..1')
  const annualDiscount = numberOption(options, 'annual-discount', 0.15, (v) => v > 0, 'an annual rate > 0, e.g. 0.15')
  const { summaries, format } = loadSummaries(options)
  const purchaseFit = fitPurchaseModel(model, summaries)
  requireConverged(purchaseFit, model)
  const spendFit = fitSpendModel(summaries)
  requireConverged(spendFit, 'gg')
  const score = purchaseScorer(purchaseModelOf(model, purchaseFit), annualDiscount)
  const lines: string[] = []
  let expectedTotal = 0
  let clvTotal = 0
  summaries.forEach((summary, index) => {
    if (summaries.length > LONG_INPUT_LINES && index > 0 && index % LONG_INPUT_LINES === 0) progress(`scoring: ${index}/${summaries.length} customers`)
    const purchase = score(summary.x, summary.tx, summary.T, horizon)
    const expectedSpend = gammaGammaConditionalSpend(spendFit.params, summary.meanRepeatSpend, summary.x)
    const clv = purchase.dert * expectedSpend * margin
    expectedTotal += purchase.expectedPurchases
    clvTotal += clv
    const id = format === 'cdnow-sample' ? Number(summary.id) : summary.id
    lines.push(JSON.stringify({ id, x: summary.x, t_x: summary.tx, T: summary.T, pAlive: purchase.pAlive, expectedPurchases: purchase.expectedPurchases, expectedSpend, clv }))
  })
  lines.push(JSON.stringify({ model, customers: summaries.length, horizon, margin, annualDiscount, expectedPurchases: expectedTotal, clv: clvTotal }))
  process.stdout.write(`${lines.join('\n')}\n`)
  return 0
}

function runPlot(options: Options): number {
  const model = choice(options, 'model', ['pnbd', 'bgnbd'] as const, 'pnbd')
  const holdoutEnd = options.has('holdout-end') ? dayOption(options, 'holdout-end') : undefined
  const calibrationEnd = dayOption(options, 'calibration-end')
  const { summaries, lastDay } = loadSummaries(options, holdoutEnd)
  const fit = fitPurchaseModel(model, summaries)
  requireConverged(fit, model)
  const purchase = purchaseModelOf(model, fit)
  const end = holdoutEnd ?? lastDay
  const holdoutWeeks = (end - calibrationEnd) / 7
  if (!(holdoutWeeks > 0)) throw new UsageError('the input has no purchases after --calibration-end to compare with; pick an earlier calibration end or pass --holdout-end')
  const expectedHoldout = (s: CustomerSummary) =>
    purchase.kind === 'pnbd'
      ? paretoNbdConditionalExpectedPurchases(purchase.params, s.x, s.tx, s.T, holdoutWeeks)
      : bgNbdConditionalExpectedPurchases(purchase.params, s.x, s.tx, s.T, holdoutWeeks)
  const rows = holdoutTable(summaries, expectedHoldout)
  const modelName = model === 'pnbd' ? 'Pareto/NBD' : 'BG/NBD'
  const actualTotal = summaries.reduce((sum, s) => sum + s.holdoutPurchases, 0)
  const expectedTotal = summaries.reduce((sum, s) => sum + expectedHoldout(s), 0)
  const ageWeeks = Math.max(...summaries.map((s) => s.T))
  const maxFrequency = Math.max(1, Math.min(30, Math.max(...summaries.map((s) => s.x))))
  const pAlive = (x: number, recency: number) =>
    purchase.kind === 'pnbd' ? paretoNbdPAlive(purchase.params, x, recency, ageWeeks) : bgNbdPAlive(purchase.params, x, recency, ageWeeks)
  const oneTimeBuyer = pAlive(0, 0)
  const outDir = options.get('out-dir') ?? '.'
  mkdirSync(outDir, { recursive: true })
  const files = [join(outDir, `value-holdout-${model}.svg`), join(outDir, `value-palive-${model}.svg`)]
  writeFileSync(
    files[0],
    holdoutChart(rows, {
      title: `Repeat purchases, predicted vs actual 复购预测与实际`,
      subtitle: `${modelName}, ${summaries.length} customers; ${holdoutWeeks.toFixed(0)} weeks after ${dayString(calibrationEnd)}: ${actualTotal} actual, ${expectedTotal.toFixed(0)} expected`,
    }),
  )
  writeFileSync(
    files[1],
    pAliveMatrixChart(pAlive, {
      maxFrequency,
      ageWeeks,
      title: `Probability a customer is still active (${modelName}) 仍活跃概率`,
      subtitle: `customers who first bought ${ageWeeks.toFixed(1)} weeks ago; a one-time buyer: ${oneTimeBuyer.toFixed(2)}`,
    }),
  )
  process.stdout.write(`${JSON.stringify({ model, files, holdoutWeeks, actualHoldoutPurchases: actualTotal, expectedHoldoutPurchases: expectedTotal })}\n`)
  return 0
}

function main(argv: string[]): number {
  try {
    const { command, options } = parseArguments(argv)
    if (command === 'fit') return runFit(options)
    if (command === 'score') return runScore(options)
    return runPlot(options)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n${USAGE}\n`)
      return 2
    }
    if (error instanceof ValueInputError) {
      const input = argv[argv.indexOf('--input') + 1]
      process.stderr.write(`error: ${error.line !== null && input ? `${input}: ` : ''}${error.message}\n`)
      return 1
    }
    if (error instanceof ValueFitError) {
      process.stderr.write(`error: ${error.message}\n`)
      return error.code === 'NOT_CONVERGED' ? 3 : 1
    }
    throw error
  }
}

process.exitCode = main(process.argv.slice(2))
