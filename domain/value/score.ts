/**
 * Per-customer value scores and the store's value model.
 *
 * Discounting: the annual rate a is converted to the continuous weekly rate δ = ln(1 + a) / 52
 * (15 % a year -> 0.002688 a week, the 0.0027 of FHL 2005 JMR), and CLV is over the infinite
 * horizon: CLV = DERT(δ) x E(spend | history) x margin.
 *
 * Cold start (buildValueModel): a store is fitted on its own data when it has at least
 * MIN_REPEAT_CUSTOMERS repeat buyers, every fit converges and every parameter is identified
 * (standard error below its value). Otherwise it uses the prior — by default the published
 * CDNOW Pareto/NBD and Gamma-Gamma estimates, the Gamma-Gamma scale rescaled so the prior's
 * mean spend equals the store's own mean spend per purchase-day. With no prior (prior: null) or
 * no spend at all it falls back to RFM: ranks and rule-based segments only, no numbers it
 * cannot back.
 */
import type {
  CustomerScore,
  CustomerStats,
  GammaGammaParams,
  PurchaseModel,
  ScoringSettings,
  StoreDay,
  ValueModel,
  ValueModelSource,
} from '../../typings/value'
import { bgNbdConditionalExpectedPurchases, bgNbdDert, bgNbdPAlive, fitBgNbd } from './bg-nbd'
import { ValueFitError, ValueInputError } from './errors'
import { fitGammaGamma, gammaGammaConditionalSpend, gammaGammaPopulationMean } from './gamma-gamma'
import { fitParetoNbd, paretoNbdExpectedPurchasesIfAlive, paretoNbdPAlive } from './pareto-nbd'
import { quintileCutpoints, rfmCutpoints, rfmScore } from './rfm'
import { modelSegment, rfmSegment, SEGMENT_LABELS } from './segments'
import { scaledUpperGamma } from './special'
import { DEFAULT_TIME_ZONE, dayNumber, dayString, summaryFromStats, type CustomerSummary } from './summary'

export const DEFAULT_SCORING: Readonly<ScoringSettings> = { horizonWeeks: 52, margin: 0.3, annualDiscount: 0.15 }
export const MIN_REPEAT_CUSTOMERS = 50

/** Published CDNOW estimates (FHL 2005; Fader & Hardie note 025), the default cold-start prior. */
export const CDNOW_PRIOR: { purchase: PurchaseModel; spend: GammaGammaParams } = {
  purchase: { kind: 'pnbd', params: { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 } },
  spend: { p: 6.25, q: 3.74, gamma: 15.44 },
}

/** Returns the continuous weekly discount rate ln(1 + annual) / 52 of an annual rate (> -1). */
export function weeklyDiscountRate(annualDiscount: number): number {
  if (!(annualDiscount > 0 && Number.isFinite(annualDiscount))) {
    throw new ValueInputError('INVALID_OPTION', `the annual discount rate must be > 0, got ${annualDiscount}`)
  }
  return Math.log1p(annualDiscount) / 52
}

/** Purchase-model quantities of one customer. */
export interface PurchaseScore {
  pAlive: number
  expectedPurchases: number
  dert: number
}

/**
 * A scorer for one purchase model and discount: P(alive), expected purchases over a horizon
 * and DERT per (x, t_x, T); the Pareto/NBD DERT factor depending only on T is cached.
 */
export function purchaseScorer(model: PurchaseModel, annualDiscount: number): (x: number, tx: number, T: number, horizonWeeks: number) => PurchaseScore {
  const rate = weeklyDiscountRate(annualDiscount)
  if (model.kind === 'bgnbd') {
    const params = model.params
    return (x, tx, T, horizon) => ({
      pAlive: bgNbdPAlive(params, x, tx, T),
      expectedPurchases: bgNbdConditionalExpectedPurchases(params, x, tx, T, horizon),
      dert: bgNbdDert(params, x, tx, T, rate),
    })
  }
  const params = model.params
  const { r, alpha, s, beta } = params
  const tailByAge = new Map<number, number>()
  return (x, tx, T, horizon) => {
    const pAlive = paretoNbdPAlive(params, x, tx, T)
    const expectedPurchases = pAlive * paretoNbdExpectedPurchasesIfAlive(params, x, T, horizon)
    let tail = tailByAge.get(T)
    if (tail === undefined) {
      tail = (beta + T) * scaledUpperGamma(1 - s, rate * (beta + T))
      if (tailByAge.size > 100000) tailByAge.clear()
      tailByAge.set(T, tail)
    }
    return { pAlive, expectedPurchases, dert: (pAlive * (r + x) * tail) / (alpha + T) }
  }
}

