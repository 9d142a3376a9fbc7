/**
 * `store`: the owner's store settings in one place and the customer value refit. Owner only
 * (OWNER_OPENIDS); identity only from the platform context.
 */
import { z } from 'zod'
import { cloudApp } from '../../backend/cloud'
import { action, defineFunction } from '../../backend/handler'
import { requireOwner } from '../../backend/roles'
import {
  changesSomething,
  readReferralSettings,
  readStoreSettings,
  referralSettingsPatchSchema,
  storeSettingsPatchSchema,
  updateReferralSettings,
  updateStoreSettings,
} from '../../backend/settings'
import { jobView, readJob, readModelSummary, runRefit, startRefit } from '../../backend/value-refit'
import type { ResponseOf } from '../../typings/api'

const db = () => cloudApp().database()

export const main = defineFunction('store', {
  /** Owner only: the store's settings and the binding rule. */
  'settings.get': action({
    schema: z.object({}).strict(),
    needsIdentity: true,
    run: async ({ caller }): Promise<ResponseOf<'store', 'settings.get'>> => {
      requireOwner(caller)
      const [store, referral] = await Promise.all([readStoreSettings(db()), readReferralSettings(db())])
      return { store, referral }
    },
  }),

  /** Owner only: a partial change of either or both, field by field; answers what is now in force. */
  'settings.update': action({
    schema: z
      .object({ store: storeSettingsPatchSchema.optional(), referral: referralSettingsPatchSchema.optional() })
      .strict()
      .refine((d) => changesSomething(d.store) || changesSomething(d.referral), 'give at least one store or referral setting to change'),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'store', 'settings.update'>> => {
      const owner = requireOwner(caller)
      const [store, referral] = await Promise.all([
        data.store ? updateStoreSettings(db(), data.store, owner) : readStoreSettings(db()),
        data.referral ? updateReferralSettings(db(), data.referral, owner) : readReferralSettings(db()),
      ])
      return { store, referral }
    },
  }),

  /** Owner only: refits the value model now (or joins the running refit) and works on it for this call. */
  'refit.start': action({
    schema: z.object({ batchSize: z.number().int().min(10).max(1000).optional(), batchesPerRun: z.number().int().min(1).max(10_000).optional() }).strict(),
    needsIdentity: true,
    run: async ({ data, caller }): Promise<ResponseOf<'store', 'refit.start'>> => {
      requireOwner(caller)
      await startRefit('owner', data)
      const job = (await runRefit()) ?? (await readJob())
      return { job: jobView(job!) }
    },
  }),

  /** Owner only: the latest refit job and the model in force. */
  'refit.status': action({
    schema: z.object({}).strict(),
    needsIdentity: true,
    run: async ({ caller }): Promise<ResponseOf<'store', 'refit.status'>> => {
      requireOwner(caller)
      const [job, model] = await Promise.all([readJob(), readModelSummary()])
      return { job: job ? jobView(job) : null, model }
    },
  }),
})
