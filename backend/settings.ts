/**
 * The store's settings as every function reads them, and the owner's one place to change them:
 * `settings/store` (shipping, commission, value, auto-complete) and `settings/referral` (the
 * binding rule). Each stored field is checked on read, and a missing or malformed one replaced
 * by its default, so a half-written document never breaks checkout or the ledger. Updates are
 * partial and field by field (dot paths), so two owners changing different fields both win.
 */
import { z } from 'zod'
import { DEFAULT_SHIPPING_RULE, shippingRuleFrom } from '../domain/order'
import { DEFAULT_BINDING_RULE, type BindingRule } from '../domain/referral'
import type { ReferralSettings } from '../typings/referral'
import type { StoreSettings } from '../typings/settings'
import type { StoreSettingsPatch } from '../typings/store'
import type { CloudApp } from './cloud'
import { isDuplicateWrite } from './db-errors'

type Db = ReturnType<CloudApp['database']>

export const STORE_SETTINGS_ID = 'store'
export const REFERRAL_SETTINGS_ID = 'referral'

export const DEFAULT_STORE_SETTINGS: Readonly<StoreSettings> = {
  shipping: DEFAULT_SHIPPING_RULE,
  commission: { rateBps: 1000, coolingOffDays: 7 },
  value: { marginBps: 3000, annualDiscountBps: 1500 },
  autoCompleteDays: 10,
}

/** Bounds of every store setting: the reader and the update schema share them. */
const BOUNDS = {
  flatFeeFen: [0, 100_000],
  freeFromFen: [0, 100_000_000],
  rateBps: [0, 10_000],
  coolingOffDays: [0, 90],
  marginBps: [0, 10_000],
  // a discount rate of 0 has no continuous weekly equivalent (domain/value weeklyDiscountRate)
  annualDiscountBps: [1, 10_000],
  autoCompleteDays: [1, 60],
  windowDays: [1, 365],
} as const satisfies Record<string, readonly [number, number]>

const intIn = (value: unknown, [min, max]: readonly [number, number], fallback: number): number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback

/** A stored settings document (or nothing) as complete, valid settings. */
export function storeSettingsFrom(doc: unknown): StoreSettings {
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Partial<Record<keyof StoreSettings, any>>
  const D = DEFAULT_STORE_SETTINGS
  return {
    shipping: shippingRuleFrom(d as { shipping?: never }),
    commission: {
      rateBps: intIn(d.commission?.rateBps, BOUNDS.rateBps, D.commission.rateBps),
      coolingOffDays: intIn(d.commission?.coolingOffDays, BOUNDS.coolingOffDays, D.commission.coolingOffDays),
    },
    value: {
      marginBps: intIn(d.value?.marginBps, BOUNDS.marginBps, D.value.marginBps),
      annualDiscountBps: intIn(d.value?.annualDiscountBps, BOUNDS.annualDiscountBps, D.value.annualDiscountBps),
    },
    autoCompleteDays: intIn(d.autoCompleteDays, BOUNDS.autoCompleteDays, D.autoCompleteDays),
  }
}

/** The store's settings now. */
export async function readStoreSettings(db: Db): Promise<StoreSettings> {
  const { data } = await db.collection('settings').doc(STORE_SETTINGS_ID).get()
  return storeSettingsFrom((data as unknown[])[0])
}

const int = ([min, max]: readonly [number, number]) => z.number().int().min(min).max(max)

/** A partial change of `settings/store`: any subset of fields, each within its bounds; nothing else. */
export const storeSettingsPatchSchema = z
  .object({
    shipping: z.object({ flatFeeFen: int(BOUNDS.flatFeeFen).optional(), freeFromFen: int(BOUNDS.freeFromFen).nullable().optional() }).strict().optional(),
    commission: z.object({ rateBps: int(BOUNDS.rateBps).optional(), coolingOffDays: int(BOUNDS.coolingOffDays).optional() }).strict().optional(),
    value: z.object({ marginBps: int(BOUNDS.marginBps).optional(), annualDiscountBps: int(BOUNDS.annualDiscountBps).optional() }).strict().optional(),
    autoCompleteDays: int(BOUNDS.autoCompleteDays).optional(),
  })
  .strict()