interface PreparedModel {
  score: ReturnType<typeof purchaseScorer> | null
}
const prepared = new WeakMap<ValueModel, PreparedModel>()

function prepare(model: ValueModel): PreparedModel {
  let entry = prepared.get(model)
  if (!entry) {
    entry = { score: model.purchase && model.source !== 'rfm' ? purchaseScorer(model.purchase, model.scoring.annualDiscount) : null }
    prepared.set(model, entry)
  }
  return entry
}

/**
 * Scores one customer on store day `now` (not before their last purchase day) with the store's
 * model: P(alive), expected purchases over the model's horizon, expected spend, DERT, CLV in
 * fen, segment and RFM. Pure and fast (microseconds; per-model constants are cached), so it
 * can run on every purchase. Throws ValueInputError on inconsistent statistics.
 */
export function scoreCustomer(stats: CustomerStats, model: ValueModel, now: StoreDay): CustomerScore {
  const today = dayNumber(now)
  const summary = summaryFromStats(stats, today)
  return scoreSummary(summary, model, today)
}

function scoreSummary(summary: CustomerSummary, model: ValueModel, today: number): CustomerScore {
  const ageDays = today - summary.firstDay
  const rfm = rfmScore(today - summary.lastDay, summary.x, summary.totalSpend, model.rfm)
  const { score } = prepare(model)
  // Object literals spelled out in full: a spread here costs ~15 µs per call under tsx/esbuild.
  if (!score || !model.spend || !model.purchase) {
    const segment = rfmSegment(ageDays, summary.x, rfm.recency, rfm.frequency, rfm.monetary)
    return {
      customerId: summary.id,
      scoredAt: dayString(today),
      source: 'rfm',
      model: null,
      x: summary.x,
      recencyWeeks: summary.tx,
      ageWeeks: summary.T,
      pAlive: null,
      expectedPurchases: null,
      horizonWeeks: model.scoring.horizonWeeks,
      expectedSpendFen: null,
      dert: null,
      clvFen: null,
      segment,
      segmentLabel: SEGMENT_LABELS[segment],
      rfm,
    }
  }
  const purchase = score(summary.x, summary.tx, summary.T, model.scoring.horizonWeeks)
  const spendFen = gammaGammaConditionalSpend(model.spend, summary.meanRepeatSpend, summary.x)
  const clvFen = Math.round(purchase.dert * spendFen * model.scoring.margin)
  if (!Number.isFinite(clvFen) || !Number.isFinite(purchase.pAlive) || !Number.isFinite(purchase.expectedPurchases)) {
    throw new ValueFitError('NUMERIC_FAILURE', `customer ${summary.id}: the model could not be evaluated (x=${summary.x}, t_x=${summary.tx}, T=${summary.T})`)
  }
  const segment = modelSegment(ageDays, summary.x, purchase.pAlive, clvFen, model.championClvFen)
  return {
    customerId: summary.id,
    scoredAt: dayString(today),
    source: model.source,
    model: model.purchase.kind,
    x: summary.x,
    recencyWeeks: summary.tx,
    ageWeeks: summary.T,
    pAlive: purchase.pAlive,
    expectedPurchases: purchase.expectedPurchases,
    horizonWeeks: model.scoring.horizonWeeks,
    expectedSpendFen: Math.round(spendFen),
    dert: purchase.dert,
    clvFen,
    segment,
    segmentLabel: SEGMENT_LABELS[segment],
    rfm,
  }
}

export interface BuildValueModelOptions {
  timeZone?: string
  scoring?: Partial<ScoringSettings>
  /** Purchase model to fit; Pareto/NBD unless told otherwise. */
  kind?: PurchaseModel['kind']
  /** Cold-start prior; CDNOW_PRIOR by default, null for none (straight to RFM). */
  prior?: { purchase: PurchaseModel; spend: GammaGammaParams } | null
  minRepeatCustomers?: number
}

/**
 * Builds a store's value model from its customers' statistics on store day `now`, following the
 * cold-start rule (fit, else prior, else RFM); never throws on small or degenerate stores.
 */
