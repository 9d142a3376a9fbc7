/**
 * The `store` function's actions: the owner's settings in one place (`settings/store` and the
 * referral binding rule) and the customer value refit (fit the store's model, rescore every
 * customer in resumable batches, store referral value). Owner only. Type-only.
 */
import type { ReferralSettings } from './referral'
import type { ShippingRule } from './orders'
import type { CommissionSettings, StoreSettings, ValueSettings } from './settings'
import type { StoreDay, ValueModelSource } from './value'

/** Any subset of the store's settings; nested groups may be given in part. */
export interface StoreSettingsPatch {
  shipping?: Partial<ShippingRule>
  commission?: Partial<CommissionSettings>
  value?: Partial<ValueSettings>
  autoCompleteDays?: number
}

export interface AllSettings {
  store: StoreSettings
  referral: ReferralSettings
}

/** Where a refit job is: fit the model, rescore every customer, rescore payments made meanwhile, referral value, done. */
export type RefitPhase = 'fit' | 'rescore' | 'recent' | 'referral' | 'done'

/** A refit job as the owner sees it (`settings/valueRefit`). */
export interface RefitJobView {
  jobId: string
  /** Who started it: the owner's action or the nightly timer. */
  trigger: 'owner' | 'nightly'
  phase: RefitPhase
  /** The model this job fitted (settings/valueModel.version), once past `fit`. */
  modelVersion: string | null
  /** Customers rescored, left as they were (a payment changed them meanwhile), and referrers valued. */
  rescored: number
  skipped: number
  referrers: number
  /** Runs (timer ticks or the owner's call) that worked on it. */
  runs: number
  /** ISO times. */
  startedAt: string
  updatedAt: string
  finishedAt: string | null
}

/** The store's current value model, in brief. */
export interface ValueModelSummary {
  version: string
  source: ValueModelSource
  fittedAt: StoreDay
  customers: number
  repeatCustomers: number
}

export interface StoreApi {
  /** Owner only: every store setting and the binding rule. */
  'settings.get': { request: Record<string, never>; response: AllSettings }
  /** Owner only: changes any of them, field by field; answers the settings now in force. */
  'settings.update': { request: { store?: StoreSettingsPatch; referral?: Partial<ReferralSettings> }; response: AllSettings }
  /**
   * Owner only: starts a refit now (or answers the one running) and works on it for this call;
   * the `customers` function's timer continues it every minute until done. `batchSize`
   * (customers per batch, default 200) and `batchesPerRun` (default: as many as fit in 40 s)
   * tune the job.
   */
  'refit.start': { request: { batchSize?: number; batchesPerRun?: number }; response: { job: RefitJobView } }
  /** Owner only: the latest refit job and the model in force. */
  'refit.status': { request: Record<string, never>; response: { job: RefitJobView | null; model: ValueModelSummary | null } }
}
