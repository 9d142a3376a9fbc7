/**
 * The store's own settings, kept in `settings/store` and changed only by the owner. The referral
 * binding rule lives beside it in `settings/referral` (typings/referral.ts ReferralSettings).
 * Money is integer fen; rates are basis points (1 bps = 0.01 %). Type-only.
 */
import type { ShippingRule } from './orders'

export interface CommissionSettings {
  /** Share of an order's goods value (shipping excluded) credited to its seller, 0..10000 bps. */
  rateBps: number
  /** Days after the buyer confirms receipt before a credit becomes withdrawable. */
  coolingOffDays: number
}

export interface ValueSettings {
  /** Gross margin used for lifetime value, 0..10000 bps. */
  marginBps: number
  /** Annual discount rate for lifetime value, in bps (1500 = 15 %). */
  annualDiscountBps: number
}

export interface StoreSettings {
  shipping: ShippingRule
  commission: CommissionSettings
  value: ValueSettings
  /** Days after shipping that an order the buyer has not confirmed is completed automatically. */
  autoCompleteDays: number
}