export function buildValueModel(allStats: readonly CustomerStats[], now: StoreDay, options: BuildValueModelOptions = {}): ValueModel {
  const today = dayNumber(now)
  const summaries = allStats.map((stats) => summaryFromStats(stats, today))
  const scoring = resolveScoring(options.scoring)
  weeklyDiscountRate(scoring.annualDiscount)
  const repeatCustomers = summaries.filter((summary) => summary.x > 0).length
  const rfm = rfmCutpoints(summaries.map((summary) => ({ recencyDays: today - summary.lastDay, frequency: summary.x, monetaryFen: summary.totalSpend })))
  const common = { fittedAt: dayString(today), timeZone: options.timeZone ?? DEFAULT_TIME_ZONE, customers: summaries.length, repeatCustomers, scoring, rfm }

  let choice: { source: ValueModelSource; purchase: PurchaseModel | null; spend: GammaGammaParams | null; logLikelihood: number | null } = {
    source: 'rfm',
    purchase: null,
    spend: null,
    logLikelihood: null,
  }
  const fitted = repeatCustomers >= (options.minRepeatCustomers ?? MIN_REPEAT_CUSTOMERS) ? fitStore(summaries, options.kind ?? 'pnbd') : null
  if (fitted) {
    choice = { source: 'fit', ...fitted }
  } else {
    const prior = options.prior === undefined ? CDNOW_PRIOR : options.prior
    const purchaseDays = summaries.reduce((sum, summary) => sum + summary.x + 1, 0)
    const storeMeanSpend = summaries.reduce((sum, summary) => sum + summary.totalSpend, 0) / Math.max(purchaseDays, 1)
    const priorMean = prior ? gammaGammaPopulationMean(prior.spend) : Infinity
    if (prior && storeMeanSpend > 0 && Number.isFinite(priorMean)) {
      const spend = { ...prior.spend, gamma: prior.spend.gamma * (storeMeanSpend / priorMean) }
      choice = { source: 'prior', purchase: prior.purchase, spend, logLikelihood: null }
    }
  }
  const model: ValueModel = { ...common, ...choice, championClvFen: 0 }
  if (model.source !== 'rfm') {
    const clvs = summaries.map((summary) => scoreSummary(summary, model, today).clvFen ?? 0)
    model.championClvFen = Math.round(quintileCutpoints(clvs)[3])
  }
  return model
}

function resolveScoring(overrides: Partial<ScoringSettings> | undefined): ScoringSettings {
  const scoring = { ...DEFAULT_SCORING, ...overrides }
  if (!(scoring.horizonWeeks > 0)) throw new ValueInputError('INVALID_OPTION', `horizonWeeks must be > 0, got ${scoring.horizonWeeks}`)
  if (!(scoring.margin >= 0 && scoring.margin <= 1)) throw new ValueInputError('INVALID_OPTION', `margin must be within 0..1, got ${scoring.margin}`)
  return scoring
}

/** Fits the purchase and spend models on a store; null when any fit fails or is not identified. */
function fitStore(summaries: readonly CustomerSummary[], kind: PurchaseModel['kind']): { purchase: PurchaseModel; spend: GammaGammaParams; logLikelihood: number } | null {
  const columns = { x: summaries.map((s) => s.x), tx: summaries.map((s) => s.tx), T: summaries.map((s) => s.T) }
  try {
    let purchase: PurchaseModel
    let logLikelihood: number
    if (kind === 'pnbd') {
      const fit = fitParetoNbd(columns)
      if (!identified(fit.params, fit.standardErrors)) return null
      purchase = { kind, params: fit.params }
      logLikelihood = fit.logLikelihood
    } else {
      const fit = fitBgNbd(columns)
      if (!identified(fit.params, fit.standardErrors)) return null
      purchase = { kind, params: fit.params }
      logLikelihood = fit.logLikelihood
    }
    const spendFit = fitGammaGamma({ x: columns.x, meanSpend: summaries.map((s) => s.meanRepeatSpend) })
    if (!identified(spendFit.params, spendFit.standardErrors) || !(spendFit.params.q > 1)) return null
    return { purchase, spend: spendFit.params, logLikelihood }
  } catch (error) {
    if (error instanceof ValueFitError) return null
    throw error
  }
}

/** True when every parameter's standard error is below the parameter itself. */
function identified<P extends object>(params: P, errors: P | null): boolean {
  if (!errors) return false
  return (Object.keys(params) as Array<keyof P>).every((key) => {
    const spread = errors[key] as number
    return Number.isFinite(spread) && spread < (params[key] as number)
  })
}
