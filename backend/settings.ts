/**
 * The store's settings (`settings/store`) as every function reads them: each field checked, and
 * a missing or malformed one replaced by its default, so a half-written document never breaks
 * checkout or the ledger.
 */
import { DEFAULT_SHIPPING_RULE, shippingRuleFrom } from '../domain/order'
import type { StoreSettings } from '../typings/settings'
import type { CloudApp } from './cloud'

type Db = ReturnType<CloudApp['database']>

export const STORE_SETTINGS_ID = 'store'

export const DEFAULT_STORE_SETTINGS: Readonly<StoreSettings> = {
  shipping: DEFAULT_SHIPPING_RULE,
  commission: { rateBps: 1000, coolingOffDays: 7 },
  value: { marginBps: 3000, annualDiscountBps: 1500 },
  autoCompleteDays: 10,
}

const intIn = (value: unknown, min: number, max: number, fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback

/** A stored settings document (or nothing) as complete, valid settings. */
export function storeSettingsFrom(doc: unknown): StoreSettings {
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Partial<Record<keyof StoreSettings, any>>
  const D = DEFAULT_STORE_SETTINGS
  return {
    shipping: shippingRuleFrom(d as { shipping?: never }),
    commission: {
      rateBps: intIn(d.commission?.rateBps, 0, 10000, D.commission.rateBps),
      coolingOffDays: intIn(d.commission?.coolingOffDays, 0, 90, D.commission.coolingOffDays),
    },
    value: {
      marginBps: intIn(d.value?.marginBps, 0, 10000, D.value.marginBps),
      annualDiscountBps: intIn(d.value?.annualDiscountBps, 0, 10000, D.value.annualDiscountBps),
    },
    autoCompleteDays: intIn(d.autoCompleteDays, 1, 60, D.autoCompleteDays),
  }
}

/** The store's settings now. */
export async function readStoreSettings(db: Db): Promise<StoreSettings> {
  const { data } = await db.collection('settings').doc(STORE_SETTINGS_ID).get()
  return storeSettingsFrom((data as unknown[])[0])
}