/** A partial change of the binding rule (`settings/referral`). */
export const referralSettingsPatchSchema = z
  .object({
    mode: z.enum(['permanentFirstTouch', 'firstTouchWindow', 'lastTouch']).optional(),
    windowDays: int(BOUNDS.windowDays).optional(),
    sharePolicy: z.enum(['sellersOnly', 'everyone']).optional(),
  })
  .strict()

/** Whether a partial change names at least one setting (`{}` or `{shipping: {}}` change nothing). */
export function changesSomething(patch: Record<string, unknown> | undefined): boolean {
  return patch !== undefined && Object.keys(dotPaths(patch)).length > 0
}

/** The dot paths a nested partial object sets (`{commission: {rateBps: 5}}` -> `{'commission.rateBps': 5}`). */
function dotPaths(patch: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, dotPaths(value as Record<string, unknown>, `${prefix}${key}.`))
    else out[`${prefix}${key}`] = value
  }
  return out
}

/**
 * Merges the given fields into one settings document (creating it on first write), field by
 * field, so a concurrent change of other fields is never lost and a repeat changes nothing.
 */
async function mergeSettings(db: Db, id: string, patch: Record<string, unknown>, byOpenid: string): Promise<void> {
  const settings = db.collection('settings')
  for (let attempt = 0; attempt < 5; attempt++) {
    const updatedAt = new Date()
    const { updated } = (await settings.doc(id).update({ ...dotPaths(patch), updatedAt, updatedBy: byOpenid })) as { updated?: number }
    if (updated) return
    try {
      // the first write: the nested form of the patch (the dot paths are update syntax only)
      await settings.add({ _id: id, ...patch, updatedAt, updatedBy: byOpenid })
      return
    } catch (err) {
      if (!isDuplicateWrite(err)) throw err // created meanwhile (or the update changed nothing): merge again
    }
  }
  throw new Error(`settings/${id}: could not merge the change`)
}

/** Applies an owner's partial change to `settings/store` and answers the settings now in force. */
export async function updateStoreSettings(db: Db, patch: StoreSettingsPatch, byOpenid: string): Promise<StoreSettings> {
  await mergeSettings(db, STORE_SETTINGS_ID, patch as Record<string, unknown>, byOpenid)
  return readStoreSettings(db)
}

/** A stored binding-rule document (or nothing) as a complete, valid rule. */
export function referralSettingsFrom(doc: unknown): BindingRule {
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Partial<Record<keyof BindingRule, unknown>>
  const parsed = referralSettingsPatchSchema.safeParse({
    ...(d.mode !== undefined ? { mode: d.mode } : {}),
    ...(d.windowDays !== undefined ? { windowDays: d.windowDays } : {}),
    ...(d.sharePolicy !== undefined ? { sharePolicy: d.sharePolicy } : {}),
  })
  const ok = parsed.success ? parsed.data : {}
  return {
    mode: ok.mode ?? DEFAULT_BINDING_RULE.mode,
    windowDays: ok.windowDays ?? DEFAULT_BINDING_RULE.windowDays,
    sharePolicy: ok.sharePolicy ?? DEFAULT_BINDING_RULE.sharePolicy,
  }
}

/** The binding rule now (`settings/referral`). */
export async function readReferralSettings(db: Db): Promise<ReferralSettings> {
  const { data } = await db.collection('settings').doc(REFERRAL_SETTINGS_ID).get()
  return referralSettingsFrom((data as unknown[])[0])
}

/** Applies an owner's partial change to the binding rule; opens from now on follow it. */
export async function updateReferralSettings(db: Db, patch: Partial<ReferralSettings>, byOpenid: string): Promise<ReferralSettings> {
  await mergeSettings(db, REFERRAL_SETTINGS_ID, patch as Record<string, unknown>, byOpenid)
  return readReferralSettings(db)
}
