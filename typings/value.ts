/**
 * Customer value: the contract between the value engine (domain/value), the cloud functions
 * and the pages. Type-only.
 *
 * Conventions
 * - Days are store-local calendar days written 'YYYY-MM-DD' (`StoreDay`): the day on which a
 *   payment happened in the store's time zone (Asia/Shanghai unless the store says otherwise).
 *   Two payments on the same store day are one purchase-day.
 * - Time inside the models is in weeks, computed exactly as (day difference) / 7.
 * - Money is integer fen (1 yuan = 100 fen).
 */

/** A store-local calendar day, 'YYYY-MM-DD'. */
export type StoreDay = string

/**
 * The per-customer statistics the value engine needs, kept on the customer document and
 * derivable from the customer's paid orders (see `recordPurchaseDay` / `statsFromPurchases`).
 */
export interface CustomerStats {
  customerId: string
  /** Store day of the first paid purchase. */
  firstPurchaseDay: StoreDay
  /** Store day of the latest paid purchase (equal to firstPurchaseDay for one-time buyers). */
  lastPurchaseDay: StoreDay
  /** Repeat purchase-days: distinct purchase days after the first one (the models' x). */
  repeatPurchaseDays: number
  /** Spend on the first purchase day, fen. */
  firstDaySpendFen: number
  /** Spend on all repeat purchase-days together, fen (mean repeat spend = this / x). */
  repeatSpendFen: number
}

/** Which purchase model a score came from. Pareto/NBD is the default. */
export type PurchaseModelKind = 'pnbd' | 'bgnbd'

export interface ParetoNbdParams {
  r: number
  alpha: number
  s: number
  beta: number
}

export interface BgNbdParams {
  r: number
  alpha: number
  a: number
  b: number
}

/** Gamma-Gamma spend model; `gamma` is a money scale, in fen inside a ValueModel. */
export interface GammaGammaParams {
  p: number
  q: number
  gamma: number
}

export type PurchaseModel =
  | { kind: 'pnbd'; params: ParetoNbdParams }
  | { kind: 'bgnbd'; params: BgNbdParams }

/**
 * Where a store's model came from (the cold-start rule, docs/customer-value.md):
 * - 'fit': fitted on the store's own customers (enough repeat buyers, converged fits);
 * - 'prior': too few repeat buyers, so the platform prior, with spend rescaled to the store;
 * - 'rfm': no prior usable either; only RFM ranks and rule-based segments are given.
 */
export type ValueModelSource = 'fit' | 'prior' | 'rfm'

/** RFM quintile cut points: 4 ascending values per dimension, computed over the store's customers. */
export interface RfmCutpoints {
  /** Days since the last purchase (a smaller value is better). */
  recencyDays: number[]
  /** Repeat purchase-days. */
  frequency: number[]
  /** Total spend, fen. */
  monetaryFen: number[]
}

/** A store's fitted (or prior) value model, as stored and passed to `scoreCustomer`. */
export interface ValueModel {
  /** Null only when source is 'rfm'. */
  purchase: PurchaseModel | null
  /** Null only when source is 'rfm'. */
  spend: GammaGammaParams | null
  source: ValueModelSource
  /** Store day the model was fitted on (the calibration end). */
  fittedAt: StoreDay
  /** IANA time zone the store days are in. */
  timeZone: string
  /** Customers and repeat customers the fit saw (the store's counts, also for a prior). */
  customers: number
  repeatCustomers: number
  /** Log-likelihood of the purchase fit on the store's customers; null for 'prior' / 'rfm'. */
  logLikelihood: number | null
  /** How scores are computed: horizon for expectedPurchases, margin and discount for CLV. */
  scoring: ScoringSettings
  /** CLV at or above which an active customer is a champion (the store's top fifth), fen. */
  championClvFen: number
  rfm: RfmCutpoints
}

export interface ScoringSettings {
  /** Horizon of `expectedPurchases`, weeks. */
  horizonWeeks: number
  /** Gross margin as a fraction of spend, 0..1. */
  margin: number
  /** Annual discount rate, e.g. 0.15 (converted to a continuous weekly rate ln(1+a)/52). */
  annualDiscount: number
}

/** Segment codes; labels and rules live in domain/value/segments.ts. */
export type SegmentCode = 'new' | 'champion' | 'loyal' | 'promising' | 'at_risk' | 'lost'

export interface RfmScore {
  /** 1..5, 5 = most recent / most frequent / highest spend. */
  recency: number
  frequency: number
  monetary: number
  /** The three scores concatenated, '111'..'555'. */
  cell: string
}

/** One customer's value score at a given store day. */
export interface CustomerScore {
  customerId: string
  scoredAt: StoreDay
  source: ValueModelSource
  /** Null when source is 'rfm'. */
  model: PurchaseModelKind | null
  /** Repeat purchase-days, weeks since first purchase to last purchase and to scoredAt. */
  x: number
  recencyWeeks: number
  ageWeeks: number
  /** Probability the customer is still active, 0..1 (null for 'rfm'). */
  pAlive: number | null
  /** Expected purchase-days over the next `horizonWeeks` (null for 'rfm'). */
  expectedPurchases: number | null
  horizonWeeks: number
  /** Expected spend per future purchase-day, fen (Gamma-Gamma conditional mean; null for 'rfm'). */
  expectedSpendFen: number | null
  /** Discounted expected residual purchase-days, infinite horizon (null for 'rfm'). */
  dert: number | null
  /** CLV = DERT x expected spend x margin, fen (null for 'rfm'). Referral value is not in it. */
  clvFen: number | null
  segment: SegmentCode
  /** Chinese label of the segment, for display. */
  segmentLabel: string
  rfm: RfmScore
}

/** One exact share-graph edge: `referredId` joined the store through `referrerId`'s share. */
export interface ReferralEdge {
  referrerId: string
  referredId: string
  /** Store day of the share that was opened, and of the referred customer's first purchase. */
  sharedDay: StoreDay
  joinedDay: StoreDay
  /** Referral rewards actually paid for this referral, fen. */
  rewardPaidFen: number
  /** Probability the referred customer would not have joined without the share; default 0.5. */
  incrementalProbability?: number
}

/** Value of a referred customer at the scoring day, fen. */
export interface ReferredCustomerValue {
  /** Model CLV from the scoring day on. */
  clvFen: number
  /** Margin already earned from the customer since joining. */
  realisedMarginFen: number
  /** Marketing spent to retain the customer (default 0). */
  retentionCostFen?: number
}

/** Customer referral value (CRV) of one referrer, reported beside CLV, never added to it. */
export interface ReferralValue {
  referrerId: string
  crvFen: number
  /** First-generation referrals counted (joined within the window after the share). */
  referrals: number
  /** Expected number of them that were incremental (sum of incremental probabilities). */
  incrementalReferrals: number
}

/** Kumar-Petersen-Leone CLV x CRV quadrant. */
export type ValueQuadrant = 'champion' | 'affluent' | 'advocate' | 'miser'
